"""Export and signing of the results PDF (done by the injected PDF tools, when present)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.i18n import t
from reviewer.tui.dashboard.snapshot import DashboardData
from reviewer.tui.widgets.css import css_beside


class ExportPane(VerticalScroll):
    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, can_export: bool, can_sign: bool, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_export = can_export
        self.can_sign = can_sign

    def compose(self) -> ComposeResult:
        yield Static(t("tui.export.explain"), classes="note")
        yield Static(t("tui.export.export_key") if self.can_export
                     else t("tui.export.export_missing"), classes="line")
        yield Static(t("tui.export.sign_key") if self.can_sign
                     else t("tui.export.sign_missing"), classes="line")
        yield Static(t("tui.dash.export_blockers"), classes="heading")
        yield Static("", id="export-blockers")
        yield Static("", id="export-status")

    def show(self, data: DashboardData) -> None:
        self.query_one("#export-blockers", Static).update(
            "\n".join(f"• {b}" for b in data.export_blockers) or t("tui.export.ready"))

    def report(self, text: str) -> None:
        self.query_one("#export-status", Static).update(text)
