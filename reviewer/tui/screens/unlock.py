"""First screen when the bundle is not yet open: the secretary types its passphrase.

Argon2id makes the unlock take about a second on purpose, so it runs in a worker and the
screen says it is working; a wrong passphrase or a damaged file shows the bundle's own error.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from reviewer.i18n import t
from reviewer.services import Session
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.widgets.footer import Footer

Opener = Callable[[str], Session]


class UnlockScreen(ReviewerScreen):
    CSS_PATH = "unlock.tcss"

    def __init__(self, opener: Opener) -> None:
        super().__init__()
        self.opener = opener

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box"):
            yield Static(t("tui.app.title"), id="unlock-title")
            yield Static(t("tui.unlock.explain"), id="unlock-explain")
            yield Label(t("tui.unlock.passphrase"))
            yield Input(password=True, id="passphrase")
            yield Static("", id="unlock-status")
        yield Footer()

    @on(Input.Submitted, "#passphrase")
    def _unlock(self, event: Input.Submitted) -> None:
        passphrase = event.value
        if not passphrase:
            return
        event.input.disabled = True
        self.query_one("#unlock-status", Static).update(t("tui.unlock.working"))
        run_job(self, "unlock", lambda: self.opener(passphrase))

    @on(JobFinished)
    def _unlocked(self, message: JobFinished) -> None:
        field = self.query_one("#passphrase", Input)
        if message.error is not None:
            field.disabled = False
            field.value = ""
            field.focus()
            self.query_one("#unlock-status", Static).update(str(message.error))
            return
        assert isinstance(message.result, Session)
        self.reviewer.session_opened(message.result)
