"""``reviewer open`` wiring on a real sealed bundle: the unlock screen, the secretary's
passphrase re-check and paper sheet import through the session tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.domain.errors import DomainError
from reviewer.services import SessionHandle
from reviewer.session import Session
from reviewer.tui.app import ReviewerApp
from reviewer.tui.launch import SessionTools
from reviewer.tui.screens.unlock import UnlockScreen
from reviewer.tui.screens.waiting import WaitingScreen
from tests.test_tui_support import flat_text, pilot_test, settle

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026"
PASSPHRASE = "demo-yunling-2026"  # sample-only passphrase, published in sample_cases/README.md


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("tui-launch")
    sealed = work / "case.rvb"
    (work / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["seal", str(SAMPLE), "-o", str(sealed),
                 "--passphrase-file", str(work / "pass.txt")]) == 0
    return sealed


@pilot_test
async def test_unlock_screen_opens_the_bundle(bundle: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    app = ReviewerApp(opener=lambda p: Session.open(bundle, p, db), refresh_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press(*"wrong-passphrase", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen) and app.gateway is None
        assert "口令" in flat_text(app)
        await pilot.press(*PASSPHRASE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, WaitingScreen)
        assert app.gateway is not None
        app.gateway.session.close()


def test_session_tools_check_the_passphrase_and_refuse_bad_sheets(bundle: Path,
                                                                   tmp_path: Path) -> None:
    session = Session.open(bundle, PASSPHRASE, f"sqlite:///{tmp_path / 's.db'}")
    handle = SessionHandle(session)
    tools = SessionTools(bundle, lambda: handle)
    try:
        assert tools.secretary_check(PASSPHRASE)
        assert not tools.secretary_check("not-the-passphrase")
        with pytest.raises(DomainError):
            tools.import_sheets(tmp_path / "missing.csv")
        sheet = tmp_path / "sheet.csv"
        sheet.write_text("expert,application,round,工艺专长\nE99,X1,专业组,30\n", encoding="utf-8")
        with pytest.raises(DomainError):
            tools.import_sheets(sheet)
        assert not session.review.state.scores
        with pytest.raises(DomainError):
            tools.verify(tmp_path / "missing.pdf")
    finally:
        session.close()


@pilot_test
async def test_dashboard_import_replaces_a_submitted_sheet_with_a_reason(bundle: Path,
                                                                        tmp_path: Path) -> None:
    """The same use case as ``reviewer scores import --replace --reason`` (issue 11)."""
    from reviewer.tui.app import ReviewerApp as App
    from reviewer.tui.launch import SessionTools as Tools

    session = Session.open(bundle, PASSPHRASE, f"sqlite:///{tmp_path / 's.db'}")
    expert = session.case.experts[0]
    session.run(lambda r: r.acknowledge(expert.id, paper=True))
    apps = [a.id for a in session.review.scope(expert.id)
            if not session.review.conflicts.is_recused(expert.id, a.id, session.review.state)]
    names = [c.name for c in session.panel.expert_criteria]
    half = [str(session.review.points[c.key] / 2) for c in session.panel.expert_criteria]
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("expert,application,round," + ",".join(names) + "\n" + "".join(
        f"{expert.id},{a},专业组," + ",".join(half) + "\n" for a in apps), encoding="utf-8")
    holder: dict[str, App] = {}
    tools = Tools(bundle, lambda: holder["app"].gateway)  # type: ignore[arg-type,return-value]
    app = App(session, secretary_check=tools.secretary_check, importer=tools.import_sheets,
              refresh_seconds=0)
    holder["app"] = app
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8", *PASSPHRASE, "enter")
        await settle(pilot)
        await pilot.press("i", *str(sheet), "enter", "enter")  # first import: no reason needed
        await settle(pilot)
        assert session.review.is_submitted(expert.id)
        await pilot.press("i", *str(sheet), "enter", "enter")  # again without a reason
        await settle(pilot)
        assert "已提交" in flat_text(app)
        await pilot.press("i", *str(sheet), "enter", *"专家手写更正", "enter")
        await settle(pilot)
    imports = [e for e in session.store.events(0) if e.kind == "scores.imported"]
    assert [(e.payload["replace"], e.payload["reason"]) for e in imports] == [
        (False, ""), (True, "专家手写更正")]
    session.close()
