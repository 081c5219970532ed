"""The verified snapshot (``reviewer.storage.snapshot``): an open that starts from it gives
exactly the state and results of a full replay, still checks the keyed chain from the genesis,
and a damaged or forged snapshot never changes what a user is shown or exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import reviewer.session as session_module
from reviewer.domain.audit import ChainBroken
from reviewer.domain.results import results
from reviewer.domain.review import SheetRow
from reviewer.domain.state import state_from_plain, state_to_plain
from reviewer.session import AUDIT_KEY_LABEL, Session, Unlocked
from tests.builders import Clock, app, expert, make_case
from tests.tamper import execute, read_events, rewrite

CRITERIA = ("craft_expertise", "skill_level", "leadership", "contribution")


def unlocked() -> Unlocked:
    apps = [app("A1", "g1"), app("A2", "g1"), app("A3", "g1")]
    people = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, 4)]
    case, panel = make_case("yunling-craftsman", apps, people)
    return Unlocked(case, panel, "ab" * 32)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("REVIEWER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(session_module, "SNAPSHOT_EVERY", 5)
    yield f"sqlite:///{tmp_path / 'snap.db'}"


def opened(url: str, who: Unlocked | None = None) -> Session:
    return Session.attach(who or unlocked(), url, Clock())


def play(session: Session) -> None:
    for expert_id in ("E1", "E2", "E3"):
        session.run(lambda r, e=expert_id: r.acknowledge(e))
    values = iter(["20", "21.5", "18", "19.5", "22", "17", "23.5", "16"])
    for expert_id in ("E1", "E2"):
        for app_id in ("A1", "A2"):
            session.run(lambda r, e=expert_id, a=app_id: r.declare_no_conflict(e, a))
            for criterion in CRITERIA[:2]:
                value = next(values, "15")
                session.run(lambda r, e=expert_id, a=app_id, c=criterion, v=value:
                            r.set_score(e, a, c, v))
    session.run(lambda r: r.declare_conflict("E3", "A3", "relative", "配偶"))


def snapshot_file(session: Session) -> Path:
    assert session.snapshot is not None
    return session.snapshot.path


def counting_validate(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    real = session_module.validate

    def counted(review, event):  # type: ignore[no-untyped-def]
        seen.append(event.seq)
        real(review, event)

    monkeypatch.setattr(session_module, "validate", counted)
    return seen


def as_json(session: Session) -> str:
    return json.dumps(results(session.review), ensure_ascii=False, sort_keys=True, default=str)


def full_replay(url: str, path: Path) -> Session:
    path.unlink(missing_ok=True)
    return opened(url)


def test_an_open_from_the_snapshot_equals_a_full_replay(url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    first = opened(url)
    play(first)
    path = snapshot_file(first)
    assert path.exists()
    total = first.seq
    first.close()

    validated = counting_validate(monkeypatch)
    restored = opened(url)
    assert restored.seq == total
    assert len(validated) < total  # the folded history was not validated again
    from_snapshot = as_json(restored)
    state = restored.review.state
    restored.close()

    validated.clear()
    replayed = full_replay(url, path)
    assert validated == list(range(1, total + 1))
    assert replayed.review.state == state
    assert as_json(replayed) == from_snapshot
    assert replayed.verify_audit().ok
    replayed.close()


def test_a_paper_import_is_kept_in_a_snapshot_though_it_is_a_few_events(
        url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A paper sheet is one event of many cells: the snapshot counts what a refold would go
    through, so reopening after a large import does not replay it."""
    monkeypatch.setattr(session_module, "SNAPSHOT_EVERY", 20)
    first = opened(url)
    for expert_id in ("E1", "E2", "E3"):
        first.run(lambda r, e=expert_id: r.acknowledge(e, paper=True))
    rows = [SheetRow(n, e, a, "专业组", dict(zip(CRITERIA, ("20", "20", "15", "25"), strict=True)))
            for n, (e, a) in enumerate(((e, a) for e in ("E1", "E2", "E3")
                                        for a in ("A1", "A2", "A3")), start=2)]
    first.run(lambda r: r.import_sheets(rows, file_sha256="a" * 64))
    total = first.seq
    assert total < 20 < 36  # fewer events than the threshold, more cells (9 rows x 4)
    assert snapshot_file(first).exists()
    expected = as_json(first)
    first.close()

    validated = counting_validate(monkeypatch)
    restored = opened(url)
    assert restored.seq == total and validated == []  # nothing folded again
    assert as_json(restored) == expected
    restored.close()


def test_the_state_survives_its_snapshot_form_exactly(url: str) -> None:
    session = opened(url)
    play(session)
    plain = state_to_plain(session.review.state)
    assert plain is not None
    back = state_from_plain(json.loads(json.dumps(plain)))
    assert back == session.review.state
    assert list(back.scores) == list(session.review.state.scores)  # same order, same results
    session.close()


def test_a_damaged_snapshot_is_ignored_and_the_state_rebuilt(url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    first = opened(url)
    play(first)
    expected = as_json(first)
    total = first.seq
    path = snapshot_file(first)
    first.close()
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))

    validated = counting_validate(monkeypatch)
    again = opened(url)
    assert validated == list(range(1, total + 1))  # refolded from the genesis
    assert as_json(again) == expected
    again.close()


def test_an_edit_before_the_snapshot_head_is_still_refused(url: str) -> None:
    first = opened(url)
    play(first)
    first.close()
    execute(url, "UPDATE audit_events SET payload = replace(payload, '21.5', '25') "
                 "WHERE seq = 7")  # E1's second score (after the pledges and E1's 申明 of A1)
    with pytest.raises(ChainBroken) as err:
        opened(url)
    assert (err.value.problem, err.value.seq) == ("edited", 7)


def test_a_rehashed_history_without_the_key_is_refused_as_forged(url: str) -> None:
    first = opened(url)
    play(first)
    first.close()
    events = read_events(url)
    events[5] = replace(events[5], payload={**events[5].payload, "value": "25"})
    rewrite(url, events)
    with pytest.raises(ChainBroken) as err:
        opened(url)
    assert (err.value.problem, err.value.seq) == ("forged", 6)


def test_a_history_rewritten_with_the_key_is_refolded_and_validated(url: str) -> None:
    """The snapshot's head no longer matches: it is ignored, and validation finds the
    score the live command would refuse."""
    who = unlocked()
    first = opened(url, who)
    play(first)
    first.close()
    events = read_events(url)
    events[5] = replace(events[5], payload={**events[5].payload, "value": "1000"})
    rewrite(url, events, key=who.key(AUDIT_KEY_LABEL))
    with pytest.raises(ChainBroken) as err:
        opened(url, who)
    assert (err.value.problem, err.value.seq) == ("invalid", 6)


def test_rows_in_the_older_json_form_still_verify(url: str) -> None:
    """Rows written before payloads were stored as canonical JSON (", " and ": ")."""
    who = unlocked()
    first = opened(url, who)
    play(first)
    expected = as_json(first)
    first.close()
    rewrite(url, read_events(url), key=who.key(AUDIT_KEY_LABEL))  # same events, old form
    again = opened(url, who)
    assert as_json(again) == expected
    assert again.verify_audit().ok
    again.close()


def test_a_snapshot_forged_with_the_key_is_caught_before_export(url: str) -> None:
    """Who holds the passphrase and this terminal's state directory can write a snapshot that
    says something else; the full check that runs before every export compares the replayed
    state with the live one and refuses."""
    who = unlocked()
    first = opened(url, who)
    play(first)
    point, macs = first.verifier.point, first.verifier.macs_digest()
    first.close()
    forged = opened(url, who)
    state = forged.review.state
    state.scores[("E1", "A1", "professional")]["craft_expertise"] = \
        state.scores[("E1", "A1", "professional")]["craft_expertise"] + 5
    plain = state_to_plain(state)
    assert plain is not None
    assert forged.snapshot is not None
    forged.snapshot.save(point, plain, macs)
    forged.close()

    victim = opened(url, who)
    with pytest.raises(ChainBroken) as err:
        victim.require_intact()
    assert (err.value.problem, err.value.detail) == ("invalid", "snapshot")
    assert victim.snapshot is not None
    assert not victim.snapshot.path.exists()  # discarded: the next open refolds
    victim.close()


def test_undecodable_bytes_before_the_snapshot_head_are_named_not_a_traceback(url: str) -> None:
    """The history is read with the driver's strict decoding while it can; bytes that are
    not UTF-8 (a damaged or hand-edited file) are read again leniently, and the chain check
    names that row."""
    first = opened(url)
    play(first)
    assert first.snapshot is not None and first.snapshot.load() is not None
    first.close()
    execute(url, "UPDATE audit_events SET actor = CAST(X'FF20' AS TEXT) WHERE seq = 7")
    with pytest.raises(ChainBroken) as err:
        opened(url)
    assert (err.value.problem, err.value.seq) == ("unreadable", 7)


@pytest.mark.parametrize("edit", ["one MAC replaced", "two MACs swapped", "a MAC in capitals"])
def test_a_stored_mac_changed_before_the_snapshot_head_is_refused(
        url: str, edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An open from the snapshot checks the MACs of the folded rows through their digest, not
    one HMAC each: a row whose MAC alone was changed (payload and SHA-256 chain intact, so the
    hash chain still reaches the snapshot's head) must still stop it, named like a full
    check names it."""
    first = opened(url)
    play(first)
    assert first.snapshot is not None and first.snapshot.load() is not None
    head = first.snapshot.load()
    assert head is not None and head.point.seq > 8
    first.close()
    events = read_events(url)
    if edit == "one MAC replaced":
        execute(url, f"UPDATE audit_events SET mac = '{'0' * 64}' WHERE seq = 6")
        expected = ("forged", 6)
    elif edit == "two MACs swapped":
        mac5, mac6 = events[4].mac, events[5].mac
        execute(url, f"UPDATE audit_events SET mac = '{mac6}' WHERE seq = 5")
        execute(url, f"UPDATE audit_events SET mac = '{mac5}' WHERE seq = 6")
        expected = ("forged", 5)
    else:  # the same MAC in other letters: compared as stored, never normalised
        execute(url, f"UPDATE audit_events SET mac = '{events[5].mac.upper()}' WHERE seq = 6")
        expected = ("forged", 6)
    with pytest.raises(ChainBroken) as err:
        opened(url)
    assert (err.value.problem, err.value.seq) == expected


def test_the_mac_digest_of_a_snapshot_open_is_the_one_a_full_replay_computes(url: str) -> None:
    """The digest a snapshot binds is carried on by every later open, write and refresh, and
    is what a fold from the genesis (every MAC checked) arrives at: an open from the snapshot
    after more writes still works, and both agree."""
    first = opened(url)
    play(first)
    first.close()
    second = opened(url)
    second.run(lambda r: r.set_score("E1", "A1", "leadership", "12"))  # own write after it
    digest, total = second.verifier.macs_digest(), second.seq
    path = snapshot_file(second)
    second.close()
    path.unlink()
    replayed = opened(url)  # from the genesis
    assert (replayed.seq, replayed.verifier.macs_digest()) == (total, digest)
    replayed.close()
