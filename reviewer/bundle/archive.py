"""Sealing named entries into a bundle and opening it again.

The plaintext is a POSIX (pax) tar stream written straight into the encrypting writer, so no
plaintext byte ever touches the disk. Its exact length is computed from the tar headers before
anything is written, because it goes into the header: that is how a cut-short file is told
apart from a damaged one, before the passphrase.

``open_bundle`` makes one pass over the file: every chunk is read once, hashed (the file's
SHA-256) and authenticated, and the tar headers are indexed on the way; it hands out nothing
until every chunk, the last one included, is authenticated. Entry contents are not kept: each
is decrypted again, to memory only, when it is read (``OpenedBundle.entries``), so opening a
case with a gigabyte of materials costs a few MiB, whatever the size of the materials.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tarfile
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Final, cast

from reviewer.bundle.crypto import (
    ChunkFile,
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
_COPY_SIZE = 64 * 1024  # as shutil copies; the writer gathers whole chunks

# the two entries every bundle holds beside its materials
CASE_ENTRY = "case.json"
PANEL_ENTRY = "panel.toml"


class BundleEntries(Mapping[str, bytes]):
    """The entries of an authenticated bundle, by name, in the order they were sealed.

    Reading one decrypts just its chunks from the open file (memory only; nothing is kept), so
    the whole content never has to be in memory at once. A bundle changed in place after it
    was opened raises ``CorruptedBundleError`` on the read.
    """

    def __init__(self, chunks: ChunkFile, index: dict[str, tuple[int, int]]) -> None:
        self._chunks = chunks
        self._index = index

    def __getitem__(self, name: str) -> bytes:
        offset, size = self._index[name]
        return self._chunks.read_at(offset, size)

    def __contains__(self, name: object) -> bool:
        return name in self._index  # Mapping's default would decrypt the entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def size_of(self, name: str) -> int:
        """The entry's length in bytes, without decrypting it."""
        return self._index[name][1]


@dataclass(frozen=True)
class OpenedBundle:
    """An authenticated bundle's contents, decrypted on demand to memory only."""

    header: BundleHeader
    entries: Mapping[str, bytes] = field(repr=False)
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
        _write_tar(writer, members, content_size)
        writer.finish()
    return digest.hexdigest()


def _write_tar(writer: ChunkWriter, members: list[tuple[tarfile.TarInfo, BinaryIO]],
               content_size: int) -> None:
    """The bytes ``tarfile`` writes in "w|" mode (pax header, data, NUL padding to a block,
    two NUL blocks, NUL fill to a record), copied 64 KiB at a time."""
    written = 0
    for info, stream in members:
        head = info.tobuf(_TAR_FORMAT, _TAR_ENCODING, _TAR_ERRORS)
        writer.write(head)
        left = info.size
        while left > 0:
            data = stream.read(min(left, _COPY_SIZE))
            if not data:
                raise OSError(f"entry {info.name!r} ended {left} bytes early")
            writer.write(data)
            left -= len(data)
        padding = -info.size % tarfile.BLOCKSIZE
        writer.write(tarfile.NUL * padding)
        written += len(head) + info.size + padding
    writer.write(tarfile.NUL * (content_size - written))


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
    fd = os.dup(stream.fileno())
    try:
        chunks = ChunkFile(fd, key, header, name, digest.update)
        index = _index_entries(chunks, name)
        chunks.finish_pass()
    except BaseException:
        os.close(fd)
        raise
    entries = BundleEntries(chunks, index)
    weakref.finalize(entries, os.close, fd)
    return OpenedBundle(header, entries, digest.hexdigest(), master)


class _Plaintext(io.RawIOBase):
    """The decrypted tar stream as a seekable file, for ``tarfile``'s random-access mode: it
    reads the headers and seeks over the data, so the pass never copies entry contents."""

    def __init__(self, chunks: ChunkFile) -> None:
        super().__init__()
        self._chunks = chunks
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._chunks.size}
        self._position = max(0, base[whence] + offset)
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._chunks.size - self._position
        data = self._chunks.read_at(self._position, size)
        self._position += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _index_entries(chunks: ChunkFile, name: str) -> dict[str, tuple[int, int]]:
    """Entry name → (offset, size) in the plaintext; only regular files, each name once."""
    index: dict[str, tuple[int, int]] = {}
    try:
        with tarfile.open(fileobj=cast(BinaryIO, _Plaintext(chunks)), mode="r:",
                          encoding=_TAR_ENCODING, errors=_TAR_ERRORS) as tar:
            for member in tar:
                if (not member.isfile() or member.name in index
                        or member.offset_data + member.size > chunks.size):
                    raise CorruptedBundleError("bundle.bad_content", path=name)
                index[member.name] = (member.offset_data, member.size)
    except tarfile.TarError:
        # Authenticated yet not a tar stream: written by something other than ``seal``. Any
        # damage further on is the better answer, so the pass is finished first.
        chunks.finish_pass()
        raise CorruptedBundleError("bundle.bad_content", path=name) from None
    return index


def file_sha256(path: Path) -> str:
    """The hash the session database and the results PDF bind to."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
