"""Where an expert stands on their path, composed from the review's public methods.

The order (保密承诺 → 回避申明 → scoring → submission) follows 第十九条: nothing of an
application before the pledge; every application declared before scoring starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.domain.recusal import DECLARED, DETECTED, LISTED, Conflict
from reviewer.domain.review import Review

ACK, DECLARE, SCORE, SUBMITTED, NOTHING = "ack", "declare", "score", "submitted", "nothing"

PENDING, CLEAR, RECUSED_SELF, RECUSED_LOCKED = "pending", "clear", "declared", "locked"


def stage(review: Review, expert_id: str) -> str:
    if not review.has_acknowledged(expert_id):
        return ACK
    if not review.scope(expert_id):
        return NOTHING
    if review.is_submitted(expert_id):
        return SUBMITTED
    if undeclared(review, expert_id):
        return DECLARE
    return SCORE


@dataclass(frozen=True)
class Declaration:
    """How one application of the expert's scope stands for 回避."""

    application: str
    status: str  # PENDING | CLEAR | RECUSED_SELF | RECUSED_LOCKED
    conflict: Conflict | None = None


def declarations(review: Review, expert_id: str) -> list[Declaration]:
    conflicts = review.conflicts_of(expert_id)
    rows = []
    for app in review.declaration_scope(expert_id):
        conflict = conflicts.get(app.id)
        if conflict is not None and conflict.active:
            status = RECUSED_SELF if conflict.source == DECLARED else RECUSED_LOCKED
            rows.append(Declaration(app.id, status, conflict))
        elif review.has_declared(expert_id, app.id):
            rows.append(Declaration(app.id, CLEAR))
        else:
            rows.append(Declaration(app.id, PENDING))
    return rows


def declaration_of(review: Review, expert_id: str, app_id: str) -> Declaration:
    conflict = review.conflicts.conflict(expert_id, app_id, review.state)
    if conflict is not None and conflict.active:
        status = RECUSED_SELF if conflict.source == DECLARED else RECUSED_LOCKED
        return Declaration(app_id, status, conflict)
    if review.has_declared(expert_id, app_id):
        return Declaration(app_id, CLEAR)
    return Declaration(app_id, PENDING)


def undeclared(review: Review, expert_id: str) -> list[str]:
    return [d.application for d in declarations(review, expert_id) if d.status == PENDING]


def automatic(conflict: Conflict) -> bool:
    return conflict.source in (DETECTED, LISTED)
