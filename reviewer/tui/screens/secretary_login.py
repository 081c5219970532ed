"""The secretary's door to the dashboard: the bundle passphrase, typed again.

The check (an Argon2id unlock, on purpose slow) runs in a worker; without a check the
dashboard is simply not available on this terminal.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from reviewer.i18n import t
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerModal


class SecretaryLoginScreen(ReviewerModal[None]):
    CSS_PATH = "secretary_login.tcss"
    BINDINGS = [bind("escape", "cancel", "cancel")]

    def compose(self) -> ComposeResult:
        available = self.reviewer.tools.secretary_check is not None
        with Vertical(id="secretary-box"):
            yield Static(t("tui.secretary.title"), id="secretary-title")
            if available:
                yield Label(t("tui.secretary.passphrase"))
                yield Input(password=True, id="secretary-passphrase")
            yield Static("" if available else t("tui.not_available"), id="secretary-status")

    @on(Input.Submitted, "#secretary-passphrase")
    def _check(self, event: Input.Submitted) -> None:
        check = self.reviewer.tools.secretary_check
        if check is None or not event.value:
            return
        passphrase = event.value
        event.input.value = ""
        event.input.disabled = True
        self.query_one("#secretary-status", Static).update(t("tui.unlock.working"))
        run_job(self, "secretary", lambda: check(passphrase))

    @on(JobFinished)
    def _checked(self, message: JobFinished) -> None:
        field = self.query_one("#secretary-passphrase", Input)
        field.disabled = False
        if message.error is not None or not message.result:
            self.query_one("#secretary-status", Static).update(t("tui.secretary.wrong"))
            field.focus()
            return
        self.dismiss(None)
        self.reviewer.enter_secretary()

    def action_cancel(self) -> None:
        self.dismiss(None)
