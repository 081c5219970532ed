"""The drawn sample case (``yunling-craftsman-drawn-2026``): its committee re-checks from the
pool and the recorded seed, its signed record can be issued, and a full session of its
committed bundle prints the draw in the results PDF's integrity section."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.session import Session
from tests.test_cli_session import KEY_PASSPHRASE, cli, results_json, run_rounds

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "sample_cases" / "yunling-craftsman-drawn-2026"
PASSPHRASE = "demo-drawn-2026"  # sample-only, published in sample_cases/README.md


def keys(tmp_path: Path) -> list[str]:
    (tmp_path / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    assert main(["keygen", "--name", "和丽萍", "--role", "评审秘书", "-o", str(tmp_path / "sec"),
                 "--key-passphrase-file", str(tmp_path / "key.txt")]) == 0
    return ["--key", str(tmp_path / "sec.key.pem"), "--cert", str(tmp_path / "sec.cert.pem"),
            "--key-passphrase-file", str(tmp_path / "key.txt")]


def test_the_sample_committee_rechecks_and_its_signed_record_can_be_issued(
        tmp_path: Path) -> None:
    record = json.loads((FOLDER / "draw.json").read_text(encoding="utf-8"))
    assert record["pool_sha256"] == hashlib.sha256((FOLDER / "pool.xlsx").read_bytes()).hexdigest()
    declines = [d for g in record["result"]["groups"] for d in g["declines"]]
    assert len(declines) == 1 and declines[0]["replaced_by"]
    assert record["avoid"] and record["result"]["excluded"]
    folder = tmp_path / "case"
    shutil.copytree(FOLDER, folder)
    signer = keys(tmp_path)
    assert main(["draw", str(folder / "pool.xlsx"), "--case", str(folder), "--check",
                 *signer]) == 0
    assert main(["verify", str(folder / "draw_record.pdf"), "--trust",
                 str(tmp_path / "sec.cert.pem")]) == 0


def test_a_session_of_the_drawn_sample_prints_the_draw_in_its_results(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "case.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER.name}.rvb", bundle)
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER.name}.passphrase", tmp_path / "pass.txt")
    session = Session.open(bundle, PASSPHRASE)
    draw = session.case.draw
    session.close()
    assert draw is not None
    assert draw.record.encode("utf-8") == (FOLDER / "draw.json").read_bytes()  # sealed as is
    run_rounds(bundle, tmp_path, PASSPHRASE)
    out = results_json(bundle, capsys)
    for tie in out["unresolved_ties"]:
        assert cli(bundle, "ties", "resolve", "--order", ",".join(tie), "--reason", "复议") == 0
    signer = keys(tmp_path)
    pdf = tmp_path / "results.pdf"
    assert cli(bundle, "export", "-o", str(pdf), *signer) == 0
    assert main(["verify", str(pdf), "--trust", str(tmp_path / "sec.cert.pem")]) == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        flat = "".join(text.split())
        for value in (draw.seed, draw.pool_sha256, draw.record_sha256):
            assert value in flat
