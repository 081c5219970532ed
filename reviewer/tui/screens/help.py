"""``?``: the keys of the screen underneath, generated from its active bindings."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reviewer.i18n import t
from reviewer.tui.commands import screen_bindings
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerModal
from reviewer.tui.text import fit


def key_table(app: Any, screen: Screen[Any]) -> list[tuple[str, str, str]]:
    """(keys, what it does, longer explanation) for every action of ``screen``."""
    keys: dict[tuple[str, int], list[str]] = {}
    rows: dict[tuple[str, int], tuple[str, str]] = {}
    raw = getattr(screen, "raw_bindings", screen.active_bindings)
    for active in raw.values():
        ident = (active.binding.action, id(active.node))
        keys.setdefault(ident, []).append(app.get_key_display(active.binding))
    for _key, active in screen_bindings(screen):
        ident = (active.binding.action, id(active.node))
        rows[ident] = (active.binding.description, active.binding.tooltip or "")
    return [(" ".join(dict.fromkeys(keys[i])), desc, tip) for i, (desc, tip) in rows.items()]


class HelpScreen(ReviewerModal[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [bind("escape,f1,question_mark,q", "close", "close")]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = key_table(self.app, self.under)
        key_cells = max((cell_len(k) for k, _, _ in rows), default=4) + 2
        desc_cells = max((cell_len(d) for _, d, _ in rows), default=4) + 2
        lines = Text()
        for keys, desc, tip in rows:
            lines.append(fit(keys, key_cells), style="bold")
            lines.append(fit(desc, desc_cells))
            if tip and tip != desc:
                lines.append(tip, style="dim")
            lines.append("\n")
        with Vertical(id="help-box"):
            yield Static(t("tui.help.title"), id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(lines)
            yield Static(t("tui.help.footer"), id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
