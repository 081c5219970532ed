"""Sealing a case with many experts: the real ``reviewer seal`` (case folder read and checked,
every PIN hashed with the real Argon2id PIN parameters, the bundle derived and encrypted)
against its floor — one passphrase derivation with the bundle's Argon2id parameters plus one
AES-256-GCM pass over the same bytes, in a fresh process.

    python bench/bench_seal.py [--apps 300] [--experts 400] [--runs 3] [--work /tmp/rv-seal]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_session import timed  # noqa: E402
from synth import BENCH_PASSPHRASE, write_case_folder  # noqa: E402

FLOOR = (
    "import os, sys\n"
    "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
    "from reviewer.bundle import KdfParams\n"
    "from reviewer.bundle.crypto import master_secret\n"
    "key = master_secret(sys.argv[1], KdfParams(), os.urandom(16))[:32]\n"
    "data = open(sys.argv[2], 'rb').read()\n"
    "AESGCM(key).encrypt(os.urandom(12), data, b'')\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=300)
    parser.add_argument("--experts", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rv-seal"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    folder = args.work / "case"
    if not (folder / "experts.csv").exists():
        write_case_folder(folder, args.apps, args.experts, seed=7)
    passphrase = args.work / "case.passphrase"
    passphrase.write_text(BENCH_PASSPHRASE + "\n", encoding="utf-8")
    bundle = args.work / "case.rvb"
    times, floors, peaks = [], [], []
    for _ in range(args.runs):
        seconds, rss = timed(["reviewer", "seal", str(folder), "-o", str(bundle),
                              "--passphrase-file", str(passphrase)])
        times.append(seconds)
        peaks.append(rss)
        floors.append(timed([sys.executable, "-c", FLOOR, BENCH_PASSPHRASE, str(bundle)])[0])
    row = {"what": f"seal ({args.experts} experts)", "median_s": round(statistics.median(times), 3),
           "baseline_s": round(statistics.median(floors), 3),
           "ratio": round(statistics.median(times) / statistics.median(floors), 2),
           "peak_mib": max(peaks)}
    print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
