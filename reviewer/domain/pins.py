"""What the core needs to check and change an expert's PIN, handed in from outside.

The core imports only the standard library, so the argon2 hasher and the AES-GCM vault live in
``reviewer.bundle.pins``; ``Session`` wires them in. The vault encrypts a changed PIN's hash
under a key derived from the bundle (label ``pin-vault``): the session database, which every
terminal of a review room can read, never holds a bare argon2 hash that could be guessed
offline (10⁶ six-digit PINs), nor one an insider could swap for their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class PinHasher(Protocol):
    def hash(self, pin: str) -> str: ...

    def verify(self, pin_hash: str, pin: str) -> bool:
        """True when ``pin`` matches; False for a wrong PIN or a hash it cannot read."""
        ...


class PinVault(Protocol):
    def seal(self, expert_id: str, pin_hash: str) -> str:
        """``pin_hash`` encrypted and bound to ``expert_id`` (text, for an event payload)."""
        ...

    def open(self, expert_id: str, sealed: str) -> str | None:
        """The hash back, or None when ``sealed`` is not authentic for this expert."""
        ...


@dataclass(frozen=True)
class PinKeeper:
    hasher: PinHasher
    vault: PinVault
