"""Rendering and signing the results PDF from a snapshot of the review, in memory.

The use case (refuse while not final, snapshot, record the export in the audit chain, write
the file) lives in ``reviewer.services.documents``; this module only turns the snapshot
(``ReportData``) into signed bytes and knows nothing of the session, so the slow part runs
outside its lock. Rendered and signed in memory: the only bytes that ever reach the disk are
the signed ones, written in one step (no unsigned copy of the report exists as a file, issue 9).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer.domain.errors import DomainError
from reviewer.pdf.keys import SignerIdentity
from reviewer.pdf.model import ReportData
from reviewer.pdf.report import render_results_bytes
from reviewer.pdf.signing import sign_bytes


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


@dataclass(frozen=True)
class SignedReport:
    """The signed results, not yet written anywhere."""

    pdf: bytes
    pages: int
    sha256: str
    signer: str
    fingerprint: str
    seconds: float
    warnings: tuple[str, ...]

    def info(self, path: Path) -> ExportInfo:
        return ExportInfo(path, self.pages, len(self.pdf), self.seconds, self.signer,
                          self.fingerprint, self.sha256, self.warnings)


def render_and_sign(data: ReportData, identity: SignerIdentity, *, reason: str, location: str,
                    font_path: str | None = None,
                    progress: Callable[[float, str], None] | None = None) -> SignedReport:
    """Render ``data`` (always in Chinese) and sign it, all in memory."""
    started = time.monotonic()
    info = render_results_bytes(data, font_path=font_path, progress=progress, lang="zh")
    signed = sign_bytes(info.pdf, identity, reason=reason, location=location)
    return SignedReport(signed.pdf, info.pages, hashlib.sha256(signed.pdf).hexdigest(),
                        signed.signer, signed.fingerprint, time.monotonic() - started,
                        tuple(info.warnings))
