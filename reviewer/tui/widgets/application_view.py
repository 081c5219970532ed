"""One application as the expert reads it: summary and materials rendered as Markdown.

When the expert may not see it (回避, or not theirs) the view shows only why, never the text.
Rendering Markdown mounts widgets, which is the slow part of moving through a long queue, so
the text is rendered a moment after the last move (holding ↓ renders only where it stops).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Markdown, Static

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


class ApplicationView(VerticalScroll):
    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown_text = ""  # what the view shows (or is about to, after the short delay)
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="app-refusal")
        yield Markdown("", id="app-markdown", open_links=False)  # offline: no browser

    def show(self, app: Application) -> None:
        self._refusal("")
        self.shown_text = application_markdown(app)
        if self._timer is None:
            self._timer = self.set_timer(RENDER_DELAY, self._show_pending)
        else:
            self._timer.reset()

    def refuse(self, reason: str) -> None:
        """Show why nothing is shown, and make sure nothing else is, at once."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.shown_text = ""
        self.query_one("#app-markdown", Markdown).update("")
        self._refusal(reason)

    def _refusal(self, reason: str) -> None:
        refusal = self.query_one("#app-refusal", Static)
        if refusal.content != reason:
            refusal.display = bool(reason)
            refusal.update(reason)

    async def _show_pending(self) -> None:
        self._timer = None
        markdown = self.query_one("#app-markdown", Markdown)
        if markdown.source != self.shown_text:
            await markdown.update(self.shown_text)
            self.scroll_home(animate=False)
