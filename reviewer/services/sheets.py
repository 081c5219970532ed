"""Paper score sheets: import a typed-in sheet (all or nothing), print blank sheets.

Reading and hashing the file happen outside the session lock; only the decision (against the
latest chain) and the append take it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from reviewer.domain import events as ev
from reviewer.domain.errors import DomainError
from reviewer.services.errors import FileUnreadable
from reviewer.services.handle import SessionHandle
from reviewer.settings import Settings


@dataclass(frozen=True)
class ImportSheet:
    path: Path
    replace: bool = False  # replace sheets already submitted (needs a reason)
    reason: str = ""


@dataclass(frozen=True)
class ImportOutcome:
    sheets: int  # sheets recorded as submitted
    rows: int
    file_sha256: str


def import_sheet(handle: SessionHandle, command: ImportSheet) -> ImportOutcome:
    """Raises ``SheetUnreadable`` (not a sheet) or ``ImportRejected`` (every problem, by row)."""
    from reviewer.casefolder.score_sheets import read_score_sheet

    try:
        data = command.path.read_bytes()
    except OSError:
        raise FileUnreadable(command.path) from None
    rows = read_score_sheet(command.path)
    digest = hashlib.sha256(data).hexdigest()
    placed = handle.run(lambda r: r.import_sheets(rows, file_sha256=digest,
                                                  replace=command.replace,
                                                  reason=command.reason))
    sheets = sum(1 for e in placed if e.kind == ev.SHEET_SUBMITTED)
    return ImportOutcome(sheets, len(rows), digest)


@dataclass(frozen=True)
class PrintSheets:
    out: Path
    expert: str | None = None  # one expert's sheets, else everyone's


@dataclass(frozen=True)
class PrintedSheets:
    path: Path
    sheets: int
    pages: int


def print_sheets(handle: SessionHandle, command: PrintSheets,
                 settings: Settings | None = None) -> PrintedSheets:
    from reviewer.pdf.assemble import score_sheets
    from reviewer.pdf.sheets import render_score_sheets

    def snapshot() -> list:  # list[ScoreSheetData]
        if command.expert and handle.session.case.expert(command.expert) is None:
            raise DomainError("review.unknown_expert", expert=command.expert)
        return score_sheets(handle.session.review, command.expert)

    sheets = handle.locked(snapshot)
    if not sheets:
        raise DomainError("cli.no_sheets")
    info = render_score_sheets(sheets, command.out, font_path=(settings or Settings()).font)
    return PrintedSheets(command.out, len(sheets), info.pages)
