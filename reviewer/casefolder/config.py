"""``case.toml``: the measure, the case's rules and its groups.

The panel file gives the policy's defaults; the case may override the points per criterion
(PRODUCT.md: "each panel file sets them and the case may override them"), and must set the
total budget and the score threshold of each funding band when the measure has bands
(职工创新项目补助 第十一条).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reviewer.casefolder.problems import Problems
from reviewer.domain.case import AGGREGATES, GROUP_KINDS, Group, Rules
from reviewer.domain.draw import GroupRequirement, split_fields
from reviewer.domain.panel import Panel, PanelError, Tier, load_panel_by_id

FILE = "case.toml"
_TOP_KEYS = {"measure", "title", "year", "secretary", "rules", "groups"}
_RULE_KEYS = {"min_experts", "aggregate", "trim_min", "min_score", "points", "budget",
              "band_min_score", "band_cap", "scarce_occupation", "justify_below",
              "justify_outliers"}
_GROUP_KEYS = {"name", "kind", "nominate", "draw", "reserves", "fields"}


@dataclass(frozen=True)
class CaseConfig:
    measure: str
    title: str
    year: int
    secretary: str
    rules: Rules
    groups: tuple[Group, ...]
    panel: Panel | None  # None when the measure is unknown: panel checks are then skipped
    # per-group draw settings (``draw``/``reserves``/``fields``), for ``reviewer draw`` only
    draws: tuple[GroupRequirement, ...] = ()


class _Toml:
    """Typed access to case.toml that records a problem instead of raising."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def bad(self, key: str, code: str, **params: Any) -> None:
        self.problems.add(FILE, code, column=key, **params)

    def text(self, table: dict[str, Any], key: str, where: str, required: bool) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.bad(where, "casefolder.missing_key")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.bad(where, "casefolder.expected_text")
            return ""
        return value.strip()

    def integer(self, table: dict[str, Any], key: str, where: str, default: int | None,
                minimum: int) -> int | None:
        value = table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(where, "casefolder.expected_integer", value=value)
            return default
        if value < minimum:
            self.bad(where, "casefolder.too_small", value=value, minimum=minimum)
            return default
        return value

    def number(self, value: Any, where: str, maximum: Decimal | None = None) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.bad(where, "casefolder.expected_number", value=value)
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0 or (maximum is not None and number > maximum):
            self.bad(where, "casefolder.number_out_of_range", value=value,
                     maximum=maximum if maximum is not None else "∞")
            return None
        return number

    def table(self, parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = parent.get(key, {})
        if not isinstance(value, dict):
            self.bad(where, "casefolder.expected_table")
            return {}
        return value

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in sorted(set(table) - allowed):
            self.bad(prefix + key, "casefolder.unknown_key", allowed=", ".join(sorted(allowed)))


def read_config(folder: Path, problems: Problems, panels_dir: Path | None) -> CaseConfig | None:
    path = folder / FILE
    if not path.is_file():
        problems.add(FILE, "casefolder.missing_file")
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.add(FILE, "casefolder.bad_toml", detail=str(exc))
        return None
    toml = _Toml(problems)
    toml.unknown(data, _TOP_KEYS, "")
    measure = toml.text(data, "measure", "measure", required=True)
    panel = None
    if measure:
        try:
            panel = load_panel_by_id(measure, panels_dir)
        except PanelError as err:  # unknown measure, or a broken panel file
            problems.add(FILE, err.code, column="measure", **err.params)
    title = toml.text(data, "title", "title", required=True)
    year = toml.integer(data, "year", "year", None, 1949)
    if "year" not in data:
        toml.bad("year", "casefolder.missing_key")
    secretary = toml.text(data, "secretary", "secretary", required=False)
    rules = _rules(toml, toml.table(data, "rules", "rules"), panel)
    groups = _groups(toml, toml.table(data, "groups", "groups"), panel)
    draws = _draws(toml, toml.table(data, "groups", "groups"))
    return CaseConfig(measure, title, year or 0, secretary, rules, groups, panel, draws)


def _draws(toml: _Toml, table: dict[str, Any]) -> tuple[GroupRequirement, ...]:
    """``draw = N``, ``reserves = M`` (候补), ``fields = [...]`` per group: how many experts
    ``reviewer draw`` takes for it from the pool, in the order the groups are listed
    (云岭工匠 第十二条; 工作室/工作站 第十五条)."""
    draws = []
    for group_id, body in table.items():
        if not isinstance(body, dict) or not {"draw", "reserves", "fields"} & set(body):
            continue
        where = f"groups.{group_id}."
        if "draw" not in body:
            toml.bad(where + "draw", "casefolder.missing_key")
            continue
        count = toml.integer(body, "draw", where + "draw", None, 1)
        reserves = toml.integer(body, "reserves", where + "reserves", 0, 0) or 0
        fields = body.get("fields", [])
        if not isinstance(fields, list) or not all(isinstance(f, str) and f.strip()
                                                   for f in fields):
            toml.bad(where + "fields", "draw.fields_list")
            fields = []
        if count is not None:
            draws.append(GroupRequirement(group_id, count, reserves,
                                          tuple(dict.fromkeys(split_fields("、".join(fields))))))
    return tuple(draws)


def _rules(toml: _Toml, table: dict[str, Any], panel: Panel | None) -> Rules:
    toml.unknown(table, _RULE_KEYS, "rules.")
    aggregate = table.get("aggregate", "mean")
    if aggregate not in AGGREGATES:
        toml.bad("rules.aggregate", "casefolder.bad_aggregate", value=aggregate,
                 allowed=" / ".join(AGGREGATES))
        aggregate = "mean"
    min_score = None
    if "min_score" in table:
        min_score = toml.number(table["min_score"], "rules.min_score", Decimal(100))
    budget = toml.integer(table, "budget", "rules.budget", None, 1)
    rules = Rules(
        min_experts=toml.integer(table, "min_experts", "rules.min_experts", 3, 1) or 3,
        # trimming drops one highest and one lowest total: at least three must remain counted
        trim_min=toml.integer(table, "trim_min", "rules.trim_min", 5, 3) or 5,
        aggregate=aggregate, min_score=min_score, budget=budget,
        points=_points(toml, toml.table(table, "points", "rules.points"), panel),
        band_min_score=_bands(toml, toml.table(table, "band_min_score", "rules.band_min_score"),
                              panel),
        band_cap=_band_caps(toml, toml.table(table, "band_cap", "rules.band_cap"), panel),
        scarce_occupation=_scarce(toml, table, panel),
        justify_below=_justify_below(toml, table),
        justify_outliers=_justify_outliers(toml, table),
    )
    if panel is not None:
        _check_funding(toml, table, panel, rules)
    return rules


def _justify_below(toml: _Toml, table: dict[str, Any]) -> Decimal | None:
    """``justify_below``: a comment (理由) is required below this share of a criterion's
    maximum; overrides the panel's [scoring] setting; 0 turns the panel's rule off."""
    if "justify_below" not in table:
        return None
    return toml.number(table["justify_below"], "rules.justify_below", Decimal(1))


def _justify_outliers(toml: _Toml, table: dict[str, Any]) -> bool | None:
    """``justify_outliers``: a comment is required for a total the statistics call an outlier."""
    if "justify_outliers" not in table:
        return None
    value = table["justify_outliers"]
    if not isinstance(value, bool):
        toml.bad("rules.justify_outliers", "casefolder.expected_boolean", value=value)
        return None
    return value


def _points(toml: _Toml, table: dict[str, Any], panel: Panel | None) -> dict[str, Decimal]:
    points: dict[str, Decimal] = {}
    for name, value in table.items():
        where = f"rules.points.{name}"
        criterion = panel.criterion(name.strip()) if panel else None
        if panel is not None and criterion is None:
            toml.bad(where, "casefolder.unknown_criterion", criterion=name,
                     known="、".join(f"{c.name}（{c.key}）" for c in panel.criteria))
            continue
        number = toml.number(value, where)
        if number is None:
            continue
        if number == 0 or (number * 2) % 1:
            toml.bad(where, "casefolder.bad_points", value=value)
            continue
        key = criterion.key if criterion else name
        if key in points:
            toml.bad(where, "casefolder.duplicate_criterion", criterion=name)
        points[key] = number
    if panel is not None and panel.scoring == "sum":
        total = sum((points.get(c.key, c.points) for c in panel.criteria), Decimal(0))
        if total != 100:
            toml.bad("rules.points", "casefolder.points_sum", total=total)
    return points


def _funded_tiers(panel: Panel) -> list[Tier]:
    return [t for tr in panel.tracks for t in tr.tiers if t.amount_max is not None]


def _bands(toml: _Toml, table: dict[str, Any], panel: Panel | None) -> dict[str, Decimal]:
    bands: dict[str, Decimal] = {}
    tiers = _funded_tiers(panel) if panel else []
    for name, value in table.items():
        where = f"rules.band_min_score.{name}"
        tier = next((t for t in tiers if name.strip() in (t.key, t.name)), None)
        if panel is not None and tier is None:
            known = "、".join(f"{t.name}（{t.key}）" for t in tiers) or "—"
            toml.bad(where, "casefolder.unknown_band", band=name, known=known)
            continue
        number = toml.number(value, where, Decimal(100))
        if number is not None:
            bands[tier.key if tier else name] = number
    return bands


def _band_caps(toml: _Toml, table: dict[str, Any], panel: Panel | None) -> dict[str, int]:
    """A count per funding band, when the case wants one: 第十一条 sets none."""
    caps: dict[str, int] = {}
    tiers = _funded_tiers(panel) if panel else []
    for name in table:
        where = f"rules.band_cap.{name}"
        tier = next((t for t in tiers if name.strip() in (t.key, t.name)), None)
        if panel is not None and tier is None:
            toml.bad(where, "casefolder.band_cap_unknown", band=name,
                     known="、".join(f"{t.name}（{t.key}）" for t in tiers) or "—")
            continue
        number = toml.integer(table, name, where, None, 1)
        if number is not None:
            caps[tier.key if tier else name] = number
    return caps


def _scarce(toml: _Toml, table: dict[str, Any], panel: Panel | None) -> bool:
    """技能竞赛 第十二条 "除稀缺工种外": the case says whether its 工种 is a scarce one."""
    value = table.get("scarce_occupation", False)
    if not isinstance(value, bool):
        toml.bad("rules.scarce_occupation", "casefolder.expected_boolean", value=value)
        return False
    if value and panel is not None and panel.min_applications is None:
        toml.bad("rules.scarce_occupation", "casefolder.scarce_not_applicable")
        return False
    return value


def _check_funding(toml: _Toml, table: dict[str, Any], panel: Panel, rules: Rules) -> None:
    """Funding bands need a budget and a threshold per band, higher bands never below lower
    ones (职工创新项目补助 第十一条); a measure without bands takes neither."""
    article = panel.budget_article
    if not panel.has_funding:
        for key in ("budget", "band_min_score"):
            if key in table:
                toml.bad(f"rules.{key}", "casefolder.no_funding", measure=panel.name)
        return
    if "budget" not in table:
        toml.bad("rules.budget", "casefolder.budget_required", article=article)
    tiers = _funded_tiers(panel)
    for tier in tiers:
        if tier.key not in rules.band_min_score and "band_min_score" in table:
            toml.bad("rules.band_min_score", "casefolder.band_missing", band=tier.name,
                     article=article)
    if "band_min_score" not in table:
        toml.bad("rules.band_min_score", "casefolder.bands_required", article=article)
    for higher, lower in zip(tiers, tiers[1:], strict=False):
        high, low = rules.band_min_score.get(higher.key), rules.band_min_score.get(lower.key)
        if high is not None and low is not None and high < low:
            toml.bad(f"rules.band_min_score.{higher.key}", "casefolder.band_order",
                     higher=higher.name, lower=lower.name, article=article)


def _groups(toml: _Toml, table: dict[str, Any], panel: Panel | None) -> tuple[Group, ...]:
    """The groups a case needs are those of its measure's rounds: 专业组 always; a 综合组 and a
    nomination count per 专业组 only where the document has the second round (云岭工匠 第十二条;
    工作室/工作站 第十五条). A one-step measure refuses a 综合组: the engine never adds a round
    the document does not have."""
    two_rounds = panel.has_comprehensive if panel is not None else True
    groups = []
    for group_id, body in table.items():
        where = f"groups.{group_id}"
        if not isinstance(body, dict):
            toml.bad(where, "casefolder.expected_table")
            continue
        toml.unknown(body, _GROUP_KEYS, where + ".")
        name = toml.text(body, "name", where + ".name", required=True) or group_id
        kind = body.get("kind")
        if kind not in GROUP_KINDS:
            toml.bad(where + ".kind", "casefolder.bad_group_kind", value=kind,
                     allowed=" / ".join(GROUP_KINDS))
            continue
        nominate = toml.integer(body, "nominate", where + ".nominate", None, 1)
        if kind == "comprehensive" and not two_rounds and panel is not None:
            first = panel.rounds[0]
            toml.bad(where + ".kind", "casefolder.single_step_no_comprehensive",
                     policy=panel.policy, article=first.article, group=group_id)
            continue
        if kind == "professional" and not two_rounds:
            if "nominate" in body:  # nobody is nominated: the list comes from this round
                toml.bad(where + ".nominate", "casefolder.nominate_single_step",
                         policy=panel.policy if panel else "")
            groups.append(Group(id=group_id, name=name, kind=kind, nominate=None))
            continue
        if kind == "professional" and "nominate" not in body:
            # 第十二条/第十五条: each 专业组 nominates its top ones to the 综合组
            toml.bad(where + ".nominate", "casefolder.nominate_required")
        if kind == "comprehensive" and "nominate" in body:
            toml.bad(where + ".nominate", "casefolder.nominate_comprehensive")
            nominate = None
        groups.append(Group(id=group_id, name=name, kind=kind, nominate=nominate))
    comprehensive = [g for g in groups if g.kind == "comprehensive"]
    if two_rounds and len(comprehensive) != 1:
        toml.bad("groups", "casefolder.one_comprehensive", count=len(comprehensive))
    if not any(g.kind == "professional" for g in groups):
        toml.bad("groups", "casefolder.no_professional")
    return tuple(groups)
