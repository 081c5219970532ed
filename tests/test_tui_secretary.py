"""The secretary's dashboard and the supervisor's view, driven by Textual's pilot.

The dashboard is behind the bundle passphrase; advancing a round goes through the same
session command as the CLI (with its blockers and forced-advance reason); export, import
and verification are injected callables, shown as not available when absent.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, DirectoryTree, TabbedContent

from reviewer.domain import events as ev
from reviewer.domain.ranking import COMPREHENSIVE
from reviewer.domain.review import ImportRejected, RowProblem
from reviewer.session import Session, Unlocked
from reviewer.tui.dashboard.ranking_lines import FINAL, final_lines, group_lines
from reviewer.tui.screens.dashboard import DashboardScreen
from reviewer.tui.screens.secretary_login import SecretaryLoginScreen
from reviewer.tui.screens.supervisor import SupervisorScreen, report_text
from reviewer.tui.screens.waiting import WaitingScreen
from tests.test_tui_support import (
    SECRETARY_PASSPHRASE,
    build_session,
    flat_text,
    make_app,
    pilot_test,
    score_programmatically,
    settle,
)

SIZE = (100, 30)
TOTALS = {"A1": 90, "A3": 70, "A4": 60}


def scored_session(tmp_path: Path):  # type: ignore[no-untyped-def]
    session, clock = build_session(tmp_path, min_experts=2)
    score_programmatically(session, "E1", TOTALS)  # E1 is recused from A2 (same unit)
    for expert_id in ("E2", "E3"):
        score_programmatically(session, expert_id, {**TOTALS, "A2": 80})
    return session, clock


async def open_dashboard(pilot, passphrase: str = SECRETARY_PASSPHRASE) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f8")
    await pilot.pause()
    await pilot.press(*passphrase, "enter")
    await settle(pilot)


@pilot_test
async def test_dashboard_needs_the_passphrase(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot, "wrong-guess")
        assert isinstance(app.screen, SecretaryLoginScreen)
        assert "口令不正确" in flat_text(app)
        await pilot.press("escape")
        await open_dashboard(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "各组进度" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WaitingScreen)
        # back within the idle limit: no passphrase again (issue 10: it cost ~4 s each time)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape")
        await pilot.pause()
        app.secretary_until -= app.idle_seconds + 1  # the limit passed
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, SecretaryLoginScreen)


@pilot_test
async def test_dashboard_is_not_available_without_a_check(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session, secretary_check=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        assert "不可用" in flat_text(app)


@pilot_test
async def test_round_advance_then_export(tmp_path: Path) -> None:
    session, _ = scored_session(tmp_path)
    exported: list[Path] = []
    app = make_app(session, exporter=exported.append, export_path=tmp_path / "结果.pdf")
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        await pilot.press("a")  # nothing blocks: a plain confirmation
        await pilot.pause()
        assert "进入下一轮" in flat_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert session.review.round == COMPREHENSIVE
        assert session.review.state.nominees == {"g1": ["A1", "A2"]}
        # the comprehensive round: nobody has scored, so advancing needs force and a reason
        await pilot.press("a")
        await pilot.pause()
        text = flat_text(app)  # the last round: advancing ends the review, and says so
        assert "仍要结束评审" in text and "进入下一轮" not in text
        await pilot.press("enter")  # no reason given: the form refuses
        await pilot.pause()
        assert "请填写" in flat_text(app)
        await pilot.press(*"test", "enter")
        await settle(pilot)
        advances = [e for e in session.store.events(0) if e.kind == ev.ROUND_ADVANCED]
        assert advances[-1].payload["forced"] and advances[-1].payload["reason"] == "test"
        await pilot.press("e", "enter")
        await settle(pilot)
    assert exported == [tmp_path / "结果.pdf"]


@pilot_test
async def test_export_not_available_without_an_exporter(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "tab-export"
        assert "不可用" in flat_text(app)


@pilot_test
async def test_reopen_and_lift_need_a_reason_and_are_audited(tmp_path: Path) -> None:
    session, _ = scored_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        await pilot.press("o")  # first shows the sheets tab
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "tab-sheets"
        app.screen.query_one("#sheets", DataTable).move_cursor(row=1)  # E2
        await pilot.press("o", *"录入有误", "enter")
        await settle(pilot)
        assert not session.review.is_submitted("E2")
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "tab-conflicts"
        await pilot.press("l", *"经核实不影响公正", "enter")
        await settle(pilot)
    lifted = session.review.state.lifted[("E1", "A2")]
    assert lifted.reason == "经核实不影响公正"
    assert not session.review.conflicts.is_recused("E1", "A2", session.review.state)


@pilot_test
async def test_rejected_import_lists_every_problem_by_row(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)

    def importer(path: Path, replace: bool = False, reason: str = "") -> None:
        raise ImportRejected([RowProblem(3, "import.unknown_expert", {"expert": "E9"}),
                              RowProblem(0, "import.empty", {})])

    app = make_app(session, importer=importer)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        await pilot.press("i", *"sheet.csv", "enter", "enter")  # path, (no) reason
        await settle(pilot)
        problems = app.screen.query_one("#import-problems", DataTable)
        assert problems.row_count == 2
        assert "E9" in str(problems.get_row_at(0)[1])
        assert app.screen.query_one(TabbedContent).active == "tab-sheets"


def test_ranking_lines_draw_the_nomination_and_cap_lines(tmp_path: Path) -> None:
    from reviewer.domain.results import results

    session, _ = scored_session(tmp_path)
    data = results(session.review).to_json()
    names = {a.id: a.name for a in session.case.applications}
    lines = group_lines(data["professional"]["g1"], names, 3)
    rows = [line.application or line.rule for line in lines]
    assert rows[:2] == ["A1", "A2"] and "提名线" in rows[2] and rows[3:] == ["A3", "A4"]
    session.run(lambda r: r.advance())
    score_programmatically(session, "E4", {"A1": 90, "A2": 80})
    data = results(session.review).to_json()
    final = final_lines(data, session.case, session.panel, names)
    assert any("名额线" in line.rule for line in final)
    assert FINAL == "__final__"


@pilot_test
async def test_supervisor_sees_signatures_and_checks_the_audit_chain(tmp_path: Path) -> None:
    """F9 in the user's words: files from a list, trust chosen and remembered (major 4)."""
    session, _ = build_session(tmp_path)
    folder = tmp_path / "pick"
    folder.mkdir()
    for name in ("results.pdf", "notes.txt", "signer.pem"):
        (folder / name).write_bytes(b"x")
    seen: list[tuple[Path, tuple[Path, ...]]] = []

    def verifier(path: Path, trust: tuple[Path, ...] = ()) -> object:
        seen.append((path, tuple(trust)))
        signature = SimpleNamespace(
            signer="评审秘书 李四", fingerprint="AB:CD:EF", field_name="Signature1",
            signing_time="2026-12-01T08:00:00+00:00", intact=True, trusted=bool(trust),
            coverage="ENTIRE_REVISION", modification_level="FORM_FILLING",
            changes_after="signatures", ok=bool(trust))
        return SimpleNamespace(signatures=[signature], exit_code=0 if trust else 23,
                               problems=[])

    async def listed(pilot: Pilot[Any]) -> None:
        """Wait for the picker's tree to list the folder (its loader never 'completes')."""
        for _ in range(200):
            await pilot.pause()
            if app.screen.query_one(DirectoryTree).root.children:
                return
        raise AssertionError("the folder was never listed")

    app = make_app(session, verifier=verifier, export_path=folder / "results.pdf")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("o")
        await listed(pilot)
        assert "notes.txt" not in flat_text(app) and "signer.pem" not in flat_text(app)
        assert "results.pdf" in flat_text(app)
        await pilot.press("down", "enter")  # the only PDF in the list
        await settle(pilot)
        text = flat_text(app)
        assert "签名1：内容完好，但签名人尚未受信任" in text and "无效" not in text
        assert "AB:CD:EF" in text and "评审秘书李四" in text and "2026-12-0116:00:00" in text
        for internal in ("signer", "fingerprint", "field_name", "True", "False",
                         "ENTIRE_REVISION", "FORM_FILLING", "coverage"):
            assert internal not in text, internal
        await pilot.press("t")
        await listed(pilot)
        await pilot.press("down", "enter")  # the only certificate: the PDF is checked again
        await settle(pilot)
        assert "签名1：有效" in flat_text(app) and "信任的证书：signer.pem" in flat_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert "审计链完整" in flat_text(app)
        await pilot.press("escape", "f9")  # leave and come back: the trust is remembered
        await settle(pilot)
        await pilot.press("o")
        await listed(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
    pdf, cert = folder / "results.pdf", folder / "signer.pem"
    assert [(p.resolve(), trust) for p, trust in seen] == [
        (pdf.resolve(), ()), (pdf.resolve(), (cert,)), (pdf.resolve(), (cert,))]


def test_report_text_tells_broken_from_untrusted() -> None:
    bad = SimpleNamespace(signer="x", fingerprint="00", intact=False, trusted=True, ok=False)
    text = report_text(Path("r.pdf"), SimpleNamespace(signatures=[bad], exit_code=20)).plain
    assert "已损坏" in text and "20" in text
    stranger = SimpleNamespace(signer="x", fingerprint="00", intact=True, trusted=False,
                               changes_after="none", ok=False)
    text = report_text(Path("r.pdf"), SimpleNamespace(signatures=[stranger])).plain
    assert "内容完好，但签名人尚未受信任" in text and "已损坏" not in text


@pilot_test
async def test_dashboard_follows_other_terminals(tmp_path: Path) -> None:
    session, clock = build_session(tmp_path)
    other = Session.attach(Unlocked(session.case, session.panel, session.bundle_sha256),
                           f"sqlite:///{tmp_path / 's.db'}", clock)
    app = make_app(session, refresh_seconds=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.data is not None
        assert not any(e.acknowledged for e in screen.data.experts)
        other.run(lambda r: r.acknowledge("E2"))  # an expert signs at another terminal
        await pilot.pause(0.4)
        await settle(pilot)
        assert [e.expert for e in screen.data.experts if e.acknowledged] == ["E2"]
    other.close()


@pilot_test
async def test_disqualification_after_close_leaves_the_place_empty(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path, min_experts=1)
    for expert_id in ("E1", "E2", "E3"):
        score_programmatically(session, expert_id, TOTALS if expert_id == "E1"
                               else {**TOTALS, "A2": 80})
    session.run(lambda r: r.advance())
    score_programmatically(session, "E4", {"A1": 90, "A2": 80})
    session.run(lambda r: r.advance())
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        app.screen.query_one(TabbedContent).active = "tab-ranking"
        await pilot.pause()
        assert "名额线：2/20" in flat_text(app)
        await pilot.press("d", *"A1", "tab", *"公示期间查实材料不实", "enter")
        await settle(pilot)
        assert session.review.state.disqualified == {"A1": "公示期间查实材料不实"}
        assert "名额线：1/20" in flat_text(app)  # nobody moves up (第十六条)


def test_progress_leaves_recusals_out_and_names_every_group(tmp_path: Path) -> None:
    """Issue 10: recusals counted as done (`0/11` despite 3 recusals), blank 所在组."""
    from reviewer.tui.dashboard.snapshot import build

    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))  # A2 is E1's own unit: recused
    score_programmatically(session, "E2", {"A1": 80, "A2": 70, "A3": 60, "A4": 50})
    data = build(session.review)
    by_id = {e.expert: e for e in data.experts}
    assert (by_id["E1"].done, by_id["E1"].scope) == (0, 3)
    assert (by_id["E2"].done, by_id["E2"].scope, by_id["E2"].undeclared) == (4, 4, 0)
    assert by_id["E4"].all_groups == ("comp",) and by_id["E4"].groups == ()
