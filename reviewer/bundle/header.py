"""The readable part of a ``.rvb`` file: a fixed envelope around a canonical JSON header.

Layout (all integers big-endian)::

    offset 0   magic  b"RVB\\x00"                      4 bytes
           4   format version                         u16
           6   header length L                        u32
          10   CRC-32 of bytes 0..9 (with the magic)  u32
          14   header: canonical JSON, UTF-8          L bytes
        14+L   SHA-256 of bytes 0..14+L-1             32 bytes
        46+L   encrypted chunks (see ``reviewer.bundle.crypto``)

The envelope (everything up to the chunks) is the same in every format version, so a newer
file is recognised as such and not as damage. The CRC tells a damaged prefix (even a damaged
magic) from a file cut short; the SHA-256 tells a damaged header apart before any passphrase
is asked, so one flipped bit anywhere in the header reads as "corrupted", never as "wrong
passphrase". Neither is a defence against deliberate change: that is the AEAD's job, whose
associated data for every chunk starts with this very SHA-256. The header holds parameters
only, never application content: it is readable without the passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from reviewer.bundle.errors import (
    BundleIOError,
    CorruptedBundleError,
    FutureVersionError,
    NotABundleError,
    TruncatedBundleError,
)

MAGIC = b"RVB\x00"
FORMAT_VERSION = 1
CIPHER = "AES-256-GCM"
CONTAINER = "tar/pax"
KDF_NAME = "argon2id"
ARGON2_VERSION = 19
KEY_LENGTH = 32
SALT_LENGTH = 16
NONCE_PREFIX_LENGTH = 8
KEY_CHECK_LENGTH = 32
TAG_LENGTH = 16
DEFAULT_CHUNK_SIZE = 1024 * 1024
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
MAX_HEADER_LENGTH = 64 * 1024
INFO_KEYS = ("case_id", "measure")
# Argon2id bounds a bundle may ask for: RFC 9106's recommendations sit well inside them
# (t=1..3, 64 MiB..2 GiB is the RFC's range; one review terminal is given at most 1 GiB).
MAX_TIME_COST = 10
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_PARALLELISM = 16

_PREFIX = struct.Struct(">4sHI")
_CRC = struct.Struct(">I")
PREFIX_LENGTH = _PREFIX.size + _CRC.size
DIGEST_LENGTH = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; the defaults are RFC 9106's second recommended option (64 MiB)."""

    time_cost: int = 3
    memory_cost: int = 64 * 1024  # KiB
    parallelism: int = 4

    def is_sane(self) -> bool:
        """The documented bounds (``MAX_TIME_COST``, ``MAX_MEMORY_KIB``, ``MAX_PARALLELISM``):
        checked before any key derivation, so a crafted header cannot tie up a terminal with
        absurd time or memory (the header is readable — and writable — by anybody)."""
        return (1 <= self.time_cost <= MAX_TIME_COST and 1 <= self.parallelism <= MAX_PARALLELISM
                and 8 * self.parallelism <= self.memory_cost <= MAX_MEMORY_KIB)


@dataclass(frozen=True)
class BundleHeader:
    """What anybody can read from a bundle without the passphrase (not yet authenticated)."""

    format_version: int
    kdf: KdfParams
    salt: bytes
    cipher: str
    chunk_size: int
    content_size: int
    nonce_prefix: bytes
    key_check: bytes
    created: str
    info: dict[str, str] = field(default_factory=dict)
    digest: bytes = b""  # SHA-256 of the envelope: the start of every chunk's associated data
    data_offset: int = 0

    @property
    def case_id(self) -> str:
        return self.info.get("case_id", "")

    @property
    def measure(self) -> str:
        return self.info.get("measure", "")

    @property
    def chunk_count(self) -> int:
        return max(1, -(-self.content_size // self.chunk_size))

    @property
    def file_size(self) -> int:
        """The exact length of an intact file, known before decrypting anything."""
        return self.data_offset + self.content_size + TAG_LENGTH * self.chunk_count

    def to_dict(self) -> dict[str, Any]:
        """The fields worth showing (``reviewer inspect``); secrets-free by construction."""
        return {
            "format_version": self.format_version,
            "case_id": self.case_id,
            "measure": self.measure,
            "created": self.created,
            "cipher": self.cipher,
            "chunk_size": self.chunk_size,
            "content_bytes": self.content_size,
            "kdf": {"algorithm": KDF_NAME, "time_cost": self.kdf.time_cost,
                    "memory_cost_kib": self.kdf.memory_cost,
                    "parallelism": self.kdf.parallelism},
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def header_fields(*, kdf: KdfParams, salt: bytes, chunk_size: int, content_size: int,
                  nonce_prefix: bytes, key_check: bytes, created: str,
                  info: dict[str, str]) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "cipher": CIPHER,
        "container": CONTAINER,
        "chunk_size": chunk_size,
        "content_size": content_size,
        "nonce_prefix": _b64(nonce_prefix),
        "key_check": _b64(key_check),
        "created": created,
        "kdf": {"algorithm": KDF_NAME, "version": ARGON2_VERSION,
                "time_cost": kdf.time_cost, "memory_cost": kdf.memory_cost,
                "parallelism": kdf.parallelism, "salt": _b64(salt), "key_length": KEY_LENGTH},
        **info,
    }


def encode_envelope(fields: dict[str, Any], version: int = FORMAT_VERSION) -> bytes:
    """Prefix, canonical JSON and digest: the exact bytes that start the file."""
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
    prefix = _PREFIX.pack(MAGIC, version, len(body))
    head = prefix + _CRC.pack(zlib.crc32(prefix)) + body
    return head + hashlib.sha256(head).digest()


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            break
        data += more
    return data


def read_envelope(stream: BinaryIO, name: str) -> tuple[BundleHeader, bytes]:
    """Parse and check the envelope at the start of ``stream``; return it with its raw bytes."""
    prefix = _read_exact(stream, PREFIX_LENGTH)
    if len(prefix) < PREFIX_LENGTH:
        if prefix.startswith(MAGIC) or MAGIC.startswith(prefix):
            raise TruncatedBundleError("bundle.truncated", path=name)
        raise NotABundleError("bundle.not_a_bundle", path=name)
    magic, version, length = _PREFIX.unpack(prefix[: _PREFIX.size])
    (crc,) = _CRC.unpack(prefix[_PREFIX.size:])
    canonical = MAGIC + prefix[len(MAGIC): _PREFIX.size]
    if zlib.crc32(canonical) != crc:
        if magic != MAGIC:
            raise NotABundleError("bundle.not_a_bundle", path=name)
        raise CorruptedBundleError("bundle.corrupted_header", path=name)
    if magic != MAGIC or length > MAX_HEADER_LENGTH:
        raise CorruptedBundleError("bundle.corrupted_header", path=name)
    rest = _read_exact(stream, length + DIGEST_LENGTH)
    if len(rest) < length + DIGEST_LENGTH:
        raise TruncatedBundleError("bundle.truncated", path=name)
    body, digest = rest[:length], rest[length:]
    if hashlib.sha256(prefix + body).digest() != digest:
        raise CorruptedBundleError("bundle.corrupted_header", path=name)
    if version > FORMAT_VERSION:
        raise FutureVersionError("bundle.future_version", path=name, version=version,
                                 supported=FORMAT_VERSION)
    header = _parse_body(body, version, name, digest, PREFIX_LENGTH + len(rest))
    return header, prefix + rest


def _parse_body(body: bytes, version: int, name: str, digest: bytes,
                data_offset: int) -> BundleHeader:
    """Strict: an intact digest over nonsense means a writer bug or a crafted file."""
    try:
        fields = json.loads(body.decode("utf-8"))
        kdf_fields = fields["kdf"]
        kdf = KdfParams(_int(kdf_fields["time_cost"]), _int(kdf_fields["memory_cost"]),
                        _int(kdf_fields["parallelism"]))
        salt = base64.b64decode(kdf_fields["salt"], validate=True)
        header = BundleHeader(
            format_version=_int(fields["format"]),
            kdf=kdf,
            salt=salt,
            cipher=fields["cipher"],
            chunk_size=_int(fields["chunk_size"]),
            content_size=_int(fields["content_size"]),
            nonce_prefix=base64.b64decode(fields["nonce_prefix"], validate=True),
            key_check=base64.b64decode(fields["key_check"], validate=True),
            created=str(fields["created"]),
            info={key: str(fields[key]) for key in INFO_KEYS if key in fields},
            digest=digest,
            data_offset=data_offset,
        )
        valid = (header.format_version == version == FORMAT_VERSION
                 and header.cipher == CIPHER and fields["container"] == CONTAINER
                 and kdf_fields["algorithm"] == KDF_NAME
                 and kdf_fields["version"] == ARGON2_VERSION
                 and kdf_fields["key_length"] == KEY_LENGTH
                 and len(salt) == SALT_LENGTH
                 and len(header.nonce_prefix) == NONCE_PREFIX_LENGTH
                 and len(header.key_check) == KEY_CHECK_LENGTH
                 and MIN_CHUNK_SIZE <= header.chunk_size <= MAX_CHUNK_SIZE
                 and header.content_size >= 0 and header.chunk_count < 2**32)
    except (ValueError, KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise CorruptedBundleError("bundle.corrupted_header", path=name)
    if not header.kdf.is_sane():
        raise CorruptedBundleError("bundle.kdf_out_of_bounds", path=name,
                                   time_cost=header.kdf.time_cost,
                                   memory_mib=header.kdf.memory_cost // 1024,
                                   parallelism=header.kdf.parallelism, max_time=MAX_TIME_COST,
                                   max_mib=MAX_MEMORY_KIB // 1024, max_parallelism=MAX_PARALLELISM)
    return header


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(value)
    return value


def read_header(path: Path) -> BundleHeader:
    """The header, without the passphrase: checked for damage, not for authenticity."""
    try:
        with open(path, "rb") as stream:
            return read_envelope(stream, str(path))[0]
    except FileNotFoundError:
        raise
    except OSError as err:
        raise io_error("bundle.unreadable", path, err) from None


def io_error(key: str, path: Path, err: OSError) -> BundleIOError:
    return BundleIOError(key, path=str(path), reason=err.strerror or type(err).__name__)
