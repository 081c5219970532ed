"""What verifying the keyed audit chain costs, on a synthetic session of 100,000 events.

    python bench/bench_audit.py [--events 100000] [--repeat 3]

Builds a SQLite session database (50 experts scoring 500 applications criterion by
criterion, every event chained and MACed as the store does), then measures, best of
``--repeat`` runs:

* baseline 1 — reading the rows with plain ``sqlite3``;
* baseline 2 — plain SHA-256 over the same canonical bytes (the unkeyed chain of old);
* the keyed chain alone (``ChainVerifier.feed``: SHA-256 + HMAC + link checks);
* what opening cost before: reading the rows through the store and folding them, unchecked;
* a full open (``Session.attach``: read, verify, validate every event against the case, fold);
* one incremental write on the open session (verify the new rows and the head, decide, append,
  verify what was written, save the checkpoint) — it must not grow with the session.

Ratios are against the baselines measured in the same run, so they mean something on any
machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update  # noqa: E402

from reviewer.domain import events as ev  # noqa: E402
from reviewer.domain.audit import (  # noqa: E402
    GENESIS,
    GENESIS_MAC,
    ChainVerifier,
    canonical,
    chain,
    head_mac,
)
from reviewer.domain.case import Application, Case, Expert, Group, Rules  # noqa: E402
from reviewer.domain.events import Event  # noqa: E402
from reviewer.domain.panel import load_panel_by_id  # noqa: E402
from reviewer.domain.review import Review  # noqa: E402
from reviewer.session import AUDIT_KEY_LABEL, Session, Unlocked  # noqa: E402
from reviewer.storage.models import audit_events, chain_head  # noqa: E402
from reviewer.storage.store import EventStore  # noqa: E402

PIN_HASH = "$argon2id$v=19$m=8,t=1,p=1$YmVuY2hzYWx0$0000000000000000000000"  # never checked


class FixedClock:
    def __call__(self) -> datetime:
        return datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)


def synthetic(events: int) -> Unlocked:
    panel = load_panel_by_id("yunling-craftsman")
    criteria = len(panel.expert_criteria)
    experts = 50
    apps = max(2, -(-events // (experts * criteria)))
    case = Case(
        case_id="bench-audit", measure=panel.id, title="基准", year=2026, rules=Rules(),
        groups=(Group("g1", "专业组", "professional", 5), Group("comp", "综合组", "comprehensive")),
        applications=tuple(Application(id=f"A{i:05d}", name=f"申报{i}", unit=f"单位{i}",
                                       group="g1", track="main", flags=(), summary="")
                           for i in range(apps)),
        experts=tuple(Expert(id=f"E{i:03d}", name=f"专家{i}", title="高级工程师",
                             unit=f"专家单位{i}", groups=("g1",), pin_hash=PIN_HASH)
                      for i in range(experts)),
        conflicts=(), unit_aliases=())
    return Unlocked(case, panel, hashlib.sha256(b"bench-audit").hexdigest())


def build(url: str, who: Unlocked, total: int) -> int:
    """Write ``total`` chained, MACed events straight into the store's tables."""
    key = who.key(AUDIT_KEY_LABEL)
    review = Review(who.case, who.panel, clock=FixedClock())
    store = EventStore.open(url, case_id=who.case.case_id, bundle_sha256=who.sha256,
                            now="2026-11-23T09:00:00Z", key=key)
    prev, prev_mac, seq = GENESIS, GENESIS_MAC, 0
    rows: list[dict[str, object]] = []

    def place(decided: list[Event]) -> None:
        nonlocal prev, prev_mac, seq
        for item in decided:
            seq += 1
            linked = chain(prev, prev_mac, seq, item, key)
            review.state.apply(linked)
            prev, prev_mac = linked.hash, linked.mac
            rows.append({"seq": seq, "at": linked.at, "actor": linked.actor,
                         "kind": linked.kind,
                         "payload": json.dumps(linked.payload, sort_keys=True,
                                               ensure_ascii=False),
                         "prev_hash": linked.prev_hash, "hash": linked.hash,
                         "mac": linked.mac})

    place([review.event(ev.SESSION_OPENED, ev.SYSTEM, case_id=who.case.case_id,
                        bundle_sha256=who.sha256, measure=who.panel.id, session="bench")])
    for expert in who.case.experts:
        place(review.acknowledge(expert.id, paper=True))
    done = False
    for app in who.case.applications:
        for expert in who.case.experts:
            for criterion in who.panel.expert_criteria:
                if seq >= total:
                    done = True
                    break
                value = str(int(hashlib.md5(f"{app.id}{expert.id}{criterion.key}".encode())
                                 .hexdigest(), 16) % int(review.points[criterion.key]))
                place(review.set_score(expert.id, app.id, criterion.key, value))
            if done:
                break
        if done:
            break
    with store.engine.begin() as conn:
        for start in range(0, len(rows), 20000):
            conn.execute(insert(audit_events), rows[start:start + 20000])
        conn.execute(update(chain_head).where(chain_head.c.id == 1).values(
            seq=seq, hash=prev, mac=prev_mac, tag=head_mac(key, seq, prev, prev_mac)))
    store.dispose()
    return seq


def best(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ["REVIEWER_STATE_DIR"] = str(folder / "state")
    db = folder / "session.db"
    url = f"sqlite:///{db}"
    who = synthetic(args.events)
    started = time.perf_counter()
    count = build(url, who, args.events)
    print(f"built {count:,} events in {time.perf_counter() - started:.1f} s ({db})")

    def read_sqlite3() -> list[tuple[object, ...]]:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT seq, at, actor, kind, payload, prev_hash, hash, mac "
                                "FROM audit_events ORDER BY seq").fetchall()

    events = EventStore(EventStore.open(url, case_id=who.case.case_id, bundle_sha256=who.sha256,
                                        now="", key=b"").engine, b"").events()
    bodies = [canonical(e) for e in events]

    def sha256_chain() -> str:
        prev = GENESIS
        for body in bodies:
            prev = hashlib.sha256(prev.encode("ascii") + body).hexdigest()
        return prev

    def keyed_chain() -> None:
        verifier = ChainVerifier(who.key(AUDIT_KEY_LABEL))
        for event in events:
            verifier.feed(event)

    store = EventStore(EventStore.open(url, case_id=who.case.case_id, bundle_sha256=who.sha256,
                                       now="", key=b"").engine, b"")

    def read_and_fold() -> None:
        """What opening cost before the keyed chain: read the rows, fold them, check nothing."""
        review = Review(who.case, who.panel, clock=FixedClock())
        for event in store.events():
            review.state.apply(event)

    sessions: list[Session] = []

    def full_open() -> None:
        for old in sessions:
            old.close()
        sessions.clear()
        for path in (folder / "state").glob("checkpoints/*.json"):
            path.unlink()  # a fresh terminal each time (the checkpoint is not the point here)
        sessions.append(Session.attach(who, url, FixedClock()))

    t_read = best(args.repeat, read_sqlite3)
    t_sha = best(args.repeat, sha256_chain)
    t_keyed = best(args.repeat, keyed_chain)
    t_fold = best(args.repeat, read_and_fold)
    t_open = best(args.repeat, full_open)
    session = sessions[0]
    cells = iter([(e.id, a.id) for a in who.case.applications for e in who.case.experts])
    criterion = who.panel.expert_criteria[0].key

    def one_write() -> None:
        expert, app = next(cells)
        session.run(lambda r: r.set_score(expert, app, criterion, "0.5"))

    t_write = best(max(args.repeat, 5), one_write)
    session.close()
    n = len(events)
    print(f"baseline sqlite3 read of {n:,} rows   {t_read * 1000:9.1f} ms")
    print(f"baseline SHA-256 chain (canonical)     {t_sha * 1000:9.1f} ms")
    print(f"keyed chain verify (SHA-256 + HMAC)    {t_keyed * 1000:9.1f} ms  "
          f"= {t_keyed / t_sha:.1f}x SHA-256 baseline")
    print(f"read + fold, nothing checked (before)  {t_fold * 1000:9.1f} ms")
    print(f"full open (read+verify+validate+fold)  {t_open * 1000:9.1f} ms  "
          f"= {t_open / t_fold:.1f}x read + fold, "
          f"{t_open / t_read:.1f}x sqlite3 read, {t_open / t_sha:.1f}x SHA-256 baseline, "
          f"{t_open / n * 1e6:.1f} µs/event")
    print(f"one incremental write on the session   {t_write * 1000:9.1f} ms  "
          f"= {t_write / t_open * 100:.2f}% of a full open")


if __name__ == "__main__":
    main()
