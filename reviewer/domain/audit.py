"""The audit chain: tamper evidence for the supervision group (第十八条), keyed against insiders.

Two chains run over the same canonical bytes (sorted-key compact JSON of seq, kind, actor, at
and payload):

* the public hash chain ``hash_n = SHA-256(hash_{n-1} || canonical(event_n))``, printed in the
  results PDF so a committee without the passphrase can compare heads;
* the keyed chain ``mac_n = HMAC-SHA256(audit_key, "event" || mac_{n-1} || canonical(event_n))``
  with a key derived from the bundle's master secret (HKDF, label ``audit-chain``), never
  stored. Anybody can recompute the SHA-256 chain after an edit; nobody without the
  passphrase can recompute the MACs.

The ``chain_head`` row carries ``HMAC(audit_key, "head" || seq || hash || mac)``, so deleting
the newest events and lowering the head to match is detected as well. What a MAC cannot see —
the whole database rolled back to an *older authentic* state — is the job of the per-terminal
checkpoint (``reviewer.storage.checkpoint``) and of the heads recorded at each round close.

``ChainVerifier`` checks incrementally: it holds the last verified point, so a write in a big
session only verifies the new events. Every failure is a ``ChainBroken`` (exit code 31) that
names the first broken event and what is wrong with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event

GENESIS = "0" * 64
GENESIS_MAC = "0" * 64
EXIT_CHAIN_BROKEN = 31
# the kind a store gives a row it cannot read (payload not JSON, wrong types, bad bytes)
UNREADABLE = "\x00unreadable"

# what can be wrong with an event, each with its own message (audit.broken.<problem>)
EDITED = "edited"  # its SHA-256 does not match its content: changed without rehashing
FORGED = "forged"  # hashes agree but the MAC does not: written or rehashed without the key
MISSING = "missing"  # a gap in the numbering: events were deleted
REORDERED = "reordered"  # numbered out of order, or not linked to its predecessor
TRUNCATED = "truncated"  # the newest events are gone (behind the head or the checkpoint)
HEAD = "head"  # the head row is missing, unreadable or not authentic
UNREADABLE_PROBLEM = "unreadable"
INVALID = "invalid"  # authentic bytes, but not an event the live command could have written
ROLLED_BACK = "rolled_back"  # behind or unlike what this terminal verified (its checkpoint)
PROBLEMS = (EDITED, FORGED, MISSING, REORDERED, TRUNCATED, HEAD, UNREADABLE_PROBLEM, INVALID,
            ROLLED_BACK)


class ChainBroken(DomainError):
    """The chain does not verify: nothing may be computed, exported or signed from it."""

    exit_code = EXIT_CHAIN_BROKEN

    def __init__(self, seq: int, problem: str, detail: str = "", count: int = 0) -> None:
        super().__init__(f"audit.broken.{problem}", seq=seq, detail=detail, count=count)
        self.seq = seq
        self.problem = problem
        self.detail = detail
        self.count = count


# one encoder for every event: ``json.dumps`` with options builds a new one per call
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_STRING = json.encoder.encode_basestring  # what ``_CANONICAL`` does to a str (ensure_ascii off)


# the C encoder ``_CANONICAL.encode`` builds on every call, built once (markers None: no
# circular check, a payload is plain data the core built; the rest are ``_CANONICAL``'s own
# settings: sorted keys, compact separators, no ASCII escaping, NaN as is)
_make_c_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_PAYLOAD_ENCODER: Any = _make_c_encoder(None, _CANONICAL.default, json.encoder.encode_basestring,
                                        None, ":", ",", True, False, True) \
    if _make_c_encoder is not None else None


def payload_text(payload: dict[str, Any]) -> str:
    """The canonical JSON of a payload: what the store keeps, byte for byte what is MACed.

    Byte-identical to ``_CANONICAL.encode`` (a test compares them): an import encodes one
    payload per score cell, and building the encoder per call was most of the cost."""
    if _PAYLOAD_ENCODER is None or type(payload) is not dict:
        return _CANONICAL.encode(payload)
    return "".join(_PAYLOAD_ENCODER(payload, 0))


def body_of(seq: int, kind: str, actor: str, at: str, payload_json: str) -> bytes:
    """The canonical bytes of an event from its columns, the payload already canonical JSON.

    Byte-identical to encoding the sorted dict (``canonical``): the keys are in sorted order
    and every string goes through the encoder's own escaping, so a column cannot break out of
    its place — the columns are determined uniquely by the bytes.
    """
    if type(seq) is not int:
        raise TypeError("seq")
    return (f'{{"actor":{_STRING(actor)},"at":{_STRING(at)},"kind":{_STRING(kind)},'
            f'"payload":{payload_json},"seq":{seq}}}').encode()


def canonical(event: Event) -> bytes:
    return body_of(event.seq, event.kind, event.actor, event.at, payload_text(event.payload))


def link(prev_hash: str, event: Event) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


def event_mac(key: bytes, prev_mac: str, body: bytes) -> str:
    return hmac.digest(key, b"event\x00" + prev_mac.encode("ascii") + body, "sha256").hex()


def head_mac(key: bytes, seq: int, hash_: str, mac: str) -> str:
    """The authenticity of the head row: it cannot be lowered or moved without the key."""
    message = f"head\x00{seq}\x00{hash_}\x00{mac}".encode("ascii", "replace")
    return hmac.digest(key, message, "sha256").hex()


def chain(prev_hash: str, prev_mac: str, seq: int, event: Event, key: bytes) -> Event:
    """Give ``event`` its place after (``prev_hash``, ``prev_mac``)."""
    placed = replace(event, seq=seq, prev_hash=prev_hash, hash="", mac="")
    body = canonical(placed)
    digest = hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()
    return replace(placed, hash=digest, mac=event_mac(key, prev_mac, body))


@dataclass(frozen=True)
class ChainPoint:
    """A verified position in the chain: the newest event checked so far."""

    seq: int = 0
    hash: str = GENESIS
    mac: str = GENESIS_MAC


@dataclass(frozen=True)
class HeadRow:
    """The ``chain_head`` row as stored (not yet authenticated)."""

    seq: int
    hash: str
    mac: str
    tag: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    problem: str = ""
    detail: str = ""


def _same(a: str, b: str) -> bool:
    try:
        return hmac.compare_digest(a, b)
    except TypeError:  # not ASCII: a damaged or crafted row
        return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


class ChainVerifier:
    """Checks events one at a time from a verified point; raises ``ChainBroken`` at the first
    event that is not exactly what the keyed chain says must follow."""

    def __init__(self, key: bytes, point: ChainPoint | None = None) -> None:
        self.key = key
        self.point = point or ChainPoint()
        # SHA-256 over the MAC of every event up to ``point``, in order: what a snapshot binds
        # so that a later open can check the stored MACs at once (``follow_stored_rows``)
        self._macs = hashlib.sha256()

    def macs_digest(self) -> str:
        return self._macs.hexdigest()

    def extend_own(self, events: Sequence[Event]) -> None:
        """Move past events this program has just chained itself (they are not checked)."""
        for event in events:
            self._macs.update(event.mac.encode("ascii"))
        if events:
            last = events[-1]
            self.point = ChainPoint(last.seq, last.hash, last.mac)

    def adopt_followed(self, start: ChainPoint, end: ChainPoint, macs: bytes) -> bool:
        """Move past rows that another verifier followed (``follow_stored_rows``) from
        ``start`` to ``end``; ``macs`` are their stored MACs in order, as that verifier read
        them. Only where this one stands exactly at ``start``: the rows were followed from
        the stored row ``start`` names, and only this verifier has checked that row's hash.
        The same caveat as ``follow_stored_rows``: the caller must still require ``point``
        and ``macs_digest()`` to equal an authenticated snapshot's."""
        if start != self.point or end.seq < start.seq:
            return False
        self._macs.update(macs)  # SHA-256 streams: the same digest as one update per MAC
        self.point = end
        return True

    def feed(self, event: Event) -> None:
        point = self.point
        expected = point.seq + 1
        if event.kind == UNREADABLE:
            raise ChainBroken(event.seq, UNREADABLE_PROBLEM, str(event.payload.get("reason", "")),
                              count=point.seq)
        if event.seq != expected:
            problem = MISSING if event.seq > expected else REORDERED
            raise ChainBroken(expected if problem == MISSING else event.seq, problem,
                              f"#{event.seq}", count=point.seq)
        try:
            body = canonical(event)
        except (TypeError, ValueError, UnicodeError):
            raise ChainBroken(event.seq, UNREADABLE_PROBLEM, "payload", count=point.seq) from None
        digest = hashlib.sha256(point.hash.encode("ascii") + body).hexdigest()
        if not _same(event.prev_hash, point.hash):
            # the link to its predecessor is broken: an event before it was removed or moved
            raise ChainBroken(event.seq, REORDERED, "prev_hash", count=point.seq)
        if not _same(event.hash, digest):
            raise ChainBroken(event.seq, EDITED, count=point.seq)
        if not _same(event.mac, event_mac(self.key, point.mac, body)):
            raise ChainBroken(event.seq, FORGED, count=point.seq)
        self._macs.update(event.mac.encode("ascii"))  # verified equal to a hex MAC: ASCII
        self.point = ChainPoint(event.seq, event.hash, event.mac)

    def feed_stored_rows(self, rows: Sequence[Sequence[Any]], start: int = 0) -> int:
        """Check stored rows ``rows[start:]`` (seq, at, actor, kind, payload, prev_hash, hash,
        mac) without decoding their payloads: how many verified, stopping before the first
        that does not.

        The checks of ``feed``, byte for byte, over the bytes built from the stored columns,
        in one loop (the point is moved once at the end). A row that does not verify is left
        to the caller, who decodes it and ``feed``s the event: that names the problem, or
        accepts a row stored in an older but equivalent JSON form.
        """
        return self._stored_rows(rows, start, keyed=True)

    def follow_stored_rows(self, rows: Sequence[Sequence[Any]], start: int = 0) -> int:
        """Like ``feed_stored_rows`` but without the per-row HMAC: only for rows that an
        authenticated snapshot covers, whose caller must then require both ``point`` and
        ``macs_digest()`` to equal the snapshot's before trusting anything.

        Why that is the same check. The snapshot (sealed under a key derived from the audit
        key) names the head it was folded from — seq, hash and MAC of its last event — and the
        SHA-256 of every MAC up to it, taken when each of those events had been verified by
        its own HMAC. Rows that link by SHA-256 from the genesis to that hash have, a SHA-256
        collision aside, exactly the seq, kind, actor, time and payload that were verified
        then; stored MACs whose digest equals the snapshot's are exactly the MACs verified
        then. So every column of every row is what it was when verified, and an edit of any
        one of them (a MAC included) still stops the open: the caller then refolds from the
        genesis with every MAC checked, which names the event.
        """
        return self._stored_rows(rows, start, keyed=False)

    def _stored_rows(self, rows: Sequence[Sequence[Any]], start: int, *, keyed: bool) -> int:
        point = self.point
        last, prev_hash, prev_mac = point.seq, point.hash, point.mac
        key, string, sha256, digest = self.key, _STRING, hashlib.sha256, hmac.digest
        same, macs = hmac.compare_digest, self._macs.copy()
        done = 0
        try:
            for index in range(start, len(rows)):
                seq, at, actor, kind, payload_json, row_prev, hash_, mac = rows[index]
                if type(seq) is not int or seq != last + 1 or row_prev != prev_hash:
                    break
                body = (f'{{"actor":{string(actor)},"at":{string(at)},"kind":{string(kind)},'
                        f'"payload":{payload_json},"seq":{seq}}}').encode()  # body_of
                if sha256(prev_hash.encode("ascii") + body).hexdigest() != hash_:
                    break
                if keyed and not same(mac, digest(key, b"event\x00" + prev_mac.encode("ascii")
                                                  + body, "sha256").hex()):
                    break
                macs.update(mac.encode("ascii"))
                last, prev_hash, prev_mac = seq, hash_, mac
                done += 1
        except (TypeError, ValueError, UnicodeError, AttributeError):
            pass  # this row is not what must follow: the caller feeds it to name why
        if done:
            self.point = ChainPoint(last, prev_hash, prev_mac)
            self._macs = macs
        return done

    def check_head(self, head: HeadRow | None) -> None:
        """The head row must be authentic and stand exactly where the verified events end."""
        point = self.point
        if head is None:
            raise ChainBroken(point.seq + 1, HEAD, "missing", count=point.seq)
        if not _same(head.tag, head_mac(self.key, head.seq, head.hash, head.mac)):
            raise ChainBroken(head.seq, HEAD, "forged", count=point.seq)
        if head.seq > point.seq:
            raise ChainBroken(point.seq + 1, TRUNCATED, f"head={head.seq}", count=point.seq)
        if head.seq < point.seq:
            # authentic events beyond an authentic head: an older head row was put back
            raise ChainBroken(head.seq + 1, TRUNCATED, f"head={head.seq}", count=point.seq)
        if not (_same(head.hash, point.hash) and _same(head.mac, point.mac)):
            raise ChainBroken(head.seq, HEAD, "mismatch", count=point.seq)


def verify_chain(events: Iterable[Event], key: bytes,
                 head: HeadRow | None = None) -> ChainReport:
    """A full check from the genesis (``reviewer audit verify``)."""
    verifier = ChainVerifier(key)
    try:
        for event in events:
            verifier.feed(event)
        if head is not None:
            verifier.check_head(head)
    except ChainBroken as broken:
        return ChainReport(False, verifier.point.seq, verifier.point.hash, broken.seq,
                           broken.problem, broken.detail)
    return ChainReport(True, verifier.point.seq, verifier.point.hash)
