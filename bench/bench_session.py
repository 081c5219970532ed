"""The real commands, end to end, on synthetic sessions, each beside a baseline run in the
same loop (whole processes, medians, alternating so machine noise hits both alike).

    python bench/bench_session.py [--sizes small,medium] [--runs 5] [--work /tmp/rv-bench]

Sizes (applications / experts): small 300/40, medium 2,000/100, large 20,000/400; every
application is scored by one professional group of 7–15 experts on 4 criteria. Measured:

- ``reviewer results --json`` against a fresh ``python`` reading the same score rows with
  sqlite3 (the cost of getting at the data at all), on the session whose sheets were imported
  from paper and (``typed``) on the one whose experts typed every cell at a terminal;
- ``reviewer scores import`` of every professional sheet against a bare CSV read +
  sqlite ``executemany`` of the same cells into a fresh table;
- one write (``reviewer recuse``) in a session scored at the terminals (an event per
  declaration and per cell: 110,000 events at medium) against the same write in a session
  that holds only the pledges;
- ``reviewer --help`` against ``python -c "import sqlalchemy"``;
- (``floor``) the part no code of ours can shed, against the same baselines: SQLAlchemy
  imported while Argon2id derives the bundle key (``libs+KDF``, against the bare read and
  the bare import), and that plus reading every stored row and recomputing the SHA-256 chain
  from the genesis on one core (``+chain``: what "every command refuses a chain that does
  not verify" costs at the least). A target below the floor's ratio cannot be met.

Peak memory is the child's maximum resident set (``ru_maxrss``). Figures are printed as one
JSON object per measurement and a table; the ratio is command / baseline.

``--before DIR`` runs every command a second time with ``PYTHONPATH=DIR`` (an older tree,
e.g. ``git archive <commit> | tar -x -C DIR``) in the same loop: command, before, baseline,
so the machine's load hits all three alike. The command is ``python -m reviewer.cli.main``,
what the console script runs (``run``); an older tree runs the same way, whichever entry
point its own console script named.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import SIZES, build  # noqa: E402

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
    "dt = time.perf_counter() - t\n"
    "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)

BARE_READ = (  # the score rows as they are stored: typed cells and imported paper sheets
    "import sqlite3, sys, json\n"
    "c = sqlite3.connect(sys.argv[1])\n"
    "rows = c.execute(\"select kind, payload from audit_events where kind in "
    "('score.set', 'sheet.imported')\").fetchall()\n"
    "cells = []\n"
    "for kind, p in rows:\n"
    "    p = json.loads(p)\n"
    "    if kind == 'score.set': cells.append(p['value'])\n"
    "    else: cells.extend(v for given in p['scores'].values() for v in given.values())\n"
    "print(len(cells))\n"
)

BARE_IMPORT = (
    "import csv, sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[2])\n"
    "c.execute('create table cells (expert text, app text, criterion text, value text)')\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    r = csv.reader(f); head = next(r)\n"
    "    rows = [(row[0], row[1], head[i], row[i]) for row in r for i in range(3, len(row))]\n"
    "c.executemany('insert into cells values (?,?,?,?)', rows)\n"
    "c.commit()\n"
)

# The part of every command that its promises fix, whatever the code around it: the
# libraries it is built on (SQLAlchemy) imported while the bundle's key is derived (Argon2id at
# the parameters ``reviewer seal`` writes, on a thread, as the unlock does).
FIXED = (
    "import sys, threading\n"
    "from argon2.low_level import Type, hash_secret_raw\n"
    "kdf = threading.Thread(target=hash_secret_raw, args=(b'passphrase', b'0' * 16),\n"
    "    kwargs=dict(time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32,\n"
    "                type=Type.ID))\n"
    "kdf.start()\n"
    "import sqlalchemy\n"
    "kdf.join()\n"
)

# ... and then what "nothing is computed from a chain that does not verify" costs at the least:
# every stored row read and the SHA-256 chain recomputed from the genesis (no HMAC per row, as
# a verified snapshot allows; no decoding, no state).
FIXED_AND_CHAIN = FIXED + (
    "import hashlib, json, sqlite3\n"
    "q = json.encoder.encode_basestring\n"
    "c = sqlite3.connect(sys.argv[1])\n"
    "prev = None\n"
    "for seq, at, actor, kind, payload, prev_hash, h, mac in c.execute(\n"
    "        'select seq, at, actor, kind, payload, prev_hash, hash, mac from audit_events '\n"
    "        'order by seq'):\n"
    "    body = (f'{{\"actor\":{q(actor)},\"at\":{q(at)},\"kind\":{q(kind)},'\n"
    "            f'\"payload\":{payload},\"seq\":{seq}}}').encode()\n"
    "    if prev is not None and prev_hash != prev or \\\n"
    "            hashlib.sha256(prev_hash.encode() + body).hexdigest() != h:\n"
    "        sys.exit(f'row {seq} does not chain')\n"
    "    prev = h\n"
)


# what the console script runs; an older tree (--before) runs it the same way, whatever entry
# point its console script named
REVIEWER = [sys.executable, "-m", "reviewer.cli.main"]
BEFORE: Path | None = None  # --before: an older tree run beside the current one


def timed(argv: list[str], before: bool = False) -> tuple[float, int]:
    env = dict(os.environ)
    if before and BEFORE is not None:
        env["PYTHONPATH"] = str(BEFORE)
        # its own checkpoints and snapshots: an older snapshot format must not overwrite
        # (and refold) the current one's on every other run
        env["REVIEWER_STATE_DIR"] = env.get("REVIEWER_STATE_DIR", "/tmp/rv-state") + "-before"
    if argv and argv[0] == "reviewer":
        argv = [*REVIEWER, *argv[1:]]
    # run from outside any tree: ``python -m`` puts the working directory first on sys.path,
    # ahead of PYTHONPATH, and from a checkout would run that checkout as "before" too
    out = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True,
                         text=True, check=True, env=env, cwd=os.path.abspath(os.sep))
    seconds, rss, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"{' '.join(argv)} exited {rc}: {out.stderr}")
    return float(seconds), int(rss) // 1024


def _row(name: str, size: str, times: list[float], base_times: list[float],
         peaks: list[int], before: list[float], before_peaks: list[int]) -> dict[str, object]:
    median = statistics.median(times)
    base = statistics.median(base_times)
    row: dict[str, object] = {"what": name, "size": size, "median_s": round(median, 3),
                              "baseline_s": round(base, 3), "ratio": round(median / base, 2),
                              "peak_mib": max(peaks)}
    if before:
        row["before_s"] = round(statistics.median(before), 3)
        row["before_ratio"] = round(statistics.median(before) / base, 2)
        row["before_peak_mib"] = max(before_peaks)
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def compare(name: str, size: str, command: list[str], baseline: list[str], runs: int,
            before_each: tuple = (None, None)) -> dict[str, object]:
    """Alternate command (and the older tree's) and baseline ``runs`` times; medians and the
    command's peak RSS."""
    prepare_command, prepare_baseline = before_each
    times, base_times, peaks, before, before_peaks = [], [], [], [], []
    for _ in range(runs):
        if prepare_command:
            prepare_command()
        seconds, rss = timed(command)
        times.append(seconds)
        peaks.append(rss)
        if BEFORE is not None:
            if prepare_command:
                prepare_command()
            seconds, rss = timed(command, before=True)
            before.append(seconds)
            before_peaks.append(rss)
        if prepare_baseline:
            prepare_baseline()
        base_seconds, _ = timed(baseline)
        base_times.append(base_seconds)
    return _row(name, size, times, base_times, peaks, before, before_peaks)


WHAT = {"results", "typed", "import", "write", "floor"}  # --what: which measurements of each size


def built(folder: Path, size: str, *, score: str) -> Path:
    """The synthetic session of ``size`` in ``folder``, built once (seed 7) and reused."""
    if not (folder / "done.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        apps, experts = SIZES[size]
        info = build(folder, apps, experts, seed=7, score=score)
        (folder / "done.json").write_text(json.dumps(info))
    return folder


def bench_size(size: str, work: Path, runs: int) -> list[dict[str, object]]:
    apps, experts = SIZES[size]
    scored_dir = work / f"{size}-scored"
    acked_dir = work / f"{size}-acked"
    started = time.perf_counter()
    built(scored_dir, size, score="paper")
    built(acked_dir, size, score="")
    print(f"# {size}: sessions ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    passphrase = ["--passphrase-file", str(scored_dir / "case.passphrase")]
    scored_db = scored_dir / "case.session.db"
    acked_db = acked_dir / "case.session.db"
    rows: list[dict[str, object]] = []
    if "results" in WHAT:
        rows.append(compare("results --json", size,
                    ["reviewer", "results", str(scored_dir / "case.rvb"), "--json", *passphrase,
                     "--db", f"sqlite:///{scored_db}"],
                    [sys.executable, "-c", BARE_READ, str(scored_db)], runs))

    if "typed" in WHAT:  # the same cells typed at the terminals: an event per cell
        typed_dir = built(work / f"{size}-typed", size, score="terminal")
        typed_db = typed_dir / "case.session.db"
        rows.append(compare("results --json (typed)", size,
                    ["reviewer", "results", str(typed_dir / "case.rvb"), "--json", *passphrase,
                     "--db", f"sqlite:///{typed_db}"],
                    [sys.executable, "-c", BARE_READ, str(typed_db)], runs))

    # import into a copy of the pledged-only session each time (the import is all or nothing)
    import_db = work / f"{size}-import.db"
    bare_db = work / f"{size}-bare.db"

    def fresh_import_db() -> None:
        # this terminal's checkpoint remembers the last import: a fresh copy would be refused
        # as rolled back (rightly), so every import starts with a state directory of its own
        shutil.rmtree(work / "state-import", ignore_errors=True)
        shutil.rmtree(work / "state-import-before", ignore_errors=True)
        os.environ["REVIEWER_STATE_DIR"] = str(work / "state-import")
        for suffix in ("", "-wal", "-shm"):
            Path(str(import_db) + suffix).unlink(missing_ok=True)
        shutil.copy(acked_dir / "pledged.session.db", import_db)

    def fresh_bare_db() -> None:
        bare_db.unlink(missing_ok=True)
        os.environ["REVIEWER_STATE_DIR"] = str(work / "state")

    if "import" in WHAT:
        rows.append(compare("scores import", size,
                            ["reviewer", "scores", "import", str(acked_dir / "case.rvb"),
                             str(scored_dir / "sheets.csv"), *passphrase, "--db",
                             f"sqlite:///{import_db}"],
                            [sys.executable, "-c", BARE_IMPORT, str(scored_dir / "sheets.csv"),
                             str(bare_db)], runs, (fresh_import_db, fresh_bare_db)))
        os.environ["REVIEWER_STATE_DIR"] = str(work / "state")
    if "floor" in WHAT:  # what the targets leave for everything but the fixed part
        typed_dir = built(work / f"{size}-typed", size, score="terminal")
        typed_db = typed_dir / "case.session.db"
        rows.append(compare("floor: libs+KDF / read", size,
                            [sys.executable, "-c", FIXED],
                            [sys.executable, "-c", BARE_READ, str(typed_db)], runs))
        rows.append(compare("floor: +chain / read", size,
                            [sys.executable, "-c", FIXED_AND_CHAIN, str(typed_db)],
                            [sys.executable, "-c", BARE_READ, str(typed_db)], runs))
        rows.append(compare("floor: libs+KDF / import", size,
                            [sys.executable, "-c", FIXED],
                            [sys.executable, "-c", BARE_IMPORT, str(scored_dir / "sheets.csv"),
                             str(bare_db)], runs, (None, fresh_bare_db)))
    if "write" not in WHAT:
        return rows

    # one write: a secretary-recorded recusal, a different pair each run, big vs small session
    typed_dir = built(work / f"{size}-typed", size, score="terminal")
    typed_db = typed_dir / "case.session.db"
    events = json.loads((typed_dir / "done.json").read_text())["events"]
    print(f"# {size}: the typed session holds {events:,} events", file=sys.stderr)
    # a fresh pair on every run, also when the benchmark runs again on the same sessions
    counter = iter(range(int(time.time() * 1000) % 10**6, 10**7))

    def recuse(folder: Path, db: Path) -> list[str]:
        n = next(counter)
        return ["reviewer", "recuse", str(folder / "case.rvb"), "--expert", f"E{n % experts:04d}",
                "--application", f"A{(n * 7919) % apps:05d}", "--kind", "other",
                "--reason", "基准", *passphrase, "--db", f"sqlite:///{db}"]

    def write(folder: Path, db: Path, before: bool = False) -> tuple[float, int]:
        """One recusal, timed; a pair an earlier run already recused is refused (exit 1),
        so the next pair is tried instead."""
        for _ in range(5):
            try:
                return timed(recuse(folder, db), before=before)
            except SystemExit as refused:
                if "exited 1" not in str(refused):
                    raise
        raise SystemExit("five pairs in a row were refused")

    times, base, peaks, before, before_peaks = [], [], [], [], []
    for _ in range(runs):
        seconds, rss = write(typed_dir, typed_db)
        times.append(seconds)
        peaks.append(rss)
        if BEFORE is not None:
            seconds, rss = write(typed_dir, typed_db, before=True)
            before.append(seconds)
            before_peaks.append(rss)
        base.append(write(acked_dir, acked_db)[0])
    row = _row("one write (recuse)", size, times, base, peaks, before, before_peaks)
    rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rv-bench"))
    parser.add_argument("--before", type=Path, default=None,
                        help="an older source tree to run beside this one")
    parser.add_argument("--what", default="results,typed,import,write",
                        help="which measurements per size (results, typed, import, write, floor)")
    args = parser.parse_args()
    global BEFORE
    WHAT.intersection_update(args.what.split(","))
    BEFORE = args.before.resolve() if args.before else None
    args.work = args.work.resolve()  # the commands run from outside any tree
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["REVIEWER_STATE_DIR"] = str(args.work / "state")
    rows = [compare("reviewer --help", "-", ["reviewer", "--help"],
                    [sys.executable, "-c", "import sqlalchemy"], args.runs)]
    for size in args.sizes.split(","):
        rows.extend(bench_size(size, args.work, args.runs))
    print()
    print(f"# load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f}")
    print(f"{'what':24} {'size':7} {'median s':>9} {'baseline s':>11} {'ratio':>6} {'peak MiB':>9}"
          f" {'before s':>9} {'ratio':>6} {'MiB':>6}")
    for row in rows:
        print(f"{row['what']:24} {row['size']:7} {row['median_s']:>9} {row['baseline_s']:>11} "
              f"{row['ratio']:>6} {row['peak_mib']:>9} {row.get('before_s', '-'):>9} "
              f"{row.get('before_ratio', '-'):>6} {row.get('before_peak_mib', '-'):>6}")


if __name__ == "__main__":
    main()
