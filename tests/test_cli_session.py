"""The whole review from the command line, as a secretary scripts it: seal the 云岭工匠
sample, record paper pledges, import paper score sheets for both rounds, advance, resolve
ties, export the signed PDF, countersign and verify it (with poppler's pdfsig too), check the
audit chain, and make sure no applicant's name or unit ever reached the session database."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.bundle.pins import pin_password_hasher
from reviewer.casefolder import read_case_folder
from reviewer.cli.main import main
from reviewer.session import Session

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026"
PASSPHRASE = "demo-yunling-2026"  # sample-only passphrase, published in sample_cases/README.md
KEY_PASSPHRASE = "test-only-key-passphrase"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("cli")
    bundle = work / "case.rvb"
    (work / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["seal", str(SAMPLE), "-o", str(bundle),
                 "--passphrase-file", str(work / "pass.txt")]) == 0
    return bundle


GROUPED = {"scores", "ties", "audit"}  # commands with a sub-command: reviewer scores import …


def cli(bundle: Path, *args: str) -> int:
    words = 2 if args[0] in GROUPED else 1
    return main([*args[:words], str(bundle), "--passphrase-file",
                 str(bundle.parent / "pass.txt"), *args[words:]])


def score(expert: str, app: str, maximum: Decimal) -> Decimal:
    """A deterministic, varied score in 0.5 steps between 55% and 100% of the maximum."""
    digest = int(hashlib.sha256(f"{expert}/{app}".encode()).hexdigest(), 16)
    fraction = Decimal(55 + digest % 46) / 100
    return (maximum * fraction * 2).to_integral_value() / 2


def write_sheets(bundle: Path, path: Path, round_label: str, passphrase: str = PASSPHRASE,
                 db_url: str | None = None) -> int:
    session = Session.open(bundle, passphrase, db_url)
    review = session.review
    criteria = review.panel.expert_criteria
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["expert", "application", "round", *[c.name for c in criteria]])
        for expert in review.case.experts:
            for app in review.scope(expert.id):
                if review.conflicts.is_recused(expert.id, app.id, review.state):
                    continue
                writer.writerow([expert.id, app.id, round_label,
                                 *[score(expert.id, app.id, review.points[c.key]) for c in criteria]])
                rows += 1
    session.close()
    return rows


def results_json(bundle: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    capsys.readouterr()
    assert cli(bundle, "results", "--json", *extra) == 0
    return json.loads(capsys.readouterr().out)


def test_inspect_shows_the_header_without_content(sealed: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(sealed)]) == 0
    out = capsys.readouterr().out
    assert "yunling-craftsman" in out
    case, _ = read_case_folder(SAMPLE, pin_hasher=pin_password_hasher().hash)
    assert all(a.name not in out and a.unit not in out for a in case.applications)
    assert cli(sealed, "inspect") == 0
    out = capsys.readouterr().out
    assert "48" in out and case.applications[0].name not in out


def test_full_review_from_the_command_line(sealed: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "case.rvb"
    shutil.copy(sealed, bundle)
    shutil.copy(sealed.parent / "pass.txt", tmp_path / "pass.txt")
    case, _ = read_case_folder(SAMPLE, pin_hasher=pin_password_hasher().hash)

    # paper sheets are refused until the experts' pledges are recorded
    sheet = tmp_path / "professional.csv"
    write_sheets(bundle, sheet, "专业组")
    assert cli(bundle, "scores", "import", str(sheet)) == 41
    assert "保密承诺" in capsys.readouterr().err
    for expert in case.experts:
        assert cli(bundle, "ack", "--expert", expert.id, "--paper") == 0

    # the comprehensive round cannot open before every professional sheet is in
    assert cli(bundle, "advance") == 1
    assert "尚未提交" in capsys.readouterr().err
    rows = write_sheets(bundle, sheet, "专业组")
    assert cli(bundle, "scores", "import", str(sheet)) == 0
    assert str(rows) in capsys.readouterr().out
    assert cli(bundle, "advance") == 0
    out = results_json(bundle, capsys)
    assert out["round"] == "comprehensive"
    nominated = {i for ids in out["nominees"].values() for i in ids}
    assert nominated and all(len(ids) >= 6 for ids in out["nominees"].values())

    sheet2 = tmp_path / "comprehensive.csv"
    write_sheets(bundle, sheet2, "comprehensive")
    assert cli(bundle, "scores", "import", str(sheet2)) == 0
    assert cli(bundle, "advance") == 0
    out = results_json(bundle, capsys)
    assert out["round"] == "closed"
    for tie in out["unresolved_ties"]:
        assert cli(bundle, "ties", "resolve", "--order", ",".join(tie),
                   "--reason", "综合组复议表决") == 0
    out = results_json(bundle, capsys)
    assert out["unresolved_ties"] == []
    final = out["final"]
    assert [f["basis"] for f in final[:2]] == ["direct", "direct"]
    assert len(final) <= 20
    # the same bundle and events always give byte-identical JSON
    capsys.readouterr()
    cli(bundle, "results", "--json")
    first = capsys.readouterr().out
    cli(bundle, "results", "--json")
    assert capsys.readouterr().out == first

    # keys, export, countersignature, verification
    (tmp_path / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    for prefix, name, role in (("secretary", "李秘书", "评审秘书"), ("leader", "王组长", "综合组组长")):
        assert main(["keygen", "--name", name, "--role", role, "-o", str(tmp_path / prefix),
                     "--key-passphrase-file", str(tmp_path / "key.txt")]) == 0
    pdf = tmp_path / "results.pdf"
    signer = ["--key", str(tmp_path / "secretary.key.pem"), "--cert",
              str(tmp_path / "secretary.cert.pem"), "--key-passphrase-file",
              str(tmp_path / "key.txt")]
    assert cli(bundle, "export", "-o", str(pdf), *signer) == 0
    assert main(["sign", str(pdf), "--key", str(tmp_path / "leader.key.pem"), "--cert",
                 str(tmp_path / "leader.cert.pem"), "--key-passphrase-file",
                 str(tmp_path / "key.txt")]) == 0
    trust = ["--trust", str(tmp_path / "secretary.cert.pem"),
             "--trust", str(tmp_path / "leader.cert.pem")]
    capsys.readouterr()
    assert main(["verify", str(pdf), *trust, "--case", str(bundle), "--passphrase-file",
                 str(tmp_path / "pass.txt"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["signatures"]) == 2 and report["case"]["ok"]
    if shutil.which("pdfsig"):
        text = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
        assert text.count("Signature is Valid.") == 2
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        finalist = case.application(final[2]["id"])
        assert finalist is not None and finalist.name in text
        assert final[2]["score"] in text
    # a later change to the session makes the PDF no longer match it
    assert cli(bundle, "disqualify", "--application", final[3]["id"], "--reason",
               "公示期间异议属实") == 0
    assert main(["verify", str(pdf), *trust, "--case", str(bundle), "--passphrase-file",
                 str(tmp_path / "pass.txt")]) == 24

    assert cli(bundle, "audit", "verify") == 0

    # nothing of an application reached the database in plaintext
    db = tmp_path / "case.session.db"
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("case.session.db*"))
    assert db.exists() and len(raw) > 10_000
    for app in case.applications:
        for text in (app.name, app.unit, app.summary[:30]):
            assert text.encode("utf-8") not in raw, text


def test_refusals_leave_nothing_behind(sealed: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "case.rvb"
    shutil.copy(sealed, bundle)
    (tmp_path / "pass.txt").write_text("wrong passphrase\n", encoding="utf-8")
    assert cli(bundle, "results") == 12
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("*.session.db*"))

    (tmp_path / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped = tmp_path / "flipped.rvb"
    flipped.write_bytes(bytes(data))
    assert cli(flipped, "results") == 13
    truncated = tmp_path / "truncated.rvb"
    truncated.write_bytes(bytes(data[: len(data) - 100]))
    assert cli(truncated, "results") == 14
    assert "Traceback" not in capsys.readouterr().err

    # export is refused, saying why, while the round is open
    assert cli(bundle, "export", "-o", str(tmp_path / "r.pdf"), "--key", "k", "--cert", "c") == 1
    assert "评审尚未结束" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_seal_reports_every_problem_and_writes_nothing(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "case"
    shutil.copytree(SAMPLE, folder)
    experts = (folder / "experts.csv").read_text(encoding="utf-8").splitlines()
    experts[1] = experts[1].replace("副研究员", "工程师")  # below 副高职/技师
    experts[2] = experts[2].rsplit(",", 2)[0] + ",123," + experts[2].rsplit(",", 1)[1]
    (folder / "experts.csv").write_text("\n".join(experts) + "\n", encoding="utf-8")
    (tmp_path / "pass.txt").write_text(PASSPHRASE, encoding="utf-8")
    out = tmp_path / "bad.rvb"
    code = main(["seal", str(folder), "-o", str(out), "--passphrase-file",
                 str(tmp_path / "pass.txt")])
    err = capsys.readouterr().err
    assert code == 40
    assert "experts.csv" in err and "职称" in err
    assert not out.exists()


def test_help_is_chinese_by_default_and_english_on_request(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["advance", "--help"])
    assert "用法" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "advance", "--help"])
    out = capsys.readouterr().out
    assert "usage" in out and "close the current round" in out
    from reviewer.i18n import set_locale

    set_locale(None)


def run_rounds(bundle: Path, tmp_path: Path, passphrase: str,
               sheets: Callable[[Path, Path, str, str], int] | None = None) -> list[str]:
    """Pledges on paper, then every round the measure's panel declares, by paper sheets
    written with the panel's own round names; returns the rounds run."""
    session = Session.open(bundle, passphrase)
    experts = [e.id for e in session.case.experts]
    labels = [r.name for r in session.review.panel.rounds]
    session.close()
    for expert in experts:
        assert cli(bundle, "ack", "--expert", expert, "--paper") == 0
    for label in labels:
        sheet = tmp_path / f"{label}.csv"
        (sheets or write_sheets)(bundle, sheet, label, passphrase)
        assert cli(bundle, "scores", "import", str(sheet)) == 0
        assert cli(bundle, "advance") == 0
    return labels


@pytest.mark.parametrize(("folder", "passphrase", "rounds"), [
    # 第十二条 (成果奖): one review; 第十五条 (工作室): 专业组 then 综合组; 第十六条 (技能竞赛): one
    ("innovation-achievement-2026", "demo-achievement-2026", ["评审委员会评审"]),
    ("innovation-studio-2026", "demo-studio-2026", ["专业组评审", "综合组评审"]),
    ("skills-contest-2026", "demo-skills-2026", ["裁判评分"]),
])
def test_export_of_the_other_samples(folder: str, passphrase: str, rounds: list[str],
                                     tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The committed sample bundles open with the passphrase beside them, run through the
    rounds their document defines and export."""
    bundle = tmp_path / "case.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{folder}.rvb", bundle)
    shutil.copy(ROOT / "sample_cases" / f"{folder}.passphrase", tmp_path / "pass.txt")
    assert run_rounds(bundle, tmp_path, passphrase) == rounds
    out = results_json(bundle, capsys)
    assert out["round"] == "closed"
    assert [r["name"] for r in out["rounds"]] == rounds
    for tie in out["unresolved_ties"]:
        assert cli(bundle, "ties", "resolve", "--order", ",".join(tie), "--reason", "复议") == 0
    out = results_json(bundle, capsys)
    (tmp_path / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o",
                 str(tmp_path / "sec"), "--key-passphrase-file", str(tmp_path / "key.txt")]) == 0
    pdf = tmp_path / "results.pdf"
    assert cli(bundle, "export", "-o", str(pdf), "--key", str(tmp_path / "sec.key.pem"),
               "--cert", str(tmp_path / "sec.cert.pem"), "--key-passphrase-file",
               str(tmp_path / "key.txt")) == 0
    assert main(["verify", str(pdf), "--trust", str(tmp_path / "sec.cert.pem")]) == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        session = Session.open(bundle, passphrase)
        for row in out["final"][:3]:
            app = session.case.application(row["id"])
            assert app is not None and app.name in text and row["score"] in text
        session.close()


def skills_sheets(bundle: Path, path: Path, label: str, passphrase: str) -> int:
    """Practice marks for the contest sample: JN-2026-004 gets 3 more than JN-2026-003 from
    every judge; its theory mark is 7 lower, so 0.3×7 = 0.7×3 and the combined scores tie."""
    session = Session.open(bundle, passphrase)
    review = session.review
    (practice,) = review.panel.expert_criteria
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["expert", "application", "round", practice.name])
        for expert in review.case.experts:
            for app in review.scope(expert.id):
                if review.conflicts.is_recused(expert.id, app.id, review.state):
                    continue
                mark = score(expert.id, app.id, Decimal(90))
                if app.id == "JN-2026-004":
                    mark = score(expert.id, "JN-2026-003", Decimal(90)) + 3
                writer.writerow([expert.id, app.id, label, mark])
                rows += 1
    session.close()
    return rows


def test_skills_contest_sample_single_step_weighting_and_practice_tie_break(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """职业技能竞赛 (第十六条): one marking by the judges, 理论:实操 = 3:7, equal combined scores
    ordered by the higher 实操; 第十八条 技术状元 and 技术能手; the PDF explains the order."""
    folder, passphrase = "skills-contest-2026", "demo-skills-2026"
    bundle = tmp_path / "case.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{folder}.rvb", bundle)
    shutil.copy(ROOT / "sample_cases" / f"{folder}.passphrase", tmp_path / "pass.txt")
    assert run_rounds(bundle, tmp_path, passphrase, skills_sheets) == ["裁判评分"]
    out = results_json(bundle, capsys)
    assert out["round"] == "closed" and out["comprehensive"] == [] and out["nominees"] == {}
    rows = {r["id"]: r for rows in out["professional"].values() for r in rows}
    assert rows["JN-2026-003"]["aggregate"] == rows["JN-2026-004"]["aggregate"]
    decided = [d for d in out["tie_breaks"] if "JN-2026-004" in d["order"]]
    assert len(decided) == 1
    order = decided[0]["order"]
    assert order.index("JN-2026-004") < order.index("JN-2026-003")
    assert [(r["rule"], r["article"]) for r in decided[0]["rules"]] == [("criterion", "第十六条")]
    # 第十二条: the former 技术状元 is not a contestant and not counted; 31 ≥ 30, no warning
    assert [i["id"] for i in out["ineligible"]] == ["JN-2026-001"]
    assert out["warnings"] == []
    final = out["final"]
    assert [f["tier"] for f in final] == ["champion"] + ["expert"] * 9
    for tie in out["unresolved_ties"]:
        assert cli(bundle, "ties", "resolve", "--order", ",".join(tie), "--reason", "复议") == 0
    (tmp_path / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o",
                 str(tmp_path / "sec"), "--key-passphrase-file", str(tmp_path / "key.txt")]) == 0
    pdf = tmp_path / "results.pdf"
    assert cli(bundle, "export", "-o", str(pdf), "--key", str(tmp_path / "sec.key.pem"),
               "--cert", str(tmp_path / "sec.cert.pem"), "--key-passphrase-file",
               str(tmp_path / "key.txt")) == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        squashed = "".join(text.split())
        assert "综合成绩相同，以实际操作成绩得分高者居前（第十六条）" in squashed
        assert "云岭工匠" not in squashed and "综合组评审" not in squashed
