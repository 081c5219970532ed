"""Scoring: the queue beside the application and its score form.

Moving in the queue opens the highlighted application through ``Review.read_application``,
the only door to application content, so a recused expert sees why, never the text.
Every valid value is saved on its own (autosave) through a worker; only the queue cells of
the changed application are redrawn.

Moving (arrows, ctrl+n/p, enter on a last field) opens the next application at once, in the
same step as the key, so the keys typed after it land in that application's form; Textual's
later RowHighlighted for a row already open changes nothing, and no refresh or save ever
reloads a form under the expert's fingers.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header

from reviewer.domain.errors import DomainError
from reviewer.domain.justification import OUTLIER, OVERALL, Requirement, is_met
from reviewer.domain.review import (
    ABSTAINED,
    DRAFT,
    RECUSED,
    SCORED,
    UNSCORED,
    QueueItem,
    Review,
)
from reviewer.i18n import t
from reviewer.services import expert as ex
from reviewer.tui.gateway import CONNECTION_LOST
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.labels import named
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.declaration import recusal_form
from reviewer.tui.screens.form_dialog import Field, FormDialog, Values
from reviewer.tui.widgets.application_view import ApplicationView
from reviewer.tui.widgets.footer import Footer
from reviewer.tui.widgets.queue_table import QueueTable
from reviewer.tui.widgets.score_form import CriterionField, ScoreForm, plain

OVERALL_FIELD = "overall"  # the dialog's field for the application as a whole


class ScoringScreen(ReviewerScreen):
    CSS_PATH = "scoring.tcss"
    AUTO_FOCUS = "#queue"
    BINDINGS = [
        bind("ctrl+n", "step(1)", "next_application"),
        bind("ctrl+p", "step(-1)", "previous_application"),
        bind("f4", "score_here", "score_here", show=False),
        bind("f6", "next_unscored", "next_unscored", show=False),  # in f1 help; 80 columns
        bind("f2", "abstain", "abstain"),
        bind("f3", "recuse", "recuse_here"),
        bind("f5", "submit", "submit"),
        bind("f7", "justify", "justify", show=False),  # in f1 help; the form says when needed
    ]

    def __init__(self, expert_id: str) -> None:
        super().__init__()
        self.expert_id = expert_id
        self.round = ""
        self.opened: str | None = None

    def compose(self) -> ComposeResult:
        with self.gateway.reading() as review:
            criteria = [CriterionField(c.key, named(c.name, c.name_en), review.points[c.key])
                        for c in review.panel.expert_criteria]
            # parse_value reads only the panel and the points, fixed for the session: the
            # check of a keystroke never waits for a save holding the session lock
            self._parse_value = review.parse_value
        yield Header()
        with Horizontal(id="scoring-body"):
            yield QueueTable(id="queue")
            with Vertical(id="scoring-right"):
                yield ApplicationView(id="application")
                yield ScoreForm(criteria, self._parse, on_finished=self._finished, id="form")
        yield Footer()

    def _parse(self, criterion: str, text: str) -> Decimal | None:
        return self._parse_value(criterion, text)

    def on_mount(self) -> None:
        with self.gateway.reading() as review:
            self.round = review.round
            items = review.queue(self.expert_id)
            # a recused application shows only its id (nothing of it to a recused expert)
            names = {i.application: a.name for i in items if i.status != RECUSED
                     and (a := review.case.application(i.application)) is not None}
        self.queue.fill(items, names)
        self.queue.on_moved = self.open
        self.queue.on_chosen = self._chosen
        self._progress()

    @property
    def queue(self) -> QueueTable:
        return self.query_one("#queue", QueueTable)

    @property
    def form(self) -> ScoreForm:
        return self.query_one("#form", ScoreForm)

    @property
    def view(self) -> ApplicationView:
        return self.query_one("#application", ApplicationView)

    def _progress(self) -> None:
        # recused applications are not the expert's to score: neither done nor in the total
        items = [i for i in self.queue.items.values() if i.status != RECUSED]
        done = sum(1 for i in items if i.status in (SCORED, ABSTAINED))
        with self.gateway.reading() as review:
            expert = review.case.expert(self.expert_id)
            self.sub_title = t("tui.scoring.subtitle", name=expert.name if expert else "",
                               round=t(f"round.{review.round}"), done=done, total=len(items))

    # -- opening an application ---------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        app_id = str(event.row_key.value)
        if app_id != self.opened:  # a click, or the first row; keys have opened it already
            self.open(app_id)

    def _chosen(self, app_id: str) -> None:
        if app_id != self.opened:
            self.open(app_id)
        self.form.focus_first()

    def open(self, app_id: str) -> None:
        expert = self.expert_id
        self.opened = app_id

        def read(review: Review) -> tuple[object, dict[str, Decimal], bool, str]:
            app = review.read_application(expert, app_id)
            scores = review.own_scores(expert, app_id)
            item = self.queue.items.get(app_id)
            if review.is_submitted(expert):
                return app, scores, False, DomainError("review.sheet_locked", expert=expert).render()
            if item is not None and item.status == ABSTAINED:
                return app, scores, False, t("tui.scoring.abstained_note")
            return app, scores, True, ""

        try:
            app, scores, editable, note = self.gateway.read(read)
        except DomainError as refused:
            self.form.load(None, {}, editable=False)
            self.view.refuse(str(refused))
            return
        self.view.show(app)  # type: ignore[arg-type]
        self.form.load(app_id, scores, editable=editable, note=note)
        if editable:
            self._justify_hint()

    def action_step(self, delta: int) -> None:
        """Next/previous application that can be scored (recused ones cannot be opened)."""
        in_form = self.focused is not None and self.form in self.focused.ancestors
        self.queue.step(delta, skip={RECUSED})
        current = self.queue.current
        if current is not None and current != self.opened:
            self.open(current)  # now: the keys typed next belong to this application
        if in_form:
            self.form.focus_first()

    def action_next_unscored(self) -> None:
        """The next application not yet fully scored (after the current one, wrapping round),
        opened with the focus in its first field."""
        keys = list(self.queue.items)
        if not keys:
            return
        start = keys.index(self.queue.current) if self.queue.current in keys else -1
        for step in range(1, len(keys) + 1):
            app_id = keys[(start + step) % len(keys)]
            if self.queue.items[app_id].status in (UNSCORED, DRAFT):
                self.queue.select(app_id)
                if app_id != self.opened:
                    self.open(app_id)
                self.form.focus_first()
                return
        self.app.notify(t("tui.scoring.all_scored"))

    def action_score_here(self) -> None:
        self.form.focus_first()

    def _finished(self) -> None:
        self.action_step(1)

    # -- saving ------------------------------------------------------------------------------

    @on(ScoreForm.ScoreEntered)
    def _entered(self, event: ScoreForm.ScoreEntered) -> None:
        cell = (self.expert_id, event.application, event.criterion)
        self.gateway.request_score(cell, event.text)
        run_job(self, "save", lambda: self.gateway.save_score(cell), context=cell)

    @on(JobFinished)
    def _done(self, message: JobFinished) -> None:
        if (message.job == "save" and message.error is not None
                and message.error.code == CONNECTION_LOST):
            # kept as typed and saved again once the server answers (app.connection_restored)
            _, app_id, criterion = message.context
            if self.form.application == app_id:
                self.form.mark_kept(criterion, t("tui.connection.kept"))
            self.reviewer.connection_dropped(message.error)
        elif message.job == "save" and message.error is not None:
            _, app_id, criterion = message.context
            stored = self.gateway.read(
                lambda r: r.state.scores.get((self.expert_id, app_id, r.round), {}).get(criterion))
            if self.form.application == app_id:
                self.form.mark_failed(criterion, stored, str(message.error))
            self.app.notify(str(message.error), severity="error")
        elif message.error is not None:
            self.app.notify(str(message.error), severity="error")
        elif message.job == "save" and self.reviewer.offline:
            self.reviewer.connection_restored()  # a save got through: the server is back
        self._update_queue()
        if message.job in ("save", "justify") and message.error is None:
            self._justify_hint()
        if (message.job in ("abstain", "recuse") and message.error is None
                and self.queue.current == message.context):
            self.open(message.context)

    def _update_queue(self) -> None:
        items: list[QueueItem] = self.gateway.read(lambda r: r.queue(self.expert_id))
        self.queue.update_items(items)
        self._progress()

    def connection_restored(self) -> None:
        """The server answers again: save what was typed while it was gone."""
        gateway = self.gateway
        for cell in gateway.pending_cells():
            if cell[0] == self.expert_id:
                run_job(self, "save", functools.partial(gateway.save_score, cell), context=cell)
                if self.form.application == cell[1]:
                    self.form.mark_kept(cell[2], "")

    def session_changed(self) -> None:
        stale = self.gateway.read(lambda r: r.round != self.round or r.is_submitted(self.expert_id))
        if stale:
            self.reviewer.route_expert()
            return
        self._update_queue()

    # -- abstain, recuse, submit --------------------------------------------------------------

    def action_abstain(self) -> None:
        app_id, expert = self.queue.current, self.expert_id
        if app_id is None:
            return

        def chosen(values: Values | None) -> None:
            if values is not None:
                run_job(self, "abstain", lambda: ex.execute(
                    self.gateway, ex.Abstain(expert, app_id, values["reason"])), context=app_id)

        self.app.push_screen(FormDialog(t("tui.abstain.title", application=app_id),
                                        [Field("reason", t("tui.abstain.reason"))],
                                        note=t("tui.abstain.note")), chosen)

    def action_recuse(self) -> None:
        app_id, expert = self.queue.current, self.expert_id
        if app_id is None:
            return
        fields = self.gateway.read(recusal_form)

        def chosen(values: Values | None) -> None:
            if values is not None:
                run_job(self, "recuse", lambda: ex.execute(
                    self.gateway, ex.DeclareConflict(expert, app_id, values["kind"],
                                                     values["reason"])), context=app_id)

        item = self.queue.items.get(app_id)
        app = self.gateway.read(lambda r: r.case.application(app_id))
        shown = app is not None and item is not None and item.status != RECUSED
        self.app.push_screen(FormDialog(t("tui.recuse.title", application=app_id,
                                          name=app.name if shown and app else ""), fields,
                                        note=t("tui.recuse.note",
                                               article=self.gateway.session.panel.recusal_article)),
                            chosen)

    # -- 评分理由 (reviewer.domain.justification) ---------------------------------------------

    def _owed(self, app_id: str) -> tuple[list[Requirement], dict[str, str]]:
        """The reasons the expert's scores of ``app_id`` require, and the comments written."""
        expert = self.expert_id

        def read(review: Review) -> tuple[list[Requirement], dict[str, str]]:
            return review.required_for(expert, app_id), review.comments_of(expert, app_id)

        return self.gateway.read(read)

    def _justify_hint(self) -> None:
        """Under the form: which reasons this application's scores still need (f7 writes)."""
        app_id = self.form.application
        if app_id is None:
            return
        needed, comments = self._owed(app_id)
        missing = [r for r in needed if not is_met(r, comments)]
        items = t("list.separator").join(self._describe(r) for r in missing)
        self.form.set_note(t("tui.justify.hint", items=items) if missing else "")

    def _describe(self, requirement: Requirement) -> str:
        if requirement.reason == OUTLIER:
            return t("justify.needed_outlier", value=plain(requirement.value))
        rule = self.gateway.read(lambda r: r.justification_rule)
        name = next((c.name for c in self.form.criteria if c.key == requirement.criterion),
                    requirement.criterion)
        return t("justify.needed_low", criterion=name, value=plain(requirement.value),
                 share=rule.share)

    def action_justify(self) -> None:
        """A dialog for the reasons of the open application: one field per reason owed (a
        low criterion, an outlier total), or one for the application when none is owed."""
        app_id, expert = self.form.application, self.expert_id
        if app_id is None or self.form.field(self.form.criteria[0].key).disabled:
            return
        self.form.flush()
        needed, comments = self._owed(app_id)
        fields = [Field(r.criterion or OVERALL_FIELD, self._describe(r),
                        value=comments.get(r.criterion, "") or comments.get(OVERALL, ""))
                  for r in needed]
        if not fields:
            fields = [Field(OVERALL_FIELD, t("justify.field_placeholder"),
                            value=comments.get(OVERALL, ""), required=False)]

        def chosen(values: Values | None) -> None:
            if values is None:
                return
            pairs = tuple((OVERALL if k == OVERALL_FIELD else k, v) for k, v in values.items())
            run_job(self, "justify", lambda: ex.execute(
                self.gateway, ex.Justify(expert, app_id, pairs)), context=app_id)

        self.app.push_screen(FormDialog(t("justify.prompt", what=app_id), fields,
                                        note=t("tui.justify.note")), chosen)

    def action_submit(self) -> None:
        from reviewer.tui.screens.submit import SubmitScreen

        self.form.flush()
        self.app.push_screen(SubmitScreen(self.expert_id))
