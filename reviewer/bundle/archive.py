"""Sealing named entries into a bundle and opening it again.

The plaintext is a POSIX (pax) tar stream written straight into the encrypting writer and read
straight from the decrypting reader, so no plaintext byte ever touches the disk. Its exact
length is computed from the tar headers before anything is written, because it goes into the
header: that is how a cut-short file is told apart from a damaged one, before the passphrase.
``open_bundle`` hands out nothing until every chunk, the last one included, is authenticated.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Final, cast

from reviewer.bundle.crypto import (
    ChunkReader,
    ChunkWriter,
    derive_keys,
    master_secret,
    subkey,
    unlock_master,
)
from reviewer.bundle.errors import CorruptedBundleError, TruncatedBundleError
from reviewer.bundle.header import (
    DEFAULT_CHUNK_SIZE,
    DIGEST_LENGTH,
    INFO_KEYS,
    MAX_CHUNK_SIZE,
    MIN_CHUNK_SIZE,
    NONCE_PREFIX_LENGTH,
    SALT_LENGTH,
    BundleHeader,
    KdfParams,
    encode_envelope,
    header_fields,
    io_error,
    read_envelope,
)

Entry = tuple[str, bytes | BinaryIO]
_TAR_FORMAT: Final = tarfile.PAX_FORMAT
_TAR_ENCODING = "utf-8"
_TAR_ERRORS = "surrogateescape"
# Stream modes ("w|", "r|") only ever call ``write`` / ``read`` on the chunk writer / reader.


@dataclass(frozen=True)
class OpenedBundle:
    """An authenticated bundle's contents, in memory only."""

    header: BundleHeader
    entries: dict[str, bytes] = field(repr=False)
    sha256: str
    master: bytes = field(repr=False, default=b"")

    def derive_key(self, label: str) -> bytes:
        """A key for ``label`` (see ``crypto.subkey``), bound to this bundle's passphrase."""
        return subkey(self.master, label)


def _source_size(source: BinaryIO) -> tuple[BinaryIO, int]:
    """The bytes left in ``source``; a stream that cannot seek is read into memory."""
    if source.seekable():
        start = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(start)
        return source, end - start
    data = source.read()
    return io.BytesIO(data), len(data)


def _members(entries: Iterable[Entry]) -> list[tuple[tarfile.TarInfo, BinaryIO]]:
    members: list[tuple[tarfile.TarInfo, BinaryIO]] = []
    seen: set[str] = set()
    for name, source in entries:
        if (not isinstance(name, str) or not name or "\x00" in name or name.endswith("/")
                or name in seen):
            raise ValueError(f"bad or repeated bundle entry name: {name!r}")
        seen.add(name)
        stream: BinaryIO
        if isinstance(source, bytes | bytearray | memoryview):
            stream, size = io.BytesIO(source), memoryview(source).nbytes
        else:
            stream, size = _source_size(source)
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, 0
        members.append((info, stream))
    return members


def _tar_size(members: list[tuple[tarfile.TarInfo, BinaryIO]]) -> int:
    """What ``tarfile`` will write for these members (headers, padded data, end, record fill)."""
    size = 0
    for info, _ in members:
        size += len(info.tobuf(_TAR_FORMAT, _TAR_ENCODING, _TAR_ERRORS))
        size += -(-info.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE
    size += 2 * tarfile.BLOCKSIZE
    return -(-size // tarfile.RECORDSIZE) * tarfile.RECORDSIZE


def _check_arguments(passphrase: str, header_info: dict[str, str], kdf: KdfParams,
                     chunk_size: int) -> None:
    if not passphrase:
        raise ValueError("an empty passphrase cannot seal a bundle")
    unknown = set(header_info) - set(INFO_KEYS)
    if unknown or not all(isinstance(v, str) for v in header_info.values()):
        # The header is readable without the passphrase: only identifiers belong there.
        raise ValueError(f"header_info may only hold strings under {INFO_KEYS}: {unknown}")
    if not kdf.is_sane():
        raise ValueError(f"unusable Argon2id parameters: {kdf}")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk size out of range: {chunk_size}")


def seal(entries: Iterable[Entry], out_path: Path, passphrase: str, *,
         header_info: dict[str, str], kdf: KdfParams | None = None,
         progress: Callable[[int, int], None] | None = None,
         chunk_size: int = DEFAULT_CHUNK_SIZE) -> str:
    """Write the bundle atomically (temp file beside it, then rename); return its SHA-256."""
    kdf = kdf or KdfParams()
    _check_arguments(passphrase, header_info, kdf, chunk_size)
    members = _members(entries)
    content_size = _tar_size(members)
    salt, nonce_prefix = os.urandom(SALT_LENGTH), os.urandom(NONCE_PREFIX_LENGTH)
    key, key_check = derive_keys(master_secret(passphrase, kdf, salt))
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    envelope = encode_envelope(header_fields(
        kdf=kdf, salt=salt, chunk_size=chunk_size, content_size=content_size,
        nonce_prefix=nonce_prefix, key_check=key_check, created=created, info=header_info))
    out_path = Path(out_path)
    digest = hashlib.sha256()
    with _atomic_output(out_path) as out:

        def sink(data: bytes) -> None:
            try:
                out.write(data)
            except OSError as err:
                raise io_error("bundle.write_failed", out_path, err) from None
            digest.update(data)

        sink(envelope)
        if progress is not None:
            progress(0, content_size)
        writer = ChunkWriter(sink, key, nonce_prefix, envelope[-DIGEST_LENGTH:], chunk_size,
                             content_size, progress)
        with tarfile.open(fileobj=cast(BinaryIO, writer), mode="w|", format=_TAR_FORMAT,
                          encoding=_TAR_ENCODING, errors=_TAR_ERRORS) as tar:
            for info, stream in members:
                tar.addfile(info, stream)
        writer.finish()
    return digest.hexdigest()


@contextlib.contextmanager
def _atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A temp file beside ``path`` that replaces it only once fully written and synced."""
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise io_error("bundle.write_failed", path, err) from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            try:
                out.flush()
                os.fsync(out.fileno())
            except OSError as err:
                raise io_error("bundle.write_failed", path, err) from None
        try:
            os.replace(temp_name, path)
        except OSError as err:
            raise io_error("bundle.write_failed", path, err) from None
    except BaseException:
        # Whatever went wrong (a source that cannot be read, Ctrl-C): no half-written file.
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def open_bundle(path: Path, passphrase: str) -> OpenedBundle:
    """Authenticate the whole file and return its entries; raise, with nothing, otherwise."""
    name = str(path)
    try:
        with open(path, "rb") as stream:
            return _open_stream(stream, name, passphrase)
    except FileNotFoundError:
        raise
    except OSError as err:
        raise io_error("bundle.unreadable", Path(path), err) from None


def _open_stream(stream: BinaryIO, name: str, passphrase: str) -> OpenedBundle:
    header, envelope = read_envelope(stream, name)
    actual = os.fstat(stream.fileno()).st_size
    if actual < header.file_size:
        raise TruncatedBundleError("bundle.truncated", path=name)
    if actual > header.file_size:
        raise CorruptedBundleError("bundle.trailing_data", path=name)
    master = unlock_master(header, passphrase, name)
    key = derive_keys(master)[0]
    digest = hashlib.sha256(envelope)
    reader = ChunkReader(stream, key, header, name, digest.update)
    entries: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=cast(BinaryIO, reader), mode="r|", encoding=_TAR_ENCODING,
                          errors=_TAR_ERRORS) as tar:
            for member in tar:
                source = tar.extractfile(member) if member.isfile() else None
                if source is None or member.name in entries:
                    raise CorruptedBundleError("bundle.bad_content", path=name)
                entries[member.name] = source.read()
    except tarfile.TarError:
        # Authenticated yet not a tar stream: written by something other than ``seal``.
        raise CorruptedBundleError("bundle.bad_content", path=name) from None
    reader.finish()
    return OpenedBundle(header, entries, digest.hexdigest(), master)


def file_sha256(path: Path) -> str:
    """The hash the session database and the results PDF bind to."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
