"""Panel definitions: one declarative file per measure (``panels/<id>.toml``).

A panel is data, not code: criteria and their default points, caps, tracks and tiers, the
tie-break chain, eligibility rules, recusal reasons and the 保密承诺 text. Every rule carries
the article (第X条) it comes from so that the results document can cite it. The loader rejects
a malformed file with a message naming the exact key at fault.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from reviewer.domain.errors import DomainError


class Round(StrEnum):
    """A review round. The values are what the audit events and the JSON carry, so a stored
    chain reads the same whatever the enum is called in code."""

    PROFESSIONAL = "professional"  # 专业组 (or the single scoring round of a one-step measure)
    COMPREHENSIVE = "comprehensive"  # 综合组: only where the document has one
    CLOSED = "closed"


# the round sequences a document can define: one step, or 专业组 then 综合组
ROUND_SEQUENCES: tuple[tuple[Round, ...], ...] = (
    (Round.PROFESSIONAL,), (Round.PROFESSIONAL, Round.COMPREHENSIVE),
)
ROUNDS: tuple[str, ...] = (Round.PROFESSIONAL, Round.COMPREHENSIVE)
ELIGIBILITY_FIELDS = ("leader_age", "team_size", "named_years", "named_unit")
ELIGIBILITY_OPS = ("<=", ">=", "<", ">", "set")
TIE_BREAK_RULES = ("flag:priority", "flag:collective_honour", "criterion")
RECUSAL_KINDS = ("self", "relative", "interest", "same_unit", "other")
QUALIFICATION_KINDS = ("title_level", "judge_certificate")
FLAG_NAMES = ("direct", "priority", "prior_honoree", "excluded", "exempt", "unfinished_project",
              "collective_honour")


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    name_en: str
    points: Decimal
    article: str
    # "expert": scored by each expert; "application": one value per application imported
    # from the case (e.g. the written theory exam of a skills contest).
    source: str = "expert"
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class RoundSpec:
    """One round the measure's document defines, with the article that defines it."""

    key: Round
    name: str
    name_en: str
    article: str


@dataclass(frozen=True)
class Disqualification:
    """What the document says about removing a listed application after 公示 (or refuses)."""

    allowed: bool
    article: str  # "" when not allowed
    text: str  # the document's words, printed in the PDF note
    text_en: str
    vacancy_not_refilled: bool  # "空缺名额不予补足" is written in the document


@dataclass(frozen=True)
class Qualification:
    """Who may sit on the panel: a title level (副高职或技师及以上) or a judge's certificate."""

    kind: str  # one of QUALIFICATION_KINDS
    article: str
    text: str


@dataclass(frozen=True)
class Tier:
    key: str
    name: str
    name_en: str
    cap: int | None  # None: the document sets no count (补助资金 bands; a case may set one)
    article: str
    # funding bands (职工创新项目补助 第十一条): amounts in yuan, min_score set by the case
    amount_min: int | None = None
    amount_max: int | None = None


@dataclass(frozen=True)
class Track:
    key: str
    name: str
    name_en: str
    cap: int | None  # None: the document sets no count
    article: str
    tiers: tuple[Tier, ...] = ()


@dataclass(frozen=True)
class TieBreak:
    rule: str  # "flag:priority", "flag:collective_honour" or "criterion"
    article: str
    criterion: str | None = None
    note: str = ""

    @property
    def flag(self) -> str | None:
        return self.rule.split(":", 1)[1] if self.rule.startswith("flag:") else None


@dataclass(frozen=True)
class EligibilityRule:
    field: str
    op: str
    value: int | None  # None for op "set" (the field must be given, e.g. the named 一站三室)
    article: str
    message: str
    message_en: str
    unless_flag: str | None = None


@dataclass(frozen=True)
class RecusalReason:
    key: str
    name: str
    name_en: str
    # True: a practice of this panel, not a ground the document names (同单位 is one)
    practice: bool = False


@dataclass(frozen=True)
class Panel:
    id: str
    name: str
    name_en: str
    policy: str  # the document's full title, cited wherever an article is printed
    cap: int | None
    cap_article: str
    period: str
    criteria: tuple[Criterion, ...]
    tracks: tuple[Track, ...]
    tie_break: tuple[TieBreak, ...]
    eligibility: tuple[EligibilityRule, ...]
    recusal_article: str
    recusal_reasons: tuple[RecusalReason, ...]
    confidentiality_article: str
    confidentiality_text: str
    confidentiality_text_en: str
    flags: dict[str, str] = field(default_factory=dict)  # allowed flag -> article
    scoring: str = "sum"  # "sum" or "weighted" (skills contest 3:7, 第十六条)
    scoring_article: str = ""
    one_per_unit: str | None = None  # article limiting one application per unit
    min_applications: int | None = None
    min_applications_article: str = ""
    budget_article: str = ""
    expert_qualification_article: str = ""
    rounds: tuple[RoundSpec, ...] = ()
    disqualification: Disqualification = Disqualification(False, "", "", "", False)
    qualification: Qualification | None = None
    confidentiality_term: str = "保密承诺"
    one_per_unit_field: str = "unit"  # what the one-application rule counts per
    unfinished_article: str = ""  # "原则上不得申报": a warning the secretary may override
    # score justification (a panel setting, not a policy rule; ``reviewer.domain.justification``):
    # a comment is required below this share of a criterion's maximum, and/or for an outlier total
    justify_below: Decimal | None = None
    justify_outliers: bool = False

    @cached_property  # the panel never changes; asked per row and per keystroke
    def round_keys(self) -> tuple[Round, ...]:
        return tuple(r.key for r in self.rounds)

    @property
    def has_comprehensive(self) -> bool:
        return Round.COMPREHENSIVE in self.round_keys

    @property
    def final_round(self) -> Round:
        """The round whose table gives the final list."""
        return self.round_keys[-1]

    def next_round(self, current: str) -> Round:
        keys = self.round_keys
        if current in keys and keys.index(Round(current)) + 1 < len(keys):
            return keys[keys.index(Round(current)) + 1]
        return Round.CLOSED

    def round_spec(self, key: str) -> RoundSpec | None:
        return next((r for r in self.rounds if r.key == key), None)

    def criterion(self, key_or_name: str) -> Criterion | None:
        for criterion in self.criteria:
            if key_or_name in (criterion.key, criterion.name):
                return criterion
        return None

    def track(self, key_or_name: str) -> Track | None:
        for track in self.tracks:
            if key_or_name in (track.key, track.name):
                return track
        return None

    @cached_property
    def expert_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.source == "expert")

    @property
    def has_funding(self) -> bool:
        return any(t.amount_max is not None for tr in self.tracks for t in tr.tiers)


class PanelError(DomainError):
    """A panel file that does not satisfy the schema."""


class _Reader:
    """Walks a TOML table, recording the dotted path so errors name the exact key."""

    def __init__(self, data: dict[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source

    def fail(self, key: str, problem: str) -> PanelError:
        where = f"{self.path}.{key}" if self.path else key
        return PanelError("panel.invalid", source=self.source, key=where, problem=problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "missing")
            return default
        value = self.data[key]
        if kind is int and isinstance(value, bool):
            raise self.fail(key, "expected integer")
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(key, f"expected {names}, got {type(value).__name__}")
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, default)
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self.fail(key, "empty")
        return value  # type: ignore[no-any-return]

    def article(self, key: str = "article") -> str:
        value = self.text(key)
        if not (value.startswith("第") and "条" in value):
            raise self.fail(key, f"an article looks like 第X条, got {value!r}")
        return value

    def positive_int(self, key: str, default: Any = ...) -> int:
        value = self.get(key, int, default)
        if value is not None and value < 0:
            raise self.fail(key, "must not be negative")
        return value  # type: ignore[no-any-return]

    def tables(self, key: str, required: bool = True) -> list[_Reader]:
        items = self.get(key, list, ... if required else [])
        readers = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{index}]", "expected a table")
            readers.append(_Reader(item, f"{self._join(key)}[{index}]", self.source))
        if required and not readers:
            raise self.fail(key, "at least one entry needed")
        return readers

    def table(self, key: str) -> _Reader:
        return _Reader(self.get(key, dict), self._join(key), self.source)

    def _join(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed)
        if extra:
            raise self.fail(extra[0], "unknown key")


def _decimal(reader: _Reader, key: str, default: Any = ...) -> Decimal:
    value = reader.get(key, (int, float), default)
    if isinstance(value, bool):
        raise reader.fail(key, "expected a number")
    result = Decimal(str(value))
    if not result.is_finite() or result <= 0:
        raise reader.fail(key, "must be positive")
    return result


def _justify_below(scoring: _Reader) -> Decimal | None:
    """``justify_below``: a share of a criterion's maximum, 0 < share <= 1 (absent: off)."""
    if "justify_below" not in scoring.data:
        return None
    share = _decimal(scoring, "justify_below")
    if share > 1:
        raise scoring.fail("justify_below", "a share of the maximum, at most 1")
    return share


def _justify_outliers(scoring: _Reader) -> bool:
    return bool(scoring.get("justify_outliers", bool, False))


def _unique(readers: list[_Reader], values: list[str], key: str, what: str) -> None:
    seen: set[str] = set()
    for reader, value in zip(readers, values, strict=True):
        if value in seen:
            raise reader.fail(key, f"duplicate {what} {value!r}")
        seen.add(value)


def parse_panel(data: dict[str, Any], source: str) -> Panel:
    root = _Reader(data, "", source)
    root.unknown(
        {"panel", "cap", "criteria", "tracks", "tie_break", "eligibility", "recusal",
         "confidentiality", "flags", "scoring", "limits", "expert_qualification", "rounds",
         "disqualification"}
    )
    head = root.table("panel")
    head.unknown({"id", "name", "name_en", "policy", "period", "seed_lines"})
    cap = root.table("cap")
    cap.unknown({"total", "article", "note"})

    criteria_readers = root.tables("criteria")
    criteria = []
    for r in criteria_readers:
        r.unknown({"key", "name", "name_en", "points", "article", "source", "weight"})
        source_kind = r.text("source", "expert")
        if source_kind not in ("expert", "application"):
            raise r.fail("source", "expected 'expert' or 'application'")
        points = _decimal(r, "points")
        if (points * 2) % 1:
            raise r.fail("points", "must be a multiple of 0.5")
        criteria.append(
            Criterion(
                key=r.text("key"), name=r.text("name"), name_en=r.text("name_en"),
                points=points, article=r.article(),
                source=source_kind, weight=_decimal(r, "weight", 1),
            )
        )
    _unique(criteria_readers, [c.key for c in criteria], "key", "criterion")
    _unique(criteria_readers, [c.name for c in criteria], "name", "criterion name")
    scoring = root.table("scoring") if "scoring" in data else None
    if scoring:
        scoring.unknown({"mode", "article", "justify_below", "justify_outliers"})
    mode = scoring.text("mode", "sum") if scoring else "sum"
    if mode not in ("sum", "weighted"):
        raise (scoring or root).fail("mode", "expected 'sum' or 'weighted'")
    if mode == "sum":
        total = sum((c.points for c in criteria), Decimal(0))
        if total != 100:
            raise root.fail("criteria", f"points must sum to 100, got {total}")
    if not any(c.source == "expert" for c in criteria):
        raise root.fail("criteria", "at least one criterion must be scored by experts")

    tracks = []
    track_readers = root.tables("tracks")
    for r in track_readers:
        r.unknown({"key", "name", "name_en", "cap", "article", "tiers"})
        tiers = []
        tier_readers = r.tables("tiers", required=False)
        for tr in tier_readers:
            tr.unknown({"key", "name", "name_en", "cap", "article", "amount_min", "amount_max"})
            low, high = tr.positive_int("amount_min", None), tr.positive_int("amount_max", None)
            if (low is None) != (high is None):
                raise tr.fail("amount_max" if high is None else "amount_min",
                              "a funding band needs both amount_min and amount_max")
            if low is not None and high is not None and low > high:
                raise tr.fail("amount_min", "greater than amount_max")
            if low is not None and low <= 0:
                raise tr.fail("amount_min", "a funding band starts above 0")
            # a funding band's count is not set by its document (第十一条): no cap unless given
            tiers.append(
                Tier(
                    key=tr.text("key"), name=tr.text("name"), name_en=tr.text("name_en"),
                    cap=tr.positive_int("cap", None if high is not None else ...),
                    article=tr.article(),
                    amount_min=tr.positive_int("amount_min", None),
                    amount_max=tr.positive_int("amount_max", None),
                )
            )
        _unique(tier_readers, [t.key for t in tiers], "key", "tier")
        _unique(tier_readers, [t.name for t in tiers], "name", "tier name")
        funded = bool(tiers) and all(t.amount_max is not None for t in tiers)
        track = Track(
            key=r.text("key"), name=r.text("name"), name_en=r.text("name_en"),
            cap=r.positive_int("cap", None if funded else ...), article=r.article(),
            tiers=tuple(tiers),
        )
        if (tiers and track.cap is not None and all(t.cap is not None for t in tiers)
                and sum(t.cap or 0 for t in tiers) > track.cap):
            raise r.fail("tiers", f"tier caps add up to more than the track cap {track.cap}")
        tracks.append(track)
    _unique(track_readers, [t.key for t in tracks], "key", "track")
    _unique(track_readers, [t.name for t in tracks], "name", "track name")

    uncapped = any(t.cap is None for t in tracks)
    total_cap = cap.positive_int("total", None if uncapped else ...)
    if total_cap is not None and uncapped:
        raise cap.fail("total", "a total cap needs a cap on every track")
    if total_cap is not None and sum(t.cap or 0 for t in tracks) > total_cap:
        raise cap.fail("total", "smaller than the sum of the track caps")

    tie_break = []
    for r in root.tables("tie_break", required=False):
        r.unknown({"rule", "article", "criterion", "note"})
        rule = r.text("rule")
        if rule not in TIE_BREAK_RULES:
            raise r.fail("rule", f"expected one of {', '.join(TIE_BREAK_RULES)}")
        criterion_key = r.text("criterion", None)
        if rule == "criterion" and not any(c.key == criterion_key for c in criteria):
            raise r.fail("criterion", f"unknown criterion {criterion_key!r}")
        tie_break.append(TieBreak(rule=rule, article=r.article(), criterion=criterion_key,
                                  note=r.text("note", "")))

    eligibility = []
    for r in root.tables("eligibility", required=False):
        r.unknown({"field", "op", "value", "article", "message", "message_en", "unless_flag"})
        field_name = r.text("field")
        if field_name not in ELIGIBILITY_FIELDS:
            raise r.fail("field", f"expected one of {', '.join(ELIGIBILITY_FIELDS)}")
        op = r.text("op")
        if op not in ELIGIBILITY_OPS:
            raise r.fail("op", f"expected one of {', '.join(ELIGIBILITY_OPS)}")
        if (op == "set") != (field_name == "named_unit"):
            raise r.fail("op", "op 'set' goes with the field named_unit, and only with it")
        eligibility.append(
            EligibilityRule(
                field=field_name, op=op,
                value=None if op == "set" else r.get("value", int), article=r.article(),
                message=r.text("message"), message_en=r.text("message_en"),
                unless_flag=r.text("unless_flag", None),
            )
        )

    recusal = root.table("recusal")
    recusal.unknown({"article", "reasons"})
    reasons = []
    reason_readers = recusal.tables("reasons")
    for r in reason_readers:
        r.unknown({"key", "name", "name_en", "practice"})
        key = r.text("key")
        if key not in RECUSAL_KINDS:
            raise r.fail("key", f"expected one of {', '.join(RECUSAL_KINDS)}")
        practice = r.get("practice", bool, False)
        if key == "same_unit" and not practice:
            # no document lists 同单位 among its grounds (云岭 第十九条: 本人, 直系亲属, 其他关系)
            raise r.fail("practice", "同单位 is the panel's practice, not a ground of the "
                                     "document: set practice = true")
        reasons.append(RecusalReason(key=key, name=r.text("name"), name_en=r.text("name_en"),
                                     practice=practice))
    _unique(reason_readers, [r.key for r in reasons], "key", "recusal kind")
    missing = set(RECUSAL_KINDS) - {r.key for r in reasons}
    if missing:
        raise recusal.fail("reasons", f"missing recusal kinds: {', '.join(sorted(missing))}")

    secrecy = root.table("confidentiality")
    secrecy.unknown({"article", "text", "text_en", "term"})

    flags: dict[str, str] = {}
    if "flags" in data:
        flag_table = root.table("flags")
        flag_table.unknown(set(FLAG_NAMES))
        for name in flag_table.data:
            flag_rule = flag_table.table(name)
            flag_rule.unknown({"article", "note"})
            flags[name] = flag_rule.article()
    for index, tie_rule in enumerate(tie_break):
        if tie_rule.flag and tie_rule.flag not in flags:
            raise root.fail(f"tie_break[{index}].rule", f"needs flags.{tie_rule.flag}")
    for index, eligibility_rule in enumerate(eligibility):
        if eligibility_rule.unless_flag and eligibility_rule.unless_flag not in flags:
            raise root.fail(f"eligibility[{index}].unless_flag",
                            f"flag {eligibility_rule.unless_flag!r} is not declared in [flags]")
    period = head.text("period", "year")
    if period not in ("year", "batch"):
        raise head.fail("period", "expected 'year' or 'batch'")

    limits = root.table("limits") if "limits" in data else None
    if limits:
        limits.unknown({"one_per_unit", "one_per_unit_field", "min_applications",
                        "min_applications_article", "budget_article"})
        if "min_applications" in limits.data and "min_applications_article" not in limits.data:
            raise limits.fail("min_applications_article", "missing")
    qualification = root.table("expert_qualification") if "expert_qualification" in data else None
    if qualification:
        qualification.unknown({"article", "note", "kind", "text"})
        kind = qualification.text("kind")
        if kind not in QUALIFICATION_KINDS:
            raise qualification.fail("kind", f"expected one of {', '.join(QUALIFICATION_KINDS)}")
    rounds = _rounds(root)
    disqualification = _disqualification(root)
    per_field = limits.text("one_per_unit_field", "unit") if limits else "unit"
    if per_field not in ("unit", "named_unit"):
        raise (limits or root).fail("one_per_unit_field", "expected 'unit' or 'named_unit'")

    panel = Panel(
        id=head.text("id"), name=head.text("name"), name_en=head.text("name_en"),
        policy=head.text("policy"), cap=total_cap, cap_article=cap.article(),
        period=period,
        criteria=tuple(criteria), tracks=tuple(tracks), tie_break=tuple(tie_break),
        eligibility=tuple(eligibility),
        recusal_article=recusal.article(), recusal_reasons=tuple(reasons),
        confidentiality_article=secrecy.article(),
        confidentiality_text=secrecy.text("text"), confidentiality_text_en=secrecy.text("text_en"),
        flags=flags, scoring=mode,
        scoring_article=scoring.article() if scoring and mode == "weighted" else "",
        one_per_unit=limits.article("one_per_unit") if limits and "one_per_unit" in limits.data else None,
        min_applications=limits.positive_int("min_applications", None) if limits else None,
        min_applications_article=(
            limits.article("min_applications_article")
            if limits and "min_applications_article" in limits.data else ""
        ),
        budget_article=(
            limits.article("budget_article") if limits and "budget_article" in limits.data else ""
        ),
        expert_qualification_article=qualification.article() if qualification else "",
        rounds=rounds, disqualification=disqualification,
        qualification=Qualification(qualification.text("kind"), qualification.article(),
                                    qualification.text("text"))
        if qualification else None,
        confidentiality_term=secrecy.text("term"),
        one_per_unit_field=per_field,
        unfinished_article=flags.get("unfinished_project", ""),
        justify_below=_justify_below(scoring) if scoring else None,
        justify_outliers=_justify_outliers(scoring) if scoring else False,
    )
    if panel.has_funding and not panel.budget_article:
        raise root.fail("limits.budget_article", "funding bands need the budget article")
    return panel


def _rounds(root: _Reader) -> tuple[RoundSpec, ...]:
    """The rounds the document defines, in order (the engine never adds one)."""
    specs = []
    readers = root.tables("rounds")
    for r in readers:
        r.unknown({"key", "name", "name_en", "article", "note"})
        key = r.text("key")
        if key not in (Round.PROFESSIONAL, Round.COMPREHENSIVE):
            raise r.fail("key", "expected 'professional' or 'comprehensive'")
        specs.append(RoundSpec(Round(key), r.text("name"), r.text("name_en"), r.article()))
    if tuple(s.key for s in specs) not in ROUND_SEQUENCES:
        raise root.fail("rounds", "expected [professional] or [professional, comprehensive]")
    return tuple(specs)


def _disqualification(root: _Reader) -> Disqualification:
    """Removal after 公示: only as the document's own article says, or refused."""
    table = root.table("disqualification")
    table.unknown({"allowed", "article", "text", "text_en", "vacancy_not_refilled", "note"})
    allowed = table.get("allowed", bool)
    if not allowed:
        for key in ("article", "vacancy_not_refilled"):
            if key in table.data:
                raise table.fail(key, "a refused disqualification cites no article")
        table.text("note")  # say why the document gives no ground
        return Disqualification(False, "", "", "", False)
    return Disqualification(True, table.article(), table.text("text"), table.text("text_en"),
                            table.get("vacancy_not_refilled", bool))


def load_panel(path: Path) -> Panel:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PanelError("panel.invalid", source=str(path), key="-", problem=str(exc)) from exc
    panel = parse_panel(data, str(path))
    if panel.id != path.stem:
        raise PanelError("panel.invalid", source=str(path), key="panel.id",
                         problem=f"must equal the file name {path.stem!r}")
    return panel


def panels_dir() -> Path:
    """The panels shipped with the program: ``reviewer/panels/`` in an installed wheel (put
    there by setup.py's build step), else ``panels/`` at the root of the checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "panels", here.parent / "panels"):
        if candidate.is_dir():
            return candidate
    raise PanelError("panel.dir_missing", path=str(here.parent / "panels"))


def load_panel_by_id(panel_id: str, directory: Path | None = None) -> Panel:
    directory = directory or panels_dir()
    path = directory / f"{panel_id}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml")))
        raise PanelError("panel.unknown", panel=panel_id, known=known)
    return load_panel(path)


def all_panels(directory: Path | None = None) -> list[Panel]:
    directory = directory or panels_dir()
    return [load_panel(p) for p in sorted(directory.glob("*.toml"))]
