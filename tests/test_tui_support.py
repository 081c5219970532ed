"""Shared set-up for the terminal application's tests, and tests of its text helpers.

A session is built in memory from ``tests.builders`` and stored in a SQLite file under the
test's tmp_path (an in-memory SQLite URL would give each connection its own database).
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from textual.pilot import Pilot

from reviewer.domain.case import Application, Expert
from reviewer.session import Session, Unlocked
from reviewer.tui.app import ReviewerApp
from reviewer.tui.text import clip, columns, fit
from tests.builders import TEST_PIN, Clock, app, expert, make_case

SECRETARY_PASSPHRASE = "secretary-test-passphrase"  # test-only
BOX = set("│╭╮╰╯─▊▎▔▁")


def pilot_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    return run


def standard_people() -> tuple[list[Application], list[Expert]]:
    """Group g1 scores A1–A4; E1 works in A2's unit (an automatic same-unit 回避)."""
    apps = [app("A1"), app("A2", unit="专家单位E1"), app("A3"), app("A4")]
    experts = [expert("E1", ["g1"]), expert("E2", ["g1"]), expert("E3", ["g1"]),
               expert("E4", ["comp"])]
    return apps, experts


def build_session(tmp_path: Path, apps: list[Application] | None = None,
                  experts: list[Expert] | None = None, long_pledge: bool = False,
                  **rules: Any) -> tuple[Session, Clock]:
    default_apps, default_experts = standard_people()
    case, panel = make_case("yunling-craftsman", apps or default_apps,
                            experts or default_experts, **rules)
    if long_pledge:  # longer than a 100×30 screen, so reading to the end needs scrolling
        panel = replace(panel, confidentiality_text=(panel.confidentiality_text + "\n") * 4)
    clock = Clock()
    session = Session.attach(Unlocked(case, panel, "0" * 64), f"sqlite:///{tmp_path / 's.db'}",
                             clock)
    return session, clock


def make_app(session: Session, **kwargs: Any) -> ReviewerApp:
    kwargs.setdefault("secretary_check", lambda p: p == SECRETARY_PASSPHRASE)
    kwargs.setdefault("refresh_seconds", 0)
    return ReviewerApp(session, **kwargs)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app_: ReviewerApp) -> str:
    """What the terminal shows, as plain text (as ``export_screenshot`` renders it)."""
    width, height = app_.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app_.screen._compositor.render_update(
        full=True, screen_stack=app_._background_screens))
    return console.export_text()


def flat_text(app_: ReviewerApp) -> str:
    """The screen's text without spaces, line breaks and box edges (wrapped lines rejoin)."""
    return "".join(ch for ch in screen_text(app_) if not ch.isspace() and ch not in BOX)


async def log_in(pilot: Pilot[Any], expert_index: int, pin: str = TEST_PIN,
                 skip_pin_change: bool = True) -> None:
    """Pick the expert at ``expert_index`` in the name list and type the PIN.

    No name is highlighted when the waiting screen shows: the first ``down`` highlights the
    first name."""
    await pilot.press(*(["down"] * (expert_index + 1)), "enter")
    await pilot.press(*pin, "enter")
    await settle(pilot)
    if skip_pin_change:
        await pilot.press("escape")
        await pilot.pause()


def score_programmatically(session: Session, expert_id: str, totals: dict[str, int]) -> None:
    """Acknowledge, declare and score through the session (for the secretary's tests)."""
    if not session.review.has_acknowledged(expert_id):
        session.run(lambda r: r.acknowledge(expert_id))
    for app_id, total in totals.items():
        if not session.review.has_declared(expert_id, app_id):
            session.run(lambda r, a=app_id: r.declare_no_conflict(expert_id, a))

        def command(review: Any, app_id: str = app_id, total: int = total) -> list[Any]:
            events: list[Any] = []
            remaining = Decimal(total)
            for criterion in review.panel.expert_criteria:
                value = min(review.points[criterion.key], remaining)
                remaining -= value
                events += review.set_score(expert_id, app_id, criterion.key, value)
            return events

        session.run(command)
    # a reason for every score the case's 评分理由 rule asks one for (none when it is off)
    session.run(lambda r: [e for q in r.missing_justifications(expert_id)
                           for e in r.justify(expert_id, q.application, q.criterion, "演示理由")])
    session.run(lambda r: r.submit(expert_id, confirm_no_conflict=True))


# -- the text helpers: Chinese characters take two cells ------------------------------------

def test_fit_pads_and_cuts_by_cells_not_characters() -> None:
    assert cell_len(fit("云岭工匠", 12)) == 12
    assert fit("云岭工匠", 12) == "云岭工匠    "
    cut = fit("云南省职工创新工作室", 9)
    assert cell_len(cut) == 9 and cut.startswith("云南省") and "…" in cut
    assert fit("abc", 5) == "abc  "


def test_clip_never_exceeds_the_width() -> None:
    for width in range(2, 12):
        assert cell_len(clip("申报人张三丰的项目", width)) <= width
    assert clip("短", 4) == "短"


def test_columns_align_mixed_width_labels() -> None:
    lines = columns([("工艺专长", "25"), ("ab", "30"), ("领军作用x", "20")])
    starts = {cell_len(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1
