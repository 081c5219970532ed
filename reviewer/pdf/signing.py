"""PAdES signatures on the results PDF, with pyHanko (never a home-made scheme).

Each signature is an incremental update, so the secretary signs first and the comprehensive
group's leader (or anyone else) countersigns without invalidating earlier signatures.
pyHanko's synchronous API calls ``asyncio.run``, which fails inside Textual's event loop: the
TUI awaits ``async_sign_pdf`` / ``async_verify_pdf`` instead.
"""

from __future__ import annotations

import asyncio
import io
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError

from reviewer.pdf.errors import PdfError, SigningError, UnreadablePdfError
from reviewer.pdf.files import write_atomically
from reviewer.pdf.keys import SignerIdentity
from reviewer.pdf.verify import VerifyReport, async_verify_pdf, verify_pdf

__all__ = ["SignResult", "SignedBytes", "async_sign_bytes", "async_sign_pdf", "sign_bytes", "async_verify_pdf", "sign_pdf", "verify_pdf",
           "VerifyReport"]


@dataclass(frozen=True)
class SignResult:
    path: Path
    field_name: str
    signer: str
    fingerprint: str
    seconds: float
    size_bytes: int


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PdfError("pdf.file.unreadable", path=str(path), problem=exc.strerror) from exc


@dataclass(frozen=True)
class SignedBytes:
    pdf: bytes
    field_name: str
    signer: str
    fingerprint: str


async def async_sign_bytes(data: bytes, signer: SignerIdentity, *, field_name: str | None = None,
                           reason: str, location: str, name: str | None = None,
                           source: str = "") -> SignedBytes:
    """Append one PAdES signature to ``data`` in memory (pyHanko reads and writes BytesIO)."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        existing = {name for name, _, _ in enumerate_sig_fields(writer)}
    except (PyHankoPdfError, ValueError, KeyError) as exc:
        raise UnreadablePdfError("pdf.file.not_pdf", path=source, problem=str(exc)) from exc
    if field_name is None:
        number = len(existing) + 1
        while f"Signature{number}" in existing:
            number += 1
        field_name = f"Signature{number}"
    elif field_name in existing:
        raise SigningError("pdf.sign.field_taken", field=field_name)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location,
        name=name or signer.common_name, subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256")
    output = io.BytesIO()
    try:
        await signers.async_sign_pdf(writer, meta, signer=signer.signer, output=output)
    except (PyHankoSigningError, PyHankoPdfError) as exc:
        raise SigningError("pdf.sign.failed", problem=str(exc)) from exc
    return SignedBytes(output.getvalue(), field_name, signer.common_name, signer.fingerprint)


def sign_bytes(data: bytes, signer: SignerIdentity, *, field_name: str | None = None,
               reason: str, location: str, name: str | None = None,
               source: str = "") -> SignedBytes:
    """Synchronous ``async_sign_bytes`` for the CLI (not callable inside a running loop)."""
    return asyncio.run(async_sign_bytes(data, signer, field_name=field_name, reason=reason,
                                        location=location, name=name, source=source))


async def async_sign_pdf(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
                         signer: SignerIdentity, *, field_name: str | None = None,
                         reason: str, location: str, name: str | None = None) -> SignResult:
    """Append one PAdES signature; ``in_path`` may equal ``out_path``.

    The signed bytes replace ``out_path`` in one step: a countersignature interrupted at any
    moment leaves the file as it was or fully countersigned.
    """
    started = time.perf_counter()
    source, target = Path(in_path), Path(out_path)
    signed = await async_sign_bytes(_read(source), signer, field_name=field_name, reason=reason,
                                    location=location, name=name, source=str(source))
    write_atomically(target, signed.pdf)
    return SignResult(target, signed.field_name, signed.signer, signed.fingerprint,
                      time.perf_counter() - started, len(signed.pdf))


def sign_pdf(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
             signer: SignerIdentity, *, field_name: str | None = None, reason: str,
             location: str, name: str | None = None) -> SignResult:
    """Synchronous ``async_sign_pdf`` for the CLI (not callable inside a running loop)."""
    return asyncio.run(async_sign_pdf(in_path, out_path, signer, field_name=field_name,
                                      reason=reason, location=location, name=name))
