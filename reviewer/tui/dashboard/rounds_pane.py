"""The round: where it stands, what blocks advancing, what blocks signed results."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.domain.ranking import CLOSED
from reviewer.i18n import t
from reviewer.tui.dashboard.snapshot import DashboardData
from reviewer.tui.widgets.css import css_beside


class RoundsPane(VerticalScroll):
    DEFAULT_CSS = css_beside(__file__)

    def compose(self) -> ComposeResult:
        yield Static("", id="round-now", classes="heading")
        yield Static("", id="round-hint")
        yield Static(t("tui.dash.blockers"), classes="heading")
        yield Static("", id="round-blockers")
        yield Static(t("tui.dash.export_blockers"), classes="heading")
        yield Static("", id="round-export")

    def show(self, data: DashboardData) -> None:
        self.query_one("#round-now", Static).update(
            t("tui.dash.round_now", round=t(f"round.{data.round}")))
        hint = t("tui.dash.round_closed") if data.round == CLOSED else t("tui.dash.advance_hint")
        self.query_one("#round-hint", Static).update(hint)
        self.query_one("#round-blockers", Static).update(
            "\n".join(f"• {b}" for b in data.blockers) or t("tui.dash.no_blockers"))
        self.query_one("#round-export", Static).update(
            "\n".join(f"• {b}" for b in data.export_blockers) or t("tui.dash.no_blockers"))
