"""Issuing the signed results: refuse while the review is not final, render, sign, record.

One function for the command line and the terminal application alike, so the refusals and
the audit event cannot differ between them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer.domain.errors import DomainError
from reviewer.domain.results import export_blockers
from reviewer.i18n import t
from reviewer.pdf.assemble import report_data
from reviewer.pdf.errors import PdfError
from reviewer.pdf.files import write_atomically
from reviewer.pdf.keys import SignerIdentity
from reviewer.pdf.report import render_results_bytes
from reviewer.pdf.signing import sign_bytes
from reviewer.session import Session


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


def export_signed_results(session: Session, out_path: Path, identity: SignerIdentity, *,
                          font_path: str | None = None, reason: str | None = None,
                          location: str = "云南省昆明市",
                          progress: Callable[[float, str], None] | None = None) -> ExportInfo:
    session.require_intact()  # nothing is signed from a chain that does not verify (exit 31)
    blockers = export_blockers(session.review)
    if blockers:
        raise ExportRefused("cli.export_refused",
                            reasons="\n  ".join(b.render() for b in blockers))
    started = time.monotonic()
    if not out_path.resolve().parent.is_dir():  # before the work, not after it
        raise PdfError("pdf.file.dir_missing", path=str(out_path.resolve().parent))
    data = report_data(session.review, session.bundle_sha256)
    # Rendered and signed in memory: the only bytes that reach the disk are the signed ones,
    # written in one step (no unsigned copy of the report ever exists as a file, issue 9).
    info = render_results_bytes(data, font_path=font_path, progress=progress)
    signed = sign_bytes(info.pdf, identity, reason=reason or t("cli.sign_reason_export"),
                        location=location)
    write_atomically(out_path, signed.pdf)
    digest = hashlib.sha256(signed.pdf).hexdigest()
    session.run(lambda r: r.record_export(digest, info.pages))
    return ExportInfo(out_path, info.pages, len(signed.pdf), time.monotonic() - started,
                      signed.signer, signed.fingerprint, digest, tuple(info.warnings))
