"""The secretary's dashboard: progress, 回避, sheets, rounds, rankings, spread and export.

Every action is a key (and so a palette command); each asks for what the rule requires (a
reason, a path) in a small form, runs in a worker through the session and then redraws all
panes from one fresh snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Header, TabbedContent, TabPane

from reviewer.domain.ranking import CLOSED, PROFESSIONAL
from reviewer.domain.review import ImportRejected
from reviewer.i18n import get_locale, t
from reviewer.services import secretary as sec
from reviewer.tui.dashboard.conflicts_pane import ConflictsPane
from reviewer.tui.dashboard.export_pane import ExportPane
from reviewer.tui.dashboard.progress_pane import ProgressPane
from reviewer.tui.dashboard.ranking_lines import tie_break_texts
from reviewer.tui.dashboard.ranking_pane import RankingPane
from reviewer.tui.dashboard.rounds_pane import RoundsPane
from reviewer.tui.dashboard.sheets_pane import SheetsPane
from reviewer.tui.dashboard.snapshot import DashboardData, build
from reviewer.tui.dashboard.spread_pane import SpreadPane
from reviewer.tui.jobs import Job, JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.form_dialog import Field, FormDialog, Values
from reviewer.tui.widgets.footer import Footer


class DashboardScreen(ReviewerScreen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        bind("escape", "leave", "leave_dashboard"),
        bind("f6", "refresh", "refresh", show=False),
        bind("l", "lift", "lift", show=False),
        bind("o", "reopen", "reopen", show=False),
        bind("u", "unlock_pin", "unlock_pin", show=False),
        bind("i", "import_sheets", "import_sheets", show=False),
        bind("a", "advance", "advance"),
        bind("t", "resolve_tie", "resolve_tie"),
        bind("d", "disqualify", "disqualify", show=False),
        bind("e", "export", "export"),
        bind("s", "sign", "sign", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: DashboardData | None = None

    def compose(self) -> ComposeResult:
        case, panel = self.gateway.session.case, self.gateway.session.panel
        tools = self.reviewer.tools
        self.sub_title = t("tui.dash.subtitle", title=case.title, measure=panel.name)
        yield Header()
        with TabbedContent(id="tabs"):
            with TabPane(t("tui.dash.tab.progress"), id="tab-progress"):
                yield ProgressPane(id="progress-pane")
            with TabPane(t("tui.dash.tab.conflicts"), id="tab-conflicts"):
                yield ConflictsPane(id="conflicts-pane")
            with TabPane(t("tui.dash.tab.sheets"), id="tab-sheets"):
                yield SheetsPane(id="sheets-pane")
            with TabPane(t("tui.dash.tab.rounds"), id="tab-rounds"):
                yield RoundsPane(id="rounds-pane")
            with TabPane(t("tui.dash.tab.ranking"), id="tab-ranking"):
                yield RankingPane(case, panel, id="ranking-pane")
            with TabPane(t("tui.dash.tab.spread"), id="tab-spread"):
                yield SpreadPane(id="spread-pane")
            with TabPane(t("tui.dash.tab.export"), id="tab-export"):
                yield ExportPane(tools.exporter is not None, tools.signer is not None,
                                 id="export-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    # -- the snapshot -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        run_job(self, "snapshot", lambda: self.gateway.read(build))

    def session_changed(self) -> None:
        self.action_refresh()

    def _show(self, data: DashboardData) -> None:
        self.data = data
        self.query_one(ProgressPane).show(data)
        self.query_one(ConflictsPane).show(data)
        self.query_one(SheetsPane).show(data)
        self.query_one(RoundsPane).show(data)
        self.query_one(RankingPane).show(data)
        self.query_one(SpreadPane).show(data)
        self.query_one(ExportPane).show(data)

    @on(JobFinished)
    def _finished(self, message: JobFinished) -> None:
        if message.job == "snapshot":
            if message.error is None:
                self._show(message.result)
            return
        if message.job == "import" and isinstance(message.error, ImportRejected):
            self.query_one(SheetsPane).show_import(str(message.error), message.error.problems)
            self._tab("tab-sheets")
        elif message.job in ("export", "sign"):
            text = str(message.error) if message.error else t(f"tui.export.{message.job}_done",
                                                               path=str(message.context))
            self.query_one(ExportPane).report(text)
        if message.error is not None:
            self.notify(str(message.error), severity="error", timeout=8)
        else:
            self.notify(t(f"tui.dash.done.{message.job}"))
            if message.job == "import":
                self.query_one(SheetsPane).show_import(t("tui.dash.done.import"), [])
        self.action_refresh()

    # -- helpers ----------------------------------------------------------------------------

    def _tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def _on_tab(self, tab: str) -> bool:
        if self.query_one("#tabs", TabbedContent).active != tab:
            self._tab(tab)
            self.notify(t("tui.dash.pick_row"))
            return False
        return True

    def _ask(self, title: str, fields: list[Field], then: Callable[[Values], None],
             note: str = "") -> None:
        def answered(values: Values | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(FormDialog(title, fields, note=note), answered)

    def _command(self, job: Job, make: Callable[[Values], sec.SecretaryCommand],
                 context: Any = None) -> Callable[[Values], None]:
        """The same use case as the CLI's subcommand (``reviewer.services.secretary``)."""
        def run(values: Values) -> None:
            run_job(self, job, lambda: sec.execute(self.gateway, make(values)), context)

        return run

    # -- actions ----------------------------------------------------------------------------

    def action_leave(self) -> None:
        """Back to the waiting screen; F8 within the idle limit needs no passphrase again
        (the bundle check costs seconds), an expert's login or the limit ends that."""
        self.reviewer.secretary = False
        self.reviewer.secretary_until = time.monotonic() + self.reviewer.idle_seconds
        self.app.pop_screen()

    def action_lift(self) -> None:
        if not self._on_tab("tab-conflicts"):
            return
        row = self.query_one(ConflictsPane).current
        if row is None:
            return
        if not (row.active and row.liftable):
            self.notify(t("review.not_liftable", expert=row.expert, application=row.application),
                        severity="warning")
            return
        self._ask(t("tui.dash.lift_title", expert=row.expert_name, application=row.application),
                  [Field("reason", t("tui.dash.reason"))],
                  self._command("lift", lambda v: sec.LiftConflict(
                      row.expert, row.application, v["reason"])))

    def action_reopen(self) -> None:
        if not self._on_tab("tab-sheets"):
            return
        row = self.query_one(SheetsPane).current
        if row is None:
            return
        self._ask(t("tui.dash.reopen_title", expert=row.name),
                  [Field("reason", t("tui.dash.reason"))],
                  self._command("reopen", lambda v: sec.Reopen(row.expert, v["reason"])))

    def action_unlock_pin(self) -> None:
        """Lift the selected expert's PIN lockout (audited, with a reason; issue 10)."""
        if not self._on_tab("tab-sheets"):
            return
        row = self.query_one(SheetsPane).current
        if row is None:
            return
        self._ask(t("tui2.dash.unlock_title", expert=row.name, id=row.expert),
                  [Field("reason", t("tui.dash.reason"))],
                  self._command("unlock_pin", lambda v: sec.UnlockPin(row.expert, v["reason"])))

    def action_import_sheets(self) -> None:
        importer = self.reviewer.tools.importer
        if importer is None:
            self.notify(t("tui.not_available"), severity="warning")
            return

        def run(values: Values) -> None:
            path = Path(values["path"]).expanduser()
            reason = values.get("reason", "").strip()  # a reason replaces submitted sheets
            run_job(self, "import", lambda: importer(path, bool(reason), reason), path)

        self._ask(t("tui.dash.import_title"),
                  [Field("path", t("tui.dash.path")),
                   Field("reason", t("tui.dash.import_replace_reason"), required=False)], run,
                  note=t("tui.dash.import_note"))

    def action_advance(self) -> None:
        data = self.data
        if data is None or data.round == CLOSED:
            self.notify(t("review.round_closed"), severity="warning")
            return
        final = data.round != PROFESSIONAL  # the last round: advancing ends the review
        if data.blockers:
            note = "\n".join(data.blockers[:6])
            self._ask(t("tui.dash.force_close_title" if final else "tui.dash.force_title",
                        count=len(data.blockers)),
                      [Field("reason", t("tui.dash.reason"))],
                      self._command("advance", lambda v: sec.Advance(
                          force=True, reason=v["reason"], expected=data.round)), note=note)
        else:
            self._ask(t("tui.dash.close_title" if final else "tui.dash.advance_title",
                        round=t(f"round.{data.round}")), [],
                      self._command("advance", lambda v: sec.Advance(expected=data.round)))

    def action_resolve_tie(self) -> None:
        ties = self.data.results["unresolved_ties"] if self.data else []
        if not ties:
            decided = tie_break_texts(self.data.results, self.gateway.session.panel) if self.data else []
            self.notify(t("tui2.tie.decided_only", lines="\n".join(decided)) if decided
                        else t("tui2.tie.none"), timeout=12)
            return
        note = t("tui.dash.tie_note", ties=" | ".join(", ".join(g) for g in ties))
        self._ask(t("tui.dash.tie_title"),
                  [Field("order", t("tui.dash.tie_order"), ",".join(ties[0])),
                   Field("reason", t("tui.dash.reason"))],
                  self._command("tie", lambda v: sec.ResolveTie.parse(v["order"], v["reason"])),
                  note=note)

    def action_disqualify(self) -> None:
        current = self.query_one(RankingPane).current_application or ""
        self._ask(t("tui.dash.disqualify_title"),
                  [Field("application", t("tui.dash.application"), current),
                   Field("reason", t("tui.dash.reason"))],
                  self._command("disqualify", lambda v: sec.Disqualify(
                      v["application"], v["reason"])), note=self._disqualify_note())

    def _disqualify_note(self) -> str:
        """The measure's own words on removal and its article (not 第十六条 for every one)."""
        panel = self.gateway.session.panel
        rule = panel.disqualification
        if not rule.allowed:
            return t("tui2.disq.not_allowed", note=rule.text or rule.article or "—")
        text = rule.text_en if get_locale() == "en" and rule.text_en else rule.text
        return t("tui.dash.disqualify_note", text=text, policy=panel.policy,
                 article=rule.article)

    def _pdf_action(self, job: Job, tool: Callable[[Path], object] | None, title: str) -> None:
        self._tab("tab-export")
        if tool is None:
            self.notify(t("tui.not_available"), severity="warning")
            self.query_one(ExportPane).report(t("tui.not_available"))
            return
        case_id = self.gateway.session.case.case_id
        default = self.reviewer.tools.export_path or Path(f"{case_id}-results.pdf")

        def run(values: Values) -> None:
            path = Path(values["path"]).expanduser()
            self.query_one(ExportPane).report(t("tui.export.working"))
            run_job(self, job, lambda: tool(path), path)

        self._ask(title, [Field("path", t("tui.dash.path"), str(default))], run)

    def action_export(self) -> None:
        self._pdf_action("export", self.reviewer.tools.exporter, t("tui.export.export_title"))

    def action_sign(self) -> None:
        self._pdf_action("sign", self.reviewer.tools.signer, t("tui.export.sign_title"))
