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


class Argon2PinHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

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
