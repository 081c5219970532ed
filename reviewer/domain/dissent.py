"""Dissent (不同意见) and refusal to sign (拒绝签字): what a member puts on the record about a
round's result, in their own name.

Neither is a ground the seeded measures name article by article; both are the common practice
of a Chinese review panel (the committee signs the result; a member who disagrees records a
written dissent in the minutes, and one who will not sign states why). What the documents do
require is that scoring is by real name (实名打分, e.g. 云岭工匠选树管理办法第十二条,
工作室/工作站 第十五条), so a dissent always carries the member's identity.

When: a dissent on a round may be recorded once that round's result exists, i.e. after the
round was closed (its scores are in and the ranking is final), and a refusal to sign once the
whole review is closed (the result the committee would sign exists). Both stay possible after
an export: the chain then moves on, so the exported PDF no longer matches the case
(``verify --case`` says so) and must be exported again with the dissent printed — a panel
records dissent at the meeting, before the result is signed, and the tool never lets a signed
PDF silently omit one.

Who: a dissent on round R only by a member of a group of R; a refusal by any member of the
committee. At the terminal the member writes it themselves (after their 保密承诺); a dissent
or refusal given on paper is recorded by the secretary (``source="paper"``).
"""

from __future__ import annotations

from reviewer.domain import events as ev
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL
from reviewer.domain.review_core import ReviewCore

MAX_TEXT = 4000  # characters of a dissent or a reason: a page of the minutes
SOURCES = ("terminal", "paper")


def clean_text(text: str) -> str:
    """What is recorded: trimmed, line ends unified (a pasted Windows file reads the same)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class Dissents(ReviewCore):
    """Dissent on a round's result and refusal to sign the committee's signature page."""

    def round_closed(self, round_name: str) -> bool:
        """Whether ``round_name`` has been closed (its result exists)."""
        return any(a.get("from") == round_name for a in self.state.advances)

    def is_member_of_round(self, expert_id: str, round_name: str) -> bool:
        return bool(self.groups_of(expert_id, round_name))

    def dissents_of(self, expert_id: str) -> list[dict[str, object]]:
        return [d for d in self.state.dissents if d["expert"] == expert_id]

    def dissent_rounds(self, expert_id: str) -> list[str]:
        """The rounds ``expert_id`` may record a dissent on now (closed, a member, none yet)."""
        done = {d["round"] for d in self.dissents_of(expert_id)}
        return [r for r in self.panel.round_keys
                if r not in done and self.round_closed(r)
                and self.is_member_of_round(expert_id, r)]

    def _check_author(self, expert_id: str, source: str) -> str:
        self._expert(expert_id)
        if source not in SOURCES:
            raise DomainError("dissent.bad_source", source=source)
        if source == "terminal":
            self._require_ack(expert_id)
        return ev.expert_actor(expert_id) if source == "terminal" else ev.SECRETARY

    def record_dissent(self, expert_id: str, round_name: str, text: str,
                       source: str = "terminal") -> list[Event]:
        """A member's written dissent on round ``round_name``'s result."""
        actor = self._check_author(expert_id, source)
        if round_name not in (PROFESSIONAL, COMPREHENSIVE) or \
                round_name not in self.panel.round_keys:
            raise DomainError("dissent.unknown_round", round=round_name)
        if not self.is_member_of_round(expert_id, round_name):
            raise DomainError("dissent.not_member", expert=expert_id, round=round_name)
        if not self.round_closed(round_name):
            raise DomainError("dissent.round_open", round=round_name)
        body = clean_text(text)
        if not body:
            raise DomainError("dissent.text_required")
        if len(body) > MAX_TEXT:
            raise DomainError("dissent.text_too_long", limit=MAX_TEXT, length=len(body))
        if any(d["round"] == round_name for d in self.dissents_of(expert_id)):
            raise DomainError("dissent.already_recorded", expert=expert_id, round=round_name)
        return [self.event(ev.DISSENT_RECORDED, actor, expert=expert_id, round=round_name,
                            text=body, source=source)]

    def refuse_to_sign(self, expert_id: str, reason: str,
                       source: str = "terminal") -> list[Event]:
        """A member refuses to sign the committee's signature page; the reason is required."""
        actor = self._check_author(expert_id, source)
        if not self._expert(expert_id).groups:
            raise DomainError("dissent.not_member", expert=expert_id, round="")
        if self.round != CLOSED:
            raise DomainError("dissent.refusal_before_close")
        body = clean_text(reason)
        if not body:
            raise DomainError("dissent.reason_required")
        if len(body) > MAX_TEXT:
            raise DomainError("dissent.text_too_long", limit=MAX_TEXT, length=len(body))
        if expert_id in self.state.refusals:
            raise DomainError("dissent.already_refused", expert=expert_id)
        return [self.event(ev.SIGNATURE_REFUSED, actor, expert=expert_id, reason=body,
                            source=source)]
