"""How long sealing and opening a bundle take, and how much memory they need.

Run ``python bench/bench_bundle.py [MEGABYTES]`` (default 50). Each phase runs in a fresh
process so its peak resident size (``ru_maxrss``, which includes Argon2id's 64 MiB) is its
own; ``tracemalloc`` adds the peak of Python-level allocations. The content is synthetic and
only its ciphertext is written, to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import BinaryIO, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviewer.bundle import KdfParams, open_bundle, seal  # noqa: E402
from reviewer.bundle.crypto import master_secret  # noqa: E402

PASSPHRASE = "bench-only passphrase"
MIB = 1024 * 1024


class Synthetic(io.RawIOBase):
    """``size`` bytes of filler produced on demand, so the source itself costs ~1 MiB."""

    _block = os.urandom(MIB)

    def __init__(self, size: int) -> None:
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self.position = self.size + offset if whence == os.SEEK_END else offset
        return self.position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self.size - self.position, MIB)
        start = self.position % MIB
        first = min(count, MIB - start)
        buffer[:first] = self._block[start:start + first]
        buffer[first:count] = self._block[: count - first]
        self.position += count
        return count


def _maxrss_mib() -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MIB


def _entries(megabytes: int) -> list[tuple[str, bytes | BinaryIO]]:
    pieces: list[tuple[str, bytes | BinaryIO]] = [("case.json", b'{"applications": []}')]
    per_file = 5 * MIB
    count, rest = divmod(megabytes * MIB, per_file)
    pieces += [(f"materials/{i:03d}.pdf", cast(BinaryIO, Synthetic(per_file))) for i in range(count)]
    if rest:
        pieces.append(("materials/rest.pdf", cast(BinaryIO, Synthetic(rest))))
    return pieces


def phase_seal(path: Path, megabytes: int) -> None:
    started = time.perf_counter()
    seal(_entries(megabytes), path, PASSPHRASE, header_info={"case_id": "bench"})
    seconds = time.perf_counter() - started
    rss = _maxrss_mib()
    tracemalloc.start()
    seal(_entries(megabytes), path, PASSPHRASE, header_info={"case_id": "bench"})
    peak = tracemalloc.get_traced_memory()[1] / MIB
    print(f"seal  {megabytes} MB: {seconds:6.2f} s  peak RSS {rss:6.1f} MiB  "
          f"python heap peak {peak:6.1f} MiB  file {path.stat().st_size / MIB:.1f} MiB")


def phase_open(path: Path, megabytes: int) -> None:
    started = time.perf_counter()
    opened = open_bundle(path, PASSPHRASE)
    seconds = time.perf_counter() - started
    total = sum(len(v) for v in opened.entries.values())
    del opened
    rss = _maxrss_mib()
    tracemalloc.start()
    open_bundle(path, PASSPHRASE)
    peak = tracemalloc.get_traced_memory()[1] / MIB
    print(f"open  {megabytes} MB: {seconds:6.2f} s  peak RSS {rss:6.1f} MiB  "
          f"python heap peak {peak:6.1f} MiB  content {total / MIB:.1f} MiB")


def phase_kdf() -> None:
    kdf = KdfParams()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        master_secret(PASSPHRASE, kdf, os.urandom(16))
        times.append(time.perf_counter() - started)
    print(f"argon2id t={kdf.time_cost} m={kdf.memory_cost} KiB p={kdf.parallelism}: "
          f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"
          f"  peak RSS {_maxrss_mib():.1f} MiB")


def main() -> None:
    if sys.argv[1:2] == ["kdf"]:
        return phase_kdf()
    if sys.argv[1:2] in (["seal"], ["open"]):
        path, megabytes = Path(sys.argv[2]), int(sys.argv[3])
        return (phase_seal if sys.argv[1] == "seal" else phase_open)(path, megabytes)
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    subprocess.run([sys.executable, __file__, "kdf"], check=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.rvb"
        for phase in ("seal", "open"):
            subprocess.run([sys.executable, __file__, phase, str(path), str(megabytes)],
                           check=True)


if __name__ == "__main__":
    main()
