"""Issue 10 follow-ups in the terminal: tie-break explanations in the dashboard, the 排名 tab's
flags, the pledge's PIN hand-over."""

from __future__ import annotations

from pathlib import Path

from textual import events

from reviewer.domain import events as ev
from reviewer.domain.results import results
from reviewer.i18n import set_locale
from reviewer.tui.dashboard.ranking_lines import FINAL, tie_break_texts
from reviewer.tui.dashboard.ranking_pane import RankingPane
from reviewer.tui.screens.confidentiality import ConfidentialityScreen
from reviewer.tui.screens.dashboard import DashboardScreen
from tests.builders import TEST_PIN, app
from tests.test_tui_secretary import open_dashboard
from tests.test_tui_support import (
    build_session,
    log_in,
    make_app,
    pilot_test,
    score_programmatically,
    screen_text,
    settle,
)


def tied_session(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A3 and A4 score the same from every expert; A4 holds a 第七条 honour title."""
    apps = [app("A1"), app("A2", unit="专家单位E1"), app("A3"), app("A4", flags=("priority",))]
    session, clock = build_session(tmp_path, apps=apps, min_experts=2)
    for expert_id in ("E1", "E2", "E3"):
        totals = {"A1": 90, "A3": 70, "A4": 70}
        if expert_id != "E1":
            totals["A2"] = 80
        score_programmatically(session, expert_id, totals)
    return session, clock


def test_tie_break_text_names_the_rule_and_article(tmp_path: Path) -> None:
    session, _ = tied_session(tmp_path)
    data = results(session.review)
    texts = tie_break_texts(data, session.panel, "g1")
    assert len(texts) == 1
    assert "A4 > A3" in texts[0] and "第七条" in texts[0] and "70" in texts[0]
    assert tie_break_texts(data, session.panel, FINAL) == []  # decided in g1, not the final
    set_locale("en")
    try:
        english = tie_break_texts(data, session.panel, "g1")[0]
    finally:
        set_locale("zh_CN")
    assert "Tie-break" in english and "honour-title priority" in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.replace("第七条", ""))


@pilot_test
async def test_dashboard_shows_orders_decided_by_the_tie_break_chain(tmp_path: Path) -> None:
    session, clock = tied_session(tmp_path)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await open_dashboard(pilot)
        screen = app_.screen
        assert isinstance(screen, DashboardScreen)
        pane = screen.query_one(RankingPane)
        from textual.widgets import Select, Static
        pane.query_one("#rank-choice", Select).value = "g1"
        await settle(pilot)
        shown = str(pane.query_one("#rank-ties", Static).render())
        assert "A4 > A3" in shown and "第七条" in shown
        notes: list[str] = []
        original = screen.notify
        screen.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        screen.action_resolve_tie()
        screen.notify = original  # type: ignore[method-assign]
        assert notes and "A4 > A3" in notes[0] and "第七条" in notes[0]


def failures(session: object) -> int:
    return sum(e.kind == ev.PIN_FAILED for e in session.store.events(0))  # type: ignore[attr-defined]


@pilot_test
async def test_pledge_pin_typed_right_after_end_reaches_the_field(tmp_path: Path) -> None:
    """Issue 10: the PIN field opens only once the text is read to the end; digits typed in
    the same burst as End are not lost, and a short PIN is refused without counting."""
    session, _ = build_session(tmp_path, long_pledge=True)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0)
        assert isinstance(app_.screen, ConfidentialityScreen)
        await pilot.press("end", "1", "2", "3", "enter")
        await settle(pilot)
        assert failures(session) == 0 and not session.review.has_acknowledged("E1")
        assert "6" in screen_text(app_)  # says a PIN has at least 6 digits
        await pilot.press(*TEST_PIN, "enter")
        await settle(pilot)
        assert failures(session) == 0 and session.review.has_acknowledged("E1")


@pilot_test
async def test_pledge_burst_end_then_pin_signs(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path, long_pledge=True)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0)
        # one burst, queued before any is handled (as a terminal delivers pasted or fast keys)
        for key in ("end", *TEST_PIN, "enter"):
            char = key if len(key) == 1 else None
            app_.post_message(events.Key(key, char))
        await settle(pilot)
        assert failures(session) == 0 and session.review.has_acknowledged("E1")
