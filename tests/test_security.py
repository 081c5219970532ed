"""The security promises of PRODUCT.md, attacked (issue 14 "Security tests"):

- no application content (name, unit, summary, material text) in the session database, its
  WAL/journal/SHM, a temporary file, the checkpoint folder or Textual's log and cache folders
  at any point of a whole session (the results PDF excepted: it names the finalists by design);
- a recused expert reaches no content and no aggregate of that application;
- PIN guessing is throttled across terminals and restarts (the lockout is folded from events);
- signing keys never touch the disk unencrypted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from reviewer.bundle.pins import pin_password_hasher
from reviewer.casefolder import read_case_folder
from reviewer.cli.main import main
from reviewer.domain.errors import DomainError
from reviewer.i18n import set_locale
from reviewer.session import Session
from tests.session_fixtures import (
    BENCH_PASSPHRASE,
    ROOT,
    backend_url,
    pledged,
    ready_then_wait,
    sealed_case,
)
from tests.test_cli_session import KEY_PASSPHRASE, write_sheets

FOLDER, PASSPHRASE = "innovation-studio-2026", "demo-studio-2026"
SAMPLE = ROOT / "sample_cases" / FOLDER


def _needles() -> dict[str, list[bytes]]:
    """Every piece of application content, as the bytes it would take on disk (UTF-8, UTF-16,
    GBK, or escaped in JSON), keyed by what it is for the failure message."""
    case, _ = read_case_folder(SAMPLE, pin_hasher=pin_password_hasher().hash)
    pieces: set[str] = set()
    for app in case.applications:
        pieces |= {app.name, app.unit, app.summary[:16]}
        for material in app.materials:
            pieces |= {line.strip()[:16] for line in material.text.splitlines()
                       if len(line.strip()) >= 8}
    needles: dict[str, list[bytes]] = {}
    for piece in sorted(p for p in pieces if len(p) >= 4):
        forms = {piece.encode("utf-8"), piece.encode("utf-16-le"),
                 json.dumps(piece).strip('"').encode("ascii")}
        try:
            forms.add(piece.encode("gbk"))
        except UnicodeEncodeError:
            pass
        needles[piece] = sorted(forms)
    assert len(needles) > 50  # names, units, summaries and material lines of the sample
    return needles


def _files(*roots: Path) -> Iterator[Path]:
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                yield path


def _scan(roots: list[Path], needles: dict[str, list[bytes]], allowed: set[Path],
          phase: str) -> int:
    """Fail naming the file and the piece if any content is found; the files scanned."""
    seen = 0
    for path in _files(*roots):
        if path in allowed:
            continue
        data = path.read_bytes()
        seen += 1
        for piece, forms in needles.items():
            assert not any(f in data for f in forms), f"after {phase}: {piece!r} in {path}"
    return seen


def test_no_application_content_reaches_the_disk_at_any_point(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work, temp, state, home = (tmp_path / n for n in ("work", "tmp", "state", "home"))
    for folder in (work, temp, state, home):
        folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("REVIEWER_STATE_DIR", str(state))
    monkeypatch.setenv("HOME", str(home))
    for xdg in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(xdg, str(home / xdg.lower()))
    for noisy in ("TEXTUAL_LOG", "TEXTUAL", "TEXTUAL_DEBUG"):
        monkeypatch.delenv(noisy, raising=False)
    bundle = work / "case.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{FOLDER}.rvb", bundle)
    (work / "pass.txt").write_text(PASSPHRASE, encoding="utf-8")
    (work / "key.txt").write_text(KEY_PASSPHRASE, encoding="utf-8")
    needles = _needles()
    out = tmp_path / "out" / "results.pdf"
    out.parent.mkdir()
    roots = [work, temp, state, home, out.parent]
    scanned: dict[str, int] = {}

    def cli(*args: str) -> None:
        words = 2 if args[0] in ("scores", "ties") else 1
        assert main([*args[:words], str(bundle), "--passphrase-file", str(work / "pass.txt"),
                     *args[words:]]) == 0

    def phase(name: str) -> None:
        scanned[name] = _scan(roots, needles, {out}, name)

    session = Session.open(bundle, PASSPHRASE)
    experts = [e.id for e in session.case.experts]
    session.close()
    for expert in experts:
        cli("ack", "--expert", expert, "--paper")
    phase("pledges")

    _tui_phase(bundle)
    phase("the terminal application")

    for label in ("专业组", "综合组"):
        sheet = work / f"{label}.csv"
        write_sheets(bundle, sheet, label, PASSPHRASE)
        cli("scores", "import", str(sheet))
        phase(f"import ({label})")
        cli("advance")
        phase(f"advance ({label})")

    assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o", str(work / "sec"),
                 "--key-passphrase-file", str(work / "key.txt")]) == 0
    cli("export", "-o", str(out), "--key", str(work / "sec.key.pem"), "--cert",
        str(work / "sec.cert.pem"), "--key-passphrase-file", str(work / "key.txt"))
    set_locale(None)
    assert out.exists()
    phase("export")
    assert (work / "case.session.db").exists()  # the database itself was scanned
    print("files scanned per phase:", scanned)

    # the signing key never reached the disk in the clear: no private key bytes anywhere
    key = serialization.load_pem_private_key((work / "sec.key.pem").read_bytes(),
                                             KEY_PASSPHRASE.encode())
    secret = key.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[union-attr]
    clear = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    for path in _files(*roots):
        data = path.read_bytes()
        assert secret not in data and clear not in data, path
        assert b"BEGIN PRIVATE KEY" not in data and b"BEGIN EC PRIVATE KEY" not in data, path


def _tui_phase(bundle: Path) -> None:
    """An expert logs in on the terminal application (headless) and reaches the queue, so
    Textual runs with its real drivers, caches and (absent) logs."""
    import asyncio

    from tests.test_tui_support import log_in, make_app, screen_text, settle

    session = Session.open(bundle, PASSPHRASE)
    pin = next(line.split(",")[5] for line in
               (SAMPLE / "experts.csv").read_text(encoding="utf-8").splitlines()[1:2])

    async def drive() -> str:
        app = make_app(session)
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in(pilot, 0, pin=pin)
            await settle(pilot)
            for _ in range(3):  # through whatever the expert is asked next
                await pilot.press("enter")
                await settle(pilot)
            return screen_text(app)

    try:
        shown = asyncio.run(drive())
    finally:
        session.close()
    assert "GZS-2026-001" in shown  # application content was on the screen meanwhile


# -- recused experts ----------------------------------------------------------------------


def test_a_recused_expert_reaches_no_content_or_aggregate_of_that_application(
        tmp_path: Path) -> None:
    bundle = sealed_case(tmp_path, apps=6, experts=12)
    url = backend_url("sqlite", tmp_path)
    pledged(bundle, url)
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    review = session.review
    expert = next(e.id for e in session.case.experts if "g000" in e.groups)
    target = review.scope(expert)[0]
    session.run(lambda r: r.declare_conflict(expert, target.id, "interest", "亲属关系"))
    others = [e.id for e in session.case.experts if "g000" in e.groups and e.id != expert]
    for other in others:  # the rest of the group scores it, so an aggregate exists
        for app in session.review.scope(other):
            session.run(lambda r, a=app.id, o=other: r.declare_no_conflict(o, a))
            for criterion in session.review.panel.expert_criteria:
                session.run(lambda r, a=app.id, o=other, c=criterion.key:
                            r.set_score(o, a, c, "10"))
    review = session.review
    with pytest.raises(DomainError) as refused:
        review.read_application(expert, target.id)
    assert refused.value.code == "review.recused"
    with pytest.raises(DomainError):
        review.own_scores(expert, target.id)
    item = next(i for i in review.queue(expert) if i.application == target.id)
    assert item.status == "recused" and item.total is None
    assert target.name not in repr(review.queue(expert))
    for other in others[:1]:
        assert review.read_application(other, target.id).name == target.name  # not recused
    session.close()

    # the expert's own command line shows nothing of it either (the queue is all an expert
    # can ask for outside the secretary's commands)
    for command in (["inspect", str(bundle)],):
        done = subprocess.run([sys.executable, "-m", "reviewer.cli.main", *command], cwd=ROOT,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert target.name not in done.stdout + done.stderr
        assert target.unit not in done.stdout + done.stderr


# -- PIN guessing --------------------------------------------------------------------------

WRONG = "000000"


def _guess(bundle: str, url: str, expert: str, times: str, start_flag: str = "") -> None:
    """Subprocess: one terminal tries ``times`` wrong PINs; prints each refusal's code.
    With ``start_flag`` it says it is ready and waits for the signal, to guess at once with
    the other terminals."""
    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    if start_flag:
        ready_then_wait(start_flag)
    try:
        for _ in range(int(times)):
            try:
                session.check_pin(expert, WRONG)
            except DomainError as refused:
                print(refused.code)
    finally:
        session.close()


def test_pin_guessing_is_throttled_across_terminals_and_restarts(tmp_path: Path) -> None:
    bundle = sealed_case(tmp_path, apps=6, experts=12)
    url = backend_url("sqlite", tmp_path)
    expert, pin = "E0000", "100000"  # bench/synth.py: PIN 100000 + index
    codes: list[str] = []
    for times in ("3", "2"):  # two terminals, one after the other, each its own process
        done = subprocess.run([sys.executable, "-m", "tests.test_security", str(bundle), url,
                               expert, times], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
        codes += done.stdout.split()
    assert codes[:4] == ["review.pin_wrong"] * 4 and codes[4] == "review.pin_now_locked", codes
    # a restarted terminal (a new session) folds the lock from the events: even the right PIN
    # is refused until the lock runs out
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:
        assert session.review.locked_for(expert) > 0
        with pytest.raises(DomainError) as refused:
            session.check_pin(expert, pin)
        assert refused.value.code == "review.pin_locked"
        session.check_pin("E0001", "100001")  # another expert is not locked out
    finally:
        session.close()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_pin_guessing_from_many_terminals_at_once_gets_five_tries_in_all(
        tmp_path: Path, backend: str) -> None:
    """Six terminals guess one expert's PIN at the same moment, three times each: the chain
    counts every guess, so the whole room gets five wrong PINs before the lock, not five each."""
    bundle = sealed_case(tmp_path, apps=6, experts=12)
    url = backend_url(backend, tmp_path)
    expert, terminals, each = "E0000", 6, 3
    flag = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-m", "tests.test_security", str(bundle), url,
                               expert, str(each), str(flag)], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
             for _ in range(terminals)]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("go.ready.*"))) < terminals:
        assert time.monotonic() < deadline, "terminals never opened the session"
        assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs]
        time.sleep(0.02)
    flag.touch()
    codes: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        codes += out.split()
    assert sorted(codes) == sorted(["review.pin_wrong"] * 4 + ["review.pin_now_locked"]
                                   + ["review.pin_locked"] * (terminals * each - 5)), codes
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:
        assert session.verify_audit().ok
        kinds = [e.kind for e in session.store.events(0) if e.payload.get("expert") == expert]
        assert kinds.count("pin.failed") == 5 and kinds.count("pin.locked") == 1, kinds
        with pytest.raises(DomainError) as refused:  # the right PIN waits for the lock too
            session.check_pin(expert, "100000")
        assert refused.value.code == "review.pin_locked"
    finally:
        session.close()


# -- signing keys --------------------------------------------------------------------------


def test_keygen_and_ca_init_write_only_encrypted_private_keys(tmp_path: Path) -> None:
    (tmp_path / "pass.txt").write_text("key-test-passphrase", encoding="utf-8")
    assert main(["ca", "init", "--name", "云南省总工会评审CA", "-o", str(tmp_path / "ca"),
                 "--ca-passphrase-file", str(tmp_path / "pass.txt")]) == 0
    assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o", str(tmp_path / "sec"),
                 "--ca", str(tmp_path / "ca"), "--ca-passphrase-file", str(tmp_path / "pass.txt"),
                 "--key-passphrase-file", str(tmp_path / "pass.txt")]) == 0
    set_locale(None)
    keys = sorted(tmp_path.glob("*.key.pem"))
    assert [k.name for k in keys] == ["ca.key.pem", "sec.key.pem"]
    for path in keys:
        data = path.read_bytes()
        assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"), path
        assert path.stat().st_mode & 0o077 == 0, oct(path.stat().st_mode)
        with pytest.raises(TypeError):  # unusable without the passphrase
            serialization.load_pem_private_key(data, None)
        key = serialization.load_pem_private_key(data, b"key-test-passphrase")
        clear = key.private_bytes(serialization.Encoding.DER,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
        for other in tmp_path.iterdir():
            assert clear not in other.read_bytes(), other
            assert b"BEGIN PRIVATE KEY" not in other.read_bytes(), other


if __name__ == "__main__":
    _guess(*sys.argv[1:])
