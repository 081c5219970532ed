"""The score form: one field per criterion with its maximum, checked as the expert types.

Each keystroke is checked by the review's own ``parse_value`` (0..max in steps of 0.5), so the
form can never accept what the core would refuse; the error shows beside the field and the
total counts only valid values. The field keeps exactly what was typed (no filter drops a
``-`` or a ``，``): a text the core refuses stays visible with the core's message beside it.
A valid value that differs from the stored one is handed on (``ScoreEntered``) when the
expert presses enter or leaves the field, or after a short pause; saving never writes back
into a field.

Keys reach the fields in the order they were typed (``KeysInOrder``): enter and tab move to
the next field before the next key is applied, and enter on the last field finishes the
application (``on_finished``) before the keys typed after it are looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static
from textual.widgets.input import Selection

from reviewer.domain.errors import DomainError
from reviewer.i18n import t
from reviewer.tui.keys import bind
from reviewer.tui.text import fit
from reviewer.tui.widgets.css import css_beside
from reviewer.tui.widgets.in_order import OrderedInput

Parser = Callable[[str, str], Decimal | None]
AUTOSAVE_DELAY = 0.8
MAX_TYPED = 8  # "100.5" and then some: longer texts are out of range whatever they say


class ScoreInput(OrderedInput):
    """One criterion's field; enter is handled at once by its form, not by a message.

    The form selects a field's text when it moves the focus there (in the same step as the
    key that moved it), so typing replaces the value as it would in any form.
    """

    async def action_submit(self) -> None:
        form = next((a for a in self.ancestors if isinstance(a, ScoreForm)), None)
        if form is None:
            await super().action_submit()
        else:
            form.enter_pressed(self)


@dataclass(frozen=True)
class CriterionField:
    key: str
    name: str
    maximum: Decimal


def plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class ScoreForm(Vertical):
    DEFAULT_CSS = css_beside(__file__)
    BINDINGS = [
        bind("down", "criterion(1)", "next_criterion", show=False),
        bind("up", "criterion(-1)", "previous_criterion", show=False),
        bind("tab", "tab(1)", "next_field", show=False),
        bind("shift+tab", "tab(-1)", "previous_field", show=False),
    ]

    class ScoreEntered(Message):
        """A valid value, different from the stored one, to be saved."""

        def __init__(self, application: str, criterion: str, text: str) -> None:
            super().__init__()
            self.application = application
            self.criterion = criterion
            self.text = text

    class Finished(Message):
        """Enter on the last criterion: the expert is done with this application."""

    def __init__(self, criteria: list[CriterionField], parse: Parser, *,
                 on_finished: Callable[[], None] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.criteria = criteria
        self.parse = parse
        self.on_finished = on_finished
        self.application: str | None = None
        self.saved: dict[str, Decimal | None] = {}
        self.timers: dict[str, Timer] = {}
        self.labels = {c.key: t("tui.form.criterion", name=c.name, max=plain(c.maximum))
                       for c in criteria}
        self.label_cells = max(cell_len(x) for x in [*self.labels.values(), t("tui.form.total")]) + 1

    def compose(self) -> ComposeResult:
        for criterion in self.criteria:
            with Horizontal(classes="criterion"):
                yield Label(fit(self.labels[criterion.key], self.label_cells),
                            classes="criterion-name")
                yield ScoreInput(id=f"score-{criterion.key}", max_length=MAX_TYPED,
                                 compact=True, classes="criterion-input", disabled=True)
                yield Static("", id=f"error-{criterion.key}", classes="criterion-error")
        with Horizontal(id="total-row"):
            yield Label(fit(t("tui.form.total"), self.label_cells), classes="criterion-name")
            yield Static("", id="form-total")
        yield Static("", id="form-note")

    # -- loading an application --------------------------------------------------------------

    def load(self, application: str | None, scores: dict[str, Decimal], *, editable: bool,
             note: str = "") -> None:
        self.flush()
        self.application = application
        self.saved = {c.key: scores.get(c.key) for c in self.criteria}
        for criterion in self.criteria:
            field = self.field(criterion.key)
            with field.prevent(Input.Changed):
                field.value = plain(scores.get(criterion.key)) if application else ""
            field.disabled = not editable
            self._say(f"#error-{criterion.key}", "")
        self._say("#form-note", note)
        self._show_total()

    def set_note(self, text: str) -> None:
        """The line under the total: why the form is locked, or which reason is still owed."""
        self._say("#form-note", text)

    def _say(self, selector: str, text: str) -> None:
        """Update a text only when it changes (each update costs a layout pass)."""
        static = self.query_one(selector, Static)
        if static.content != text:
            static.update(text)

    def field(self, key: str) -> Input:
        return self.query_one(f"#score-{key}", Input)

    def focus_first(self) -> None:
        """Focus the first field now (not after the next refresh: keys may already wait)."""
        if self.criteria and not self.field(self.criteria[0].key).disabled:
            self._focus(self.field(self.criteria[0].key))

    def _focus(self, field: Input) -> None:
        """Focus now and select the text, so typing replaces it (see ``ScoreInput``)."""
        self.screen.set_focus(field)
        field.selection = Selection(0, len(field.value))

    # -- typing ------------------------------------------------------------------------------

    def _check(self, key: str, text: str) -> tuple[bool, Decimal | None]:
        try:
            value = self.parse(key, text)
        except DomainError as exc:
            self._say(f"#error-{key}", str(exc))
            return False, None
        self._say(f"#error-{key}", "")
        return True, value

    def _show_total(self) -> None:
        total = Decimal(0)
        invalid = False
        maximum = sum((c.maximum for c in self.criteria), Decimal(0))
        for criterion in self.criteria:
            text = self.field(criterion.key).value
            try:
                value = self.parse(criterion.key, text)
            except DomainError:
                invalid = True
                continue
            total += value or 0
        text = t("tui.form.total_value", total=plain(total), max=plain(maximum))
        if invalid:
            text += " " + t("tui.form.total_invalid")
        line = self.query_one("#form-total", Static)
        if line.content != text:
            line.update(text, layout=False)  # one line, fixed height: no layout pass needed

    @on(Input.Changed, ".criterion-input")
    def _typed(self, event: Input.Changed) -> None:
        if event.value != event.input.value:  # stale: typed on, or another application loaded
            return
        key = self._key(event.input)
        ok, value = self._check(key, event.value)
        self._show_total()
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.stop()
        if ok and value != self.saved.get(key):
            self.timers[key] = self.set_timer(AUTOSAVE_DELAY, lambda: self._enter(key))

    def enter_pressed(self, field: Input) -> None:
        """Enter: save this field, then the next field, or finish the application."""
        key = self._key(field)
        self._enter(key)
        keys = [c.key for c in self.criteria]
        if keys.index(key) + 1 < len(keys):
            self._focus(self.field(keys[keys.index(key) + 1]))
        elif self.on_finished is not None:
            self.on_finished()
        else:
            self.post_message(self.Finished())

    @on(Input.Blurred, ".criterion-input")
    def _left(self, event: Input.Blurred) -> None:
        self._enter(self._key(event.input))

    def _enter(self, key: str) -> None:
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.stop()
        if self.application is None or self.field(key).disabled:
            return
        text = self.field(key).value
        ok, value = self._check(key, text)
        if ok and value != self.saved.get(key):
            self.saved[key] = value
            self.post_message(self.ScoreEntered(self.application, key, text))

    def flush(self) -> None:
        """Hand on every valid value not yet saved (before leaving the application).

        Every field is looked at, not only those with a pause running: the check of the last
        keys typed may not have run yet.
        """
        for criterion in self.criteria:
            self._enter(criterion.key)

    def mark_kept(self, key: str, note: str) -> None:
        """Not saved yet, but kept as typed (the database connection dropped): say so."""
        self._say(f"#error-{key}", note)

    def mark_failed(self, key: str, stored: Decimal | None, error: str) -> None:
        """The core refused a save: remember what is really stored and say why."""
        self.saved[key] = stored
        self._say(f"#error-{key}", error)

    @staticmethod
    def _key(field: Input) -> str:
        assert field.id is not None
        return field.id.removeprefix("score-")

    def action_criterion(self, delta: int) -> None:
        keys = [c.key for c in self.criteria]
        focused = self.screen.focused
        if not isinstance(focused, Input) or focused.id is None:
            return
        index = keys.index(self._key(focused)) + delta
        if 0 <= index < len(keys):
            self._focus(self.field(keys[index]))

    def action_tab(self, delta: int) -> None:
        """Tab between the fields; past the first or the last one, on to the rest of the screen."""
        keys = [c.key for c in self.criteria]
        focused = self.screen.focused
        if isinstance(focused, Input) and focused.id is not None:
            index = keys.index(self._key(focused)) + delta
            if 0 <= index < len(keys):
                self._focus(self.field(keys[index]))
                return
        if delta > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()
