"""Session state as a fold over audit events.

Nothing here validates: ``reviewer.domain.review`` decides whether an action is allowed and
emits events; ``SessionState.apply`` only records their effect, so replaying the stored chain
always rebuilds exactly the state the deciding code saw. Events read back from a database are
first checked by ``reviewer.domain.replay.validate`` (which ``Session`` calls before
``apply``), so ``apply`` may assume well-formed payloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reviewer.domain import events as ev
from reviewer.domain.events import Event

ScoreKey = tuple[str, str, str]  # expert, application, round


@dataclass
class Declaration:
    """A conflict the expert (or the secretary for them) declared, or lifted."""

    kind: str
    reason: str
    source: str  # "declared" | "secretary"
    at: str
    round: str = "professional"  # the round in progress when it was declared


@dataclass
class PinState:
    sealed: str | None = None  # the changed PIN's hash, encrypted (``reviewer.domain.pins``)
    failures: int = 0
    last_failure: str | None = None
    locked_until: str | None = None
    changed: bool = False


@dataclass
class Resolution:
    order: tuple[str, ...]
    reason: str
    at: str
    round: str


@dataclass
class SessionState:
    round: str = "professional"
    head: str = ""
    event_count: int = 0
    # the newest event that can change results (exports cannot): what a results PDF certifies
    results_head: str = ""
    results_events: int = 0
    acks: dict[str, tuple[str, bool]] = field(default_factory=dict)  # expert -> (at, paper)
    declared: dict[tuple[str, str], Declaration] = field(default_factory=dict)
    cleared: dict[tuple[str, str], str] = field(default_factory=dict)  # 无利害关系 -> at
    lifted: dict[tuple[str, str], Declaration] = field(default_factory=dict)
    abstained: dict[ScoreKey, str] = field(default_factory=dict)
    scores: dict[ScoreKey, dict[str, Decimal]] = field(default_factory=dict)
    submitted: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    reopened: list[dict[str, Any]] = field(default_factory=list)
    advances: list[dict[str, Any]] = field(default_factory=list)
    nominees: dict[str, list[str]] = field(default_factory=dict)
    resolutions: list[Resolution] = field(default_factory=list)
    disqualified: dict[str, str] = field(default_factory=dict)
    # application -> (band key, amount in yuan): the committee's proposal (补助资金 第十六条)
    amounts: dict[str, tuple[str, int]] = field(default_factory=dict)
    pins: dict[str, PinState] = field(default_factory=dict)
    score_versions: int = 0
    exports: list[dict[str, Any]] = field(default_factory=list)
    # submitted sheets replaced by a paper import (``scores import --replace``), in order
    overrides: list[dict[str, Any]] = field(default_factory=list)
    # (expert, application) -> when the expert first entered a score for it at the terminal:
    # a later recusal came after the expert had the materials open (shown in the PDF)
    first_scored: dict[tuple[str, str], str] = field(default_factory=dict)

    def pin(self, expert: str) -> PinState:
        return self.pins.setdefault(expert, PinState())

    def apply(self, event: Event) -> None:
        p = event.payload
        kind = event.kind
        if kind == ev.SCORE_SET:
            key = (p["expert"], p["application"], p["round"])
            cell = self.scores.setdefault(key, {})
            if p["value"] is None:
                cell.pop(p["criterion"], None)
            else:
                cell[p["criterion"]] = Decimal(p["value"])
                if event.actor.startswith("expert:"):
                    self.first_scored.setdefault((p["expert"], p["application"]), event.at)
            self.score_versions += 1
        elif kind == ev.ACK_RECORDED:
            self.acks[p["expert"]] = (event.at, bool(p.get("paper")))
        elif kind == ev.CONFLICT_DECLARED:
            pair = (p["expert"], p["application"])
            self.declared[pair] = Declaration(p["kind"], p["reason"], p["source"], event.at,
                                              self.round)
            self.cleared.pop(pair, None)
        elif kind == ev.CONFLICT_CLEARED:
            self.cleared[(p["expert"], p["application"])] = event.at
        elif kind == ev.CONFLICT_LIFTED:
            self.lifted[(p["expert"], p["application"])] = Declaration(
                "same_unit", p["reason"], "secretary", event.at
            )
        elif kind == ev.ABSTAINED:
            self.abstained[(p["expert"], p["application"], p["round"])] = p["reason"]
        elif kind == ev.SHEET_SUBMITTED:
            self.submitted[(p["expert"], p["round"])] = {
                "at": event.at, "source": p.get("source", "terminal"),
                "confirmed_no_conflict": p.get("confirmed_no_conflict", False),
            }
        elif kind == ev.SHEET_REOPENED:
            self.submitted.pop((p["expert"], p["round"]), None)
            self.reopened.append({**p, "at": event.at})
        elif kind == ev.ROUND_ADVANCED:
            self.round = p["to"]
            self.advances.append({**p, "at": event.at})
            if p["from"] == "professional":
                self.nominees = {g: list(ids) for g, ids in p.get("nominees", {}).items()}
        elif kind == ev.TIE_RESOLVED:
            self.resolutions.append(
                Resolution(tuple(p["order"]), p["reason"], event.at, p["round"])
            )
        elif kind == ev.DISQUALIFIED:
            self.disqualified[p["application"]] = p["reason"]
        elif kind == ev.AMOUNT_PROPOSED:
            self.amounts[p["application"]] = (p["band"], int(p["amount"]))
        elif kind == ev.PIN_FAILED:
            pin = self.pin(p["expert"])
            pin.failures += 1
            pin.last_failure = event.at
        elif kind == ev.PIN_LOCKED:
            pin = self.pin(p["expert"])
            pin.locked_until = p["until"]
            pin.failures = 0
        elif kind in (ev.PIN_OK, ev.PIN_UNLOCKED):
            pin = self.pin(p["expert"])
            pin.failures = 0
            pin.locked_until = None
        elif kind == ev.PIN_CHANGED:
            pin = self.pin(p["expert"])
            pin.sealed = p["pin_sealed"]
            pin.changed = True
        elif kind == ev.SCORES_IMPORTED:
            for item in p.get("overrides", ()):
                self.overrides.append({**item, "at": event.at, "by": event.actor,
                                       "reason": p.get("reason", "")})
        elif kind == ev.EXPORTED:
            self.exports.append({**p, "at": event.at})
        self.head = event.hash
        self.event_count += 1
        if kind != ev.EXPORTED:
            self.results_head = event.hash
            self.results_events = self.event_count
