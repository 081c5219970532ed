"""``reviewer results`` without ``--json``: the same facts as readable tables.

Rich measures Chinese text in terminal cells, so wide characters stay aligned.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from reviewer.domain.exact import show
from reviewer.domain.masking import mask_text
from reviewer.domain.results import SessionResults, TableRow
from reviewer.domain.review import Review
from reviewer.i18n import get_locale, t


def _name(review: Review, app_id: str, unmask: bool = False) -> tuple[str, str]:
    """An application's name and unit as printed: ID and phone numbers masked (``unmask``:
    as written)."""
    app = review.case.application(app_id)
    if app is None:
        return "", ""
    return (app.name, app.unit) if unmask else (mask_text(app.name), mask_text(app.unit))


def _tier_name(review: Review, track_key: str, tier_key: str | None) -> str:
    track = review.panel.track(track_key)
    if track is None:
        return track_key
    label = track.name_en if get_locale() == "en" else track.name
    for tier in track.tiers:
        if tier.key == tier_key:
            return f"{label} · {tier.name_en if get_locale() == 'en' else tier.name}"
    return label


def _round_table(review: Review, title: str, rows: tuple[TableRow, ...],
                 unmask: bool = False) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in ("col.rank", "col.id", "col.name", "col.unit", "col.aggregate",
                   "col.counted", "col.nominated"):
        table.add_column(t(column))
    for row in rows:
        name, unit = _name(review, row.id, unmask)
        rank = str(row.rank) if row.rank is not None else t("cli.short_quorum")
        table.add_row(rank, row.id, name, unit, show(row.aggregate) or "—", str(row.counted),
                      "✓" if row.nominated else "")
    return table


def print_results(review: Review, data: SessionResults, console: Console | None = None,
                  unmask: bool = False) -> None:
    """``data`` comes masked (``services.secretary.shown_results``); names read from the case
    here are masked the same way unless ``unmask``."""
    shown = (lambda text: text) if unmask else mask_text
    console = console or Console(highlight=False)
    panel = review.panel
    measure = panel.name_en if get_locale() == "en" else panel.name
    console.print(t("cli.results_heading", measure=measure, title=data.title, year=data.year,
                    round=t(f"round.{data.round}"),
                    cap=data.cap if data.cap is not None else "—"))
    for group_id, rows in data.professional.items():
        group = review.case.group(group_id)
        console.print(_round_table(review, t("cli.group_table", group=group.name if group else group_id), rows, unmask))
    if data.comprehensive:
        console.print(_round_table(review, t("cli.comprehensive_table"), data.comprehensive,
                                   unmask))
    if data.final:
        table = Table(title=t("cli.final_table", cap=data.cap if data.cap is not None
                              else "—"), title_justify="left",
                      header_style="bold")
        for column in ("col.position", "col.track", "col.id", "col.name", "col.unit",
                       "col.score", "col.basis", "col.lineage"):
            table.add_column(t(column))
        if panel.has_funding:
            table.add_column(t("col.amount"))
        for row in data.final:
            name, unit = _name(review, row.id, unmask)
            lineage = row.lineage
            group = review.case.group(lineage.group) if lineage else None
            origin = (t("cli.lineage", group=group.name if group else lineage.group,
                        rank=lineage.rank, aggregate=show(lineage.aggregate))
                      if lineage else "")  # the group's name, not its id (issue 10)
            cells = [str(row.position), _tier_name(review, row.track, row.tier), row.id,
                     name, unit, show(row.score) or "—", t(f"basis.{row.basis}"), origin]
            if panel.has_funding:
                cells.append(str(row.amount or ""))
            table.add_row(*cells)
        console.print(table)
    for key, values in (("cli.quorum_short", data.quorum_short),
                        ("cli.disqualified", data.disqualified),
                        ("cli.direct", data.direct)):
        if values:
            console.print(t(key, ids=", ".join(values)))
    for tie in data.unresolved_ties:
        console.print(t("cli.unresolved_tie", ids=", ".join(tie)))
    for decided in data.tie_breaks:  # orders the panel's tie-break chain gave
        rules = "；".join(f"{r.note or r.rule}（{r.article}）" for r in decided.rules)
        console.print(t("cli.tie_break", order=" > ".join(decided.order),
                        aggregate=show(decided.aggregate), rules=rules))
    for item in data.ineligible:
        console.print(t("cli.ineligible", id=item.id, reason=t(f"ineligible.{item.reason}"),
                        detail=item.detail, article=item.article))
    for warning in data.warnings:
        console.print(t(f"warning.{warning['code']}", **{k: v for k, v in warning.items()
                                                         if k != "code"}))
    # stats stay the JSON-shaped record stats.py builds
    round_name = "comprehensive" if "comprehensive" in data.stats else "professional"
    stats = data.stats[round_name]
    table = Table(title=t("cli.stats_table", round=t(f"round.{round_name}")), title_justify="left",
                  header_style="bold")
    for column in ("col.expert", "col.count", "col.mean", "col.sd"):
        table.add_column(t(column))
    for expert_id, row in stats["experts"].items():
        expert = review.case.expert(expert_id)
        table.add_row(f"{shown(expert.name) if expert else ''} ({expert_id})", str(row["count"]),
                      row["mean"], row["sd"] or "—")
    console.print(table)
    for group_id, w in stats["kendalls_w"].items():
        group = review.case.group(group_id)
        console.print(t("cli.kendall", group=group.name if group else group_id, w=w or "—"))
    for outlier in stats["outliers"]:
        console.print(t("cli.outlier", **outlier))
