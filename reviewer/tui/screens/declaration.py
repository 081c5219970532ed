"""回避申明 (第十九条): for every application of the expert's group, 无利害关系 or 回避.

Only id, name and the full unit are shown (experts judge a conflict by the unit: it is never
cut). Once the expert is recused from an application only its id and the recusal remain
(nothing of it to a recused expert). Conflicts the program found (the expert is the
applicant, same unit) or the secretary listed are locked with their reason; the expert
declares each of the others. Scoring opens when nothing is left undeclared: ``c`` before
then says how many are left and moves to the first.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from reviewer.domain.review import Review
from reviewer.i18n import t
from reviewer.services import expert as ex
from reviewer.tui import flow
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.labels import declaration_text, named
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.form_dialog import Field, FormDialog, Values
from reviewer.tui.text import Cell, clip
from reviewer.tui.widgets.footer import Footer

NAME_CELLS = 12
RECUSED_ROWS = (flow.RECUSED_SELF, flow.RECUSED_LOCKED)
STYLES = {flow.PENDING: "bold", flow.CLEAR: "green", flow.RECUSED_SELF: "yellow",
          flow.RECUSED_LOCKED: "red"}


def recusal_form(review: Review) -> list[Field]:
    kinds = [(named(r.name, r.name_en), r.key) for r in review.panel.recusal_reasons]
    default = "interest" if any(k == "interest" for _, k in kinds) else ""
    return [Field("kind", t("tui.recuse.kind"), default, choices=kinds),
            Field("reason", t("tui.recuse.reason"))]


class DeclarationScreen(ReviewerScreen):
    CSS_PATH = "declaration.tcss"
    AUTO_FOCUS = "#declarations"
    BINDINGS = [
        bind("n", "no_conflict", "no_conflict"),
        bind("r", "recuse", "recuse"),
        bind("a", "clear_rest", "clear_rest"),
        bind("c,f5", "continue", "continue"),
    ]

    def __init__(self, expert_id: str) -> None:
        super().__init__()
        self.expert_id = expert_id
        self.status: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("tui.declare.explain", article=self.gateway.session.panel.recusal_article),
                     id="declare-explain")
        yield DataTable(id="declarations", cursor_type="row", zebra_stripes=True)
        yield Static("", id="declare-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#declarations", DataTable)
        table.add_column(t("tui.col.id"), key="id")
        table.add_column(t("tui.col.declaration"), key="declaration")
        table.add_column(t("tui.col.name"), key="name")
        table.add_column(t("tui.col.unit"), key="unit")
        with self.gateway.reading() as review:
            expert = review.case.expert(self.expert_id)
            self.sub_title = t("tui.declare.subtitle", name=expert.name if expert else "")
            rows = []
            keys = []
            for decl in flow.declarations(review, self.expert_id):
                app = review.case.application(decl.application)
                assert app is not None
                self.status[app.id] = decl.status
                name, unit = self._shown(decl, app.name, app.unit)
                rows.append((Cell(app.id), self._cell(review, decl), name, unit))
                keys.append(app.id)
        for row, key in zip(rows, keys, strict=True):
            table.add_row(*row, key=key)
        self._summary()

    @staticmethod
    def _shown(decl: flow.Declaration, name: str, unit: str) -> tuple[Cell, Cell]:
        if decl.status in RECUSED_ROWS:
            return Cell(""), Cell("")
        return Cell(clip(name, NAME_CELLS)), Cell(unit)

    def _cell(self, review: Review, decl: flow.Declaration) -> Cell:
        return Cell(declaration_text(review.panel, decl), STYLES[decl.status])

    def _summary(self) -> None:
        left = sum(1 for s in self.status.values() if s == flow.PENDING)
        text = t("tui.declare.left", count=left) if left else t("tui.declare.done")
        self.query_one("#declare-status", Static).update(text)
        self.refresh_bindings()

    @property
    def current(self) -> str | None:
        table = self.query_one("#declarations", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def _refuse_locked(self, app_id: str) -> bool:
        status = self.status[app_id]
        if status in (flow.RECUSED_LOCKED, flow.RECUSED_SELF):
            self.app.notify(t("tui.declare.is_recused", application=app_id), severity="warning")
            return True
        return False

    def action_no_conflict(self) -> None:
        app_id, expert = self.current, self.expert_id
        if app_id is None or self._refuse_locked(app_id):
            return
        run_job(self, "declare", lambda: ex.execute(
            self.gateway, ex.DeclareNoConflict(expert, (app_id,))), context=[app_id])
        self.query_one("#declarations", DataTable).action_cursor_down()

    def action_recuse(self) -> None:
        app_id, expert = self.current, self.expert_id
        if app_id is None or self._refuse_locked(app_id):
            return
        fields = self.gateway.read(recusal_form)

        def chosen(values: Values | None) -> None:
            if values is None:
                return
            run_job(self, "declare", lambda: ex.execute(
                self.gateway, ex.DeclareConflict(expert, app_id, values["kind"], values["reason"])),
                context=[app_id])

        app = self.gateway.read(lambda r: r.case.application(app_id))
        self.app.push_screen(FormDialog(t("tui.recuse.title", application=app_id,
                                          name=app.name if app is not None else ""), fields,
                                        note=t("tui.recuse.note",
                                               article=self.gateway.session.panel.recusal_article)),
                            chosen)

    def action_clear_rest(self) -> None:
        pending = [a for a, s in self.status.items() if s == flow.PENDING]
        if not pending:
            return
        expert = self.expert_id

        def confirmed(values: Values | None) -> None:
            if values is None:
                return
            run_job(self, "declare", lambda: ex.execute(
                self.gateway, ex.DeclareNoConflict(expert, tuple(pending))), context=pending)

        self.app.push_screen(FormDialog(t("tui.declare.clear_rest_title"), [],
                                        note=t("tui.declare.clear_rest_note",
                                               count=len(pending))), confirmed)

    @on(JobFinished)
    def _declared(self, message: JobFinished) -> None:
        if message.error is not None:
            self.app.notify(str(message.error), severity="error")
        self._redraw(message.context or [])

    def _redraw(self, app_ids: list[str]) -> None:
        table = self.query_one("#declarations", DataTable)
        with self.gateway.reading() as review:
            for app_id in app_ids:
                decl = flow.declaration_of(review, self.expert_id, app_id)
                self.status[app_id] = decl.status
                table.update_cell(app_id, "declaration", self._cell(review, decl),
                                  update_width=True)
                if decl.status in RECUSED_ROWS:
                    table.update_cell(app_id, "name", Cell(""))
                    table.update_cell(app_id, "unit", Cell(""))
        self._summary()

    def session_changed(self) -> None:
        self._redraw(list(self.status))

    def action_continue(self) -> None:
        pending = [a for a, s in self.status.items() if s == flow.PENDING]
        if pending:
            self.query_one("#declare-status", Static).update(
                t("tui.declare.continue_blocked", count=len(pending), first=pending[0]))
            table = self.query_one("#declarations", DataTable)
            table.move_cursor(row=table.get_row_index(pending[0]))
            return
        self.reviewer.route_expert()
