"""Session state as a fold over audit events.

Nothing here validates: ``reviewer.domain.review`` decides whether an action is allowed and
emits events; ``SessionState.apply`` only records their effect, so replaying the stored chain
always rebuilds exactly the state the deciding code saw. Events read back from a database are
first checked by ``reviewer.domain.replay.validate`` (which ``Session`` calls before
``apply``), so ``apply`` may assume well-formed payloads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from reviewer.domain import events as ev
from reviewer.domain.events import Event

ScoreKey = tuple[str, str, str]  # expert, application, round

# One shared Decimal per distinct score text (Decimals are immutable; the text is kept exactly,
# so "20" and "20.0" stay apart) and one shared string per id: a province-wide session holds
# hundreds of thousands of cells, and a separate object per cell was most of its memory.
_DECIMALS: dict[str, Decimal] = {}
_DECIMALS_MAX = 4096  # score texts are few (half points up to a maximum); never unbounded


def _decimal(text: str) -> Decimal:
    value = _DECIMALS.get(text)
    if value is None:
        value = Decimal(text)
        if len(_DECIMALS) < _DECIMALS_MAX:
            _DECIMALS[text] = value
    return value


_intern = sys.intern


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
    # (expert, application, round, criterion key or "" for the application) -> 评分理由
    justifications: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    # who asked for full ID/phone numbers (``--unmask``): actor, command, at
    unmasked: list[dict[str, Any]] = field(default_factory=list)
    # written dissents on a round's result, in order: {expert, round, text, source, at, by}
    dissents: list[dict[str, Any]] = field(default_factory=list)
    # expert -> {reason, source, at, by}: who refused to sign the signature page, and why
    refusals: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _justify(self, key: tuple[str, str, str, str], text: str) -> None:
        if text:
            self.justifications[key] = text
        else:
            self.justifications.pop(key, None)

    def pin(self, expert: str) -> PinState:
        return self.pins.setdefault(expert, PinState())

    def apply(self, event: Event) -> None:
        p = event.payload
        kind = event.kind
        if kind == ev.SCORE_SET:
            key = (_intern(p["expert"]), _intern(p["application"]), _intern(p["round"]))
            cell = self.scores.setdefault(key, {})
            if p["value"] is None:
                cell.pop(p["criterion"], None)
            else:
                cell[_intern(p["criterion"])] = _decimal(p["value"])
                if event.actor.startswith("expert:"):
                    self.first_scored.setdefault((p["expert"], p["application"]), event.at)
            self.score_versions += 1
        elif kind == ev.SHEET_IMPORTED:
            expert, round_ = _intern(p["expert"]), _intern(p["round"])
            scores, shared = self.scores, _DECIMALS
            for app, given in p["scores"].items():
                cell = scores.setdefault((expert, _intern(app), round_), {})
                for criterion, value in given.items():
                    # ``_decimal`` inlined for the texts already shared: a province-wide
                    # import applies 800,000 cells here (0.22 -> 0.19 s without the call)
                    number = shared.get(value)
                    cell[_intern(criterion)] = _decimal(value) if number is None else number
                self.score_versions += len(given)
            for app, text in p["comments"].items():
                self._justify((expert, app, round_, ""), text)
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
        elif kind == ev.DISSENT_RECORDED:
            self.dissents.append({"expert": p["expert"], "round": p["round"], "text": p["text"],
                                  "source": p.get("source", "terminal"), "at": event.at,
                                  "by": event.actor})
        elif kind == ev.SIGNATURE_REFUSED:
            self.refusals[p["expert"]] = {"reason": p["reason"],
                                          "source": p.get("source", "terminal"),
                                          "at": event.at, "by": event.actor}
        elif kind == ev.EXPORTED:
            self.exports.append({**p, "at": event.at})
        elif kind == ev.JUSTIFIED:
            self._justify((p["expert"], p["application"], p["round"], p["criterion"]),
                          p["text"])
        elif kind == ev.UNMASKED:
            self.unmasked.append({"by": event.actor, "command": p["command"], "at": event.at})
        self.head = event.hash
        self.event_count += 1
        if kind not in ev.OUTPUT_KINDS:
            self.results_head = event.hash
            self.results_events = self.event_count


# -- the snapshot form ------------------------------------------------------------------------
# A folded state as plain JSON values, for the verified snapshot (``reviewer.session``). Every
# field has its own encoder and decoder; keyed dicts become lists in insertion order, so the
# state comes back with the same iteration order and therefore the same results, byte for byte.

def _pairs(d: dict[Any, Any], value: Any = lambda v: v) -> list[list[Any]]:
    return [[*k, value(v)] if isinstance(k, tuple) else [k, value(v)] for k, v in d.items()]


def _keyed(rows: list[list[Any]], width: int, value: Any = lambda v: v) -> dict[Any, Any]:
    if width == 1:
        return {r[0]: value(r[1]) for r in rows}
    return {tuple(r[:width]): value(r[width]) for r in rows}


def _scores_out(scores: dict[ScoreKey, dict[str, Decimal]]) -> dict[str, list[Any]]:
    """Every sheet as a flat run of indexes: [expert, application, round, layout, value, …
    one value per criterion of its layout]. Ids, rounds and criteria are indexes into one
    table of strings, a sheet's criteria (in their order) into a table of layouts, and its
    values into a table of score texts.

    Nested lists of strings (a list and a string object per cell) made the snapshot of a
    20,000-application session cost more memory to read than the state it rebuilds; naming
    each cell's criterion again (format 3) was a third of the snapshot's numbers, and of the
    time to write and read them.
    """
    names: dict[str, int] = {}
    name = names.setdefault
    texts: dict[str, int] = {}
    text = texts.setdefault
    layouts: dict[tuple[str, ...], int] = {}
    layout = layouts.setdefault
    # the state shares one Decimal per score text (``_decimal``), so a value's text is
    # looked up once per object: by identity, which is sound while ``scores`` holds them
    of_object: dict[int, int] = {}
    flat: list[int] = []
    put = flat.append
    for (expert, app, round_), cell in scores.items():
        put(name(expert, len(names)))
        put(name(app, len(names)))
        put(name(round_, len(names)))
        put(layout(tuple(cell), len(layouts)))
        for value in cell.values():
            found = of_object.get(id(value))
            if found is None:
                found = of_object[id(value)] = text(str(value), len(texts))
            put(found)
    shapes = [[name(criterion, len(names)) for criterion in criteria] for criteria in layouts]
    return {"strings": list(names), "layouts": shapes, "values": list(texts), "cells": flat}


def _scores_in(plain: dict[str, list[Any]]) -> dict[ScoreKey, dict[str, Decimal]]:
    """Inverse of ``_scores_out``, same order; raises on anything malformed."""
    strings, flat = plain["strings"], plain["cells"]
    if not all(type(text) is str for text in strings) or \
            not all(type(text) is str for text in plain["values"]):
        raise TypeError("snapshot strings")
    numbers = [_decimal(text) for text in plain["values"]]
    layouts = [tuple(strings[index] for index in shape) for shape in plain["layouts"]]
    scores: dict[ScoreKey, dict[str, Decimal]] = {}
    position, end = 0, len(flat)
    while position < end:
        expert, app, round_, shape = flat[position:position + 4]
        position += 4
        cell: dict[str, Decimal] = {}
        for criterion in layouts[shape]:  # a plain loop: dict(zip(…)) was slower per sheet
            cell[criterion] = numbers[flat[position]]
            position += 1
        scores[(strings[expert], strings[app], strings[round_])] = cell
    return scores


def _decl_out(d: Declaration) -> list[str]:
    return [d.kind, d.reason, d.source, d.at, d.round]


def _decl_in(v: list[str]) -> Declaration:
    return Declaration(*v)


_SNAPSHOT_FIELDS: dict[str, tuple[Any, Any]] = {
    "round": (str, str), "head": (str, str), "event_count": (int, int),
    "results_head": (str, str), "results_events": (int, int),
    "acks": (lambda d: _pairs(d, list), lambda r: _keyed(r, 1, lambda v: (v[0], v[1]))),
    "declared": (lambda d: _pairs(d, _decl_out), lambda r: _keyed(r, 2, _decl_in)),
    "cleared": (_pairs, lambda r: _keyed(r, 2)),
    "lifted": (lambda d: _pairs(d, _decl_out), lambda r: _keyed(r, 2, _decl_in)),
    "abstained": (_pairs, lambda r: _keyed(r, 3)),
    "scores": (_scores_out, _scores_in),
    "submitted": (_pairs, lambda r: _keyed(r, 2)),
    "reopened": (list, list), "advances": (list, list),
    "nominees": (dict, dict),
    "resolutions": (lambda rs: [[list(x.order), x.reason, x.at, x.round] for x in rs],
                    lambda rs: [Resolution(tuple(o), reason, at, rnd) for o, reason, at, rnd
                                in rs]),
    "disqualified": (dict, dict),
    "pins": (lambda d: _pairs(d, lambda p: [p.sealed, p.failures, p.last_failure,
                                            p.locked_until, p.changed]),
             lambda r: _keyed(r, 1, lambda v: PinState(*v))),
    "score_versions": (int, int),
    "exports": (list, list), "overrides": (list, list),
    "first_scored": (_pairs, lambda r: _keyed(r, 2)),
    "justifications": (_pairs, lambda r: _keyed(r, 4)),
    "unmasked": (list, list),
    "dissents": (list, list), "refusals": (dict, dict),
    "amounts": (lambda d: {k: list(v) for k, v in d.items()},
                lambda r: {k: (v[0], int(v[1])) for k, v in r.items()}),
}


def snapshot_shape() -> str:
    """The names of the state's fields: a snapshot written for another shape is not used."""
    return ",".join(f.name for f in fields(SessionState))


def state_to_plain(state: SessionState) -> dict[str, Any] | None:
    """The state as JSON values, or None when a field has no snapshot form (never guess)."""
    names = [f.name for f in fields(SessionState)]
    if set(names) != set(_SNAPSHOT_FIELDS):
        return None
    return {name: _SNAPSHOT_FIELDS[name][0](getattr(state, name)) for name in names}


def state_from_plain(plain: dict[str, Any]) -> SessionState:
    """Inverse of ``state_to_plain`` (raises on anything it does not recognise)."""
    if set(plain) != set(_SNAPSHOT_FIELDS):
        raise ValueError("snapshot fields")
    return SessionState(**{name: _SNAPSHOT_FIELDS[name][1](value)
                           for name, value in plain.items()})
