"""Offered at an expert's first login: replace the sealed PIN with one only they know.

The new PIN is typed twice and hashed with Argon2 in a worker; skipping is allowed (the
offer comes back at the next login until the PIN has been changed).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from reviewer.i18n import t
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerModal


class PinChangeScreen(ReviewerModal[bool]):
    CSS_PATH = "pin_change.tcss"
    BINDINGS = [bind("escape", "skip", "skip_pin")]

    def __init__(self, expert_id: str) -> None:
        super().__init__()
        self.expert_id = expert_id

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Static(t("tui.pin.title"), id="pin-title")
            yield Static(t("tui.pin.explain"), id="pin-explain")
            yield Label(t("tui.pin.new"))
            yield Input(password=True, restrict=r"[0-9]*", max_length=32, id="pin-new")
            yield Label(t("tui.pin.repeat"))
            yield Input(password=True, restrict=r"[0-9]*", max_length=32, id="pin-repeat")
            yield Static("", id="pin-status")
            with Horizontal(id="pin-buttons"):
                yield Button(t("tui.pin.change"), variant="primary", id="pin-change")
                yield Button(t("tui.pin.skip"), id="pin-skip")

    @on(Input.Submitted, "#pin-new")
    def _to_repeat(self) -> None:
        self.query_one("#pin-repeat", Input).focus()

    @on(Input.Submitted, "#pin-repeat")
    @on(Button.Pressed, "#pin-change")
    def _change(self) -> None:
        new = self.query_one("#pin-new", Input).value
        repeat = self.query_one("#pin-repeat", Input).value
        status = self.query_one("#pin-status", Static)
        if new != repeat:
            status.update(t("tui.pin.mismatch"))
            return
        expert = self.expert_id
        status.update(t("tui.pin.saving"))
        run_job(self, "pin", lambda: self.gateway.run(lambda r: r.change_pin(expert, new)))

    @on(JobFinished)
    def _changed(self, message: JobFinished) -> None:
        if message.error is not None:
            self.query_one("#pin-status", Static).update(str(message.error))
            return
        self.app.notify(t("tui.pin.changed"))
        self.dismiss(True)

    @on(Button.Pressed, "#pin-skip")
    def action_skip(self) -> None:
        self.reviewer.skipped_pin_change.add(self.expert_id)
        self.dismiss(False)
