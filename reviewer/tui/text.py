"""Text measured in terminal cells: a Chinese character takes two, so ``len()`` misaligns."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text


def fit(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut and padded to exactly ``width`` cells."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    room = width - cell_len(ellipsis)
    out = ""
    for char in text:
        if cell_len(out + char) > room:
            break
        out += char
    out += ellipsis
    return out + " " * (width - cell_len(out))


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells (no padding)."""
    return fit(text, width).rstrip() if cell_len(text) > width else text


def columns(rows: list[tuple[str, str]], gap: int = 2) -> list[str]:
    """Two columns aligned on cell width (keys and what they do, labels and values)."""
    width = max((cell_len(left) for left, _ in rows), default=0)
    return [fit(left, width) + " " * gap + right for left, right in rows]


class Cell:
    """A one-line table cell that DataTable can measure without parsing markup.

    DataTable turns every ``str`` cell into ``Text.from_markup`` and measures it when rows are
    added; with thousands of rows that dominates opening a queue. A ``Cell`` knows its width.
    """

    __slots__ = ("text", "style", "width")

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style
        self.width = cell_len(text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(self.text, style=self.style, no_wrap=True, end="")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cell) and (self.text, self.style) == (other.text, other.style)

    def __hash__(self) -> int:
        return hash((self.text, self.style))
