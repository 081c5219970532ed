"""The waiting screen: an expert picks their name and types their PIN.

A wrong PIN says how many attempts are left; after five the expert is locked out for five
minutes and the screen shows the remaining wait, counting down. Nothing of any application is
shown here. The secretary's dashboard and the supervisor's view start from here too.

A PIN is checked against the name the expert chose (enter or a click), never against a
name merely left highlighted: the PIN label and every refusal name whose PIN it is, moving
to another name forgets the choice and the typed PIN, and each time the screen comes back
(logout, submission, idle logout) no name is chosen or highlighted (issue 10, major 5: the
next expert's PIN was charged to the previous one).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reviewer.domain.ranking import CLOSED
from reviewer.i18n import t
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.text import fit
from reviewer.tui.widgets.footer import Footer
from reviewer.tui.widgets.in_order import KeysInOrder, OrderedInput


class NameList(OptionList, KeysInOrder):
    """The experts' names; choosing one moves to the PIN at once (keys may already wait)."""

    def __init__(self, *options: Option, id: str | None = None) -> None:
        super().__init__(*options, id=id)
        self.on_chosen: Callable[[str], None] | None = None
        self.on_moved: Callable[[], None] | None = None

    async def key_in_order(self, event: events.Key) -> None:
        before = self.highlighted
        await super().key_in_order(event)
        if self.highlighted != before and self.on_moved is not None:
            self.on_moved()

    def action_select(self) -> None:
        if self.highlighted is not None and self.on_chosen is not None:
            option_id = self.get_option_at_index(self.highlighted).id
            assert option_id is not None
            self.on_chosen(option_id)
        else:
            super().action_select()


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
                yield NameList(*[Option(fit(e.name, width) + e.title, id=e.id)
                                 for e in experts], id="experts")
            with Vertical(id="waiting-login"):
                yield Static(t("tui.waiting.welcome"), id="waiting-welcome")
                yield Label(t("tui.waiting.pin"), id="pin-label")
                yield OrderedInput(password=True, restrict=r"[0-9]*", max_length=32, id="pin")
                yield Button(t("tui.waiting.login"), variant="primary", id="login")
                yield Static("", id="waiting-status")
                if round_name == CLOSED:
                    yield Static(t("tui.waiting.closed"), id="waiting-closed")
        yield Footer()

    def on_mount(self) -> None:
        self.checking = False
        self.chosen: str | None = None
        names = self.query_one("#experts", NameList)
        names.on_chosen = self.choose
        names.on_moved = self._moved
        self.set_interval(1.0, self._show_lock)
        self.reset()

    def on_screen_resume(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Nobody chosen, nothing highlighted, no PIN: the next expert starts from their name."""
        self.chosen = None
        names = self.query_one("#experts", NameList)
        names.highlighted = None
        self.query_one("#pin", Input).value = ""
        self._pin_label()
        self._status("")
        self.set_focus(names)

    @property
    def highlighted(self) -> str | None:
        options = self.query_one("#experts", NameList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _expert_name(self, expert_id: str | None) -> str:
        expert = self.gateway.read(lambda r: r.case.expert(expert_id)) if expert_id else None
        return expert.name if expert is not None else ""

    def _pin_label(self) -> None:
        label = self.query_one("#pin-label", Label)
        if self.chosen is None:
            label.update(t("tui.waiting.pin"))
        else:
            label.update(t("tui.waiting.pin_of", name=self._expert_name(self.chosen)))

    def choose(self, expert_id: str) -> None:
        """Enter (or a click) on a name: this is whose PIN the field takes."""
        if expert_id != self.chosen:
            self.query_one("#pin", Input).value = ""
        self.chosen = expert_id
        self._pin_label()
        self._status("")
        self._show_lock()
        self.set_focus(self.query_one("#pin", Input))

    def _moved(self) -> None:
        """Another name highlighted: the earlier choice and its typed PIN are forgotten."""
        if self.chosen is not None and self.highlighted != self.chosen:
            self.chosen = None
            self.query_one("#pin", Input).value = ""
            self._pin_label()
        self._status("")
        self._show_lock()

    def _status(self, text: str) -> None:
        self.query_one("#waiting-status", Static).update(text)

    def _show_lock(self) -> None:
        expert = self.chosen or self.highlighted
        if expert is None or self.checking:
            return
        locked = self.gateway.read(lambda r: r.lockout(expert))  # the core's own refusal
        if locked is not None:
            self._status(t("tui.waiting.refused", name=self._expert_name(expert),
                           error=locked.render()))
        elif self.query_one("#waiting-status", Static).has_class("-locked"):
            self._status("")
        self.query_one("#waiting-status", Static).set_class(locked is not None, "-locked")

    @on(OptionList.OptionHighlighted, "#experts")
    def _highlighted(self) -> None:
        self._moved()

    @on(OptionList.OptionSelected, "#experts")
    def _picked(self, event: OptionList.OptionSelected) -> None:  # a click
        if event.option.id is not None:
            self.choose(event.option.id)

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
            self._status(t("tui.waiting.refused", name=self._expert_name(message.context),
                           error=str(message.error)))
            self.query_one("#pin", Input).focus()
            return
        self._status("")
        self.reviewer.login(message.context)

    def action_secretary(self) -> None:
        from reviewer.tui.screens.secretary_login import SecretaryLoginScreen

        if time.monotonic() < self.reviewer.secretary_until:  # left the dashboard just now
            self.reviewer.enter_secretary()
            return
        self.app.push_screen(SecretaryLoginScreen())

    def action_supervisor(self) -> None:
        from reviewer.tui.screens.supervisor import SupervisorScreen

        self.app.push_screen(SupervisorScreen())
