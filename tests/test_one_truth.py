"""Every rule is the core's: the same refusal, in the same words, whichever front-end asked.

The terminal's path (保密承诺 → 回避申明 → scoring) steers experts around these refusals, but
it does not decide them: pushed straight to the scoring screen, an expert who has not
declared on an application is refused by the core, with the core's message. The CLI's
secretary commands reach the same checks (round closed) through the same use cases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.domain.errors import DomainError
from reviewer.services import SessionHandle
from reviewer.services import secretary as sec
from reviewer.session import Session
from reviewer.tui.screens.scoring import ScoringScreen
from reviewer.tui.widgets.queue_table import QueueTable
from tests.builders import TEST_PIN
from tests.test_tui_support import (
    build_session,
    flat_text,
    log_in,
    make_app,
    pilot_test,
    score_programmatically,
    settle,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026"
PASSPHRASE = "demo-yunling-2026"  # sample-only passphrase, published in sample_cases/README.md


def refusal(fn) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as err:
        fn()
    return err.value


@pilot_test
async def test_declaration_before_scoring_is_the_cores_rule(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))
    session.run(lambda r: [e for a in ("A1", "A3") for e in r.declare_no_conflict("E1", a)])
    core = refusal(lambda: session.review.set_score("E1", "A4", "craft_expertise", "10"))
    assert core.code == "review.declaration_required"
    also = refusal(lambda: session.review.abstain("E1", "A4", "不熟悉"))
    assert also.code == "review.declaration_required"
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ScoringScreen("E1"))  # past the declaration screen, on purpose
        await settle(pilot)
        await pilot.press("down", "down", "down")  # A4, not declared
        await settle(pilot)
        assert app.screen.query_one(QueueTable).current == "A4"
        await pilot.press("enter", *"10", "enter")
        await settle(pilot)
        assert core.render().replace(" ", "") in flat_text(app)  # flat_text drops spaces
    assert ("E1", "A4", "professional") not in session.review.state.scores


def test_closed_round_is_refused_alike_by_core_and_cli(tmp_path: Path,
                                                        capfd: pytest.CaptureFixture[str]) -> None:
    bundle, db = tmp_path / "case.rvb", tmp_path / "s.db"
    (tmp_path / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["seal", str(SAMPLE), "-o", str(bundle),
                 "--passphrase-file", str(tmp_path / "pass.txt")]) == 0
    session = Session.open(bundle, PASSPHRASE, f"sqlite:///{db}")
    handle = SessionHandle(session)
    review = session.review
    for expert in session.case.experts:  # everyone scores everything they may, then submits
        apps = [a.id for a in review.scope(expert.id)
                if not review.conflicts.is_recused(expert.id, a.id, review.state)]
        if apps:
            score_programmatically(session, expert.id, {a: 60 for a in apps})
    sec.advance(handle, sec.Advance(force=True, reason="测试"))
    sec.advance(handle, sec.Advance(force=True, reason="测试"))
    assert review.round == "closed"
    expert, app_id = session.case.experts[0].id, session.case.applications[0].id
    core = refusal(lambda: review.declare_conflict(expert, app_id, "other", "x",
                                                   by_secretary=True))
    assert core.code == "review.round_closed"
    session.close()
    capfd.readouterr()
    done = subprocess.run(
        [sys.executable, "-m", "reviewer.cli.main", "recuse", str(bundle), "--passphrase-file",
         str(tmp_path / "pass.txt"), "--db", f"sqlite:///{db}", "--expert", expert,
         "--application", app_id, "--kind", "其他", "--reason", "x"],
        capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert core.render() in done.stderr


def _sealed_sample(tmp_path: Path) -> tuple[Path, Path, Path]:
    bundle, db, passfile = tmp_path / "case.rvb", tmp_path / "s.db", tmp_path / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["seal", str(SAMPLE), "-o", str(bundle), "--passphrase-file", str(passfile)]) == 0
    return bundle, db, passfile


def _sheet(session: Session, expert: str, path: Path) -> list[str]:
    """A paper sheet for ``expert``: every application of their scope not recused from."""
    review = session.review
    criteria = review.panel.expert_criteria
    apps = [a.id for a in review.scope(expert)
            if not review.conflicts.is_recused(expert, a.id, review.state)]
    lines = [",".join(["expert", "application", "round", *[c.name for c in criteria]])]
    lines += [",".join([expert, a, "专业组", *["1" for _ in criteria]]) for a in apps]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return apps


def _import(bundle: Path, sheet: Path, passfile: Path, db: Path,
            *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewer.cli.main", "scores", "import", str(bundle), str(sheet),
         "--passphrase-file", str(passfile), "--db", f"sqlite:///{db}", *extra],
        capture_output=True, text=True, cwd=ROOT)


def test_pledge_missing_is_refused_alike_by_core_and_cli(tmp_path: Path) -> None:
    """No 保密承诺, no scores: the terminal's scoring is refused by the core, and the CLI's
    paper import of that expert's sheet is refused with the core's row problem (exit 41)."""
    bundle, db, passfile = _sealed_sample(tmp_path)
    session = Session.open(bundle, PASSPHRASE, f"sqlite:///{db}")
    expert = next(e.id for e in session.case.experts if session.review.scope(e.id))
    apps = _sheet(session, expert, tmp_path / "sheet.csv")
    criterion = session.review.panel.expert_criteria[0].key
    core = refusal(lambda: session.review.set_score(expert, apps[0], criterion, "1"))
    assert core.code == "review.ack_required"
    also = refusal(lambda: session.review.declare_no_conflict(expert, apps[0]))
    assert also.code == "review.ack_required"
    session.close()
    done = _import(bundle, tmp_path / "sheet.csv", passfile, db)
    assert done.returncode == 41
    from reviewer.i18n import t
    assert t("import.no_ack", expert=expert) in done.stderr


def test_submitted_sheet_is_refused_alike_by_core_and_cli(tmp_path: Path) -> None:
    """A submitted sheet is closed: the core refuses a score on it (review.sheet_locked) and
    the CLI refuses to import over it without --replace (import.already_submitted, exit 41);
    with --replace and a reason it goes in."""
    bundle, db, passfile = _sealed_sample(tmp_path)
    session = Session.open(bundle, PASSPHRASE, f"sqlite:///{db}")
    expert = next(e.id for e in session.case.experts if session.review.scope(e.id))
    apps = _sheet(session, expert, tmp_path / "sheet.csv")
    score_programmatically(session, expert, {a: 60 for a in apps})
    criterion = session.review.panel.expert_criteria[0].key
    core = refusal(lambda: session.review.set_score(expert, apps[0], criterion, "1"))
    assert core.code == "review.sheet_locked"
    session.close()
    done = _import(bundle, tmp_path / "sheet.csv", passfile, db)
    assert done.returncode == 41
    from reviewer.i18n import t
    assert t("import.already_submitted", expert=expert) in done.stderr
    replaced = _import(bundle, tmp_path / "sheet.csv", passfile, db, "--replace",
                       "--reason", "纸质评分表为准")
    assert replaced.returncode == 0, replaced.stderr


@pilot_test
async def test_submitted_sheet_is_the_cores_refusal_in_the_terminal(tmp_path: Path) -> None:
    """Pushed straight to the scoring screen after submitting, the expert's score is refused
    by the core, with the core's message (the terminal does not decide it)."""
    session, _ = build_session(tmp_path)
    apps = [a.id for a in session.review.scope("E1")
            if not session.review.conflicts.is_recused("E1", a.id, session.review.state)]
    score_programmatically(session, "E1", {a: 60 for a in apps})
    core = refusal(lambda: session.review.set_score("E1", apps[0], "craft_expertise", "10"))
    assert core.code == "review.sheet_locked"
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ScoringScreen("E1"))
        await settle(pilot)
        assert app.screen.query_one(QueueTable).current == apps[0]
        await pilot.press("enter", *"10", "enter")
        await settle(pilot)
        assert core.render().replace(" ", "") in flat_text(app)
    assert session.review.own_scores("E1", apps[0])["craft_expertise"] != 10


@pilot_test
async def test_pin_lockout_is_the_cores_refusal_in_the_terminal(tmp_path: Path) -> None:
    """Five wrong PINs lock the expert out in the core; the terminal's login shows the core's
    lockout message, even with the right PIN, until the lockout ends."""
    session, clock = build_session(tmp_path)
    expert = session.case.experts[0].id
    for _ in range(5):
        with pytest.raises(DomainError):
            session.check_pin(expert, "000000")
    core = refusal(lambda: session.check_pin(expert, TEST_PIN))
    assert core.code == "review.pin_locked"
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 0, skip_pin_change=False)
        await settle(pilot)  # the login's PIN check runs in a worker
        assert core.render().replace(" ", "") in flat_text(app)
    assert session.review.locked_for(expert) > 0
