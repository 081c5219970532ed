"""The results PDF handed to the supervision group (监督组, 云岭工匠选树管理办法 第十八条).

Lays out a ``ReportData`` (already computed by the engine) in eight sections, A4, Chinese,
with an embedded CJK font; writes the integrity facts into the document info so ``verify
--case`` can compare them; the output is ready for pyHanko to append signatures to.
"""

from __future__ import annotations

import dataclasses
import io
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.platypus import NextPageTemplate, PageBreak
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf import justifications, rounds, sections, signature_page
from reviewer.pdf.files import document_language, write_atomically
from reviewer.pdf.fonts import find_cjk_font
from reviewer.pdf.layout import (
    Furniture,
    Heading,
    ReviewerDoc,
    Styles,
    canvas_maker,
    frame_width,
    make_styles,
    para,
)
from reviewer.pdf.metadata import with_facts
from reviewer.pdf.model import DROPPED_HIGH, DROPPED_LOW, ReportData, RoundTable

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class RenderInfo:
    path: Path
    pages: int
    size_bytes: int
    seconds: float
    font_name: str
    font_path: str
    font_embedded: bool
    warnings: tuple[str, ...] = ()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _section(title: str, key: str, styles: Styles, orientation: str) -> list[Flowable]:
    return [NextPageTemplate(orientation), PageBreak(), Heading(title, styles.h1, key=key)]


def _marks_note(table: RoundTable) -> str:
    """Explain ▲/▼ where the table shows them (trimmed mean with enough sheets)."""
    shown = any(cell.endswith((DROPPED_HIGH, DROPPED_LOW)) for row in table.rows
                for cell in row.totals)
    return t("pdf.round.trim_marks", high=DROPPED_HIGH, low=DROPPED_LOW) if shown else ""


def build_story(data: ReportData, styles: Styles) -> list[Flowable]:
    """Flowables of the whole document, in the order of issue 4 sections 1–8."""
    story: list[Flowable] = sections.cover(data.cover, data.warnings, styles)
    story += _section(t("pdf.h.committee"), "committee", styles, "portrait")
    cite = data.citations
    story += sections.committee(data.committee, styles, cite)
    story += [Heading(t("pdf.h.recusals"), styles.h1, key="recusals")]
    story += sections.recusals(data.recusals, styles, cite)

    # the rounds are the measure's own: 专业组 then 综合组, or a single round (issue 12)
    first = (t("pdf.h.groups") if cite.two_rounds or not cite.first_round else
             t("pdf.h.single_round", name=cite.first_round, article=cite.first_round_article))
    story += _section(first, "groups", styles, "landscape")
    if not data.groups:
        story.append(para(t("pdf.none"), styles.body))
    selected = t("pdf.col.nominated") if cite.two_rounds else t("pdf.col.selected")
    for i, group in enumerate(data.groups):
        story.append(Heading(group.title, styles.h2, key=f"group-{i}", level=1))
        if group.note:
            story.append(para(group.note + _marks_note(group), styles.note))
        story += rounds.round_table(group, styles, selected_label=selected,
                                    recusal_article=cite.recusal_article)

    wide = frame_width(landscape_page=True)
    second = t("pdf.h.comprehensive") if cite.two_rounds else t("pdf.h.result")
    story += _section(second, "comprehensive", styles, "landscape")
    if not cite.two_rounds:
        pass  # a one-step measure lists straight from its single round
    elif data.comprehensive is not None:
        story.append(Heading(data.comprehensive.title, styles.h2, key="comp-table", level=1))
        if data.comprehensive.note:
            story.append(para(data.comprehensive.note + _marks_note(data.comprehensive),
                              styles.note))
        story += rounds.round_table(data.comprehensive, styles,
                                    selected_label=t("pdf.col.selected"),
                                    recusal_article=cite.recusal_article)
    else:
        story.append(para(t("pdf.comprehensive.none"), styles.body))
    story.append(Heading(t("pdf.h.final"), styles.h2, key="final", level=1))
    story += rounds.final_table(data.final, data.cap_lines, styles, funding=data.has_funding)
    story.append(Heading(t("pdf.h.ineligible"), styles.h2, key="ineligible", level=1))
    story += sections.ineligible(data.ineligible, styles, wide)
    story.append(Heading(t("pdf.h.ties"), styles.h2, key="ties", level=1))
    story += sections.ties(data.ties, styles, wide, data.tie_breaks)
    story.append(Heading(t("pdf.h.disqualified"), styles.h2, key="disqualified", level=1))
    story += sections.disqualifications(data.disqualifications, styles, wide, cite)
    story.append(Heading(t("pdf.h.overrides"), styles.h2, key="overrides", level=1))
    story += sections.overrides(data.overrides, styles, wide)

    story += _section(t("pdf.h.stats"), "stats", styles, "portrait")
    story += sections.statistics(data.stats, styles)
    if justifications.wanted(data.justify_note, data.justifications):
        # part of the 监督组's reading of the scores, beside the outlier sheets it explains
        story.append(Heading(t("pdf.justify.heading"), styles.h2, key="justifications",
                             level=1))
        story += justifications.justification_section(
            data.justify_note, data.justifications, styles, frame_width(landscape_page=False))
    story += _section(t("pdf.h.integrity"), "integrity", styles, "portrait")
    story += sections.integrity(data.integrity, styles)
    story += signature_page.audit_entries(data.dissents, data.refusals, styles)
    story += _section(t("pdf.h.signatures"), "signatures", styles, "portrait")
    if data.signatures:  # the committee group by group, refusals and dissents (issue 13)
        story += signature_page.signature_page(data.signatures, data.cover.secretary,
                                               data.supervision_lines, data.dissents, styles)
    else:
        story += sections.signature_page(data.committee, data.cover.secretary,
                                         data.supervision_lines, styles)
    story += _section(t("pdf.h.appendix"), "appendix", styles, "landscape")
    story += sections.appendix(data.appendix, styles, wide, data.trimmed)
    return story


@dataclass(frozen=True)
class Rendered:
    """The finished, unsigned document, only ever in memory."""

    pdf: bytes
    pages: int
    seconds: float
    font_name: str
    font_path: str
    font_embedded: bool
    warnings: tuple[str, ...] = ()


class _Monotonic:
    """Progress that never goes back, never passes 100% and ends at exactly 100%."""

    def __init__(self, sink: Progress | None) -> None:
        self._sink = sink
        self._last = -1.0

    def __call__(self, fraction: float, message: str) -> None:
        value = min(1.0, max(0.0, fraction, self._last))
        if self._sink is not None and value > self._last:
            self._sink(value, message)
        self._last = max(self._last, value)


def render_results_bytes(data: ReportData, *, font_path: str | os.PathLike[str] | None = None,
                         progress: Progress | None = None, lang: str = "zh") -> Rendered:
    """Lay out the results PDF in memory, integrity facts included, ready to be signed.

    The document is in Chinese as the issue requires (``lang`` exists for previews); warnings
    and progress messages are in the user's language.
    """
    started = time.perf_counter()
    font = find_cjk_font(font_path)
    warnings = [font.warning] if font.warning else []
    missing = font.missing_glyphs("".join(_strings(data)))
    if missing:
        warnings.append(t("pdf.font.missing_glyphs", chars=missing, font=font.path))
    report = _Monotonic(progress)
    messages = {k: t(f"pdf.progress.{k}") for k in ("prepare", "layout", "metadata", "done")}
    report(0.0, messages["prepare"])
    styles = make_styles(font.name)
    done = 0
    total = 1

    def after(_: Flowable) -> None:
        # ReportLab calls this once per flowable drawn, and again for each part of a split
        # table, so ``done`` can exceed the story's length: the layout share is capped.
        nonlocal done
        done += 1
        if done % 25 == 0:
            report(0.05 + 0.85 * min(done, total) / total, messages["layout"])

    buffer = io.BytesIO()
    with document_language(lang):
        story = build_story(data, styles)
        total = max(len(story), 1)
        doc = ReviewerDoc(buffer, font=font.name, after=after,
                          title=t("pdf.meta.title", title=data.cover.session_title),
                          author=data.cover.organisation, subject=t("pdf.page.confidential"),
                          creator=t("pdf.meta.creator", version=data.integrity.software_version),
                          keywords=data.cover.session_id, lang="zh-CN")
        furniture = Furniture(font.name, data.cover.session_id,
                              left_footer=data.cover.measure_name)
        doc.build(story, canvasmaker=canvas_maker(furniture))
        pages = doc.page
        report(0.92, messages["metadata"])
        pdf = with_facts(buffer.getvalue(), data.integrity, data.cover.session_id)
    report(1.0, messages["done"])
    return Rendered(pdf, pages, time.perf_counter() - started, font.name, font.path,
                    font.embedded, tuple(warnings))


def render_results_pdf(data: ReportData, out_path: str | os.PathLike[str], *,
                       font_path: str | os.PathLike[str] | None = None,
                       progress: Progress | None = None, lang: str = "zh") -> RenderInfo:
    """Write the unsigned results PDF to ``out_path`` (atomically): previews and tests.

    ``export`` never calls this: it signs ``render_results_bytes`` in memory.
    """
    out = Path(out_path)
    rendered = render_results_bytes(data, font_path=font_path, progress=progress, lang=lang)
    write_atomically(out, rendered.pdf)
    return RenderInfo(out, rendered.pages, len(rendered.pdf), rendered.seconds,
                      rendered.font_name, rendered.font_path, rendered.font_embedded,
                      rendered.warnings)
