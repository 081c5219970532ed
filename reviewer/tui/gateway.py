"""One door to the session for the UI thread and the workers.

Workers run the blocking parts (Argon2 PIN checks, database transactions, PDF work) while the
UI thread reads the review to draw it. ``Session`` is not thread-safe, so every use goes
through the one re-entrant lock of ``SessionHandle``: a worker holds it for one transaction,
the UI for one read, and the long use cases (export, import, verify) only for their snapshot
and their record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reviewer.domain.audit import ChainReport
from reviewer.domain.errors import DomainError
from reviewer.domain.review import Review, pin_is_valid
from reviewer.services import expert as ex
from reviewer.services.handle import SessionHandle
from reviewer.services.opening import Session

ScoreCell = tuple[str, str, str]  # expert, application, criterion
CONNECTION_LOST = "store.connection_lost"


class SessionGateway(SessionHandle):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._pending: dict[ScoreCell, str] = {}

    @contextmanager
    def reading(self) -> Iterator[Review]:
        with self.lock:
            yield self.session.review

    def check_pin(self, expert_id: str, pin: str) -> None:
        """Verify a PIN; one shorter than any valid PIN is refused unchecked (issue 10: keys lost
        in a burst must not cost the expert one of five attempts)."""
        if not pin_is_valid(pin):
            raise DomainError("tui2.pin_short")
        with self.lock:
            self.session.check_pin(expert_id, pin)

    def try_refresh(self) -> bool:
        """Pull other terminals' events unless someone is busy; True when something changed."""
        if not self.lock.acquire(blocking=False):
            return False
        try:
            before = self.session.seq
            self.session.refresh()
            return self.session.seq != before
        finally:
            self.lock.release()

    # -- autosave: the newest text of a cell wins, whatever order the workers run in -----------

    def request_score(self, cell: ScoreCell, text: str) -> None:
        with self.lock:
            self._pending[cell] = text

    def save_score(self, cell: ScoreCell) -> bool:
        """Store the newest requested text of ``cell``; False when another save took it."""
        with self.lock:
            text = self._pending.pop(cell, None)
            if text is None:
                return False
            expert, app_id, criterion = cell
            try:
                ex.execute(self, ex.SetScore(expert, app_id, criterion, text))
            except DomainError as error:
                if error.code == CONNECTION_LOST:
                    # nothing was written: keep what was typed for when the server is back
                    # (a newer text typed meanwhile wins)
                    self._pending.setdefault(cell, text)
                raise
            return True

    def pending_cells(self) -> list[ScoreCell]:
        """Cells typed but not stored yet (kept while the database connection is down)."""
        with self.lock:
            return list(self._pending)

    def verify_audit(self) -> ChainReport:
        with self.lock:
            return self.session.verify_audit()
