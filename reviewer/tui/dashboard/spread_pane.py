"""Score spread per expert: the sorted totals of their counted sheets as a sparkline, with
count, mean and standard deviation (what the supervision group looks at, 第十八条)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Sparkline, Static

from reviewer.i18n import t
from reviewer.tui.dashboard.snapshot import DashboardData, rounds_with_stats
from reviewer.tui.text import fit
from reviewer.tui.widgets.css import css_beside

NAME_CELLS = 14


class SpreadPane(VerticalScroll):
    DEFAULT_CSS = css_beside(__file__)

    def compose(self) -> ComposeResult:
        yield Static(t("tui.dash.loading"))

    def show(self, data: DashboardData) -> None:
        widgets: list[Widget] = []
        stats = data.results.get("stats", {})
        for round_name in rounds_with_stats(data):
            experts = stats[round_name]["experts"]
            widgets.append(Static(t(f"round.{round_name}"), classes="heading"))
            if not experts:
                widgets.append(Static(t("tui.spread.none"), classes="note"))
            for expert_id, figures in experts.items():
                totals = [float(x) for x in figures["totals"]]
                name = data.expert_names.get(expert_id, expert_id)
                widgets.append(Horizontal(
                    Label(fit(name, NAME_CELLS)),
                    Sparkline(totals, summary_function=max, classes="spark"),
                    Label(t("tui.spread.figures", count=figures["count"], mean=figures["mean"],
                            sd=figures["sd"] or "—"), classes="note"),
                    classes="spread-row"))
        if not widgets:
            widgets.append(Static(t("tui.spread.none"), classes="note"))
        self.remove_children()
        self.mount_all(widgets)
