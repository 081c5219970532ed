"""Every 回避 of the session: automatic, listed and declared, lifted ones marked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from reviewer.i18n import t
from reviewer.tui.dashboard.snapshot import ConflictRow, DashboardData
from reviewer.tui.text import clip
from reviewer.tui.widgets.css import css_beside


class ConflictsPane(Vertical):
    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[ConflictRow] = []

    def compose(self) -> ComposeResult:
        yield Static(t("tui.dash.conflicts_hint"), classes="hint")
        yield DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#conflicts", DataTable)
        for key in ("expert", "application", "kind", "source", "state", "reason"):
            table.add_column(t(f"tui.dash.col.{key}"), key=key)

    def show(self, data: DashboardData) -> None:
        table = self.query_one("#conflicts", DataTable)
        table.clear()
        self.rows = data.conflicts
        for index, row in enumerate(data.conflicts):
            state = Text(t("tui.dash.active"), style="red") if row.active else Text(
                t("tui.dash.lifted"), style="green")
            if row.active and row.liftable:
                state.append(" " + t("tui.dash.liftable"), style="yellow")
            table.add_row(f"{row.expert} {clip(row.expert_name, 8)}",
                          f"{row.application} {clip(row.application_name, 12)}",
                          data.kinds.get(row.kind, row.kind),
                          t(f"tui.dash.source.{row.source}"), state, clip(row.reason, 20),
                          key=str(index))

    @property
    def current(self) -> ConflictRow | None:
        table = self.query_one("#conflicts", DataTable)
        if not table.row_count:
            return None
        return self.rows[table.cursor_row]
