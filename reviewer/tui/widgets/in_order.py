"""Keys handled in the order they were typed, whatever the machine's load.

Textual hands a printable key to the focused widget's own message queue but runs a binding
(backspace, tab, enter, arrows) only after the key has bubbled back up to the app, and moves
focus later still. In a burst of keys the two paths overtake one another: a backspace lands
after the digits typed behind it, digits typed after a Tab land in the field being left
(issue 10, major 1). A widget with ``KeysInOrder`` instead receives every key from the app's
own task, one by one: the key is applied (text inserted, binding run, focus moved) before the
next one is looked at, so order is that of the keyboard. ``ReviewerApp.on_event`` does the
hand-over; priority bindings (quit, palette) still come first.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input


class KeysInOrder(Widget):
    """A widget that takes its keys synchronously from the app (see the module docstring).

    Put it after the Textual widget class in the bases (``class X(Input, KeysInOrder)``) so
    the widget's own class variables (component classes, bindings) stay in front.
    """

    def type_character(self, character: str) -> bool:
        """Apply a printable key; False when this widget has no use for it."""
        return False

    async def key_in_order(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None and self.type_character(
                event.character):
            return
        # the focus chain's bindings (this widget, its ancestors, the screen, the app), run now
        await self.app._check_bindings(event.key)  # noqa: SLF001 (Textual's own dispatcher)


class OrderedInput(Input, KeysInOrder):
    """An Input whose characters, deletions and enter are applied in the order typed.

    Textual selects the text when a Focus event arrives, which in a burst comes after the
    next keys were typed (they would be replaced): an OrderedInput never selects on focus.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(**kwargs)

    def type_character(self, character: str) -> bool:
        self._restart_blink()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(character)
        else:
            self.replace(character, *selection)
        return True
