"""The verified snapshot: this terminal's folded session state, bound to the chain head it was
folded from, so a command does not re-validate and refold the whole history every time.

Where and under what key. One file per (bundle, database) in the terminal's state directory
beside its checkpoint (0600), AES-256-GCM under a key derived from the bundle's audit key; the
associated data binds the bundle, the database, the state's shape and the head's seq, hash and
MAC. Nobody without the passphrase can read it, alter it or move it onto another head. It is
kept outside the database on purpose: an insider who has the passphrase and the database (and
so could forge one) does not have this terminal's state directory.

What it lets an open skip, and what not. ``Session`` still checks every stored event from the
genesis (cheaply, without decoding payloads: ``ChainVerifier.follow_stored_rows``) and
requires the SHA-256 chain to arrive exactly at the snapshot's head and the stored MACs to
digest to the snapshot's ``macs`` (taken when each of them had been verified by its HMAC).
Authentic events ending at that head are the very events that were validated and folded into
it (a MAC forgery or a SHA-256 collision aside), so only their replay validation and fold are
skipped; events after it are verified, validated and folded as always. Any edit, deletion
or reordering before the head is therefore still refused by every command, exactly as without
a snapshot. A snapshot that does not decrypt, or whose head or MAC digest the stored rows do
not reach, is ignored and the state rebuilt from the genesis (it is an optimisation, never
an authority). ``audit verify`` and every export still replay and validate everything, and
compare their state with the live one.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.domain.audit import ChainPoint
from reviewer.storage.checkpoint import state_dir

FORMAT = 4  # 2: scores as indexes into a string table (state._scores_out); 3: + MAC digest;
# 4: a sheet names its layout of criteria once, its values index a table of score texts


@dataclass(frozen=True)
class Snapshot:
    point: ChainPoint
    plain: dict[str, Any]
    macs: str  # SHA-256 of every event's MAC up to ``point`` (``ChainVerifier.macs_digest``)


class SnapshotFile:
    def __init__(self, path: Path, key: bytes, bundle_sha256: str, database: str,
                 shape: str) -> None:
        self.path = path
        self._key = hmac.new(key, b"state-snapshot", hashlib.sha256).digest()
        self._bind = f"{bundle_sha256}\x00{database}\x00{shape}"

    @classmethod
    def for_session(cls, key: bytes, bundle_sha256: str, database: str, shape: str,
                    directory: Path | None = None) -> SnapshotFile:
        name = hashlib.sha256(f"{bundle_sha256}\x00{database}".encode()).hexdigest()[:40]
        folder = (directory or state_dir()) / "snapshots"
        return cls(folder / f"{name}.bin", key, bundle_sha256, database, shape)

    def _ad(self, point: ChainPoint, macs: str) -> bytes:
        return (f"snapshot\x00{FORMAT}\x00{self._bind}\x00{point.seq}\x00{point.hash}\x00"
                f"{point.mac}\x00{macs}").encode("utf-8", "replace")

    def load(self) -> Snapshot | None:
        """The snapshot, or None when there is none or it is not one this key wrote."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            raw = self.path.read_bytes()
            head_len = int.from_bytes(raw[:4], "big")
            head = json.loads(raw[4:4 + head_len].decode("utf-8"))
            point = ChainPoint(int(head["seq"]), str(head["hash"]), str(head["mac"]))
            macs = str(head["macs"])
            nonce = bytes.fromhex(str(head["nonce"]))
            body = AESGCM(self._key).decrypt(nonce, raw[4 + head_len:], self._ad(point, macs))
            plain = json.loads(zlib.decompress(body).decode("utf-8"))
        except (OSError, ValueError, KeyError, TypeError, UnicodeError, InvalidTag,
                zlib.error, RecursionError):
            return None
        if not isinstance(plain, dict):
            return None
        return Snapshot(point, plain, macs)

    def save(self, point: ChainPoint, plain: dict[str, Any], macs: str) -> None:
        """Atomically, 0600; a terminal that cannot write it simply goes on without one."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        body = zlib.compress(json.dumps(plain, ensure_ascii=False,
                                        separators=(",", ":")).encode("utf-8"), 1)
        sealed = AESGCM(self._key).encrypt(nonce, body, self._ad(point, macs))
        head = json.dumps({"seq": point.seq, "hash": point.hash, "mac": point.mac,
                           "macs": macs, "nonce": nonce.hex(), "format": FORMAT}).encode()
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".snap.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(len(head).to_bytes(4, "big") + head + sealed)
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
