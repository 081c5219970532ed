"""A running session: the opened bundle, the domain core and the event store, wired together.

Every action goes through ``Session.run``: under the store's write lock it first applies what
other terminals appended, then lets the domain decide on that latest state, then appends the
decided events and applies them. The CLI and the TUI both use this one path, so no rule can
live only in one of them.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reviewer.domain import events as ev
from reviewer.domain.audit import ChainReport, verify_chain
from reviewer.domain.case import Case
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.panel import Panel, parse_panel
from reviewer.domain.review import Review, stamp, utc_now
from reviewer.storage.store import EventStore, default_url

CASE_ENTRY = "case.json"
PANEL_ENTRY = "panel.toml"

Command = Callable[[Review], list[Event]]


@dataclass(frozen=True)
class Unlocked:
    """The decrypted contents of a bundle (in memory only)."""

    case: Case
    panel: Panel
    sha256: str


def unlock(bundle_path: Path, passphrase: str) -> Unlocked:
    from reviewer.bundle import open_bundle

    opened = open_bundle(bundle_path, passphrase)
    case = Case.from_dict(json.loads(opened.entries[CASE_ENTRY].decode("utf-8")))
    panel = parse_panel(tomllib.loads(opened.entries[PANEL_ENTRY].decode("utf-8")),
                        f"{bundle_path.name}:{PANEL_ENTRY}")
    return Unlocked(case, panel, opened.sha256)


def database_url(bundle_path: Path, explicit: str | None = None) -> str:
    return explicit or os.environ.get("REVIEWER_DB") or default_url(bundle_path)


class Session:
    def __init__(self, unlocked: Unlocked, store: EventStore,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.case = unlocked.case
        self.panel = unlocked.panel
        self.bundle_sha256 = unlocked.sha256
        self.store = store
        self.review = Review(self.case, self.panel, clock=clock)
        self.seq = 0
        self.refresh()
        if self.seq == 0:
            self.run(lambda r: [r.event(ev.SESSION_OPENED, ev.SYSTEM, case_id=self.case.case_id,
                                         bundle_sha256=self.bundle_sha256,
                                         measure=self.panel.id)])

    @classmethod
    def open(cls, bundle_path: Path, passphrase: str, db_url: str | None = None,
             clock: Callable[[], datetime] = utc_now) -> Session:
        unlocked = unlock(bundle_path, passphrase)
        return cls.attach(unlocked, database_url(bundle_path, db_url), clock)

    @classmethod
    def attach(cls, unlocked: Unlocked, db_url: str,
               clock: Callable[[], datetime] = utc_now) -> Session:
        store = EventStore.open(db_url, case_id=unlocked.case.case_id,
                                bundle_sha256=unlocked.sha256, now=stamp(clock()))
        return cls(unlocked, store, clock)

    def _catch_up(self, newer: list[Event]) -> None:
        for event in newer:
            if event.seq > self.seq:
                self.review.state.apply(event)
                self.seq = event.seq

    def refresh(self) -> None:
        """Apply what other terminals appended since we last looked."""
        self._catch_up(self.store.events(self.seq))

    def run(self, command: Command) -> list[Event]:
        def decide(newer: list[Event]) -> list[Event]:
            self._catch_up(newer)
            return command(self.review)

        _, placed = self.store.transact(self.seq, decide)
        self._catch_up(placed)
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
        events = self.store.events(0)
        report = verify_chain(events)
        if report.ok:
            seq, head = self.store.head()
            if seq != report.count or head != report.head:
                return ChainReport(False, report.count, report.head, seq, "head")
        return report

    def close(self) -> None:
        self.store.dispose()
