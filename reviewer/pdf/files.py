"""Atomic output and the document language, shared by every writer of this package.

A results PDF is either complete or absent: a half-written file that a signer might sign, or
a reader might take for the whole, must never exist under the target name. Nothing unsigned
ever reaches the disk either: every writer renders and signs in memory and hands the final
bytes to ``write_atomically``.

On Linux the bytes go into an anonymous ``O_TMPFILE`` inode in the target's folder, which has
no name until it is linked in whole: a process killed at any moment (SIGKILL included) leaves
either the old file or the new one and no temporary file at all. Where ``O_TMPFILE`` is not
available a ``0600`` temporary file beside the target is used and removed on every error path;
one left by a kill holds only final bytes, and the next write to that target removes it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewer.i18n import locale_override
from reviewer.pdf.errors import PdfError

TEMP_MARK = ".partial-"  # every temporary name this module creates contains it


def _temp_prefix(target: Path) -> str:
    return f".{target.name}{TEMP_MARK}"


def leftover_temporaries(target: Path) -> list[Path]:
    """Temporary files of earlier writes to ``target`` that a kill left behind."""
    prefix = _temp_prefix(target)
    try:
        return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefix))
    except OSError:
        return []


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _write_via_tmpfile(target: Path, data: bytes) -> bool:
    """Linux: write an unnamed inode, then give it a name. False if unsupported here."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(target.parent, flag | os.O_WRONLY, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return False
        raise
    proc = -1
    try:
        os.fchmod(fd, 0o600)
        _write_all(fd, data)
        # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N names the inode (open(2), O_TMPFILE).
        # Python 3.11's os.link calls plain link() unless a dir fd is given, hence src_dir_fd.
        proc = os.open("/proc/self/fd", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))

        def name_it(path: Path) -> None:
            os.link(str(fd), path, src_dir_fd=proc, follow_symlinks=True)

        try:
            name_it(target)  # atomic; fails if the target exists
        except FileExistsError:
            # Replacing an older file: name the complete inode, then rename it over the old.
            temp = target.parent / f"{_temp_prefix(target)}{secrets.token_hex(6)}"
            name_it(temp)
            try:
                os.replace(temp, target)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
    except OSError as exc:
        if exc.errno in (errno.EXDEV, errno.EPERM, errno.ENOENT, errno.EOPNOTSUPP):
            return False  # no such linking here: the caller writes a named temporary instead
        raise
    finally:
        os.close(fd)
        if proc >= 0:
            os.close(proc)
    return True


def _write_via_named_temp(target: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target))  # 0600
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` by ``data`` in one step, durable once this returns."""
    target = Path(target)
    if not target.parent.is_dir():
        raise PdfError("pdf.file.dir_missing", path=str(target.parent))
    for stale in leftover_temporaries(target):
        with contextlib.suppress(OSError):
            stale.unlink()
    try:
        if not _write_via_tmpfile(target, data):
            _write_via_named_temp(target, data)
    except OSError as exc:
        # the partial bytes are gone already (an unnamed inode, or a temporary removed above)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise PdfError("pdf.file.disk_full", path=str(target)) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise PdfError("pdf.file.read_only", path=str(target)) from exc
        raise PdfError("pdf.file.unwritable", path=str(target),
                       problem=exc.strerror or str(exc)) from exc
    _fsync_dir(target.parent)


@contextmanager
def document_language(lang: str) -> Iterator[None]:
    """Render the document in ``lang`` (Chinese by default) whatever the user's UI language."""
    with locale_override(lang):  # this thread only: the UI keeps the user's language
        yield
