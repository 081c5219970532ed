"""An expert's own submitted sheet, read-only (issue 10: "an expert can view their own
submitted sheet"). Shown after the PIN once the sheet is submitted: scores per application and
criterion, recusals and abstentions marked (a recused application's name stays hidden);
nothing here edits. Only the secretary can reopen a sheet.

Also where the expert lands on submission (issue 13): ``P`` prints their own filled sheet for
signature (实名打分; only their own, into the terminal's output folder, the path shown), and
``D`` opens the 不同意见 dialog once a round they sat in has closed."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from reviewer.i18n import t
from reviewer.services import secretary as sec
from reviewer.services.sheets import print_own_sheet
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.submit import summary_rows
from reviewer.tui.widgets.footer import Footer


class OwnSheetScreen(ReviewerScreen):
    AUTO_FOCUS = "#own-sheet"
    BINDINGS = [bind("escape", "leave", "leave_sheet"), bind("p", "print_sheet", "print_sheet"),
                bind("d", "dissent", "dissent")]

    def __init__(self, expert_id: str, just_submitted: bool = False) -> None:
        super().__init__()
        self.expert_id = expert_id
        self.just_submitted = just_submitted

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("tui2.sheet.explain"), id="own-sheet-explain")
        yield DataTable(id="own-sheet", zebra_stripes=True, cursor_type="row")
        yield Static(t("tui.sits.offer"), id="own-sheet-offer")
        yield Static("", id="own-sheet-status")
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
        if not rows:  # their round is over: printing and dissent remain (issue 13)
            self.query_one("#own-sheet-explain", Static).update(t("tui.sits.after_round"))

    def _status(self, text: str) -> None:
        self.query_one("#own-sheet-status", Static).update(text)

    def output_folder(self) -> Path:
        """Where the terminal writes: beside the results PDF if one is set, else here."""
        export = self.reviewer.tools.export_path
        return export.resolve().parent if export is not None else Path.cwd()

    def action_print_sheet(self) -> None:
        """The expert's own filled sheet, for their signature (only their own)."""
        expert, folder = self.expert_id, self.output_folder()
        self._status(t("tui.sits.printing"))
        run_job(self, "print_sheet", lambda: print_own_sheet(self.gateway, expert, folder))

    def action_dissent(self) -> None:
        from reviewer.tui.screens.dissent_dialog import DissentDialog

        with self.gateway.reading() as review:
            keys = review.dissent_rounds(self.expert_id)
            rounds = [((spec.name if (spec := review.panel.round_spec(k)) else k), k)
                      for k in keys]
            expert = review.case.expert(self.expert_id)
        if not rounds:
            self._status(t("tui.sits.no_dissent_round"))
            return
        self.app.push_screen(DissentDialog(expert.name if expert else "", rounds),
                             self._dissent_given)

    def _dissent_given(self, given: tuple[str, str] | None) -> None:
        if given is None:
            return
        round_name, text = given
        command = sec.RecordDissent(self.expert_id, round_name, text, source="terminal")
        run_job(self, "dissent", lambda: sec.execute(self.gateway, command))

    @on(JobFinished)
    def _done(self, message: JobFinished) -> None:
        if message.error is not None:
            self._status(str(message.error))
        elif message.job == "print_sheet":
            self._status(t("tui.sits.printed", path=str(message.result)))
        elif message.job == "dissent":
            self._status(t("tui.sits.dissent_done"))

    def action_leave(self) -> None:
        self.reviewer.logout(notice=t("tui.login.submitted"))
