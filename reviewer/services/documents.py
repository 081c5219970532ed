"""The signed results PDF: export and sign, countersign, verify (with the case's own checks).

Export takes a snapshot under the session lock (the refusals, the report data, the results
head), renders and signs outside it, then records the export under the lock again, refusing
if the results changed meanwhile: the file on disk always says what the chain says.
Verification against a case checks the audit chain first: a PDF matching a tampered
database proves nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.results import export_blockers
from reviewer.domain.review import Review
from reviewer.i18n import t_in
from reviewer.services.handle import SessionHandle
from reviewer.settings import Settings

if TYPE_CHECKING:
    from reviewer.pdf.export import ExportInfo
    from reviewer.pdf.keys import SignerIdentity
    from reviewer.pdf.model import ReportData
    from reviewer.pdf.signing import SignResult
    from reviewer.pdf.verify import VerifyReport

DOCUMENT_LOCALE = "zh"  # the results PDF and its signatures are a Chinese legal record
Progress = Callable[[float, str], None]


def load_identity(settings: Settings, passphrase: str) -> SignerIdentity:
    """The signing identity named in the settings (``--p12`` or ``--key``/``--cert``)."""
    from reviewer.pdf.keys import load_pkcs12, load_signer

    if settings.p12:
        return load_pkcs12(settings.p12, passphrase)
    if not settings.key or not settings.cert:
        raise DomainError("cli.signer_missing")
    return load_signer(settings.key, settings.cert, passphrase)


def refuse_unless_exportable(handle: SessionHandle) -> None:
    """Why the results cannot be issued yet (asked before the key passphrase is)."""
    from reviewer.pdf.export import ExportRefused

    blockers = handle.read(export_blockers)
    if blockers:
        raise ExportRefused("cli.export_refused",
                            reasons="\n  ".join(b.render() for b in blockers))


@dataclass(frozen=True)
class ExportResults:
    out: Path
    identity: SignerIdentity
    reason: str | None = None  # written into the signature (default: the secretary's)
    unmask: bool = False  # full ID and phone numbers (``--unmask``), recorded with the export


@dataclass(frozen=True)
class _Snapshot:
    data: ReportData
    head: str
    exports: int  # the exports the chain held when the data was taken


def export_results(handle: SessionHandle, command: ExportResults, settings: Settings,
                   progress: Progress | None = None) -> ExportInfo:
    from reviewer.pdf.assemble import report_data
    from reviewer.pdf.errors import PdfError
    from reviewer.pdf.export import ExportRefused, render_and_sign
    from reviewer.pdf.files import write_atomically

    def snapshot() -> _Snapshot:
        handle.session.require_intact()  # nothing is signed from a broken chain (exit 31)
        refuse_unless_exportable(handle)
        session = handle.session
        return _Snapshot(report_data(session.review, session.bundle_sha256,
                                     unmask=command.unmask),
                         session.review.state.results_head,
                         len(session.review.state.exports))

    taken = handle.locked(snapshot)
    out = command.out
    if not out.resolve().parent.is_dir():  # before the work, not after it
        raise PdfError("pdf.file.dir_missing", path=str(out.resolve().parent))
    signed = render_and_sign(
        taken.data, command.identity, font_path=settings.font, progress=progress,
        reason=command.reason or t_in(DOCUMENT_LOCALE, "cli.sign_reason_export"),
        location=settings.location)

    def record(review: Review) -> list[Event]:
        if review.state.results_head != taken.head:
            raise ExportRefused("service.export_stale")
        unmasked = review.record_unmask("export") if command.unmask else []
        return unmasked + review.record_export(signed.sha256, signed.pages,
                                               exports_seen=taken.exports)

    def place() -> None:  # the file exists only when the chain records it
        handle.session.refresh()  # what other terminals decided meanwhile
        if handle.session.review.state.results_head != taken.head:
            raise ExportRefused("service.export_stale")  # nothing written
        # nothing written either: not over the file the other terminal's export recorded
        handle.session.review.require_no_export_since(taken.exports)
        write_atomically(out, signed.pdf)
        try:
            handle.run(record)  # decides again on the latest chain
        except BaseException:
            out.unlink(missing_ok=True)  # a file the chain does not record is not kept
            raise

    handle.locked(place)
    return signed.info(out)


@dataclass(frozen=True)
class Countersign:
    pdf: Path
    identity: SignerIdentity
    out: Path | None = None  # default: sign in place
    reason: str | None = None


def countersign(command: Countersign, settings: Settings) -> SignResult:
    from reviewer.pdf.signing import sign_pdf

    return sign_pdf(command.pdf, command.out or command.pdf, command.identity,
                    reason=command.reason or t_in(DOCUMENT_LOCALE, "cli.sign_reason_countersign"),
                    location=settings.location)


@dataclass(frozen=True)
class VerifyPdf:
    pdf: Path
    trust: Sequence[Path] = ()


def verify_pdf(command: VerifyPdf, case: SessionHandle | None = None) -> VerifyReport:
    """The PDF's signatures, and with ``case`` its facts against the case's own database
    (whose audit chain is checked first: ``ChainBroken``, exit 31)."""
    from reviewer.pdf.signing import verify_pdf as verify

    facts = None
    if case is not None:
        def check() -> tuple[str, str]:
            case.session.require_intact()  # ChainBroken, exit 31
            return case.session.bundle_sha256, case.session.review.state.results_head

        facts = case.locked(check)
    return verify(command.pdf, list(command.trust), case_facts=facts)
