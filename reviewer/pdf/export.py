"""Rendering and signing the results PDF from a snapshot of the review.

The use case (refuse while not final, snapshot, record the export in the audit chain) lives
in ``reviewer.services.documents``; this module only turns the snapshot (``ReportData``) into
a signed file and knows nothing of the session, so the slow part runs outside its lock.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer.domain.errors import DomainError
from reviewer.pdf.keys import SignerIdentity
from reviewer.pdf.model import ReportData
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.signing import sign_pdf


class ExportRefused(DomainError):
    exit_code = 1


@dataclass(frozen=True)
class ExportInfo:
    path: Path
    pages: int
    size_bytes: int
    seconds: float
    signer: str
    fingerprint: str
    sha256: str
    warnings: tuple[str, ...]


def render_and_sign(data: ReportData, out_path: Path, identity: SignerIdentity, *,
                    reason: str, location: str, font_path: str | None = None,
                    progress: Callable[[float, str], None] | None = None) -> ExportInfo:
    """Render ``data`` (always in Chinese) and sign it into ``out_path`` (atomically)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=out_path.resolve().parent) as scratch:
        unsigned = Path(scratch) / "unsigned.pdf"
        info = render_results_pdf(data, unsigned, font_path=font_path, progress=progress,
                                  lang="zh")
        signed = sign_pdf(unsigned, out_path, identity, reason=reason, location=location)
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
    return ExportInfo(out_path, info.pages, signed.size_bytes, time.monotonic() - started,
                      signed.signer, signed.fingerprint, digest, tuple(info.warnings))
