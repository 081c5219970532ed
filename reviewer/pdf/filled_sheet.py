"""An expert's filled score sheet, printed after they submit, for their signature (实名打分).

云岭工匠选树管理办法第十二条 (and 工作室/工作站 第十五条) require scoring by real name: the
member signs, on paper, the very scores the system recorded under their name. One sheet per
expert and round lists every application of their groups with each criterion score and the
total; a recused application shows only its number and 回避 (the member never saw its
content), an abstention shows 弃权. Then the panel's own undertaking sentence (quoted from its
confidentiality text, with its article), a signature line and a date line, and the time the
sheet was printed, in Beijing time like the rest of the PDF.

Laid out like the blank paper sheets (``reviewer.pdf.sheets``: the same landscape page, fonts,
kinsoku line breaking, the owner's name on every page); rendered in memory and written with
``write_atomically`` (no partial file, no plaintext temporary file).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.files import write_atomically
from reviewer.pdf.layout import (
    Styles,
    frame_width,
    grid_table,
    para,
    signature_line,
    text_column,
)
from reviewer.pdf.model import RECUSED, FilledSheetData
from reviewer.pdf.report import RenderInfo
from reviewer.pdf.sheets import _Owner, render_sheet_pages

ROW_HEIGHT = 7 * mm


def _sheet(sheet: FilledSheetData, styles: Styles) -> list[Flowable]:
    width = frame_width(landscape_page=True)
    n = len(sheet.criteria)
    id_w = text_column([r.app_id for r in sheet.rows], styles, 16 * mm, 32 * mm)
    no_w = 9 * mm
    crit_w = min(28 * mm, max(17 * mm, (width - no_w - id_w - 95 * mm) / (n + 1)))
    rest = width - no_w - id_w - crit_w * (n + 1)
    name_w = text_column([r.name for r in sheet.rows], styles, 20 * mm, rest * 0.6)
    widths = [no_w, id_w, name_w, rest - name_w, *([crit_w] * (n + 1))]
    header = [t("pdf.col.no"), t("pdf.col.app_id"), t("pdf.col.app_name"), t("pdf.col.unit"),
              *(t("pdf.col.criterion", name=c.name, max=c.max) for c in sheet.criteria),
              t("pdf.col.sum")]
    rows: list[list[str]] = []
    spans: list[tuple[object, ...]] = []
    for i, row in enumerate(sheet.rows, start=1):
        if row.mark == RECUSED:  # no content: the number and 回避 across the row
            rows.append([str(i), row.app_id, RECUSED, *([""] * (n + 2))])
            spans.append(("SPAN", (2, i), (len(widths) - 1, i)))
        else:
            rows.append([str(i), row.app_id, row.name, row.unit, *row.values, row.total])
    out: list[Flowable] = [
        _Owner(t("pdf.sheet.owner", expert=sheet.expert_name, expert_id=sheet.expert_id,
                 round=sheet.round_label)),
        para(t("pdf.sits.filled_title", measure=sheet.measure_name, round=sheet.round_label),
             styles.h1),
    ]
    if sheet.session_title:
        out.append(para(sheet.session_title, styles.note))
    how = t("pdf.sits.how_paper") if sheet.on_paper else t("pdf.sits.how_terminal")
    out += [
        para(t("pdf.sits.filled_facts", expert=sheet.expert_name, expert_id=sheet.expert_id,
               group=sheet.group, session=sheet.session_id), styles.body),
        para(t("pdf.sits.filled_submitted", when=sheet.submitted, how=how), styles.note),
    ]
    if rows:
        numeric = list(range(4, len(widths)))
        out.append(grid_table(header, rows, widths, styles, centred=[0], numeric=numeric,
                              row_height=ROW_HEIGHT, extra=spans))
    else:
        out.append(para(t("pdf.sheet.empty"), styles.body))
    out.append(para(t("pdf.sits.filled_counts", all=len(sheet.rows), scored=sheet.scored,
                      recused=sheet.recused, abstained=sheet.abstained), styles.note))
    signature = signature_line(t("pdf.sheet.sign"), t("pdf.sheet.date"), [32 * mm, 70 * mm, 18 * mm, 45 * mm], styles,
                               align="RIGHT", room=6 * mm)
    out.append(KeepTogether([Spacer(1, 2 * mm), para(sheet.pledge, styles.note), signature,
                             para(t("pdf.sits.printed", when=sheet.printed), styles.note)]))
    return out


def render_filled_bytes(sheets: Sequence[FilledSheetData], *,
                        font_path: str | os.PathLike[str] | None = None,
                        lang: str = "zh") -> tuple[bytes, int, str, str, bool, tuple[str, ...]]:
    """The PDF of ``sheets`` (each from a new landscape page), only ever in memory."""
    pdf = render_sheet_pages(sheets, _sheet, none_key="pdf.sits.filled_none",
                             title_key="pdf.sits.filled_doc_title", font_path=font_path,
                             lang=lang)
    font = pdf.font
    return pdf.data, pdf.pages, font.name, font.path, font.embedded, pdf.warnings


def render_filled_sheets(sheets: Sequence[FilledSheetData], out_path: str | os.PathLike[str], *,
                         font_path: str | os.PathLike[str] | None = None,
                         lang: str = "zh") -> RenderInfo:
    """Write ``sheets`` into one PDF at ``out_path`` in one step."""
    started = time.perf_counter()
    out = Path(out_path)
    pdf, pages, name, path, embedded, warnings = render_filled_bytes(sheets, font_path=font_path,
                                                                    lang=lang)
    write_atomically(out, pdf)
    return RenderInfo(out, pages, len(pdf), time.perf_counter() - started, name, path, embedded,
                      warnings)
