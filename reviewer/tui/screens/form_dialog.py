"""A small modal form: a question, a few fields (text, secret or a choice), OK and cancel.

Used for every reason the rules ask for (回避, 弃权, reopen, forced advance, tie, disqualify)
and for file paths; with no fields it is a plain confirmation. Dismisses with the values by
field name, or ``None`` when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from reviewer.i18n import t
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerModal

Values = dict[str, str]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    password: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    required: bool = True


class FormDialog(ReviewerModal[Values | None]):
    CSS_PATH = "form_dialog.tcss"
    BINDINGS = [bind("escape", "cancel", "cancel")]

    def __init__(self, title: str, fields: list[Field], note: str = "",
                 ok_label: str | None = None) -> None:
        super().__init__()
        self.heading = title
        self.fields = fields
        self.note = note
        self.ok_label = ok_label or t("tui.form.ok")

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.heading, id="form-title")
            if self.note:
                yield Static(self.note, id="form-note")
            for spec in self.fields:
                yield Label(spec.label, classes="form-label")
                if spec.choices:
                    yield Select(spec.choices, value=spec.value or spec.choices[0][1],
                                 allow_blank=False, id=f"field-{spec.name}")
                else:
                    yield Input(spec.value, password=spec.password, id=f"field-{spec.name}")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(self.ok_label, variant="primary", id="form-ok")
                yield Button(t("tui.form.cancel"), id="form-cancel")

    def values(self) -> Values:
        out: Values = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                out[spec.name] = str(widget.value)
            else:
                assert isinstance(widget, Input)
                out[spec.name] = widget.value
        return out

    @on(Input.Submitted)
    def _next_or_ok(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self._ok()

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        values = self.values()
        missing = [f.label for f in self.fields if f.required and not values[f.name].strip()]
        if missing:
            self.query_one("#form-error", Static).update(
                t("tui.form.required", field=missing[0]))
            return
        self.dismiss(values)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
