"""Errors raised by the domain core carry a catalogue key and parameters, never prose.

The caller (CLI, TUI, PDF) renders them in the user's language through ``reviewer.i18n``, so
the core stays free of any presentation concern.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal or validation failure that a user must read."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def render(self) -> str:
        from reviewer.i18n import t

        return t(self.code, **self.params)

    def __str__(self) -> str:
        return self.render()
