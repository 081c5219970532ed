"""The key bar, compact below 100 columns so that every key and its words fit at 80×24
(issue 10: the footer read ``^l 退出▏^k   令`` there)."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer as TextualFooter

COMPACT_BELOW = 100


class Footer(TextualFooter):
    def on_mount(self) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW

    def on_resize(self, event: events.Resize) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW
