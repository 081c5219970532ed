"""Opening a session: unlock the bundle, attach the event store, and the secretary's re-check."""

from __future__ import annotations

from pathlib import Path

from reviewer.domain.errors import DomainError
from reviewer.services.handle import SessionHandle
from reviewer.session import Session, Unlocked, unlock
from reviewer.settings import Settings

__all__ = ["Session", "Unlocked", "open_session", "open_handle", "attach", "passphrase_matches"]


def open_session(bundle: Path, passphrase: str, settings: Settings | None = None) -> Session:
    """Decrypt ``bundle`` and attach its database (``settings.db_url``, else REVIEWER_DB, else
    beside the bundle)."""
    # the URL is resolved inside ``Session.open``, after the storage layer's import that
    # it overlaps with the passphrase's KDF
    settings = settings or Settings()
    return Session.open(bundle, passphrase, settings.db_url,
                        fork_verifier=settings.fork_verifier)


def open_handle(bundle: Path, passphrase: str, settings: Settings | None = None) -> SessionHandle:
    return SessionHandle(open_session(bundle, passphrase, settings))


def attach(unlocked: Unlocked, db_url: str) -> Session:
    """A session for contents already decrypted (the demo, tests)."""
    return Session.attach(unlocked, db_url)


def passphrase_matches(bundle: Path, passphrase: str, session: Session) -> bool:
    """The secretary proves the bundle passphrase again: it must open the same bundle."""
    try:
        return unlock(bundle, passphrase).sha256 == session.bundle_sha256
    except DomainError:
        return False
