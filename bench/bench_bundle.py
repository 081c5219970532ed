"""How long sealing and opening a bundle take, and how much memory they need.

Run ``python bench/bench_bundle.py [MEGABYTES]`` (default 50). Each phase runs in a fresh
process so its peak resident size (``ru_maxrss``, which includes Argon2id's 64 MiB) is its
own; ``tracemalloc`` adds the peak of Python-level allocations. The content is synthetic and
only its ciphertext is written, to a temporary folder that is removed afterwards.

``python bench/bench_bundle.py real [MEGABYTES] [--runs N]`` (default 100 MB, 1 run) runs the
real commands end to end on a case folder with that many megabytes of Chinese Markdown
materials generated into /tmp: ``reviewer seal`` and ``reviewer inspect`` (which opens and
authenticates the bundle and reads the case) as subprocesses, each with its wall time and peak
RSS (``wait4``), and, in this process, ``open_bundle`` with the Argon2id time subtracted beside
the bare baselines over the same bytes: AES-GCM alone (a chunk-sized ``encrypt`` per chunk of
the file, which costs what ``decrypt`` does) and AES-GCM plus the file's SHA-256 (which the
session and the PDF bind to, so every open computes it).
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

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


def _materials_folder(root: Path, megabytes: int) -> Path:
    """A 300-application case (bench/synth.py) with ``megabytes`` of materials, evenly spread."""
    from synth import write_case_folder

    folder = root / "case"
    write_case_folder(folder, 300, 40, seed=3)
    line = ("申报人扎根生产一线二十年，带领团队攻克大型铸件焊接变形难题，形成操作法三项，"
            "培养高级技师十二名。Fictional benchmark text.\n").encode()
    per_app = megabytes * MIB // 300 // len(line) * len(line)  # whole lines: valid UTF-8
    block = line * (MIB // len(line))
    for index in range(300):
        app = folder / "materials" / f"A{index:05d}"
        app.mkdir(parents=True)
        with open(app / "事迹材料.md", "wb") as out:
            left = per_app
            while left > 0:
                out.write(block[:left])
                left -= min(left, len(block))
    return folder


def _run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one subprocess."""
    started = time.perf_counter()
    root = str(Path(__file__).resolve().parent.parent)  # this checkout's reviewer
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:2]} failed with {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024


def _bare_aes(path: Path, chunk_size: int, with_sha: bool) -> float:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, nonce = AESGCM(os.urandom(32)), os.urandom(12)
    digest = __import__("hashlib").sha256()
    started = time.perf_counter()
    with open(path, "rb") as stream:
        while piece := stream.read(chunk_size + 16):
            if with_sha:
                digest.update(piece)
            aead.encrypt(nonce, piece[:-16], b"")
    return time.perf_counter() - started


def phase_real(megabytes: int, runs: int) -> None:
    from reviewer.bundle import read_header

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(dir="/tmp") as temp:
        root = Path(temp)
        started = time.perf_counter()
        folder = _materials_folder(root, megabytes)
        print(f"case folder: 300 applications, {megabytes} MB of materials "
              f"({time.perf_counter() - started:.1f} s to write)")
        secret = root / "passphrase"
        secret.write_text(PASSPHRASE + "-long\n", encoding="utf-8")
        bundle = root / "case.rvb"
        import shutil

        reviewer = [shutil.which("reviewer") or "reviewer"]
        rows: dict[str, list[float]] = {k: [] for k in
                                        ("seal", "seal_rss", "inspect", "inspect_rss", "open",
                                         "kdf", "aes", "aes_sha")}
        for _ in range(runs):
            seconds, rss = _run([*reviewer, "seal", str(folder), "-o", str(bundle),
                                 "--passphrase-file", str(secret)])
            rows["seal"].append(seconds)
            rows["seal_rss"].append(rss)
            seconds, rss = _run([*reviewer, "inspect", str(bundle),
                                 "--passphrase-file", str(secret)])
            rows["inspect"].append(seconds)
            rows["inspect_rss"].append(rss)
            header = read_header(bundle)
            started = time.perf_counter()
            master_secret(PASSPHRASE + "-long", header.kdf, header.salt)
            rows["kdf"].append(time.perf_counter() - started)
            started = time.perf_counter()
            open_bundle(bundle, PASSPHRASE + "-long")
            rows["open"].append(time.perf_counter() - started - rows["kdf"][-1])
            rows["aes"].append(_bare_aes(bundle, header.chunk_size, with_sha=False))
            rows["aes_sha"].append(_bare_aes(bundle, header.chunk_size, with_sha=True))
        size = bundle.stat().st_size / MIB
        med = {k: statistics.median(v) for k, v in rows.items()}
        print(f"bundle {size:.0f} MiB, {runs} run(s), medians:")
        print(f"  reviewer seal     {med['seal']:7.2f} s  peak RSS {med['seal_rss']:7.1f} MiB")
        print(f"  reviewer inspect  {med['inspect']:7.2f} s  peak RSS {med['inspect_rss']:7.1f} MiB")
        print(f"  open_bundle, KDF ({med['kdf']:.2f} s) excluded: {med['open']:.2f} s = "
              f"{size / med['open']:.0f} MiB/s")
        print(f"  bare AES-GCM over the file: {med['aes']:.2f} s  -> open / bare "
              f"{med['open'] / med['aes']:.2f}x")
        print(f"  bare AES-GCM + SHA-256 of the file: {med['aes_sha']:.2f} s  -> open / floor "
              f"{med['open'] / med['aes_sha']:.2f}x")


def main() -> None:
    if sys.argv[1:2] == ["real"]:
        import argparse

        parser = argparse.ArgumentParser(prog="bench_bundle.py real")
        parser.add_argument("megabytes", type=int, nargs="?", default=100)
        parser.add_argument("--runs", type=int, default=1)
        args = parser.parse_args(sys.argv[2:])
        return phase_real(args.megabytes, args.runs)
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
