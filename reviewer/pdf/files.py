"""Atomic output and the document language, shared by every writer of this package.

A results PDF is either complete or absent: a half-written file that a signer might sign, or
a reader might take for the whole, must never exist under the target name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewer.i18n import locale_override
from reviewer.pdf.errors import PdfError


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only if the block succeeds."""
    if not target.parent.is_dir():
        raise PdfError("pdf.file.dir_missing", path=str(target.parent))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".pdf")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def document_language(lang: str) -> Iterator[None]:
    """Render the document in ``lang`` (Chinese by default) whatever the user's UI language."""
    with locale_override(lang):  # this thread only: the UI keeps the user's language
        yield
