"""The waiting screen: an expert picks their name and types their PIN.

A wrong PIN says how many attempts are left; after five the expert is locked out for five
minutes and the screen shows the remaining wait, counting down. Nothing of any application is
shown here. The secretary's dashboard and the supervisor's view start from here too.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reviewer.domain.ranking import CLOSED
from reviewer.i18n import t
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.text import fit


class WaitingScreen(ReviewerScreen):
    CSS_PATH = "waiting.tcss"
    AUTO_FOCUS = "#experts"
    BINDINGS = [
        bind("f8", "secretary", "secretary"),
        bind("f9", "supervisor", "supervisor"),
    ]

    def compose(self) -> ComposeResult:
        with self.gateway.reading() as review:
            case, panel = review.case, review.panel
            experts = sorted(case.experts, key=lambda e: e.id)
            round_name = review.round
        self.sub_title = t("tui.waiting.subtitle", title=case.title, measure=panel.name,
                           round=t(f"round.{round_name}"))
        yield Header()
        with Horizontal(id="waiting-body"):
            with Vertical(id="waiting-pick"):
                yield Label(t("tui.waiting.pick"))
                width = max((cell_len(e.name) for e in experts), default=0) + 2
                yield OptionList(*[Option(fit(e.name, width) + e.title, id=e.id)
                                   for e in experts], id="experts")
            with Vertical(id="waiting-login"):
                yield Static(t("tui.waiting.welcome"), id="waiting-welcome")
                yield Label(t("tui.waiting.pin"))
                yield Input(password=True, restrict=r"[0-9]*", max_length=32, id="pin")
                yield Button(t("tui.waiting.login"), variant="primary", id="login")
                yield Static("", id="waiting-status")
                if round_name == CLOSED:
                    yield Static(t("tui.waiting.closed"), id="waiting-closed")
        yield Footer()

    def on_mount(self) -> None:
        self.checking = False
        self.set_interval(1.0, self._show_lock)

    @property
    def chosen(self) -> str | None:
        options = self.query_one("#experts", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _status(self, text: str) -> None:
        self.query_one("#waiting-status", Static).update(text)

    def _show_lock(self) -> None:
        expert = self.chosen
        if expert is None or self.checking:
            return
        wait = self.gateway.read(lambda r: r.locked_for(expert))
        if wait:
            self._status(t("tui.waiting.locked", seconds=wait, minutes=(wait + 59) // 60))
        elif self.query_one("#waiting-status", Static).has_class("-locked"):
            self._status("")
        self.query_one("#waiting-status", Static).set_class(bool(wait), "-locked")

    @on(OptionList.OptionHighlighted, "#experts")
    def _highlighted(self) -> None:
        self._status("")
        self._show_lock()

    @on(OptionList.OptionSelected, "#experts")
    def _picked(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#login")
    def _login(self) -> None:
        expert = self.chosen
        field = self.query_one("#pin", Input)
        if expert is None:
            self._status(t("tui.waiting.pick_first"))
            self.query_one("#experts").focus()
            return
        if not field.value:
            field.focus()
            return
        pin = field.value
        field.value = ""
        self._status(t("tui.waiting.checking"))
        self.checking = True
        run_job(self, "login", lambda: self.gateway.check_pin(expert, pin), context=expert)

    @on(JobFinished)
    def _checked(self, message: JobFinished) -> None:
        if message.job != "login":
            return
        self.checking = False
        if message.error is not None:
            self._status(str(message.error))
            self.query_one("#pin", Input).focus()
            return
        self._status("")
        self.reviewer.login(message.context)

    def action_secretary(self) -> None:
        from reviewer.tui.screens.secretary_login import SecretaryLoginScreen

        self.app.push_screen(SecretaryLoginScreen())

    def action_supervisor(self) -> None:
        from reviewer.tui.screens.supervisor import SupervisorScreen

        self.app.push_screen(SupervisorScreen())
