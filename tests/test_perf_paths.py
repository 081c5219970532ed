"""The fast paths added for speed check exactly what the slow ones check.

Opening a session from its verified snapshot checks every stored row in one loop without
decoding it: the SHA-256 links row by row and the MACs through one digest that the snapshot
binds (``ChainVerifier.follow_stored_rows``); ``feed_stored_rows`` is the same loop with an
HMAC per row. These tests forge rows
in exactly the canonical form that loop reads (the form this program stores), so the loop
itself — not the decoding fallback — has to refuse them.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import reviewer.session as session_module
from reviewer.domain.audit import (
    GENESIS,
    GENESIS_MAC,
    ChainBroken,
    ChainVerifier,
    body_of,
    event_mac,
    payload_text,
)
from reviewer.domain.events import Event
from reviewer.session import AUDIT_KEY_LABEL, Session, Unlocked
from tests.builders import Clock, app, expert, make_case
from tests.tamper import read_events

KEY = b"k" * 32


def unlocked() -> Unlocked:
    apps = [app("A1", "g1"), app("A2", "g1")]
    people = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, 4)]
    case, panel = make_case("yunling-craftsman", apps, people)
    return Unlocked(case, panel, "cd" * 32)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("REVIEWER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(session_module, "SNAPSHOT_EVERY", 3)
    yield f"sqlite:///{tmp_path / 'fast.db'}"


def rows_of(events: list[tuple[str, dict[str, object]]], key: bytes = KEY) -> list[tuple]:
    """Stored rows (seq, at, actor, kind, payload, prev_hash, hash, mac) as the store writes
    them."""
    rows = []
    prev, prev_mac = GENESIS, GENESIS_MAC
    for seq, (kind, payload) in enumerate(events, start=1):
        ptext = payload_text(payload)
        body = body_of(seq, kind, "E1", "2026-11-23T09:00:00Z", ptext)
        digest = hashlib.sha256(prev.encode("ascii") + body).hexdigest()
        mac = event_mac(key, prev_mac, body)
        rows.append((seq, "2026-11-23T09:00:00Z", "E1", kind, ptext, prev, digest, mac))
        prev, prev_mac = digest, mac
    return rows


EVENTS = [("session.opened", {"n": 1}), ("pledge.signed", {"expert": "E1"}),
          ("score.set", {"value": "20", "名": "张"}), ("score.set", {"value": "21.5"})]


def test_the_batch_check_accepts_exactly_what_the_event_check_accepts() -> None:
    rows = rows_of(EVENTS)
    fast = ChainVerifier(KEY)
    assert fast.feed_stored_rows(rows) == len(rows)
    slow = ChainVerifier(KEY)
    for seq, at, actor, kind, ptext, prev, digest, mac in rows:
        import json

        slow.feed(Event(kind=kind, actor=actor, at=at, payload=json.loads(ptext), seq=seq,
                        prev_hash=prev, hash=digest, mac=mac))
    assert fast.point == slow.point


@pytest.mark.parametrize("damage", ["mac", "hash", "seq", "prev", "payload", "non_ascii_mac"])
def test_the_batch_check_stops_before_the_first_row_that_does_not_follow(damage: str) -> None:
    rows = rows_of(EVENTS)
    seq, at, actor, kind, ptext, prev, digest, mac = rows[2]
    if damage == "mac":
        bad = (seq, at, actor, kind, ptext, prev, digest, "0" * 64)
    elif damage == "hash":
        bad = (seq, at, actor, kind, ptext, prev, "0" * 64, mac)
    elif damage == "seq":
        bad = (seq + 1, at, actor, kind, ptext, prev, digest, mac)
    elif damage == "prev":
        bad = (seq, at, actor, kind, ptext, "0" * 64, digest, mac)
    elif damage == "payload":
        bad = (seq, at, actor, kind, ptext.replace("20", "25"), prev, digest, mac)
    else:
        bad = (seq, at, actor, kind, ptext, prev, digest, "é" * 64)
    rows[2] = bad
    verifier = ChainVerifier(KEY)
    assert verifier.feed_stored_rows(rows) == 2
    assert verifier.point.seq == 2 and verifier.point.mac == rows[1][7]
    # and from a later start it does not skip the damage either
    assert verifier.feed_stored_rows(rows, 2) == 0


@pytest.mark.parametrize("damage", ["mac", "swap", "hash", "seq", "prev", "payload", "non_ascii_mac"])
def test_the_snapshot_path_stops_at_a_broken_link_and_digests_every_stored_mac(
        damage: str) -> None:
    """``follow_stored_rows`` checks no HMAC per row: a changed link or payload stops it at
    that row, and a changed MAC (which it cannot see row by row) changes the digest that the
    open compares with the snapshot's."""
    rows = rows_of(EVENTS)
    honest = ChainVerifier(KEY)
    assert honest.follow_stored_rows(rows) == len(rows)
    keyed = ChainVerifier(KEY)
    assert keyed.feed_stored_rows(rows) == len(rows)
    assert (keyed.point, keyed.macs_digest()) == (honest.point, honest.macs_digest())
    seq, at, actor, kind, ptext, prev, digest, mac = rows[2]
    if damage in ("mac", "swap", "non_ascii_mac"):
        if damage == "mac":
            rows[2] = (seq, at, actor, kind, ptext, prev, digest, "0" * 64)
        elif damage == "swap":
            rows[1], rows[2] = (rows[1][:7] + (mac,)), (rows[2][:7] + (rows[1][7],))
        else:
            rows[2] = (seq, at, actor, kind, ptext, prev, digest, "é" * 64)
        verifier = ChainVerifier(KEY)
        done = verifier.follow_stored_rows(rows)
        if damage == "non_ascii_mac":
            assert done == 2
        else:
            assert done == len(rows) and verifier.point == honest.point
        assert verifier.macs_digest() != honest.macs_digest()
        return
    if damage == "hash":
        rows[2] = (seq, at, actor, kind, ptext, prev, "0" * 64, mac)
    elif damage == "seq":
        rows[2] = (seq + 1, at, actor, kind, ptext, prev, digest, mac)
    elif damage == "prev":
        rows[2] = (seq, at, actor, kind, ptext, "0" * 64, digest, mac)
    else:
        rows[2] = (seq, at, actor, kind, ptext.replace("20", "25"), prev, digest, mac)
    verifier = ChainVerifier(KEY)
    assert verifier.follow_stored_rows(rows) == 2
    assert verifier.point.seq == 2 and verifier.follow_stored_rows(rows, 2) == 0


def _store_canonically(url: str, events: list[Event]) -> None:
    """An insider without the key: the SHA-256 chain recomputed, the payloads stored in the
    program's own canonical form (what the fast path reads), the MACs left as they were."""
    prev = GENESIS
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
        for event in events:
            ptext = payload_text(event.payload)
            body = body_of(event.seq, event.kind, event.actor, event.at, ptext)
            digest = hashlib.sha256(prev.encode("ascii") + body).hexdigest()
            conn.execute(text(
                "INSERT INTO audit_events (seq, at, actor, kind, payload, prev_hash, hash, mac) "
                "VALUES (:seq, :at, :actor, :kind, :payload, :prev, :hash, :mac)"),
                {"seq": event.seq, "at": event.at, "actor": event.actor, "kind": event.kind,
                 "payload": ptext, "prev": prev, "hash": digest, "mac": event.mac})
            prev = digest
        conn.execute(text("UPDATE chain_head SET hash = :h"), {"h": prev})
    engine.dispose()


def play(session: Session) -> None:
    for expert_id in ("E1", "E2", "E3"):
        session.run(lambda r, e=expert_id: r.acknowledge(e))
    session.run(lambda r: r.declare_no_conflict("E1", "A1"))
    session.run(lambda r: r.set_score("E1", "A1", "craft_expertise", "20"))
    session.run(lambda r: r.set_score("E1", "A1", "skill_level", "21.5"))


def test_a_score_edited_and_rehashed_in_canonical_form_is_refused_on_a_snapshot_open(
        url: str) -> None:
    who = unlocked()
    first = Session.attach(who, url, Clock())
    play(first)
    assert first.snapshot is not None and first.snapshot.path.exists()
    first.close()
    events = read_events(url)
    target = next(e for e in events if e.payload.get("value") == "20")
    events = [replace(e, payload={**e.payload, "value": "25"}) if e.seq == target.seq else e
              for e in events]
    _store_canonically(url, events)
    with pytest.raises(ChainBroken) as err:
        Session.attach(who, url, Clock())
    assert (err.value.problem, err.value.seq) == ("forged", target.seq)


def test_an_untouched_canonical_history_opens_from_the_snapshot(url: str) -> None:
    """The control for the test above: the same rewrite without an edit is accepted."""
    who = unlocked()
    first = Session.attach(who, url, Clock())
    play(first)
    total = first.seq
    first.close()
    _store_canonically(url, read_events(url))
    again = Session.attach(who, url, Clock())
    assert again.seq == total
    assert again.verify_audit().ok
    again.close()
    assert who.key(AUDIT_KEY_LABEL)


def test_help_and_usage_errors_import_neither_the_session_nor_sqlalchemy() -> None:
    """Start-up: ``reviewer --help`` (and every refusal of the command line) needs only the
    parser and the catalogue; the session, SQLAlchemy and the core come with the command."""

    probe = ("import sys\n"
             "from reviewer.cli.main import main\n"
             "for argv in (['--help'], ['recuse', '--help'], ['results']):\n"
             "    try:\n"
             "        main(argv)\n"
             "    except SystemExit:\n"
             "        pass\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or\n"
             "               m in ('reviewer.session', 'reviewer.domain.review', 'rich'))\n"
             "print('HEAVY=' + ','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def _results_under(probe: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``reviewer results --json`` on a new sealed case, run by ``probe`` in a fresh
    interpreter (whose own imports are what is measured)."""
    from tests.session_fixtures import sealed_case

    bundle = sealed_case(tmp_path, apps=4, experts=13)
    return subprocess.run([sys.executable, "-c", probe, "results", str(bundle), "--json",
                           "--passphrase-file", str(tmp_path / "case.passphrase"),
                           "--db", f"sqlite:///{tmp_path / 's.db'}"],
                          capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)


def test_a_command_on_a_session_runs_without_the_orm(tmp_path: Path) -> None:
    """Start-up: the store runs Core statements only, so a command that creates a session's
    database, writes its first events and reads them back (``results`` on a new database)
    never imports ``sqlalchemy.orm``, a third of SQLAlchemy's import time."""
    probe = ("import sys\n"
             "from reviewer.cli.main import main\n"
             "code = main(sys.argv[1:])\n"
             "orm = sorted(m for m in sys.modules if m.startswith('sqlalchemy.orm'))\n"
             "print(code, 'ORM=' + ','.join(orm), file=sys.stderr)\n")
    out = _results_under(probe, tmp_path)
    assert out.stderr.strip().splitlines()[-1] == "0 ORM=", out.stderr
    assert '"events": 1' in out.stdout  # the session was opened and read back


def test_a_command_derives_the_bundle_key_while_it_imports_the_storage_layer(
        tmp_path: Path) -> None:
    """Start-up: the passphrase's Argon2id (C, the GIL released) runs on its own thread and
    starts before the store (SQLAlchemy) has finished importing, so the two overlap on a
    second core. The CLI once resolved the database URL, importing the store, before the
    unlock began."""
    probe = ("import sys, threading\n"
             "from reviewer.bundle import crypto\n"
             "real = crypto.hash_secret_raw\n"
             "seen = []\n"
             "def kdf(*args, **kwargs):\n"
             "    store = sys.modules.get('reviewer.storage.store')\n"
             "    seen.append((threading.current_thread().name, hasattr(store, 'EventStore')))\n"
             "    return real(*args, **kwargs)\n"
             "crypto.hash_secret_raw = kdf\n"
             "from reviewer.cli.main import main\n"
             "code = main(sys.argv[1:])\n"
             "print(code, seen, file=sys.stderr)\n")
    out = _results_under(probe, tmp_path)
    code, seen = out.stderr.strip().splitlines()[-1].split(" ", 1)
    assert code == "0", out.stderr
    assert seen.startswith("[('unlock") and seen.endswith(", False)]"), seen


def test_the_compact_snapshot_form_of_scores_comes_back_exactly() -> None:
    """Same sheets, same order, same cells, same Decimal texts ("20" and "20.0" differ), an
    emptied sheet kept; anything malformed raises (the open then refolds from the genesis)."""
    from decimal import Decimal

    from reviewer.domain.state import SessionState, state_from_plain, state_to_plain

    state = SessionState()
    state.scores = {
        ("E2", "A9", "professional"): {"b": Decimal("20"), "a": Decimal("20.0")},
        ("E1", "A1", "comprehensive"): {},
        ("E1", "A9", "professional"): {"a": Decimal("0.5"), "b": Decimal("25")},
        ("张", "A1", "professional"): {"a": Decimal("1E+1")},
    }
    import json

    plain = state_to_plain(state)
    assert plain is not None
    back = state_from_plain(json.loads(json.dumps(plain)))
    assert back.scores == state.scores
    assert list(back.scores) == list(state.scores)
    for key, cell in state.scores.items():
        assert list(back.scores[key]) == list(cell)
        assert [str(v) for v in back.scores[key].values()] == [str(v) for v in cell.values()]
    broken = json.loads(json.dumps(plain))
    broken["scores"]["cells"] = broken["scores"]["cells"][:-1]
    with pytest.raises((IndexError, ValueError)):
        state_from_plain(broken)
    broken = json.loads(json.dumps(plain))
    broken["scores"]["strings"][0] = 7
    with pytest.raises(TypeError):
        state_from_plain(broken)
    broken = json.loads(json.dumps(plain))
    broken["scores"]["values"][0] = 20
    with pytest.raises(TypeError):
        state_from_plain(broken)
    broken = json.loads(json.dumps(plain))
    broken["scores"]["layouts"] = broken["scores"]["layouts"][:1]  # a sheet names a lost layout
    with pytest.raises(IndexError):
        state_from_plain(broken)


def test_sheets_of_one_layout_name_their_criteria_once_in_the_snapshot() -> None:
    """A province-wide session is 200,000 sheets of the same criteria: the snapshot holds one
    index per value, not a criterion and a value per cell."""
    from decimal import Decimal

    from reviewer.domain.state import SessionState, state_from_plain, state_to_plain

    state = SessionState()
    state.scores = {(f"E{n % 7}", f"A{n}", "professional"):
                    {"a": Decimal(n % 5), "b": Decimal("2.5"), "c": Decimal("0")}
                    for n in range(300)}
    plain = state_to_plain(state)
    assert plain is not None
    assert len(plain["scores"]["layouts"]) == 1
    assert len(plain["scores"]["cells"]) == 300 * (4 + 3)
    assert sorted(plain["scores"]["values"]) == ["0", "1", "2", "2.5", "3", "4"]
    assert state_from_plain(plain).scores == state.scores
