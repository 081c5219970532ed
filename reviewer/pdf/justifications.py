"""The 评分理由 section of the results PDF: every written reason for a score, by application
and expert, for the 监督组 that oversees the review (e.g. 云岭工匠选树管理办法 第十八条).

Printed only when the case requires justification or an expert wrote a comment, so results
PDFs of sessions without either keep their form.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.layout import Styles, fit_widths, grid_table, para, text_column
from reviewer.pdf.model import JustificationRow


def wanted(note: str, rows: Sequence[JustificationRow]) -> bool:
    return bool(note or rows)


def justification_section(note: str, rows: Sequence[JustificationRow], styles: Styles,
                          width: float) -> list[Flowable]:
    out: list[Flowable] = []
    if note:
        out.append(para(note, styles.note))
    if not rows:
        out.append(para(t("pdf.justify.none"), styles.body))
        return out
    header = [t("pdf.col.app_id"), t("pdf.col.app_name"), t("pdf.col.expert"),
              t("pdf.justify.col.criterion"), t("pdf.justify.col.score"),
              t("pdf.justify.col.comment")]
    id_w = text_column([r.app_id for r in rows], styles, 14 * mm, 30 * mm)
    widths = [id_w, *fit_widths([30, 18, 34, 12, 70], width - id_w)]
    data = []
    previous = None
    for r in rows:
        first = r.app_id != previous
        data.append([r.app_id if first else "", r.app_name if first else "", r.expert,
                     f"{r.criterion}（{r.round}）", r.score, r.comment])
        previous = r.app_id
    return [*out, grid_table(header, data, widths, styles, numeric=[4])]
