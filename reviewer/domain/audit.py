"""The hash chain over audit events: tamper evidence for the supervision group (第十八条).

hash_n = SHA-256(hash_{n-1} || canonical(event_n)), where canonical is sorted-key compact
JSON of seq, kind, actor, at and payload. Editing, deleting or reordering any row breaks
every later link; ``verify_chain`` names the first broken one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace

from reviewer.domain.events import Event

GENESIS = "0" * 64


def canonical(event: Event) -> bytes:
    body = {
        "seq": event.seq,
        "kind": event.kind,
        "actor": event.actor,
        "at": event.at,
        "payload": event.payload,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, event: Event) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


def chain(prev_hash: str, seq: int, event: Event) -> Event:
    """Give ``event`` its place after ``prev_hash``."""
    placed = replace(event, seq=seq, prev_hash=prev_hash, hash="")
    return replace(placed, hash=link(prev_hash, placed))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    problem: str = ""  # "hash" (edited), "link" (deleted/reordered), "seq" (gap/reorder)


def verify_chain(events: Iterable[Event]) -> ChainReport:
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, count, prev, event.seq, "seq")
        if event.prev_hash != prev:
            return ChainReport(False, count, prev, event.seq, "link")
        if link(prev, event) != event.hash:
            return ChainReport(False, count, prev, event.seq, "hash")
        prev = event.hash
        expected_seq += 1
        count += 1
    return ChainReport(True, count, prev)
