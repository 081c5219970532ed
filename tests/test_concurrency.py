"""A review room: many terminals writing one session at once (issue 14 "Many terminals").

Twenty (``REVIEWER_CONCURRENCY``, default 20) processes, one per professional-group expert,
start on one signal and declare, score and submit through the real session on SQLite (WAL,
one file) and PostgreSQL. Afterwards nothing is lost or duplicated and the audit chain
verifies. Then several terminals press "advance" at the same moment, or record different
orders for one tie: the round moves exactly once, one order is recorded, and every other
terminal gets a clear refusal, not a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.session_fixtures import (
    BENCH_PASSPHRASE,
    CRITERIA,
    ROOT,
    backend_url,
    close_with_tie,
    pledged,
    professional_experts,
    sealed_case,
    tied_case,
)

TERMINALS = int(os.environ.get("REVIEWER_CONCURRENCY", "20"))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sealed_case(tmp_path_factory.mktemp("room"), apps=6, experts=TERMINALS + 5)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_twenty_terminals_score_and_submit_at_once(bundle: Path, backend: str,
                                                   tmp_path: Path) -> None:
    from reviewer.session import Session

    url = backend_url(backend, tmp_path)
    pledged(bundle, url)
    scorers = professional_experts(bundle, url)
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    review = session.review
    assert len(scorers) >= TERMINALS
    scorers = scorers[:TERMINALS]
    expected_cells = {(e, a.id) for e in scorers for a in review.scope(e)}
    session.close()

    flag = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-m", "tests.session_fixtures", "score",
                               str(bundle), url, expert, str(flag)], cwd=ROOT, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for expert in scorers]
    flag.touch()
    # a reader terminal and the supervisor's full check run while everyone writes: a commit
    # landing between two reads must never look like a broken chain
    reader = Session.open(bundle, BENCH_PASSPHRASE, url)
    checks = 0
    try:
        while any(proc.poll() is None for proc in procs) and checks < 400:
            reader.refresh()
            report = reader.verify_audit()
            assert report.ok, report
            checks += 1
    finally:
        reader.close()
    failures = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            failures.append(err[-2000:])
    assert failures == []

    after = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:
        assert after.verify_audit().ok
        events = after.store.events(0)
        scores = Counter((e.payload["expert"], e.payload["application"], e.payload["criterion"])
                         for e in events if e.kind == "score.set")
        # every cell written exactly once: nothing lost, nothing applied twice
        assert set(scores) == {(e, a, c) for e, a in expected_cells for c in CRITERIA}
        assert set(scores.values()) == {1}
        submitted = Counter(e.payload["expert"] for e in events if e.kind == "sheet.submitted")
        assert submitted == Counter(dict.fromkeys(scorers, 1))
        seqs = [e.seq for e in events]
        assert seqs == list(range(1, len(events) + 1))
        assert all(after.review.is_submitted(e) for e in scorers)
    finally:
        after.close()


def _race(flag: Path, workers: list[list[str]]) -> list[tuple[int, str, str]]:
    """Start one terminal per worker, wait until each has opened the session and looked,
    then give the one signal: (exit code, stdout, stderr) of each."""
    procs = [subprocess.Popen([sys.executable, "-m", "tests.session_fixtures", *argv],
                              cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for argv in workers]
    deadline = time.monotonic() + 300
    while len(list(flag.parent.glob(f"{flag.name}.ready.*"))) < len(procs):
        assert time.monotonic() < deadline, "terminals never opened the session"
        assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs
                                                      if p.poll() is not None]
        time.sleep(0.02)
    flag.touch()
    return [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sealed_case(tmp_path_factory.mktemp("small"), apps=6, experts=12)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_simultaneous_advance_moves_the_round_once(small_bundle: Path, backend: str,
                                                   tmp_path: Path) -> None:
    from reviewer.session import Session
    from tests.session_fixtures import worker_score

    bundle = small_bundle

    url = backend_url(backend, tmp_path)
    pledged(bundle, url)
    scorers = professional_experts(bundle, url)
    flag = tmp_path / "go"
    flag.touch()
    for expert in scorers:  # every professional sheet in: the round may close
        worker_score(str(bundle), url, expert, str(flag))
    flag.unlink()
    # every terminal has seen the open round before any presses "advance" (with --force:
    # even a terminal allowed to force must not close the *next* round by accident)
    results = _race(flag, [["advance", str(bundle), url, str(flag)]] * 4)
    for code_, _out, err in results:
        assert "Traceback" not in err
        assert code_ in (0, 1), err
    # the losers were told the round had moved on, in so many words
    assert sorted(err.strip() for code_, _, err in results if code_ == 1) == \
        ["review.round_moved_on"] * 3
    after = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:
        advances = [e for e in after.store.events(0) if e.kind == "round.advanced"]
        # the round moved once; the terminals that lost the race were told, not applied
        assert [a.payload["from"] for a in advances] == ["professional"]
        assert sorted(code_ for code_, _, _ in results) == [0, 1, 1, 1]
        assert after.verify_audit().ok
    finally:
        after.close()


@pytest.fixture(scope="module")
def tied_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tied_case(tmp_path_factory.mktemp("tie"))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_simultaneous_tie_votes_record_one_order(tied_bundle: Path, backend: str,
                                                 tmp_path: Path) -> None:
    """Four secretary terminals each record a different order for the same tie at once:
    one order is recorded, the other three are told the tie was decided, nothing is doubled."""
    from reviewer.domain.results import results
    from reviewer.session import Session

    url = backend_url(backend, tmp_path)
    tie = close_with_tie(tied_bundle, url)
    orders = [",".join(tie[k:] + tie[:k]) for k in range(4)]  # four different votes
    assert len(set(orders)) == 4
    flag = tmp_path / "go"
    outcome = _race(flag, [["resolve", str(tied_bundle), url, order, str(flag)]
                           for order in orders])
    for code_, _out, err in outcome:
        assert "Traceback" not in err
        assert code_ in (0, 1), err
    assert sorted(code_ for code_, _, _ in outcome) == [0, 1, 1, 1]
    assert sorted(err.strip() for code_, _, err in outcome if code_ == 1) == \
        ["review.tie_already_resolved"] * 3
    winner = next(order for order, (code_, _, _) in zip(orders, outcome, strict=True)
                  if code_ == 0)
    after = Session.open(tied_bundle, BENCH_PASSPHRASE, url)
    try:
        assert after.verify_audit().ok
        recorded = [e.payload["order"] for e in after.store.events(0)
                    if e.kind == "tie.resolved"]
        assert recorded == [winner.split(",")]
        out = results(after.review).to_json()
        assert out["unresolved_ties"] == []
        assert [r["order"] for r in out["resolved_ties"]] == [winner.split(",")]
    finally:
        after.close()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_sheet_submitted_on_one_terminal_takes_no_score_from_another(small_bundle: Path,
                                                                       backend: str,
                                                                       tmp_path: Path) -> None:
    """One expert signed in on two terminals: one submits while the other keeps changing a
    score. The second is told the sheet is locked, and no score lands after the submission."""
    from reviewer.session import Session
    from tests.session_fixtures import worker_score

    url = backend_url(backend, tmp_path)
    pledged(small_bundle, url)
    expert = professional_experts(small_bundle, url)[0]
    flag = tmp_path / "go"
    worker_score(str(small_bundle), url, expert, str(flag), submit=False, wait=False)
    session = Session.open(small_bundle, BENCH_PASSPHRASE, url)
    app = session.review.scope(expert)[0].id
    session.close()
    submitter, scorer = _race(flag, [["submit", str(small_bundle), url, expert, str(flag)],
                                     ["rescore", str(small_bundle), url, expert, app,
                                      str(flag)]])
    assert submitter[0] == 0, submitter[2]
    assert scorer[0] == 1, scorer  # refused, not still scoring after the submission
    changed = int(scorer[1].split()[0])  # the changes it made before the lock
    assert scorer[2].strip() == "review.sheet_locked"
    after = Session.open(small_bundle, BENCH_PASSPHRASE, url)
    try:
        assert after.verify_audit().ok
        events = [e for e in after.store.events(0) if e.payload.get("expert") == expert]
        submitted = [e.seq for e in events if e.kind == "sheet.submitted"]
        assert len(submitted) == 1
        scored = [e.seq for e in events if e.kind == "score.set"
                  and e.payload["application"] == app and e.payload["criterion"] == CRITERIA[0]]
        assert max(scored) < submitted[0]  # nothing changed the sheet after it was submitted
        assert len(scored) == 1 + changed  # the first entry, then each change, none lost
    finally:
        after.close()
