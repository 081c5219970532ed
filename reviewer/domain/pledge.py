"""The 保密承诺 (pledge) and the 回避 declarations: before an expert sees or scores anything.

The articles are the panel's own (``confidentiality_article``, ``recusal_article``).
"""

from __future__ import annotations

from reviewer.domain import events as ev
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.panel import RECUSAL_KINDS
from reviewer.domain.review_core import ReviewCore


class Declarations(ReviewCore):
    """The pledge, conflicts declared or lifted, and the declaration of no conflict."""

    # -- 保密承诺 (第十九条: members sign a confidentiality agreement before seeing anything) --

    def acknowledge(self, expert_id: str, paper: bool = False) -> list[Event]:
        self._expert(expert_id)
        if self.has_acknowledged(expert_id):
            raise DomainError("review.already_acknowledged", expert=expert_id)
        actor = ev.SECRETARY if paper else ev.expert_actor(expert_id)
        return [self.event(ev.ACK_RECORDED, actor, expert=expert_id, paper=paper,
                            article=self.panel.confidentiality_article)]

    # -- 回避 declarations (第十九条) -----------------------------------------------------------

    def declare_conflict(self, expert_id: str, app_id: str, kind: str, reason: str,
                         by_secretary: bool = False) -> list[Event]:
        self._expert(expert_id)
        self._application(app_id)
        self._require_open_round()  # a conflict declared after close would change the results
        if not by_secretary:
            self._require_ack(expert_id)
        if kind not in RECUSAL_KINDS:
            raise DomainError("review.bad_conflict_kind", kind=kind, kinds=", ".join(RECUSAL_KINDS))
        if not reason.strip():
            raise DomainError("review.reason_required")
        if self.conflicts.is_recused(expert_id, app_id, self.state):
            raise DomainError("review.already_recused", expert=expert_id, application=app_id)
        actor = ev.SECRETARY if by_secretary else ev.expert_actor(expert_id)
        return [self.event(ev.CONFLICT_DECLARED, actor, expert=expert_id, application=app_id,
                            kind=kind, reason=reason.strip(),
                            source="secretary" if by_secretary else "declared",
                            article=self.panel.recusal_article)]

    def declare_no_conflict(self, expert_id: str, app_id: str) -> list[Event]:
        self._require_ack(expert_id)
        if not self.in_scope(expert_id, self._application(app_id)):
            raise DomainError("review.not_in_scope", expert=expert_id, application=app_id)
        if self.conflicts.is_recused(expert_id, app_id, self.state):
            raise DomainError("review.recused", expert=expert_id, application=app_id)
        return [self.event(ev.CONFLICT_CLEARED, ev.expert_actor(expert_id), expert=expert_id,
                            application=app_id)]

    def lift_conflict(self, expert_id: str, app_id: str, reason: str) -> list[Event]:
        self._expert(expert_id)
        self._application(app_id)
        self._require_open_round()
        if not reason.strip():
            raise DomainError("review.reason_required")
        conflict = self.conflicts.conflict(expert_id, app_id, self.state)
        if conflict is None or not conflict.active:
            raise DomainError("review.no_conflict_to_lift", expert=expert_id, application=app_id)
        if not conflict.liftable:
            raise DomainError("review.not_liftable", expert=expert_id, application=app_id)
        return [self.event(ev.CONFLICT_LIFTED, ev.SECRETARY, expert=expert_id,
                            application=app_id, reason=reason.strip())]

    def has_declared(self, expert_id: str, app_id: str) -> bool:
        """The expert declared no conflict (回避申明, ``conflict.none``) on the application."""
        return (expert_id, app_id) in self.state.cleared

    def _require_declared(self, expert_id: str, app_id: str) -> None:
        """第十九条: every application is declared (回避申明) before the expert scores it.

        Only the expert's own ``conflict.none`` counts. Paper sheets imported by the secretary
        (``import_sheets``) do not pass here: the printed sheet carries the pledge and the
        no-conflict confirmation the expert signs by hand, so the imported sheet is itself
        the declaration on paper (recused applications are still refused there).
        """
        if not self.has_declared(expert_id, app_id):
            raise DomainError("review.declaration_required", expert=expert_id,
                              application=app_id)
