"""Progress per group and per expert, with what still holds the round open."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static

from reviewer.domain.ranking import CLOSED
from reviewer.i18n import t
from reviewer.tui.dashboard.snapshot import DashboardData
from reviewer.tui.text import fit
from reviewer.tui.widgets.css import css_beside

NAME_CELLS = 14


def progress_row(name: str, done: int, total: int, note: str) -> Horizontal:
    bar = ProgressBar(total=max(total, 1), show_eta=False, show_percentage=True)
    bar.progress = done if total else 1
    return Horizontal(Label(fit(name, NAME_CELLS)), bar, Label(note, classes="note"),
                      classes="progress-row")


class ProgressPane(VerticalScroll):
    DEFAULT_CSS = css_beside(__file__)

    def compose(self) -> ComposeResult:
        yield Static(t("tui.dash.loading"))

    def show(self, data: DashboardData) -> None:
        widgets: list[Widget] = [Static(t(f"round.{data.round}"), classes="heading")]
        if data.round == CLOSED:  # no round to follow: say so instead of empty bars
            widgets.append(Static(t("tui.dash.closed_progress"), classes="pending"))
            self.remove_children()
            self.mount_all(widgets)
            return
        widgets.append(Static(t("tui.dash.groups"), classes="heading"))
        for group in data.groups:
            widgets.append(progress_row(group.name, group.done, group.total,
                                        t("tui.dash.group_note", submitted=group.submitted,
                                          members=group.members)))
        widgets.append(Static(t("tui.dash.experts"), classes="heading"))
        for expert in data.experts:
            if not expert.scope:
                continue
            note = t("tui.dash.submitted") if expert.submitted else t(
                "tui.dash.expert_note", done=expert.done, scope=expert.scope)
            widgets.append(progress_row(expert.name, expert.done, expert.scope, note))
        unacked = [e.name for e in data.experts if not e.acknowledged and not e.submitted]
        undeclared = [f"{e.name}（{e.undeclared}）" for e in data.experts
                      if e.acknowledged and e.undeclared]
        widgets.append(Static(t("tui.dash.pending_ack", names="、".join(unacked) or "—"),
                              classes="pending"))
        widgets.append(Static(t("tui.dash.pending_declare", names="、".join(undeclared) or "—"),
                              classes="pending"))
        widgets.append(Static(t("tui.dash.blockers"), classes="heading"))
        for blocker in data.blockers or [t("tui.dash.no_blockers")]:
            widgets.append(Static(f"• {blocker}", classes="blocker"))
        self.remove_children()
        self.mount_all(widgets)
