"""How long ``results`` takes: on a synthetic session of 2,000 applications and 100 experts
(about 100,000 score cells), through the domain core and through the real event store.

    python bench/bench_results.py [--apps 2000] [--experts 100]

Prints the time to replay the events, to compute results once, and to serialise the JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402

from reviewer.domain.case import Application, Case, Expert, Group, Rules  # noqa: E402
from reviewer.domain.events import Event  # noqa: E402
from reviewer.domain.panel import load_panel_by_id  # noqa: E402
from reviewer.domain.results import results  # noqa: E402
from reviewer.domain.review import Review  # noqa: E402
from reviewer.domain.state import SessionState  # noqa: E402

BENCH_PIN_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("000000")


def synthetic(apps: int, experts: int, groups: int = 8) -> tuple[Case, int]:
    panel = load_panel_by_id("yunling-craftsman")
    group_ids = [f"g{i}" for i in range(groups)]
    comp_size = max(5, experts // 7)
    per_group = (experts - comp_size) // groups
    expert_rows = []
    for index in range(experts):
        if index < per_group * groups:
            member = [group_ids[index % groups]]
        else:
            member = ["comp"]
        if index % 9 == 0 and "comp" not in member:
            member.append("comp")
        expert_rows.append(Expert(f"E{index:04d}", f"专家{index}", "高级工程师",
                                  f"专家单位{index % 50}", tuple(member), BENCH_PIN_HASH))
    app_rows = [
        Application(f"A{i:05d}", f"申报{i}", f"单位{i % 400}", group_ids[i % groups], "main",
                    ("priority",) if i % 17 == 0 else ())
        for i in range(apps)
    ]
    case = Case("bench", panel.id, "基准", 2026, Rules(aggregate="trimmed_mean"),
                tuple([Group(g, g, "professional", 20) for g in group_ids]
                      + [Group("comp", "综合组", "comprehensive")]),
                tuple(app_rows), tuple(expert_rows))
    return case, len(panel.expert_criteria)


def value(expert: str, app: str, maximum: Decimal) -> Decimal:
    digest = int(hashlib.blake2b(f"{expert}{app}".encode(), digest_size=4).hexdigest(), 16)
    return (maximum * Decimal(50 + digest % 51) / 100 * 2).to_integral_value() / 2


def play(review: Review, events: list[Event]) -> None:
    for event in events:
        review.state.apply(replace(event, seq=review.state.event_count + 1))


def fill_round(review: Review, log: list[Event]) -> None:
    for expert in review.case.experts:
        if not review.has_acknowledged(expert.id):
            batch = review.acknowledge(expert.id)
            play(review, batch)
            log.extend(batch)
        scope = review.scope(expert.id)
        if not scope:
            continue
        for app in scope:
            if review.conflicts.is_recused(expert.id, app.id, review.state):
                continue
            if not review.has_declared(expert.id, app.id):  # 回避申明 before scoring
                batch = review.declare_no_conflict(expert.id, app.id)
                play(review, batch)
                log.extend(batch)
            for criterion in review.panel.expert_criteria:
                batch = review.set_score(expert.id, app.id, criterion.key,
                                         value(expert.id, app.id, review.points[criterion.key]))
                play(review, batch)
                log.extend(batch)
        batch = review.submit(expert.id, confirm_no_conflict=True)
        play(review, batch)
        log.extend(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=100)
    args = parser.parse_args()
    case, _ = synthetic(args.apps, args.experts)
    panel = load_panel_by_id(case.measure)
    review = Review(case, panel)
    log: list[Event] = []
    started = time.perf_counter()
    fill_round(review, log)
    batch = review.advance(force=True, reason="bench")
    play(review, batch)
    log.extend(batch)
    fill_round(review, log)
    batch = review.advance(force=True, reason="bench")
    play(review, batch)
    log.extend(batch)
    built = time.perf_counter() - started
    cells = sum(len(v) for v in review.state.scores.values())
    print(f"session: {args.apps} applications, {args.experts} experts, {cells} score cells, "
          f"{len(log)} events (built in {built:.1f} s)")

    started = time.perf_counter()
    fresh = Review(case, panel, SessionState())
    play(fresh, log)
    replay = time.perf_counter() - started
    started = time.perf_counter()
    data = results(fresh).to_json()
    compute = time.perf_counter() - started
    started = time.perf_counter()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    dump = time.perf_counter() - started
    print(f"replay events: {replay:.2f} s")
    print(f"results():     {compute:.2f} s  (final list {len(data['final'])}, "
          f"nominees {sum(len(v) for v in data['nominees'].values())})")
    print(f"JSON:          {dump:.2f} s  ({len(text) // 1024} KiB)")


if __name__ == "__main__":
    main()
