"""Real sealed sessions for multi-process tests: a small synthetic case sealed through the
bundle code (cheap PIN hashes), a database URL per backend, and the worker entry points that
separate processes run (``python -m tests.session_fixtures WORKER ...``)."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synth import BENCH_PASSPHRASE, acknowledge_all, seal_cheaply, write_case_folder  # noqa: E402

CRITERIA = ("craft_expertise", "skill_level", "leadership", "contribution")


def sealed_case(folder: Path, apps: int = 12, experts: int = 24) -> Path:
    """A 云岭工匠 case: 2 professional groups of ~10 experts and a comprehensive group."""
    write_case_folder(folder / "case", apps, experts, seed=11)
    bundle = folder / "case.rvb"
    seal_cheaply(folder / "case", bundle)
    (folder / "case.passphrase").write_text(BENCH_PASSPHRASE + "\n", encoding="utf-8")
    return bundle


def backend_url(backend: str, tmp_path: Path) -> str:
    """A fresh, empty database on ``backend``; PostgreSQL is required when CI=true."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'session.db'}"
    base = os.environ.get("REVIEWER_TEST_PG_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REVIEWER_TEST_PG_URL is not set (scripts/setup starts it)")
        pytest.skip("REVIEWER_TEST_PG_URL not set")
    from sqlalchemy import create_engine, text

    name = f"rv_mp_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def clone_database(url: str, tmp_path: Path, name: str) -> str:
    """A copy of a closed session database (a file copy; PostgreSQL's TEMPLATE)."""
    if url.startswith("sqlite"):
        import shutil

        source = Path(url.removeprefix("sqlite:///"))
        target = tmp_path / f"{name}.db"
        shutil.copy(source, target)
        return f"sqlite:///{target}"
    from sqlalchemy import create_engine, text

    base, template = url.rsplit("/", 1)
    copy = f"{template}_{name}"[:60]
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"'))
    admin.dispose()
    return f"{base}/{copy}"


def pledged(bundle: Path, url: str) -> None:
    from reviewer.session import Session

    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    experts = len(session.case.experts)
    session.close()
    acknowledge_all(bundle, url, experts)


def wait_for(start_flag: Path) -> None:
    """Every worker waits for one flag file, so they all hit the database at once."""
    deadline = time.monotonic() + 120
    while not start_flag.exists():
        if time.monotonic() > deadline:
            raise SystemExit("start flag never appeared")
        time.sleep(0.005)


def worker_score(bundle: str, url: str, expert: str, start_flag: str) -> None:
    """One terminal: declare, score every application of the expert's group, submit."""
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    wait_for(Path(start_flag))
    review = session.review
    for app in review.scope(expert):
        session.run(lambda r, a=app.id: r.declare_no_conflict(expert, a))
        for index, criterion in enumerate(CRITERIA):
            value = str(10 + (len(expert) + index + int(app.id[1:])) % 10)
            session.run(lambda r, a=app.id, c=criterion, v=value: r.set_score(expert, a, c, v))
    session.run(lambda r: r.submit(expert, confirm_no_conflict=True))
    session.close()


def worker_advance(bundle: str, url: str, start_flag: str) -> None:
    """One secretary terminal: looks at the round, then (on the signal) forces it closed.

    Exit 0 when this terminal moved the round, 1 with the refusal on stderr otherwise."""
    from reviewer.domain.errors import DomainError
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    seen = session.review.round
    Path(start_flag + f".ready.{os.getpid()}").touch()
    wait_for(Path(start_flag))
    try:
        session.run(lambda r: r.advance(force=True, reason="并发测试", expected=seen))
    except DomainError as refused:
        print(refused.code, file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        session.close()


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "score":
        worker_score(*arguments)
    elif command == "advance":
        worker_advance(*arguments)
    else:
        raise SystemExit(f"unknown worker {command}")
