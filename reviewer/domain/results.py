"""The results of a session as one plain, reproducible structure.

``results(review)`` is what ``reviewer results --json`` prints and what the results PDF is
built from: the same bundle and the same events always give byte-identical JSON (sorted
keys, ids in a fixed order, exact aggregates shown as 2-decimal strings, no clock reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from reviewer.domain.errors import DomainError
from reviewer.domain.exact import show
from reviewer.domain.panel import Disqualification
from reviewer.domain.ranking import (
    CLOSED,
    PROFESSIONAL,
    FinalList,
    Lineage,
    RoundTable,
    TieDecision,
)
from reviewer.domain.review import Review
from reviewer.domain.review_core import ReviewCore
from reviewer.domain.stats import session_stats


def professional_tables(review: ReviewCore) -> dict[str, RoundTable]:
    return review.ranking.professional_tables(review.state)


def nominees(review: ReviewCore, tables: dict[str, RoundTable] | None = None) -> dict[str, list[str]]:
    if review.round == PROFESSIONAL:
        return review.ranking.nominations(tables or professional_tables(review))
    return {g: list(ids) for g, ids in review.state.nominees.items()}


def comprehensive_table(review: ReviewCore) -> RoundTable | None:
    """The 综合组's table; ``None`` before it, and always for a one-step measure."""
    if review.round == PROFESSIONAL or not review.panel.has_comprehensive:
        return None
    return review.ranking.comprehensive_table(review.state, review.state.nominees)


def final_table(review: ReviewCore) -> RoundTable | None:
    """The table the list comes from (the 综合组's, or the single round's)."""
    if review.panel.has_comprehensive:
        return comprehensive_table(review)
    return review.ranking.final_table(review.state)


def lineage(tables: dict[str, RoundTable], chosen: dict[str, list[str]]) -> dict[str, Lineage]:
    result: dict[str, Lineage] = {}
    for group, ids in chosen.items():
        table = tables.get(group)
        for app_id in ids:
            entry = table.entry(app_id) if table else None
            result[app_id] = Lineage(group, entry.rank if entry else None,
                                     entry.aggregate if entry else None)
    return result


def final_list(review: ReviewCore) -> FinalList:
    table = final_table(review)
    if table is None:
        return FinalList([], [], [])
    tables = professional_tables(review)
    return review.ranking.final_list(review.state, table, lineage(tables, nominees(review, tables)))


def unresolved_ties(review: ReviewCore) -> list[list[str]]:
    return final_list(review).unresolved


@dataclass(frozen=True)
class TableRow:
    """One application's line in a round's table."""

    id: str
    rank: int | None
    aggregate: Fraction | None
    counted: int
    quorum: bool
    nominated: bool
    totals: Mapping[str, Fraction]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "rank": self.rank, "aggregate": show(self.aggregate),
                "counted": self.counted, "quorum": self.quorum, "nominated": self.nominated,
                "totals": {e: show(t) for e, t in self.totals.items()}}


@dataclass(frozen=True)
class RoundRef:
    key: str
    name: str
    article: str


@dataclass(frozen=True)
class FinalRow:
    """One line of the final list, with where it came from (its professional group's rank)."""

    id: str
    track: str
    tier: str | None
    basis: str
    score: Fraction | None
    rank: int | None
    position: int
    amount: int | None
    amount_source: str
    lineage: Lineage | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "track": self.track, "tier": self.tier, "basis": self.basis,
                "score": show(self.score), "rank": self.rank, "position": self.position,
                "amount": self.amount, "amount_source": self.amount_source,
                "lineage": None if self.lineage is None else {
                    "group": self.lineage.group, "rank": self.lineage.rank,
                    "aggregate": show(self.lineage.aggregate)}}


@dataclass(frozen=True)
class IneligibleRow:
    id: str
    reason: str
    detail: str
    article: str
    overridable: bool


@dataclass(frozen=True)
class ResolvedTie:
    """The order the lead set for a tie, with its reason (the secretary's event)."""

    order: tuple[str, ...]
    reason: str
    at: str
    round: str


@dataclass(frozen=True)
class Budget:
    total: int | None
    allocated: int
    article: str


@dataclass(frozen=True)
class SessionResults:
    """Everything ``reviewer results`` shows, the PDF records and the dashboard reads.

    Typed for the front-ends; ``to_json()`` is the one serialisation (``--json``), pinned
    byte-for-byte by tests/golden/. ``stats``, ``warnings``, ``overrides`` and ``audit`` stay
    plain mappings: they are already JSON-shaped records built elsewhere (stats.py, events).
    """

    measure: str
    session: str
    title: str
    year: int
    round: str
    rounds: tuple[RoundRef, ...]
    final_round: str
    policy: str
    cap: int | None
    nominees: Mapping[str, list[str]]
    professional: Mapping[str, tuple[TableRow, ...]]
    comprehensive: tuple[TableRow, ...]
    final: tuple[FinalRow, ...]
    ineligible: tuple[IneligibleRow, ...]
    direct: tuple[str, ...]
    quorum_short: tuple[str, ...]
    unresolved_ties: tuple[tuple[str, ...], ...]
    resolved_ties: tuple[ResolvedTie, ...]
    tie_breaks: tuple[TieDecision, ...]
    disqualified: tuple[str, ...]
    disqualification: Disqualification
    overrides: tuple[Mapping[str, Any], ...]
    warnings: tuple[Mapping[str, Any], ...]
    stats: Mapping[str, Any]
    audit_events: int
    audit_head: str
    budget: Budget | None = None
    amount_pending: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``reviewer results --json`` (dump with sorted keys)."""
        out: dict[str, Any] = {
            "measure": self.measure,
            "session": self.session,
            "title": self.title,
            "year": self.year,
            "round": self.round,
            "rounds": [{"key": r.key, "name": r.name, "article": r.article} for r in self.rounds],
            "final_round": self.final_round,
            "policy": self.policy,
            "cap": self.cap,
            "nominees": {g: list(ids) for g, ids in self.nominees.items()},
            "professional": {g: [r.to_json() for r in rows]
                             for g, rows in self.professional.items()},
            "comprehensive": [r.to_json() for r in self.comprehensive],
            "final": [f.to_json() for f in self.final],
            "ineligible": [{"id": i.id, "reason": i.reason, "detail": i.detail,
                            "article": i.article, "overridable": i.overridable}
                           for i in self.ineligible],
            "direct": list(self.direct),
            "quorum_short": list(self.quorum_short),
            "unresolved_ties": [list(tie) for tie in self.unresolved_ties],
            "resolved_ties": [{"order": list(r.order), "reason": r.reason, "at": r.at,
                               "round": r.round} for r in self.resolved_ties],
            # orders decided by the panel's tie-break chain (issue 10: not "同分处理：无")
            "tie_breaks": [_decision_json(d) for d in self.tie_breaks],
            "disqualified": list(self.disqualified),
            "disqualification": {
                "allowed": self.disqualification.allowed,
                "article": self.disqualification.article,
                "vacancy_not_refilled": self.disqualification.vacancy_not_refilled,
            },
            # submitted sheets replaced by the secretary's paper import (issue 9, for 监督组)
            "overrides": [dict(item) for item in self.overrides],
            "warnings": [dict(w) for w in self.warnings],
            "stats": self.stats,
            "audit": {"events": self.audit_events, "head": self.audit_head},
        }
        if self.budget is not None:
            out["budget"] = {"total": self.budget.total, "allocated": self.budget.allocated,
                             "article": self.budget.article}
            out["amount_pending"] = list(self.amount_pending or ())
        return out


def _rows(table: RoundTable, chosen: set[str]) -> tuple[TableRow, ...]:
    return tuple(TableRow(e.application, e.rank, e.aggregate, e.counted, e.quorum_ok,
                          e.application in chosen, dict(e.totals))
                 for e in table.ranked + table.short)


def results(review: Review) -> SessionResults:
    case, panel, state = review.case, review.panel, review.state
    tables = professional_tables(review)
    chosen = nominees(review, tables)
    chosen_ids = {i for ids in chosen.values() for i in ids}
    comp = comprehensive_table(review)
    listed = comp if panel.has_comprehensive else final_table(review)  # ``final_table``, once
    final = (review.ranking.final_list(state, listed, lineage(tables, chosen))
             if listed is not None else FinalList([], [], []))
    comp_ranks = {e.application: e.rank for e in listed.ranked} if listed else {}
    if panel.has_comprehensive:
        decided = [d for t in tables.values() for d in t.decided]
        decided += comp.decided if comp is not None else []
    else:  # one step: the order that counts is the single round's, all groups together
        decided = list(listed.decided) if listed is not None else []
    short = sorted({e.application for t in tables.values() for e in t.short}
                   | ({e.application for e in comp.short} if comp else set()))
    return SessionResults(
        measure=panel.id, session=case.case_id, title=case.title, year=case.year,
        round=review.round,
        rounds=tuple(RoundRef(str(r.key), r.name, r.article) for r in panel.rounds),
        final_round=str(panel.final_round), policy=panel.policy, cap=panel.cap,
        nominees=chosen,
        professional={g: _rows(t, chosen_ids) for g, t in tables.items()},
        comprehensive=_rows(comp, set()) if comp else (),
        final=tuple(FinalRow(f.application, f.track, f.tier, f.basis, f.score,
                             comp_ranks.get(f.application), f.position, f.amount,
                             f.amount_source, f.lineage) for f in final.finalists),
        ineligible=tuple(IneligibleRow(i.application, i.reason, i.detail, i.article,
                                       i.overridable) for i in review.ranking.ineligible),
        direct=tuple(sorted(a.id for a in case.applications
                            if review.ranking.is_direct(a)
                            and not review.ranking.is_ineligible(a.id))),
        quorum_short=tuple(short),
        unresolved_ties=tuple(tuple(tie) for tie in final.unresolved),
        resolved_ties=tuple(ResolvedTie(tuple(r.order), r.reason, r.at, r.round)
                            for r in state.resolutions),
        tie_breaks=tuple(decided),
        disqualified=tuple(final.disqualified),
        disqualification=panel.disqualification,
        overrides=tuple(state.overrides),
        warnings=tuple(_warnings(review)),
        stats=session_stats(review, tables, comp),
        audit_events=state.results_events, audit_head=state.results_head,
        budget=(Budget(case.rules.budget, final.budget_used, panel.budget_article)
                if panel.has_funding else None),
        amount_pending=tuple(final.amount_pending) if panel.has_funding else None,
    )


def _decision_json(decision: TieDecision) -> dict[str, Any]:
    return {
        "round": str(decision.round),
        "group": decision.group,
        "aggregate": show(decision.aggregate),
        "order": list(decision.order),
        "rules": [{"rule": r.rule, "article": r.article, "note": r.note,
                   "criterion": r.criterion} for r in decision.rules],
    }


def export_blockers(review: Review) -> list[DomainError]:
    """Why signed results cannot be issued yet: every reason at once."""
    blockers: list[DomainError] = []
    if review.round != CLOSED:
        spec = review.panel.round_spec(review.round)  # the panel's name, not the key (issue 10)
        blockers.append(DomainError("results.round_open", round=review.round,
                                    round_name=spec.name if spec else review.round,
                                    round_name_en=spec.name_en if spec else review.round))
    final = final_list(review)
    for tie in final.unresolved:
        blockers.append(DomainError("results.unresolved_tie", ids=", ".join(tie)))
    for app_id in final.amount_pending:
        blockers.append(DomainError("results.amount_pending", application=app_id,
                                    article=review.panel.budget_article))
    comp = final_table(review)
    if comp is not None and review.round == CLOSED:
        for entry in comp.short:
            blockers.append(DomainError("results.quorum_short", application=entry.application,
                                        counted=entry.counted,
                                        needed=review.case.rules.min_experts))
    return blockers


def _warnings(review: Review) -> list[dict[str, Any]]:
    panel = review.panel
    warnings: list[dict[str, Any]] = []
    for track in panel.tracks:
        direct = [a.id for a in review.case.applications
                  if a.track == track.key and review.ranking.is_direct(a)
                  and not review.ranking.is_ineligible(a.id)]
        if track.cap is not None and len(direct) > track.cap:
            warnings.append({"code": "direct_over_cap", "track": track.key, "count": len(direct),
                             "cap": track.cap, "article": panel.cap_article})
    if panel.min_applications is not None and not review.case.rules.scarce_occupation:
        # 技能竞赛 第十二条 "除稀缺工种外……原则上不得少于30名": eligible contestants only
        count = sum(1 for a in review.case.applications if not review.ranking.is_ineligible(a.id))
        if count < panel.min_applications:
            warnings.append({"code": "min_applications", "count": count,
                             "minimum": panel.min_applications,
                             "article": panel.min_applications_article})
    for app in review.case.applications:
        admitted = app.flag_value("unfinished_project")
        if admitted and panel.unfinished_article:
            # "有未完成补助项目时，原则上不得申报" (第十四条): admitted by the secretary, with reason
            warnings.append({"code": "unfinished_admitted", "id": app.id, "reason": admitted,
                             "article": panel.unfinished_article})
    return warnings

