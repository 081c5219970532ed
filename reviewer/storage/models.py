"""Tables of the session database (SQLAlchemy Core).

It holds ids, scores, declarations, encrypted PIN changes and audit events only — never an
applicant's name, unit, summary or materials (those stay inside the encrypted bundle). The
audit events *are* the session: every table but ``audit_events`` is bookkeeping.

Core ``Table``s rather than ORM classes: the store only ever runs Core statements, and the
ORM's import (``sqlalchemy.orm``, a third of SQLAlchemy's) was paid by every command.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

# 2: the keyed chain (a MAC per event, an authenticated head row). A version-1 database has
# no MACs and cannot be given any without blessing whatever it holds: it is refused.
SCHEMA_VERSION = 2

metadata = MetaData()

schema_info = Table(
    "schema_info", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("program", String(32), nullable=False),
)

# Binds the database to one sealed bundle, so a session is never mixed with another.
session_meta = Table(
    "session_meta", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("bundle_sha256", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
)

# One row: the newest event. Updating it first serialises writers on SQLite and PostgreSQL
# alike, so two terminals can never fork the chain. ``tag`` is the head's MAC
# (``reviewer.domain.audit.head_mac``): the row cannot be lowered to hide deleted events.
chain_head = Table(
    "chain_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
    Column("tag", String(64), nullable=False),
    Column("writes", BigInteger, nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(48), nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
)
