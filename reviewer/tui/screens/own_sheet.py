"""An expert's own submitted sheet, read-only (issue 10: "an expert can view their own
submitted sheet"). Shown after the PIN once the sheet is submitted: scores per application and
criterion, recusals and abstentions marked (a recused application's name stays hidden);
nothing here edits. Only the secretary can reopen a sheet."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from reviewer.i18n import t
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.submit import summary_rows
from reviewer.tui.widgets.footer import Footer


class OwnSheetScreen(ReviewerScreen):
    AUTO_FOCUS = "#own-sheet"
    BINDINGS = [bind("escape", "leave", "leave_sheet")]

    def __init__(self, expert_id: str) -> None:
        super().__init__()
        self.expert_id = expert_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("tui2.sheet.explain"), id="own-sheet-explain")
        yield DataTable(id="own-sheet", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        with self.gateway.reading() as review:
            titles, rows, _ = summary_rows(review, self.expert_id)
            expert = review.case.expert(self.expert_id)
        self.sub_title = t("tui2.sheet.subtitle", name=expert.name if expert else "")
        table = self.query_one("#own-sheet", DataTable)
        table.add_columns(*titles)
        for key, cells in rows:
            table.add_row(*cells, key=key)

    def action_leave(self) -> None:
        self.reviewer.logout(notice=t("tui.login.submitted"))
