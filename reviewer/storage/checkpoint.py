"""The per-terminal checkpoint: the newest chain point this terminal has verified.

A MAC stops anybody without the passphrase from writing an event or moving the head, but not
from putting back an *older authentic* copy of the database (a backup, a snapshot, a head row
saved earlier) and so dropping everything after it. Each terminal therefore keeps, outside the
database, a small MACed file (0600, in its state directory) with the highest seq, hash and MAC
it has verified for this bundle and this database URL. A database behind it, or with another
event at that seq, is refused as rolled back.

The limit, honestly: a terminal only knows what it has seen. A terminal that never saw the
later events (a fresh machine, a deleted state directory) cannot tell a rolled-back database
from a young one; the heads recorded at each round close and the head printed in the signed
PDF are what the committee compares then.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path

from reviewer.domain.audit import ChainPoint

STATE_ENV = "REVIEWER_STATE_DIR"


def state_dir() -> Path:
    """``$REVIEWER_STATE_DIR``, else ``$XDG_STATE_HOME/reviewer``, else ``~/.local/state/reviewer``."""
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "reviewer"


class CheckpointDamaged(Exception):
    """The file exists but is not one this terminal wrote with this bundle's key."""


class Checkpoint:
    def __init__(self, path: Path, key: bytes, bundle_sha256: str, database: str) -> None:
        self.path = path
        self._key = key
        self._bundle = bundle_sha256
        self._database = database

    @classmethod
    def for_session(cls, key: bytes, bundle_sha256: str, database: str,
                    directory: Path | None = None) -> Checkpoint:
        """One file per (bundle, database); ``database`` is the URL without its password."""
        name = hashlib.sha256(f"{bundle_sha256}\x00{database}".encode()).hexdigest()[:40]
        folder = (directory or state_dir()) / "checkpoints"
        return cls(folder / f"{name}.json", key, bundle_sha256, database)

    def _tag(self, seq: int, hash_: str, mac: str) -> str:
        message = f"checkpoint\x00{self._bundle}\x00{self._database}\x00{seq}\x00{hash_}\x00{mac}"
        return hmac.new(self._key, message.encode("utf-8", "replace"), hashlib.sha256).hexdigest()

    def load(self) -> ChainPoint | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise CheckpointDamaged(str(err)) from None
        try:
            data = json.loads(raw.decode("utf-8"))
            seq, hash_, mac, tag = (int(data["seq"]), str(data["hash"]), str(data["mac"]),
                                    str(data["tag"]))
        except (ValueError, KeyError, TypeError, UnicodeError):
            raise CheckpointDamaged("unreadable") from None
        if not hmac.compare_digest(tag, self._tag(seq, hash_, mac)):
            raise CheckpointDamaged("not authentic")
        return ChainPoint(seq, hash_, mac)

    def save(self, point: ChainPoint) -> None:
        """Atomically, 0600; a terminal that cannot write its state goes on unprotected."""
        body = json.dumps({"seq": point.seq, "hash": point.hash, "mac": point.mac,
                           "tag": self._tag(point.seq, point.hash, point.mac)}).encode()
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".cp.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(body)
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
