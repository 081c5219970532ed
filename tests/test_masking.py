"""身份证号 and phone numbers are masked in every output of a played session (issue 13), and
``--unmask`` shows them in full only after recording who asked, for which command, when."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reviewer.bundle import seal
from reviewer.cli.main import main
from reviewer.domain import events as ev
from reviewer.domain.masking import (
    has_full_number,
    mask_id_number,
    mask_phone,
    mask_text,
    mask_value,
)
from reviewer.domain.panel import panels_dir
from reviewer.pdf.assemble import report_data, score_sheets
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.sheets import render_score_sheets
from reviewer.session import Session
from reviewer.tui.dashboard.snapshot import build as dashboard
from reviewer.tui.widgets.application_view import application_markdown
from tests.builders import Clock, app, expert, make_case

ID_APP = "530102199001011234"
ID_EXPERT = "53010219700101201X"
PHONE = "13812345678"
PHONE_DASHED = "139-1234-5678"
FULL = (ID_APP, ID_EXPERT, PHONE, "13912345678", PHONE_DASHED)
PASSPHRASE = "masking-test-passphrase"  # test-only


def test_the_masks_keep_what_the_issue_shows() -> None:
    assert mask_id_number("539999199208193221") == "5399**********3221"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_text(f"身份证号{ID_EXPERT}，电话 {PHONE}。") == \
        "身份证号5301**********201X，电话 138****5678。"


@pytest.mark.parametrize("kept", [
    "a3f1" + "1" * 60,  # a hash: digits inside a run of hex are no number
    "合计 85.50 分", "2026-11-23T09:00:00Z", "250000", "YL-2026-001", "E0001",
    "1" * 19,  # longer than any ID number
])
def test_other_numbers_are_left_alone(kept: str) -> None:
    assert mask_text(kept) == kept


def test_a_structure_is_masked_throughout_and_never_in_place() -> None:
    value = {"a": [f"x {PHONE}", (ID_APP,)], "n": 3}
    masked = mask_value(value)
    assert not has_full_number(json.dumps(masked, ensure_ascii=False))
    assert value["a"][0] == f"x {PHONE}"  # the input is unchanged


# -- a played session --------------------------------------------------------------------------

def _sealed(tmp: Path) -> Path:
    apps = [replace(app("A1", id_number=ID_APP),
                    summary=f"联系电话 {PHONE}，身份证号 {ID_APP}（虚构）"), app("A2"), app("A3")]
    experts = [expert("E1", ["g1"], id_number=ID_EXPERT), expert("E2", ["g1"]),
               expert("E3", ["g1"]), expert("C1", ["comp"]), expert("C2", ["comp"]),
               expert("C3", ["comp"])]
    case, panel = make_case("yunling-craftsman", apps, experts, justify_below=Decimal("0.6"))
    bundle = tmp / "case.rvb"
    case_json = json.dumps(case.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    seal([("case.json", case_json),
          ("panel.toml", (panels_dir() / f"{panel.id}.toml").read_bytes())], bundle,
         PASSPHRASE, header_info={"case_id": case.case_id, "measure": case.measure})
    (tmp / "pass").write_text(PASSPHRASE + "\n", encoding="utf-8")
    return bundle


GOOD = ("20", "20", "15", "25")


def _score(session: Session, expert_id: str, app_id: str, values: tuple[str, ...]) -> None:
    keys = [c.key for c in session.review.panel.expert_criteria]
    session.run(lambda r: r.declare_no_conflict(expert_id, app_id))
    for key, value in zip(keys, values, strict=True):
        session.run(lambda r, k=key, v=value: r.set_score(expert_id, app_id, k, v))


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both rounds to the close, with the numbers in a summary, a recusal reason, a score
    comment, a forced close's reason; the blank sheets printed while the first round was open."""
    tmp = tmp_path_factory.mktemp("masking")
    bundle = _sealed(tmp)
    url = f"sqlite:///{tmp / 's.db'}"
    session = Session.open(bundle, PASSPHRASE, url, clock=Clock())
    try:
        for e in ("E1", "E2", "E3", "C1", "C2", "C3"):
            session.run(lambda r, e=e: r.acknowledge(e))
        session.run(lambda r: r.declare_conflict(
            "E1", "A2", "interest", f"曾与申报人合作，电话 {PHONE_DASHED}"))
        _score(session, "E1", "A1", ("10", "20", "15", "25"))
        session.run(lambda r: r.justify("E1", "A1", "craft_expertise",
                                        f"身份证号 {ID_APP} 与材料不一致，联系 {PHONE} 未接通"))
        _score(session, "E1", "A3", GOOD)
        session.run(lambda r: r.submit("E1", confirm_no_conflict=True))
        for e in ("E2", "E3"):
            for a in ("A1", "A2", "A3"):
                _score(session, e, a, GOOD)
            session.run(lambda r, e=e: r.submit(e, confirm_no_conflict=True))
        sheets = tmp / "sheets.pdf"
        render_score_sheets(score_sheets(session.review), sheets)
        session.run(lambda r: r.advance(force=True, reason="电话 13912345678 已通知"))
        for e in ("C1", "C2", "C3"):
            for a in sorted({i for ids in session.review.state.nominees.values() for i in ids}):
                _score(session, e, a, GOOD)
            session.run(lambda r, e=e: r.submit(e, confirm_no_conflict=True))
        session.run(lambda r: r.advance(force=False, reason=""))
        review = session.review
        pdf = tmp / "results.pdf"
        render_results_pdf(report_data(review, session.bundle_sha256), pdf)
        outputs = {
            "tui application view": application_markdown(review.case.application("A1")),  # type: ignore[arg-type]
            "tui dashboard": repr(dashboard(review)),
            "report data": repr(report_data(review, session.bundle_sha256)),
        }
        unmasked = repr(report_data(review, session.bundle_sha256, unmask=True))
    finally:
        session.close()
    return {"tmp": tmp, "bundle": bundle, "url": url, "pdf": pdf, "sheets": sheets,
            "outputs": outputs, "unmasked_data": unmasked}


def _cli(played: dict[str, Any], command: str, *argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([command, str(played["bundle"]), *argv, "--passphrase-file",
                     str(played["tmp"] / "pass"), "--db", played["url"]])
    assert code == 0
    return out.getvalue()


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def _full_numbers(text: str) -> list[str]:
    flat = re.sub(r"\s+", "", text)  # a number wrapped across lines is still a number
    return [n for n in FULL if n in text or n in flat]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_no_output_of_the_played_session_shows_a_full_id_or_phone_number(
        played: dict[str, Any]) -> None:
    outputs = dict(played["outputs"])
    outputs["results --json"] = _cli(played, "results", "--json")
    outputs["results"] = _cli(played, "results")
    outputs["results PDF"] = _pdf_text(played["pdf"])
    outputs["blank sheets PDF"] = _pdf_text(played["sheets"])
    for name, text in outputs.items():
        assert not _full_numbers(text), (name, _full_numbers(text))
        assert not has_full_number(text), name
    # the texts are there, masked: the test looks where the numbers were
    assert "5301**********1234" in outputs["results PDF"].replace(" ", "") or \
        "5301**********1234" in re.sub(r"\s+", "", outputs["results PDF"])
    assert "139****5678" in outputs["results PDF"]
    assert "138****5678" in outputs["tui application view"]
    # and nothing was recorded: masked outputs need no audit
    assert "5301**********1234" in outputs["report data"]


def test_the_json_is_the_same_apart_from_the_masks(played: dict[str, Any]) -> None:
    masked = json.loads(_cli(played, "results", "--json"))
    assert masked["round"] == "closed" and masked["final"]


def test_unmask_shows_the_full_numbers_and_is_recorded_in_the_audit_trail(
        played: dict[str, Any]) -> None:
    assert ID_APP in played["unmasked_data"] and PHONE_DASHED in played["unmasked_data"]
    text = _cli(played, "results", "--unmask")
    assert "results" in text or text  # the results themselves hold no number in this case
    session = Session.open(played["bundle"], PASSPHRASE, played["url"])  # reopened
    try:
        records = session.review.state.unmasked
        assert records and records[-1]["command"] == "results"
        assert records[-1]["by"] == ev.SECRETARY and records[-1]["at"]
        assert session.verify_audit().ok
    finally:
        session.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_signed_export_is_masked_and_unmask_is_recorded_with_it(
        played: dict[str, Any]) -> None:
    tmp = played["tmp"]
    (tmp / "key.txt").write_text("test-only-key-passphrase", encoding="utf-8")
    assert main(["keygen", "--name", "李秘书", "--role", "评审秘书", "-o", str(tmp / "sec"),
                 "--key-passphrase-file", str(tmp / "key.txt")]) == 0
    signer = ["--key", str(tmp / "sec.key.pem"), "--cert", str(tmp / "sec.cert.pem"),
              "--key-passphrase-file", str(tmp / "key.txt")]
    _cli(played, "export", "-o", str(tmp / "masked.pdf"), *signer)
    assert not _full_numbers(_pdf_text(tmp / "masked.pdf"))
    _cli(played, "export", "-o", str(tmp / "full.pdf"), "--unmask", *signer)
    assert ID_APP in re.sub(r"\s+", "", _pdf_text(tmp / "full.pdf"))
    session = Session.open(played["bundle"], PASSPHRASE, played["url"])
    try:
        state = session.review.state
        assert state.unmasked[-1]["command"] == "export"
        assert len(state.exports) == 2 and session.verify_audit().ok
    finally:
        session.close()


def test_a_number_alone_in_its_string_is_masked_at_the_shortest_length() -> None:
    """Short strings skip the search (scores, ids); an 11-digit mobile number standing alone is
    the shortest text that can hold one, and is masked."""
    assert mask_text("13812345678") == "138****5678"
    assert mask_text("1381234567") == "1381234567"  # 10 digits: not a mobile number
    assert mask_text("98.50") == "98.50"
