"""The event store: an append-only, keyed audit table behind SQLAlchemy.

SQLite (a file beside the bundle, created 0600 with its WAL and SHM; WAL mode with
``synchronous=FULL`` so that every commit is on the disk before it is reported) by default; any
SQLAlchemy URL, PostgreSQL included, for a review room where several terminals share one
session. The store chains and MACs what it appends (the key is handed in, never stored) but
trusts nothing it reads: rows come back as events for ``reviewer.domain.audit.ChainVerifier``
to check, a row it cannot even read as one comes back as an ``UNREADABLE`` event naming why.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from reviewer import __version__
from reviewer.domain.audit import (
    GENESIS,
    GENESIS_MAC,
    UNREADABLE,
    HeadRow,
    body_of,
    event_mac,
    head_mac,
    payload_text,
)
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.storage.models import (
    SCHEMA_VERSION,
    audit_events,
    chain_head,
    metadata,
    schema_info,
    session_meta,
)

Decide = Callable[[list[Event], HeadRow | None], list[Event]]
FIRST_OPEN_ATTEMPTS = 40
_PG_INIT_LOCK = 0x7265766965776572  # pg_advisory_xact_lock key: "reviewer"
_EVENT_COLUMNS = tuple(audit_events.c[name] for name in (
    "seq", "at", "actor", "kind", "payload", "prev_hash", "hash", "mac"))
_SEQ = audit_events.c.seq
_HEAD = chain_head.c
_HEAD_ROW = select(_HEAD.seq, _HEAD.hash, _HEAD.mac, _HEAD.tag).where(_HEAD.id == 1)


class StoreError(DomainError):
    exit_code = 30


def default_url(bundle_path: Path) -> str:
    """``case.rvb`` -> ``sqlite:///…/case.session.db`` beside it."""
    db = bundle_path.with_name(bundle_path.stem + ".session.db")
    return f"sqlite:///{db.resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for memory or another backend)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or \
            parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def _private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does, so that the -wal and -shm files
    SQLite creates with the database file's mode are private too."""
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            target = Path(str(path) + suffix)
            if target.exists() and target.stat().st_mode & 0o077:
                target.chmod(0o600)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a URL that names no usable database is refused (exit 30)."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = sqlite_path(url)
            if path is not None:
                if not path.parent.is_dir():
                    raise StoreError("store.unreachable", url=_safe_url(url),
                                     detail=str(path.parent))
                _private_file(path)
            engine = create_engine(url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                # undecodable bytes (a damaged file) must reach the verifier, not crash here
                # (``str`` is twice as fast but raises on such bytes: ``scan`` uses it while
                # it can)
                dbapi_connection.text_factory = _lenient_text
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                # FULL, not NORMAL: in WAL mode NORMAL syncs only at checkpoints, so a power
                # loss can take back the last commits, a just-submitted sheet among them.
                # FULL syncs the WAL on every commit: a sheet the terminal reported as
                # submitted survives the power going (README "Durability").
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.close()

            return engine
        return create_engine(url, pool_pre_ping=True)
    except StoreError:
        raise
    except (SQLAlchemyError, ImportError, ValueError, TypeError) as exc:
        raise StoreError("store.bad_url", url=_safe_url(url),
                         detail=_first_line(exc)) from None


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text_ = str(orig if orig is not None else exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(type(value).__name__)


def row_to_event(row: Any) -> Event:
    """An event from its row, or an ``UNREADABLE`` event saying why it cannot be one."""
    try:
        seq = int(row.seq)
    except (TypeError, ValueError):
        seq = -1
    try:
        payload = json.loads(_text(row.payload))
        if not isinstance(payload, dict):
            raise ValueError("payload is not an object")
        return Event(kind=_text(row.kind), actor=_text(row.actor), at=_text(row.at),
                     payload=payload, seq=seq, prev_hash=_text(row.prev_hash),
                     hash=_text(row.hash), mac=_text(row.mac))
    except (TypeError, ValueError, UnicodeError, RecursionError) as exc:
        return Event(kind=UNREADABLE, actor="", at="", payload={"reason": type(exc).__name__},
                     seq=seq)


def _head_row(row: Any) -> HeadRow | None:
    if row is None:
        return None
    try:
        return HeadRow(int(row.seq), _text(row.hash), _text(row.mac), _text(row.tag))
    except (TypeError, ValueError):
        return HeadRow(-1, "", "", "")


class EventStore:
    def __init__(self, engine: Engine, key: bytes, url: str = "") -> None:
        self.engine = engine
        self.key = key
        self.url = url

    @classmethod
    def open(cls, url: str, *, case_id: str, bundle_sha256: str, now: str,
             key: bytes) -> EventStore:
        """Open (creating if new) the session database bound to this bundle."""
        engine = make_engine(url)
        store = cls(engine, key, url)
        try:
            store._prepare(case_id, bundle_sha256, now)
        except StoreError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            key_ = "store.unreachable" if isinstance(exc, OperationalError) else "store.damaged"
            raise failure(exc, url, key_, False, url=_safe_url(url),
                          detail=_first_line(exc)) from None
        return store

    def _prepare(self, case_id: str, bundle_sha256: str, now: str) -> None:
        """Create the schema and the first rows once, however many terminals open a new
        database at the same moment: PostgreSQL serialises them on an advisory lock, SQLite
        on its write lock with a retry for the losers of the CREATE TABLE race."""
        for attempt in range(FIRST_OPEN_ATTEMPTS):
            try:
                self._prepare_once(case_id, bundle_sha256, now)
                return
            except (IntegrityError, ProgrammingError, OperationalError) as exc:
                message = str(exc).lower()
                racing = isinstance(exc, IntegrityError | ProgrammingError) or any(
                    word in message for word in ("locked", "busy", "already exists"))
                if not racing or attempt == FIRST_OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 + random.random() * 0.1)

    def _prepare_once(self, case_id: str, bundle_sha256: str, now: str) -> None:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_INIT_LOCK})
            metadata.create_all(conn)
            info = conn.execute(select(schema_info.c.version)).scalar()
            if info is None:
                conn.execute(insert(schema_info).values(
                    id=1, version=SCHEMA_VERSION, program=__version__))
            elif info > SCHEMA_VERSION:
                raise StoreError("store.newer_schema", found=info, supported=SCHEMA_VERSION)
            elif info < SCHEMA_VERSION:
                raise StoreError("store.old_schema", found=info, supported=SCHEMA_VERSION)
            meta = conn.execute(select(session_meta)).first()
            if meta is None:
                conn.execute(insert(session_meta).values(
                    id=1, case_id=case_id, bundle_sha256=bundle_sha256, created_at=now))
                conn.execute(insert(chain_head).values(
                    id=1, seq=0, hash=GENESIS, mac=GENESIS_MAC,
                    tag=head_mac(self.key, 0, GENESIS, GENESIS_MAC), writes=0))
            elif meta.case_id != case_id or meta.bundle_sha256 != bundle_sha256:
                raise StoreError("store.other_session", case=str(meta.case_id))

    def _read(self, what: Callable[[Any], Any]) -> Any:
        try:
            with self.engine.connect() as conn:
                return what(conn)
        except SQLAlchemyError as exc:
            key = "store.unreachable" if isinstance(exc, OperationalError) else "store.damaged"
            raise failure(exc, self.url, key, url=_safe_url(self.url),
                          detail=_first_line(exc)) from None

    def events(self, since: int = 0, until: int | None = None) -> list[Event]:
        def query(conn: Any) -> list[Event]:
            stmt = select(*_EVENT_COLUMNS).where(_SEQ > since)
            if until is not None:
                stmt = stmt.where(_SEQ <= until)
            return [row_to_event(r) for r in conn.execute(stmt.order_by(_SEQ))]

        result: list[Event] = self._read(query)
        return result

    def has_events_after(self, seq: int) -> bool:
        def query(conn: Any) -> bool:
            return conn.execute(select(_SEQ).where(_SEQ > seq)
                                .limit(1)).first() is not None

        result: bool = self._read(query)
        return result

    def scan(self, since: int, until: int, each: Callable[[list[Any]], None]) -> None:
        """Hand ``each`` the stored rows ``since < seq <= until`` in order, in batches of
        plain rows (seq, at, actor, kind, payload, prev_hash, hash, mac): streamed, so memory
        stays bounded however long the history."""
        def query(conn: Any) -> None:
            # SQLite: the driver's own decoding (half the cost of the history's read) while
            # every byte decodes; at the first that does not, the rest is read again from
            # the last row handed over, leniently, so the verifier names that row
            raw: Any = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" \
                else None
            start, strict = since, raw is not None
            while True:
                stmt = (select(*_EVENT_COLUMNS)
                        .where(_SEQ > start, _SEQ <= until)
                        .order_by(_SEQ))
                if strict and raw is not None:
                    raw.text_factory = str
                try:
                    for batch in conn.execution_options(yield_per=4096).execute(stmt) \
                            .partitions():
                        each(batch)
                        start = batch[-1][0]
                    return
                except OperationalError as exc:
                    if not strict or "decode" not in str(exc.orig):
                        raise
                    strict = False
                finally:
                    if raw is not None:
                        raw.text_factory = _lenient_text

        self._read(query)

    def head(self) -> HeadRow | None:
        def query(conn: Any) -> HeadRow | None:
            return _head_row(conn.execute(_HEAD_ROW).first())

        result: HeadRow | None = self._read(query)
        return result

    def transact(self, known_seq: int, decide: Decide) -> tuple[list[Event], list[Event]]:
        """Under the write lock: hand ``decide`` the events newer than ``known_seq`` (written
        by other terminals) and the head row, then chain, MAC and append the events it
        returns, moving the authenticated head along.

        ``decide`` must verify what it is handed (it raises ``ChainBroken`` otherwise); the
        new events are chained onto the head row it accepted. If it raises, nothing is written.
        """
        try:
            with self.engine.begin() as conn:
                conn.execute(update(chain_head).where(_HEAD.id == 1)
                             .values(writes=_HEAD.writes + 1))
                head = _head_row(conn.execute(_HEAD_ROW).first())
                rows = conn.execute(select(*_EVENT_COLUMNS).where(_SEQ > known_seq)
                                    .order_by(_SEQ)).all()
                newer = [row_to_event(r) for r in rows]
                fresh = decide(newer, head)
                if not fresh:
                    return newer, []
                assert head is not None  # decide accepted it
                seq, prev, prev_mac = head.seq, head.hash, head.mac
                placed: list[Event] = []
                rows_out: list[tuple[Any, ...]] = []
                for item in fresh:
                    # one canonical encoding per event: it is both what is MACed and what is
                    # stored, so a later open can check the row without decoding it
                    seq += 1
                    ptext = payload_text(item.payload)
                    body = body_of(seq, item.kind, item.actor, item.at, ptext)
                    digest = hashlib.sha256(prev.encode("ascii") + body).hexdigest()
                    mac = event_mac(self.key, prev_mac, body)
                    placed.append(Event(kind=item.kind, actor=item.actor, at=item.at,
                                        payload=item.payload, seq=seq, prev_hash=prev,
                                        hash=digest, mac=mac))
                    rows_out.append((seq, item.at, item.actor, item.kind, ptext, prev, digest,
                                     mac))
                    prev, prev_mac = digest, mac
                # straight to the driver's executemany: SQLAlchemy would build a parameter
                # dict per row, which costs more than the insert itself on a big import
                mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
                conn.exec_driver_sql(
                    f"INSERT INTO {audit_events.name} (seq, at, actor, kind, payload, "
                    f"prev_hash, hash, mac) VALUES ({', '.join([mark] * 8)})", rows_out)
                conn.execute(update(chain_head).where(_HEAD.id == 1).values(
                    seq=seq, hash=prev, mac=prev_mac,
                    tag=head_mac(self.key, seq, prev, prev_mac)))
                return newer, placed
        except SQLAlchemyError as exc:
            raise failure(exc, self.url, "store.write_failed", detail=_first_line(exc)) from None

    def dispose(self) -> None:
        self.engine.dispose()

    def forget_inherited_connections(self) -> None:
        """In a forked child (``reviewer.storage.forked``): a pool of its own, leaving the
        parent's connections untouched and open (SQLAlchemy's recipe for an engine that
        crosses ``fork``)."""
        self.engine.dispose(close=False)


def _lenient_text(data: bytes) -> str:
    """SQLite text as read: undecodable bytes (a damaged file) reach the verifier, which
    names the row, instead of failing the read (a plain function: measured as fast as the
    former lambda and faster than a ``functools.partial``)."""
    return data.decode("utf-8", "surrogateescape")


_DISK_FULL = ("database or disk is full", "no space left on device", "could not extend file")
_READ_ONLY = ("readonly database", "read-only file system", "read-only transaction")
_DROPPED = ("connection failed", "server closed the connection", "terminating connection",
            "connection refused", "connection timed out", "consuming input failed",
            "connection is closed", "the connection is lost")
_LOW_SPACE = 1 << 20  # below this much free space a "disk I/O error" is taken for a full disk


def _disk_full(path: Path) -> bool:
    try:
        info = os.statvfs(path.parent)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < _LOW_SPACE


def _read_only(path: Path) -> bool:
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def failure(exc: SQLAlchemyError, url: str, key: str, connected: bool = True, /,
            **params: object) -> StoreError:
    """The refusal for a failed database call. A full disk, a read-only database and a dropped
    connection are named as such, with what to do, whatever the driver's (English) wording: a
    panel secretary must see "the disk is full", not "disk I/O error". The transaction was
    rolled back in every case, so nothing written before is touched. ``connected`` is False
    while the store is first opened: a server that never answered is "unreachable" there.
    A write is never retried here: a commit whose answer was lost may have landed, and the
    next action refolds what is in the database before it decides anything."""
    message = _first_line(exc).lower()
    path = sqlite_path(url)
    where = str(path) if path is not None else _safe_url(url)
    if any(word in message for word in _DISK_FULL) or (
            path is not None and isinstance(exc, OperationalError) and _disk_full(path)):
        return StoreError("store.disk_full", path=where)
    if any(word in message for word in _READ_ONLY) or (
            path is not None and isinstance(exc, OperationalError) and _read_only(path)):
        # a file: its permission or mount; a server: a replica or a read-only default
        return StoreError("store.read_only" if path is not None else "store.read_only_server",
                          path=where)
    if path is None and connected and (getattr(exc, "connection_invalidated", False) or (
            isinstance(exc, OperationalError) and any(word in message for word in _DROPPED))):
        # a terminal that was working: its server went away (the next action reconnects)
        return StoreError("store.connection_lost", url=where)
    return StoreError(key, **params)


def _safe_url(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "<url>"
