"""One application as the expert reads it: summary and materials rendered as Markdown.

When the expert may not see it (回避, or not theirs) the view shows only why, never the text.
The view is a log of pre-rendered lines (Textual's ``RichLog``): showing another application
replaces its lines without a layout pass of the whole screen or mounting widgets, which is
what kept a move through a 5,000-row queue slow. One move renders at once; moves that follow
each other within ``RENDER_DELAY`` (a key held down) render only where they stop.
"""

from __future__ import annotations

import time

from rich.markdown import Markdown
from rich.text import Text
from textual import events
from textual.timer import Timer
from textual.widgets import RichLog

from reviewer.domain.case import Application
from reviewer.domain.masking import mask_text
from reviewer.i18n import t
from reviewer.tui.widgets.css import css_beside

RENDER_DELAY = 0.04


def application_markdown(app: Application) -> str:
    """The application as Markdown, ID and phone numbers masked (issue 13)."""
    return mask_text(_markdown(app))


def _markdown(app: Application) -> str:
    parts = [f"## {app.id} {app.name}", "", f"**{t('tui.app_view.unit')}**：{app.unit}", ""]
    if app.summary:
        parts += [f"### {t('tui.app_view.summary')}", "", app.summary, ""]
    for material in app.materials:
        parts += [f"### {material.name}", "", material.text, ""]
    if not app.summary and not app.materials:
        parts += [t("tui.app_view.no_materials")]
    return "\n".join(parts)


class ApplicationView(RichLog):
    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=True, markup=False, auto_scroll=False, min_width=1)
        self.shown_text = ""  # what the view shows (or is about to, after the short delay)
        self.refusal = ""  # why nothing is shown, when it is not
        self._painted: tuple[str, str] | None = None  # (refusal, text) the lines were made of
        self._timer: Timer | None = None
        self._last_show = -RENDER_DELAY

    def show(self, app: Application) -> None:
        self.refusal = ""
        self.shown_text = application_markdown(app)
        now, last = time.monotonic(), self._last_show
        self._last_show = now
        if self._timer is not None:
            self._timer.reset()
        elif now - last >= RENDER_DELAY:
            self._paint()
        else:
            self._timer = self.set_timer(RENDER_DELAY, self._paint)

    def refuse(self, reason: str) -> None:
        """Show why nothing is shown, and make sure nothing else is, at once."""
        if self._timer is not None:
            self._timer.stop()
        self.shown_text = ""
        self.refusal = reason
        self._paint()

    def on_resize(self, event: events.Resize) -> None:
        """Lines are wrapped to the width they were written at: write them again."""
        if self._painted is not None:
            self._painted = None
            self._paint()

    def _paint(self) -> None:
        self._timer = None
        wanted = (self.refusal, self.shown_text)
        if wanted == self._painted:
            return
        self._painted = wanted
        self.clear()
        self.set_class(bool(self.refusal), "refused")  # the colour comes from the CSS class
        if self.refusal:
            self.write(Text(self.refusal, style="bold"))
        else:
            # offline: links are shown as text, never handed to a browser
            self.write(Markdown(self.shown_text, hyperlinks=False))
            self.scroll_home(animate=False)
