"""Verification of the results PDF for the supervision group (第十八条), offline.

Per signature: signer, signing time, whether the signed bytes are intact, whether the signer
chains to a certificate the user trusts, and what was added after it. pyHanko's difference
analysis judges the later revisions; on top of it we require the last signature to cover the
entire file, because pdfsig (and pyHanko's own bottom line) accept e.g. an unsigned change to
the document info after signing, and that is where our integrity facts live.

The worst finding decides the exit code: no signatures (23) > broken (20) > changed after
signing (22) > untrusted signer (21) > case mismatch (24).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    KeyUsageConstraints,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from reviewer.i18n import t
from reviewer.pdf.errors import (
    EXIT_BROKEN,
    EXIT_CASE_MISMATCH,
    EXIT_MODIFIED,
    EXIT_OK,
    EXIT_UNSIGNED,
    EXIT_UNTRUSTED,
    PdfError,
)
from reviewer.pdf.keys import cert_fingerprint, load_certs
from reviewer.pdf.metadata import PdfFacts

# pyHanko logs tracebacks for rejected modifications; our report already says it.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

SEVERITY = (EXIT_UNSIGNED, EXIT_BROKEN, EXIT_MODIFIED, EXIT_UNTRUSTED, EXIT_CASE_MISMATCH)
USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                            match_all_key_usages=False)


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer: str  # subject common name
    subject: str  # full distinguished name
    fingerprint: str
    signing_time: str | None  # ISO 8601 as claimed by the signer
    intact: bool  # signed bytes unchanged and the signature value checks out
    trusted: bool
    coverage: str  # ENTIRE_FILE / ENTIRE_REVISION / …
    modification_level: str | None  # what was added after it (NONE, FORM_FILLING, OTHER, …)
    changes_after: str  # "none" | "signatures" (later signatures only) | "not_allowed"
    problem: str = ""  # rendered explanation when something is wrong

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.changes_after != "not_allowed"


@dataclass(frozen=True)
class CaseCheck:
    bundle_expected: str
    bundle_in_pdf: str
    head_expected: str
    head_in_pdf: str

    @property
    def ok(self) -> bool:
        return (self.bundle_expected.lower() == self.bundle_in_pdf.lower()
                and self.head_expected.lower() == self.head_in_pdf.lower())


@dataclass(frozen=True)
class VerifyReport:
    path: str
    signatures: tuple[SignatureReport, ...]
    facts: PdfFacts
    exit_code: int
    problems: tuple[str, ...] = ()  # every finding, rendered, worst first
    case: CaseCheck | None = None
    codes: tuple[int, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        if self.case is not None:
            data["case"]["ok"] = self.case.ok
        for sig, report in zip(data["signatures"], self.signatures, strict=True):
            sig["ok"] = report.ok
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def describe(self) -> str:
        """Human-readable verdict in the user's language, one line per fact."""
        lines = [t("pdf.verify.file", path=self.path)]
        for i, sig in enumerate(self.signatures, start=1):
            lines.append(t("pdf.verify.sig", n=i, field=sig.field_name, signer=sig.signer,
                           time=sig.signing_time or "—"))
            lines.append(t("pdf.verify.sig_fp", fingerprint=sig.fingerprint))
            lines.append(t("pdf.verify.sig_intact" if sig.intact else "pdf.verify.sig_broken"))
            lines.append(t("pdf.verify.sig_trusted" if sig.trusted else "pdf.verify.sig_untrusted"))
            lines.append(t(f"pdf.verify.after.{sig.changes_after}"))
        if self.case is not None:
            lines.append(t("pdf.verify.case_ok" if self.case.ok else "pdf.verify.case_bad"))
        lines += self.problems
        lines.append(t("pdf.verify.ok") if self.ok else t("pdf.verify.failed", code=self.exit_code))
        return "\n".join(lines)


def load_trust(paths: Sequence[str | os.PathLike[str]]) -> list[asn1_x509.Certificate]:
    """Trust anchors: self-signed personal certificates and organisation roots alike."""
    certs = []
    for path in paths:
        for cert in load_certs(path):
            der = cert.public_bytes(serialization.Encoding.DER)
            certs.append(asn1_x509.Certificate.load(der))
    return certs


def _common_name(cert: asn1_x509.Certificate) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def _level(status: Any) -> ModificationLevel | None:
    try:
        return status.modification_level
    except Exception:  # noqa: BLE001 (pyHanko may fail to classify a damaged file)
        return ModificationLevel.OTHER


async def _check(embedded: Any, context: ValidationContext, last: bool) -> SignatureReport:
    field_name = str(embedded.field_name)
    try:
        cert = embedded.signer_cert
        signer, subject, fingerprint = (_common_name(cert), cert.subject.human_friendly,
                                        cert_fingerprint(cert))
    except Exception:  # noqa: BLE001 (a mangled CMS blob has no readable certificate)
        signer = subject = fingerprint = ""
    try:
        status = await async_validate_pdf_signature(embedded, context,
                                                    key_usage_settings=USAGE)
    except Exception as exc:  # noqa: BLE001 (any failure to check means we cannot vouch)
        return SignatureReport(field_name, signer, subject, fingerprint, None, False, False,
                               "UNCLEAR", None, "not_allowed",
                               t("pdf.verify.problem.unverifiable", field=field_name,
                                 problem=str(exc)))
    level = _level(status)
    coverage = status.coverage
    intact = bool(status.intact and status.valid)
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        after = "none"
    elif (coverage == SignatureCoverageLevel.ENTIRE_REVISION and not last and status.docmdp_ok
          and level is not None and level <= ModificationLevel.FORM_FILLING):
        after = "signatures"
    else:
        after = "not_allowed"
    when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
    problem = ""
    if not intact:
        problem = t("pdf.verify.problem.broken", field=field_name)
    elif after == "not_allowed":
        problem = t("pdf.verify.problem.modified", field=field_name,
                    level=level.name if level else "?")
    elif not status.trusted:
        problem = t("pdf.verify.problem.untrusted", field=field_name, signer=signer,
                    fingerprint=fingerprint)
    return SignatureReport(field_name, signer, subject, fingerprint, when, intact,
                           bool(status.trusted), coverage.name if coverage else "UNCLEAR",
                           level.name if level else None, after, problem)


def _facts(reader: PdfFileReader, revision: int | None) -> PdfFacts:
    """Facts as of ``revision`` (e.g. what a signature covers), not as later appended."""
    handler: Any = reader if revision is None else reader.get_historical_resolver(revision)
    trailer = handler.trailer_view
    if "/Info" not in trailer:
        return PdfFacts.from_info(None)
    raw = trailer.raw_get("/Info")
    if isinstance(raw, generic.IndirectObject):
        return PdfFacts.from_info(handler.get_object(raw.reference))
    return PdfFacts.from_info(raw)


def _removed_signatures(reader: PdfFileReader) -> int:
    """How many filled signature fields an earlier revision had beyond the latest one.

    An incremental update can drop a signature field from the form: the signed bytes stay in
    the file, but the latest revision no longer lists them, so the file would read as never
    signed (exit 23). It was signed and then changed: that is exit 22."""
    def filled(handler: Any) -> int:
        return sum(1 for _ in enumerate_sig_fields(handler, filled_status=True))

    latest = filled(reader)
    revisions = reader.xrefs.total_revisions
    most = max((filled(reader.get_historical_resolver(r)) for r in range(revisions - 1)),
               default=0)
    return max(0, most - latest)


async def async_verify_pdf(path: str | os.PathLike[str],
                           trust_certs: Sequence[str | os.PathLike[str]], *,
                           case_facts: tuple[str, str] | None = None) -> VerifyReport:
    """Check every signature of ``path``; ``case_facts`` = (bundle SHA-256, chain head)."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PdfError("pdf.file.unreadable", path=str(source), problem=exc.strerror) from exc
    context = ValidationContext(trust_roots=load_trust(trust_certs), allow_fetching=False,
                                revocation_mode="soft-fail")
    empty = PdfFacts("", "", "", "", "")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = sorted(reader.embedded_regular_signatures, key=lambda e: e.signed_revision)
        # The first signer vouched for the facts; later signers may only add signatures.
        facts = _facts(reader, embedded[0].signed_revision if embedded else None)
        facts_last = _facts(reader, embedded[-1].signed_revision) if embedded else facts
        removed = _removed_signatures(reader)
    # a damaged number token makes pyHanko raise decimal.InvalidOperation (an ArithmeticError)
    except (PyHankoPdfError, ValueError, KeyError, TypeError, ArithmeticError, IndexError,
            RecursionError) as exc:
        problem = t("pdf.verify.problem.unreadable", problem=str(exc))
        return VerifyReport(str(source), (), empty, EXIT_BROKEN, (problem,), None, (EXIT_BROKEN,))
    reports = [await _check(e, context, last=i == len(embedded) - 1)
               for i, e in enumerate(embedded)]
    findings: list[tuple[int, str]] = []
    if removed:
        findings.append((EXIT_MODIFIED, t("pdf.verify.problem.signature_removed",
                                          count=removed)))
    elif not reports:
        findings.append((EXIT_UNSIGNED, t("pdf.verify.problem.unsigned")))
    for report in reports:
        if not report.intact:
            findings.append((EXIT_BROKEN, report.problem))
        elif report.changes_after == "not_allowed":
            findings.append((EXIT_MODIFIED, report.problem))
        if report.intact and not report.trusted:
            findings.append((EXIT_UNTRUSTED, t("pdf.verify.problem.untrusted",
                                               field=report.field_name, signer=report.signer,
                                               fingerprint=report.fingerprint)))
    if facts_last != facts:
        findings.append((EXIT_MODIFIED, t("pdf.verify.problem.facts_changed")))
    case = None
    if case_facts is not None:
        case = CaseCheck(case_facts[0], facts.bundle_sha256, case_facts[1], facts.chain_head)
        if not case.ok:
            findings.append((EXIT_CASE_MISMATCH, t("pdf.verify.problem.case",
                                                   bundle=facts.bundle_sha256 or "—",
                                                   head=facts.chain_head or "—")))
    findings.sort(key=lambda item: SEVERITY.index(item[0]))
    codes = tuple(dict.fromkeys(code for code, _ in findings))
    return VerifyReport(str(source), tuple(reports), facts, codes[0] if codes else EXIT_OK,
                        tuple(text for _, text in findings), case, codes)


def verify_pdf(path: str | os.PathLike[str], trust_certs: Sequence[str | os.PathLike[str]], *,
               case_facts: tuple[str, str] | None = None) -> VerifyReport:
    """Synchronous ``async_verify_pdf`` for the CLI (not callable inside a running loop)."""
    return asyncio.run(async_verify_pdf(path, trust_certs, case_facts=case_facts))
