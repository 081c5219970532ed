"""The 评审委员会签字页 at the end of the results PDF, with dissents and refusals (issue 13).

Every member of each group is listed by real name (实名, e.g. 云岭工匠选树管理办法第十二条),
title, unit and role with a line for the handwritten signature and the date; a member who
refused to sign shows 拒绝签字 and their written reason in place of the line. The secretary's
line and the 监督组's lines follow (the supervision group oversees the review, e.g. 云岭工匠
第十八条). The written dissents (不同意见) are printed right after, beside the signatures they
qualify, and again as entries of the audit section (both come from the keyed audit chain).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.layout import Heading, Styles, fit_widths, frame_width, grid_table, para
from reviewer.pdf.model import DissentRow, RefusalRow, SignatureGroup

PORTRAIT_W = frame_width(landscape_page=False)
SIGN_ROW = 11 * mm  # room for a handwritten name


def _refused(reason: str, when: str) -> str:
    return t("pdf.sits.refused", reason=reason, when=when)


def signature_page(groups: Sequence[SignatureGroup], secretary: str, supervision_lines: int,
                   dissents: Sequence[DissentRow], styles: Styles) -> list[Flowable]:
    """The signature tables, group by group, then the secretary, the 监督组 and dissents."""
    out: list[Flowable] = [para(t("pdf.sits.sign_title"), styles.h2),
                           para(t("pdf.sign.note"), styles.note)]
    header = [t("pdf.col.name"), t("pdf.col.title"), t("pdf.col.unit"), t("pdf.col.role"),
              t("pdf.col.signature"), t("pdf.col.date")]
    widths = fit_widths([18, 24, 40, 16, 40, 24], PORTRAIT_W)
    for i, group in enumerate(groups):
        rows: list[list[str]] = []
        spans: list[tuple[object, ...]] = []
        for r, member in enumerate(group.members, start=1):
            if member.refused:
                rows.append([member.name, member.title, member.unit, member.role,
                             _refused(member.refused, member.refused_when), ""])
                spans.append(("SPAN", (4, r), (5, r)))
            else:
                rows.append([member.name, member.title, member.unit, member.role, "", ""])
        out.append(Heading(group.title, styles.h2, key=f"sign-group-{i}", level=1))
        # room for a handwritten signature, yet a long unit or refusal still grows its row
        room = [("TOPPADDING", (0, 1), (-1, -1), 3.5 * mm),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 3.5 * mm)]
        out.append(grid_table(header, rows, widths, styles, extra=[*spans, *room]))
    staff_header = [t("pdf.col.role"), t("pdf.col.name"), t("pdf.col.signature"),
                    t("pdf.col.date")]
    staff = [[t("pdf.sign.secretary"), secretary, "", ""]]
    staff += [[t("pdf.sign.supervision"), "", "", ""] for _ in range(max(supervision_lines, 1))]
    out.append(Spacer(1, 3 * mm))
    out.append(KeepTogether([
        para(t("pdf.sits.staff_title"), styles.h2),
        grid_table(staff_header, staff, fit_widths([30, 40, 70, 30], PORTRAIT_W), styles,
                   row_height=SIGN_ROW)]))
    out += dissent_list(dissents, styles)
    return out


def dissent_list(dissents: Sequence[DissentRow], styles: Styles) -> list[Flowable]:
    """不同意见: who, on which round, what they wrote, when (printed beside the signatures)."""
    out: list[Flowable] = [Spacer(1, 3 * mm), para(t("pdf.sits.dissent_title"), styles.h2)]
    if not dissents:
        return [*out, para(t("pdf.sits.no_dissent"), styles.body)]
    header = [t("pdf.col.name"), t("pdf.sits.col_round"), t("pdf.sits.col_dissent"),
              t("pdf.sits.col_when")]
    rows = [[d.expert, d.round, d.text, d.when + (t("pdf.sits.on_paper") if d.on_paper else "")]
            for d in dissents]
    return [*out, grid_table(header, rows, fit_widths([18, 20, 88, 38], PORTRAIT_W), styles)]


def audit_entries(dissents: Sequence[DissentRow], refusals: Sequence[RefusalRow],
                  styles: Styles) -> list[Flowable]:
    """The same records as entries of the audit trail section (kind, member, time, how)."""
    out: list[Flowable] = [Spacer(1, 4 * mm), para(t("pdf.sits.audit_title"), styles.h2)]
    rows = [[t("pdf.sits.kind_dissent"), d.expert, d.round, d.when,
             t("pdf.sits.by_paper") if d.on_paper else t("pdf.sits.by_terminal")]
            for d in dissents]
    rows += [[t("pdf.sits.kind_refusal"), r.expert, "", r.when,
              t("pdf.sits.by_paper") if r.on_paper else t("pdf.sits.by_terminal")]
             for r in refusals]
    if not rows:
        return [*out, para(t("pdf.sits.audit_none"), styles.body)]
    header = [t("pdf.sits.col_kind"), t("pdf.col.name"), t("pdf.sits.col_round"),
              t("pdf.sits.col_when"), t("pdf.sits.col_how")]
    return [*out, grid_table(header, rows, fit_widths([22, 20, 30, 34, 30], PORTRAIT_W), styles)]
