"""Submitting the sheet: every own score at a glance, missing ones highlighted, then the
re-confirmation that no undeclared conflict exists (第十九条) and the PIN.

Once submitted the sheet is locked (only the secretary can reopen it) and the terminal goes
back to the waiting screen.

Focus moves only when the expert moves it (Space ticks the box, Tab goes on to the PIN, Tab
again to 提交): ticking the box used to jump to the PIN by itself, so the expert's own Tab
carried on to the button and the PIN typed next went nowhere. Enter without a PIN says so.
The summary opens on the first row still to be scored; a recused application shows only its
id (nothing of it to the recused expert).
"""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, DataTable, Header, Input, Label, Static

from reviewer.domain.review import DRAFT, RECUSED, UNSCORED, Review
from reviewer.i18n import t
from reviewer.services import expert as ex
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.labels import named, status_name
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.text import Cell, clip
from reviewer.tui.widgets.footer import Footer
from reviewer.tui.widgets.in_order import KeysInOrder, OrderedInput
from reviewer.tui.widgets.score_form import plain

Row = tuple[str, list[Cell]]


def summary_rows(review: Review, expert_id: str) -> tuple[list[str], list[Row], int]:
    """Column titles, rows (missing ones in red) and how many are missing."""
    criteria = review.panel.expert_criteria
    titles = [t("tui.col.id"), t("tui.col.name"), *[named(c.name, c.name_en) for c in criteria],
              t("tui.col.total"), t("tui.col.status")]
    rows: list[Row] = []
    missing = 0
    round_name = review.round
    for item in review.queue(expert_id):
        app = review.case.application(item.application)
        values: dict[str, Decimal] = review.state.scores.get(
            (expert_id, item.application, round_name), {})
        short = item.status in (UNSCORED, DRAFT)
        missing += short
        style = "bold red" if short else ""
        name = app.name if app is not None and item.status != RECUSED else ""
        cells = [Cell(item.application, style), Cell(clip(name, 12))]
        for criterion in criteria:
            value = values.get(criterion.key)
            cells.append(Cell("—", "red") if value is None and short else Cell(plain(value)))
        cells.append(Cell(plain(item.total)))
        cells.append(Cell(status_name(item.status), style))
        rows.append((item.application, cells))
    return titles, rows, missing


class OrderedCheckbox(Checkbox, KeysInOrder):
    """The confirmation box, taking its keys in order: in a burst ``Space Tab 1 2 3…`` the box
    is ticked and the focus is in the PIN field before the digits are looked at (issue 10)."""


class SubmitScreen(ReviewerScreen):
    CSS_PATH = "submit.tcss"
    AUTO_FOCUS = "#confirm"
    BINDINGS = [bind("escape", "back", "back_to_scoring")]

    def __init__(self, expert_id: str) -> None:
        super().__init__()
        self.expert_id = expert_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("tui.submit.explain"), id="submit-explain")
        yield DataTable(id="summary", zebra_stripes=True, cursor_type="row")
        yield Static("", id="submit-missing")
        yield OrderedCheckbox(t("tui.submit.confirm"), id="confirm")
        with Horizontal(id="submit-row"):
            yield Label(t("tui.ack.pin"))
            yield OrderedInput(password=True, restrict=r"[0-9]*", max_length=32,
                               id="submit-pin")
            yield Button(t("tui.submit.button"), variant="primary", id="submit-ok",
                         disabled=True)
        yield Static("", id="submit-status")
        yield Footer()

    def on_mount(self) -> None:
        with self.gateway.reading() as review:
            titles, rows, missing = summary_rows(review, self.expert_id)
            expert = review.case.expert(self.expert_id)
            unjustified = review.missing_justifications(self.expert_id)
            owed = review.describe_missing(unjustified) if unjustified else None
        self.sub_title = t("tui.submit.subtitle", name=expert.name if expert else "")
        table = self.query_one("#summary", DataTable)
        table.add_columns(*titles)
        for key, cells in rows:
            table.add_row(*cells, key=key)
        first_missing = next((i for i, (_, cells) in enumerate(rows)
                              if cells[0].style == "bold red"), None)
        if first_missing is not None:
            table.move_cursor(row=first_missing)
        note = self.query_one("#submit-missing", Static)
        text = t("tui.submit.missing", count=missing) if missing else t("tui.submit.complete")
        if owed is not None:  # 评分理由 still owed: named application by application
            text = (text + "\n" if missing else "") + t("justify.missing", **owed)
        note.update(text)
        note.set_class(bool(missing) or owed is not None, "-missing")

    @on(Checkbox.Changed, "#confirm")
    def _confirmed(self, event: Checkbox.Changed) -> None:
        self.query_one("#submit-ok", Button).disabled = not event.value

    @on(Input.Submitted, "#submit-pin")
    @on(Button.Pressed, "#submit-ok")
    def _submit(self) -> None:
        status = self.query_one("#submit-status", Static)
        if not self.query_one("#confirm", Checkbox).value:
            status.update(t("review.confirm_required"))
            return
        field = self.query_one("#submit-pin", Input)
        if not field.value:
            status.update(t("tui.submit.pin_first"))
            field.focus()
            return
        pin, expert = field.value, self.expert_id
        field.value = ""

        def submit() -> None:
            self.gateway.check_pin(expert, pin)
            ex.execute(self.gateway, ex.Submit(expert))

        status.update(t("tui.waiting.checking"))
        run_job(self, "submit", submit)

    @on(JobFinished)
    def _submitted(self, message: JobFinished) -> None:
        if message.error is not None:
            self.query_one("#submit-status", Static).update(str(message.error))
            return
        # the expert's own sheet, read-only, with the offer to print it for signature (issue 13)
        from reviewer.tui.screens.own_sheet import OwnSheetScreen

        self.app.switch_screen(OwnSheetScreen(self.expert_id, just_submitted=True))
        self.app.notify(t("tui.submit.done"), timeout=6)

    def action_back(self) -> None:
        self.app.pop_screen()
