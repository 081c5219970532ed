"""Integrity facts stored in the PDF's document information dictionary.

``verify --case`` compares them with the session without extracting text. They are written as
an incremental update with pyHanko (ReportLab has no custom info keys), before any signature,
so every signature covers them; verify reads them from the revision the last signature signed,
which an unsigned later update cannot alter.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from reviewer.pdf.model import Integrity

KEY_BUNDLE = "/ReviewerBundleSHA256"
KEY_HEAD = "/ReviewerChainHead"
KEY_EVENTS = "/ReviewerAuditEvents"
KEY_SESSION = "/ReviewerSessionId"
KEY_VERSION = "/ReviewerVersion"


@dataclass(frozen=True)
class PdfFacts:
    bundle_sha256: str
    chain_head: str
    audit_events: str
    session_id: str
    software_version: str

    @classmethod
    def from_info(cls, info: Any) -> PdfFacts:
        def get(key: str) -> str:
            try:
                return str(info[key]) if info is not None and key in info else ""
            except (KeyError, TypeError):
                return ""

        return cls(get(KEY_BUNDLE), get(KEY_HEAD), get(KEY_EVENTS), get(KEY_SESSION),
                   get(KEY_VERSION))


def with_facts(pdf: bytes, facts: Integrity, session_id: str) -> bytes:
    """``pdf`` with the facts appended as an incremental update (all in memory)."""
    values = {
        KEY_BUNDLE: facts.bundle_sha256,
        KEY_HEAD: facts.chain_head,
        KEY_EVENTS: str(facts.audit_events),
        KEY_SESSION: session_id,
        KEY_VERSION: facts.software_version,
    }
    source = io.BytesIO(pdf)
    writer = IncrementalPdfFileWriter(source)
    info = writer.trailer["/Info"].get_object()
    for key, value in values.items():
        info[generic.NameObject(key)] = generic.TextStringObject(value)
    writer.update_container(info)
    writer.write_in_place()
    return source.getvalue()
