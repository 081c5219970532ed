"""SQLAlchemy models of the session database.

It holds ids, scores, declarations, encrypted PIN changes and audit events only — never an
applicant's name, unit, summary or materials (those stay inside the encrypted bundle). The
audit events *are* the session: every table but ``audit_events`` is bookkeeping.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# 2: the keyed chain (a MAC per event, an authenticated head row). A version-1 database has
# no MACs and cannot be given any without blessing whatever it holds: it is refused.
SCHEMA_VERSION = 2


class Base(DeclarativeBase):
    pass


class SchemaInfo(Base):
    __tablename__ = "schema_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    program: Mapped[str] = mapped_column(String(32))


class SessionMeta(Base):
    """Binds the database to one sealed bundle, so a session is never mixed with another."""

    __tablename__ = "session_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64))
    bundle_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class ChainHead(Base):
    """One row: the newest event. Updating it first serialises writers on SQLite and
    PostgreSQL alike, so two terminals can never fork the chain. ``tag`` is the head's MAC
    (``reviewer.domain.audit.head_mac``): the row cannot be lowered to hide deleted events."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    tag: Mapped[str] = mapped_column(String(64))
    writes: Mapped[int] = mapped_column(BigInteger)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(48), index=True)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
