"""Authentication and lockout: experts sign in with their own PIN; 5 failures lock for 5 minutes.

A failed PIN is the one refusal that leaves events behind (``pin.failed``, ``pin.locked``):
they count towards the lockout on every terminal sharing the chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from reviewer.domain import events as ev
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.pins import PinKeeper
from reviewer.domain.review_core import ReviewCore, parse_stamp, stamp

MAX_PIN_FAILURES = 5
LOCKOUT = timedelta(minutes=5)


def pin_is_valid(pin: str) -> bool:
    return len(pin) >= 6 and pin.isdigit() and pin.isascii()


@dataclass(frozen=True)
class LoginResult:
    events: list[Event]
    error: DomainError | None = None


class Authentication(ReviewCore):
    """PIN checks, lockout and PIN changes."""

    # -- PINs (experts authenticate with their own PIN; 5 failures lock for 5 minutes) -------

    def locked_for(self, expert_id: str) -> int:
        """Seconds until the expert may try again; 0 when not locked."""
        until = self.state.pin(expert_id).locked_until
        if until is None:
            return 0
        remaining = (parse_stamp(until) - self.clock()).total_seconds()
        return max(0, int(remaining + 0.999))

    def lockout(self, expert_id: str) -> DomainError | None:
        """The refusal a locked-out expert gets (the terminal shows it before they type)."""
        wait = self.locked_for(expert_id)
        if not wait:
            return None
        return DomainError("review.pin_locked", seconds=wait, minutes=(wait + 59) // 60)

    def check_pin(self, expert_id: str, pin: str) -> LoginResult:
        """Verify a PIN (at login, and again to confirm the 保密承诺 and a submission)."""
        expert = self._expert(expert_id)
        locked = self.lockout(expert_id)
        if locked is not None:
            return LoginResult([], locked)
        actor = ev.expert_actor(expert_id)
        keeper = self._pin_keeper()
        sealed = self.state.pin(expert_id).sealed
        # a changed PIN's hash is stored encrypted; one that does not open verifies nothing
        current = keeper.vault.open(expert_id, sealed) if sealed else expert.pin_hash
        if current is None or not keeper.hasher.verify(current, pin):
            failures = self.state.pin(expert_id).failures + 1
            events = [self.event(ev.PIN_FAILED, actor, expert=expert_id, failures=failures)]
            if failures >= MAX_PIN_FAILURES:
                until = stamp(self.clock() + LOCKOUT)
                events.append(self.event(ev.PIN_LOCKED, ev.SYSTEM, expert=expert_id, until=until))
                return LoginResult(events, DomainError("review.pin_now_locked",
                                                       minutes=int(LOCKOUT.total_seconds() // 60)))
            return LoginResult(events, DomainError(
                "review.pin_wrong", left=MAX_PIN_FAILURES - failures))
        return LoginResult([self.event(ev.PIN_OK, actor, expert=expert_id)])

    def unlock_pin(self, expert_id: str, reason: str) -> list[Event]:
        """The secretary lifts a PIN lockout before it runs out (issue 10): audited, with a
        reason, the failure count reset. The PIN itself is not changed or shown."""
        expert = self._expert(expert_id)
        if not reason.strip():
            raise DomainError("review.reason_required")
        if not self.locked_for(expert_id):
            raise DomainError("review.pin_not_locked", expert=expert.name, id=expert_id)
        return [self.event(ev.PIN_UNLOCKED, ev.SECRETARY, expert=expert_id,
                           reason=reason.strip())]

    def pin_changed(self, expert_id: str) -> bool:
        return self.state.pin(expert_id).changed

    def _pin_keeper(self) -> PinKeeper:
        if self.pins is None:
            raise RuntimeError("Review needs a PinKeeper to check or change PINs")
        return self.pins

    def change_pin(self, expert_id: str, new_pin: str,
                   hasher: Callable[[str], str] | None = None) -> list[Event]:
        """The new PIN's hash goes into the event sealed under the bundle's PIN-vault key."""
        self._expert(expert_id)
        if not pin_is_valid(new_pin):
            raise DomainError("review.pin_invalid")
        keeper = self._pin_keeper()
        pin_hash = (hasher or keeper.hasher.hash)(new_pin)
        return [self.event(ev.PIN_CHANGED, ev.expert_actor(expert_id), expert=expert_id,
                            pin_sealed=keeper.vault.seal(expert_id, pin_hash))]
