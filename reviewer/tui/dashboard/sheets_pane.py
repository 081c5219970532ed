"""Each expert's sheet (pledge, declarations, progress, submitted) and paper sheet imports.

A rejected import lists every problem with its row, in the user's language; nothing of the
file was stored (the core imports all or nothing).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from reviewer.domain.review import RowProblem
from reviewer.i18n import t
from reviewer.tui.dashboard.snapshot import DashboardData, ExpertProgress
from reviewer.tui.text import clip
from reviewer.tui.widgets.css import css_beside


def yes_no(value: bool) -> Text:
    return Text("✓", style="green") if value else Text("✗", style="red")


class SheetsPane(Vertical):
    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[ExpertProgress] = []

    def compose(self) -> ComposeResult:
        yield Static(t("tui.dash.sheets_hint"), classes="hint")
        yield DataTable(id="sheets", cursor_type="row", zebra_stripes=True)
        yield Static("", id="import-title")
        yield DataTable(id="import-problems", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#sheets", DataTable)
        for key in ("expert", "groups", "ack", "undeclared", "progress", "submitted"):
            table.add_column(t(f"tui.dash.col.{key}"), key=key)
        problems = self.query_one("#import-problems", DataTable)
        problems.add_column(t("tui.dash.col.row"), key="row")
        problems.add_column(t("tui.dash.col.problem"), key="problem")
        problems.display = False

    def show(self, data: DashboardData) -> None:
        table = self.query_one("#sheets", DataTable)
        table.clear()
        self.rows = [e for e in data.experts]
        for expert in self.rows:
            groups = "、".join(data.group_names.get(g, g) for g in expert.all_groups)
            active = expert.scope > 0  # nothing to score in this round: nothing to show
            table.add_row(f"{expert.expert} {clip(expert.name, 8)}", clip(groups, 28),
                          yes_no(expert.acknowledged),
                          str(expert.undeclared) if active else "—",
                          f"{expert.done}/{expert.scope}" if active else "—",
                          yes_no(expert.submitted) if active else "—",
                          key=expert.expert)

    @property
    def current(self) -> ExpertProgress | None:
        table = self.query_one("#sheets", DataTable)
        if not table.row_count:
            return None
        return self.rows[table.cursor_row]

    def show_import(self, title: str, problems: list[RowProblem]) -> None:
        self.query_one("#import-title", Static).update(title)
        table = self.query_one("#import-problems", DataTable)
        table.clear()
        table.display = bool(problems)
        for problem in problems:
            where = str(problem.row) if problem.row else t("tui.dash.file_level")
            table.add_row(where, t(problem.code, **problem.params))
