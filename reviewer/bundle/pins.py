"""The PIN hasher (argon2id) and the PIN vault (AES-256-GCM under the bundle's ``pin-vault``
subkey) that ``reviewer.domain.pins`` describes."""

from __future__ import annotations

import base64
import binascii
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PIN_VAULT_LABEL = "pin-vault"
_PREFIX = "v1:"
_NONCE = 12


# Argon2id for PIN verifiers: t=1, 256 KiB, one lane (~0.25 ms), not the password defaults
# (t=3, 64 MiB, ~0.3–0.7 s), so sealing 400 experts costs less than one passphrase derivation.
# Why that is enough: a PIN verifier is never readable without the passphrase — the sealed
# ones live inside the encrypted bundle, a changed one is sealed under the bundle's pin-vault
# key (``AesGcmPinVault``) before it reaches the database. Online guessing at a terminal is
# throttled by the lockout (persisted in the chain, so across restarts and terminals), which
# no hash cost changes. That leaves a passphrase holder: they could brute-force a six-digit
# PIN offline at any cost this side of seconds per guess (10^6 × 4 ms at the former 4 MiB was
# about an hour on one core; at 256 KiB it is minutes) — but they already hold the audit key,
# can write any event as any expert and decrypt every application, so the hash cost protects
# nothing from them that the passphrase does not already give away. It stays a memory-hard
# Argon2id (no PIN is kept or compared in the clear). Verification reads the parameters from
# each hash, so bundles sealed with the former parameters still open and verify.
PIN_TIME_COST = 1
PIN_MEMORY_KIB = 256
PIN_PARALLELISM = 1


def pin_password_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=PIN_TIME_COST, memory_cost=PIN_MEMORY_KIB,
                          parallelism=PIN_PARALLELISM)


class Argon2PinHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or pin_password_hasher()

    def hash(self, pin: str) -> str:
        return self._hasher.hash(pin)

    def verify(self, pin_hash: str, pin: str) -> bool:
        try:
            return bool(self._hasher.verify(pin_hash, pin))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class AesGcmPinVault:
    """``v1:`` + base64(nonce || AES-GCM(hash)), the expert id as associated data, so a sealed
    hash cannot be moved from one expert to another either."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the PIN vault needs a 32-byte key")
        self._aead = AESGCM(key)

    @staticmethod
    def _aad(expert_id: str) -> bytes:
        return b"reviewer pin.changed v1\x00" + expert_id.encode("utf-8", "replace")

    def seal(self, expert_id: str, pin_hash: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, pin_hash.encode("utf-8"), self._aad(expert_id))
        return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, expert_id: str, sealed: str) -> str | None:
        if not isinstance(sealed, str) or not sealed.startswith(_PREFIX):
            return None
        try:
            raw = base64.b64decode(sealed[len(_PREFIX):], validate=True)
            if len(raw) <= _NONCE:
                return None
            plain = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._aad(expert_id))
            return plain.decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError, UnicodeError):
            return None
