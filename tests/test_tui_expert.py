"""The expert's path through the terminal application, driven by Textual's pilot.

Each test checks what an expert relies on: the 保密承诺 before any application (第十九条),
回避 declared before scoring and recused applications never shown, scores validated as typed
and saved only when valid, the PIN lockout, submission returning to the waiting screen.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.widgets import Button, Input

from reviewer.domain import events as ev
from reviewer.domain.review import RECUSED, SCORED
from reviewer.i18n import locale_override
from reviewer.tui.screens.confidentiality import ConfidentialityScreen
from reviewer.tui.screens.declaration import DeclarationScreen
from reviewer.tui.screens.pin_change import PinChangeScreen
from reviewer.tui.screens.scoring import ScoringScreen
from reviewer.tui.screens.submit import SubmitScreen
from reviewer.tui.screens.waiting import WaitingScreen
from reviewer.tui.widgets import application_view
from reviewer.tui.widgets.application_view import ApplicationView
from reviewer.tui.widgets.queue_table import QueueTable
from tests.builders import TEST_PIN
from tests.test_tui_support import (
    build_session,
    flat_text,
    log_in,
    make_app,
    pilot_test,
    screen_text,
    settle,
)

SIZE = (100, 30)


def kinds(session: object) -> list[str]:
    return [e.kind for e in session.store.events(0)]  # type: ignore[attr-defined]


@pilot_test
async def test_whole_expert_path_from_login_to_submission(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path, long_pledge=True)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, WaitingScreen)
        await log_in(pilot, 0, skip_pin_change=False)
        assert isinstance(app.screen, PinChangeScreen)  # first login offers a PIN change
        await pilot.press("escape")
        await pilot.pause()

        # 保密承诺: nothing of any application yet; confirming needs the text read to the end
        assert isinstance(app.screen, ConfidentialityScreen)
        assert "申报人A1" not in screen_text(app)
        assert app.screen.query_one("#ack-ok", Button).disabled
        assert app.screen.query_one("#ack-pin", Input).disabled
        await pilot.press(*TEST_PIN, "enter")
        await settle(pilot)
        assert not session.review.has_acknowledged("E1")
        await pilot.press("end")
        await pilot.pause()
        assert not app.screen.query_one("#ack-ok", Button).disabled
        await pilot.press(*TEST_PIN, "enter")
        await settle(pilot)
        assert session.review.has_acknowledged("E1")

        # 回避申明: A2 is locked (same unit); declare the others; scoring waits until done
        assert isinstance(app.screen, DeclarationScreen)
        assert app.screen.status["A2"] == "locked"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DeclarationScreen)
        await pilot.press("n")  # A1, the cursor moves on to A2
        await settle(pilot)
        await pilot.press("n")  # A2 is locked: refused, nothing recorded
        await settle(pilot)
        assert ("E1", "A2") not in session.review.state.cleared
        await pilot.press("a", "enter")  # the rest: no conflict, confirmed in a dialog
        await settle(pilot)
        assert {("E1", a) for a in ("A1", "A3", "A4")} <= set(session.review.state.cleared)
        await pilot.press("c")
        await pilot.pause()

        # scoring: every application except the recused A2
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("enter")  # A1 highlighted: into its form
        for app_id in ("A1", "A3", "A4"):
            queue = app.screen.query_one(QueueTable)
            assert queue.current == app_id
            for value in ("20", "20", "15", "25"):
                await pilot.press(*value, "enter")  # enter on the last goes to the next one
            await settle(pilot)  # the recused A2 is passed over
        review = session.review
        assert {q.application: q.status for q in review.queue("E1")} == {
            "A1": SCORED, "A2": RECUSED, "A3": SCORED, "A4": SCORED}
        assert review.own_scores("E1", "A3")["contribution"] == Decimal(25)
        assert app.screen.query_one(QueueTable).items["A4"].total == Decimal(80)

        # submit: the re-confirmation and the PIN, then back to the waiting screen
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, SubmitScreen)
        assert app.screen.query_one("#submit-ok", Button).disabled
        await pilot.press("space")  # tick the re-confirmation (focused first)
        await pilot.pause()
        await pilot.press("tab", *TEST_PIN, "enter")  # Tab on to the PIN
        await settle(pilot)
        assert review.is_submitted("E1")
        assert review.state.submitted[("E1", "professional")]["confirmed_no_conflict"]
        # their own sheet, read-only, offering to print it (issue 13); esc logs out
        assert "OwnSheetScreen" in type(app.screen).__name__
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WaitingScreen)
        assert len(app.screen_stack) == 2 and app.expert is None
    assert kinds(session).count(ev.SHEET_SUBMITTED) == 1


@pilot_test
async def test_recused_application_cannot_be_opened(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))
    session.run(lambda r: [e for a in ("A1", "A3", "A4") for e in r.declare_no_conflict("E1", a)])
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 0)
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("down")  # A2: E1 works in the applicant's unit
        await pilot.pause()
        view = app.screen.query_one(ApplicationView)
        assert app.screen.query_one(QueueTable).current == "A2"
        assert view.shown_text == ""
        text = screen_text(app)
        assert "须回避" in text and "示例单位" not in text and "（虚构）" not in text
        form_inputs = app.screen.query("#form Input").results(Input)
        assert all(field.disabled for field in form_inputs)
        await pilot.press("up")  # A1 opens normally
        await pilot.pause()
        assert "申报人A1" in view.shown_text and "示例单位A1" in view.shown_text
    assert not any(e.kind == ev.SCORE_SET and e.payload["application"] == "A2"
                   for e in session.store.events(0))


@pilot_test
async def test_five_wrong_pins_lock_the_expert_out_with_the_wait_shown(tmp_path: Path) -> None:
    session, clock = build_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")  # E2
        for attempt in range(1, 5):
            await pilot.press(*"000000", "enter")
            await settle(pilot)
            assert f"还可尝试{5 - attempt}次" in flat_text(app)
        await pilot.press(*"000000", "enter")
        await settle(pilot)
        text = flat_text(app)  # the refusal, or already the countdown that replaces it
        assert "已锁定" in text and "5分钟" in text
        # even the right PIN is refused while locked, and the remaining wait is shown
        clock.advance(seconds=60)
        await pilot.press(*TEST_PIN, "enter")
        await settle(pilot)
        assert "240秒" in flat_text(app)
        assert app.expert is None and isinstance(app.screen, WaitingScreen)
        clock.advance(seconds=241)
        await pilot.press(*TEST_PIN, "enter")
        await settle(pilot)
        assert app.expert == "E2"
    assert kinds(session).count(ev.PIN_LOCKED) == 1


@pilot_test
async def test_out_of_range_score_shows_the_error_and_stores_nothing(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E2"))
    session.run(lambda r: [e for a in ("A1", "A2", "A3", "A4")
                           for e in r.declare_no_conflict("E2", a)])
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 1)
        await pilot.press("enter")
        await pilot.press("3", "0")  # 工艺专长 is out of 25
        await pilot.pause()
        assert "工艺专长：30超出范围（0–25）" in flat_text(app)
        await pilot.press("tab")
        await pilot.press("1", "2", ".", "3")  # not a multiple of 0.5
        await pilot.press("tab")
        await settle(pilot)
        assert "12.3不是0.5的整数倍" in flat_text(app)
        assert session.review.own_scores("E2", "A1") == {}
        assert not any(e.kind == ev.SCORE_SET for e in session.store.events(0))
        # correcting the value stores it (focus selects the field's text: typing replaces it;
        # leaving the field saves)
        await pilot.press("shift+tab", "shift+tab", "2", "4", "tab")
        await settle(pilot)
        assert session.review.own_scores("E2", "A1") == {"craft_expertise": Decimal(24)}


@pilot_test
async def test_idle_expert_is_logged_out(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session, idle_minutes=5)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 1)
        assert isinstance(app.screen, ConfidentialityScreen)
        app.check_idle_logout()
        assert app.expert == "E2"  # active a moment ago
        app.last_activity -= 5 * 60
        app.check_idle_logout()
        await pilot.pause()
        assert app.expert is None and isinstance(app.screen, WaitingScreen)


@pilot_test
async def test_first_login_pin_change_is_stored_hashed(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 2, skip_pin_change=False)
        assert isinstance(app.screen, PinChangeScreen)
        await pilot.press(*"97531", "enter", *"97531", "enter")  # too short
        await settle(pilot)
        assert "至少6位数字" in flat_text(app)
        await pilot.press("shift+tab", "end", "8", "tab", "end", "8", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfidentialityScreen)
    assert session.review.pin_changed("E3")
    assert "975318" not in str(session.store.events(0))
    session.check_pin("E3", "975318")


@pilot_test
async def test_english_locale_is_used_throughout(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    with locale_override("en"):
        app = make_app(session)
        async with app.run_test(size=SIZE) as pilot:
            text = screen_text(app)
            assert "Choose your name" in text and "Help" in text
            await log_in(pilot, 0)
            assert "Confidentiality pledge" in screen_text(app)


@pilot_test
async def test_after_logout_the_next_pin_is_never_charged_to_the_previous_expert(
        tmp_path: Path) -> None:
    """Issue 10, major 5: after a logout no name stays chosen; a refusal names whose PIN."""
    session, _ = build_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 0)  # E1 (专家E1)
        assert app.expert == "E1"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, WaitingScreen) and app.expert is None
        assert app.screen.chosen is None and app.screen.highlighted is None
        # the next expert types a PIN straight away: it goes to no one
        await pilot.press(*"000000", "enter")
        await settle(pilot)
        assert not [e for e in session.store.events(0) if e.kind == ev.PIN_FAILED]
        # she chooses her name (the second) and mistypes: the refusal names her
        await pilot.press("down", "down", "enter", *"000000", "enter")
        await settle(pilot)
        failed = [e for e in session.store.events(0) if e.kind == ev.PIN_FAILED]
        assert [e.payload["expert"] for e in failed] == ["E2"]
        text = flat_text(app)
        assert "专家E2的个人口令" in text and "专家E2：口令不正确" in text
        # moving to another name forgets the choice: a PIN typed now is not E2's nor E3's
        await pilot.press("shift+tab", "down", *"000000")
        await pilot.pause()
        assert app.screen.chosen is None


@pilot_test
async def test_submit_by_keyboard_space_tab_pin_enter(tmp_path: Path) -> None:
    """Space ticks, Tab goes to the PIN, the PIN typed lands there; enter without one says so."""
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E2"))
    session.run(lambda r: [e for a in ("A1", "A2", "A3", "A4")
                           for e in r.declare_no_conflict("E2", a)])
    for app_id in ("A1", "A2", "A3", "A4"):
        for criterion in ("craft_expertise", "skill_level", "leadership", "contribution"):
            session.run(lambda r, a=app_id, c=criterion: r.set_score("E2", a, c, "10"))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 1)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, SubmitScreen)
        await pilot.press("space", "tab", "enter")
        await settle(pilot)
        assert "请先在“个人口令”栏输入您的口令" in flat_text(app)
        await pilot.press(*TEST_PIN, "enter")
        await settle(pilot)
        assert session.review.is_submitted("E2"), flat_text(app)


@pilot_test
async def test_continue_with_pending_declarations_says_why(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 0)
        assert isinstance(app.screen, DeclarationScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DeclarationScreen)
        assert "申明完毕才能开始评分" in flat_text(app)


@pilot_test
async def test_a_recused_application_shows_only_its_id(tmp_path: Path) -> None:
    """Issue 9: the same-unit A2 shows neither name nor unit to E1, in declaration or queue."""
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, 0)
        text = flat_text(app)
        assert "申报人A1" in text and "申报人A2" not in text and "专家单位E1" not in text
        await pilot.press("a", "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ScoringScreen)
        assert "申报人A2" not in flat_text(app)


def _host_app() -> object:
    from textual.app import App, ComposeResult

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield ApplicationView(id="view")

    return Host()


def _view_text(view: ApplicationView) -> str:
    return "".join("".join(line.text.split()) for line in view.lines)


@pilot_test
async def test_one_move_shows_the_application_at_once_and_held_keys_only_where_they_stop() -> None:
    from reviewer.domain.case import Application

    apps = [Application(f"A{i}", f"申报人A{i}", f"示例单位A{i}", "g1", "main") for i in (1, 2, 3)]
    host = _host_app()
    async with host.run_test(size=(60, 30)) as pilot:  # type: ignore[attr-defined]
        view = host.query_one(ApplicationView)  # type: ignore[attr-defined]
        await pilot.pause()
        rendered: list[str] = []  # the Markdown source of every render
        write = view.write

        def counted(content: object, *args: object, **kwargs: object) -> object:
            rendered.append(str(getattr(content, "markup", content)))
            return write(content, *args, **kwargs)  # type: ignore[arg-type]

        view.write = counted  # type: ignore[method-assign,assignment]
        view.show(apps[0])
        assert "申报人A1" in _view_text(view)  # no waiting for a timer: the key shows it
        view.show(apps[1])  # keys held down: within the delay of each other
        view.show(apps[2])
        assert "申报人A1" in _view_text(view)
        await pilot.pause(application_view.RENDER_DELAY * 3)
        assert "申报人A3" in _view_text(view)
        assert [("A1" in r, "A2" in r, "A3" in r) for r in rendered] == [
            (True, False, False), (False, False, True)]  # A2 was passed over, never rendered


@pilot_test
async def test_the_application_text_wraps_to_the_view_and_again_after_a_resize() -> None:
    """All of a long material is readable: wrapped to the view's width (nothing cut at the
    border, no sideways scrolling), and wrapped again when the terminal is resized."""
    from reviewer.domain.case import Application, Material

    material = "".join(f"第{i}段事迹（虚构）：带徒攻关，成效显著。" for i in range(40))
    shown = Application("A9", "申报人A9", "示例单位A9", "g1", "main",
                        materials=(Material("事迹材料.md", material),))

    def readable(view: ApplicationView) -> str:
        width = view.scrollable_content_region.width
        assert view.lines and all(line.cell_length <= width for line in view.lines)
        assert view.virtual_size.width <= width  # no horizontal scrolling
        return _view_text(view)

    host = _host_app()
    async with host.run_test(size=(60, 40)) as pilot:  # type: ignore[attr-defined]
        view = host.query_one(ApplicationView)  # type: ignore[attr-defined]
        view.show(shown)
        await pilot.pause(application_view.RENDER_DELAY * 3)
        assert material in readable(view)
        await pilot.resize_terminal(36, 40)
        await pilot.pause(0.1)
        assert material in readable(view)
        view.refuse("须回避：本人与申报人同单位")
        await pilot.pause()
        assert "须回避" in readable(view) and "事迹" not in readable(view)
