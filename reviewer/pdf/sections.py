"""Sections 1–3 and 5–8 of the results PDF (the round tables live in ``rounds``)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.charts import distribution_charts
from reviewer.pdf.layout import (
    CUT_COLOUR,
    GRID_COLOUR,
    HEAD_COLOUR,
    Styles,
    fit_widths,
    frame_width,
    grid_table,
    para,
    text_column,
)
from reviewer.pdf.model import (
    DROPPED_HIGH,
    DROPPED_LOW,
    AppendixTable,
    Citations,
    CommitteeRow,
    CoverInfo,
    DisqualificationRow,
    IneligibleRow,
    Integrity,
    OverrideRow,
    RecusalRow,
    Stats,
    TieBreakRow,
    TieRow,
)

PORTRAIT_W = frame_width(landscape_page=False)


def _key_values(pairs: Sequence[tuple[str, str]], styles: Styles, key_w: float = 36 * mm) -> Table:
    data = [[para(k, styles.body), para(v, styles.body)] for k, v in pairs]
    return Table(data, colWidths=[key_w, PORTRAIT_W - key_w], hAlign="LEFT", style=[
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
        ("GRID", (0, 0), (-1, -1), 0.35, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (0, -1), HEAD_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ])


def cover(info: CoverInfo, warnings: Sequence[str], styles: Styles) -> list[Flowable]:
    tracks = []
    for track in info.tracks:
        tiers = "；".join(f"{tier.name} {tier.limit}" for tier in track.tiers)
        tracks.append(f"{track.name}（{track.cap}）" + (f"：{tiers}" if tiers else ""))
    pairs = [
        (t("pdf.cover.measure"), info.measure_name),
        (t("pdf.cover.policy"), info.policy_title),
        (t("pdf.cover.session"), info.session_title),
        (t("pdf.cover.year"), str(info.year)),
        (t("pdf.cover.cap"), info.cap),
        (t("pdf.cover.tracks"), "\n".join(tracks) or "—"),
    ]
    if info.budget:
        pairs.append((t("pdf.cover.budget"), info.budget))
    pairs += [
        (t("pdf.cover.date"), info.date),
        (t("pdf.cover.secretary"), info.secretary),
        (t("pdf.cover.session_id"), info.session_id),
    ]
    out: list[Flowable] = [
        para(t("pdf.cover.title", measure=info.measure_name), styles.title),
        para(info.organisation, styles.subtitle),
        para(info.session_title, styles.subtitle),
        Spacer(1, 10 * mm),
        _key_values(pairs, styles),
        Spacer(1, 6 * mm),
    ]
    for warning in warnings:
        out.append(para(t("pdf.cover.warning", text=warning), styles.body))
    out.append(para(t("pdf.cover.notice"), styles.note))
    out.append(para(t("pdf.cover.times"), styles.note))
    return out


def committee(rows: Sequence[CommitteeRow], styles: Styles,
              citations: Citations | None = None) -> list[Flowable]:
    header = [t("pdf.col.no"), t("pdf.col.expert"), t("pdf.col.title"), t("pdf.col.unit"),
              t("pdf.col.groups"), t("pdf.col.ack_time"), t("pdf.col.ack_mode")]
    widths = fit_widths([8, 18, 24, 42, 30, 40, 16], PORTRAIT_W)  # a Beijing time fits
    data = []
    for i, row in enumerate(rows, start=1):
        name = f"{row.name}（{row.role}）" if row.role else row.name
        mode = t("pdf.ack.paper") if row.on_paper else t("pdf.ack.screen")
        data.append([str(i), name, row.title, row.unit, "、".join(row.groups),
                     row.ack_time or t("pdf.ack.none"), mode if row.ack_time else ""])
    if not data:
        return [para(t("pdf.none"), styles.body)]
    c = citations or Citations()
    return [para(t("pdf.committee.note", term=c.confidentiality_term, policy=c.policy,
                   article=c.confidentiality_article), styles.note),
            grid_table(header, data, widths, styles, centred=[0, 6])]


def recusals(rows: Sequence[RecusalRow], styles: Styles,
             citations: Citations | None = None) -> list[Flowable]:
    if not rows:
        return [para(t("pdf.recusal.none"), styles.body)]
    header = [t("pdf.col.expert"), t("pdf.col.app_id"), t("pdf.col.app_name"),
              t("pdf.col.recusal_ground"), t("pdf.col.recorded_by"), t("pdf.col.round_time"),
              t("pdf.col.remark")]
    id_w = text_column([r.app_id for r in rows], styles, 14 * mm, 30 * mm)
    widths = fit_widths([15, 28, 28, 15, 35, 29], PORTRAIT_W - id_w)  # a time on one line
    widths.insert(1, id_w)
    data = []
    marks: list[tuple[object, ...]] = []
    for index, row in enumerate(rows, start=1):
        remarks = []
        if row.opened:
            remarks.append(t("pdf.recusal.opened"))
            marks.append(("TEXTCOLOR", (6, index), (6, index), CUT_COLOUR))
        if row.lifted_by:
            remarks.append(t("pdf.recusal.lifted", by=row.lifted_by, reason=row.lifted_reason))
        ground = f"{row.reason}\n{row.detail}" if row.detail else row.reason
        when = f"{row.round}\n{row.when}" if row.round else t("pdf.recusal.sealed")
        data.append([row.expert, row.app_id, row.app_name, ground,
                     t(f"pdf.recusal.source.{row.kind}"), when, "\n".join(remarks)])
    c = citations or Citations()
    notes = [para(t("pdf.recusal.note", policy=c.policy, article=c.recusal_article), styles.note),
             para(t("pdf.recusal.note_edges"), styles.note)]
    if c.same_unit_practice:
        notes.append(para(t("pdf.practice.same_unit", policy=c.policy), styles.note))
    return [*notes, grid_table(header, data, widths, styles, centred=[4], extra=marks)]


def overrides(rows: Sequence[OverrideRow], styles: Styles, width: float) -> list[Flowable]:
    """Submitted sheets replaced by the secretary's paper import, for the 监督组 (issue 9)."""
    if not rows:
        return [para(t("pdf.override.none"), styles.body)]
    header = [t("pdf.col.expert"), t("pdf.col.round"), t("pdf.col.app_id"),
              t("pdf.col.old_total"), t("pdf.col.new_total"), t("pdf.col.submitted"),
              t("pdf.col.replaced_by"), t("pdf.col.reason")]
    id_w = text_column([r.app_id for r in rows], styles, 14 * mm, 30 * mm)
    widths = fit_widths([18, 20, 16, 16, 40, 36, 50], width - id_w)
    widths.insert(2, id_w)
    data = [[r.expert, r.round, r.app_id, r.old_total, r.new_total, r.submitted,
             f"{r.by}\n{r.when}", r.reason] for r in rows]
    return [para(t("pdf.override.note"), styles.note),
            grid_table(header, data, widths, styles, numeric=[3, 4])]


def appendix(tables: Sequence[AppendixTable], styles: Styles, width: float,
             trimmed: bool) -> list[Flowable]:
    """Every counted sheet criterion by criterion (实名打分), with the trimmed totals marked."""
    out: list[Flowable] = [para(t("pdf.appendix.note"), styles.note)]
    if trimmed:
        out.append(para(t("pdf.appendix.marks", high=DROPPED_HIGH, low=DROPPED_LOW), styles.note))
    if not tables:
        out.append(para(t("pdf.none"), styles.body))
    for table in tables:
        out.append(para(table.title, styles.h2))
        header = [t("pdf.col.app_id"), t("pdf.col.expert"), *table.criteria,
                  t("pdf.col.expert_total"), t("pdf.col.trim")]
        id_w = text_column([r.app_id for r in table.rows], styles, 14 * mm, 30 * mm)
        widths = fit_widths([22, *([18] * len(table.criteria)), 16, 14], width - id_w)
        widths.insert(0, id_w)
        data = []
        extra: list[tuple[object, ...]] = []
        previous = ""
        for index, row in enumerate(table.rows, start=1):
            mark = {DROPPED_HIGH: t("pdf.appendix.high"), DROPPED_LOW: t("pdf.appendix.low")}
            data.append([row.app_id if row.app_id != previous else "", row.expert, *row.values,
                         row.total + row.mark, mark.get(row.mark, t("pdf.appendix.counted")
                                                        if trimmed else "")])
            if row.app_id != previous and index > 1:
                extra.append(("LINEABOVE", (0, index), (-1, index), 0.9, GRID_COLOUR))
            previous = row.app_id
        n = len(header)
        out.append(grid_table(header, data, widths, styles,
                              numeric=list(range(2, n - 1)), centred=[n - 1], extra=extra))
        out.append(Spacer(1, 3 * mm))
    return out


def ineligible(rows: Sequence[IneligibleRow], styles: Styles, width: float) -> list[Flowable]:
    if not rows:
        return [para(t("pdf.none"), styles.body)]
    id_w = text_column([r.app_id for r in rows], styles, 14 * mm, 30 * mm)
    widths = [id_w, *fit_widths([60, 100], width - id_w)]
    header = [t("pdf.col.app_id"), t("pdf.col.app_name"), t("pdf.col.reason")]
    return [grid_table(header, [[r.app_id, r.name, r.reason] for r in rows], widths, styles)]


def ties(rows: Sequence[TieRow], styles: Styles, width: float,
         decided: Sequence[TieBreakRow] = ()) -> list[Flowable]:
    """Orders decided by the panel's tie-break chain, then those the secretary resolved."""
    if not rows and not decided:
        return [para(t("pdf.none"), styles.body)]
    widths = fit_widths([40, 40, 60, 20, 26], width)
    header = [t("pdf.col.tied"), t("pdf.col.order"), t("pdf.col.reason"), t("pdf.col.by"),
              t("pdf.col.when")]
    data = [["、".join(sorted(d.order)), " > ".join(d.order),
             t("pdf.tiebreak.row", round=d.round, aggregate=d.aggregate, rules=d.rules),
             t("pdf.tiebreak.by", article=d.articles), ""]
            for d in decided]
    data += [["、".join(r.app_ids), " > ".join(r.order), r.reason, r.by, r.when] for r in rows]
    return [grid_table(header, data, widths, styles)]


def disqualifications(rows: Sequence[DisqualificationRow], styles: Styles,
                      width: float, citations: Citations | None = None) -> list[Flowable]:
    c = citations or Citations()
    if not c.disqualification_allowed and c.policy:
        return [para(t("pdf.disq.none", policy=c.policy), styles.body)]
    if not rows:
        return [para(t("pdf.none"), styles.body)]
    id_w = text_column([r.app_id for r in rows], styles, 14 * mm, 30 * mm)
    widths = [id_w, *fit_widths([50, 80, 26], width - id_w)]
    header = [t("pdf.col.app_id"), t("pdf.col.app_name"), t("pdf.col.reason"), t("pdf.col.when")]
    data = [[r.app_id, r.name, r.reason, r.when] for r in rows]
    note = t("pdf.disq.note", text=c.disqualification_text, policy=c.policy,
             article=c.disqualification_article)
    if c.vacancy_not_refilled and "不予补足" not in c.disqualification_text:
        note += t("pdf.disq.vacancy")
    return [para(note, styles.note), grid_table(header, data, widths, styles)]


def statistics(stats: Stats, styles: Styles) -> list[Flowable]:
    out: list[Flowable] = [para(t("pdf.stats.chart_title"), styles.h2)]
    out += distribution_charts(stats.experts, PORTRAIT_W, styles.font, stats.score_max)
    header = [t("pdf.col.expert"), t("pdf.col.group"), t("pdf.col.count"), t("pdf.col.mean"),
              t("pdf.col.sd")]
    data = [[e.name, e.group, str(e.count), e.mean, e.sd] for e in stats.experts]
    if data:
        out.append(Spacer(1, 3 * mm))
        out.append(grid_table(header, data, fit_widths([30, 60, 22, 22, 22], PORTRAIT_W), styles,
                              numeric=[2, 3, 4]))
    out.append(para(t("pdf.stats.outliers"), styles.h2))
    if stats.outlier_rule:
        out.append(para(stats.outlier_rule, styles.note))
    if stats.outliers:
        header = [t("pdf.col.expert"), t("pdf.col.group"), t("pdf.col.app_id"),
                  t("pdf.col.app_name"), t("pdf.col.total"), t("pdf.col.others_mean")]
        data = [[o.expert, o.group, o.app_id, o.app_name, o.total, o.others_mean]
                for o in stats.outliers]
        id_w = text_column([o.app_id for o in stats.outliers], styles, 14 * mm, 30 * mm)
        widths = fit_widths([20, 34, 56, 18, 22], PORTRAIT_W - id_w)
        widths.insert(2, id_w)
        out.append(grid_table(header, data, widths, styles, numeric=[4, 5]))
    else:
        out.append(para(t("pdf.none"), styles.body))
    out.append(para(t("pdf.stats.concordance"), styles.h2))
    out.append(para(t("pdf.stats.concordance_note"), styles.note))
    if stats.concordance:
        header = [t("pdf.col.group"), t("pdf.col.experts"), t("pdf.col.applications"),
                  t("pdf.col.kendall")]
        data = [[c.group, str(c.experts or "—"), str(c.applications or "—"), c.kendall_w]
                for c in stats.concordance]
        out.append(grid_table(header, data, fit_widths([80, 30, 30, 30], PORTRAIT_W), styles,
                              numeric=[1, 2, 3]))
    else:
        out.append(para(t("pdf.none"), styles.body))
    return out


def integrity(facts: Integrity, styles: Styles) -> list[Flowable]:
    pairs = [
        (t("pdf.integrity.bundle"), facts.bundle_sha256),
        (t("pdf.integrity.events"), str(facts.audit_events)),
        (t("pdf.integrity.head"), facts.chain_head),
        (t("pdf.integrity.version"), facts.software_version),
    ]
    if facts.draw is not None:  # the committee drawn from a pool, re-checkable by anyone
        pairs += [(t(f"draw.integrity.{k}"), v) for k, v in zip(("seed", "pool", "record"),
                                                                facts.draw, strict=True)]
    return [_key_values(pairs, styles, key_w=40 * mm), Spacer(1, 4 * mm),
            para(t("pdf.integrity.note"), styles.note)]


def signature_page(committee_rows: Sequence[CommitteeRow], secretary: str, supervision_lines: int,
                   styles: Styles) -> list[Flowable]:
    header = [t("pdf.col.role"), t("pdf.col.groups"), t("pdf.col.name"), t("pdf.col.signature"),
              t("pdf.col.date")]
    data: list[list[str]] = [[t("pdf.sign.expert"), "、".join(row.groups), row.name, "", ""]
                             for row in committee_rows]
    data.append([t("pdf.sign.secretary"), "", secretary, "", ""])
    for _ in range(max(supervision_lines, 1)):
        data.append([t("pdf.sign.supervision"), "", "", "", ""])
    widths = fit_widths([22, 44, 26, 58, 30], PORTRAIT_W)
    return [para(t("pdf.sign.note"), styles.note),
            grid_table(header, data, widths, styles, row_height=11 * mm)]
