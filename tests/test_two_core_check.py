"""A long history checked on two cores (``Session(fork_verifier=True)``): a forked child
follows the later half of the stored rows while this process checks the first. It must be
exactly the check one core makes: the same state and MAC digest when nothing was touched, and
for every edit an insider can make at any row — on either side of the split or on it — the
same refusal, naming the same event. A child that fails or lies is never believed."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import reviewer.session as session_module
from reviewer.domain.audit import ChainBroken
from reviewer.domain.results import results
from reviewer.session import Session
from reviewer.storage.forked import Forked
from tests.builders import Clock
from tests.session_fixtures import BENCH_PASSPHRASE, CRITERIA, backend_url, sealed_case
from tests.tamper import execute
from tests.test_snapshot import unlocked  # the same three applications and experts


@pytest.fixture(autouse=True)
def short_history_counts_as_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    assert not others, f"threads left running by an earlier test: {others} (a process " \
                       "with other threads never forks, so these tests could not check it)"
    monkeypatch.setenv("REVIEWER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(session_module, "SNAPSHOT_EVERY", 1)  # after every write
    monkeypatch.setattr(session_module, "FORK_FROM", 4)


def opened(url: str, *, two_cores: bool) -> Session:
    return Session.attach(unlocked(), url, Clock(), fork_verifier=two_cores)


def play(url: str) -> int:
    """A short session whose snapshot covers all of it; its number of events."""
    session = opened(url, two_cores=False)
    for expert_id in ("E1", "E2", "E3"):
        session.run(lambda r, e=expert_id: r.acknowledge(e))
    for expert_id in ("E1", "E2"):
        for app_id in ("A1", "A2"):
            session.run(lambda r, e=expert_id, a=app_id: r.declare_no_conflict(e, a))
            for criterion in CRITERIA:
                session.run(lambda r, e=expert_id, a=app_id, c=criterion:
                            r.set_score(e, a, c, "18"))
    total = session.seq
    assert session.snapshot is not None
    snap = session.snapshot.load()
    assert snap is not None and snap.point.seq == total  # the open starts from it
    session.close()
    return total


def outcome(url: str, *, two_cores: bool) -> tuple[object, ...]:
    """What an open shows: the refusal (problem, event), or the state it arrived at."""
    try:
        session = opened(url, two_cores=two_cores)
    except ChainBroken as broken:
        return ("refused", broken.problem, broken.seq)
    try:
        return ("open", session.seq, session.verifier.point, session.verifier.macs_digest(),
                json.dumps(results(session.review), sort_keys=True, default=str))
    finally:
        session.close()


@pytest.fixture
def played(tmp_path: Path) -> Iterator[tuple[str, int]]:
    url = f"sqlite:///{tmp_path / 'two.db'}"
    yield url, play(url)


def test_an_untouched_history_checked_on_two_cores_is_the_one_core_check(
        played: tuple[str, int]) -> None:
    url, total = played
    one = opened(url, two_cores=False)
    two = opened(url, two_cores=True)
    try:
        assert one.forked_rows == 0
        assert two.forked_rows == total - total // 2  # the child checked the later half
        assert (two.seq, two.verifier.point, two.verifier.macs_digest()) == \
            (one.seq, one.verifier.point, one.verifier.macs_digest())
        assert two.review.state == one.review.state
        two.run(lambda r: r.set_score("E1", "A1", "leadership", "12"))  # and carries on
        assert two.verify_audit().ok
    finally:
        one.close()
        two.close()


EDITS = {
    "payload": "UPDATE audit_events SET actor = actor || 'x' WHERE seq = {k}",
    "stored hash": "UPDATE audit_events SET hash = '{zeros}' WHERE seq = {k}",
    "stored MAC": "UPDATE audit_events SET mac = '{zeros}' WHERE seq = {k}",
    "deleted": "DELETE FROM audit_events WHERE seq = {k}",
    "swapped with the next": "UPDATE audit_events SET seq = -1 WHERE seq = {k};"
                             "UPDATE audit_events SET seq = {k} WHERE seq = {k} + 1;"
                             "UPDATE audit_events SET seq = {k} + 1 WHERE seq = -1",
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_every_edit_at_every_row_is_refused_as_on_one_core(
        played: tuple[str, int], tmp_path: Path, edit: str) -> None:
    """Rows 1..total, the split among them: the child's half, the parent's, the row where
    one stops and the other starts, the first and the last."""
    url, total = played
    database, state = tmp_path / "two.db", tmp_path / "state"
    pristine_db, pristine_state = tmp_path / "pristine.db", tmp_path / "pristine-state"
    shutil.copy(database, pristine_db)
    shutil.copytree(state, pristine_state)
    refused = 0
    for k in range(1, total + 1):
        if edit == "swapped with the next" and k == total:
            continue
        seen = []
        for two_cores in (False, True):
            shutil.copy(pristine_db, database)
            shutil.rmtree(state)
            shutil.copytree(pristine_state, state)
            execute(url, *EDITS[edit].format(k=k, zeros="0" * 64).split(";"))
            seen.append(outcome(url, two_cores=two_cores))
        assert seen[1] == seen[0], f"row {k}"
        refused += seen[0][0] == "refused"
    assert refused >= total - 1  # each edit is refused wherever it is made


def test_a_child_that_fails_or_lies_is_not_believed(played: tuple[str, int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = played
    expected = outcome(url, two_cores=False)
    real = session_module._follow_in_child

    def fails(*args: object) -> bytes:
        raise RuntimeError("the child's database went away")

    def garbles(*args: object) -> bytes:
        return b"not what a child writes"

    def starts_elsewhere(store, since, until, seen):  # type: ignore[no-untyped-def]
        return real(store, since + 1, until, seen)  # a different row than the parent's last

    for child in (fails, garbles, starts_elsewhere):
        monkeypatch.setattr(session_module, "_follow_in_child", child)
        session = opened(url, two_cores=True)
        try:
            assert session.forked_rows == 0  # this process read the rest itself
            assert (session.seq, session.verifier.point, session.verifier.macs_digest()) == \
                expected[1:4]
        finally:
            session.close()


def test_a_process_with_another_thread_does_not_fork(played: tuple[str, int]) -> None:
    """The terminal application runs threads: a fork there could copy a held lock."""
    url, _ = played
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert Forked.start(lambda: b"") is None
        session = opened(url, two_cores=True)
        assert session.forked_rows == 0
        session.close()
    finally:
        stop.set()
        other.join()


def test_a_child_that_is_cancelled_is_reaped() -> None:
    child = Forked.start(lambda: threading.Event().wait(60) and b"")  # type: ignore[func-returns-value]
    assert child is not None
    child.cancel()
    assert child.result() is None  # nothing left to read or wait for


def test_a_command_checks_a_long_history_on_two_cores_and_prints_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The command line is one process with one thread: it forks; the terminal application
    (threads) and embedding code (``fork_verifier`` left off) do not."""
    from reviewer.cli.main import main

    bundle = sealed_case(tmp_path)
    session = Session.open(bundle, BENCH_PASSPHRASE)
    for person in session.case.experts:
        session.run(lambda r, e=person.id: r.acknowledge(e, paper=True))
    session.close()
    children: list[Forked | None] = []
    real_start = Forked.start

    def counted(work):  # type: ignore[no-untyped-def]
        children.append(real_start(work))
        return children[-1]

    monkeypatch.setattr(Forked, "start", staticmethod(counted))
    printed = []
    for fork_from in (10**9, 4):
        monkeypatch.setattr(session_module, "FORK_FROM", fork_from)
        capsys.readouterr()
        assert main(["results", str(bundle), "--json", "--passphrase-file",
                     str(tmp_path / "case.passphrase")]) == 0
        printed.append(capsys.readouterr().out)
    assert len(children) == 1 and children[0] is not None  # forked the second time only
    assert printed[1] == printed[0]


def test_the_terminal_application_forks_only_before_it_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``reviewer open`` with the passphrase given opens before the application runs its
    threads (two cores allowed); the unlock screen's open runs beside them (not allowed)."""
    import gc

    import reviewer.services.opening as opening
    from reviewer.cli.main import main
    from reviewer.settings import Settings
    from reviewer.tui.app import ReviewerApp

    allowed: list[bool] = []

    def recorded(bundle: Path, passphrase: str, settings: Settings | None = None) -> None:
        assert settings is not None
        allowed.append(settings.fork_verifier)

    def unlock_screen_opens(app: ReviewerApp) -> None:
        assert app.opener is not None
        app.opener(BENCH_PASSPHRASE)

    monkeypatch.setattr(opening, "open_session", recorded)
    monkeypatch.setattr(ReviewerApp, "run", unlock_screen_opens)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # this test process lives on
    bundle = sealed_case(tmp_path)
    assert main(["open", str(bundle), "--passphrase-file",
                 str(tmp_path / "case.passphrase")]) == 0
    assert allowed == [True, False]


@pytest.mark.postgres
def test_two_cores_on_postgresql_check_what_one_core_checks(tmp_path: Path) -> None:
    url = backend_url("postgresql", tmp_path)
    total = play(url)
    one, two = outcome(url, two_cores=False), outcome(url, two_cores=True)
    assert one == two and one[0] == "open" and one[1] == total
    session = opened(url, two_cores=True)
    assert session.forked_rows == total - total // 2
    session.close()
