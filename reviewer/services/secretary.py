"""The secretary's decisions: each a small command that the core decides on the latest chain.

``execute(handle, command)`` runs any of them; the CLI's subcommands and the dashboard's
dialogs build the same command objects, so no decision is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reviewer.domain.audit import ChainReport
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.panel import RECUSAL_KINDS, Panel
from reviewer.domain.results import SessionResults
from reviewer.domain.review import Review
from reviewer.services.handle import SessionHandle


class SecretaryCommand(Protocol):
    def decide(self, review: Review) -> list[Event]: ...


def execute(handle: SessionHandle, command: SecretaryCommand) -> list[Event]:
    """Decide ``command`` on the latest chain and record what it decided."""
    return handle.run(command.decide)


def recusal_kind(panel: Panel, text: str) -> str:
    """A recusal kind by its key (``relative``) or its name in the panel (``直系亲属``)."""
    wanted = text.strip()
    if wanted in RECUSAL_KINDS:
        return wanted
    for reason in panel.recusal_reasons:
        if wanted in (reason.name, reason.name_en):
            return reason.key
    names = ", ".join(f"{r.key} {r.name}" for r in panel.recusal_reasons)
    raise DomainError("review.bad_conflict_kind", kind=text, kinds=names)


@dataclass(frozen=True)
class AcknowledgeOnPaper:
    """The expert signed the 保密承诺 on paper; the secretary records it."""

    expert: str

    def decide(self, review: Review) -> list[Event]:
        return review.acknowledge(self.expert, paper=True)


@dataclass(frozen=True)
class Recuse:
    expert: str
    application: str
    kind: str  # a key of RECUSAL_KINDS or the panel's name for it
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.declare_conflict(self.expert, self.application,
                                       recusal_kind(review.panel, self.kind), self.reason,
                                       by_secretary=True)


@dataclass(frozen=True)
class LiftConflict:
    expert: str
    application: str
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.lift_conflict(self.expert, self.application, self.reason)


@dataclass(frozen=True)
class Reopen:
    expert: str
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.reopen(self.expert, self.reason)


@dataclass(frozen=True)
class UnlockPin:
    """Lift an expert's PIN lockout (audited, with a reason)."""

    expert: str
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.unlock_pin(self.expert, self.reason)


@dataclass(frozen=True)
class Advance:
    force: bool = False
    reason: str = ""
    expected: str | None = None  # the round the user saw: refused if another terminal moved on

    def decide(self, review: Review) -> list[Event]:
        return review.advance(force=self.force, reason=self.reason, expected=self.expected)


@dataclass(frozen=True)
class ResolveTie:
    order: tuple[str, ...]
    reason: str

    @classmethod
    def parse(cls, order: str, reason: str) -> ResolveTie:
        """From ``A1,A2,A3`` as typed."""
        return cls(tuple(i.strip() for i in order.split(",") if i.strip()), reason)

    def decide(self, review: Review) -> list[Event]:
        return review.resolve_tie(list(self.order), self.reason)


@dataclass(frozen=True)
class Disqualify:
    application: str
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.disqualify(self.application.strip(), self.reason)


@dataclass(frozen=True)
class ProposeAmount:
    """补助资金: the committee proposes the amount of a funded project, within its band."""

    application: str
    amount: int
    reason: str

    def decide(self, review: Review) -> list[Event]:
        return review.propose_amount(self.application.strip(), self.amount, self.reason)


@dataclass(frozen=True)
class RecordDissent:
    """A member's written dissent on a round's result, given on paper (or typed by the member
    at their terminal: ``source="terminal"``)."""

    expert: str
    round: str  # a round key, 专业组/综合组, or the panel's name for it
    text: str
    source: str = "paper"

    def decide(self, review: Review) -> list[Event]:
        round_name = review.round_alias(self.round) or self.round.strip()
        return review.record_dissent(self.expert.strip(), round_name, self.text, self.source)


@dataclass(frozen=True)
class RefuseSign:
    """A member refuses to sign the signature page; the written reason is required."""

    expert: str
    reason: str
    source: str = "paper"

    def decide(self, review: Review) -> list[Event]:
        return review.refuse_to_sign(self.expert.strip(), self.reason, self.source)


@dataclass(frozen=True)
class Advanced:
    from_round: str
    to_round: str
    nominees: dict[str, list[str]]


def advance(handle: SessionHandle, command: Advance) -> Advanced:
    payload = execute(handle, command)[-1].payload
    return Advanced(str(payload["from"]), str(payload["to"]),
                    {str(k): list(v) for k, v in payload.get("nominees", {}).items()})


def results(handle: SessionHandle) -> SessionResults:
    """The results as the core computes them (the same object for --json, PDF, dashboard)."""
    from reviewer.domain.results import results as compute

    return handle.read(compute)


def shown_results(handle: SessionHandle, unmask: bool = False) -> SessionResults:
    """The results for printing: ID and phone numbers masked, or with ``unmask`` in full
    after recording who asked (the record is appended before anything is shown)."""
    from reviewer.domain.masking import mask_value

    if not unmask:
        return mask_value(results(handle))  # type: ignore[no-any-return]
    handle.run(lambda review: review.record_unmask("results"))
    return results(handle)


def verify_audit(handle: SessionHandle) -> ChainReport:
    return handle.locked(handle.session.verify_audit)


__all__ = ["AcknowledgeOnPaper", "Advance", "Advanced", "Disqualify", "LiftConflict", "Recuse",
           "RecordDissent", "RefuseSign", "Reopen", "ResolveTie", "UnlockPin", "SecretaryCommand",
           "advance", "execute", "recusal_kind", "results", "shown_results", "verify_audit"]
