"""Who must 回避 (recuse) from which application, under each measure's own article (its
panel's ``recusal.article``: 云岭工匠/工作室/工作站 第十九条, 成果奖 第十条, …).

A member who is the applicant, a direct relative of one, or has another relationship that may
affect fairness must recuse (第十九条: 本人, 直系亲属, 其他关系). Conflicts come from three
places: detected by the program (the expert *is* the applicant by id number; the expert works
in the applicant's unit), listed by the secretary in conflicts.csv, and declared by the expert.
Same-unit recusal is not a ground any document lists: it is the panels' practice (the panel
file marks it ``practice = true``), which is why only a detected same-unit conflict may be
lifted, by the secretary, with a reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reviewer.domain.case import Case
from reviewer.domain.panel import Round
from reviewer.domain.state import Declaration, SessionState
from reviewer.domain.units import normalise_unit

DETECTED = "detected"
LISTED = "listed"
DECLARED = "declared"

# strongest first: the reason shown when several apply
_KIND_ORDER = {"self": 0, "relative": 1, "interest": 2, "same_unit": 3, "other": 4}
_NONE: dict[str, Conflict] = {}  # an expert with no fixed conflict (never written to)


@dataclass(frozen=True)
class Conflict:
    expert: str
    application: str
    kind: str
    reason: str
    source: str
    lifted: Declaration | None = None

    @property
    def active(self) -> bool:
        return self.lifted is None

    @property
    def liftable(self) -> bool:
        return self.kind == "same_unit" and self.source == DETECTED


class ConflictIndex:
    """Detected and listed conflicts, computed once per case (the sealed part never changes)."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._fixed: dict[str, dict[str, Conflict]] = defaultdict(dict)
        aliases = case.unit_aliases
        by_unit: dict[str, list[str]] = defaultdict(list)
        by_id_number: dict[str, list[str]] = defaultdict(list)
        for app in case.applications:
            by_unit[normalise_unit(app.unit, aliases)].append(app.id)
            if app.id_number:
                by_id_number[app.id_number.strip().upper()].append(app.id)
        for expert in case.experts:
            if expert.id_number:
                for app_id in by_id_number.get(expert.id_number.strip().upper(), ()):
                    self._add(Conflict(expert.id, app_id, "self", "", DETECTED))
            for app_id in by_unit.get(normalise_unit(expert.unit, aliases), ()):
                self._add(Conflict(expert.id, app_id, "same_unit", "", DETECTED))
        for listed in case.conflicts:
            self._add(Conflict(listed.expert, listed.application, listed.kind, listed.reason, LISTED))

    def _add(self, conflict: Conflict) -> None:
        current = self._fixed[conflict.expert].get(conflict.application)
        if current is None or _KIND_ORDER[conflict.kind] < _KIND_ORDER[current.kind]:
            self._fixed[conflict.expert][conflict.application] = conflict

    def fixed(self, expert: str, application: str) -> Conflict | None:
        return self._fixed.get(expert, {}).get(application)

    def for_expert(self, expert: str, state: SessionState) -> dict[str, Conflict]:
        """Every conflict of ``expert``, lifted ones included (``.active`` tells)."""
        result: dict[str, Conflict] = {}
        for app_id, conflict in self._fixed.get(expert, {}).items():
            result[app_id] = self._with_state(conflict, state)
        for (who, app_id), declaration in state.declared.items():
            if who == expert:
                result[app_id] = self._resolve(result.get(app_id), expert, app_id, declaration)
        return result

    def conflict(self, expert: str, application: str, state: SessionState) -> Conflict | None:
        fixed = self.fixed(expert, application)
        current = self._with_state(fixed, state) if fixed else None
        declaration = state.declared.get((expert, application))
        if declaration is not None:
            return self._resolve(current, expert, application, declaration)
        return current

    def _untouched(self, expert: str, application: str, state: SessionState) -> bool:
        """No conflict was ever found, listed or declared for the pair: the answer for nearly
        every sheet of a results table or an import (asked once per sheet, hundreds of
        thousands of times), without building a Conflict."""
        return application not in self._fixed.get(expert, _NONE) and \
            (expert, application) not in state.declared

    def is_recused(self, expert: str, application: str, state: SessionState) -> bool:
        if self._untouched(expert, application, state):
            return False
        found = self.conflict(expert, application, state)
        return found is not None and found.active

    def excludes_sheet(self, expert: str, application: str, state: SessionState,
                       round_name: str) -> bool:
        """Whether the conflict keeps the expert's sheet out of ``round_name``'s table.

        A conflict declared during the comprehensive round does not rewrite the professional
        round, which closed before it (its nominations are already fixed)."""
        if self._untouched(expert, application, state) or \
                not self.is_recused(expert, application, state):
            return False
        declaration = state.declared.get((expert, application))
        fixed = self.fixed(expert, application)
        if declaration is None or (fixed is not None and self._with_state(fixed, state).active):
            return True
        return not (round_name == Round.PROFESSIONAL and declaration.round != Round.PROFESSIONAL)

    def all_conflicts(self, state: SessionState) -> list[Conflict]:
        """Every conflict in the session, for the secretary and the results document."""
        experts = sorted({e.id for e in self.case.experts})
        rows: list[Conflict] = []
        for expert in experts:
            rows.extend(sorted(self.for_expert(expert, state).values(), key=lambda c: c.application))
        return rows

    @staticmethod
    def _with_state(conflict: Conflict, state: SessionState) -> Conflict:
        lifted = state.lifted.get((conflict.expert, conflict.application))
        if lifted is not None and conflict.liftable:
            return Conflict(conflict.expert, conflict.application, conflict.kind,
                            conflict.reason, conflict.source, lifted)
        return conflict

    @staticmethod
    def _resolve(current: Conflict | None, expert: str, app_id: str,
                 declaration: Declaration) -> Conflict:
        source = LISTED if declaration.source == "secretary" else DECLARED
        declared = Conflict(expert, app_id, declaration.kind, declaration.reason, source)
        if current is None or not current.active:
            return declared
        return current if _KIND_ORDER[current.kind] <= _KIND_ORDER[declared.kind] else declared
