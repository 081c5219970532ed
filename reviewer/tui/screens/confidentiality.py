"""保密承诺: the measure's text in full, confirmed with the expert's PIN once read to the end.

第十九条 asks every member to sign before seeing anything, so this screen shows no
application at all. The confirm controls stay disabled until the text has been scrolled to
its last line; the PIN (not typed Chinese: input methods are unreliable in terminals) signs.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Static

from reviewer.i18n import get_locale, t
from reviewer.services import expert as ex
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.widgets.footer import Footer
from reviewer.tui.widgets.in_order import KeysInOrder, OrderedInput


class PledgeText(VerticalScroll, KeysInOrder):
    """The pledge's scroll area, taking its keys in order: End (read to the end) opens and
    focuses the PIN field before the digits typed right behind it are looked at. The scroll
    area's own End binding comes first in the focus chain, so it is the one that reads to the
    end (synchronously, not animated)."""

    def action_scroll_end(self) -> None:
        screen = self.screen
        if isinstance(screen, ConfidentialityScreen):
            screen.action_read_to_end()
        else:
            super().action_scroll_end()


class ConfidentialityScreen(ReviewerScreen):
    CSS_PATH = "confidentiality.tcss"
    AUTO_FOCUS = "#pledge"
    BINDINGS = [bind("end", "read_to_end", "read_to_end")]

    def __init__(self, expert_id: str) -> None:
        super().__init__()
        self.expert_id = expert_id
        self.read_to_end = False

    def compose(self) -> ComposeResult:
        with self.gateway.reading() as review:
            panel = review.panel
            expert = review.case.expert(self.expert_id)
        text = panel.confidentiality_text_en if get_locale() == "en" else panel.confidentiality_text
        self.sub_title = t("tui.ack.subtitle", name=expert.name if expert else self.expert_id)
        yield Header()
        with Vertical(id="ack-body"):
            yield Static(t("tui.ack.title", article=panel.confidentiality_article,
                           policy=panel.policy), id="ack-title")
            with PledgeText(id="pledge"):
                yield Static(text.strip(), id="pledge-text")
            yield Static(t("tui.ack.scroll_hint"), id="ack-hint")
            with Horizontal(id="ack-confirm"):
                yield Label(t("tui.ack.pin"))
                yield OrderedInput(password=True, restrict=r"[0-9]*", max_length=32,
                                   id="ack-pin", disabled=True)
                yield Button(t("tui.ack.confirm"), variant="primary", id="ack-ok",
                             disabled=True)
            yield Static("", id="ack-status")
        yield Footer()

    def on_mount(self) -> None:
        pledge = self.query_one("#pledge", VerticalScroll)
        self.watch(pledge, "scroll_y", self._scrolled, init=False)
        self.call_after_refresh(self._check_end)

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_end)

    def _scrolled(self, _value: float) -> None:
        self._check_end()

    def _check_end(self) -> None:
        pledge = self.query_one("#pledge", VerticalScroll)
        if self.read_to_end or pledge.scroll_y < pledge.max_scroll_y:
            return
        self.read_to_end = True
        self.query_one("#ack-hint", Static).update(t("tui.ack.read"))
        self.query_one("#ack-ok", Button).disabled = False
        field = self.query_one("#ack-pin", Input)
        field.disabled = False
        # focus now, not after a refresh: the digits typed right behind End are handed over
        # in order from the app's task (in_order.py) and must find the PIN field focused
        self.set_focus(field)

    def action_read_to_end(self) -> None:
        self.query_one("#pledge", VerticalScroll).scroll_end(animate=False, immediate=True)
        self._check_end()

    @on(Input.Submitted, "#ack-pin")
    @on(Button.Pressed, "#ack-ok")
    def _confirm(self) -> None:
        field = self.query_one("#ack-pin", Input)
        if not self.read_to_end or not field.value:
            return
        pin, expert = field.value, self.expert_id
        field.value = ""

        def sign() -> None:
            self.gateway.check_pin(expert, pin)
            ex.execute(self.gateway, ex.Acknowledge(expert))

        self.query_one("#ack-status", Static).update(t("tui.waiting.checking"))
        run_job(self, "ack", sign)

    @on(JobFinished)
    def _signed(self, message: JobFinished) -> None:
        if message.error is not None:
            self.query_one("#ack-status", Static).update(str(message.error))
            self.query_one("#ack-pin", Input).focus()
            return
        self.app.notify(t("tui.ack.done"))
        self.reviewer.route_expert()
