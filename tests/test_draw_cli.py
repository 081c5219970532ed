"""``reviewer draw`` end to end: the files it writes, the signed record, ``--check``, declines,
refusals, and the record carried through sealing into the session's audit chain."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.domain import events as ev
from reviewer.domain.audit import ChainBroken
from reviewer.session import Session, unlock
from tests.draw_fixtures import pool_rows, write_avoid, write_draw_case
from tests.tamper import read_events, rewrite

KEY_PASSPHRASE = "test-only-key-passphrase"
PASSPHRASE = "test-only-bundle-passphrase"
SEED = "2026-YN-监督组-0417"
PHONE = "13900009999"


class World:
    def __init__(self, root: Path) -> None:
        from reviewer.pdf.keys import generate_identity

        self.root = root
        self.folder, self.pool = write_draw_case(root)
        self.avoid = write_avoid(root)
        (root / "kp.txt").write_text(KEY_PASSPHRASE + "\n", encoding="utf-8")
        (root / "pp.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
        generate_identity("和丽萍", "评审秘书", "云南省总工会", KEY_PASSPHRASE, root / "sec")

    def signer(self) -> list[str]:
        return ["--key", str(self.root / "sec.key.pem"), "--cert", str(self.root / "sec.cert.pem"),
                "--key-passphrase-file", str(self.root / "kp.txt")]

    def draw(self, *extra: str, folder: Path | None = None) -> int:
        return main(["draw", str(self.pool), "--case", str(folder or self.folder), *extra,
                     *self.signer()])

    def record(self, folder: Path | None = None) -> dict:
        return json.loads(((folder or self.folder) / "draw.json").read_text(encoding="utf-8"))

    def copy(self, name: str) -> Path:
        target = self.root / name
        shutil.copytree(self.folder, target)
        return target


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = World(tmp_path_factory.mktemp("draw"))
    assert world.draw("--seed", SEED, "--avoid", str(world.avoid)) == 0
    return world


def experts_rows(folder: Path) -> list[dict[str, str]]:
    text = (folder / "experts.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_draw_writes_the_committee_the_record_and_nothing_private(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:
    record = world.record()
    assert record["seed"] == SEED and record["algorithm"] == "reviewer-draw-sha256-v1"
    assert record["pool_sha256"] == hashlib.sha256(world.pool.read_bytes()).hexdigest()
    rows = experts_rows(world.folder)
    groups = record["result"]["groups"]
    seated = [(r["id"], r["groups"]) for r in rows if not r["reserve"]]
    assert seated == [(p, g["group"]) for g in groups for p in g["members"]]
    assert [(r["id"], r["groups"]) for r in rows if r["reserve"] == "候补"] == [
        (p, g["group"]) for g in groups for p in g["reserves"]]
    assert all(len(r["pin"]) == 6 and r["pin"].isdigit() for r in rows)
    excluded = {e["pool_id"] for e in record["result"]["excluded"]}
    assert excluded == {"P31", "P32", "P33", "P34", "P35", "P36"}
    # ID numbers and phones serve matching only: never in the record, on screen or in the PDF
    out = capsys.readouterr().out
    pdf_text = subprocess.run(["pdftotext", str(world.folder / "draw_record.pdf"), "-"],
                              capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else ""
    for text in (json.dumps(record, ensure_ascii=False), out, pdf_text):
        assert "539999" not in text and PHONE not in text and "1390000" not in text
    for row in rows:
        assert row["pin"] not in out  # PINs are in the experts file only
    if pdf_text:
        assert SEED in pdf_text and record["pool_sha256"] in pdf_text
        assert "与申报 A02 同单位" in pdf_text and "回避名单" in pdf_text


def test_check_reruns_the_same_committee_and_detects_a_changed_pool(
        world: World, tmp_path: Path) -> None:
    assert main(["draw", str(world.pool), "--case", str(world.folder), "--check"]) == 0
    changed = tmp_path / "pool.csv"
    rows = pool_rows()
    rows[5][2] = "工程师"  # P05 loses the qualification
    with changed.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert main(["draw", str(changed), "--case", str(world.folder), "--check"]) == 1
    # a hand-edited record (another committee) no longer matches the re-run
    forged = world.copy("forged-check")
    record = world.record(forged)
    group = record["result"]["groups"][0]
    group["members"][0], group["reserves"][0] = group["reserves"][0], group["members"][0]
    (forged / "draw.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert main(["draw", str(world.pool), "--case", str(forged), "--check"]) == 1


def test_the_record_pdf_is_signed_and_verifies(world: World) -> None:
    pdf = world.folder / "draw_record.pdf"
    assert main(["verify", str(pdf), "--trust", str(world.root / "sec.cert.pem")]) == 0
    if shutil.which("pdfsig"):
        text = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in text and "和丽萍" in text
    tampered = world.root / "tampered.pdf"
    data = bytearray(pdf.read_bytes())
    at = data.index(b"/Title")
    data[at + 8] ^= 1
    tampered.write_bytes(bytes(data))
    assert main(["verify", str(tampered), "--trust", str(world.root / "sec.cert.pem")]) != 0


def test_a_decline_gives_the_place_to_the_next_reserve_and_keeps_the_pins(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:
    folder = world.copy("declined")
    before = world.record(folder)
    pins = {r["id"]: r["pin"] for r in experts_rows(folder)}
    group = before["result"]["groups"][1]
    gone, reserve = group["members"][2], group["reserves"][0]
    assert world.draw("--decline", f"{gone}:出国培训，无法到会", folder=folder) == 0
    after = world.record(folder)
    moved = after["result"]["groups"][1]
    assert moved["members"][2] == reserve and gone not in moved["members"]
    assert moved["declines"] == [{"pool_id": gone, "reason": "出国培训，无法到会",
                                  "was_member": True, "replaced_by": reserve}]
    assert after["result"]["groups"][0] == before["result"]["groups"][0]
    assert after["seed"] == SEED  # the same seeded draw, re-run
    rows = experts_rows(folder)
    assert gone not in {r["id"] for r in rows}
    assert all(pins[r["id"]] == r["pin"] for r in rows)
    assert main(["draw", str(world.pool), "--case", str(folder), "--check"]) == 0
    capsys.readouterr()
    # the same person twice, another seed, and a fresh draw over a recorded one: refused
    assert world.draw("--decline", f"{gone}:again", folder=folder) == 1
    assert world.draw("--decline", f"{moved['members'][0]}:x", "--seed", "other",
                      folder=folder) == 1
    assert world.draw("--seed", "another", folder=folder) == 1
    err = capsys.readouterr().err
    assert "已登记不能参加" in err and "种子" in err and "已抽取" in err
    assert world.record(folder) == after


def test_refusals_exit_with_their_codes_and_write_nothing(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder, pool = write_draw_case(tmp_path / "fresh", pool_size=8)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal to type a seed on
    assert main(["draw", str(pool), "--case", str(folder), *world.signer()]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["draw", str(pool), "--case", str(folder), "--seed", "s",
                 *world.signer()]) == 1
    err = capsys.readouterr().err
    assert "equipment" in err and "缺" in err  # the group and how many are missing
    assert main(["draw", str(pool), "--case", str(folder), "--seed", "s",
                 "--decline", "P01"]) == 2
    broken = tmp_path / "broken.csv"
    broken.write_text("编号,姓名\nP01,甲\n", encoding="utf-8")
    assert main(["draw", str(broken), "--case", str(folder), "--seed", "s",
                 *world.signer()]) == 40
    assert "职称" in capsys.readouterr().err  # the missing columns named
    assert sorted(p.name for p in folder.iterdir()) == [
        "applications.csv", "case.toml", "conflicts.csv", "unit_aliases.csv"]


def test_sealing_refuses_an_experts_file_edited_after_the_draw(world: World,
                                                               tmp_path: Path) -> None:
    folder = world.copy("edited")
    rows = experts_rows(folder)
    seated = next(r for r in rows if not r["reserve"])
    reserve = next(r for r in rows if r["reserve"])
    seated["reserve"], reserve["reserve"] = "候补", ""  # a reserve seated by hand
    with (folder / "experts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["seal", str(folder), "-o", str(tmp_path / "x.rvb"), "--passphrase-file",
                 str(world.root / "pp.txt")]) == 40
    assert not (tmp_path / "x.rvb").exists()


@pytest.fixture(scope="module")
def sealed(world: World) -> Path:
    bundle = world.root / "drawn.rvb"
    assert main(["seal", str(world.folder), "-o", str(bundle), "--passphrase-file",
                 str(world.root / "pp.txt")]) == 0
    return bundle


def test_the_bundle_carries_the_record_and_the_session_opens_with_it(world: World,
                                                                      sealed: Path) -> None:
    unlocked = unlock(sealed, PASSPHRASE)
    draw = unlocked.case.draw
    stored = (world.folder / "draw.json").read_bytes()
    assert draw is not None and draw.record.encode("utf-8") == stored
    assert draw.record_sha256 == hashlib.sha256(stored).hexdigest() and draw.seed == SEED
    record = world.record()
    assert {e.id for e in unlocked.case.experts} == {
        p for g in record["result"]["groups"] for p in g["members"]}  # reserves not seated
    assert all(c.expert in {e.id for e in unlocked.case.experts}
               for c in unlocked.case.conflicts)  # P35's listed conflict stayed in the pool
    url = f"sqlite:///{world.root / 'drawn.db'}"
    Session.attach(unlocked, url).close()
    events = read_events(url)
    assert [e.kind for e in events[:2]] == [ev.SESSION_OPENED, ev.DRAW_RECORDED]
    assert events[1].payload == draw.event_payload()


def _tampered(world: World, sealed: Path, name: str, key: bool) -> str:
    unlocked = unlock(sealed, PASSPHRASE)
    url = f"sqlite:///{world.root / (name + '.db')}"
    Session.attach(unlocked, url).close()
    events = read_events(url)
    forged = replace(events[1], payload={**events[1].payload, "seed": "insider-seed"})
    rewrite(url, [events[0], forged, *events[2:]],
            key=unlocked.audit_key if key else None)
    return url


def test_an_insider_editing_the_draw_event_is_refused_by_the_chain(world: World,
                                                                   sealed: Path) -> None:
    url = _tampered(world, sealed, "insider", key=False)
    with pytest.raises(ChainBroken):
        Session.attach(unlock(sealed, PASSPHRASE), url)
    assert main(["audit", "verify", str(sealed), "--passphrase-file",
                 str(world.root / "pp.txt"), "--db", url]) == 31


def test_a_forged_draw_event_is_refused_by_replay_whoever_wrote_it(sealed: Path) -> None:
    """Even someone holding the passphrase (who can compute MACs) cannot make the session
    claim another seed or pool: the event must say what the sealed, authenticated record
    says, and a drawn case's session must carry it as its second event."""
    from reviewer.domain.replay import validate
    from reviewer.domain.review import Review

    unlocked = unlock(sealed, PASSPHRASE)
    review = Review(unlocked.case, unlocked.panel)
    assert unlocked.case.draw is not None
    opened = review.event(ev.SESSION_OPENED, ev.SYSTEM, case_id=unlocked.case.case_id,
                          bundle_sha256=unlocked.sha256, measure=unlocked.panel.id, session="n")
    validate(review, replace(opened, seq=1))
    review.state.apply(replace(opened, seq=1, hash="h1"))
    drawn = replace(review.event(ev.DRAW_RECORDED, ev.SYSTEM,
                                 **unlocked.case.draw.event_payload()), seq=2)
    validate(review, drawn)  # what the session writes replays
    for key in ("seed", "pool_sha256", "record_sha256"):
        with pytest.raises(ChainBroken, match=key):
            validate(review, replace(drawn, payload={**drawn.payload, key: "forged"}))
    with pytest.raises(ChainBroken):
        validate(review, replace(drawn, actor=ev.SECRETARY))
    with pytest.raises(ChainBroken, match="second event"):  # skipped, or written later on
        validate(review, replace(drawn, seq=3))
    other = review.event(ev.PIN_FAILED, ev.expert_actor(unlocked.case.experts[0].id),
                         expert=unlocked.case.experts[0].id, failures=1)
    with pytest.raises(ChainBroken, match="second event"):
        validate(review, replace(other, seq=2))


def test_removing_the_draw_event_breaks_the_chain(world: World, sealed: Path) -> None:
    unlocked = unlock(sealed, PASSPHRASE)
    url = f"sqlite:///{world.root / 'dropped.db'}"
    Session.attach(unlocked, url).close()
    events = read_events(url)
    rewrite(url, [events[0], *events[2:]], key=None)
    with pytest.raises(ChainBroken):
        Session.attach(unlocked, url)


def test_the_results_pdf_integrity_section_prints_seed_and_hashes() -> None:
    from reviewer.pdf.layout import make_styles
    from reviewer.pdf.model import Integrity
    from reviewer.pdf.sections import integrity

    facts = Integrity("b" * 64, 12, "c" * 64, "0.1", ("种子-1", "p" * 64, "r" * 64))
    flowables = integrity(facts, make_styles("Helvetica"))
    cells = json.dumps(getattr(flowables[0], "_cellvalues", []), default=str,
                       ensure_ascii=False)
    assert "种子-1" in cells and "p" * 64 in cells and "r" * 64 in cells
    plain = integrity(replace(facts, draw=None), make_styles("Helvetica"))
    assert "种子-1" not in json.dumps(getattr(plain[0], "_cellvalues", []), default=str,
                                      ensure_ascii=False)


def test_an_xlsx_experts_file_is_rewritten_as_xlsx_and_seals(world: World,
                                                            tmp_path: Path) -> None:
    """A folder whose experts file is a workbook gets a workbook back, with the PINs already
    handed out kept, and nothing but the three files appears (no temporary left behind)."""
    from openpyxl import Workbook, load_workbook

    folder, pool = write_draw_case(tmp_path / "x")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "姓名", "职称", "工作单位", "所在组", "口令"])
    # the first group is drawn the same without the avoid-list (P36 is of another field)
    first = world.record()["result"]["groups"][0]["members"][0]
    sheet.append([first, "x", "高级工程师", "x", "equipment", "24681357"])
    book.save(folder / "experts.xlsx")
    before = {p.name for p in folder.iterdir()}
    assert main(["draw", str(pool), "--case", str(folder), "--seed", SEED,
                 *world.signer()]) == 0
    assert {p.name for p in folder.iterdir()} == before | {"draw.json", "draw_record.pdf"}
    rows = list(load_workbook(folder / "experts.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("id", "name", "title", "unit", "groups", "pin", "id_number", "reserve")
    pins = {r[0]: r[5] for r in rows[1:]}
    assert pins[first] == "24681357"
    assert main(["seal", str(folder), "-o", str(tmp_path / "x.rvb"), "--passphrase-file",
                 str(world.root / "pp.txt")]) == 0
