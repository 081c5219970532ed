"""Paper score sheets typed into a spreadsheet (CSV or XLSX): one row per expert and
application, one column per criterion (key or Chinese name). The review core checks the
values; this only turns the file into rows, or refuses a file whose shape is wrong."""

from __future__ import annotations

from pathlib import Path

from reviewer.casefolder.problems import Problem, Problems
from reviewer.casefolder.tables import read_columns
from reviewer.domain.errors import DomainError
from reviewer.domain.review import SheetRow
from reviewer.i18n import t

EXIT_SHEETS_REJECTED = 41
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "expert": ("专家", "专家编号"),
    "application": ("申报", "申报编号"),
    "round": ("轮次",),
}


class SheetUnreadable(DomainError):
    """The file is not a score sheet at all (unreadable, header missing a column)."""

    exit_code = EXIT_SHEETS_REJECTED

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("casefolder.sheet_unreadable", count=len(problems))
        self.problems = problems

    def render(self) -> str:
        lines = [t("casefolder.sheet_unreadable", count=len(self.problems))]
        lines.extend("  " + problem.render() for problem in self.problems)
        return "\n".join(lines)


def read_score_sheet(path: Path) -> list[SheetRow]:
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    problems = Problems()
    columns = read_columns(path, SHEET_COLUMNS, tuple(SHEET_COLUMNS), problems)
    if problems or columns is None:
        raise SheetUnreadable(problems.ordered())
    # built straight from the positions (a sheet file is hundreds of thousands of rows: a
    # generic ``Row`` of dicts per row first was a third of reading it)
    at = {name: index for index, name in columns.positions.items()}
    expert, application, round_ = at["expert"], at["application"], at["round"]
    scored = [(index, header.strip()) for index, header in columns.extra_positions.items()]
    widest = max(expert, application, round_, *(index for index, _ in scored))
    rows: list[SheetRow] = []
    for number, values in enumerate(columns.body, start=2):
        if not any(values):
            continue
        if len(values) <= widest:  # a short row: the cells it lacks are empty
            values = values + [""] * (widest + 1 - len(values))
        rows.append(SheetRow(number, values[expert], values[application], values[round_],
                             {header: values[index] for index, header in scored}))
    return rows
