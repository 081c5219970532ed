"""``reviewer export`` killed (SIGKILL) at random moments never leaves a plaintext report.

Issue 9 found ``.unsigned-*.pdf`` files — the whole report, applicant names included — beside
the output after 14 of 74 kills. The report is now rendered and signed in memory and only the
signed bytes are written, in one step: after every kill the output folder holds nothing, or
exactly the final file and it verifies. Half the runs start with an earlier export in place
(the replace path). ``REVIEWER_KILL_COUNT`` sets the number of kills (default 6 for CI; the
report of the edges work quotes a run of 60).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.i18n import set_locale
from reviewer.pdf.errors import EXIT_OK
from reviewer.pdf.signing import verify_pdf
from reviewer.session import Session
from tests.test_cli_session import KEY_PASSPHRASE, ROOT, cli, results_json, write_sheets

FOLDER, PASSPHRASE = "innovation-studio-2026", "demo-studio-2026"
KILLS = int(os.environ.get("REVIEWER_KILL_COUNT", "6"))


@pytest.fixture(scope="module")
def closed_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample session with both rounds scored on paper and closed, and a signing key."""
    work = tmp_path_factory.mktemp("kill")
    bundle = work / "case.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER}.rvb", bundle)
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER}.passphrase", work / "pass.txt")
    session = Session.open(bundle, PASSPHRASE)
    experts = [e.id for e in session.case.experts]
    session.close()
    for expert in experts:
        assert cli(bundle, "ack", "--expert", expert, "--paper") == 0
    for label in ("专业组", "综合组"):
        sheet = work / f"{label}.csv"
        write_sheets(bundle, sheet, label, PASSPHRASE)
        assert cli(bundle, "scores", "import", str(sheet)) == 0
        sheet.unlink()
        assert cli(bundle, "advance") == 0

    (work / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o", str(work / "sec"),
                 "--key-passphrase-file", str(work / "key.txt")]) == 0
    set_locale(None)
    return bundle


def _export_command(bundle: Path, out: Path) -> list[str]:
    work = bundle.parent
    return [sys.executable, "-m", "reviewer.cli.main", "export", str(bundle),
            "--passphrase-file", str(work / "pass.txt"), "-o", str(out),
            "--key", str(work / "sec.key.pem"), "--cert", str(work / "sec.cert.pem"),
            "--key-passphrase-file", str(work / "key.txt")]


def _check(out_dir: Path, trust: Path) -> str:
    """Nothing, or exactly the final name and it verifies; return which."""
    names = sorted(p.name for p in out_dir.iterdir())
    assert names in ([], ["results.pdf"]), f"left behind: {names}"
    if not names:
        return "absent"
    report = verify_pdf(out_dir / "results.pdf", [trust])
    assert int(report.exit_code) == EXIT_OK, report.describe()
    return "verified"


def test_killed_export_leaves_a_signed_pdf_or_nothing(closed_case: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert not results_json(closed_case, capsys)["unresolved_ties"]
    out_dir = closed_case.parent / "out"
    out_dir.mkdir()
    trust = closed_case.parent / "sec.cert.pem"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    first = subprocess.run(_export_command(closed_case, out_dir / "results.pdf"), env=env,
                           check=True, capture_output=True, text=True)
    full = time.monotonic() - started
    assert "%" not in first.stderr  # no progress line when stderr is not a terminal
    assert _check(out_dir, trust) == "verified"
    earlier = (out_dir / "results.pdf").read_bytes()
    rng = random.Random(int(os.environ.get("REVIEWER_KILL_SEED", "9")))
    seen: dict[str, int] = {}
    for i in range(KILLS):
        (out_dir / "results.pdf").unlink(missing_ok=True)
        if i % 2:
            (out_dir / "results.pdf").write_bytes(earlier)  # odd runs replace a signed file
        # the end of the run (render, sign, write) is where a file can appear: weigh it more
        delay = rng.uniform(0.0, full) if i % 3 == 0 else rng.uniform(0.5 * full, 1.1 * full)
        process = subprocess.Popen(_export_command(closed_case, out_dir / "results.pdf"),
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _check(out_dir, trust)
        seen[state] = seen.get(state, 0) + 1
    print(f"{KILLS} kills over a {full:.1f} s export: {seen}")


def test_killed_countersignature_leaves_the_file_signed_once_or_twice(
        closed_case: Path) -> None:
    """``reviewer sign`` rewrites the file in place: a kill leaves it as it was or complete."""
    work = closed_case.parent
    folder = work / "sign"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(_export_command(closed_case, folder / "results.pdf"), env=env, check=True,
                   capture_output=True)
    original = (folder / "results.pdf").read_bytes()
    command = [sys.executable, "-m", "reviewer.cli.main", "sign", str(folder / "results.pdf"),
               "--key", str(work / "sec.key.pem"), "--cert", str(work / "sec.cert.pem"),
               "--key-passphrase-file", str(work / "key.txt")]
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    full = time.monotonic() - started
    rng = random.Random(10)
    for _ in range(max(2, KILLS // 2)):
        (folder / "results.pdf").write_bytes(original)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3 * full, 1.1 * full))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _check(folder, work / "sec.cert.pem") == "verified"
        signatures = len(verify_pdf(folder / "results.pdf", [work / "sec.cert.pem"]).signatures)
        assert signatures in (1, 2)
