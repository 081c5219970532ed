"""Errors raised by the domain core carry a catalogue key and parameters, never prose.

The caller (CLI, TUI, PDF) renders them in the user's language through ``reviewer.i18n``, so
the core stays free of any presentation concern: the catalogue injects its renderer here
(``use_renderer``, called when ``reviewer`` is imported); the core never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Renderer = Callable[..., str]  # (code, /, **params) -> text in the user's language
_renderer: Renderer | None = None


def use_renderer(renderer: Renderer) -> None:
    global _renderer
    _renderer = renderer


@dataclass(frozen=True)
class Phrases:
    """A parameter that is itself a list of catalogue messages (e.g. each score still owing a
    reason), rendered in the language of the message that holds it, joined by the message
    ``separator``: the core names what to say, never how it reads."""

    parts: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    separator: str = "list.separator"

    @classmethod
    def of(cls, parts: list[tuple[str, dict[str, str]]]) -> Phrases:
        return cls(tuple((code, tuple(sorted(params.items()))) for code, params in parts))

    def render(self, renderer: Renderer) -> str:
        return renderer(self.separator).join(renderer(code, **dict(params))
                                             for code, params in self.parts)

    def __str__(self) -> str:  # without a catalogue: the keys, for logs and tests
        return "; ".join(code for code, _ in self.parts)


class DomainError(Exception):
    """A refusal or validation failure that a user must read."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def render(self) -> str:
        if _renderer is None:  # no catalogue loaded: the key and its parameters
            return f"{self.code} {self.params}" if self.params else self.code
        return _renderer(self.code, **self.params)

    def __str__(self) -> str:
        return self.render()
