"""The keyed audit chain, checked before anything is used (issue 9): what an insider with the
database but not the passphrase can no longer do, replay validation, PIN material at rest,
file modes, damaged databases and bad URLs, and the first-open and advance races."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.session import AUDIT_KEY_LABEL, PIN_VAULT_LABEL, Session, Unlocked
from reviewer.storage.store import StoreError
from tests.builders import CHEAP, TEST_PIN, Clock, app, expert, make_case
from tests.tamper import (
    drop_database,
    execute,
    flip_byte,
    fresh_database_url,
    head_row,
    read_events,
    rewrite,
    set_head,
)

ROOT = Path(__file__).resolve().parent.parent


def unlocked(experts: int = 3) -> Unlocked:
    apps = [app("A1", "g1"), app("A2", "g1")]
    people = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, experts + 1)]
    case, panel = make_case("yunling-craftsman", apps, people)
    return Unlocked(case, panel, "cd" * 32)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    found = fresh_database_url(request.param, tmp_path)
    if found is None:
        pytest.skip("REVIEWER_TEST_PG_URL not set")
    yield found
    drop_database(found)


def play(session: Session) -> None:
    session.run(lambda r: r.acknowledge("E1"))
    session.run(lambda r: r.declare_no_conflict("E1", "A1"))  # 回避申明 before scoring
    session.run(lambda r: r.set_score("E1", "A1", "craft_expertise", "20"))
    session.run(lambda r: r.set_score("E1", "A1", "craft_expertise", "21.5"))
    session.run(lambda r: r.declare_conflict("E1", "A2", "relative", "配偶"))
    session.run(lambda r: r.change_pin("E2", "13572468", hasher=CHEAP.hash))


def opened(url: str, who: Unlocked | None = None) -> Session:
    return Session.attach(who or unlocked(), url, Clock())


def refused(url: str, problem: str, seq: int | None = None) -> ChainBroken:
    with pytest.raises(ChainBroken) as err:
        opened(url)
    assert err.value.problem == problem, err.value.render()
    assert err.value.exit_code == 31
    if seq is not None:
        assert err.value.seq == seq, err.value.render()
    return err.value


def test_a_played_session_verifies_and_replays(url: str) -> None:
    session = opened(url)
    play(session)
    session.close()
    again = opened(url)
    assert again.verify_audit().ok
    assert str(again.review.state.scores[("E1", "A1", "professional")]["craft_expertise"]) == "21.5"
    assert again.seq == 7
    again.close()


def test_an_edit_with_every_hash_recomputed_is_refused_as_forged(url: str) -> None:
    session = opened(url)
    play(session)
    session.close()
    events = read_events(url)
    events[4] = replace(events[4], payload={**events[4].payload, "value": "25"})
    rewrite(url, events)  # SHA-256 chain and head hash agree again; the MACs cannot
    broken = refused(url, "forged", 5)
    assert "5" in broken.render()


def test_the_head_row_cannot_be_lowered_to_hide_deleted_events(url: str) -> None:
    session = opened(url)
    play(session)
    session.close()
    rewrite(url, read_events(url)[:-2])  # newest two deleted, head moved back (old tag kept)
    refused(url, "head")


def test_an_older_authentic_head_put_back_over_newer_events_is_refused(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The head row is read before the rows it covers; rows beyond it are still noticed."""
    session = opened(url)
    session.run(lambda r: r.acknowledge("E1"))
    old_head = head_row(url)
    session.run(lambda r: r.acknowledge("E2"))
    session.close()
    set_head(url, old_head)  # the newer events stay; the head claims the history ends earlier
    monkeypatch.setenv("REVIEWER_STATE_DIR", str(tmp_path / "fresh-terminal"))  # no checkpoint
    broken = refused(url, "truncated", old_head["seq"] + 1)
    assert broken.exit_code == 31


def test_an_empty_head_row_is_named(url: str) -> None:
    session = opened(url)
    play(session)
    session.close()
    execute(url, "DELETE FROM chain_head")
    refused(url, "head")


def test_truncation_to_an_earlier_authentic_head_is_caught_by_the_checkpoint(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = opened(url)
    session.run(lambda r: r.acknowledge("E1"))
    old_head = head_row(url)  # the insider saves this authentic head row
    play_later = [lambda r: r.acknowledge("E2"), lambda r: r.acknowledge("E3")]
    for command in play_later:
        session.run(command)
    session.close()
    kept = old_head["seq"]
    execute(url, f"DELETE FROM audit_events WHERE seq > {kept}")
    set_head(url, old_head)
    # this terminal saw events up to 4: the database is behind its checkpoint
    broken = refused(url, "rolled_back", kept + 1)
    assert "checkpoint" in broken.render().lower() or "检查点" in broken.render()
    # the documented limit: a terminal that never saw the later events cannot know
    monkeypatch.setenv("REVIEWER_STATE_DIR", str(tmp_path / "fresh-terminal"))
    fresh = opened(url)
    assert fresh.seq == kept
    fresh.close()


def test_a_score_of_1000_is_refused_even_with_the_key(url: str) -> None:
    """Replay validation: an insider holding the key still cannot make the core accept a
    score the live command would refuse."""
    who = unlocked()
    session = opened(url, who)
    play(session)
    session.close()
    events = read_events(url)
    events[4] = replace(events[4], payload={**events[4].payload, "value": "1000"})
    rewrite(url, events, key=who.key(AUDIT_KEY_LABEL))
    broken = refused(url, "invalid", 5)
    assert "score_out_of_range" in broken.detail


@pytest.mark.parametrize(("change", "field"), [
    ({"value": "20.3"}, "score_not_half_step"),
    ({"value": "abc"}, "score_not_number"),
    ({"value": 20}, "value: int"),
    ({"criterion": "nonsense"}, "unknown_criterion"),
    ({"expert": "E99"}, "unknown E99"),
    ({"application": "A99"}, "unknown A99"),
    ({"round": "comprehensive"}, "is not open"),
    (None, "expert: missing"),
])
def test_replay_validates_each_field_as_the_live_command(tmp_path: Path, change: dict | None,
                                                         field: str) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    who = unlocked()
    session = opened(url, who)
    play(session)
    session.close()
    events = read_events(url)
    payload = {} if change is None else {**events[4].payload, **change}
    events[4] = replace(events[4], payload=payload)
    rewrite(url, events, key=who.key(AUDIT_KEY_LABEL))
    broken = refused(url, "invalid", 5)
    assert field in broken.detail, broken.detail


def test_a_changed_pin_is_sealed_and_a_forged_one_opens_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    who = unlocked()
    session = opened(url, who)
    play(session)
    session.check_pin("E2", "13572468")
    session.close()
    changed = [e for e in read_events(url) if e.kind == "pin.changed"]
    assert len(changed) == 1
    payload = changed[0].payload
    assert "pin_hash" not in payload and "$argon2" not in json.dumps(payload)
    assert payload["pin_sealed"].startswith("v1:")
    # the insider's own argon2 hash, put in with every hash and even the MAC recomputed
    events = read_events(url)
    events.append(replace(events[-1], kind="pin.changed", actor="expert:E1",
                          payload={"expert": "E1", "pin_hash": CHEAP.hash("000000")}))
    rewrite(url, events)
    refused(url, "forged", len(events))
    rewrite(url, events, key=who.key(AUDIT_KEY_LABEL))
    refused(url, "invalid", len(events))
    # a sealed hash moved to another expert does not open either
    events[-1] = replace(events[-1], payload={"expert": "E1", "pin_sealed": payload["pin_sealed"]})
    rewrite(url, events, key=who.key(AUDIT_KEY_LABEL))
    assert "pin_sealed" in refused(url, "invalid", len(events)).detail


def test_the_session_refuses_everything_once_broken(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    one = opened(url)
    two = opened(url)
    play(one)
    execute(url, "UPDATE audit_events SET payload = replace(payload, '21.5', '25') WHERE seq = 5")
    # terminal two has not seen event 5 yet: its next refresh or command refuses
    with pytest.raises(ChainBroken) as err:
        two.run(lambda r: r.acknowledge("E3"))
    assert err.value.seq == 5 and err.value.problem == "edited"
    with pytest.raises(ChainBroken):
        two.refresh()
    # terminal one verified event 5 before the edit: the supervisor's full check sees it
    report = one.verify_audit()
    assert not report.ok and report.broken_seq == 5 and report.problem == "edited"
    assert [e.kind for e in read_events(url)].count("ack.recorded") == 1  # nothing written
    one.close()
    two.close()


def test_verification_is_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    session = opened(url)
    play(session)
    fed: list[int] = []
    original = session.verifier.feed
    monkeypatch.setattr(session.verifier, "feed", lambda e: (fed.append(e.seq), original(e)))
    session.run(lambda r: r.acknowledge("E3"))  # its own write: chained here, not re-read
    other = opened(url)
    other.run(lambda r: r.declare_no_conflict("E3", "A1"))
    other.close()
    session.refresh()
    assert fed == [9]  # only the other terminal's new event, not the eight before it
    session.close()


def test_the_sqlite_files_are_private(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    old = os.umask(0o022)
    try:
        session = opened(url)
        play(session)
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.glob("s.db*")}
        session.close()
    finally:
        os.umask(old)
    assert {"s.db", "s.db-wal", "s.db-shm"} <= set(modes), modes
    assert all(mode == 0o600 for mode in modes.values()), modes


def test_an_old_schema_is_refused_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    opened(url).close()
    execute(url, "UPDATE schema_info SET version = 1")
    with pytest.raises(StoreError) as err:
        opened(url)
    assert err.value.code == "store.old_schema" and err.value.exit_code == 30


@pytest.mark.parametrize("bad", ["nonsense", "mysql://user:secret@localhost/db",
                                 "postgresql+nodriver://x/y", "sqlite:////no/such/dir/s.db"])
def test_a_bad_database_url_is_refused_with_exit_30(bad: str) -> None:
    with pytest.raises(StoreError) as err:
        opened(bad)
    assert err.value.exit_code == 30
    assert "secret" not in err.value.render()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database, just some text\n" * 200)
    with pytest.raises(StoreError) as err:
        opened(f"sqlite:///{path}")
    assert err.value.code == "store.damaged" and err.value.exit_code == 30


@pytest.mark.parametrize(("statement", "problem", "seq"), [
    ("UPDATE audit_events SET payload = 'not json {' WHERE seq = 4", "unreadable", 4),
    ("UPDATE audit_events SET payload = '[1, 2]' WHERE seq = 4", "unreadable", 4),
    ("UPDATE audit_events SET payload = '{}' WHERE seq = 4", "edited", 4),
    ("UPDATE audit_events SET payload = '\"just text\"' WHERE seq = 4", "unreadable", 4),
    ("UPDATE audit_events SET mac = '' WHERE seq = 2", "forged", 2),
    ("UPDATE audit_events SET payload = replace(payload, '\"21.5\"', '\"x\"') WHERE seq = 5",
     "edited", 5),
    ("UPDATE chain_head SET seq = 99", "head", None),
    ("UPDATE chain_head SET tag = ''", "head", None),
])
def test_a_damaged_row_is_named_never_a_traceback(url: str, statement: str, problem: str,
                                                  seq: int | None) -> None:
    session = opened(url)
    play(session)
    session.close()
    execute(url, statement)
    refused(url, problem, seq)


def test_a_flipped_byte_in_the_file_never_gives_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    session = opened(url)
    play(session)
    session.close()
    path = tmp_path / "s.db"
    size = path.stat().st_size
    outcomes = set()
    for offset in range(0, size, max(1, size // 40)):
        copy = tmp_path / f"flip{offset}.db"
        copy.write_bytes(path.read_bytes())
        flip_byte(copy, offset)
        try:
            opened(f"sqlite:///{copy}").close()
            outcomes.add("ok")
        except DomainError as err:
            assert err.exit_code in (30, 31), err.render()  # type: ignore[attr-defined]
            outcomes.add(err.exit_code)  # type: ignore[attr-defined]
    assert outcomes & {30, 31}


def _open_and_ack(url: str, count: int, index: int, gate: Any, failures: Any) -> None:
    """One terminal: wait for the others, open the (new) database, acknowledge one pledge."""
    import traceback

    try:
        gate.wait(timeout=60)
        session = Session.attach(unlocked(count), url, Clock())
        session.run(lambda r: r.acknowledge(f"E{index}"))
        session.close()
    except BaseException:
        failures.put(traceback.format_exc())
        raise SystemExit(1) from None


def race_size() -> int:
    return int(os.environ.get("REVIEWER_RACE_TERMINALS", "20"))


def test_many_terminals_opening_a_new_database_at_once(url: str) -> None:
    """20 processes (forked, so they start together) open one new database at the same
    moment: exactly one session.opened, every acknowledgement kept, no traceback."""
    count = race_size()
    context = multiprocessing.get_context("fork")
    gate, failures = context.Barrier(count), context.Queue()
    procs = [context.Process(target=_open_and_ack, args=(url, count, i, gate, failures))
             for i in range(1, count + 1)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=300)
    problems = [failures.get() for _ in range(failures.qsize())] if not failures.empty() else []
    assert problems == [] and all(p.exitcode == 0 for p in procs), problems
    events = read_events(url)
    kinds = [e.kind for e in events]
    assert kinds.count("session.opened") == 1 and kinds[0] == "session.opened"
    assert sorted(e.payload["expert"] for e in events if e.kind == "ack.recorded") == \
        sorted(f"E{i}" for i in range(1, count + 1))
    session = opened(url, unlocked(count))
    assert session.verify_audit().ok
    session.close()


def test_the_terminal_that_loses_a_simultaneous_advance_is_told(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    one = opened(url)
    two = opened(url)
    for e in ("E1", "E2", "E3"):
        one.run(lambda r, e=e: r.acknowledge(e, paper=True))
        for a in ("A1", "A2"):
            for c in one.panel.expert_criteria:
                if not one.review.has_declared(e, a):  # 回避申明 before scoring
                    one.run(lambda r, e=e, a=a: r.declare_no_conflict(e, a))
                one.run(lambda r, e=e, a=a, c=c: r.set_score(e, a, c.key, "10"))
    for e in ("E1", "E2", "E3"):
        one.run(lambda r, e=e: r.submit(e, True))
    two.refresh()
    seen_one, seen_two = one.review.round, two.review.round
    one.run(lambda r: r.advance(expected=seen_one))
    with pytest.raises(DomainError) as err:
        two.run(lambda r: r.advance(expected=seen_two))
    assert err.value.code == "review.round_moved_on"
    assert [e.kind for e in read_events(url)].count("round.advanced") == 1
    advanced = [e for e in read_events(url) if e.kind == "round.advanced"][0]
    assert advanced.payload["closes_on"]["seq"] == advanced.seq - 1
    assert advanced.payload["closes_on"]["hash"] == advanced.prev_hash
    one.close()
    two.close()


def test_the_keys_come_from_the_bundle_and_differ_by_purpose() -> None:
    from reviewer.session import unlock

    bundle = ROOT / "sample_cases" / "yunling-craftsman-2026.rvb"
    passphrase = (ROOT / "sample_cases" / "yunling-craftsman-2026.passphrase").read_text().strip()
    who = unlock(bundle, passphrase)
    audit, pins = who.key(AUDIT_KEY_LABEL), who.key(PIN_VAULT_LABEL)
    assert len(audit) == len(pins) == 32 and audit != pins
    assert audit.hex() not in repr(who) and pins.hex() not in repr(who)
    stand_in = Unlocked(who.case, who.panel, who.sha256)
    assert stand_in.key(AUDIT_KEY_LABEL) != audit


def test_the_pin_survives_a_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    session = opened(url)
    session.run(lambda r: r.change_pin("E1", "97531000", hasher=CHEAP.hash))
    session.close()
    again = opened(url)
    again.check_pin("E1", "97531000")
    with pytest.raises(DomainError):
        again.check_pin("E1", TEST_PIN)
    again.close()


def test_export_from_an_open_session_runs_the_full_check_first(tmp_path: Path) -> None:
    """An edit of a row this session verified long ago: nothing is rendered or signed."""
    from reviewer.services import SessionHandle
    from reviewer.services.documents import ExportResults, export_results
    from reviewer.settings import Settings

    url = f"sqlite:///{tmp_path / 's.db'}"
    session = opened(url)
    play(session)
    execute(url, "UPDATE audit_events SET payload = replace(payload, '21.5', '25') WHERE seq = 5")
    out = tmp_path / "r.pdf"
    with pytest.raises(ChainBroken) as err:
        export_results(SessionHandle(session), ExportResults(out, identity=None),  # type: ignore[arg-type]
                       Settings())
    assert err.value.seq == 5 and err.value.exit_code == 31
    assert not out.exists() and list(tmp_path.glob("*.pdf")) == []
    with pytest.raises(ChainBroken):  # and the session stays refused
        session.run(lambda r: r.acknowledge("E3"))
    session.close()


def test_the_domain_core_imports_no_crypto_library() -> None:
    """argon2 and AES-GCM are handed in (``reviewer.domain.pins``), never imported."""
    import subprocess
    import sys

    modules = sorted(f"reviewer.domain.{p.stem}" for p in (ROOT / "reviewer" / "domain").glob("*.py")
                     if p.stem != "__init__")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('argon2', 'cryptography', '_cffi_backend'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == ""
