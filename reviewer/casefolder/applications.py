"""``applications.csv|.xlsx``: one row per application that passed 初审/复审."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from reviewer.casefolder.config import CaseConfig
from reviewer.casefolder.fields import (
    APPLICATION_COLUMNS,
    FLAG_ALIASES,
    INELIGIBLE_FLAGS,
    Cells,
    split_list,
)
from reviewer.casefolder.problems import Problems
from reviewer.casefolder.tables import Row, Table
from reviewer.domain.case import Application
from reviewer.domain.panel import Criterion, EligibilityRule, Panel
from reviewer.domain.units import normalise_unit

_OPS: dict[str, Callable[[int, int], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
}
_FLAG_VALUE = re.compile(r"[:：]")


def application_columns(panel: Panel | None) -> dict[str, tuple[str, ...]]:
    """The fixed columns plus one per criterion the panel imports (e.g. 理论, 第十六条)."""
    columns = dict(APPLICATION_COLUMNS)
    for criterion in _imported(panel):
        columns[f"criterion:{criterion.key}"] = (criterion.key, criterion.name)
    return columns


def required_application_columns(panel: Panel | None) -> list[str]:
    required = ["id", "name", "unit", "group", "summary"]
    if panel is None or len(panel.tracks) > 1:
        required.append("track")
    required.extend(f"criterion:{c.key}" for c in _imported(panel))
    return required


def _imported(panel: Panel | None) -> tuple[Criterion, ...]:
    return tuple(c for c in panel.criteria if c.source == "application") if panel else ()


def read_applications(table: Table, config: CaseConfig | None,
                      aliases: list[tuple[str, str]], problems: Problems) -> list[Application]:
    cells = Cells(table, problems)
    panel = config.panel if config else None
    groups = {g.id: g for g in config.groups} if config else None
    points = {c.key: config.rules.points.get(c.key, c.points)
              for c in panel.criteria} if panel and config else {}
    seen: dict[str, int] = {}
    applications = []
    first_of_unit: dict[str, Application] = {}
    for row in table.rows:
        app_id = cells.required(row, "id")
        if app_id:
            cells.unique(row, "id", app_id, seen)
        group = cells.required(row, "group")
        if group and groups is not None:
            if group not in groups:
                cells.bad(row, "group", "casefolder.unknown_group", group=group,
                          known="、".join(groups) or "—")
            elif groups[group].kind != "professional":
                # applications are scored by a 专业组 first (第十二条/第十五条)
                cells.bad(row, "group", "casefolder.app_in_comprehensive", group=group)
        flags = _flags(cells, row, panel)
        app = Application(
            id=app_id, name=cells.required(row, "name"), unit=cells.required(row, "unit"),
            group=group, track=_track(cells, row, panel), flags=flags,
            summary=row.get("summary"), id_number=cells.id_number(row),
            leader_age=cells.integer(row, "leader_age"),
            team_size=cells.integer(row, "team_size"),
            named_years=cells.integer(row, "named_years"),
            requested_amount=cells.integer(row, "requested_amount"),
            named_unit=row.get("named_unit") or None,
            fixed_scores=_fixed_scores(cells, row, panel, points, flags),
        )
        if panel is not None:
            _check_eligibility(cells, row, panel, app)
            _check_amount(cells, row, panel, app)
            _check_one_per_unit(cells, row, panel, app, aliases, first_of_unit)
        applications.append(app)
    return applications


def _track(cells: Cells, row: Row, panel: Panel | None) -> str:
    text = row.get("track")
    if panel is None:
        return text
    if not text:
        if len(panel.tracks) == 1:
            return panel.tracks[0].key
        cells.bad(row, "track", "casefolder.track_required", known=_known_tracks(panel))
        return ""
    track = panel.track(text)
    if track is None:
        cells.bad(row, "track", "casefolder.unknown_track", track=text,
                  known=_known_tracks(panel))
        return text
    return track.key


def _known_tracks(panel: Panel) -> str:
    return "、".join(f"{t.name}（{t.key}）" for t in panel.tracks)


def _flags(cells: Cells, row: Row, panel: Panel | None) -> tuple[str, ...]:
    flags: list[str] = []
    for item in split_list(row.get("flags")):
        word, value = _split_flag(item)
        name = FLAG_ALIASES.get(word.strip()) or FLAG_ALIASES.get(word.strip().casefold())
        if name is None:
            cells.bad(row, "flags", "casefolder.unknown_flag", flag=item,
                      known=", ".join(sorted({v for v in FLAG_ALIASES.values()})))
            continue
        if panel is not None and name not in panel.flags:
            allowed = ", ".join(sorted(panel.flags)) or "—"
            cells.bad(row, "flags", "casefolder.flag_not_allowed", flag=item,
                      measure=panel.name, allowed=allowed)
            continue
        value = value.strip()
        if name == "excluded" and not value:
            # ineligible applications are listed with their reason (PRODUCT.md)
            cells.bad(row, "flags", "casefolder.exclusion_reason")
            continue
        flag = f"{name}:{value}" if value else name
        if flag not in flags:
            flags.append(flag)
    return tuple(flags)


def _split_flag(item: str) -> tuple[str, str]:
    """``excluded:原因`` or ``排除：原因`` -> (word, reason); the reason keeps its own colons."""
    parts = _FLAG_VALUE.split(item, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _ineligible(flags: tuple[str, ...]) -> bool:
    """Held out of the review. ``unfinished_project:理由`` is an application the secretary
    admits despite "原则上不得申报" (补助资金 第十四条), so it is checked like any other."""
    return any(f == n or (f.startswith(n + ":") and n != "unfinished_project")
               for f in flags for n in INELIGIBLE_FLAGS)


def _fixed_scores(cells: Cells, row: Row, panel: Panel | None, points: dict[str, Decimal],
                  flags: tuple[str, ...]) -> dict[str, Decimal]:
    scores: dict[str, Decimal] = {}
    for criterion in _imported(panel):
        name = f"criterion:{criterion.key}"
        text = row.get(name)
        if not text:
            if cells.table.has(name) and not _ineligible(flags):
                cells.bad(row, name, "casefolder.empty_cell")
            continue
        maximum = points[criterion.key]
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value < 0 or value > maximum:
            cells.bad(row, name, "casefolder.bad_score", value=text, maximum=maximum)
            continue
        scores[criterion.key] = value
    return scores


def _check_eligibility(cells: Cells, row: Row, panel: Panel, app: Application) -> None:
    """The measure's eligibility rules (e.g. 技师工作站 第十条: leader ≤55, team ≥5). An
    application already flagged ineligible (excluded, prior honoree, unfinished project) is
    listed with that reason and not checked again."""
    if _ineligible(app.flags):
        return
    for rule in panel.eligibility:
        if rule.unless_flag and app.has_flag(rule.unless_flag):
            continue
        value = getattr(app, rule.field)
        if value is None or rule.value is None:  # op "set": the field must be given
            if not row.get(rule.field):  # a bad integer is already reported
                cells.bad(row, rule.field, "casefolder.eligibility_missing",
                          field=cells.table.label(rule.field), article=rule.article)
        elif not _OPS[rule.op](value, rule.value):
            _eligibility_failed(cells, row, rule, value)


def _eligibility_failed(cells: Cells, row: Row, rule: EligibilityRule, value: int) -> None:
    cells.bad(row, rule.field, "casefolder.eligibility_failed", value=value,
              rule=rule.message, rule_en=rule.message_en, article=rule.article)


def _check_one_per_unit(cells: Cells, row: Row, panel: Panel, app: Application,
                        aliases: list[tuple[str, str]], first: dict[str, Application]) -> None:
    """One application per unit and period (劳动竞赛 第十条: per 州（市）/产业 union; 补助资金
    第十四条: per 一站三室, not per employer), names compared after folding widths, brackets,
    spaces and aliases."""
    column = panel.one_per_unit_field
    value = getattr(app, column)
    if not panel.one_per_unit or not value or _ineligible(app.flags):
        return
    key = normalise_unit(value, aliases)
    if key in first:
        code = "casefolder.one_per_station" if column == "named_unit" else "casefolder.one_per_unit"
        cells.bad(row, column, code, unit=value, other=first[key].id, article=panel.one_per_unit)
    else:
        first[key] = app


def _check_amount(cells: Cells, row: Row, panel: Panel, app: Application) -> None:
    """A requested amount must fall within the measure's bands (职工创新项目补助 第十一条)."""
    if app.requested_amount is None:
        return
    track = panel.track(app.track)
    bands = [t for t in (track.tiers if track else ()) if t.amount_max is not None]
    if not bands:
        return
    low = min(t.amount_min or 0 for t in bands)
    high = max(t.amount_max or 0 for t in bands)
    if not low <= app.requested_amount <= high:
        cells.bad(row, "requested_amount", "casefolder.amount_out_of_bands",
                  value=app.requested_amount, low=low, high=high, article=panel.budget_article)
