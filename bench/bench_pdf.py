"""Time rendering, signing, countersigning and verifying the results PDF.

Usage: python bench/bench_pdf.py [SIZE ...]   (default: 300 2000 applications)

Synthetic data (reviewer.pdf.sample); everything is written to a temporary directory that
is removed afterwards.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from reviewer.pdf import keys  # noqa: E402
from reviewer.pdf.report import render_results_pdf  # noqa: E402
from reviewer.pdf.sample import sample_report  # noqa: E402
from reviewer.pdf.signing import sign_pdf, verify_pdf  # noqa: E402


def shape(applications: int) -> dict[str, int]:
    groups = max(3, min(8, applications // 40))
    return {"groups": groups, "experts_per_group": 7, "comprehensive_experts": 11}


def run(applications: int, work: Path) -> None:
    started = time.perf_counter()
    data = sample_report(applications, **shape(applications))
    built = time.perf_counter() - started
    out = work / f"results-{applications}.pdf"
    info = render_results_pdf(data, out)
    keys.generate_identity("秘书", "评审秘书", "云南省总工会", "pw", work / f"s{applications}")
    keys.generate_identity("组长", "综合组组长", "云南省总工会", "pw", work / f"l{applications}")
    secretary = keys.load_signer(work / f"s{applications}.key.pem",
                                 work / f"s{applications}.cert.pem", "pw")
    leader = keys.load_signer(work / f"l{applications}.key.pem",
                              work / f"l{applications}.cert.pem", "pw")
    first = sign_pdf(out, out, secretary, reason="评审结果", location="昆明")
    second = sign_pdf(out, out, leader, reason="确认", location="昆明")
    t0 = time.perf_counter()
    report = verify_pdf(out, [work / f"s{applications}.cert.pem",
                              work / f"l{applications}.cert.pem"])
    verified = time.perf_counter() - t0
    rows = sum(len(g.rows) for g in data.groups)
    print(f"{applications:>5} applications ({len(data.groups)} groups, {rows} group rows, "
          f"{len(data.comprehensive.rows) if data.comprehensive else 0} nominees): "
          f"data {built:.2f} s, render {info.seconds:.2f} s, {info.pages} pages, "
          f"{info.size_bytes / 1024:.0f} KB unsigned; sign {first.seconds * 1000:.0f} ms, "
          f"countersign {second.seconds * 1000:.0f} ms, {second.size_bytes / 1024:.0f} KB signed; "
          f"verify {verified:.2f} s (exit {report.exit_code})")


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [300, 2000]
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        for size in sizes:
            run(size, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
