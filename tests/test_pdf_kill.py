"""``reviewer export`` killed (SIGKILL) at random moments never leaves a plaintext report.

Issue 9 found ``.unsigned-*.pdf`` files — the whole report, applicant names included — beside
the output after 14 of 74 kills. The report is now rendered and signed in memory and only the
signed bytes are written, in one step: after every kill the output folder holds nothing, or
exactly the final file and it verifies. Half the runs start with an earlier export in place
(the replace path). The export records itself in the session database, so it is killed on
SQLite and on PostgreSQL: after every kill the audit chain verifies and the next export
succeeds. ``REVIEWER_KILL_COUNT`` sets the number of kills per backend (default 6 for CI; the
note reports a run of 60). ``reviewer sign`` opens no database: its kills run once.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.i18n import set_locale
from reviewer.pdf.errors import EXIT_OK
from reviewer.pdf.signing import verify_pdf
from reviewer.session import Session
from tests.session_fixtures import backend_url
from tests.test_cli_session import KEY_PASSPHRASE, ROOT, cli, results_json, write_sheets

FOLDER, PASSPHRASE = "innovation-studio-2026", "demo-studio-2026"
KILLS = int(os.environ.get("REVIEWER_KILL_COUNT", "6"))


@dataclass(frozen=True)
class ClosedCase:
    bundle: Path
    db_url: str


@pytest.fixture(scope="module")
def closed_case(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> ClosedCase:
    """A sample session with both rounds scored on paper and closed, and a signing key, on
    the backend the test names (``indirect`` parametrisation)."""
    backend: str = request.param
    work = tmp_path_factory.mktemp(f"kill-{backend}")
    url = backend_url(backend, work)
    bundle = work / "case.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER}.rvb", bundle)
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER}.passphrase", work / "pass.txt")
    session = Session.open(bundle, PASSPHRASE, url)
    experts = [e.id for e in session.case.experts]
    session.close()
    for expert in experts:
        assert cli(bundle, "ack", "--expert", expert, "--paper", "--db", url) == 0
    for label in ("专业组", "综合组"):
        sheet = work / f"{label}.csv"
        write_sheets(bundle, sheet, label, PASSPHRASE, url)
        assert cli(bundle, "scores", "import", str(sheet), "--db", url) == 0
        sheet.unlink()
        assert cli(bundle, "advance", "--db", url) == 0

    (work / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o", str(work / "sec"),
                 "--key-passphrase-file", str(work / "key.txt")]) == 0
    set_locale(None)
    return ClosedCase(bundle, url)


def _export_command(case: ClosedCase, out: Path) -> list[str]:
    work = case.bundle.parent
    return [sys.executable, "-m", "reviewer.cli.main", "export", str(case.bundle),
            "--passphrase-file", str(work / "pass.txt"), "-o", str(out), "--db", case.db_url,
            "--key", str(work / "sec.key.pem"), "--cert", str(work / "sec.cert.pem"),
            "--key-passphrase-file", str(work / "key.txt")]


def _recorded_exports(case: ClosedCase) -> list[str]:
    """The file digests the chain records, after it verified."""
    session = Session.open(case.bundle, PASSPHRASE, case.db_url)
    try:
        report = session.verify_audit()
        assert report.ok, report
        return [e["file_sha256"] for e in session.review.state.exports]
    finally:
        session.close()


def _check(out_dir: Path, trust: Path) -> str:
    """Nothing, or exactly the final name and it verifies; return which."""
    names = sorted(p.name for p in out_dir.iterdir())
    assert names in ([], ["results.pdf"]), f"left behind: {names}"
    if not names:
        return "absent"
    report = verify_pdf(out_dir / "results.pdf", [trust])
    assert int(report.exit_code) == EXIT_OK, report.describe()
    return "verified"


@pytest.mark.parametrize("closed_case", ["sqlite", "postgres"], indirect=True)
def test_killed_export_leaves_a_signed_pdf_or_nothing(closed_case: ClosedCase,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bundle = closed_case.bundle
    assert not results_json(bundle, capsys, "--db", closed_case.db_url)["unresolved_ties"]
    out_dir = bundle.parent / "out"
    out_dir.mkdir()
    trust = bundle.parent / "sec.cert.pem"
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
    recorded = len(_recorded_exports(closed_case))
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
        exports = _recorded_exports(closed_case)  # the chain verifies after every kill
        assert len(exports) in (recorded, recorded + 1)  # an export recorded once or not at all
        if state == "verified":
            written = (out_dir / "results.pdf").read_bytes()
            state = ("earlier file kept" if written == earlier else
                     "new file, recorded" if hashlib.sha256(written).hexdigest() in exports
                     else "new file, killed before its record")
        seen[state] = seen.get(state, 0) + 1
        recorded = len(exports)
    # the killed export can be redone, and the file it writes is the one the chain records
    (out_dir / "results.pdf").unlink(missing_ok=True)
    subprocess.run(_export_command(closed_case, out_dir / "results.pdf"), env=env, check=True,
                   capture_output=True)
    assert _check(out_dir, trust) == "verified"
    digest = hashlib.sha256((out_dir / "results.pdf").read_bytes()).hexdigest()
    assert _recorded_exports(closed_case)[-1] == digest
    print(f"{KILLS} kills over a {full:.1f} s export ({closed_case.db_url.split(':')[0].split('+')[0]}): "
          f"{seen}")


@pytest.mark.parametrize("closed_case", ["sqlite"], indirect=True)
def test_killed_countersignature_leaves_the_file_signed_once_or_twice(
        closed_case: ClosedCase) -> None:
    """``reviewer sign`` rewrites the file in place: a kill leaves it as it was or complete."""
    work = closed_case.bundle.parent
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
