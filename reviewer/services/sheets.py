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
from reviewer.i18n import t
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


# -- filled sheets for signature (实名打分, issue 13) ---------------------------------------------

@dataclass(frozen=True)
class PrintFilled:
    """Print submitted sheets, filled in. ``out`` an existing folder: one PDF per sheet in it;
    else one PDF holding every sheet. ``expert``: that expert only (refused unless their
    sheet of the round is submitted); ``round``: that round, else each expert's latest."""

    out: Path
    expert: str | None = None
    round: str | None = None


@dataclass(frozen=True)
class PrintedFilled:
    paths: tuple[Path, ...]
    sheets: int
    pages: int


def filled_file_name(case_id: str, expert_id: str, round_name: str) -> str:
    """The file an expert's sheet gets in a folder (ids only: no name on a file listing)."""
    return f"{case_id}-{expert_id}-{round_name}-sheet.pdf"


def print_filled_sheets(handle: SessionHandle, command: PrintFilled,
                        settings: Settings | None = None) -> PrintedFilled:
    """Refuses (exit 1) an unknown expert or round, and an expert who has not submitted."""
    from reviewer.pdf.assemble import filled_sheet, latest_submitted_round
    from reviewer.pdf.files import write_atomically
    from reviewer.pdf.filled_sheet import render_filled_bytes

    def snapshot() -> list:  # list[FilledSheetData]
        review = handle.session.review
        round_name = None
        if command.round is not None:
            round_name = review.round_alias(command.round)
            if round_name is None:
                raise DomainError("dissent.unknown_round", round=command.round)
        if command.expert is not None:
            if review.case.expert(command.expert) is None:
                raise DomainError("review.unknown_expert", expert=command.expert)
            chosen = round_name or latest_submitted_round(review, command.expert)
            if chosen is None or not review.is_submitted(command.expert, chosen):
                wanted = chosen or review.round
                spec = review.panel.round_spec(wanted)
                raise DomainError("sheets.not_submitted", expert=command.expert,
                                  round=spec.name if spec else t(f"round.{wanted}"))
            return [filled_sheet(review, command.expert, chosen)]
        out = []
        for expert in review.case.experts:
            chosen = round_name or latest_submitted_round(review, expert.id)
            if chosen is not None and review.is_submitted(expert.id, chosen):
                out.append(filled_sheet(review, expert.id, chosen))
        if not out:
            raise DomainError("sheets.none_submitted")
        return out

    sheets = handle.locked(snapshot)
    font = (settings or Settings()).font
    if command.out.is_dir():
        case_id = handle.session.case.case_id
        jobs = [([s], command.out / filled_file_name(case_id, s.expert_id, s.round_key))
                for s in sheets]
    else:
        jobs = [(sheets, command.out)]
    rendered = []
    for group, path in jobs:  # every file rendered before any is written
        pdf, pages, *_ = render_filled_bytes(group, font_path=font)
        rendered.append((path, pdf, pages))
    for path, pdf, _ in rendered:
        write_atomically(path, pdf)
    return PrintedFilled(tuple(p for p, _, _ in rendered), len(sheets),
                         sum(pages for _, _, pages in rendered))


def print_own_sheet(handle: SessionHandle, expert_id: str, folder: Path,
                    settings: Settings | None = None) -> Path:
    """The expert's own filled sheet of their latest submitted round (the terminal's offer on
    submission): only ever their own, written into ``folder``."""
    printed = print_filled_sheets(handle, PrintFilled(folder, expert_id), settings)
    return printed.paths[0]
