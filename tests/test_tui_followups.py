"""Issue 10 follow-ups in the terminal: tie-break explanations in the dashboard, the 排名 tab's
flags, the pledge's PIN hand-over."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable

from reviewer.domain import events as ev
from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.replay import validate
from reviewer.domain.results import results
from reviewer.i18n import set_locale, t
from reviewer.services import secretary as sec
from reviewer.session import Session, Unlocked
from reviewer.tui.dashboard.ranking_lines import (
    FINAL,
    cap_text,
    group_lines,
    outside_lines,
    tie_break_texts,
)
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
    data = results(session.review).to_json()
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


def row(app_id: str, rank: int, aggregate: str, nominated: bool) -> dict[str, object]:
    return {"id": app_id, "rank": rank, "aggregate": aggregate, "counted": 3, "quorum": True,
            "nominated": nominated}


def test_group_view_flags_a_tie_at_the_line_and_a_score_below_the_minimum() -> None:
    rows = [row("A1", 1, "90.00", True), row("A2", 2, "80.00", True),
            row("A3", 2, "80.00", True), row("A4", 4, "55.00", False)]
    lines = group_lines(rows, {}, 3, places=2, min_score=Decimal(60))
    rules = [line.rule for line in lines if line.rule]
    assert any("提名 3 个，名额 2 个" in r for r in rules)
    outcome = {line.application: line.outcome for line in lines if line.application}
    assert "同分跨提名线" in outcome["A2"] and "同分跨提名线" in outcome["A3"]
    assert "同分" not in outcome["A1"]
    assert "低于最低分 60" in outcome["A4"]
    plain = group_lines(rows[:2] + rows[3:], {}, 3, places=2)
    assert not any("名额" in line.rule for line in plain if line.rule)


def test_group_view_lists_direct_and_excluded_applications_with_their_reason(
        tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    data = {"direct": ["A1"], "ineligible": [
        {"id": "A3", "reason": "excluded", "detail": "", "article": "第五条"}]}
    lines = outside_lines(data, session.case, "g1", {})
    by_id = {line.application: line.outcome for line in lines if line.application}
    assert by_id["A1"] == "直接认定"
    assert "不得列为评选对象" in by_id["A3"] and "第五条" in by_id["A3"]
    assert outside_lines(data, session.case, "other", {}) == []


def test_a_measure_without_a_cap_does_not_print_none() -> None:
    assert "None" not in cap_text(None) and cap_text(5) == "5"


def lock_out(session: object, expert_id: str = "E1") -> None:
    for _ in range(5):
        try:
            session.check_pin(expert_id, "999999")  # type: ignore[attr-defined]
        except DomainError:
            pass
    assert session.review.locked_for(expert_id) > 0  # type: ignore[attr-defined]


def test_secretary_unlocks_a_locked_pin_with_a_reason_and_replay_keeps_it(
        tmp_path: Path) -> None:
    session, clock = build_session(tmp_path)
    with pytest.raises(DomainError) as refused:
        session.run(sec.UnlockPin("E1", "专家忘记口令").decide)
    assert refused.value.code == "review.pin_not_locked"
    lock_out(session)
    with pytest.raises(DomainError):
        session.run(sec.UnlockPin("E1", "  ").decide)
    session.run(sec.UnlockPin("E1", "专家本人到场，核对身份").decide)
    assert session.review.locked_for("E1") == 0
    unlocked = [e for e in session.store.events(0) if e.kind == ev.PIN_UNLOCKED]
    assert [(e.actor, e.payload["reason"]) for e in unlocked] == [
        (ev.SECRETARY, "专家本人到场，核对身份")]
    session.check_pin("E1", TEST_PIN)  # works again at once
    # the event replays (another terminal, a restart) ...
    again = Session.attach(Unlocked(session.case, session.panel, "0" * 64),
                           f"sqlite:///{tmp_path / 's.db'}", clock)
    assert again.review.locked_for("E1") == 0
    # ... and one forged for an expert who is not locked is refused like any bad event
    forged = Event(kind=ev.PIN_UNLOCKED, actor=ev.SECRETARY, at="2026-01-01T00:00:00Z",
                   payload={"expert": "E2", "reason": "x"})
    with pytest.raises(ChainBroken):
        validate(again.review, forged)
    lock_out(again, "E2")
    validate(again.review, forged)  # locked: the same event is valid
    empty = Event(kind=ev.PIN_UNLOCKED, actor=ev.SECRETARY, at="2026-01-01T00:00:00Z",
                  payload={"expert": "E2", "reason": " "})
    with pytest.raises(ChainBroken):
        validate(again.review, empty)


@pilot_test
async def test_dashboard_unlocks_a_locked_pin_with_a_reason(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    lock_out(session)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("u")  # first shows the sheets tab
        await pilot.pause()
        app_.screen.query_one("#sheets", DataTable).move_cursor(row=0)  # E1
        await pilot.press("u", *"本人到场", "enter")
        await settle(pilot)
    assert session.review.locked_for("E1") == 0
    assert [e.payload["reason"] for e in session.store.events(0)
            if e.kind == ev.PIN_UNLOCKED] == ["本人到场"]


def test_cli_unlock_pin_lifts_the_lockout(tmp_path: Path) -> None:
    from reviewer.cli.main import main

    root = Path(__file__).resolve().parent.parent
    sample, passphrase = root / "sample_cases" / "yunling-craftsman-2026", "demo-yunling-2026"
    bundle, db, pass_file = tmp_path / "case.rvb", tmp_path / "s.db", tmp_path / "pass.txt"
    pass_file.write_text(passphrase + "\n", encoding="utf-8")
    assert main(["seal", str(sample), "-o", str(bundle), "--passphrase-file", str(pass_file)]) == 0
    session = Session.open(bundle, passphrase, f"sqlite:///{db}")
    expert = session.case.experts[0].id
    common = [str(bundle), "--passphrase-file", str(pass_file), "--db", f"sqlite:///{db}",
              "--expert", expert, "--reason", "本人到场"]
    assert main(["unlock-pin", *common]) == 1  # not locked: refused
    lock_out(session, expert)
    session.close()
    assert main(["unlock-pin", *common]) == 0
    session = Session.open(bundle, passphrase, f"sqlite:///{db}")
    assert session.review.locked_for(expert) == 0
    session.close()


def test_messages_name_rounds_and_experts_not_their_ids(tmp_path: Path) -> None:
    from reviewer.domain.results import export_blockers

    session, _ = build_session(tmp_path)
    rendered = [e.render() for e in export_blockers(session.review)]
    assert any("当前：" in r and "professional" not in r for r in rendered)
    spec = session.panel.round_spec("professional")
    assert spec is not None and any(spec.name in r for r in rendered)
    blockers = [e.render() for e in session.review.round_blockers()]
    name = session.case.expert("E1").name  # type: ignore[union-attr]
    with pytest.raises(DomainError) as refused:
        session.review.reopen("E1", "退回")
    assert name in refused.value.render() and "E1" in refused.value.render()
    assert any(name in b and "（E1）" in b for b in blockers)


def test_terminal_messages_cite_no_fixed_article() -> None:
    """Articles differ per measure (回避 is 第十九条 in one, 第十条 in another): the terminal's
    messages take them from the panel, none is written into the catalogue."""
    import re

    from reviewer.i18n import messages_dashboard, messages_tui

    fixed = re.compile(r"第[一二三四五六七八九十百]+条|Art\. \d")
    for area in (messages_tui.MESSAGES, messages_dashboard.MESSAGES):
        for key, pair in area.items():
            assert not any(fixed.search(text) for text in pair), key
    assert "第十条" in t("tui.declare.explain", article="第十条")
    assert "第十条" in t("tui.recuse.note", article="第十条")


@pilot_test
async def test_declaration_screen_cites_the_panels_recusal_article(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0)
        await pilot.press("end", *TEST_PIN, "enter")
        await settle(pilot)
        assert session.panel.recusal_article in screen_text(app_).replace(" ", "")


@pilot_test
async def test_submit_burst_space_tab_pin_enter_submits(tmp_path: Path) -> None:
    """Issue 10 minor: ticking the box with Space, Tab and the PIN typed in one burst."""
    from reviewer.tui.screens.submit import SubmitScreen

    session, _ = build_session(tmp_path)
    score_programmatically(session, "E2", {"A1": 90, "A2": 80, "A3": 70, "A4": 60})
    session.run(sec.Reopen("E2", "再核对").decide)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 1)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app_.screen, SubmitScreen)
        for key in ("space", "tab", *TEST_PIN, "enter"):
            app_.post_message(events.Key(key, key if len(key) == 1 else
                                         (" " if key == "space" else None)))
        await settle(pilot)
    assert session.review.is_submitted("E2")


@pilot_test
async def test_expert_sees_own_submitted_sheet_read_only(tmp_path: Path) -> None:
    from reviewer.tui.screens.own_sheet import OwnSheetScreen
    from reviewer.tui.screens.waiting import WaitingScreen

    session, _ = build_session(tmp_path)
    score_programmatically(session, "E1", {"A1": 90, "A3": 70, "A4": 60})  # recused from A2
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0)
        assert isinstance(app_.screen, OwnSheetScreen)
        text = screen_text(app_)
        assert "只读" in text and "回避" in text and "申报人A1" in text
        assert "申报人A2" not in text  # a recused application's name stays hidden
        before = len(list(session.store.events(0)))
        await pilot.press("1", "2", "enter", "tab", "3")  # nothing edits
        await settle(pilot)
        assert len(list(session.store.events(0))) == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app_.screen, WaitingScreen) and app_.expert is None
