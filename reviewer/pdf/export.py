"""Issuing the signed results: refuse while the review is not final, render, sign, record.

One function for the command line and the terminal application alike, so the refusals and
the audit event cannot differ between them.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer.domain.errors import DomainError
from reviewer.domain.results import export_blockers
from reviewer.i18n import t
from reviewer.pdf.assemble import report_data
from reviewer.pdf.keys import SignerIdentity
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.signing import sign_pdf
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
    data = report_data(session.review, session.bundle_sha256)
    with tempfile.TemporaryDirectory(dir=out_path.resolve().parent) as scratch:
        unsigned = Path(scratch) / "unsigned.pdf"
        info = render_results_pdf(data, unsigned, font_path=font_path, progress=progress)
        signed = sign_pdf(unsigned, out_path, identity,
                          reason=reason or t("cli.sign_reason_export"), location=location)
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
    session.run(lambda r: r.record_export(digest, info.pages))
    return ExportInfo(out_path, info.pages, signed.size_bytes, time.monotonic() - started,
                      signed.signer, signed.fingerprint, digest, tuple(info.warnings))
