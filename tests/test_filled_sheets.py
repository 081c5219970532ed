"""Filled score sheets for signature (实名打分, issue 13): after an expert submits, their sheet
is printed with every application of their group and round, each criterion score, 回避 (no
content) and 弃权 marked, totals, the panel's own pledge sentence, a signature and a date line.
Read back with ``pdftotext`` for two measures; refused before submission."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.domain.review import Review
from reviewer.pdf.assemble import filled_sheet, pledge_sentence
from reviewer.pdf.filled_sheet import render_filled_sheets
from reviewer.services import secretary as sec
from reviewer.session import Session
from tests.builders import TEST_PIN, Clock, ack, app, declare, expert, make_case, run
from tests.test_tui_support import (
    build_session,
    log_in,
    make_app,
    pilot_test,
    score_programmatically,
    screen_text,
    settle,
)

ROOT = Path(__file__).resolve().parent.parent
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"),
                                     reason="poppler-utils not installed")


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out


def _flat(text: str) -> str:
    return "".join(text.split())


def _submitted(panel_id: str) -> Review:
    """E1 of g1: scores A1 (criterion by criterion), recused from A2, abstains on A3."""
    case, panel = make_case(panel_id, [app("A1"), app("A2", unit="专家单位E1"), app("A3")],
                            [expert("E1", ["g1"]), expert("E2", ["g1"])])
    review = Review(case, panel, clock=Clock())
    ack(review, "E1")  # A2 is the same unit: recused automatically where the panel says so
    if not review.conflicts.is_recused("E1", "A2", review.state):
        run(review, review.declare_conflict("E1", "A2", "relative", "配偶"))
    declare(review, "E1", "A1", "A3")
    criteria = review.panel.expert_criteria
    for index, criterion in enumerate(criteria):
        value = min(review.points[criterion.key], 10 + index + 0.5 * (index % 2))
        run(review, review.set_score("E1", "A1", criterion.key, str(value)))
    run(review, review.abstain("E1", "A3", "材料不在本人专业范围"))
    run(review, review.submit("E1", confirm_no_conflict=True))
    return review


@needs_pdftotext
@pytest.mark.parametrize(("panel_id", "quote"), [
    ("yunling-craftsman", "坚持公开、公平、公正原则，按照工艺专长、技能水平、领军作用、业绩贡献"),
    ("innovation-achievement", "对申报项目的科技水平、技术难度、关键技术和创新点"),
])
def test_the_filled_sheet_reads_right(panel_id: str, quote: str, tmp_path: Path) -> None:
    review = _submitted(panel_id)
    sheet = filled_sheet(review, "E1", "professional")
    [recused] = [r for r in sheet.rows if r.mark == "回避"]
    assert (recused.app_id, recused.name, recused.unit, recused.values) == ("A2", "", "", ("",) * 4)
    pdf = tmp_path / "sheet.pdf"
    render_filled_sheets([sheet], pdf)
    text = _text(pdf)
    flat = _flat(text)
    values = review.state.scores[("E1", "A1", "professional")]
    total = sum(values.values())
    a1 = next(line for line in text.splitlines() if "A1" in line and "申报人A1" in line)
    for criterion in review.panel.expert_criteria:
        assert format(values[criterion.key].normalize(), "f") in a1.split()
        assert criterion.name in flat
    assert format(total.normalize(), "f") in a1.split()  # the total
    a2 = next(line for line in text.splitlines() if " A2 " in f" {line} ")
    assert "回避" in a2 and "申报人A2" not in flat  # no content of a recused application
    a3 = next(line for line in text.splitlines() if "申报人A3" in line)
    assert "弃权" in a3
    assert "专家E1" in flat and "(E1)" in flat.replace("（", "(").replace("）", ")")
    assert _flat(quote) in flat  # the pledge sentence from this measure's own panel
    assert review.panel.policy in flat and review.panel.confidentiality_article in flat
    assert "评审专家签名" in flat and "日期" in flat and "+08:00" in flat
    assert "已评分1项，回避1项，弃权1项" in flat


def test_the_pledge_sentence_is_each_panels_own() -> None:
    craftsman = pledge_sentence(_submitted("yunling-craftsman"))
    achievement = pledge_sentence(_submitted("innovation-achievement"))
    assert "云岭工匠选树管理办法" in craftsman and "第十九条" in craftsman
    assert "技术创新成果" in achievement and "云岭工匠" not in achievement
    assert craftsman != achievement


# -- through the CLI, on a sealed sample -------------------------------------------------------

SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026.rvb"
PASSPHRASE = "demo-yunling-2026"  # sample-only passphrase, published in its README


@pytest.fixture(scope="module")
def pledged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reviewer.bundle import KdfParams, open_bundle, seal

    work = tmp_path_factory.mktemp("filled")
    opened = open_bundle(SAMPLE, PASSPHRASE)
    bundle = work / "case.rvb"
    seal(list(opened.entries.items()), bundle, PASSPHRASE, header_info=opened.header.info,
         kdf=KdfParams(time_cost=1, memory_cost=1024, parallelism=1))
    (work / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    session = Session.open(bundle, PASSPHRASE)
    for e in session.case.experts:
        session.run(lambda r, x=e.id: r.acknowledge(x, paper=True))
    session.close()
    return bundle


def cli(bundle: Path, *args: str) -> int:
    return main([args[0], str(bundle), "--passphrase-file", str(bundle.parent / "pass.txt"),
                 *args[1:]])


def test_a_filled_sheet_is_refused_before_submission(pledged: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    session = Session.open(pledged, PASSPHRASE)
    expert_id = session.case.experts[0].id
    session.close()
    out = tmp_path / "sheet.pdf"
    assert cli(pledged, "sheets", "--filled", "--expert", expert_id, "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert "尚未提交" in err and expert_id in err and "Traceback" not in err
    assert cli(pledged, "sheets", "--filled", "--expert", expert_id, "--round", "专业组",
               "-o", str(out)) == 1  # a round named explicitly: refused the same way
    assert "尚未提交" in capsys.readouterr().err
    assert cli(pledged, "sheets", "--filled", "-o", str(out)) == 1
    assert "还没有已提交的评分表" in capsys.readouterr().err
    assert cli(pledged, "sheets", "--filled", "--expert", "NOBODY", "-o", str(out)) == 1
    assert cli(pledged, "sheets", "--round", "专业组", "-o", str(out)) == 1  # --filled only
    assert not out.exists() and list(tmp_path.iterdir()) == []


@needs_pdftotext
def test_filled_sheets_from_the_cli_one_file_per_expert(pledged: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_cli_session import write_sheets

    sheet = tmp_path / "professional.csv"
    write_sheets(pledged, sheet, "专业组", PASSPHRASE)
    assert main(["scores", "import", str(pledged), str(sheet), "--passphrase-file",
                 str(pledged.parent / "pass.txt")]) == 0
    session = Session.open(pledged, PASSPHRASE)
    review = session.review
    recused = next(((e.id, a.id) for e in review.case.experts for a in review.scope(e.id)
                    if review.conflicts.is_recused(e.id, a.id, review.state)), None)
    submitted = [e.id for e in review.case.experts if review.is_submitted(e.id, "professional")]
    names = {e.id: e.name for e in review.case.experts}
    app_names = {a.id: a.name for a in review.case.applications}
    session.close()
    folder = tmp_path / "sheets"
    folder.mkdir()
    assert cli(pledged, "sheets", "--filled", "--round", "专业组", "-o", str(folder)) == 0
    files = sorted(folder.iterdir())
    assert len(files) == len(submitted)
    assert all(f.name.endswith("-professional-sheet.pdf") for f in files)
    if recused is not None:  # the sample has a same-unit recusal: 回避 with no content
        expert_id, app_id = recused
        mine = next(f for f in files if f"-{expert_id}-" in f.name)
        flat = _flat(_text(mine))
        assert names[expert_id] in flat and app_id in flat and "回避" in flat
        assert app_names[app_id] not in flat
    one = tmp_path / "one.pdf"
    assert cli(pledged, "sheets", "--filled", "--expert", submitted[0], "-o", str(one)) == 0
    assert names[submitted[0]] in _flat(_text(one))


# -- the terminal: submit, then print one's own sheet; a dissent from the dialog -----------------

@needs_pdftotext
@pilot_test
async def test_submit_then_print_own_sheet_at_the_terminal(tmp_path: Path) -> None:
    from reviewer.tui.screens.own_sheet import OwnSheetScreen
    from reviewer.tui.screens.submit import SubmitScreen
    from reviewer.tui.screens.waiting import WaitingScreen

    session, _ = build_session(tmp_path)
    score_programmatically(session, "E2", {"A1": 90, "A2": 80, "A3": 70, "A4": 60})
    score_programmatically(session, "E1", {"A1": 88, "A3": 71, "A4": 64})  # recused from A2
    session.run(sec.Reopen("E1", "再核对").decide)
    out = tmp_path / "out"
    out.mkdir()
    app_ = make_app(session, export_path=out / "results.pdf")
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app_.screen, SubmitScreen)
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("tab", *TEST_PIN, "enter")
        await settle(pilot)
        assert session.review.is_submitted("E1")
        assert isinstance(app_.screen, OwnSheetScreen)  # the offer to print, on submission
        assert "打印本人评分表" in screen_text(app_)
        await pilot.press("p")
        await settle(pilot)
        [written] = list(out.iterdir())
        assert "E1" in written.name and str(written) in "".join(screen_text(app_).split())
        flat = _flat(_text(written))
        assert "专家E1" in flat and "申报人A1" in flat and "88" in flat
        assert "回避" in flat and "申报人A2" not in flat  # recused: no content
        assert "专家E2" not in flat  # only their own
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app_.screen, WaitingScreen) and app_.expert is None


@pilot_test
async def test_a_dissent_from_the_terminal_dialog(tmp_path: Path) -> None:
    from reviewer.tui.screens.dissent_dialog import DissentDialog
    from reviewer.tui.screens.own_sheet import OwnSheetScreen

    session, _ = build_session(tmp_path, min_experts=2)
    for expert_id in ("E1", "E2", "E3"):
        totals = {"A1": 90, "A3": 70, "A4": 60}
        if expert_id != "E1":
            totals["A2"] = 80
        score_programmatically(session, expert_id, totals)
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0)  # the round is still open: no round to dissent on yet
        assert isinstance(app_.screen, OwnSheetScreen)
        await pilot.press("d")
        await settle(pilot)
        assert "目前没有可提出不同意见的轮次" in "".join(screen_text(app_).split())
        await pilot.press("escape")
        await settle(pilot)
        session.run(sec.Advance().decide)  # the professional round closes
        await log_in(pilot, 0, skip_pin_change=False)  # the PIN change was skipped already
        assert isinstance(app_.screen, OwnSheetScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app_.screen, DissentDialog)
        await pilot.click("#dissent-ok")  # empty: refused in the dialog
        await settle(pilot)
        assert isinstance(app_.screen, DissentDialog)
        await pilot.click("#dissent-text")
        await pilot.press(*"A3 low", "enter", *"v2")  # several lines are kept
        await pilot.click("#dissent-ok")
        await settle(pilot)
        assert isinstance(app_.screen, OwnSheetScreen)
        assert "您的不同意见已记录" in "".join(screen_text(app_).split())
    [dissent] = session.review.state.dissents
    assert dissent["expert"] == "E1" and dissent["round"] == "professional"
    assert dissent["text"] == "A3 low\nv2" and dissent["by"] == "expert:E1"
