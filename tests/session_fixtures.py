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


def _sheet(path: Path, rows: list[list[str]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["专家", "申报", "轮次", "工艺专长", "技能水平", "领军作用", "业绩贡献"])
        writer.writerows(rows)


def _cli(bundle: Path, url: str, *argv: str) -> str:
    import subprocess

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "reviewer.cli.main", *argv,
                           "--passphrase-file", str(bundle.parent / "case.passphrase"),
                           "--db", url], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"{argv[:2]} exited {done.returncode}: {done.stderr}")
    return done.stdout


def tied_case(folder: Path) -> Path:
    """A 云岭工匠 case of 24 applications whose two groups nominate 23 for a final list capped
    at 20 (第九条): sealed, to be played by ``close_with_tie``."""
    write_case_folder(folder / "case", 24, 24, seed=11)
    bundle = folder / "case.rvb"
    seal_cheaply(folder / "case", bundle)
    (folder / "case.passphrase").write_text(BENCH_PASSPHRASE + "\n", encoding="utf-8")
    return bundle


def close_with_tie(bundle: Path, url: str) -> list[str]:
    """Play ``tied_case`` to the close on paper: distinct professional totals, then one equal
    comprehensive total for every nominee, so that they tie across the cap. Returns the tie."""
    import json

    pledged(bundle, url)
    groups, per_group = 2, 9  # bench/synth.py layout(24, 24)
    rows = [[f"E{g * per_group + k:04d}", f"A{i:05d}", "专业组", "20", "20", str(i % 20), "25"]
            for g in range(groups) for i in range(g, 24, groups) for k in range(per_group)]
    _sheet(bundle.parent / "professional.csv", rows)
    _cli(bundle, url, "scores", "import", str(bundle), str(bundle.parent / "professional.csv"))
    _cli(bundle, url, "advance", str(bundle))
    nominees = json.loads(_cli(bundle, url, "results", str(bundle), "--json"))["nominees"]
    comprehensive = [f"E{k:04d}" for k in range(groups * per_group, 24)]
    rows = [[e, a, "综合组", "20", "20", "15", "25"]
            for e in comprehensive for ids in nominees.values() for a in ids]
    _sheet(bundle.parent / "comprehensive.csv", rows)
    _cli(bundle, url, "scores", "import", str(bundle), str(bundle.parent / "comprehensive.csv"))
    _cli(bundle, url, "advance", str(bundle))
    out = json.loads(_cli(bundle, url, "results", str(bundle), "--json"))
    assert out["round"] == "closed" and len(out["unresolved_ties"]) == 1, out["unresolved_ties"]
    tie: list[str] = out["unresolved_ties"][0]
    return tie


def professional_experts(bundle: Path, url: str) -> list[str]:
    """The experts who sit in a professional group (the ones who score in the first round)."""
    from reviewer.session import Session

    session = Session.open(bundle, BENCH_PASSPHRASE, url)
    try:
        review = session.review
        return [e.id for e in session.case.experts
                if any(review.case.group(g).kind == "professional" for g in e.groups)]
    finally:
        session.close()


def wait_for(start_flag: Path) -> None:
    """Every worker waits for one flag file, so they all hit the database at once."""
    deadline = time.monotonic() + 120
    while not start_flag.exists():
        if time.monotonic() > deadline:
            raise SystemExit("start flag never appeared")
        time.sleep(0.005)


def worker_score(bundle: str, url: str, expert: str, start_flag: str, *, submit: bool = True,
                 wait: bool = True) -> None:
    """One terminal: declare, score every application of the expert's group, submit."""
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    if wait:
        wait_for(Path(start_flag))
    review = session.review
    for app in review.scope(expert):
        session.run(lambda r, a=app.id: r.declare_no_conflict(expert, a))
        for index, criterion in enumerate(CRITERIA):
            value = str(10 + (len(expert) + index + int(app.id[1:])) % 10)
            session.run(lambda r, a=app.id, c=criterion, v=value: r.set_score(expert, a, c, v))
    if submit:
        session.run(lambda r: r.submit(expert, confirm_no_conflict=True))
    session.close()


def ready_then_wait(start_flag: str) -> None:
    Path(start_flag + f".ready.{os.getpid()}").touch()
    wait_for(Path(start_flag))


def worker_submit(bundle: str, url: str, expert: str, start_flag: str) -> None:
    """The expert's first terminal: on the signal, submits the sheet scored already."""
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    ready_then_wait(start_flag)
    try:
        session.run(lambda r: r.submit(expert, confirm_no_conflict=True))
    finally:
        session.close()


def worker_rescore(bundle: str, url: str, expert: str, app: str, start_flag: str) -> None:
    """The same expert's second terminal: on the signal, keeps changing one score until it is
    refused. Prints how many changes it made; exit 1 with the refusal on stderr."""
    from reviewer.domain.errors import DomainError
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    ready_then_wait(start_flag)
    changed = 0
    try:
        for attempt in range(5000):
            value = str(1 + attempt % 2)  # every write a change
            session.run(lambda r, v=value: r.set_score(expert, app, CRITERIA[0], v))
            changed += 1
    except DomainError as refused:
        print(changed)
        print(refused.code, file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        session.close()
    print(changed)


def worker_advance(bundle: str, url: str, start_flag: str) -> None:
    """One secretary terminal: looks at the round, then (on the signal) forces it closed.

    Exit 0 when this terminal moved the round, 1 with the refusal on stderr otherwise."""
    from reviewer.domain.errors import DomainError
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    seen = session.review.round
    ready_then_wait(start_flag)
    try:
        session.run(lambda r: r.advance(force=True, reason="并发测试", expected=seen))
    except DomainError as refused:
        print(refused.code, file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        session.close()


def worker_resolve(bundle: str, url: str, order: str, start_flag: str) -> None:
    """One secretary terminal: sees the open tie, then (on the signal) records ``order``.

    Exit 0 when this terminal's order was recorded, 1 with the refusal on stderr otherwise."""
    from reviewer.domain.errors import DomainError
    from reviewer.domain.results import unresolved_ties
    from reviewer.session import Session

    session = Session.open(Path(bundle), BENCH_PASSPHRASE, url)
    assert unresolved_ties(session.review), "the tie is open when the terminal looks"
    ready_then_wait(start_flag)
    try:
        session.run(lambda r: r.resolve_tie(order.split(","), "综合组复议表决（并发测试）"))
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
    elif command == "resolve":
        worker_resolve(*arguments)
    elif command == "submit":
        worker_submit(*arguments)
    elif command == "rescore":
        worker_rescore(*arguments)
    else:
        raise SystemExit(f"unknown worker {command}")
