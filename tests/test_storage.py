"""The session database: binding to one bundle, schema versions, several terminals, and the
audit chain naming the first broken event after a row is edited, deleted or reordered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from reviewer.domain.errors import DomainError
from reviewer.session import Session, Unlocked
from reviewer.storage.store import StoreError
from tests.builders import Clock, app, expert, make_case


def unlocked(case_id: str = "case-test") -> Unlocked:
    apps = [app("A1", "g1"), app("A2", "g1")]
    experts = [expert(e, ["g1", "comp"]) for e in ("E1", "E2", "E3")]
    case, panel = make_case("yunling-craftsman", apps, experts)
    if case_id != case.case_id:
        from dataclasses import replace

        case = replace(case, case_id=case_id)
    return Unlocked(case, panel, "ab" * 32)


def db_urls(tmp_path: Path) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'session.db'}"]
    return urls


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'session.db'}"
    base = os.environ.get("REVIEWER_TEST_PG_URL")
    if not base:
        pytest.skip("REVIEWER_TEST_PG_URL not set (CI starts a PostgreSQL server)")
    # a fresh database per test keeps runs independent
    name = f"rv_{os.getpid()}_{abs(hash(str(tmp_path))) % 10**8}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def play(session: Session) -> None:
    session.run(lambda r: r.acknowledge("E1"))
    session.run(lambda r: r.declare_no_conflict("E1", "A1"))  # 回避申明 before scoring
    session.run(lambda r: r.set_score("E1", "A1", "craft_expertise", "20"))
    session.run(lambda r: r.set_score("E1", "A1", "craft_expertise", "21.5"))
    session.run(lambda r: r.declare_conflict("E1", "A2", "relative", "配偶"))


def test_events_persist_and_replay_to_the_same_state(url: str) -> None:
    first = Session.attach(unlocked(), url, Clock())
    play(first)
    first.close()
    again = Session.attach(unlocked(), url, Clock())
    state = again.review.state
    assert state.acks["E1"][1] is False
    assert str(state.scores[("E1", "A1", "professional")]["craft_expertise"]) == "21.5"
    assert ("E1", "A2") in state.declared
    # every version of the score is kept, old -> new
    changes = [e.payload for e in again.store.events() if e.kind == "score.set"]
    assert [(c["old"], c["value"]) for c in changes] == [(None, "20"), ("20", "21.5")]
    report = again.verify_audit()
    assert report.ok and report.count == 6 and report.head == state.head
    again.close()


def test_two_terminals_decide_on_the_latest_chain(url: str) -> None:
    one = Session.attach(unlocked(), url, Clock())
    two = Session.attach(unlocked(), url, Clock())
    one.run(lambda r: r.acknowledge("E2"))
    # terminal two has not refreshed, yet it must refuse a second acknowledgement
    with pytest.raises(DomainError) as err:
        two.run(lambda r: r.acknowledge("E2"))
    assert err.value.code == "review.already_acknowledged"
    two.run(lambda r: r.acknowledge("E3"))
    one.refresh()
    assert set(one.review.state.acks) == {"E2", "E3"}
    assert one.review.state.head == two.review.state.head
    assert one.verify_audit().ok
    one.close()
    two.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Session.attach(unlocked(), url, Clock()).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_info SET version = 99"))
    engine.dispose()
    with pytest.raises(StoreError) as err:
        Session.attach(unlocked(), url, Clock())
    assert err.value.code == "store.newer_schema"
    assert "99" in str(err.value)


def test_database_of_another_case_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Session.attach(unlocked(), url, Clock()).close()
    with pytest.raises(StoreError) as err:
        Session.attach(unlocked("other-case"), url, Clock())
    assert err.value.code == "store.other_session"


def tamper(url: str, statement: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for part in statement.split(";"):
            conn.execute(text(part))
    engine.dispose()


@pytest.mark.parametrize(
    ("statement", "broken", "problem"),
    [
        # an edited score
        ("UPDATE audit_events SET payload = replace(payload, '21.5', '25') WHERE seq = 5",
         5, "edited"),
        # a deleted row in the middle
        ("DELETE FROM audit_events WHERE seq = 4", 4, "missing"),
        # two rows swapped (reordered)
        ("UPDATE audit_events SET seq = -4 WHERE seq = 4; "
         "UPDATE audit_events SET seq = 4 WHERE seq = 5; "
         "UPDATE audit_events SET seq = 5 WHERE seq = -4", 4, "reordered"),
        # the newest row deleted: the chain is intact but shorter than its recorded head
        ("DELETE FROM audit_events WHERE seq = 6", 6, "truncated"),
    ],
)
def test_audit_verify_names_the_first_broken_event(tmp_path: Path, statement: str, broken: int,
                                                   problem: str) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    session = Session.attach(unlocked(), url, Clock())
    play(session)
    assert session.verify_audit().ok
    tamper(url, statement)
    report = session.verify_audit()
    assert not report.ok
    assert report.broken_seq == broken
    assert report.problem == problem
    session.close()


def test_failed_pins_are_recorded_even_though_the_action_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    session = Session.attach(unlocked(), url, Clock())
    with pytest.raises(DomainError) as err:
        session.check_pin("E1", "000000")
    assert err.value.code == "review.pin_wrong"
    kinds = [e.kind for e in session.store.events()]
    assert kinds[-1] == "pin.failed"
    session.close()


def test_after_a_command_the_sqlite_file_alone_holds_the_whole_session(tmp_path: Path) -> None:
    """A secretary who copies the session database after a command (a backup, a hand-over)
    copies one file: the command closes its connections itself, so SQLite has folded the WAL
    back into the file and the copy has every event, not only those of earlier commands."""
    import shutil
    import sqlite3
    import subprocess
    import sys

    from tests.session_fixtures import sealed_case

    bundle = sealed_case(tmp_path, apps=4, experts=13)
    db = tmp_path / "s.db"
    root = Path(__file__).resolve().parent.parent
    for argv in (["results", "--json"], ["ack", "--expert", "E0000", "--paper"]):
        subprocess.run([sys.executable, "-m", "reviewer.cli.main", argv[0], str(bundle),
                        *argv[1:], "--passphrase-file", str(tmp_path / "case.passphrase"),
                        "--db", f"sqlite:///{db}"], cwd=root, check=True, capture_output=True)
    copy = tmp_path / "copy" / "s.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)  # the file only, as a person copies it
    with sqlite3.connect(copy) as conn:
        kinds = [k for (k,) in conn.execute("SELECT kind FROM audit_events ORDER BY seq")]
    assert kinds[0] == "session.opened" and kinds[-1] == "ack.recorded", kinds
