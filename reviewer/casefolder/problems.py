"""Problems found in a case folder: each names its file, row and column so that a secretary can
fix every one of them in a single pass instead of meeting them one at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.errors import DomainError
from reviewer.i18n import t

EXIT_CASE_FOLDER_INVALID = 40


@dataclass(frozen=True)
class Problem:
    """One problem; ``row`` is the row the spreadsheet shows (header = 1), ``column`` the
    header as written (or a dotted key of case.toml)."""

    file: str
    row: int | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return t(self.code, **self.params)

    def render(self) -> str:
        message = self.message()
        if self.column and self.file.endswith(".toml"):
            return t("casefolder.at_key", file=self.file, column=self.column, message=message)
        if self.row and self.column:
            return t("casefolder.at_row_column", file=self.file, row=self.row,
                     column=self.column, message=message)
        if self.row:
            return t("casefolder.at_row", file=self.file, row=self.row, message=message)
        if self.column:
            return t("casefolder.at_column", file=self.file, column=self.column, message=message)
        return t("casefolder.at_file", file=self.file, message=message)

    def __str__(self) -> str:
        return self.render()


class CaseFolderInvalid(DomainError):
    """The folder cannot be sealed; carries every problem found, in file and row order."""

    exit_code = EXIT_CASE_FOLDER_INVALID

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("casefolder.invalid", count=len(problems))
        self.problems = problems

    def render(self) -> str:
        lines = [t("casefolder.invalid", count=len(self.problems))]
        lines.extend("  " + problem.render() for problem in self.problems)
        return "\n".join(lines)


class Problems:
    """Collects problems while the folder is read; nothing stops at the first one."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, code: str, *, row: int | None = None, column: str | None = None,
            **params: Any) -> None:
        self.items.append(Problem(file, row, column, code, params))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def ordered(self) -> list[Problem]:
        """Grouped by file in the order the README lists them, then by row."""
        return sorted(self.items, key=lambda p: (_file_rank(p.file), p.file, p.row or 0))


_FILE_ORDER = ("case.toml", "applications.", "experts.", "conflicts.", "unit_aliases.",
               "materials/")


def _file_rank(file: str) -> int:
    return next((i for i, prefix in enumerate(_FILE_ORDER) if file.startswith(prefix)),
                len(_FILE_ORDER))
