"""The expert's own use cases: the 保密承诺, the 回避 declarations, scoring, abstaining, submitting.

Each is a small command object decided by the core on the latest chain (``decide(review)``),
like the secretary's (reviewer/services/secretary.py). The terminal application builds these
instead of calling ``Review`` itself, so a second front-end would reach the same rules through
the same code; every refusal is the core's ``DomainError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reviewer.domain.events import Event
from reviewer.domain.review import Review
from reviewer.services.secretary import execute  # one runner for every command

__all__ = ["Abstain", "Acknowledge", "DeclareConflict", "DeclareNoConflict", "Justify",
           "SetScore", "Submit", "execute"]


@dataclass(frozen=True)
class Acknowledge:
    """The expert's own 保密承诺, confirmed in the terminal (after the PIN)."""

    expert: str

    def decide(self, review: Review) -> list[Event]:
        return review.acknowledge(self.expert)


@dataclass(frozen=True)
class DeclareNoConflict:
    """The 回避申明 of no conflict on one application, or on several at once."""

    expert: str
    applications: tuple[str, ...]

    def decide(self, review: Review) -> list[Event]:
        return [e for app_id in self.applications
                for e in review.declare_no_conflict(self.expert, app_id)]


@dataclass(frozen=True)
class DeclareConflict:
    """The expert declares a conflict (回避) on an application: recused from it for good."""

    expert: str
    application: str
    kind: str
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.declare_conflict(self.expert, self.application, self.kind, self.reason)


@dataclass(frozen=True)
class SetScore:
    """One criterion's value as typed (text) or as read (Decimal); blank clears it."""

    expert: str
    application: str
    criterion: str
    value: str | Decimal | None

    def decide(self, review: Review) -> list[Event]:
        return review.set_score(self.expert, self.application, self.criterion, self.value)


@dataclass(frozen=True)
class Justify:
    """The expert's written reasons (评分理由) for scores of one application: pairs of a
    criterion key ("" for the application as a whole) and the text (blank clears it)."""

    expert: str
    application: str
    comments: tuple[tuple[str, str], ...]

    def decide(self, review: Review) -> list[Event]:
        events: list[Event] = []
        for criterion, text in self.comments:
            events += review.justify(self.expert, self.application, criterion, text)
        return events


@dataclass(frozen=True)
class Abstain:
    """The expert abstains (弃权) on an application, with a reason."""

    expert: str
    application: str
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.abstain(self.expert, self.application, self.reason)


@dataclass(frozen=True)
class Submit:
    """The expert submits the sheet, confirming no undeclared conflict."""

    expert: str
    confirm_no_conflict: bool = True

    def decide(self, review: Review) -> list[Event]:
        return review.submit(self.expert, confirm_no_conflict=self.confirm_no_conflict)
