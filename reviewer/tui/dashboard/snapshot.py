"""Everything the dashboard shows, computed at once in a worker from the review's public API.

With thousands of applications and dozens of experts this takes a noticeable fraction of a
second, so it is built off the UI thread (under the gateway lock) and the panes only draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.masking import mask_value
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL
from reviewer.domain.results import export_blockers, results
from reviewer.domain.review import Review
from reviewer.tui import flow
from reviewer.tui.labels import kind_name


@dataclass(frozen=True)
class ExpertProgress:
    expert: str
    name: str
    groups: tuple[str, ...]
    acknowledged: bool
    undeclared: int
    done: int
    scope: int
    submitted: bool
    all_groups: tuple[str, ...] = ()  # every group the expert sits in (所在组), any round


@dataclass(frozen=True)
class GroupProgress:
    group: str
    name: str
    done: int
    total: int
    submitted: int
    members: int


@dataclass(frozen=True)
class ConflictRow:
    expert: str
    expert_name: str
    application: str
    application_name: str
    kind: str
    source: str
    reason: str
    active: bool
    liftable: bool


@dataclass
class DashboardData:
    round: str
    groups: list[GroupProgress]
    experts: list[ExpertProgress]
    conflicts: list[ConflictRow]
    blockers: list[str]
    export_blockers: list[str]
    results: dict[str, Any]
    app_names: dict[str, str]
    expert_names: dict[str, str]
    group_names: dict[str, str]
    kinds: dict[str, str] = field(default_factory=dict)


def build(review: Review) -> DashboardData:
    case = review.case
    round_name = review.round
    kind = "professional" if round_name == PROFESSIONAL else "comprehensive"
    app_group = {a.id: a.group for a in case.applications}
    experts: list[ExpertProgress] = []
    tallies: dict[str, list[int]] = {}  # group -> [done, total, submitted, members]
    for expert in case.experts:
        groups = tuple(g for g in expert.groups if (grp := case.group(g)) and grp.kind == kind)
        scope = review.scope(expert.id) if round_name != CLOSED else []
        acked = review.has_acknowledged(expert.id)
        submitted = review.is_submitted(expert.id) if round_name != CLOSED else False
        done_by_group: dict[str, list[int]] = {}
        # a sheet submitted on paper is declared on paper: nothing is pending at the terminal
        undeclared = 0 if submitted else len(scope)
        if acked and scope and not submitted:
            undeclared = len(flow.undeclared(review, expert.id))
        to_score = 0
        for app in scope:
            # a recused application is neither done nor to do: it leaves the expert's count
            if review.conflicts.is_recused(expert.id, app.id, review.state):
                continue
            to_score += 1
            key = (expert.id, app.id, round_name)
            values = review.state.scores.get(key, {})
            scored = bool(values) and all(c.key in values for c in review.panel.expert_criteria)
            group = app_group[app.id] if round_name == PROFESSIONAL else (
                groups[0] if groups else "")
            cell = done_by_group.setdefault(group, [0, 0])
            cell[0] += scored or key in review.state.abstained
            cell[1] += 1
        done = sum(c[0] for c in done_by_group.values())
        experts.append(ExpertProgress(expert.id, expert.name, groups, acked, undeclared, done,
                                      to_score, submitted, tuple(expert.groups)))
        for group in groups:
            tally = tallies.setdefault(group, [0, 0, 0, 0])
            cell = done_by_group.get(group, [0, 0])
            tally[0] += cell[0]
            tally[1] += cell[1]
            tally[2] += submitted
            tally[3] += 1
    group_names = {g.id: g.name for g in case.groups}
    group_rows = [GroupProgress(g, group_names.get(g, g), *tally)
                  for g, tally in sorted(tallies.items())]
    expert_names = {e.id: e.name for e in case.experts}
    app_names = {a.id: a.name for a in case.applications}
    conflicts = [
        ConflictRow(c.expert, expert_names.get(c.expert, c.expert), c.application,
                    app_names.get(c.application, c.application), c.kind, c.source, c.reason,
                    c.active, c.liftable)
        for c in review.conflicts.all_conflicts(review.state)
    ]
    blockers = [str(b) for b in review.round_blockers()] if round_name != CLOSED else []
    return mask_value(DashboardData(  # type: ignore[no-any-return]
        round=round_name, groups=group_rows, experts=experts, conflicts=conflicts,
        blockers=blockers, export_blockers=[str(b) for b in export_blockers(review)],
        results=results(review).to_json(), app_names=app_names, expert_names=expert_names,
        group_names=group_names,
        kinds={r.key: kind_name(review.panel, r.key) for r in review.panel.recusal_reasons},
    ))  # every screen of the dashboard shows ID and phone numbers masked (issue 13)


def rounds_with_stats(data: DashboardData) -> list[str]:
    stats = data.results.get("stats", {})
    return [r for r in (PROFESSIONAL, COMPREHENSIVE) if r in stats]
