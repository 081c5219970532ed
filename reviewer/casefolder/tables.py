"""Reading a secretary's spreadsheet (CSV or the first sheet of an XLSX) into rows keyed by
field, whatever language the headers are written in.

Rows are numbered as the spreadsheet shows them (header = row 1), so a problem can point at
the exact cell. CSV files saved by Excel on a Chinese Windows are GB18030, not UTF-8: both are
accepted.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reviewer.casefolder.problems import Problems

TABLE_SUFFIXES = (".csv", ".xlsx")
_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # field -> stripped text ("" when empty or the column is absent)
    extra: dict[str, str] = field(default_factory=dict)  # unrecognised header -> text

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass(frozen=True)
class Table:
    file: str
    headers: dict[str, str]  # field -> header as written
    rows: list[Row]

    def has(self, name: str) -> bool:
        return name in self.headers

    def label(self, name: str) -> str:
        return self.headers.get(name, name)


def normalise_header(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().casefold()


def find_table(folder: Path, stem: str, problems: Problems) -> Path | None:
    """``stem.csv`` or ``stem.xlsx``; both present is ambiguous and reported."""
    found = [folder / f"{stem}{suffix}" for suffix in TABLE_SUFFIXES
             if (folder / f"{stem}{suffix}").is_file()]
    if len(found) > 1:
        problems.add(found[1].name, "casefolder.ambiguous_table", other=found[0].name)
    return found[0] if found else None


@dataclass(frozen=True)
class Columns:
    """A spreadsheet's header resolved against the fields it may hold, and its rows as
    read (row 2 on): what ``read_table`` keys by field, for a reader that builds its own
    rows from the positions."""

    file: str
    headers: dict[str, str]  # field -> header as written
    positions: dict[int, str]  # column index -> field
    extra_positions: dict[int, str]  # column index -> unrecognised header as written
    body: list[list[str]]


def read_columns(path: Path, spec: Mapping[str, Sequence[str]], required: Sequence[str],
                 problems: Problems) -> Columns | None:
    """The header of ``path`` resolved by ``spec`` (field -> accepted headers)."""
    raw = _raw_rows(path, problems)
    if raw is None:
        return None
    file = path.name
    if not raw or not any(raw[0]):
        problems.add(file, "casefolder.no_header")
        return None
    lookup: dict[str, str] = {}
    for name, aliases in spec.items():
        for alias in (name, *aliases):
            lookup[normalise_header(alias)] = name
    headers: dict[str, str] = {}
    positions: dict[int, str] = {}
    extra_positions: dict[int, str] = {}
    for index, header in enumerate(raw[0]):
        if not header:
            continue
        key = normalise_header(header)
        found = lookup.get(key) or lookup.get(_NOTE.sub("", key))
        if found is None:
            extra_positions[index] = header
        elif found in headers:
            problems.add(file, "casefolder.duplicate_column", row=1, column=header,
                         first=headers[found])
        else:
            headers[found] = header
            positions[index] = found
    for name in required:
        if name not in headers:
            accepted = "、".join(dict.fromkeys((name, *spec[name])))
            problems.add(file, "casefolder.missing_column", row=1, column=name,
                         accepted=accepted)
    del raw[0]
    return Columns(file, headers, positions, extra_positions, raw)


def read_table(path: Path, spec: Mapping[str, Sequence[str]], required: Sequence[str],
               problems: Problems) -> Table | None:
    """Rows of ``path`` keyed by the fields of ``spec`` (field -> accepted headers)."""
    columns = read_columns(path, spec, required, problems)
    if columns is None:
        return None
    headers, positions, extra_positions = (columns.headers, columns.positions,
                                           columns.extra_positions)
    rows = []
    for number, values in enumerate(columns.body, start=2):
        if not any(values):
            continue
        cells = {name: "" for name in headers}
        for index, name in positions.items():
            cells[name] = values[index] if index < len(values) else ""
        extra = {h: (values[i] if i < len(values) else "") for i, h in extra_positions.items()}
        rows.append(Row(number, cells, extra))
    return Table(columns.file, headers, rows)


class _Damaged(Exception):
    """A spreadsheet that cannot be read, with a message code and its parameters."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = dict(params)


def _raw_rows(path: Path, problems: Problems) -> list[list[str]] | None:
    try:
        if path.suffix.lower() == ".xlsx":
            return _xlsx_rows(path)
        return _csv_rows(path.read_bytes())
    except _Damaged as exc:
        problems.add(path.name, exc.code, **exc.params)
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        problems.add(path.name, "casefolder.unreadable", detail=type(exc).__name__ + ": " + str(exc))
    return None


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # raises UnicodeDecodeError (a ValueError) if neither
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_rows(path: Path) -> list[list[str]]:
    """Rows of the first sheet. openpyxl raises errors of many kinds (zip, XML, its own
    ValueErrors) and in read-only mode only while the rows are iterated: all of them become
    one problem naming the file, never a traceback (issue 9)."""
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise _Damaged("casefolder.xlsx_not_zip")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure of the parser is a damaged file
        raise _Damaged("casefolder.xlsx_damaged", detail=_why(exc)) from exc
    try:
        if not workbook.worksheets:
            raise _Damaged("casefolder.xlsx_no_sheet")
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except _Damaged:
        raise
    except Exception as exc:  # noqa: BLE001 - a truncated or malformed sheet part
        raise _Damaged("casefolder.xlsx_damaged", detail=_why(exc)) from exc
    finally:
        workbook.close()


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"


def _cell_text(value: object) -> str:
    """What the secretary sees in the cell: 55.0 stored by Excel reads back as 55, and an
    18-digit ID number stored as a number stays visibly broken (5.39999199001011e+17)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if abs(value) >= 1e15:  # past Excel's 15 significant digits: the tail is lost
            return f"{value:.15g}"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
