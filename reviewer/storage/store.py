"""The event store: an append-only, hash-chained audit table behind SQLAlchemy.

SQLite (a file beside the bundle) by default; any SQLAlchemy URL, PostgreSQL included, for a
review room where several terminals share one session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from reviewer import __version__
from reviewer.domain.audit import GENESIS, chain
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.storage.models import (
    SCHEMA_VERSION,
    AuditEvent,
    Base,
    ChainHead,
    SchemaInfo,
    SessionMeta,
)

Decide = Callable[[list[Event]], list[Event]]


class StoreError(DomainError):
    exit_code = 30


def default_url(bundle_path: Path) -> str:
    """``case.rvb`` -> ``sqlite:///…/case.session.db`` beside it."""
    db = bundle_path.with_name(bundle_path.stem + ".session.db")
    return f"sqlite:///{db.resolve()}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _row_to_event(row: AuditEvent) -> Event:
    return Event(kind=row.kind, actor=row.actor, at=row.at, payload=json.loads(row.payload),
                 seq=row.seq, prev_hash=row.prev_hash, hash=row.hash)


class EventStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, case_id: str, bundle_sha256: str, now: str) -> EventStore:
        """Open (creating if new) the session database bound to this bundle."""
        try:
            engine = make_engine(url)
            store = cls(engine)
            store._prepare(case_id, bundle_sha256, now)
        except OperationalError as exc:
            raise StoreError("store.unreachable", url=_safe_url(url),
                             detail=str(exc.orig).splitlines()[0]) from None
        return store

    def _prepare(self, case_id: str, bundle_sha256: str, now: str) -> None:
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            info = conn.execute(select(SchemaInfo.version)).scalar()
            if info is None:
                conn.execute(insert(SchemaInfo).values(
                    id=1, version=SCHEMA_VERSION, program=__version__))
            elif info > SCHEMA_VERSION:
                raise StoreError("store.newer_schema", found=info, supported=SCHEMA_VERSION)
            meta = conn.execute(select(SessionMeta)).first()
            if meta is None:
                conn.execute(insert(SessionMeta).values(
                    id=1, case_id=case_id, bundle_sha256=bundle_sha256, created_at=now))
                conn.execute(insert(ChainHead).values(
                    id=1, seq=0, hash=GENESIS, writes=0))
            elif meta.case_id != case_id or meta.bundle_sha256 != bundle_sha256:
                raise StoreError("store.other_session", case=meta.case_id)

    def events(self, since: int = 0) -> list[Event]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(AuditEvent).where(AuditEvent.seq > since).order_by(AuditEvent.seq)
            ).all()
        return [_row_to_event(AuditEvent(**row._mapping)) for row in rows]

    def head(self) -> tuple[int, str]:
        with self.engine.connect() as conn:
            row = conn.execute(select(ChainHead.seq, ChainHead.hash)).one()
        return int(row.seq), str(row.hash)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0)

    def transact(self, known_seq: int, decide: Decide) -> tuple[list[Event], list[Event]]:
        """Under the write lock: hand ``decide`` the events newer than ``known_seq`` (written
        by other terminals), then chain and append the events it returns.

        Returns (newer events, appended events). If ``decide`` raises, nothing is written.
        """
        try:
            with self.engine.begin() as conn:
                conn.execute(update(ChainHead).values(writes=ChainHead.writes + 1))
                head = conn.execute(select(ChainHead.seq, ChainHead.hash)).one()
                rows = conn.execute(
                    select(AuditEvent).where(AuditEvent.seq > known_seq).order_by(AuditEvent.seq)
                ).all()
                newer = [_row_to_event(AuditEvent(**r._mapping)) for r in rows]
                fresh = decide(newer)
                seq, prev = int(head.seq), str(head.hash)
                placed: list[Event] = []
                for item in fresh:
                    seq += 1
                    linked = chain(prev, seq, item)
                    placed.append(linked)
                    prev = linked.hash
                if placed:
                    conn.execute(insert(AuditEvent), [
                        {"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind,
                         "payload": json.dumps(e.payload, sort_keys=True, ensure_ascii=False),
                         "prev_hash": e.prev_hash, "hash": e.hash}
                        for e in placed
                    ])
                    conn.execute(update(ChainHead).values(seq=seq, hash=prev))
                return newer, placed
        except OperationalError as exc:
            raise StoreError("store.write_failed", detail=str(exc.orig).splitlines()[0]) from None

    def dispose(self) -> None:
        self.engine.dispose()


def _safe_url(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "<url>"
