"""Snapshots of the main screens with Chinese text (pytest-textual-snapshot).

Pinned: Textual 8.2.8 (pyproject), the terminal size, a fixed clock and no cursor blink in
headless runs. Update after an intended change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from reviewer.session import Session
from tests.builders import TEST_PIN
from tests.test_tui_secretary import scored_session
from tests.test_tui_support import SECRETARY_PASSPHRASE, build_session, make_app, settle

SMALL, LARGE = (80, 24), (100, 30)


def ready_to_score(tmp_path: Path, expert_id: str = "E1") -> Session:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge(expert_id))
    clear = [a for a in ("A1", "A3", "A4")]
    session.run(lambda r: [e for a in clear for e in r.declare_no_conflict(expert_id, a)])
    session.run(lambda r: r.set_score(expert_id, "A3", "craft_expertise", "22.5"))
    return session


async def login_first_expert(pilot: Pilot[Any]) -> None:
    await pilot.press("down", "enter", *TEST_PIN, "enter")
    await settle(pilot)
    await pilot.press("escape")  # no PIN change now
    await settle(pilot)


def test_waiting_screen_small_terminal(snap_compare: Any, tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    assert snap_compare(make_app(session), terminal_size=SMALL)


def test_confidentiality_screen(snap_compare: Any, tmp_path: Path) -> None:
    session, _ = build_session(tmp_path, long_pledge=True)
    assert snap_compare(make_app(session), terminal_size=LARGE, run_before=login_first_expert)


def test_declaration_screen(snap_compare: Any, tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))
    assert snap_compare(make_app(session), terminal_size=LARGE, run_before=login_first_expert)


def test_scoring_screen_with_a_typing_error(snap_compare: Any, tmp_path: Path) -> None:
    async def type_wrong(pilot: Pilot[Any]) -> None:
        await login_first_expert(pilot)
        await pilot.press("down", "down", "enter", "tab", "2", "6")

    app = make_app(ready_to_score(tmp_path))
    assert snap_compare(app, terminal_size=SMALL, run_before=type_wrong)


def test_submit_screen_highlights_what_is_missing(snap_compare: Any, tmp_path: Path) -> None:
    async def to_submit(pilot: Pilot[Any]) -> None:
        await login_first_expert(pilot)
        await pilot.press("f5")

    app = make_app(ready_to_score(tmp_path))
    assert snap_compare(app, terminal_size=LARGE, run_before=to_submit)


def test_dashboard_ranking(snap_compare: Any, tmp_path: Path) -> None:
    async def to_ranking(pilot: Pilot[Any]) -> None:
        await pilot.press("f8", *SECRETARY_PASSPHRASE, "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#tabs").active = "tab-ranking"  # type: ignore[attr-defined]
        await pilot.pause()

    session, _ = scored_session(tmp_path)
    assert snap_compare(make_app(session), terminal_size=LARGE, run_before=to_ranking)
