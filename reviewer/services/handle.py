"""One door to a session: the session and the lock that serialises every use of it.

``Session`` is not thread-safe. The CLI uses a handle from one thread; the terminal
application shares one between the UI thread (short reads) and its workers (one transaction
at a time). Long work never holds the lock: it takes what it needs under it and lets go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from reviewer.domain.events import Event
from reviewer.domain.review import Review
from reviewer.session import Command, Session

T = TypeVar("T")


class SessionHandle:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.lock = threading.RLock()

    def read(self, fn: Callable[[Review], T]) -> T:
        """A consistent read of the review (the UI thread draws from it)."""
        with self.lock:
            return fn(self.session.review)

    def locked(self, fn: Callable[[], T]) -> T:
        with self.lock:
            return fn()

    def run(self, command: Command) -> list[Event]:
        """Let the core decide on the latest chain and record what it decided."""
        with self.lock:
            return self.session.run(command)

    def close(self) -> None:
        with self.lock:
            self.session.close()
