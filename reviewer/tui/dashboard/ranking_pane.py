"""Rankings: each professional group with its nomination line, and the comprehensive ranking
with the cap line and tiers drawn in; unresolved ties listed for resolution."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Select, Static

from reviewer.domain.case import Case
from reviewer.domain.panel import Panel
from reviewer.i18n import t
from reviewer.tui.dashboard.ranking_lines import (
    FINAL,
    Line,
    final_lines,
    group_lines,
    outside_lines,
    tie_break_texts,
)
from reviewer.tui.dashboard.snapshot import DashboardData
from reviewer.tui.text import clip
from reviewer.tui.widgets.css import css_beside

COLUMNS = ("rank", "application", "name", "score", "counted", "outcome")


class RankingPane(Vertical):
    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, case: Case, panel: Panel, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.case = case
        self.panel = panel
        self.data: DashboardData | None = None
        self.lines: list[Line] = []

    def compose(self) -> ComposeResult:
        yield Select([], prompt=t("tui.rank.choose"), id="rank-choice")
        yield Static("", id="rank-ties")
        yield DataTable(id="ranking", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        table = self.query_one("#ranking", DataTable)
        for key in COLUMNS:
            table.add_column(t(f"tui.rank.col.{key}"), key=key)

    def show(self, data: DashboardData) -> None:
        self.data = data
        options = [(t("tui.rank.group", group=data.group_names.get(g, g)), g)
                   for g in data.results["professional"]]
        if data.results["comprehensive"] or data.results["final"]:
            options.append((t("tui.rank.final"), FINAL))
        choice = self.query_one("#rank-choice", Select)
        current = choice.value
        with choice.prevent(Select.Changed):
            choice.set_options(options)
            values = [v for _, v in options]
            if current in values:
                choice.value = current
            elif values:
                choice.value = FINAL if FINAL in values else values[0]
        self._draw()

    @on(Select.Changed, "#rank-choice")
    def _chosen(self) -> None:
        self._draw()

    def _draw(self) -> None:
        table = self.query_one("#ranking", DataTable)
        table.clear()
        data = self.data
        choice = self.query_one("#rank-choice", Select).value
        if data is None or not isinstance(choice, str):
            self.lines = []
            return
        ties = data.results["unresolved_ties"]
        notes = [t("tui.rank.ties", ties=" | ".join(", ".join(g) for g in ties))] if ties else []
        notes += tie_break_texts(data.results, self.panel, choice)
        self.query_one("#rank-ties", Static).update("\n".join(notes))
        names = {i: clip(n, 14) for i, n in data.app_names.items()}
        if choice == FINAL:
            self.lines = final_lines(data.results, self.case, self.panel, names)
        else:
            group = self.case.group(choice)
            self.lines = group_lines(data.results["professional"].get(choice, []), names,
                                     self.case.rules.min_experts,
                                     places=group.nominate if group else None,
                                     min_score=self.case.rules.min_score)
            self.lines += outside_lines(data.results, self.case, choice, names)
        for index, line in enumerate(self.lines):
            if line.rule:
                table.add_row("", "", Text(line.rule, style=line.style), "", "", "",
                              key=f"rule-{index}")
            else:
                table.add_row(line.rank, line.application, line.name, line.score, line.counted,
                              Text(line.outcome, style=line.style), key=f"row-{index}")

    @property
    def current_application(self) -> str | None:
        table = self.query_one("#ranking", DataTable)
        if not table.row_count or table.cursor_row >= len(self.lines):
            return None
        return self.lines[table.cursor_row].application or None
