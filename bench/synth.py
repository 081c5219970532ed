"""A synthetic review session, reproducible from a seed, built through the real program.

    python bench/synth.py OUT_DIR --apps 2000 --experts 100 [--seed 7] [--score paper|terminal]

writes ``OUT_DIR/case/`` (a 云岭工匠 case folder: case.toml, applications.csv, experts.csv),
seals it into ``OUT_DIR/case.rvb`` (demo passphrase ``BENCH_PASSPHRASE`` in
``OUT_DIR/case.passphrase``), records every expert's pledge as signed on paper, and with
``--score`` writes ``OUT_DIR/sheets.csv`` (every professional-group expert scores every
application of their group) and enters it: ``paper`` imports it with ``reviewer scores
import`` (one event per expert's sheet), ``terminal`` has every expert declare, type each cell
and submit as at a terminal (an event per declaration and per cell: the long history).

Every application is scored by 7–15 experts: the groups are sized so. Names, units and PINs
are fictional and deterministic; the same arguments always give the same case and sheets.
PINs are hashed with cheap Argon2 parameters for speed (benchmark data only).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_PASSPHRASE = "bench-only demo passphrase 基准测试"
CRITERIA = (("工艺专长", 25), ("技能水平", 25), ("领军作用", 20), ("业绩贡献", 30))
SIZES = {"small": (300, 40), "medium": (2000, 100), "large": (20000, 400)}


@dataclass(frozen=True)
class Layout:
    """How many professional groups, and who sits where."""

    groups: int
    per_group: int
    comprehensive: int


def layout(apps: int, experts: int) -> Layout:
    """Professional groups of 7–15 experts (every application is scored by one group), the rest
    in the comprehensive group (at least 5)."""
    comprehensive = max(5, experts // 8)
    available = experts - comprehensive
    groups = max(1, round(available / 11))
    per_group = available // groups
    if not 7 <= per_group <= 15:
        raise SystemExit(f"cannot seat {experts} experts in groups of 7–15")
    return Layout(groups, per_group, comprehensive)


def write_case_folder(folder: Path, apps: int, experts: int, seed: int) -> Layout:
    rnd = random.Random(seed)
    shape = layout(apps, experts)
    folder.mkdir(parents=True, exist_ok=True)
    per_group_apps = -(-apps // shape.groups)
    lines = [
        "# synthetic benchmark case (bench/synth.py); fictional",
        'measure = "yunling-craftsman"',
        f'title = "基准测试 {apps} 项申报"',
        "year = 2026",
        'secretary = "基准秘书"',
        "",
        "[rules]",
        "min_experts = 3",
        'aggregate = "trimmed_mean"',
        "",
    ]
    for g in range(shape.groups):
        lines += [f"[groups.g{g:03d}]", f'name = "专业组{g + 1}"', 'kind = "professional"',
                  f"nominate = {max(1, min(per_group_apps, 20 // shape.groups + 1))}", ""]
    lines += ["[groups.comprehensive]", 'name = "综合组"', 'kind = "comprehensive"', ""]
    (folder / "case.toml").write_text("\n".join(lines), encoding="utf-8")

    with open(folder / "applications.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "unit", "group", "track", "flags", "summary"])
        for i in range(apps):
            flags = "priority" if rnd.random() < 0.05 else ""
            writer.writerow([f"A{i:05d}", f"申报人{i}", f"基准单位{i % 997}有限公司",
                             f"g{i % shape.groups:03d}", "", flags, f"虚构事迹 {i}"])

    with open(folder / "experts.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "title", "unit", "groups", "pin"])
        index = 0
        for g in range(shape.groups):
            for _ in range(shape.per_group):
                writer.writerow([f"E{index:04d}", f"专家{index}", "高级工程师",
                                 f"专家单位{index}研究院", f"g{g:03d}", f"{100000 + index}"])
                index += 1
        while index < experts:
            writer.writerow([f"E{index:04d}", f"专家{index}", "正高级工程师",
                             f"专家单位{index}研究院", "comprehensive", f"{100000 + index}"])
            index += 1
    return shape


def seal_cheaply(folder: Path, bundle: Path) -> str:
    """Seal as ``reviewer seal`` does, with cheap PIN hashes (the seal itself is benchmarked
    separately with the real parameters)."""
    from argon2 import PasswordHasher

    from reviewer.bundle import seal
    from reviewer.casefolder import read_case_folder
    from reviewer.domain.panel import panels_dir

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash
    case, panel = read_case_folder(folder, pin_hasher=cheap)
    case_json = json.dumps(case.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    panel_text = (panels_dir() / f"{panel.id}.toml").read_bytes()
    return seal([("case.json", case_json), ("panel.toml", panel_text)], bundle,
                BENCH_PASSPHRASE, header_info={"case_id": case.case_id, "measure": case.measure})


def acknowledge_all(bundle: Path, db_url: str, experts: int) -> None:
    """Every expert's pledge signed on paper, through the session (one transaction each, as
    ``reviewer ack --paper`` would record it)."""
    from reviewer.session import Session

    session = Session.open(bundle, BENCH_PASSPHRASE, db_url)
    try:
        for index in range(experts):
            expert = f"E{index:04d}"
            session.run(lambda r, e=expert: r.acknowledge(e, paper=True))
    finally:
        session.close()


def write_sheets(path: Path, apps: int, shape: Layout, seed: int) -> int:
    """One row per (professional expert, application of their group); returns the cell count."""
    rnd = random.Random(seed + 1)
    cells = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["专家", "申报", "轮次", *(name for name, _ in CRITERIA)])
        for g in range(shape.groups):
            members = [f"E{g * shape.per_group + k:04d}" for k in range(shape.per_group)]
            for i in range(g, apps, shape.groups):
                quality = rnd.random()
                for expert in members:
                    values = []
                    for _, points in CRITERIA:
                        raw = points * (0.45 + 0.5 * quality) + rnd.uniform(-2, 2)
                        values.append(f"{max(0.0, min(points, round(raw * 2) / 2)):g}")
                    writer.writerow([expert, f"A{i:05d}", "专业组", *values])
                    cells += len(values)
    return cells


def build(out: Path, apps: int, experts: int, seed: int, score: str = "") -> dict[str, object]:
    """The case, its bundle and pledged session in ``out``; ``score``: "", "paper", "terminal"."""
    out.mkdir(parents=True, exist_ok=True)
    shape = write_case_folder(out / "case", apps, experts, seed)
    bundle = out / "case.rvb"
    (out / "case.passphrase").write_text(BENCH_PASSPHRASE + "\n", encoding="utf-8")
    seal_cheaply(out / "case", bundle)
    db = out / "case.session.db"
    for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db_url = f"sqlite:///{db}"
    acknowledge_all(bundle, db_url, experts)
    shutil.copy(db, out / "pledged.session.db")  # pristine: benchmarks that write copy this
    info: dict[str, object] = {"apps": apps, "experts": experts, "groups": shape.groups,
                               "per_group": shape.per_group, "bundle": str(bundle),
                               "db": db_url}
    if score:
        sheets = out / "sheets.csv"
        info["cells"] = write_sheets(sheets, apps, shape, seed)
        info["score"] = score
        if score == "terminal":
            info["events"] = score_at_terminals(bundle, db_url, sheets)
        else:
            subprocess.run(["reviewer", "scores", "import", str(bundle), str(sheets),
                            "--passphrase-file", str(out / "case.passphrase"), "--db", db_url],
                           check=True, stdout=subprocess.DEVNULL)
    return info


def score_at_terminals(bundle: Path, db_url: str, sheets: Path) -> int:
    """Enter ``sheets`` as the experts would at their terminals: each declares no conflict on
    their applications, types every cell, and submits (three transactions per expert, since
    each step needs the one before it applied); returns the session's event count."""
    from reviewer.session import Session

    rows: dict[str, list[list[str]]] = {}
    with open(sheets, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        next(reader)
        for row in reader:
            rows.setdefault(row[0], []).append(row)
    keys = ("craft_expertise", "skill_level", "leadership", "contribution")  # CRITERIA's
    session = Session.open(bundle, BENCH_PASSPHRASE, db_url)
    try:
        for expert, sheet in rows.items():
            session.run(lambda r, e=expert, s=sheet: [
                event for row in s for event in r.declare_no_conflict(e, row[1])])
            session.run(lambda r, e=expert, s=sheet: [
                event for row in s for key, value in zip(keys, row[3:], strict=True)
                for event in r.set_score(e, row[1], key, value)])
            session.run(lambda r, e=expert: r.submit(e, confirm_no_conflict=True))
        return session.review.state.event_count
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", choices=sorted(SIZES))
    parser.add_argument("--apps", type=int, default=300)
    parser.add_argument("--experts", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--score", choices=("paper", "terminal"), default="")
    args = parser.parse_args()
    apps, experts = SIZES[args.size] if args.size else (args.apps, args.experts)
    print(json.dumps(build(args.out, apps, experts, args.seed, args.score), ensure_ascii=False))


if __name__ == "__main__":
    main()
