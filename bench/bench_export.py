"""Export and signing of the results PDF, the real command end to end, beside a bare ReportLab
table of the same cells (whole processes, medians, alternating in one loop).

    python bench/bench_export.py [--sizes small,medium] [--runs 3] [--work /tmp/rv-bench]

Uses the scored sessions of ``bench_session.py`` (built with ``synth.py`` when missing) and
plays a copy of each to the close through the CLI, as a secretary would: ``advance`` (the
groups nominate), a comprehensive paper sheet for every nominee, ``scores import``,
``advance`` (closed), ``ties resolve`` for any tie across the cap. Then measured:

- ``reviewer export`` (open the bundle, check the chain, assemble, lay out, sign in memory,
  write atomically, record the export in the chain): time, pages, size;
- the baseline, in a fresh ``python``: every string of the same report data laid out in
  ReportLab tables of 10 columns, one table of 40 rows per page (so that ReportLab never
  splits a table: one ``LongTable`` of all 200,000 cells at N = 2,000 takes longer than our
  whole export, since every split measures the rest again), in the same embedded font,
  written to a file. Nothing of ours is imported by the baseline;
- the floor: the same baseline in a process that also imports what any signed export must
  (SQLAlchemy, pyHanko's signers) while Argon2id derives the bundle key. Its ratio to the
  baseline is what a target leaves for everything else.

Every export is recorded in the chain, so each run exports again on the same closed session
(an export is allowed as often as the secretary likes; the chain grows by one event a run).
"""

from __future__ import annotations

import argparse
import csv
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

from bench_session import FIXED, REVIEWER, built, timed  # noqa: E402
from synth import BENCH_PASSPHRASE, SIZES, layout  # noqa: E402

KEY_PASSPHRASE = "bench-only signing key passphrase"  # benchmark data only

BARE_TABLE = (
    "import json, sys\n"
    "from reportlab.lib.pagesizes import A4, landscape\n"
    "from reportlab.pdfbase import pdfmetrics\n"
    "from reportlab.pdfbase.ttfonts import TTFont\n"
    "from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle\n"
    "font_path, index, cells_file, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]\n"
    "pdfmetrics.registerFont(TTFont('F', font_path, subfontIndex=index))\n"
    "strings = json.load(open(cells_file, encoding='utf-8'))\n"
    "width, page = 10, 40\n"
    "rows = [strings[i:i + width] for i in range(0, len(strings), width)]\n"
    "rows[-1] += [''] * (width - len(rows[-1]))\n"
    "style = TableStyle([('FONT', (0, 0), (-1, -1), 'F', 8),\n"
    "                    ('GRID', (0, 0), (-1, -1), 0.25, (0, 0, 0))])\n"
    "tables = [LongTable(rows[i:i + page], style=style) for i in range(0, len(rows), page)]\n"
    "doc = SimpleDocTemplate(out, pagesize=landscape(A4))\n"
    "doc.build(tables)\n"
    "print(doc.page)\n"
)


def cli(*argv: str, db: str, passphrase: Path) -> str:
    out = subprocess.run([*REVIEWER, *argv, "--passphrase-file", str(passphrase), "--db", db],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"reviewer {' '.join(argv)} exited {out.returncode}: {out.stderr}")
    return out.stdout


def closed_session(size: str, work: Path) -> tuple[Path, str, Path]:
    """A copy of the scored session of ``size`` played to the close (built once)."""
    apps, experts = SIZES[size]
    scored = built(work / f"{size}-scored", size, score="paper")
    bundle, passphrase = scored / "case.rvb", scored / "case.passphrase"
    closed = work / f"{size}-closed"
    db = f"sqlite:///{closed / 'case.session.db'}"
    if (closed / "done.json").exists():
        return bundle, db, passphrase
    shutil.rmtree(closed, ignore_errors=True)
    closed.mkdir(parents=True)
    shutil.copy(scored / "case.session.db", closed / "case.session.db")
    started = time.perf_counter()
    cli("advance", str(bundle), db=db, passphrase=passphrase)
    nominees = json.loads(cli("results", str(bundle), "--json", db=db,
                              passphrase=passphrase))["nominees"]
    shape = layout(apps, experts)
    comprehensive = [f"E{k:04d}" for k in range(shape.groups * shape.per_group, experts)]
    sheet = closed / "comprehensive.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["专家", "申报", "轮次", "工艺专长", "技能水平", "领军作用", "业绩贡献"])
        for e, expert in enumerate(comprehensive):
            for ids in nominees.values():
                for a, app in enumerate(ids):
                    writer.writerow([expert, app, "综合组", str(15 + (a * 7 + e) % 10),
                                     str(16 + (a * 3) % 9), str(12 + (a + e) % 8),
                                     str(20 + (a * 5 + e * 3) % 10)])
    cli("scores", "import", str(bundle), str(sheet), db=db, passphrase=passphrase)
    sheet.unlink()
    cli("advance", str(bundle), db=db, passphrase=passphrase)
    out = json.loads(cli("results", str(bundle), "--json", db=db, passphrase=passphrase))
    for tie in out["unresolved_ties"]:
        cli("ties", "resolve", str(bundle), "--order", ",".join(tie), "--reason", "基准复议",
            db=db, passphrase=passphrase)
    (closed / "done.json").write_text(json.dumps({"seconds": time.perf_counter() - started}))
    print(f"# {size}: closed in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return bundle, db, passphrase


def report_cells(bundle: Path, db: str, cells_file: Path) -> tuple[int, str, int]:
    """Every string of the report data the export lays out (fictional benchmark data), and
    the font the export finds."""
    from reviewer.pdf.assemble import report_data
    from reviewer.pdf.fonts import find_cjk_font
    from reviewer.pdf.report import _strings
    from reviewer.session import Session

    session = Session.open(bundle, BENCH_PASSPHRASE, db)
    try:
        data = report_data(session.review, session.bundle_sha256)
    finally:
        session.close()
    strings = list(_strings(data))
    cells_file.write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
    font = find_cjk_font(None)
    return len(strings), font.path, font.subfont_index


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return -1


def bench_size(size: str, work: Path, runs: int) -> dict[str, object]:
    bundle, db, passphrase = closed_session(size, work)
    closed = work / f"{size}-closed"
    key_pass = closed / "key.passphrase"
    key_pass.write_text(KEY_PASSPHRASE + "\n", encoding="utf-8")
    if not (closed / "secretary.key.pem").exists():
        subprocess.run([*REVIEWER, "keygen", "--name", "基准秘书", "--role", "评审秘书",
                        "-o", str(closed / "secretary"), "--key-passphrase-file", str(key_pass)],
                       check=True, capture_output=True)
    cells_file = closed / "cells.json"
    cells, font_path, font_index = report_cells(bundle, db, cells_file)
    out_pdf, bare_pdf = closed / "results.pdf", closed / "bare.pdf"
    export = [*REVIEWER, "export", str(bundle), "-o", str(out_pdf), "--key",
              str(closed / "secretary.key.pem"), "--cert", str(closed / "secretary.cert.pem"),
              "--key-passphrase-file", str(key_pass), "--passphrase-file", str(passphrase),
              "--db", db]
    bare = [sys.executable, "-c", BARE_TABLE, font_path, str(font_index), str(cells_file),
            str(bare_pdf)]
    floor = [sys.executable, "-c", FIXED + "import pyhanko.sign.signers\n" + BARE_TABLE,
             *bare[3:]]
    times, base, peaks, floors = [], [], [], []
    for _ in range(runs):
        out_pdf.unlink(missing_ok=True)
        seconds, rss = timed(export)
        times.append(seconds)
        peaks.append(rss)
        base.append(timed(bare)[0])
        floors.append(timed(floor)[0])
    verify = subprocess.run(["pdfsig", str(out_pdf)], capture_output=True, text=True)
    row: dict[str, object] = {
        "what": "export + sign", "size": size, "median_s": round(statistics.median(times), 3),
        "baseline_s": round(statistics.median(base), 3),
        "ratio": round(statistics.median(times) / statistics.median(base), 2),
        "floor_s": round(statistics.median(floors), 3),
        "floor_ratio": round(statistics.median(floors) / statistics.median(base), 2),
        "peak_mib": max(peaks), "pages": pdf_pages(out_pdf), "bare_pages": pdf_pages(bare_pdf),
        "kib": out_pdf.stat().st_size // 1024, "bare_kib": bare_pdf.stat().st_size // 1024,
        "cells": cells, "pdfsig_valid": "Signature is Valid" in verify.stdout}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    cells_file.unlink()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rv-bench"))
    args = parser.parse_args()
    args.work = args.work.resolve()  # the commands run from outside any tree
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["REVIEWER_STATE_DIR"] = str(args.work / "state-export")
    rows = [bench_size(size, args.work, args.runs) for size in args.sizes.split(",")]
    print()
    print(f"# load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f}")
    print(f"{'size':7} {'export s':>9} {'bare s':>7} {'ratio':>6} {'floor':>6} {'MiB':>5} "
          f"{'pages':>6} {'bare pp':>8} {'KiB':>6} {'cells':>7} pdfsig")
    for r in rows:
        print(f"{r['size']:7} {r['median_s']:>9} {r['baseline_s']:>7} {r['ratio']:>6} "
              f"{r['floor_ratio']:>6} {r['peak_mib']:>5} {r['pages']:>6} {r['bare_pages']:>8} "
              f"{r['kib']:>6} {r['cells']:>7} {'valid' if r['pdfsig_valid'] else 'NOT VALID'}")


if __name__ == "__main__":
    main()
