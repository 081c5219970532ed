"""Keys and the chunked AEAD stream of a bundle.

Argon2id turns the passphrase into a master secret; HKDF-SHA256 splits it into the AES-256-GCM
key and a key-check value stored in the header (so a wrong passphrase is told apart from a
damaged chunk). The content is cut into chunks of ``chunk_size`` plaintext bytes and sealed
with the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): the nonce of chunk i
is ``nonce_prefix || i`` and its associated data ``SHA-256(envelope) || i || last``, so a
changed header, a reordered, dropped or repeated chunk, a cut at a chunk boundary and an
appended chunk all fail authentication. The key is fresh for every file (random salt), and
the nonce prefix is random as well.
"""

from __future__ import annotations

import hmac
import os
import struct
import unicodedata
from collections.abc import Callable
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from reviewer.bundle.errors import (
    CorruptedBundleError,
    TruncatedBundleError,
    WrongPassphraseError,
)
from reviewer.bundle.header import (
    ARGON2_VERSION,
    KEY_CHECK_LENGTH,
    KEY_LENGTH,
    TAG_LENGTH,
    BundleHeader,
    KdfParams,
    io_error,
)

_AEAD_INFO = b"reviewer bundle v1: AES-256-GCM content key"
_CHECK_INFO = b"reviewer bundle v1: passphrase check"
_AAD_TAIL = struct.Struct(">QB")


def master_secret(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    """Argon2id of the NFC-normalised passphrase (the same 汉字 typed on any system)."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(secret, salt, time_cost=kdf.time_cost, memory_cost=kdf.memory_cost,
                           parallelism=kdf.parallelism, hash_len=KEY_LENGTH, type=Type.ID,
                           version=ARGON2_VERSION)


def _hkdf(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


def derive_keys(master: bytes) -> tuple[bytes, bytes]:
    """(AEAD key, key-check value): separate keys, so the check value reveals nothing of the
    content key."""
    return _hkdf(master, _AEAD_INFO, KEY_LENGTH), _hkdf(master, _CHECK_INFO, KEY_CHECK_LENGTH)


def unlock_master(header: BundleHeader, passphrase: str, name: str) -> bytes:
    """The master secret, or ``WrongPassphraseError`` when the header's check value differs.

    A limit worth knowing: the salt, the KDF parameters and the check value are inputs of the
    very derivation that tells a right passphrase from a wrong one, so an edit of one of them
    (with the public digest recomputed) cannot be told apart from a wrong passphrase by any
    construction that costs one Argon2id run; it reads as exit 12. Every other header field
    is authenticated — the AEAD's associated data starts with the envelope digest — and reads
    as tampered (13); KDF costs outside the documented bounds are refused (13) before any
    derivation (``KdfParams.is_sane``)."""
    master = master_secret(passphrase, header.kdf, header.salt)
    _, check = derive_keys(master)
    if not hmac.compare_digest(check, header.key_check):
        raise WrongPassphraseError("bundle.wrong_passphrase", path=name)
    return master


def unlock_key(header: BundleHeader, passphrase: str, name: str) -> bytes:
    """The content key, or ``WrongPassphraseError`` when the header's check value differs."""
    return derive_keys(unlock_master(header, passphrase, name))[0]


def subkey(master: bytes, label: str) -> bytes:
    """A 32-byte key for one purpose outside the bundle (e.g. the session's audit chain):
    HKDF with its own label, so no two purposes ever share a key and none reveals the
    content key. Never stored; re-derived whenever the bundle is opened."""
    if not label:
        raise ValueError("a subkey needs a label")
    return _hkdf(master, b"reviewer subkey v1: " + label.encode("utf-8"), KEY_LENGTH)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _aad(digest: bytes, index: int, last: bool) -> bytes:
    return digest + _AAD_TAIL.pack(index, 1 if last else 0)


class ChunkWriter:
    """A write-only file object that encrypts the plaintext a chunk at a time.

    A full chunk is held back until more data arrives, so whichever chunk turns out to be the
    last one (possibly full, possibly empty) is the one sealed with the "last" flag.
    """

    def __init__(self, sink: Callable[[bytes], object], key: bytes, nonce_prefix: bytes,
                 digest: bytes, chunk_size: int, total: int,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self._sink = sink
        self._aead = AESGCM(key)
        self._prefix = nonce_prefix
        self._digest = digest
        self._chunk_size = chunk_size
        self._total = total
        self._progress = progress
        self._buffer = bytearray()
        self._index = 0
        self._done = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        while len(self._buffer) > self._chunk_size:
            chunk = bytes(self._buffer[: self._chunk_size])
            del self._buffer[: self._chunk_size]
            self._seal(chunk, last=False)
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        if self._done != self._total:
            raise RuntimeError(f"bundle content is {self._done} bytes, header says {self._total}")

    def _seal(self, chunk: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index)
        self._sink(self._aead.encrypt(nonce, chunk, _aad(self._digest, self._index, last)))
        self._index += 1
        self._done += len(chunk)
        if self._progress is not None:
            self._progress(self._done, self._total)


class ChunkFile:
    """Random access to the decrypted content of an open bundle file, a chunk at a time.

    The first time the chunks are read, it is one pass in order: every chunk not yet seen up
    to the one asked for is read, handed to ``on_bytes`` (the file's digest) and authenticated,
    so indexing the tar stream while authenticating decrypts each chunk once. Later reads (a
    material opened on demand) decrypt just the chunks they need, with ``os.pread`` on a
    descriptor held open since the bundle was authenticated (a file renamed over it meanwhile
    is not what is read). GCM checks the tag on every decryption, so bytes changed in place
    after the pass read as ``CorruptedBundleError``, never as content. Only the last chunk
    read is kept, and only in memory.
    """

    def __init__(self, fd: int, key: bytes, header: BundleHeader, name: str,
                 on_bytes: Callable[[bytes], object]) -> None:
        self._fd = fd
        self._aead = AESGCM(key)
        self._header = header
        self._name = name
        self._on_bytes = on_bytes
        self._next = 0  # the first chunk the pass has not authenticated yet
        self._cached: tuple[int, bytes] = (-1, b"")

    @property
    def size(self) -> int:
        return self._header.content_size

    def finish_pass(self) -> None:
        """Authenticate every chunk the pass has not reached yet."""
        if self._next < self._header.chunk_count:
            self.chunk(self._header.chunk_count - 1)

    def chunk(self, index: int) -> bytes:
        """The plaintext of chunk ``index`` (authenticated)."""
        cached_index, cached = self._cached
        if cached_index == index:
            return cached
        if index >= self._next:
            plain = b""
            for ahead in range(self._next, index + 1):
                sealed = self._read_sealed(ahead)
                self._on_bytes(sealed)
                plain = self._decrypt(ahead, sealed)
                self._next = ahead + 1
        else:
            plain = self._decrypt(index, self._read_sealed(index))
        self._cached = (index, plain)
        return plain

    def read_at(self, offset: int, size: int) -> bytes:
        """``size`` plaintext bytes from ``offset`` (fewer only at the end of the content)."""
        size = max(0, min(size, self.size - offset))
        chunk_size = self._header.chunk_size
        parts: list[bytes] = []
        while size > 0:
            index, start = divmod(offset, chunk_size)
            piece = self.chunk(index)[start:start + size]
            if not piece:
                break
            parts.append(piece)
            offset += len(piece)
            size -= len(piece)
        return b"".join(parts)

    def _read_sealed(self, index: int) -> bytes:
        header = self._header
        last = index == header.chunk_count - 1
        plain = header.content_size - index * header.chunk_size if last else header.chunk_size
        wanted = plain + TAG_LENGTH
        position = header.data_offset + index * (header.chunk_size + TAG_LENGTH)
        try:
            sealed = os.pread(self._fd, wanted, position)
        except OSError as err:
            raise io_error("bundle.unreadable", Path(self._name), err) from None
        if len(sealed) < wanted:
            raise TruncatedBundleError("bundle.truncated", path=self._name)
        return sealed

    def _decrypt(self, index: int, sealed: bytes) -> bytes:
        header = self._header
        last = index == header.chunk_count - 1
        try:
            return self._aead.decrypt(_nonce(header.nonce_prefix, index), sealed,
                                      _aad(header.digest, index, last))
        except InvalidTag:
            raise CorruptedBundleError("bundle.corrupted_content", path=self._name,
                                       chunk=index + 1, chunks=header.chunk_count) from None
