"""Issue 10 follow-ups in the terminal: tie-break explanations in the dashboard, the 排名 tab's
flags, the pledge's PIN hand-over."""

from __future__ import annotations

from pathlib import Path

from reviewer.domain.results import results
from reviewer.i18n import set_locale
from reviewer.tui.dashboard.ranking_lines import FINAL, tie_break_texts
from reviewer.tui.dashboard.ranking_pane import RankingPane
from reviewer.tui.screens.dashboard import DashboardScreen
from tests.builders import app
from tests.test_tui_secretary import open_dashboard
from tests.test_tui_support import (
    build_session,
    make_app,
    pilot_test,
    score_programmatically,
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
