"""Aggregation, ordering, nominations and the final list, exactly as PRODUCT.md states them.

- An expert's total is the sum of their criterion scores; only submitted, complete sheets of
  members of the scoring group who neither recused nor abstained count.
- Aggregate: mean, or trimmed mean (drop one highest and one lowest total at >= trim_min).
- Fewer than min_experts counted sheets: not ranked, reported short of quorum.
- Order: aggregate descending, then the panel's tie-break chain (e.g. 云岭工匠 第七条 priority
  first; 技能竞赛 第十六条 higher 实操). Still equal = a tie.
- The rounds are the panel's (``Panel.rounds``): where the document has 专业组 then 综合组
  (云岭工匠 第十二条; 工作室/工作站 第十五条) the professional groups nominate their top
  ``nominate`` (≥ min_score; a tie across the boundary nominates all tied) and the final list
  comes from the comprehensive table; a one-step measure (成果奖 第十二条, 补助资金 第十六条,
  劳动竞赛 第十一条, 技能竞赛 第十六条) ranks and lists from its single round.
- Final list per track: direct recognitions first (第六条, counting against the cap), then
  ranks while under the cap and ≥ min_score; tiers fill in rank order; a tie across the cap or
  a tier boundary stops the track until the secretary resolves it. The cap is never exceeded.
  A disqualification removes a finalist and nobody moves up; the PDF cites the panel's own
  article (空缺名额不予补足 only where the document says it).
- Every order the tie-break chain decided is recorded (``RoundTable.decided``): which rule,
  which article, which applications.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from reviewer.domain.case import Application, Case
from reviewer.domain.exact import aggregate
from reviewer.domain.panel import Panel, Round, TieBreak, Tier, Track
from reviewer.domain.recusal import ConflictIndex
from reviewer.domain.state import SessionState

PROFESSIONAL = Round.PROFESSIONAL
COMPREHENSIVE = Round.COMPREHENSIVE
CLOSED = Round.CLOSED


@dataclass(frozen=True)
class Ineligibility:
    application: str
    reason: str  # prior_honoree | excluded | unfinished_project | eligibility
    detail: str
    article: str
    # "原则上不得申报" (补助资金 第十四条): the case may admit it with a reason
    overridable: bool = False


@dataclass(frozen=True)
class TieDecision:
    """An order among equal aggregates decided by the panel's tie-break chain."""

    round: str
    group: str
    aggregate: Fraction
    order: tuple[str, ...]  # the applications, in the order the rules gave
    rules: tuple[TieBreak, ...]  # the rules that separated them, in chain order


@dataclass
class Entry:
    """One application in one round's table."""

    application: str
    totals: dict[str, Fraction]  # counted sheets: expert -> raw total
    aggregate: Fraction | None
    tie_key: tuple[Fraction, ...] = ()
    rank: int | None = None
    quorum_ok: bool = True

    @property
    def counted(self) -> int:
        return len(self.totals)


@dataclass
class RoundTable:
    round: str
    group: str
    ranked: list[Entry]  # in order
    short: list[Entry]  # short of quorum, by id
    ties: list[list[str]] = field(default_factory=list)  # every tie group (size > 1), in order
    decided: list[TieDecision] = field(default_factory=list)  # orders the tie-break gave

    def entry(self, app_id: str) -> Entry | None:
        return next((e for e in self.ranked + self.short if e.application == app_id), None)


@dataclass(frozen=True)
class Lineage:
    group: str
    rank: int | None
    aggregate: Fraction | None


@dataclass(frozen=True)
class Finalist:
    application: str
    track: str
    tier: str | None
    basis: str  # scored | direct
    score: Fraction | None
    position: int  # 1-based position within the track
    lineage: Lineage | None
    amount: int | None = None
    amount_source: str = ""  # "requested" | "proposed" (第十六条 评审委员会建议) | "" pending


@dataclass
class FinalList:
    finalists: list[Finalist]
    unresolved: list[list[str]]
    disqualified: list[str]
    budget_used: int = 0
    amount_pending: list[str] = field(default_factory=list)  # funded, no amount within band yet


class Ranking:
    """Computes tables and lists from the case and the current state. Pure and repeatable."""

    def __init__(self, case: Case, panel: Panel, conflicts: ConflictIndex) -> None:
        self.case = case
        self.panel = panel
        self.conflicts = conflicts
        self.points = case.criterion_points(panel)
        self._expert_keys = [c.key for c in panel.expert_criteria]
        self._expert_key_set = frozenset(self._expert_keys)
        self._fractions: dict[Decimal, Fraction] = {}
        self._ineligible = {i.application: i for i in self._find_ineligible()}
        # fixed by the case: asked for every row of a paper import and every keystroke
        self._scored_ids = frozenset(a.id for a in case.applications
                                     if not self.is_ineligible(a.id) and not self.is_direct(a))
        self._professional_scope: dict[str, list[Application]] = {}
        for app in sorted(case.applications, key=lambda a: a.id):
            if self.is_scored(app):
                self._professional_scope.setdefault(app.group, []).append(app)

    # -- who is in which round -------------------------------------------------------------

    def _find_ineligible(self) -> Iterable[Ineligibility]:
        flags = self.panel.flags
        for app in sorted(self.case.applications, key=lambda a: a.id):
            if app.has_flag("prior_honoree"):
                yield Ineligibility(app.id, "prior_honoree", "", flags.get("prior_honoree", ""))
            elif app.has_flag("excluded"):
                yield Ineligibility(app.id, "excluded", app.flag_value("excluded") or "",
                                    flags.get("excluded", ""))
            elif app.has_flag("unfinished_project") and not app.flag_value("unfinished_project"):
                # "原则上不得申报": held back unless the case admits it with a reason
                yield Ineligibility(app.id, "unfinished_project", "",
                                    flags.get("unfinished_project", ""), overridable=True)
            else:
                failed = self.failed_eligibility(app)
                if failed is not None:
                    yield failed

    def failed_eligibility(self, app: Application) -> Ineligibility | None:
        for rule in self.panel.eligibility:
            if rule.unless_flag and app.has_flag(rule.unless_flag):
                continue
            value = getattr(app, rule.field)
            if rule.op == "set":
                ok = bool(value and str(value).strip())
            else:
                limit = rule.value
                assert limit is not None
                ok = value is not None and {
                    "<=": value <= limit, ">=": value >= limit,
                    "<": value < limit, ">": value > limit,
                }[rule.op]
            if not ok:
                return Ineligibility(app.id, "eligibility", rule.message, rule.article)
        return None

    @property
    def ineligible(self) -> list[Ineligibility]:
        return list(self._ineligible.values())

    def is_ineligible(self, app_id: str) -> bool:
        return app_id in self._ineligible

    def is_direct(self, app: Application) -> bool:
        return "direct" in self.panel.flags and app.has_flag("direct")

    def scored_in_professional(self, group_id: str) -> list[Application]:
        return list(self._professional_scope.get(group_id, ()))

    def is_scored(self, app: Application) -> bool:
        """Scored in the rounds at all: neither ineligible nor a direct recognition."""
        return app.id in self._scored_ids

    def scorer_group(self, round_name: str, app: Application) -> str:
        if round_name == PROFESSIONAL:
            return app.group
        group = self.case.comprehensive_group
        return group.id if group else ""

    # -- sheets and aggregates -------------------------------------------------------------

    def counted_values(self, state: SessionState, round_name: str,
                       app: Application) -> dict[str, dict[str, Decimal]]:
        """Criterion values of every sheet that counts for ``app`` in ``round_name``."""
        group = self.scorer_group(round_name, app)
        result: dict[str, dict[str, Decimal]] = {}
        for expert in self.case.members(group):
            if (expert.id, round_name) not in state.submitted:
                continue
            key = (expert.id, app.id, round_name)
            if key in state.abstained:
                continue
            values = state.scores.get(key)
            if not values or not self._expert_key_set <= values.keys():  # a partial sheet
                continue
            if self.conflicts.excludes_sheet(expert.id, app.id, state, round_name):
                continue
            result[expert.id] = values
        return result

    def expert_total(self, values: dict[str, Decimal]) -> Fraction:
        """The expert's own total: the plain sum of their criterion scores (Decimal sums of
        half points are exact)."""
        total = sum(map(values.__getitem__, self._expert_keys), Decimal(0))
        exact = self._fractions.get(total)
        if exact is None:  # a few hundred distinct totals among hundreds of thousands of sheets
            exact = self._fractions[total] = Fraction(total)
        return exact

    def _combined(self, app: Application, sheets: dict[str, dict[str, Decimal]],
                  totals: dict[str, Fraction] | None = None) -> Fraction:
        """``totals``: the experts' totals of these sheets when the caller has them already
        (each is a Decimal sum turned Fraction: computing them twice was a tenth of results)."""
        method, trim_min = self.case.rules.aggregate, self.case.rules.trim_min
        if self.panel.scoring == "sum":
            given = list(totals.values()) if totals is not None else \
                [self.expert_total(v) for v in sheets.values()]
            return aggregate(given, method, trim_min)
        # weighted (职业技能竞赛 第十六条: 理论:实操 = 3:7)
        weights = {c.key: Fraction(c.weight) for c in self.panel.criteria}
        expert_part = aggregate(
            [sum((weights[k] * Fraction(v[k]) for k in self._expert_keys), Fraction(0))
             for v in sheets.values()],
            method, trim_min,
        )
        fixed = sum(
            (weights[c.key] * Fraction(app.fixed_scores.get(c.key, Decimal(0)))
             for c in self.panel.criteria if c.source == "application"),
            Fraction(0),
        )
        return (expert_part + fixed) / sum(weights.values(), Fraction(0))

    def _tie_key(self, app: Application, sheets: dict[str, dict[str, Decimal]]) -> tuple[Fraction, ...]:
        key: list[Fraction] = []
        for rule in self.panel.tie_break:
            if rule.flag:
                key.append(Fraction(1 if app.has_flag(rule.flag) else 0))
            elif rule.rule == "criterion" and rule.criterion:
                criterion = self.panel.criterion(rule.criterion)
                if criterion is not None and criterion.source == "application":
                    key.append(Fraction(app.fixed_scores.get(criterion.key, Decimal(0))))
                else:
                    key.append(aggregate([Fraction(v[rule.criterion]) for v in sheets.values()],
                                         self.case.rules.aggregate, self.case.rules.trim_min))
        return tuple(key)

    def table(self, state: SessionState, round_name: str, group: str,
              apps: Sequence[Application]) -> RoundTable:
        ranked: list[Entry] = []
        short: list[Entry] = []
        for app in sorted(apps, key=lambda a: a.id):
            sheets = self.counted_values(state, round_name, app)
            totals = {e: self.expert_total(v) for e, v in sorted(sheets.items())}
            if len(sheets) < self.case.rules.min_experts:
                short.append(Entry(app.id, totals, None, quorum_ok=False))
                continue
            ranked.append(Entry(app.id, totals, self._combined(app, sheets, totals),
                                self._tie_key(app, sheets)))
        keyed = sorted(((_order(e), e.application, e) for e in ranked), key=_first_two)
        ranked = [entry for _, _, entry in keyed]
        ties: list[list[str]] = []
        position = 0
        previous: tuple[float | Fraction, ...] | None = None
        for index, (current, _, entry) in enumerate(keyed, start=1):
            if current != previous:  # equal keys: equal aggregates and equal tie-break values
                position = index
                ties.append([entry.application])
            else:
                ties[-1].append(entry.application)
            entry.rank = position
            previous = current
        return RoundTable(round_name, group, ranked, short, [t for t in ties if len(t) > 1],
                          self._decided(round_name, group, ranked))

    def _decided(self, round_name: str, group: str, ranked: list[Entry]) -> list[TieDecision]:
        """Each run of equal aggregates that the tie-break chain put in order."""
        decisions = []
        runs: list[list[Entry]] = []
        for entry in ranked:
            if runs and runs[-1][0].aggregate == entry.aggregate:
                runs[-1].append(entry)
            else:
                runs.append([entry])
        for run in runs:
            if len(run) < 2 or len({e.tie_key for e in run}) < 2:
                continue
            used: set[int] = set()
            for first, second in zip(run, run[1:], strict=False):
                differs = [i for i, (a, b) in enumerate(zip(first.tie_key, second.tie_key,
                                                             strict=True)) if a != b]
                if differs:
                    used.add(differs[0])
            assert run[0].aggregate is not None
            decisions.append(TieDecision(
                round_name, group, run[0].aggregate, tuple(e.application for e in run),
                tuple(self.panel.tie_break[i] for i in sorted(used)),
            ))
        return decisions

    def professional_tables(self, state: SessionState) -> dict[str, RoundTable]:
        return {
            g.id: self.table(state, PROFESSIONAL, g.id, self.scored_in_professional(g.id))
            for g in self.case.professional_groups
        }

    def final_table(self, state: SessionState) -> RoundTable:
        """The table the final list comes from: the 综合组's where the document has one, else
        the single round's, all groups together."""
        if self.panel.has_comprehensive:
            return self.comprehensive_table(state, state.nominees)
        apps = [a for g in self.case.professional_groups for a in self.scored_in_professional(g.id)]
        return self.table(state, PROFESSIONAL, "", apps)

    def nominations(self, tables: dict[str, RoundTable]) -> dict[str, list[str]]:
        """Each 专业组's nominees for the 综合组 (none for a one-step measure)."""
        result: dict[str, list[str]] = {}
        if not self.panel.has_comprehensive:
            return result
        min_score = self.case.rules.min_score
        for group in self.case.professional_groups:
            limit = group.nominate or 0
            chosen: list[str] = []
            for tie_group in _tie_groups(tables[group.id].ranked):
                if len(chosen) >= limit:
                    break
                if min_score is not None and tie_group[0].aggregate < Fraction(min_score):  # type: ignore[operator]
                    break
                chosen.extend(e.application for e in tie_group)
            result[group.id] = chosen
        return result

    def comprehensive_table(self, state: SessionState, nominees: dict[str, list[str]]) -> RoundTable:
        ids = sorted({i for ids in nominees.values() for i in ids})
        apps = [a for i in ids if (a := self.case.application(i)) is not None]
        group = self.case.comprehensive_group
        return self.table(state, COMPREHENSIVE, group.id if group else "", apps)

    # -- the final list ----------------------------------------------------------------------

    def final_list(self, state: SessionState, table: RoundTable,
                   lineage: dict[str, Lineage]) -> FinalList:
        finalists: list[Finalist] = []
        unresolved: list[list[str]] = []
        min_score = self.case.rules.min_score
        placement = _Placement(self.case, self.case.rules.budget, state)
        for track in self.panel.tracks:
            placement.start_track(track, self.case.rules.band_min_score)
            for app in sorted(self.case.applications, key=lambda a: a.id):
                if app.track == track.key and self.is_direct(app) and not self.is_ineligible(app.id):
                    if track.cap is None or placement.placed < track.cap:
                        placement.placed += 1
                        finalists.append(Finalist(app.id, track.key, None, "direct", None,
                                                  placement.placed, None))
            entries = [e for e in table.ranked
                       if (a := self.case.application(e.application)) and a.track == track.key]
            for tie_group in _tie_groups(entries):
                score = tie_group[0].aggregate
                assert score is not None
                if min_score is not None and score < Fraction(min_score):
                    break
                ordered = self._resolved(state, tie_group)
                if ordered is None:
                    outcomes = placement.simulate(tie_group, score)
                    if len({o.key if o else "-" for o in outcomes}) > 1:
                        unresolved.append(sorted(e.application for e in tie_group))
                        break  # a tie across a boundary: nothing below it is placed yet
                    if outcomes[0] is None:
                        break
                sequence = ordered or tie_group
                full = False
                for entry in sequence:
                    slot = placement.next_slot(entry.application, score)
                    if slot is None:
                        full = True
                        break
                    placement.commit(slot)
                    finalists.append(Finalist(
                        entry.application, track.key, slot.key, "scored", entry.aggregate,
                        placement.placed, lineage.get(entry.application), slot.amount,
                        slot.source,
                    ))
                if full:
                    break
        disqualified = sorted(
            a for a in state.disqualified if any(f.application == a for f in finalists)
        )
        kept = [f for f in finalists if f.application not in state.disqualified]
        pending = [f.application for f in kept if f.tier and f.amount is None
                   and self.panel.has_funding]
        return FinalList(kept, unresolved, disqualified, placement.budget_used, pending)

    def _resolved(self, state: SessionState, tie_group: list[Entry]) -> list[Entry] | None:
        if len(tie_group) == 1:
            return None
        members = {e.application for e in tie_group}
        for resolution in reversed(state.resolutions):
            if set(resolution.order) == members:
                by_id = {e.application: e for e in tie_group}
                return [by_id[i] for i in resolution.order]
        return None


@dataclass(frozen=True)
class _Slot:
    key: str | None  # tier key, None for an untiered track
    amount: int | None = None
    source: str = ""
    budget_amount: int = 0  # what the budget is charged (the band minimum while pending)


class _Placement:
    """Where the next finalist of a track lands: tiers fill in rank order (成果奖 第四条); funding
    bands go by the case's score thresholds, each band under the count the case may set (the
    document sets none), the amount within the band (第十一条 "20—30万元"…): the committee's
    proposal (第十六条 "提出拟补助项目和补助金额建议"), else the requested amount when it lies
    in the band, else pending. The list stops, in rank order, at the first project the rest of
    the budget cannot pay: the money is the fixed 省总工会专项经费 of 第十一条 and a lower-ranked
    project is never funded ahead of a higher-ranked one."""

    def __init__(self, case: Case, budget: int | None, state: SessionState) -> None:
        self.case = case
        self.state = state
        self.budget_left = budget
        self.budget_used = 0
        self.track: Track | None = None
        self.bands: dict[str, Decimal] = {}
        self.placed = 0
        self.tier_counts: dict[str, int] = {}

    def start_track(self, track: Track, bands: dict[str, Decimal]) -> None:
        self.track, self.bands, self.placed, self.tier_counts = track, bands, 0, {}

    def next_slot(self, app_id: str, score: Fraction) -> _Slot | None:
        track = self.track
        assert track is not None
        if track.cap is not None and self.placed >= track.cap:
            return None
        if not track.tiers:
            return _Slot(None)
        if not any(t.amount_max is not None for t in track.tiers):
            boundary = 0
            for tier in track.tiers:
                boundary += tier.cap or 0
                if self.placed < boundary:
                    return _Slot(tier.key)
            return None
        for tier in track.tiers:
            threshold = self.bands.get(tier.key)
            if threshold is None or score < Fraction(threshold):
                continue
            cap = tier.cap if tier.cap is not None else self.case.rules.band_cap.get(tier.key)
            if cap is not None and self.tier_counts.get(tier.key, 0) >= cap:
                continue
            amount, source = self.amount(app_id, tier)
            charged = amount if amount is not None else (tier.amount_min or 0)
            if self.budget_left is not None and charged > self.budget_left:
                return None
            return _Slot(tier.key, amount, source, charged)
        return None

    def amount(self, app_id: str, tier: Tier) -> tuple[int | None, str]:
        low, high = tier.amount_min or 0, tier.amount_max or 0
        proposed = self.state.amounts.get(app_id)
        if proposed is not None and proposed[0] == tier.key and low <= proposed[1] <= high:
            return proposed[1], "proposed"
        app = self.case.application(app_id)
        requested = app.requested_amount if app else None
        if requested is not None and low <= requested <= high:
            return requested, "requested"
        return None, ""

    def commit(self, slot: _Slot) -> None:
        self.placed += 1
        if slot.key is not None:
            self.tier_counts[slot.key] = self.tier_counts.get(slot.key, 0) + 1
        if slot.key is not None and slot.budget_amount:
            self.budget_used += slot.budget_amount
            if self.budget_left is not None:
                self.budget_left -= slot.budget_amount

    def simulate(self, entries: Sequence[Entry], score: Fraction) -> list[_Slot | None]:
        saved = (self.placed, dict(self.tier_counts), self.budget_left, self.budget_used)
        outcomes: list[_Slot | None] = []
        for entry in entries:
            slot = self.next_slot(entry.application, score)
            outcomes.append(slot)
            if slot is not None:
                self.commit(slot)
        self.placed, self.tier_counts, self.budget_left, self.budget_used = saved
        return outcomes


def _order(entry: Entry) -> tuple[float | Fraction, ...]:
    """The aggregate descending, then each tie-break value descending, compared exactly.

    Each value comes twice: as a float, then as itself. Rounding to a float is monotonic
    (a < b gives float(a) <= float(b)), so where the floats differ they order the entries as
    the Fractions would, and where they are equal the exact values beside them decide. The
    Fraction comparisons, in Python, were most of the time of sorting a 20,000-row table."""
    key: list[float | Fraction] = []
    for value in (entry.aggregate or Fraction(0), *entry.tie_key):
        key += (-float(value), -value)
    return tuple(key)


def _first_two(item: tuple[tuple[float | Fraction, ...], str, Entry]) -> tuple[object, str]:
    return item[0], item[1]


def _tie_groups(entries: Sequence[Entry]) -> list[list[Entry]]:
    groups: list[list[Entry]] = []
    for entry in entries:
        if groups and groups[-1][0].aggregate == entry.aggregate and groups[-1][0].tie_key == entry.tie_key:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups
