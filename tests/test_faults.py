"""Faults a review room meets (issue 14 "Faults"): a power cut, a full disk, a read-only
database (an SQLite file, or a PostgreSQL server that refuses writes) or output folder, and a
PostgreSQL connection that drops.

Every one gives a clear message in the user's language and the documented exit code (30 for
the database), loses nothing recorded before (the chain verifies, every score is still there),
and the action can be redone once the fault is gone. A real full or read-only disk is a small
tmpfs mounted for the test (root only; skipped otherwise); the PDF's full disk is also played
with ``RLIMIT_FSIZE`` in a subprocess, which needs no privilege.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewer.domain.errors import DomainError
from reviewer.i18n import set_locale
from reviewer.pdf.errors import PdfError
from reviewer.pdf.files import leftover_temporaries, write_atomically
from reviewer.session import Session
from reviewer.storage.store import EventStore, StoreError
from tests.session_fixtures import (
    BENCH_PASSPHRASE,
    CRITERIA,
    ROOT,
    backend_url,
    clone_database,
    pledged,
    sealed_case,
)
from tests.test_pdf_kill import ClosedCase, _export_command, closed_case  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sealed_case(tmp_path_factory.mktemp("faults"), apps=6, experts=12)


@pytest.fixture(scope="module")
def pledged_db(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = backend_url("sqlite", tmp_path_factory.mktemp("pledged"))
    pledged(bundle, url)
    return url


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["REVIEWER_LANG"] = "zh_CN"
    return env


def _scorer(session: Session) -> str:
    review = session.review
    return next(e.id for e in session.case.experts
                if any(review.case.group(g).kind == "professional" for g in e.groups))


def _score_all(session: Session, expert: str, value: str = "15") -> None:
    for app in session.review.scope(expert):
        session.run(lambda r, a=app.id: r.declare_no_conflict(expert, a))
        for criterion in CRITERIA:
            session.run(lambda r, a=app.id, c=criterion: r.set_score(expert, a, c, value))


def _scores(session: Session) -> dict[tuple[str, str, str], dict[str, object]]:
    return {k: dict(v) for k, v in session.review.state.scores.items()}


# -- power loss ----------------------------------------------------------------------------


def test_sqlite_commits_are_synced_to_disk_before_they_are_reported(tmp_path: Path) -> None:
    """WAL with synchronous=FULL (README "Durability"): NORMAL could lose the last commits."""
    store = EventStore.open(f"sqlite:///{tmp_path / 's.db'}", case_id="c", bundle_sha256="0",
                            now="2026-01-01T00:00:00Z", key=b"k" * 32)
    try:
        for _ in range(2):  # every pooled connection, not only the first
            with store.engine.connect() as conn:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        store.engine.dispose()
    finally:
        store.dispose()


# -- full disk and read-only database (a real small filesystem) -------------------------------


@contextlib.contextmanager
def _small_disk(folder: Path, size: str = "8m") -> Iterator[Path]:
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(disk: Path) -> Path:
    """Take every free block of ``disk``; remove the returned file to give them back."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
                out.flush()
    with contextlib.suppress(OSError):
        with filler.open("ab") as out:
            while True:
                out.write(b"\0" * 512)
                out.flush()
    return filler


def _remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


def test_full_disk_while_scoring_loses_nothing_and_scoring_carries_on(
        bundle: Path, pledged_db: str, tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk") as disk:
        source = Path(pledged_db.removeprefix("sqlite:///"))
        shutil.copy(source, disk / "s.db")
        url = f"sqlite:///{disk / 's.db'}"
        session = Session.open(bundle, BENCH_PASSPHRASE, url)
        expert = _scorer(session)
        apps = [a.id for a in session.review.scope(expert)]
        session.run(lambda r: r.declare_no_conflict(expert, apps[0]))
        session.run(lambda r: r.set_score(expert, apps[0], CRITERIA[0], "18"))
        before = _scores(session)
        filler = _fill(disk)
        set_locale("zh_CN")
        try:
            with pytest.raises(StoreError) as refused:
                for criterion in CRITERIA[1:]:  # a few writes: the WAL may still have room
                    session.run(lambda r, c=criterion: r.set_score(expert, apps[0], c, "17"))
                for app in apps[1:]:
                    session.run(lambda r, a=app: r.declare_no_conflict(expert, a))
            assert refused.value.code == "store.disk_full"
            assert refused.value.exit_code == 30
            assert "磁盘已满" in str(refused.value) and "此前的记录完好" in str(refused.value)
        finally:
            set_locale(None)
        filler.unlink()
        session.refresh()
        assert session.verify_audit().ok
        for key, value in before.items():  # nothing recorded before the fault is lost
            assert _scores(session)[key] == value
        _score_all(session, expert)  # and the work carries on where it stopped
        session.run(lambda r: r.submit(expert, confirm_no_conflict=True))
        session.close()
        again = Session.open(bundle, BENCH_PASSPHRASE, url)
        assert again.review.is_submitted(expert) and again.verify_audit().ok
        again.close()


def _import_argv(bundle: Path, sheet: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "reviewer.cli.main", "scores", "import", str(bundle),
            str(sheet), "--passphrase-file", str(bundle.parent / "case.passphrase"),
            "--db", url]


def _sheet(bundle: Path, url: str, path: Path) -> int:
    from tests.test_kill import _sheet_csv

    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    experts = [e.id for e in session.case.experts if "g000" in e.groups]
    apps = [a.id for a in session.review.scope(experts[0])]
    session.close()
    _sheet_csv(path, experts, apps)
    return len(experts)


def test_full_disk_during_paper_import_is_refused_whole_and_can_be_redone(
        bundle: Path, pledged_db: str, tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk") as disk:
        shutil.copy(Path(pledged_db.removeprefix("sqlite:///")), disk / "s.db")
        url = f"sqlite:///{disk / 's.db'}"
        experts = _sheet(bundle, url, tmp_path / "sheet.csv")
        session = Session.open(bundle, BENCH_PASSPHRASE, url)
        count = session.review.state.event_count
        session.close()
        filler = _fill(disk)
        done = subprocess.run(_import_argv(bundle, tmp_path / "sheet.csv", url), cwd=ROOT,
                              env=_env(), capture_output=True, text=True)
        assert done.returncode == 30, done.stderr
        assert "磁盘已满" in done.stderr and "Traceback" not in done.stderr
        filler.unlink()
        session = Session.open(bundle, BENCH_PASSPHRASE, url)
        assert session.verify_audit().ok
        assert session.review.state.event_count == count and not session.review.state.submitted
        session.close()
        redo = subprocess.run(_import_argv(bundle, tmp_path / "sheet.csv", url), cwd=ROOT,
                              env=_env(), capture_output=True, text=True)
        assert redo.returncode == 0, redo.stderr
        session = Session.open(bundle, BENCH_PASSPHRASE, url)
        assert len(session.review.state.submitted) == experts and session.verify_audit().ok
        session.close()


def test_read_only_database_is_refused_clearly_and_nothing_changes(
        bundle: Path, pledged_db: str, tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk") as disk:
        shutil.copy(Path(pledged_db.removeprefix("sqlite:///")), disk / "s.db")
        url = f"sqlite:///{disk / 's.db'}"
        _sheet(bundle, url, tmp_path / "sheet.csv")
        before = (disk / "s.db").read_bytes()
        _remount(disk, "ro")
        try:
            done = subprocess.run(_import_argv(bundle, tmp_path / "sheet.csv", url), cwd=ROOT,
                                  env=_env(), capture_output=True, text=True)
            assert done.returncode == 30, done.stderr
            assert "只读" in done.stderr and "Traceback" not in done.stderr
            assert (disk / "s.db").read_bytes() == before
            set_locale("en")
            try:
                with pytest.raises(StoreError) as refused:
                    Session.open(bundle, BENCH_PASSPHRASE, url)
                assert refused.value.code == "store.read_only"
                assert "read-only" in str(refused.value)
            finally:
                set_locale(None)
        finally:
            _remount(disk, "rw")
        redo = subprocess.run(_import_argv(bundle, tmp_path / "sheet.csv", url), cwd=ROOT,
                              env=_env(), capture_output=True, text=True)
        assert redo.returncode == 0, redo.stderr


@pytest.mark.parametrize("closed_case", ["sqlite"], indirect=True)
def test_export_onto_a_full_disk_leaves_no_partial_pdf(closed_case: ClosedCase,  # noqa: F811
                                                       tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", size="4m") as disk:
        out = disk / "results.pdf"
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (4 * 1024 * 1024 - 40 * 1024))  # room for 40 KiB only
        done = subprocess.run(_export_command(closed_case, out), cwd=ROOT, env=_env(),
                              capture_output=True, text=True)
        assert done.returncode == 1, done.stderr  # refused (README: 1), not a crash
        assert "磁盘已满" in done.stderr and "Traceback" not in done.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no partial PDF at all
        filler.unlink()
        redo = subprocess.run(_export_command(closed_case, out), cwd=ROOT, env=_env(),
                              capture_output=True, text=True)
        assert redo.returncode == 0, redo.stderr
        _remount(disk, "ro")
        try:
            previous = out.read_bytes()
            again = subprocess.run(_export_command(closed_case, out), cwd=ROOT, env=_env(),
                                   capture_output=True, text=True)
            assert again.returncode == 1 and "只读" in again.stderr, again.stderr
            assert out.read_bytes() == previous  # the earlier export is untouched
        finally:
            _remount(disk, "rw")


def _limited_write(target: str, size: str) -> None:
    """Subprocess: write ``size`` bytes atomically under a 64 KiB file-size limit."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
    set_locale("zh_CN")
    try:
        write_atomically(Path(target), b"%PDF-1.7 " + b"x" * int(size))
    except PdfError as refused:
        print(refused.code, refused, file=sys.stderr)
        raise SystemExit(refused.exit_code) from None


def test_atomic_write_past_a_file_size_limit_leaves_the_old_file(tmp_path: Path) -> None:
    """The same without privilege: the write fails halfway (EFBIG), the old file stays."""
    target = tmp_path / "results.pdf"
    target.write_bytes(b"old")
    done = subprocess.run([sys.executable, "-m", "tests.test_faults", str(target), "200000"],
                          cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "pdf.file.disk_full" in done.stderr and "磁盘已满" in done.stderr
    assert target.read_bytes() == b"old" and not leftover_temporaries(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.pdf"]


# -- a PostgreSQL connection that drops ----------------------------------------------------


class _Proxy:
    """A TCP relay in front of the PostgreSQL server that the test can cut and restore, as a
    network cable pulled out and plugged back in (the shared server itself keeps running)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.links: list[socket.socket] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.links += [client, server]
            for a, b in ((client, server), (server, client)):
                pipe = threading.Thread(target=self._pipe, args=(a, b), daemon=True)
                with self.lock:
                    self.threads.append(pipe)
                pipe.start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.links:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.links.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        """Cut, stop listening and wait for every relay thread: none outlives the test (a
        later test may fork, which a process with other threads must not)."""
        self.cut()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept (Linux)
        self.listener.close()
        with self.lock:
            threads = list(self.threads)
        for thread in threads:
            thread.join(timeout=10)


def _terminate_backends(url: str) -> int:
    from sqlalchemy import create_engine

    base, name = url.rsplit("/", 1)
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name}).scalar()
    admin.dispose()
    return int(killed or 0)


def test_terminal_whose_postgres_backend_is_terminated_carries_on(
        bundle: Path, tmp_path: Path) -> None:
    """pg_terminate_backend of the terminal's connection: the next action still succeeds (the
    pool checks a connection before it hands it out) and nothing is lost."""
    url = backend_url("postgres", tmp_path)
    pledged(bundle, url)
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:
        expert = _scorer(session)
        app = session.review.scope(expert)[0].id
        session.run(lambda r: r.declare_no_conflict(expert, app))
        assert _terminate_backends(url) >= 1
        session.run(lambda r: r.set_score(expert, app, CRITERIA[0], "18"))
        assert _terminate_backends(url) >= 1
        session.refresh()
        assert session.review.state.scores[(expert, app, session.review.round)][CRITERIA[0]]
        _score_all(session, expert)
        session.run(lambda r: r.submit(expert, confirm_no_conflict=True))
        assert session.verify_audit().ok
    finally:
        session.close()


def test_terminal_told_when_the_database_is_gone_and_carries_on_when_it_is_back(
        bundle: Path, tmp_path: Path) -> None:
    """The server unreachable mid-session: each action meanwhile is refused with exit 30 and a
    message (no traceback, nothing half-written); once it is back the next action succeeds."""
    from sqlalchemy.engine import make_url

    template = backend_url("postgres", tmp_path)
    pledged(bundle, template)
    url = clone_database(template, tmp_path, "drop")
    parsed = make_url(url)
    proxy = _Proxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    relayed = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    session = Session.open(bundle, BENCH_PASSPHRASE, relayed)
    try:
        expert = _scorer(session)
        app = session.review.scope(expert)[0].id
        session.run(lambda r: r.declare_no_conflict(expert, app))
        count = session.review.state.event_count
        proxy.cut()
        set_locale("zh_CN")
        try:
            for action in (lambda: session.run(
                               lambda r: r.set_score(expert, app, CRITERIA[0], "18")),
                           session.refresh):
                with pytest.raises(DomainError) as refused:
                    action()
                assert isinstance(refused.value, StoreError) and refused.value.exit_code == 30
                assert refused.value.code == "store.connection_lost"
                assert "连接已断开" in str(refused.value) and "此前的记录完好" in str(refused.value)
        finally:
            set_locale(None)
        proxy.restore()
        session.run(lambda r: r.set_score(expert, app, CRITERIA[0], "18"))  # carries on
        assert session.review.state.event_count == count + 1
        _score_all(session, expert)
        session.run(lambda r: r.submit(expert, confirm_no_conflict=True))
        assert session.verify_audit().ok
    finally:
        session.close()
        proxy.close()


if __name__ == "__main__":
    _limited_write(*sys.argv[1:])


@contextlib.contextmanager
def _read_only_postgres(url: str) -> Iterator[None]:
    """The session's PostgreSQL database made read-only for every new connection (as a
    server in recovery, or a DBA's ``default_transaction_read_only``), then writable again."""
    from sqlalchemy import create_engine

    base, name = url.rsplit("/", 1)
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()


def test_read_only_postgres_database_is_refused_clearly_and_nothing_changes(
        bundle: Path, tmp_path: Path) -> None:
    url = backend_url("postgres", tmp_path)
    pledged(bundle, url)
    experts = _sheet(bundle, url, tmp_path / "sheet.csv")
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    count = session.review.state.event_count
    session.close()
    with _read_only_postgres(url):
        done = subprocess.run(_import_argv(bundle, tmp_path / "sheet.csv", url), cwd=ROOT,
                              env=_env(), capture_output=True, text=True)
        assert done.returncode == 30, done.stderr
        assert "只读" in done.stderr and "Traceback" not in done.stderr
        # a terminal still reads (the queue, the results); its first write is refused
        reader = Session.open(bundle, BENCH_PASSPHRASE, url)
        set_locale("en")
        try:
            expert = _scorer(reader)
            app = reader.review.scope(expert)[0].id
            with pytest.raises(StoreError) as refused:
                reader.run(lambda r: r.declare_no_conflict(expert, app))
            assert refused.value.code == "store.read_only_server"
            assert refused.value.exit_code == 30
            assert "read-only" in str(refused.value) and "primary server" in str(refused.value)
        finally:
            set_locale(None)
            reader.close()
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:  # nothing of the refused import landed, and the chain is whole
        assert session.verify_audit().ok
        assert session.review.state.event_count == count and not session.review.state.submitted
    finally:
        session.close()
    redo = subprocess.run(_import_argv(bundle, tmp_path / "sheet.csv", url), cwd=ROOT,
                          env=_env(), capture_output=True, text=True)
    assert redo.returncode == 0, redo.stderr
    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    assert len(session.review.state.submitted) == experts and session.verify_audit().ok
    session.close()
