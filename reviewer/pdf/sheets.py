"""Blank paper score sheets for sessions held on paper (实名打分).

One sheet per expert per round, listing only the applications that expert may score (a
recused application is simply absent), one column per criterion with its maximum, a total
column and a line for the expert's signature. Every page of a sheet names its expert (a
sheet that runs onto a second page must not become anonymous), and the pledge cites the
measure's own confidentiality/recusal article from its panel file. What is written on them
comes back through ``scores import``.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, PageBreak, Spacer
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.files import document_language, write_atomically
from reviewer.pdf.fonts import FontChoice, find_cjk_font
from reviewer.pdf.layout import (
    Furniture,
    ReviewerDoc,
    Styles,
    canvas_maker,
    frame_width,
    grid_table,
    make_styles,
    para,
    signature_line,
    text_column,
)
from reviewer.pdf.model import ScoreSheetData
from reviewer.pdf.report import RenderInfo

S = TypeVar("S")

ROW_HEIGHT = 8.5 * mm  # room for handwriting


class _Owner(Flowable):
    """Invisible: tells the page furniture whose sheet this page belongs to. The canvas keeps
    the attribute until the next sheet sets it, so a continuation page carries it too."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv.sheet_owner = self.text  # type: ignore[attr-defined]


class _SheetFurniture(Furniture):
    def draw(self, canv: Canvas, number: int, total: int) -> None:
        super().draw(canv, number, total)
        owner = getattr(canv, "sheet_owner", "")
        if owner:
            width, height = canv._pagesize  # noqa: SLF001 (the page's own size)
            canv.saveState()
            canv.setFont(self.font, 9)
            canv.drawCentredString(width / 2, height - 10 * mm, owner)
            canv.restoreState()



def _sheet(sheet: ScoreSheetData, styles: Styles) -> list[Flowable]:
    width = frame_width(landscape_page=True)
    head = t("pdf.sheet.title", measure=sheet.measure_name, round=sheet.round_label)
    facts = t("pdf.sheet.facts", expert=sheet.expert_name, expert_id=sheet.expert_id,
              group=sheet.group, session=sheet.session_id)
    id_w = text_column([a.app_id for a in sheet.applications], styles, 16 * mm, 32 * mm)
    no_w = 9 * mm
    reason_w = 50 * mm if sheet.justify_note else 0  # the 理由 column (评分理由)
    crit_w = min(30 * mm, max(17 * mm, (width - no_w - id_w - reason_w - 95 * mm)
                              / (len(sheet.criteria) + 1)))
    rest = width - no_w - id_w - reason_w - crit_w * (len(sheet.criteria) + 1)
    name_w = text_column([a.name for a in sheet.applications], styles, 20 * mm, rest * 0.6)
    unit_w = rest - name_w
    widths = [no_w, id_w, name_w, unit_w, *([crit_w] * (len(sheet.criteria) + 1))]
    header = [t("pdf.col.no"), t("pdf.col.app_id"), t("pdf.col.app_name"), t("pdf.col.unit"),
              *(t("pdf.col.criterion", name=c.name, max=c.max) for c in sheet.criteria),
              t("pdf.col.sum")]
    blanks = [""] * (len(sheet.criteria) + 1)
    if sheet.justify_note:
        widths.append(reason_w)
        header.append(t("sheet.justify_column"))
        blanks.append("")
    rows = [[str(i), a.app_id, a.name, a.unit, *blanks]
            for i, a in enumerate(sheet.applications, start=1)]
    out: list[Flowable] = [
        _Owner(t("pdf.sheet.owner", expert=sheet.expert_name, expert_id=sheet.expert_id,
                 round=sheet.round_label)),
        para(head, styles.h1),
        para(facts, styles.body),
        para(t("pdf.sheet.rules", step=sheet.step), styles.note),
    ]
    if sheet.justify_note:
        out.append(para(sheet.justify_note, styles.note))
    if sheet.session_title:
        out.insert(1, para(sheet.session_title, styles.note))
    if rows:
        out.append(grid_table(header, rows, widths, styles, centred=[0], row_height=ROW_HEIGHT))
    else:
        out.append(para(t("pdf.sheet.empty"), styles.body))
    signature = signature_line(t("pdf.sheet.sign"), t("pdf.sheet.date"), [32 * mm, 70 * mm, 18 * mm, 45 * mm], styles,
                               align="RIGHT", room=6 * mm)
    cite = sheet.citations
    pledge = t("pdf.sheet.pledge", term=cite.confidentiality_term, policy=cite.policy,
               article=cite.recusal_article)
    out.append(KeepTogether([Spacer(1, 2 * mm), para(pledge, styles.note), signature]))
    return out


@dataclass(frozen=True)
class SheetPdf:
    """A rendered run of sheets, only ever in memory (written in one step by the caller)."""

    data: bytes
    pages: int
    font: FontChoice
    warnings: tuple[str, ...]


def render_sheet_pages(sheets: Sequence[S], one: Callable[[S, Any], list[Flowable]], *,
                       none_key: str, title_key: str,
                       font_path: str | os.PathLike[str] | None = None,
                       lang: str = "zh") -> SheetPdf:
    """Each sheet from a new landscape page, with the sheets' running header: shared by the
    blank sheets and the filled ones (实名打分), which differ only in ``one``."""
    font = find_cjk_font(font_path)
    warnings = (font.warning,) if font.warning else ()
    styles = make_styles(font.name)
    session = next((getattr(s, "session_id", "") for s in sheets
                    if getattr(s, "session_id", "")), "")
    buffer = io.BytesIO()
    with document_language(lang):
        story: list[Flowable] = []
        for i, sheet in enumerate(sheets):
            if i:
                story.append(PageBreak())
            story += one(sheet, styles)
        if not story:
            story = [para(t(none_key), styles.body)]
        doc = ReviewerDoc(buffer, font=font.name, first="landscape", title=t(title_key),
                          subject=t("pdf.page.confidential"), lang="zh-CN")
        doc.build(story, canvasmaker=canvas_maker(_SheetFurniture(font.name, session)))
    return SheetPdf(buffer.getvalue(), doc.page, font, warnings)


def render_score_sheets(sheets: Sequence[ScoreSheetData], out_path: str | os.PathLike[str], *,
                        font_path: str | os.PathLike[str] | None = None,
                        lang: str = "zh") -> RenderInfo:
    """Write all sheets into one PDF, each starting on a new landscape page."""
    started = time.perf_counter()
    out = Path(out_path)
    pdf = render_sheet_pages(sheets, _sheet, none_key="pdf.sheet.none",
                             title_key="pdf.sheet.doc_title", font_path=font_path, lang=lang)
    font, pages, warnings = pdf.font, pdf.pages, pdf.warnings
    write_atomically(out, pdf.data)
    return RenderInfo(out, pages, len(pdf.data), time.perf_counter() - started, font.name,
                      font.path, font.embedded, warnings)
