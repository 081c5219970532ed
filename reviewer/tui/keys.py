"""Key bindings whose descriptions are catalogue keys, shown in the user's language.

Textual merges ``BINDINGS`` once, when a class is defined, so a description written with
``t()`` there would freeze the language of the first import. Bindings therefore carry the
catalogue key (``tui.key.*``) and screens translate them in ``active_bindings``, the one
place the footer, the ``?`` help and the command palette read them from.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding, Binding

from reviewer.i18n import t

PREFIX = "tui."


def bind(keys: str, action: str, name: str, *, show: bool = True,
         priority: bool = False) -> Binding:
    """A binding with an id and a tooltip, both derived from its catalogue ``name``."""
    return Binding(keys, action, f"tui.key.{name}", show=show, priority=priority,
                   id=f"reviewer.{name}", tooltip=f"tui.key.{name}.tip")


def is_ours(binding: Binding) -> bool:
    return binding.description.startswith(PREFIX)


def translate(active: ActiveBinding) -> ActiveBinding:
    binding = active.binding
    if not is_ours(binding):
        return active
    tip = t(binding.tooltip) if binding.tooltip.startswith(PREFIX) else binding.tooltip
    binding = replace(binding, description=t(binding.description), tooltip=tip)
    return ActiveBinding(active.node, binding, active.enabled, tip)


def localise(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    return {key: translate(active) for key, active in bindings.items()}


class LocalisedBindings:
    """Mixin for screens: bindings read by the footer, help and palette are translated."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localise(super().active_bindings)  # type: ignore[misc]

    @property
    def raw_bindings(self) -> dict[str, ActiveBinding]:
        """Untranslated, to tell ours (``tui.key.*``) from Textual's own."""
        return super().active_bindings  # type: ignore[misc, no-any-return]
