"""Small in-memory cases for domain tests (no files, no bundle, cheap PIN hashes)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from argon2 import PasswordHasher

from reviewer.bundle.pins import AesGcmPinVault, Argon2PinHasher
from reviewer.domain.case import Application, Case, Expert, Group, ListedConflict, Rules
from reviewer.domain.events import Event
from reviewer.domain.panel import Panel, load_panel_by_id
from reviewer.domain.pins import PinKeeper
from reviewer.domain.review import Review

# where make_case loads panels from: the shipped ones unless a test (the panel mutation check)
# points it at a mutated copy; REVIEWER_TEST_PANELS does the same from outside
PANELS_DIR: Path | None = None


def panels_directory() -> Path | None:
    env = os.environ.get("REVIEWER_TEST_PANELS")
    return PANELS_DIR or (Path(env) if env else None)

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# what Session wires in from a bundle, with a cheap hash and a test-only vault key
PINS = PinKeeper(Argon2PinHasher(CHEAP), AesGcmPinVault(b"test-only pin vault key 32 bytes"))
TEST_PIN = "246810"  # test-only PIN
_PIN_HASH = CHEAP.hash(TEST_PIN)


class Clock:
    """A controllable clock so lockouts and timestamps are deterministic."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def app(app_id: str, group: str = "g1", track: str = "main", unit: str | None = None,
        flags: Iterable[str] = (), **extra: object) -> Application:
    return Application(id=app_id, name=f"申报人{app_id}", unit=unit or f"示例单位{app_id}",
                       group=group, track=track, flags=tuple(flags), summary="（虚构）",
                       **extra)  # type: ignore[arg-type]


def expert(expert_id: str, groups: Iterable[str], unit: str | None = None,
           **extra: object) -> Expert:
    return Expert(id=expert_id, name=f"专家{expert_id}", title="高级工程师",
                  unit=unit or f"专家单位{expert_id}", groups=tuple(groups), pin_hash=_PIN_HASH,
                  **extra)  # type: ignore[arg-type]


def make_case(panel_id: str, apps: list[Application], experts: list[Expert],
              groups: list[Group] | None = None, conflicts: Iterable[ListedConflict] = (),
              aliases: Iterable[tuple[str, str]] = (), **rules: object) -> tuple[Case, Panel]:
    panel = load_panel_by_id(panel_id, panels_directory())
    if groups is None:
        names = sorted({a.group for a in apps})
        groups = [Group(g, f"专业组{g}", "professional", 2) for g in names]
        if panel.has_comprehensive:  # only where the measure's document has a 综合组
            groups.append(Group("comp", "综合组", "comprehensive"))
    case = Case(case_id="case-test", measure=panel_id, title="测试", year=2026,
                rules=Rules(**rules),  # type: ignore[arg-type]
                groups=tuple(groups), applications=tuple(apps), experts=tuple(experts),
                conflicts=tuple(conflicts), unit_aliases=tuple(aliases))
    return case, panel


def run(review: Review, events: list[Event]) -> list[Event]:
    """Apply decided events as the store would (numbering them)."""
    placed = []
    for event in events:
        seq = review.state.event_count + 1
        placed_event = replace(event, seq=seq, hash=f"h{seq}")
        review.state.apply(placed_event)
        placed.append(placed_event)
    return placed


def score_all(review: Review, expert_id: str, totals: dict[str, Decimal | int | str]) -> None:
    """Give ``expert_id`` criterion scores adding up to each total, then submit."""
    panel = review.panel
    for app_id, total in totals.items():
        declare(review, expert_id, app_id)
        remaining = Decimal(str(total))
        for criterion in panel.expert_criteria:
            maximum = review.points[criterion.key]
            value = min(maximum, remaining)
            remaining -= value
            run(review, review.set_score(expert_id, app_id, criterion.key, value))
        assert remaining == 0, "total above the panel maximum"
    run(review, review.submit(expert_id, confirm_no_conflict=True))


def ack(review: Review, *expert_ids: str, declare_all: bool = True) -> None:
    """The 保密承诺, and (unless told not to) the 回避申明 of no conflict on every application
    of the expert's scope they are not recused from, as the terminal's path requires."""
    for expert_id in expert_ids:
        run(review, review.acknowledge(expert_id))
        if declare_all:
            declare(review, expert_id, *(a.id for a in review.scope(expert_id)
                                         if not review.conflicts.is_recused(
                                             expert_id, a.id, review.state)))


def declare(review: Review, expert_id: str, *app_ids: str) -> None:
    """The expert's 回避申明 of no conflict on each application not yet declared."""
    for app_id in app_ids:
        if not review.has_declared(expert_id, app_id):
            run(review, review.declare_no_conflict(expert_id, app_id))
