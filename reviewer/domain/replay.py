"""Replay validation: an event read back from the database is applied only if the live
command could have written it, against the sealed case and panel and the state before it.

The keyed chain (``reviewer.domain.audit``) proves who wrote an event; this proves the event
makes sense — known kind, known experts, applications, criteria and groups, the round that was
open, scores within 0..max in steps of 0.5 with the case's own criterion points, payload types
right. A score of 1000 is refused here even if its bytes were authentic. ``Session`` calls
``validate`` before ``SessionState.apply``; a failure is ``ChainBroken(seq, "invalid")``
(exit 31) naming the event and the field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from reviewer.domain import events as ev
from reviewer.domain.audit import INVALID, ChainBroken
from reviewer.domain.dissent import MAX_TEXT, SOURCES, clean_text
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.justification import MAX_COMMENT, OVERALL
from reviewer.domain.masking import UNMASK_COMMANDS
from reviewer.domain.panel import RECUSAL_KINDS
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL
from reviewer.domain.review import Review, parse_stamp
from reviewer.domain.review_core import _plain

_STAMP = re.compile(r"20\d\d-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\dZ")  # what ``stamp`` writes
NEXT_ROUND = {PROFESSIONAL: COMPREHENSIVE, COMPREHENSIVE: CLOSED}


class _Bad(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _field(p: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = p.get(key, _Bad)
    if value is _Bad:
        raise _Bad(f"{key}: missing")
    # bool is an int in Python; a count or a page number must not be True
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (
            kind if isinstance(kind, tuple) else (kind,))):
        raise _Bad(f"{key}: {type(value).__name__}")
    return value


def _text(p: dict[str, Any], key: str, required: bool = False) -> str:
    value: str = _field(p, key, str)
    if required and not value.strip():
        raise _Bad(f"{key}: empty")
    return value


def _optional(p: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    return _field(p, key, kind) if key in p else None


class _Checker:
    def __init__(self, review: Review, event: Event) -> None:
        self.review = review
        self.state = review.state
        self.event = event
        self.p = event.payload

    def expert(self) -> str:
        expert_id = _text(self.p, "expert")
        if self.review.case.expert(expert_id) is None:
            raise _Bad(f"expert: unknown {expert_id}")
        return expert_id

    def application(self) -> str:
        app_id = _text(self.p, "application")
        if self.review.case.application(app_id) is None:
            raise _Bad(f"application: unknown {app_id}")
        return app_id

    def current_round(self) -> str:
        round_name = _text(self.p, "round")
        if round_name not in (PROFESSIONAL, COMPREHENSIVE):
            raise _Bad(f"round: unknown {round_name}")
        if round_name != self.state.round:
            raise _Bad(f"round: {round_name} is not open ({self.state.round})")
        return round_name

    def open_round(self) -> None:
        if self.state.round == CLOSED:
            raise _Bad("round: closed")

    def actor(self, *allowed: str) -> None:
        if self.event.actor not in allowed:
            raise _Bad(f"actor: {self.event.actor}")

    def expert_or_secretary(self, expert_id: str) -> None:
        self.actor(ev.expert_actor(expert_id), ev.SECRETARY)

    # -- one method per kind ---------------------------------------------------------------

    def session_opened(self) -> None:
        if _text(self.p, "case_id") != self.review.case.case_id:
            raise _Bad("case_id: another case")
        if _text(self.p, "measure") != self.review.panel.id:
            raise _Bad("measure: another panel")
        _text(self.p, "bundle_sha256")

    def pin_failed(self) -> None:
        expert_id = self.expert()
        self.actor(ev.expert_actor(expert_id))
        if _field(self.p, "failures", int) < 1:
            raise _Bad("failures: below 1")

    def pin_locked(self) -> None:
        self.expert()
        self.actor(ev.SYSTEM)
        parse_stamp(_text(self.p, "until"))

    def pin_ok(self) -> None:
        self.actor(ev.expert_actor(self.expert()))

    def pin_unlocked(self) -> None:
        expert_id = self.expert()
        self.actor(ev.SECRETARY)
        if self.review.state.pin(expert_id).locked_until is None:
            raise _Bad("expert: PIN not locked")
        _text(self.p, "reason", required=True)

    def pin_changed(self) -> None:
        expert_id = self.expert()
        self.actor(ev.expert_actor(expert_id))
        sealed = _text(self.p, "pin_sealed", required=True)
        if "pin_hash" in self.p:
            raise _Bad("pin_hash: a bare PIN hash is never written")
        pins = self.review.pins
        if pins is not None and pins.vault.open(expert_id, sealed) is None:
            raise _Bad("pin_sealed: not sealed under this bundle's key")

    def ack_recorded(self) -> None:
        expert_id = self.expert()
        paper = _optional(self.p, "paper", bool)
        self.actor(ev.SECRETARY if paper else ev.expert_actor(expert_id))
        if expert_id in self.state.acks:
            raise _Bad("expert: already acknowledged")

    def conflict_declared(self) -> None:
        expert_id, app_id = self.expert(), self.application()
        self.open_round()
        if _text(self.p, "kind") not in RECUSAL_KINDS:
            raise _Bad(f"kind: {self.p['kind']}")
        _text(self.p, "reason", required=True)
        source = _text(self.p, "source")
        if source not in ("declared", "secretary"):
            raise _Bad(f"source: {source}")
        self.actor(ev.SECRETARY if source == "secretary" else ev.expert_actor(expert_id))
        if self.review.conflicts.is_recused(expert_id, app_id, self.state):
            raise _Bad("application: already recused")

    def conflict_none(self) -> None:
        expert_id = self.expert()
        self.application()
        self.actor(ev.expert_actor(expert_id))

    def conflict_lifted(self) -> None:
        self.expert()
        self.application()
        self.open_round()
        self.actor(ev.SECRETARY)
        _text(self.p, "reason", required=True)

    def abstain_recorded(self) -> None:
        expert_id, app_id = self.expert(), self.application()
        self.current_round()
        self.actor(ev.expert_actor(expert_id))
        _text(self.p, "reason", required=True)
        self._may_score(expert_id, app_id)

    def _may_score(self, expert_id: str, app_id: str) -> None:
        """What ``set_score`` and ``import_sheets`` both require of the cell."""
        review = self.review
        if expert_id not in self.state.acks:
            raise _Bad("expert: no confidentiality pledge")
        app = review.case.application(app_id)
        assert app is not None
        if not review.in_scope(expert_id, app):
            raise _Bad("application: not in the expert's scope")
        if review.conflicts.is_recused(expert_id, app_id, self.state):
            raise _Bad("application: recused")
        if review.is_submitted(expert_id):
            raise _Bad("expert: sheet already submitted")

    def score_set(self) -> None:
        expert_id, app_id = self.expert(), self.application()
        self.current_round()
        self.expert_or_secretary(expert_id)
        criterion = _text(self.p, "criterion")
        value = _field(self.p, "value", (str, type(None)))
        _field(self.p, "old", (str, type(None)))
        if value is not None and not value.strip():
            raise _Bad("value: empty")
        try:
            parsed = self.review.parse_value(criterion, value)
        except DomainError as refused:
            raise _Bad(f"value: {refused.code} {value!r} ({criterion})") from None
        if parsed is not None and Decimal(value) != parsed:
            raise _Bad(f"value: {value!r}")
        self._may_score(expert_id, app_id)

    def score_justified(self) -> None:
        """A comment on a cell the expert may score, on a criterion of theirs or the whole."""
        expert_id, app_id = self.expert(), self.application()
        self.current_round()
        self.expert_or_secretary(expert_id)
        criterion = _text(self.p, "criterion")
        if criterion != OVERALL:
            found = self.review.panel.criterion(criterion)
            if found is None or found.source != "expert" or found.key != criterion:
                raise _Bad(f"criterion: unknown {criterion}")
        text = _text(self.p, "text")
        if text != text.strip() or len(text) > MAX_COMMENT:
            raise _Bad("text: not as the command writes it")
        self._may_score(expert_id, app_id)

    def output_unmasked(self) -> None:
        self.actor(ev.SECRETARY)
        if _text(self.p, "command", required=True) not in UNMASK_COMMANDS:
            raise _Bad(f"command: {self.p['command']}")

    def sheet_submitted(self) -> None:
        expert_id = self.expert()
        self.current_round()
        source = _optional(self.p, "source", str) or "terminal"
        if source not in ("terminal", "paper"):
            raise _Bad(f"source: {source}")
        self.actor(ev.expert_actor(expert_id) if source == "terminal" else ev.SECRETARY)
        if self.review.is_submitted(expert_id):
            raise _Bad("expert: already submitted")
        _optional(self.p, "confirmed_no_conflict", bool)

    def sheet_reopened(self) -> None:
        expert_id = self.expert()
        self.current_round()
        self.actor(ev.SECRETARY)
        if not self.review.is_submitted(expert_id):
            raise _Bad("expert: not submitted")
        _text(self.p, "reason")

    def scores_imported(self) -> None:
        self.actor(ev.SECRETARY)
        self.open_round()
        _text(self.p, "file_sha256")
        if _field(self.p, "rows", int) < 1:
            raise _Bad("rows: below 1")
        _optional(self.p, "replace", bool)
        _optional(self.p, "reason", str)

    def sheet_imported(self) -> None:
        """A paper sheet as ``import_sheets`` writes it: the secretary's, for the open round,
        every application one the expert may score with all their criteria in the text the
        import writes (canonical, within 0..max in half steps), 理由 only on those rows."""
        expert_id = self.expert()
        self.current_round()
        self.actor(ev.SECRETARY)
        scores = _field(self.p, "scores", dict)
        comments = _field(self.p, "comments", dict)
        if not scores:
            raise _Bad("scores: empty")
        review = self.review
        criteria = {c.key for c in review.panel.expert_criteria}
        canonical: dict[tuple[str, str], bool] = {}  # (criterion, text) -> the import's text
        for app_id, given in scores.items():
            if review.case.application(app_id) is None:
                raise _Bad(f"application: unknown {app_id}")
            if not isinstance(given, dict) or set(given) != criteria:
                raise _Bad(f"scores: {app_id} is not the expert's criteria")
            for criterion, value in given.items():
                known = canonical.get((criterion, value)) if type(value) is str else False
                if known is None:
                    try:
                        parsed = review.parse_value(criterion, value)
                    except DomainError:
                        parsed = None
                    known = canonical[(criterion, value)] = (
                        parsed is not None and _plain(parsed) == value)
                if not known:
                    raise _Bad(f"value: {value!r} ({criterion}, {app_id})")
            self._may_score(expert_id, app_id)
        for app_id, text in comments.items():
            if app_id not in scores or type(text) is not str or text != text.strip() \
                    or len(text) > MAX_COMMENT:
                raise _Bad(f"comments: {app_id} not as the import writes it")

    def round_advanced(self) -> None:
        self.actor(ev.SECRETARY)
        source, target = _text(self.p, "from"), _text(self.p, "to")
        # the next round is the panel's own (a one-step measure closes after its round)
        following = (self.review.panel.next_round(source)
                     if source in (PROFESSIONAL, COMPREHENSIVE) else None)
        if source != self.state.round or following != target:
            raise _Bad(f"from/to: {source} -> {target} while {self.state.round} is open")
        forced = _field(self.p, "forced", bool)
        reason = _text(self.p, "reason")
        if forced and not reason.strip():
            raise _Bad("reason: a forced close needs one")
        closes_on = _field(self.p, "closes_on", dict)
        if closes_on.get("seq") != self.state.event_count or \
                closes_on.get("hash") != self.state.head:
            raise _Bad("closes_on: not the head the round closed on")
        if target == COMPREHENSIVE:
            nominees = _field(self.p, "nominees", dict)
            for group, ids in nominees.items():
                if self.review.case.group(group) is None:
                    raise _Bad(f"nominees: unknown group {group}")
                if not isinstance(ids, list) or not all(
                        isinstance(i, str) and self.review.case.application(i) for i in ids):
                    raise _Bad(f"nominees: {group}")

    def tie_resolved(self) -> None:
        self.actor(ev.SECRETARY)
        order = _field(self.p, "order", list)
        if len(order) < 2 or len(set(map(str, order))) != len(order) or not all(
                isinstance(i, str) and self.review.case.application(i) for i in order):
            raise _Bad("order")
        _text(self.p, "reason", required=True)
        if _text(self.p, "round") != self.state.round:
            raise _Bad("round")

    def application_disqualified(self) -> None:
        self.actor(ev.SECRETARY)
        app_id = self.application()
        if self.state.round != CLOSED:
            raise _Bad("round: not closed")
        if not self.review.panel.disqualification.allowed:
            raise _Bad("kind: the measure's document provides no removal")
        if app_id in self.state.disqualified:
            raise _Bad("application: already disqualified")
        _text(self.p, "reason", required=True)

    def amount_proposed(self) -> None:
        """The committee's amount for a funded project, within one of the panel's bands."""
        self.actor(ev.SECRETARY)
        self.application()
        if self.state.round != CLOSED:
            raise _Bad("round: not closed")
        band = _text(self.p, "band")
        tiers = {t.key: t for tr in self.review.panel.tracks for t in tr.tiers
                 if t.amount_max is not None}
        if band not in tiers:
            raise _Bad(f"band: unknown {band}")
        amount = _field(self.p, "amount", int)
        if not (tiers[band].amount_min or 0) <= amount <= (tiers[band].amount_max or 0):
            raise _Bad("amount: outside the band")
        _text(self.p, "reason", required=True)

    def _author(self, expert_id: str) -> None:
        """A dissent or refusal at the terminal is the member's own; on paper the secretary's."""
        source = _text(self.p, "source")
        if source not in SOURCES:
            raise _Bad(f"source: {source}")
        if source == "terminal":
            self.actor(ev.expert_actor(expert_id))
            if expert_id not in self.state.acks:
                raise _Bad("expert: no confidentiality pledge")
        else:
            self.actor(ev.SECRETARY)

    def _statement(self, key: str) -> None:
        text = _text(self.p, key, required=True)
        if clean_text(text) != text or len(text) > MAX_TEXT:
            raise _Bad(f"{key}: not as recorded")

    def dissent_recorded(self) -> None:
        """As ``Dissents.record_dissent``: a member of the round, after it closed, once."""
        expert_id = self.expert()
        self._author(expert_id)
        round_name = _text(self.p, "round")
        if round_name not in (PROFESSIONAL, COMPREHENSIVE) or \
                round_name not in self.review.panel.round_keys:
            raise _Bad(f"round: unknown {round_name}")
        if not self.review.is_member_of_round(expert_id, round_name):
            raise _Bad("expert: not a member of the round")
        if not self.review.round_closed(round_name):
            raise _Bad("round: not closed")
        if any(d["expert"] == expert_id and d["round"] == round_name
               for d in self.state.dissents):
            raise _Bad("expert: dissent already recorded")
        self._statement("text")

    def signature_refused(self) -> None:
        """As ``Dissents.refuse_to_sign``: a member, after the close, with a reason, once."""
        expert_id = self.expert()
        self._author(expert_id)
        found = self.review.case.expert(expert_id)
        if found is None or not found.groups:
            raise _Bad("expert: not a member")
        if self.state.round != CLOSED:
            raise _Bad("round: not closed")
        if expert_id in self.state.refusals:
            raise _Bad("expert: already refused")
        self._statement("reason")
    def draw_recorded(self) -> None:
        """Only the system writes it, and only what the sealed case's draw record says: an
        insider cannot swap in another seed or pool (the bundle is authenticated)."""
        self.actor(ev.SYSTEM)
        draw = self.review.case.draw
        if draw is None:
            raise _Bad("draw: the case was not drawn")
        for key, value in draw.event_payload().items():
            if _text(self.p, key) != value:
                raise _Bad(f"{key}: not the sealed draw record's")

    def results_exported(self) -> None:
        self.actor(ev.SECRETARY)
        _text(self.p, "file_sha256")
        if _field(self.p, "pages", int) < 0:
            raise _Bad("pages")


_CHECKS = {
    ev.SESSION_OPENED: _Checker.session_opened, ev.PIN_FAILED: _Checker.pin_failed,
    ev.PIN_LOCKED: _Checker.pin_locked, ev.PIN_OK: _Checker.pin_ok,
    ev.PIN_UNLOCKED: _Checker.pin_unlocked,
    ev.PIN_CHANGED: _Checker.pin_changed, ev.ACK_RECORDED: _Checker.ack_recorded,
    ev.CONFLICT_DECLARED: _Checker.conflict_declared, ev.CONFLICT_CLEARED: _Checker.conflict_none,
    ev.CONFLICT_LIFTED: _Checker.conflict_lifted, ev.ABSTAINED: _Checker.abstain_recorded,
    ev.SCORE_SET: _Checker.score_set, ev.SHEET_SUBMITTED: _Checker.sheet_submitted,
    ev.SHEET_REOPENED: _Checker.sheet_reopened, ev.SCORES_IMPORTED: _Checker.scores_imported,
    ev.SHEET_IMPORTED: _Checker.sheet_imported,
    ev.ROUND_ADVANCED: _Checker.round_advanced, ev.TIE_RESOLVED: _Checker.tie_resolved,
    ev.DISQUALIFIED: _Checker.application_disqualified,
    ev.EXPORTED: _Checker.results_exported, ev.AMOUNT_PROPOSED: _Checker.amount_proposed,
    ev.JUSTIFIED: _Checker.score_justified, ev.UNMASKED: _Checker.output_unmasked,
    ev.DISSENT_RECORDED: _Checker.dissent_recorded,
    ev.SIGNATURE_REFUSED: _Checker.signature_refused,
    ev.DRAW_RECORDED: _Checker.draw_recorded,
}
assert set(_CHECKS) == set(ev.KINDS)


def validate(review: Review, event: Event) -> None:
    """Raise ``ChainBroken(seq, "invalid")`` unless ``event`` may follow ``review.state``."""
    try:
        if event.kind not in _CHECKS:
            raise _Bad(f"kind: unknown {event.kind}")
        if (event.seq == 1) != (event.kind == ev.SESSION_OPENED):
            raise _Bad("session.opened: only and always the first event")
        if (event.kind == ev.DRAW_RECORDED) != (event.seq == 2 and review.case.draw is not None):
            raise _Bad("draw.recorded: only and always the second event of a drawn case")
        if not isinstance(event.payload, dict) or not isinstance(event.actor, str):
            raise _Bad("payload")
        if not isinstance(event.at, str) or not _STAMP.fullmatch(event.at):
            raise _Bad(f"at: {event.at!r}")
        _CHECKS[event.kind](_Checker(review, event))
    except _Bad as bad:
        raise ChainBroken(event.seq, INVALID, f"{event.kind} {bad.detail}") from None
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
        raise ChainBroken(event.seq, INVALID, f"{event.kind} {type(exc).__name__}") from None
