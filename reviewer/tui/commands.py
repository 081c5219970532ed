"""The command palette in the user's language: every action of the current screen.

Each action is a binding (``reviewer.tui.keys.bind``), so listing the active bindings of the
screen the palette was opened from reaches every action there, in the same words as the
footer and the ``?`` help.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import ActiveBinding
from textual.screen import Screen

from reviewer.tui.keys import is_ours, translate

if TYPE_CHECKING:
    from reviewer.tui.app import ReviewerApp

_SKIP = {"command_palette", "help_quit"}


def screen_bindings(screen: Screen[Any]) -> list[tuple[str, ActiveBinding]]:
    """Our enabled bindings of ``screen`` as (key, translated binding), each action once."""
    raw = getattr(screen, "raw_bindings", None)
    bindings: dict[str, ActiveBinding] = raw if raw is not None else screen.active_bindings
    seen: set[tuple[str, int]] = set()
    out = []
    for key, active in bindings.items():
        action = active.binding.action
        ident = (action, id(active.node))
        if not is_ours(active.binding) or action in _SKIP or ident in seen or not active.enabled:
            continue
        seen.add(ident)
        out.append((key, translate(active)))
    return out


def system_commands(app: ReviewerApp, screen: Screen[Any]) -> Iterator[SystemCommand]:
    for _key, active in screen_bindings(screen):
        run = partial(app.run_action, active.binding.action, active.node)
        yield SystemCommand(active.binding.description, active.binding.tooltip or "", run)
