"""Sections 4 and 5 of the results PDF: the round tables and the final list.

Every expert's total appears under their real name (第十二条 实名打分); a recused expert's
cell reads 回避 (第十九条). Wide committees are split into several tables of at most
``EXPERTS_PER_TABLE`` score columns, each repeating the identity columns, so a page never
carries columns too narrow to read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Spacer
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.layout import (
    CUT_COLOUR,
    Styles,
    fit_widths,
    frame_width,
    grid_table,
    para,
    text_column,
)
from reviewer.pdf.model import CapLine, FinalRow, RoundTable

EXPERTS_PER_TABLE = 8
MAX_EXPERT_COL = 20 * mm


def _yes(flag: bool) -> str:
    return t("pdf.yes") if flag else ""


def round_table(table: RoundTable, styles: Styles, *, selected_label: str,
                recusal_article: str = "") -> list[Flowable]:
    """One or more tables (by chunks of expert columns) for a round of one group."""
    out: list[Flowable] = []
    width = frame_width(landscape_page=True)
    experts = table.experts or ()
    parts = max(1, math.ceil(len(experts) / EXPERTS_PER_TABLE))
    per = max(1, math.ceil(len(experts) / parts))  # 9 experts: 5 + 4, not 8 + 1
    chunks = [experts[i:i + per] for i in range(0, len(experts), per)] or [()]
    id_w = text_column([r.app_id for r in table.rows], styles, 14 * mm, 30 * mm)
    for index, chunk in enumerate(chunks):
        first = index * per
        fixed = [10 * mm, id_w, 0.0, 0.0, 16 * mm, 15 * mm, 12 * mm]
        expert_w = min(MAX_EXPERT_COL, (width - sum(fixed) - 70 * mm) / max(len(chunk), 1))
        rest = width - sum(fixed) - expert_w * len(chunk)
        name_w = text_column([r.name for r in table.rows], styles, 18 * mm, rest * 0.6)
        unit_w = rest - name_w
        widths = [fixed[0], fixed[1], name_w, unit_w, *([expert_w] * len(chunk)), *fixed[4:]]
        header = [t("pdf.col.rank"), t("pdf.col.app_id"), t("pdf.col.app_name"),
                  t("pdf.col.unit"), *chunk, t("pdf.col.aggregate"), t("pdf.col.quorum"),
                  selected_label]
        rows = [
            [
                "—" if row.rank is None else str(row.rank), row.app_id, row.name, row.unit,
                *row.totals[first:first + len(chunk)],
                row.aggregate or "—",
                t("pdf.quorum.ok") if row.quorum_ok else t("pdf.quorum.short"),
                _yes(row.selected),
            ]
            for row in table.rows
        ]
        n = len(widths)
        numeric = [*range(4, 4 + len(chunk)), n - 3]
        extra: list[tuple[Any, ...]] = []
        if table.cut_after and 0 < table.cut_after < len(rows):
            extra.append(("LINEBELOW", (0, table.cut_after), (-1, table.cut_after), 1.4,
                          CUT_COLOUR))
        for r, row in enumerate(table.rows, start=1):
            if not row.quorum_ok:
                extra.append(("TEXTCOLOR", (n - 2, r), (n - 2, r), CUT_COLOUR))
        if len(chunks) > 1:
            out.append(para(t("pdf.round.columns", first=first + 1, last=first + len(chunk),
                              total=len(experts)), styles.note))
        out.append(grid_table(header, rows, widths, styles, numeric=numeric,
                              centred=[0, n - 2, n - 1], extra=extra))
        out.append(Spacer(1, 3 * mm))
    if table.cut_after:
        out.append(para(t("pdf.round.cut_note", label=selected_label,
                          article=recusal_article), styles.note))
    return out


def final_table(rows: Sequence[FinalRow], cap_lines: Sequence[CapLine], styles: Styles, *,
                funding: bool) -> list[Flowable]:
    """The final list; track and tier columns only when they tell the reader something."""
    width = frame_width(landscape_page=True)
    show_track = len({r.track for r in rows}) > 1
    show_tier = any(r.tier for r in rows)
    id_w = text_column([r.app_id for r in rows], styles, 14 * mm, 30 * mm)
    columns: list[tuple[str, float]] = [(t("pdf.col.position"), 12)]
    if show_track:
        columns.append((t("pdf.col.track"), 28))
    if show_tier:
        columns.append((t("pdf.col.tier"), 18))
    columns += [(t("pdf.col.app_id"), 0), (t("pdf.col.app_name"), 50), (t("pdf.col.unit"), 45),
                (t("pdf.col.score"), 16), (t("pdf.col.basis"), 26), (t("pdf.col.lineage"), 44)]
    if funding:
        columns.append((t("pdf.col.amount"), 18))
    id_col = [name for name, _ in columns].index(t("pdf.col.app_id"))
    weights = [w for _, w in columns]
    widths = fit_widths([w for w in weights if w], width - id_w)
    widths.insert(id_col, id_w)
    header = [name for name, _ in columns]
    data = []
    for row in rows:
        basis = t("pdf.basis.direct") if row.basis == "direct" else t("pdf.basis.scored")
        if row.basis_note:
            basis = f"{basis}\n{row.basis_note}"
        lineage = ""
        if row.lineage is not None:
            rank = "—" if row.lineage.rank is None else str(row.lineage.rank)
            lineage = t("pdf.lineage", group=row.lineage.group, rank=rank,
                        aggregate=row.lineage.aggregate or "—")
        line = [str(row.position)]
        if show_track:
            line.append(row.track)
        if show_tier:
            line.append(row.tier)
        line += [row.app_id, row.name, row.unit, row.score or "—", basis, lineage]
        if funding:
            line.append(row.amount)
        data.append(line)
    extra: list[tuple[Any, ...]] = []
    for cap in cap_lines:
        for r, row in enumerate(rows, start=1):
            if row.track == cap.track and row.position == cap.after_position:
                extra.append(("LINEBELOW", (0, r), (-1, r), 1.4, CUT_COLOUR))
    out: list[Flowable] = []
    if data:
        score_col = id_col + 3
        numeric = [score_col] + ([len(header) - 1] if funding else [])
        out.append(grid_table(header, data, widths, styles, numeric=numeric, centred=[0],
                              extra=extra))
        out.append(Spacer(1, 2 * mm))
    else:
        out.append(para(t("pdf.final.empty"), styles.body))
    for cap in cap_lines:
        if cap.cap is None:
            out.append(para(t("pdf.final.no_cap_line", track=cap.track, filled=cap.filled),
                            styles.note))
            continue
        out.append(para(t("pdf.final.cap_line", track=cap.track, cap=cap.cap, filled=cap.filled),
                        styles.note))
    return out
