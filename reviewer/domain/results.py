"""The results of a session as one plain, reproducible structure.

``results(review)`` is what ``reviewer results --json`` prints and what the results PDF is
built from: the same bundle and the same events always give byte-identical JSON (sorted
keys, ids in a fixed order, exact aggregates shown as 2-decimal strings, no clock reads).
"""

from __future__ import annotations

from typing import Any

from reviewer.domain.errors import DomainError
from reviewer.domain.exact import show
from reviewer.domain.ranking import (
    CLOSED,
    PROFESSIONAL,
    FinalList,
    Lineage,
    RoundTable,
    TieDecision,
)
from reviewer.domain.review import Review
from reviewer.domain.stats import session_stats


def professional_tables(review: Review) -> dict[str, RoundTable]:
    return review.ranking.professional_tables(review.state)


def nominees(review: Review, tables: dict[str, RoundTable] | None = None) -> dict[str, list[str]]:
    if review.round == PROFESSIONAL:
        return review.ranking.nominations(tables or professional_tables(review))
    return {g: list(ids) for g, ids in review.state.nominees.items()}


def comprehensive_table(review: Review) -> RoundTable | None:
    """The 综合组's table; ``None`` before it, and always for a one-step measure."""
    if review.round == PROFESSIONAL or not review.panel.has_comprehensive:
        return None
    return review.ranking.comprehensive_table(review.state, review.state.nominees)


def final_table(review: Review) -> RoundTable | None:
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


def final_list(review: Review) -> FinalList:
    table = final_table(review)
    if table is None:
        return FinalList([], [], [])
    tables = professional_tables(review)
    return review.ranking.final_list(review.state, table, lineage(tables, nominees(review, tables)))


def unresolved_ties(review: Review) -> list[list[str]]:
    return final_list(review).unresolved


def _table_json(table: RoundTable, chosen: set[str]) -> list[dict[str, Any]]:
    rows = []
    for entry in table.ranked + table.short:
        rows.append({
            "id": entry.application,
            "rank": entry.rank,
            "aggregate": show(entry.aggregate),
            "counted": entry.counted,
            "quorum": entry.quorum_ok,
            "nominated": entry.application in chosen,
            "totals": {e: show(t) for e, t in entry.totals.items()},
        })
    return rows


def results(review: Review) -> dict[str, Any]:
    case, panel, state = review.case, review.panel, review.state
    tables = professional_tables(review)
    chosen = nominees(review, tables)
    chosen_ids = {i for ids in chosen.values() for i in ids}
    comp = comprehensive_table(review)
    listed = final_table(review)
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
    out: dict[str, Any] = {
        "measure": panel.id,
        "session": case.case_id,
        "title": case.title,
        "year": case.year,
        "round": review.round,
        "rounds": [{"key": str(r.key), "name": r.name, "article": r.article}
                   for r in panel.rounds],
        "final_round": str(panel.final_round),
        "policy": panel.policy,
        "cap": panel.cap,
        "nominees": chosen,
        "professional": {g: _table_json(t, chosen_ids) for g, t in tables.items()},
        "comprehensive": _table_json(comp, set()) if comp else [],
        "final": [
            {
                "id": f.application,
                "track": f.track,
                "tier": f.tier,
                "basis": f.basis,
                "score": show(f.score),
                "rank": comp_ranks.get(f.application),
                "position": f.position,
                "amount": f.amount,
                "amount_source": f.amount_source,
                "lineage": None if f.lineage is None else {
                    "group": f.lineage.group,
                    "rank": f.lineage.rank,
                    "aggregate": show(f.lineage.aggregate),
                },
            }
            for f in final.finalists
        ],
        "ineligible": [
            {"id": i.application, "reason": i.reason, "detail": i.detail, "article": i.article,
             "overridable": i.overridable}
            for i in review.ranking.ineligible
        ],
        "direct": sorted(a.id for a in case.applications
                         if review.ranking.is_direct(a) and not review.ranking.is_ineligible(a.id)),
        "quorum_short": short,
        "unresolved_ties": final.unresolved,
        "resolved_ties": [
            {"order": list(r.order), "reason": r.reason, "at": r.at, "round": r.round}
            for r in state.resolutions
        ],
        # orders decided by the panel's tie-break chain (issue 10: not "同分处理：无")
        "tie_breaks": [_decision_json(d) for d in decided],
        "disqualified": final.disqualified,
        "disqualification": {
            "allowed": panel.disqualification.allowed,
            "article": panel.disqualification.article,
            "vacancy_not_refilled": panel.disqualification.vacancy_not_refilled,
        },
        # submitted sheets replaced by the secretary's paper import (issue 9, for 监督组)
        "overrides": [dict(item) for item in state.overrides],
        "warnings": _warnings(review),
        "stats": session_stats(review, tables, comp),
        "audit": {"events": state.results_events, "head": state.results_head},
    }
    if panel.has_funding:
        out["budget"] = {"total": case.rules.budget, "allocated": final.budget_used,
                         "article": panel.budget_article}
        out["amount_pending"] = final.amount_pending
    return out


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

