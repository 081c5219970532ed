"""Every keystroke reaches the score field it was typed in, in order, however fast.

Textual hands a printable key to the focused field's own queue but runs a binding (backspace,
tab, enter, up/down) only after the key has bubbled up to the app, so in a burst the two kinds
could overtake one another (issue 10, major 1: ``5`` then ``BSpace 2 1`` gave ``52``;
``2 0 Tab 2 1 …`` gave ``202116`` in the first field). The pilot presses whole bursts without
waiting in between; the fields and the stored scores must show exactly what was typed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from reviewer.session import Session
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.scoring import ScoringScreen
from reviewer.tui.widgets.queue_table import QueueTable
from tests.test_tui_support import (
    build_session,
    flat_text,
    log_in,
    make_app,
    pilot_test,
    settle,
)

SIZE = (100, 30)
KEYS = ("craft_expertise", "skill_level", "leadership", "contribution")


def ready_to_score(session: Session, expert_id: str = "E2") -> None:
    session.run(lambda r: r.acknowledge(expert_id))
    session.run(lambda r: [e for a in ("A1", "A2", "A3", "A4")
                           for e in r.declare_no_conflict(expert_id, a)])


def fields(app: ReviewerApp) -> list[str]:
    return [app.screen.query_one(f"#score-{k}", Input).value for k in KEYS]


async def into_form(pilot: Pilot[Any]) -> None:
    await log_in(pilot, 1)
    assert isinstance(pilot.app.screen, ScoringScreen)
    await pilot.press("enter")  # the highlighted A1: into its first field


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """All keys queued before any is handled (what a fast typist or a loaded machine does)."""
    for key in keys:
        pilot.app.post_message(_key(key))
    await settle(pilot)


def _key(key: str) -> Any:
    from textual import events
    from textual.keys import _character_to_key

    character = key if len(key) == 1 else None
    name = _character_to_key(key) if len(key) == 1 else key
    return events.Key(name, character)


@pilot_test
async def test_backspace_in_a_burst_deletes_what_came_before_it(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    ready_to_score(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await into_form(pilot)
        await burst(pilot, "5")
        await burst(pilot, "backspace", "2", "1")
        assert fields(app)[0] == "21"


@pilot_test
async def test_tab_in_a_burst_moves_the_next_keys_to_the_next_field(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    ready_to_score(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await into_form(pilot)
        await burst(pilot, "2", "0", "tab", "2", "1", "tab", "1", "6", "tab", "2", "5")
        assert fields(app) == ["20", "21", "16", "25"]
        await burst(pilot, "tab")  # leaving the last field saves it too
        assert session.review.own_scores("E2", "A1") == {
            "craft_expertise": Decimal(20), "skill_level": Decimal(21),
            "leadership": Decimal(16), "contribution": Decimal(25)}


@pilot_test
async def test_a_burst_with_deletions_over_several_applications(tmp_path: Path) -> None:
    """Enter moves to the next field, Enter on the last one to the next application."""
    session, _ = build_session(tmp_path)
    ready_to_score(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await into_form(pilot)
        keys: list[str] = []
        for _ in ("A1", "A2", "A3", "A4"):
            keys += ["9", "backspace", "2", "0", "enter", "1", "9", "9", "backspace",
                     "enter", "1", "8", "enter", "x", "backspace", "2", "5", "enter"]
        await burst(pilot, *keys)
        for app_id in ("A1", "A2", "A3", "A4"):
            assert session.review.own_scores("E2", app_id) == {
                "craft_expertise": Decimal(20), "skill_level": Decimal(19),
                "leadership": Decimal(18), "contribution": Decimal(25)}, app_id
        assert app.screen.query_one(QueueTable).current == "A4"


@pilot_test
async def test_f6_jumps_to_the_next_unscored_application(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    ready_to_score(session)
    for criterion in KEYS:
        session.run(lambda r, c=criterion: r.set_score("E2", "A2", c, "10"))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await into_form(pilot)  # A1 open
        await burst(pilot, "f6", "7")  # A2 is fully scored: A3, and the 7 lands there
        assert app.screen.query_one(QueueTable).current == "A3"
        assert fields(app)[0] == "7"


@pilot_test
async def test_the_field_keeps_what_was_typed_and_shows_the_core_refusal(tmp_path: Path) -> None:
    """Issue 10: `-5` became 5 and `2，5` became 25 silently; now the text stays as typed."""
    session, _ = build_session(tmp_path)
    ready_to_score(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await into_form(pilot)
        await burst(pilot, "-", "5", "tab", "2", "，", "5", "tab")
        assert fields(app)[:2] == ["-5", "2，5"]
        text = flat_text(app)
        assert "-5" in text and "2，5" in text
        assert session.review.own_scores("E2", "A1") == {}
