"""The insider's tools: read and rewrite a session database with nothing but its URL.

``rewrite`` replaces the whole chain by the events given, renumbered and with every SHA-256
hash and the head row recomputed, as anybody holding the database credentials can. Without
``key`` the MACs are left as they were (nobody without the passphrase can compute them); with
``key`` it plays an insider who has the passphrase too.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from reviewer.domain.audit import GENESIS, GENESIS_MAC, canonical, event_mac, head_mac, link
from reviewer.domain.events import Event


def read_events(url: str) -> list[Event]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, at, actor, kind, payload, prev_hash, hash, mac "
                                 "FROM audit_events ORDER BY seq")).all()
    engine.dispose()
    return [Event(kind=r.kind, actor=r.actor, at=r.at, payload=json.loads(r.payload), seq=r.seq,
                  prev_hash=r.prev_hash, hash=r.hash, mac=r.mac) for r in rows]


def head_row(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT seq, hash, mac, tag FROM chain_head")).one()
    engine.dispose()
    return dict(row._mapping)


def execute(url: str, *statements: str, **params: Any) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)
    engine.dispose()


def stored_payload(url: str, seq: int) -> str:
    """The payload text exactly as the row holds it."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT payload FROM audit_events WHERE seq = :s"),
                             {"s": seq}).scalar_one()
    engine.dispose()
    return str(found)


def rewrite(url: str, events: list[Event], key: bytes | None = None) -> None:
    """Store ``events`` as the whole chain, renumbered 1.., every hash recomputed."""
    placed: list[Event] = []
    prev, prev_mac = GENESIS, GENESIS_MAC
    for seq, event in enumerate(events, start=1):
        moved = replace(event, seq=seq, prev_hash=prev)
        digest = link(prev, moved)
        mac = event_mac(key, prev_mac, canonical(moved)) if key else event.mac
        moved = replace(moved, hash=digest, mac=mac)
        placed.append(moved)
        prev, prev_mac = digest, mac
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
        conn.execute(text(
            "INSERT INTO audit_events (seq, at, actor, kind, payload, prev_hash, hash, mac) "
            "VALUES (:seq, :at, :actor, :kind, :payload, :prev_hash, :hash, :mac)"),
            [{"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind,
              "payload": json.dumps(e.payload, sort_keys=True, ensure_ascii=False),
              "prev_hash": e.prev_hash, "hash": e.hash, "mac": e.mac} for e in placed])
        old = conn.execute(text("SELECT tag FROM chain_head")).scalar()
        tag = head_mac(key, len(placed), prev, prev_mac) if key else old
        conn.execute(text("UPDATE chain_head SET seq = :s, hash = :h, mac = :m, tag = :t"),
                     {"s": len(placed), "h": prev, "m": prev_mac, "t": tag})
    engine.dispose()


def set_head(url: str, row: dict[str, Any]) -> None:
    execute(url, "UPDATE chain_head SET seq = :seq, hash = :hash, mac = :mac, tag = :tag", **row)


def flip_byte(path: Path, offset: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]) if byte else b"\x01")
        handle.flush()
        os.fsync(handle.fileno())


def fresh_database_url(backend: str, tmp_path: Path, name: str = "s") -> str | None:
    """A new, empty database on ``backend``; None for PostgreSQL when no server is given."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / (name + '.db')}"
    base = os.environ.get("REVIEWER_TEST_PG_URL")
    if not base:
        return None
    import hashlib

    tag = hashlib.sha256(f"{os.getpid()}/{tmp_path}/{name}".encode()).hexdigest()[:12]
    database = f"rvi_{tag}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + database


def copy_database(url: str, tmp_path: Path, name: str) -> str:
    """A copy of the session database at ``url`` (a file copy, or a PostgreSQL template)."""
    if url.startswith("sqlite"):
        import sqlite3

        source = url.split("///", 1)[1]
        target = tmp_path / f"{name}.db"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        os.chmod(target, 0o600)
        return f"sqlite:///{target}"
    base, source = url.rsplit("/", 1)
    import hashlib

    database = "rvc_" + hashlib.sha256(f"{os.getpid()}/{tmp_path}/{name}".encode()).hexdigest()[:12]
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{source}"'))
    admin.dispose()
    return f"{base}/{database}"


def drop_database(url: str) -> None:
    """Remove a PostgreSQL copy made by ``copy_database`` (SQLite files go with tmp_path)."""
    if url.startswith("sqlite"):
        return
    base, name = url.rsplit("/", 1)
    from sqlalchemy.exc import DBAPIError

    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        # FORCE may not end a connection of another role (an autovacuum worker is the
        # superuser's): try again shortly, then leave the copy for the server to hold
        for attempt in range(5):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                time.sleep(0.5 * (attempt + 1))
    finally:
        admin.dispose()
