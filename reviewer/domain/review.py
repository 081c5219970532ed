"""The rules of the review: who may see and score what, and every action's refusal.

Each command checks the current ``SessionState`` and returns the events to append; it never
mutates state itself (the caller appends the events to the store and then applies them), so
several terminals sharing one database always decide on the latest chain. Every refusal is a
``DomainError`` whose key names the rule; no refusal leaves an event behind except a failed
PIN, which must be counted towards the lockout.

``Review`` is composed of one module per concern, all sharing ``ReviewCore``
(reviewer/domain/review_core.py: the case, panel, state, clock, who may see what):

- auth.py: PINs, lockout and PIN changes (``check_pin``, ``change_pin``, ``locked_for``);
- pledge.py: the 保密承诺 and the 回避 declarations;
- scoring.py: score values, the expert's sheet, submission, reopening, paper imports;
- rounds.py: closing rounds, ties, removals, amounts, the export record;
- dissent.py: a member's dissent on a round's result and refusal to sign.

Every caller uses ``Review`` and the names re-exported here.
"""

from __future__ import annotations

from reviewer.domain.auth import (
    LOCKOUT,
    MAX_PIN_FAILURES,
    Authentication,
    LoginResult,
    pin_is_valid,
)
from reviewer.domain.dissent import Dissents
from reviewer.domain.review_core import (
    ABSTAINED,
    DRAFT,
    RECUSED,
    ROUND_ALIASES,
    SCORED,
    UNSCORED,
    Clock,
    QueueItem,
    parse_stamp,
    stamp,
    utc_now,
)
from reviewer.domain.rounds import Rounds
from reviewer.domain.scoring import (
    FULL_WIDTH_DIGITS,
    IGNORED_SHEET_COLUMNS,
    PLAIN_DECIMAL,
    ImportRejected,
    RowProblem,
    Scoring,
    SheetRow,
)

__all__ = [
    "ABSTAINED", "DRAFT", "FULL_WIDTH_DIGITS", "IGNORED_SHEET_COLUMNS", "LOCKOUT",
    "MAX_PIN_FAILURES", "PLAIN_DECIMAL", "RECUSED", "ROUND_ALIASES", "SCORED", "UNSCORED",
    "Clock", "ImportRejected", "LoginResult", "QueueItem", "Review", "RowProblem", "SheetRow",
    "parse_stamp", "pin_is_valid", "stamp", "utc_now",
]


class Review(Authentication, Scoring, Rounds, Dissents):
    """The domain core of one session: the sealed case, its panel and the event-folded state.

    One facade over the concerns (PINs, pledge and declarations, scoring and sheets, rounds);
    every front-end and use case calls it, never the parts.
    """
