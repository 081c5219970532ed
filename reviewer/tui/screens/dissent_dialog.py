"""The expert's 不同意见 dialog: a written dissent on a closed round's result, in their name.

Opened from the expert's own submitted sheet (``D``), offered only for the rounds the core
says the expert may still dissent on (``Review.dissent_rounds``: a member of the round, the
round closed, none recorded yet). The text may run over several lines. Dismisses with
``(round, text)`` or ``None``; the screen underneath records it through the services and
shows the core's refusal, if any, in the user's language.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static, TextArea

from reviewer.i18n import t
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerModal

Dissent = tuple[str, str]  # (round key, text)


class DissentDialog(ReviewerModal[Dissent | None]):
    DEFAULT_CSS = """
    DissentDialog { align: center middle; }
    DissentDialog #dissent-box {
        width: 80; max-width: 95%; height: auto; max-height: 95%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    DissentDialog #dissent-title { text-style: bold; color: $accent; }
    DissentDialog #dissent-note { color: $text-muted; }
    DissentDialog #dissent-text { height: 8; }
    DissentDialog #dissent-error { color: $error; height: auto; }
    DissentDialog #dissent-buttons { height: auto; align-horizontal: right; }
    DissentDialog #dissent-buttons Button { margin-left: 1; }
    """
    BINDINGS = [bind("escape", "cancel", "cancel")]
    AUTO_FOCUS = "#dissent-text"

    def __init__(self, expert_name: str, rounds: list[tuple[str, str]]) -> None:
        """``rounds``: (the panel's name of the round, its key), those the expert may use."""
        super().__init__()
        self.expert_name = expert_name
        self.rounds = rounds

    def compose(self) -> ComposeResult:
        with Vertical(id="dissent-box"):
            yield Static(t("tui.sits.dissent_title", name=self.expert_name), id="dissent-title")
            yield Static(t("tui.sits.dissent_note"), id="dissent-note")
            yield Select(self.rounds, value=self.rounds[0][1], allow_blank=False,
                         id="dissent-round")
            yield TextArea(id="dissent-text")
            yield Static("", id="dissent-error")
            with Horizontal(id="dissent-buttons"):
                yield Button(t("tui.sits.dissent_ok"), variant="primary", id="dissent-ok")
                yield Button(t("tui.form.cancel"), id="dissent-cancel")

    @on(Button.Pressed, "#dissent-ok")
    def _ok(self) -> None:
        text = self.query_one("#dissent-text", TextArea).text
        if not text.strip():
            self.query_one("#dissent-error", Static).update(t("dissent.text_required"))
            return
        self.dismiss((str(self.query_one("#dissent-round", Select).value), text))

    @on(Button.Pressed, "#dissent-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
