"""A running session: the opened bundle, the domain core and the event store, wired together.

Every action goes through ``Session.run``: under the store's write lock it first verifies and
applies what other terminals appended, then lets the domain decide on that latest state, then
appends the decided events and applies them. The CLI and the TUI both use this one path, so no
rule can live only in one of them.

Nothing is used before it is verified. On open and on every refresh and transaction the keyed
chain is checked incrementally from the last verified point (``ChainVerifier``), the head row
and this terminal's checkpoint are checked, and every event is validated against the case and
panel (``reviewer.domain.replay``) before it is folded into the state. The first failure is a
``ChainBroken`` (exit 31); the session then refuses everything until it is reopened.

Opening a big session from this terminal's verified snapshot (``reviewer.storage.snapshot``):
every stored row is still checked from the genesis on every open — computed over the stored
columns without decoding a payload: the SHA-256 chain must arrive exactly at the head the
snapshot was folded from and the stored MACs must digest to what the snapshot recorded
(``ChainVerifier.follow_stored_rows`` says why that is the keyed check) — and only the
validation and fold of those events are skipped (they are the very events that were
validated when the snapshot was made). Skipping the check from the
genesis too would be sound against an attacker without the key only in the weak sense that
an edited earlier event could no longer change what is computed (the state comes from the
snapshot), but every command would stop *noticing* the edit until ``audit verify`` — and the
promise is that every command refuses a tampered history. ``verify_audit`` (``audit verify``,
and ``require_intact`` before every export) replays and validates everything from the first
event and compares the result with the live state.

That check from the genesis is the cost of every command in a long history (0.35–0.5 s for
the 110,000 events of 2,000 applications typed at the terminals). A one-shot command (the
command line: one process, one thread) shares it with a forked child (``fork_verifier``,
``reviewer.storage.forked``), which follows the later half of the rows from the stored row
where this process stops; this process takes the child's half only if the child started
exactly from the row it verified last, and else reads the rest itself. The check is the same
row for row; ``tests/test_two_core_check.py`` edits every row in every way and compares.

What this session writes itself is applied without being verified and validated again: it
was decided on the verified state and chained here, and any later reader checks it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.bundle.archive import CASE_ENTRY, PANEL_ENTRY
from reviewer.domain import events as ev
from reviewer.domain.audit import (
    INVALID,
    ROLLED_BACK,
    TRUNCATED,
    ChainBroken,
    ChainPoint,
    ChainReport,
    ChainVerifier,
    HeadRow,
)
from reviewer.domain.case import Case
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.panel import Panel, parse_panel
from reviewer.domain.pins import PinKeeper
from reviewer.domain.replay import validate
from reviewer.domain.review import Review, stamp, utc_now
from reviewer.domain.state import snapshot_shape, state_from_plain, state_to_plain
from reviewer.storage.checkpoint import Checkpoint, CheckpointDamaged
from reviewer.storage.forked import Forked
from reviewer.storage.snapshot import Snapshot, SnapshotFile

if TYPE_CHECKING:  # the store (and SQLAlchemy) is imported when a database is opened:
    # sealing, inspecting and reading a bundle need neither
    from reviewer.storage.store import EventStore

AUDIT_KEY_LABEL = "audit-chain"
PIN_VAULT_LABEL = "pin-vault"

Command = Callable[[Review], list[Event]]
# a new snapshot once this much was folded since the last one, counting an event and a score
# cell each (a paper sheet is one event of hundreds of cells): saving costs about as much as
# folding a few thousand events; a tail this long costs little to validate on open
SNAPSHOT_EVERY = 1000
# events read from the store at a time when refolding (memory stays bounded)
READ_CHUNK = 5000
# a history at least this long is checked on two cores where the caller allows it
# (``fork_verifier``). Measured, the check alone: 110,189 rows 0.55 -> 0.43 s; 16,574 rows
# 0.094 -> 0.083 s, within the noise, so shorter histories stay on one core
FORK_FROM = 20_000


class _Refold(Exception):
    """The snapshot cannot be used: fold the history from the genesis instead."""


def _check_seen(seen: ChainPoint | None, verifier: ChainVerifier, batch: list[Any], start: int,
                before: int) -> None:
    """The row this terminal's checkpoint names, if it is among the rows just verified
    (``batch[start:]`` from seq ``before + 1`` on), must be the one it saw; if not, the refold
    from the genesis names the first thing wrong (an event no command writes before the
    changed one, or the rollback)."""
    if seen is not None and before < seen.seq <= verifier.point.seq:
        row = batch[start + seen.seq - before - 1]
        if (row[6], row[7]) != (seen.hash, seen.mac):
            raise _Refold


@dataclass(frozen=True)
class _Followed:
    """What the forked child followed (``_follow_in_child``), as it crosses the pipe."""

    start: ChainPoint
    end: ChainPoint
    macs: bytes

    def encode(self) -> bytes:
        points = [self.start.seq, self.start.hash, self.start.mac,
                  self.end.seq, self.end.hash, self.end.mac]
        return json.dumps(points).encode("ascii") + b"\n" + self.macs

    @staticmethod
    def decode(data: bytes | None) -> _Followed | None:
        if not data:
            return None
        head, _, macs = data.partition(b"\n")
        try:
            seq, hash_, mac, end_seq, end_hash, end_mac = json.loads(head)
        except (ValueError, TypeError):
            return None
        return _Followed(ChainPoint(seq, hash_, mac), ChainPoint(end_seq, end_hash, end_mac),
                         macs)


def _follow_in_child(store: EventStore, since: int, until: int,
                     seen: ChainPoint | None) -> bytes:
    """In the forked child: follow the stored rows ``since < seq <= until`` from the stored row
    ``since`` itself, as ``Session._restore`` follows them, checkpoint included; nothing
    unless every one of them follows. That row's own hash is the parent's to check."""
    store.forget_inherited_connections()
    start: ChainPoint | None = None
    verifier = ChainVerifier(b"")  # unkeyed: it only follows
    macs: list[bytes] = []

    def each(batch: list[Any]) -> None:
        nonlocal start
        index = 0
        if start is None:
            seq, hash_, mac = batch[0][0], batch[0][6], batch[0][7]
            if seq != since or type(hash_) is not str or type(mac) is not str:
                raise _Refold
            start = verifier.point = ChainPoint(seq, hash_, mac)
            index = 1
        before = verifier.point.seq
        if verifier.follow_stored_rows(batch, index) != len(batch) - index:
            raise _Refold
        _check_seen(seen, verifier, batch, index, before)
        macs.extend(row[7].encode("ascii") for row in batch[index:])

    try:
        store.scan(since - 1, until, each)
    except _Refold:
        return b""
    if start is None or verifier.point.seq != until:
        return b""
    return _Followed(start, verifier.point, b"".join(macs)).encode()


def _stand_in_key(sha256: str, label: str) -> bytes:
    return hashlib.sha256(f"reviewer unsealed stand-in\x00{label}\x00{sha256}".encode()).digest()


@dataclass(frozen=True)
class Unlocked:
    """The decrypted contents of a bundle and its session keys (in memory only, never stored).

    ``unlock`` always derives both keys from the bundle's master secret. A session built from
    a case that never was sealed (the demo, tests) gets stand-in keys computed from ``sha256``:
    they protect nothing and no real bundle ever uses them.
    """

    case: Case
    panel: Panel
    sha256: str
    audit_key: bytes = field(default=b"", repr=False)
    pin_key: bytes = field(default=b"", repr=False)

    def key(self, label: str) -> bytes:
        given = self.audit_key if label == AUDIT_KEY_LABEL else self.pin_key
        return given or _stand_in_key(self.sha256, label)


def unlock(bundle_path: Path, passphrase: str) -> Unlocked:
    from reviewer.bundle import BundleError, CorruptedBundleError, open_bundle

    opened = open_bundle(bundle_path, passphrase)
    entries = opened.entries

    def material(entry: str) -> Callable[[], str]:
        """A material is decrypted when it is shown, from the file opened here; if that file
        was changed in place since, the expert reads why instead of its text."""
        if entry not in entries:
            raise CorruptedBundleError("bundle.bad_content", path=str(bundle_path))

        def load() -> str:
            try:
                return entries[entry].decode("utf-8", errors="replace")
            except BundleError as err:
                from reviewer.i18n import t

                return t("bundle.material_unreadable", reason=str(err))

        return load

    case = Case.from_dict(json.loads(entries[CASE_ENTRY].decode("utf-8")), material)
    panel = parse_panel(tomllib.loads(opened.entries[PANEL_ENTRY].decode("utf-8")),
                        f"{bundle_path.name}:{PANEL_ENTRY}")
    return Unlocked(case, panel, opened.sha256, opened.derive_key(AUDIT_KEY_LABEL),
                    opened.derive_key(PIN_VAULT_LABEL))


def _unlock_while_importing_the_store(bundle_path: Path, passphrase: str) -> Unlocked:
    """``unlock`` on a second thread while this one imports the storage layer.

    The passphrase's Argon2id runs in C with the GIL released (about 0.15 s) and importing
    SQLAlchemy is Python work of about the same length: on two cores every command that opens
    a session pays only the longer of the two. Nothing else is shared; an error of either is
    raised here, the unlock's first.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="unlock") as pool:
        unlocking = pool.submit(unlock, bundle_path, passphrase)
        try:
            import reviewer.storage.store  # noqa: F401  (while the KDF runs)
        finally:
            unlocked = unlocking.result()
    return unlocked


def database_url(bundle_path: Path, explicit: str | None = None) -> str:
    from reviewer.storage.store import default_url

    return explicit or os.environ.get("REVIEWER_DB") or default_url(bundle_path)


def database_identity(url: str) -> str:
    """What names one database for the checkpoint: the resolved file, or the URL sans password."""
    from reviewer.storage.store import _safe_url, sqlite_path

    path = sqlite_path(url)
    return f"sqlite:{path.resolve()}" if path is not None else _safe_url(url)


def _pin_keeper(pin_key: bytes) -> PinKeeper:
    from reviewer.bundle.pins import AesGcmPinVault, Argon2PinHasher

    return PinKeeper(Argon2PinHasher(), AesGcmPinVault(pin_key))


class Session:
    def __init__(self, unlocked: Unlocked, store: EventStore,
                 clock: Callable[[], datetime] = utc_now,
                 checkpoint: Checkpoint | None = None,
                 snapshot: SnapshotFile | None = None, *, fork_verifier: bool = False) -> None:
        self.case = unlocked.case
        self.panel = unlocked.panel
        self.bundle_sha256 = unlocked.sha256
        self.store = store
        self._key = unlocked.key(AUDIT_KEY_LABEL)
        self._pins = _pin_keeper(unlocked.key(PIN_VAULT_LABEL))
        self.review = Review(self.case, self.panel, clock=clock, pins=self._pins)
        self.verifier = ChainVerifier(self._key)
        self.checkpoint = checkpoint
        self.broken: ChainBroken | None = None
        self._seen: ChainPoint | None = self._load_checkpoint()
        self.seq = 0
        self.snapshot = snapshot
        self._snap_work = 0
        self._fork_verifier = fork_verifier
        self.forked_rows = 0  # rows of the history that a forked child checked on this open
        self._restore()
        self.refresh()
        self._keep_snapshot()
        if self.seq == 0:
            nonce = secrets.token_hex(8)  # two sessions of one bundle never share event 1
            # decided under the write lock: of many terminals opening a new database, one
            # writes it
            draw = self.case.draw  # a drawn committee: the draw record comes next
            self.run(lambda r: [] if r.state.event_count else [
                r.event(ev.SESSION_OPENED, ev.SYSTEM, case_id=self.case.case_id,
                        bundle_sha256=self.bundle_sha256, measure=self.panel.id,
                        session=nonce),
                *([r.event(ev.DRAW_RECORDED, ev.SYSTEM, **draw.event_payload())]
                  if draw is not None else [])])

    @classmethod
    def open(cls, bundle_path: Path, passphrase: str, db_url: str | None = None,
             clock: Callable[[], datetime] = utc_now, *, fork_verifier: bool = False
             ) -> Session:
        """``fork_verifier``: a long history may be checked on two cores, by a forked child
        (``reviewer.storage.forked`` says where that is safe; a process with threads never
        forks)."""
        unlocked = _unlock_while_importing_the_store(bundle_path, passphrase)
        return cls.attach(unlocked, database_url(bundle_path, db_url), clock,
                          fork_verifier=fork_verifier)

    @classmethod
    def attach(cls, unlocked: Unlocked, db_url: str,
               clock: Callable[[], datetime] = utc_now, *, fork_verifier: bool = False
               ) -> Session:
        from reviewer.storage.store import EventStore

        key = unlocked.key(AUDIT_KEY_LABEL)
        store = EventStore.open(db_url, case_id=unlocked.case.case_id,
                                bundle_sha256=unlocked.sha256, now=stamp(clock()), key=key)
        identity = database_identity(db_url)
        checkpoint = Checkpoint.for_session(key, unlocked.sha256, identity)
        snapshot = SnapshotFile.for_session(key, unlocked.sha256, identity, snapshot_shape())
        try:
            return cls(unlocked, store, clock, checkpoint, snapshot,
                       fork_verifier=fork_verifier)
        except BaseException:
            store.dispose()
            raise

    # -- verification ------------------------------------------------------------------------

    def _load_checkpoint(self) -> ChainPoint | None:
        if self.checkpoint is None:
            return None
        try:
            return self.checkpoint.load()
        except CheckpointDamaged as damaged:
            raise ChainBroken(0, ROLLED_BACK, f"{self.checkpoint.path}: {damaged}") from None

    def _guard(self) -> None:
        if self.broken is not None:
            raise self.broken

    def _accept(self, events: list[Event]) -> None:
        """Verify, validate and apply, one event at a time; nothing after a bad one."""
        for event in events:
            self.verifier.feed(event)
            seen = self._seen
            if seen is not None and event.seq == seen.seq and \
                    (event.hash, event.mac) != (seen.hash, seen.mac):
                raise ChainBroken(event.seq, ROLLED_BACK, str(self._checkpoint_path()))
            validate(self.review, event)
            self.review.state.apply(event)
            self.seq = event.seq

    def _take_own(self, written: list[Event]) -> None:
        """Apply what this session just decided and chained under the write lock.

        Not verified or validated again: the events come from the deciding code on the state
        it had verified, and were chained here onto the head it had accepted. Read back by any
        later open, refresh or ``audit verify`` they are checked like every other event.
        """
        for event in written:
            self.review.state.apply(event)
        self.verifier.extend_own(written)
        if written:
            self.seq = written[-1].seq

    def _checkpoint_path(self) -> Path | str:
        return self.checkpoint.path if self.checkpoint is not None else ""

    def _settle(self, head: HeadRow | None) -> None:
        """The head row agrees with the verified events and we are not behind this terminal."""
        self.verifier.check_head(head)
        seen = self._seen
        if seen is not None and seen.seq > self.seq:
            raise ChainBroken(self.seq + 1, ROLLED_BACK,
                              f"{self._checkpoint_path()} seq={seen.seq}", count=self.seq)
        point = self.verifier.point
        if self.checkpoint is not None and (seen is None or point.seq > seen.seq):
            self.checkpoint.save(point)
            self._seen = point

    def _verified(self, step: Callable[[], None]) -> None:
        self._guard()
        try:
            step()
        except ChainBroken as broken:
            self.broken = broken
            raise

    # -- the verified snapshot (``reviewer.storage.snapshot`` says why it is sound) -----------

    def _restore(self) -> None:
        """Start from this terminal's snapshot when the keyed chain, checked from the genesis
        without decoding, arrives exactly at the head the snapshot was folded from.

        A long history is checked on two cores where the caller allows it: a forked child
        follows the later half from the stored row where this process will stop, while this
        process decodes the snapshot and checks the first half. It adopts the child's half
        only if the child started from exactly the row this process verified last; else (the
        child failed, or read other rows than this process) it reads on itself, so every
        problem is found and named as on one core.
        """
        snap = self.snapshot.load() if self.snapshot is not None else None
        if snap is None or snap.point.seq < 1:
            return
        until, seen = snap.point.seq, self._seen
        half = until // 2
        child = Forked.start(lambda: _follow_in_child(self.store, half, until, seen)) \
            if self._fork_verifier and until >= FORK_FROM else None
        try:
            self._restore_from(snap, child, half)
        finally:
            if child is not None:
                child.cancel()  # reaped already, unless this process stopped early

    def _restore_from(self, snap: Snapshot, child: Forked | None, half: int) -> None:
        from reviewer.storage.store import row_to_event
        try:
            state = state_from_plain(snap.plain)
        except (ValueError, TypeError, KeyError, IndexError, ArithmeticError):
            return
        verifier = ChainVerifier(self._key)
        seen, until = self._seen, snap.point.seq

        def each(batch: list[Any]) -> None:
            index = 0
            while index < len(batch):
                before = verifier.point.seq
                done = verifier.follow_stored_rows(batch, index)  # MACs: at the end
                _check_seen(seen, verifier, batch, index, before)
                index += done
                if index < len(batch):
                    before = verifier.point.seq
                    # names the problem, or accepts an older but equivalent JSON form
                    verifier.feed(row_to_event(batch[index]))
                    _check_seen(seen, verifier, batch, index, before)
                    index += 1

        try:
            self._verified(lambda: self.store.scan(0, until if child is None else half, each))
            if child is not None:
                followed = _Followed.decode(child.result())
                if followed is not None and \
                        verifier.adopt_followed(followed.start, followed.end, followed.macs):
                    self.forked_rows = followed.end.seq - followed.start.seq
                else:
                    self._verified(lambda: self.store.scan(verifier.point.seq, until, each))
        except _Refold:
            return
        if verifier.point != snap.point or \
                not hmac.compare_digest(verifier.macs_digest(), snap.macs):
            # not this chain's history (rolled back, rewritten, a stored MAC changed): refold
            # from the genesis, every MAC checked, which names the event
            return
        self.verifier = verifier
        self.review.state = state
        self.seq = snap.point.seq
        self._snap_work = self._fold_work()

    def _fold_work(self) -> int:
        """What a refold from the genesis would go through: every event and every score cell."""
        return self.seq + self.review.state.score_versions

    def _keep_snapshot(self) -> None:
        if self.snapshot is None or self.broken is not None or \
                self._fold_work() - self._snap_work < SNAPSHOT_EVERY:
            return
        plain = state_to_plain(self.review.state)
        if plain is not None:
            self.snapshot.save(self.verifier.point, plain, self.verifier.macs_digest())
            self._snap_work = self._fold_work()

    def _catch_up(self, at: Callable[[], int], take: Callable[[list[Event]], None],
                  settle: Callable[[HeadRow | None], None]) -> None:
        """Read, hand to ``take`` and ``settle`` on the head, however many terminals write.

        The head row is read before the rows it covers: it moves in the same transaction as
        they do, so every row up to it is there to read whatever commits meanwhile (read the
        other way round, a commit in between looked like a truncated chain). Rows beyond the
        settled head come from a later commit, or sit behind an older authentic head row that
        was put back; the head is read again to tell which.
        """
        while True:
            head = self.store.head()
            target = head.seq if head is not None else at()
            while at() < target:  # in chunks: never the whole history in memory
                chunk = self.store.events(at(), min(target, at() + READ_CHUNK))
                if not chunk:
                    break  # rows the head vouches for are missing: ``settle`` names it
                take(chunk)
            settle(head)
            if not self.store.has_events_after(at()):
                return
            later = self.store.head()
            if later is None or later.seq <= at():
                raise ChainBroken(at() + 1, TRUNCATED, f"head={at()}", count=at())

    def refresh(self) -> None:
        """Verify and apply what other terminals appended since we last looked."""

        def step() -> None:
            self._catch_up(lambda: self.seq, self._accept, self._settle)

        self._verified(step)

    def run(self, command: Command) -> list[Event]:
        self._guard()

        def decide(newer: list[Event], head: HeadRow | None) -> list[Event]:
            self._accept(newer)
            self._settle(head)  # under the write lock: the head must agree exactly
            return command(self.review)

        placed: list[Event] = []

        def step() -> None:
            _, written = self.store.transact(self.seq, decide)
            self._take_own(written)
            if written and self.checkpoint is not None:
                self.checkpoint.save(self.verifier.point)
                self._seen = self.verifier.point
            placed.extend(written)

        self._verified(step)
        self._keep_snapshot()
        return placed

    def check_pin(self, expert_id: str, pin: str) -> None:
        """Verify a PIN; failures are recorded (they count towards the lockout) and raised."""
        outcome: list[DomainError | None] = [None]

        def command(review: Review) -> list[Event]:
            result = review.check_pin(expert_id, pin)
            outcome[0] = result.error
            return result.events

        self.run(command)
        if outcome[0] is not None:
            raise outcome[0]

    def verify_audit(self) -> ChainReport:
        """A full check from the genesis — every MAC, the head, the checkpoint and every
        event's validity — independent of what this session verified before (the
        supervisor's check and ``reviewer audit verify``). It names the earliest broken event;
        a failure also stops this session from doing anything more."""
        verifier = ChainVerifier(self._key)
        review = Review(self.case, self.panel, pins=self._pins)

        def take(events: list[Event]) -> None:
            for event in events:
                verifier.feed(event)
                validate(review, event)
                review.state.apply(event)

        try:
            self._guard()
            self._catch_up(lambda: verifier.point.seq, take, verifier.check_head)
            seen = self._seen
            if seen is not None and seen.seq > verifier.point.seq:
                raise ChainBroken(verifier.point.seq + 1, ROLLED_BACK,
                                  f"{self._checkpoint_path()} seq={seen.seq}")
            self.refresh()  # bring this session up to what was just checked
            if self.seq == verifier.point.seq and review.state != self.review.state:
                # the live state (from a snapshot) is not what the history folds to
                if self.snapshot is not None:
                    self.snapshot.discard()
                raise ChainBroken(self.seq, INVALID, "snapshot")
        except ChainBroken as broken:
            self.broken = self.broken or broken
            return ChainReport(False, verifier.point.seq, verifier.point.hash, broken.seq,
                               broken.problem, broken.detail)
        return ChainReport(True, verifier.point.seq, verifier.point.hash)

    def require_intact(self) -> None:
        """Raise ``ChainBroken`` unless the full check passes: before anything is exported or
        signed, whatever this session verified earlier."""
        report = self.verify_audit()
        if not report.ok:
            raise self.broken or ChainBroken(report.broken_seq or 0, report.problem,
                                             report.detail, report.count)

    def close(self) -> None:
        self.store.dispose()
