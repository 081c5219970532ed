"""The drawn sample case (``yunling-craftsman-drawn-2026``): its committee re-checks from the
pool and the recorded seed, its signed record can be issued, and a full session of its
committed bundle prints the draw in the results PDF's integrity section."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import demo_drawn_session as demo  # noqa: E402

from reviewer.cli.main import main
from reviewer.session import Session
from tests.test_cli_session import KEY_PASSPHRASE

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


def test_the_drawn_sample_session_shows_the_draw_a_justified_low_score_and_a_dissent(
        tmp_path: Path) -> None:
    """Issue 13's sample: ``scripts/demo_drawn_session.py`` plays the drawn case through the
    real commands; its signed results PDF carries the draw, the low score beside its reason,
    the dissent and the refusal to sign on the signature page."""
    session = Session.open(ROOT / "sample_cases" / f"{FOLDER.name}.rvb", PASSPHRASE,
                           f"sqlite:///{tmp_path / 'peek.db'}")
    draw = session.case.draw
    assert session.review.justification_rule.below is not None  # the case turns the rule on
    session.close()
    assert draw is not None
    assert draw.record.encode("utf-8") == (FOLDER / "draw.json").read_bytes()  # sealed as is
    played = demo.play(tmp_path / "demo")
    assert main(["verify", str(played.pdf), "--trust", str(played.cert)]) == 0
    assert not list((tmp_path / "demo").glob("sheet-*.csv"))  # the paper sheets are gone
    if not shutil.which("pdftotext"):
        pytest.skip("poppler's pdftotext is not installed")
    text = subprocess.run(["pdftotext", str(played.pdf), "-"], capture_output=True,
                          text=True).stdout
    flat = "".join(text.split())
    for value in (draw.seed, draw.pool_sha256, draw.record_sha256):
        assert value in flat
    _expert, _app, criterion = played.low
    assert "评分理由" in flat and "".join(demo.LOW_REASON.split()) in flat
    assert f"总分（{criterion}" in flat  # the low criterion is named beside its reason
    assert "".join(demo.DISSENT.split()) in flat and "不同意见" in flat
    assert "拒绝签字" in flat and "".join(demo.REFUSAL.split()) in flat
    assert "评审委员会签字页" in flat
