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
from tests.test_tui_support import (
    build_session,
    flat_text,
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
