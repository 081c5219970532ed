"""The insider (issue 9): somebody with write access to the session database — in a review
room every terminal holds the PostgreSQL credentials — but without the bundle passphrase.

On SQLite and PostgreSQL a short real session of the 云岭工匠 sample is played (pledges,
paper score sheets for the professional round, the round closed, a PIN changed at the
terminal). Then, each on its own copy of that database, the insider edits a score and
recomputes every SHA-256 hash and the head row, forges a PIN change with their own argon2
hash, deletes an event, truncates to an earlier authentic head, reorders events and writes
an out-of-range score. Every tampered database must be refused — exit 31 naming the event —
by ``reviewer audit verify``, ``reviewer results`` and ``reviewer export`` (real
subprocesses) and by the terminal application's session (opening it as the TUI does, and the
supervisor's check on a session that was already open).

A bounded fuzz test then mutates random fields and bytes of the database: no traceback ever,
only exit 0 (a harmless change), 30 or 31. ``REVIEWER_FUZZ_CASES`` sets its size.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.session import Session, Unlocked, unlock
from reviewer.tui.gateway import SessionGateway
from tests.builders import CHEAP, Clock
from tests.tamper import (
    copy_database,
    drop_database,
    execute,
    flip_byte,
    fresh_database_url,
    head_row,
    read_events,
    rewrite,
    set_head,
    stored_payload,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026.rvb"
SAMPLE_PASSPHRASE = ROOT / "sample_cases" / "yunling-craftsman-2026.passphrase"
RAN: dict[str, int] = {"tampered": 0, "cli_refusals": 0, "tui_refusals": 0, "fuzzed": 0}


@dataclass
class Played:
    who: Unlocked
    url: str
    early_head: dict  # an authentic head row saved by the insider after the pledges
    tmp: Path
    bundle: Path
    passphrase_file: Path


def _score(expert: str, app: str, maximum: Decimal) -> Decimal:
    digest = int(hashlib.sha256(f"{expert}/{app}".encode()).hexdigest(), 16)
    return (maximum * Decimal(55 + digest % 46) / 100 * 2).to_integral_value() / 2


def _play(who: Unlocked, url: str, tmp: Path) -> dict:
    from reviewer.casefolder.score_sheets import read_score_sheet

    session = Session.attach(who, url, Clock())
    review = session.review
    for expert in review.case.experts:
        session.run(lambda r, e=expert.id: r.acknowledge(e, paper=True))
    early = head_row(url)
    sheet = tmp / "professional.csv"
    criteria = review.panel.expert_criteria
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["expert", "application", "round", *[c.name for c in criteria]])
        for expert in review.case.experts:
            for app in review.scope(expert.id):
                if not review.conflicts.is_recused(expert.id, app.id, review.state):
                    writer.writerow([expert.id, app.id, "专业组", *[
                        _score(expert.id, app.id, review.points[c.key]) for c in criteria]])
    rows = read_score_sheet(sheet)
    session.run(lambda r: r.import_sheets(rows, file_sha256="ab" * 32))
    session.run(lambda r: r.advance(force=True, reason="测试：强制结束"))
    expert = review.case.experts[0].id
    session.run(lambda r: r.change_pin(expert, "13572468", hasher=CHEAP.hash))
    session.close()
    return early


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample's content resealed with a cheap Argon2id cost (test only), so the dozens of
    command-line runs below do not each spend a second deriving the key."""
    from reviewer.bundle import KdfParams, open_bundle, seal

    folder = tmp_path_factory.mktemp("bundle")
    passphrase = SAMPLE_PASSPHRASE.read_text(encoding="utf-8").strip()
    opened = open_bundle(SAMPLE, passphrase)
    bundle, phrase = folder / "case.rvb", folder / "pass.txt"
    seal(list(opened.entries.items()), bundle, passphrase, header_info=opened.header.info,
         kdf=KdfParams(time_cost=1, memory_cost=1024, parallelism=1))
    phrase.write_text(passphrase + "\n", encoding="utf-8")
    return bundle, phrase


@pytest.fixture(scope="module")
def who(sealed: tuple[Path, Path]) -> Unlocked:
    return unlock(sealed[0], sealed[1].read_text(encoding="utf-8").strip())


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def played(request: pytest.FixtureRequest, who: Unlocked, sealed: tuple[Path, Path],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    tmp = tmp_path_factory.mktemp(f"insider-{request.param}")
    url = fresh_database_url(request.param, tmp, "base")
    if url is None:
        pytest.skip("REVIEWER_TEST_PG_URL not set")
    yield Played(who, url, _play(who, url, tmp), tmp, *sealed)
    drop_database(url)


# -- the attacks: each takes the database URL and the saved early head, returns the seq that
#    must be named (None: any)


def _first(events: list[Event], kind: str) -> int:
    return next(i for i, e in enumerate(events) if e.kind == kind)


def _with_first_cell(event: Event, value: str) -> Event:
    """The paper sheet's first score replaced by ``value``, everything else as written."""
    scores = {app: dict(cells) for app, cells in event.payload["scores"].items()}
    first = next(iter(scores.values()))
    first[next(iter(first))] = value
    return replace(event, payload={**event.payload, "scores": scores})


def edit_score_and_rehash(url: str, early: dict) -> int:
    events = read_events(url)
    i = _first(events, "sheet.imported")
    events[i] = _with_first_cell(events[i], "0")
    rewrite(url, events)
    return i + 1


def forge_pin_change(url: str, early: dict) -> int:
    events = read_events(url)
    expert = events[_first(events, "ack.recorded")].payload["expert"]
    events.append(replace(events[-1], kind="pin.changed", actor=f"expert:{expert}",
                          payload={"expert": expert, "pin_hash": CHEAP.hash("000000")}))
    rewrite(url, events)
    return len(events)


def delete_and_rehash(url: str, early: dict) -> int:
    events = read_events(url)
    i = _first(events, "sheet.submitted")
    del events[i]
    rewrite(url, events)
    return i + 1


def delete_plain(url: str, early: dict) -> int:
    seq = len(read_events(url)) // 2
    execute(url, f"DELETE FROM audit_events WHERE seq = {seq}")
    return seq


def truncate_to_early_head(url: str, early: dict) -> int:
    execute(url, f"DELETE FROM audit_events WHERE seq > {early['seq']}")
    set_head(url, early)
    return int(early["seq"]) + 1


def reorder_and_rehash(url: str, early: dict) -> int:
    events = read_events(url)
    i = _first(events, "sheet.imported")  # the sheet and its submission swapped
    events[i], events[i + 1] = events[i + 1], events[i]
    rewrite(url, events)
    return i + 1


def out_of_range_and_rehash(url: str, early: dict) -> int:
    events = read_events(url)
    i = _first(events, "sheet.imported")
    events[i] = _with_first_cell(events[i], "1000")
    rewrite(url, events)
    return i + 1


def edit_without_rehash(url: str, early: dict) -> int:
    events = read_events(url)
    i = _first(events, "sheet.imported")
    scores = events[i].payload["scores"]
    criterion, value = next(iter(next(iter(scores.values())).items()))
    # the stored payload is canonical compact JSON: the first cell's text, changed in place
    cell = f'"{criterion}":"{value}"'
    assert cell in stored_payload(url, i + 1)
    execute(url, "UPDATE audit_events SET payload = replace(payload, :old, :new) WHERE seq = :s",
            old=cell, new=f'"{criterion}":"1000"', s=i + 1)
    return i + 1


ATTACKS: dict[str, Callable[[str, dict], int]] = {
    "edit-score-rehash": edit_score_and_rehash,
    "forge-pin-change": forge_pin_change,
    "delete-rehash": delete_and_rehash,
    "delete-plain": delete_plain,
    "truncate-to-early-head": truncate_to_early_head,
    "reorder-rehash": reorder_and_rehash,
    "out-of-range-rehash": out_of_range_and_rehash,
    "edit-no-rehash": edit_without_rehash,
}


def reviewer(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REVIEWER_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "reviewer.cli.main", "--lang", "en", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_insider_is_refused_everywhere(played: Played, attack: str) -> None:
    url = copy_database(played.url, played.tmp, attack)
    try:
        _attack_and_check(played, attack, url)
    finally:
        drop_database(url)


def _attack_and_check(played: Played, attack: str, url: str) -> None:
    # the terminal application has this session open (and has verified it) before the attack
    watching = SessionGateway(Session.attach(played.who, url, Clock()))
    seq = ATTACKS[attack](url, played.early_head)
    RAN["tampered"] += 1

    # the supervisor's check on the open session
    report = watching.verify_audit()
    assert not report.ok, attack
    with pytest.raises(ChainBroken):
        watching.locked(watching.session.refresh)
    watching.session.close()
    RAN["tui_refusals"] += 1

    # opening it as the terminal application does (Session.open behind the unlock screen)
    with pytest.raises(ChainBroken) as err:
        Session.attach(played.who, url, Clock())
    assert err.value.seq == seq, err.value.render()
    assert err.value.exit_code == 31
    RAN["tui_refusals"] += 1

    # and the command line: audit verify, results, export, all exit 31 naming the event
    bundle = str(played.bundle)
    common = ["--passphrase-file", str(played.passphrase_file), "--db", url]
    procs = [
        reviewer("audit", "verify", bundle, *common),
        reviewer("results", bundle, *common),
        reviewer("export", bundle, *common, "-o", str(played.tmp / f"{attack}.pdf"),
                 "--key", "none.pem", "--cert", "none.pem"),
    ]
    for proc in procs:
        out, err_text = proc.communicate(timeout=300)
        assert proc.returncode == 31, (attack, proc.args, out, err_text)
        assert "Traceback" not in err_text and f"event {seq}" in err_text, err_text
        RAN["cli_refusals"] += 1
    assert not (played.tmp / f"{attack}.pdf").exists()


def _mutations(rng: random.Random, url: str, path: Path | None) -> str:
    """One random change an insider or a damaged disk could make; returns what it did."""
    events = read_events(url)
    choice = rng.randrange(7 if path is not None else 6)
    seq = rng.randint(1, len(events))
    column = rng.choice(["payload", "kind", "actor", "at", "hash", "prev_hash", "mac"])
    if choice == 0:
        junk = rng.choice(["{", "[]", "{}", "null", '"x"', '{"value": "abc"}', "9" * 400,
                           '{"expert": 1}', "\u0000", "{\"a\":" * 50])
        execute(url, f"UPDATE audit_events SET {column} = :v WHERE seq = :s", v=junk, s=seq)
        return f"{column}#{seq}={junk[:20]!r}"
    if choice == 1:
        execute(url, "DELETE FROM audit_events WHERE seq = :s", s=seq)
        return f"delete#{seq}"
    if choice == 2:
        execute(url, "UPDATE chain_head SET " + rng.choice(
            ["seq = seq - 1", "seq = seq + 1", "hash = 'x'", "mac = ''", "tag = 'y'"]))
        return "head"
    if choice == 3:
        execute(url, "DELETE FROM chain_head")
        return "no head"
    if choice == 4:
        event = events[seq - 1]
        payload = dict(event.payload)
        if payload:
            key = rng.choice(sorted(payload))
            payload[key] = rng.choice([None, 1000, "1000", -1, "abc", [], {}, True, "E999"])
        events[seq - 1] = replace(event, payload=payload)
        rewrite(url, events)
        return f"rehash#{seq}"
    if choice == 5:
        execute(url, "UPDATE audit_events SET seq = seq + 1000 WHERE seq >= :s", s=seq)
        return f"renumber#{seq}"
    assert path is not None
    offset = rng.randrange(path.stat().st_size)
    flip_byte(path, offset)
    return f"byte@{offset}"


def fuzz_cases() -> int:
    return int(os.environ.get("REVIEWER_FUZZ_CASES", "16"))


def test_fuzzing_the_session_database_finds_no_traceback(played: Played) -> None:
    rng = random.Random(int(os.environ.get("REVIEWER_FUZZ_SEED", "9")))
    outcomes: dict[str, int] = {}
    cli_every = max(1, fuzz_cases() // 4)
    for case in range(fuzz_cases()):
        url = copy_database(played.url, played.tmp, f"fuzz{case}")
        try:
            outcome = _fuzz_one(played, rng, url, case % cli_every == 0)
        finally:
            drop_database(url)
        if outcome is not None:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert set(outcomes) - {"0"}, outcomes


def _fuzz_one(played: Played, rng: random.Random, url: str, with_cli: bool) -> str | None:
    """Mutate one copy and open it; the exit code it ends in (None: not applied)."""
    path = Path(url.split("///", 1)[1]) if url.startswith("sqlite") else None
    Session.attach(played.who, url, Clock()).close()  # this terminal saw it whole
    if path is not None:  # fold the WAL in, so byte flips hit the main file's pages
        execute(url, "PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        what = _mutations(rng, url, path)
    except SQLAlchemyError:  # PostgreSQL refused the change itself (types, lengths)
        return None
    RAN["fuzzed"] += 1
    try:
        Session.attach(played.who, url, Clock()).close()
        outcome = "0"
    except DomainError as err:
        outcome = str(getattr(err, "exit_code", 1))
    assert outcome in ("0", "30", "31"), what
    if with_cli:  # the real command too, now and then
        proc = reviewer("audit", "verify", str(played.bundle), "--passphrase-file",
                        str(played.passphrase_file), "--db", url)
        _, err_text = proc.communicate(timeout=300)
        assert "Traceback" not in err_text, (what, err_text)
        assert str(proc.returncode) in ("0", "30", "31"), (what, err_text)
    return outcome


def test_report_counts() -> None:
    """Not a check: prints how many tampered databases and refusals the module ran."""
    print(f"\ninsider: {RAN}")


@pytest.mark.parametrize("db", ["nonsense", "mysql://user:secret@127.0.0.1/reviewer",
                                "NOT-A-DB-FILE"])
def test_a_bad_database_url_gets_a_message_and_exit_30(sealed: tuple[Path, Path], db: str,
                                                       tmp_path: Path) -> None:
    if db == "NOT-A-DB-FILE":
        junk = tmp_path / "junk.db"
        junk.write_text("这不是数据库\n" * 100, encoding="utf-8")
        db = f"sqlite:///{junk}"
    proc = reviewer("results", str(sealed[0]), "--passphrase-file", str(sealed[1]), "--db", db)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 30, err
    assert "Traceback" not in err and "secret" not in err and err.strip()
