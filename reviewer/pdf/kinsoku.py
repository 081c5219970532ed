"""Chinese line breaking (避头尾): no line starts with closing punctuation, none ends with an
opening bracket, and a Latin token (an application id, a score) is not cut in two.

ReportLab's ``wordWrap='CJK'`` cuts "like a knife" between any two characters and hangs at
most one character of its own short list, which lacks the full-width comma, semicolon, colon,
question and exclamation marks and closing quotes: issue 10 found lines starting with ``，``
and ``。``. ``KinsokuParagraph`` replaces only the line splitting of a CJK paragraph; drawing
is ReportLab's own (``makeCJKParaLine`` builds the lines it expects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.platypus.paragraph import Paragraph, ParaLines, cjkU, makeCJKParaLine

# GB/T 15834 closing marks and their ASCII look-alikes: never at the start of a line
CANNOT_START = frozenset(ALL_CANNOT_START) | frozenset(
    "，。、；：？！）》〉」』】〕］｝”’…—～·％‰℃°．,.;:?!)]}%>"
)
# opening marks: never at the end of a line
CANNOT_END = frozenset("（《〈「『【〔［｛“‘([{<")
MAX_PULL = 12  # characters moved down to the next line at most (an application id)
_FUZZ = 1e-6


def _latin(ch: str) -> bool:
    return bool(ch) and ord(ch) < 0x3000 and not ch.isspace()


def _bad(units: Sequence[str], brk: int) -> bool:
    """Whether ending a line before ``units[brk]`` breaks a rule."""
    if brk >= len(units) or brk <= 0:
        return False
    before, after = units[brk - 1], units[brk]
    return (after in CANNOT_START or before in CANNOT_END
            or (_latin(before) and _latin(after)))


def _break_at(units: Sequence[str], start: int, i: int) -> int:
    """Where to end the line whose next character ``units[i]`` does not fit: move the break
    back (characters go down to the next line) up to ``MAX_PULL`` characters and at most half
    the line; failing that, let up to two closing marks hang in the margin."""
    brk = i
    reach = max(1, min(MAX_PULL, (i - start) // 2))
    while _bad(units, brk) and i - brk < reach and brk - start > 1:
        brk -= 1
    if not _bad(units, brk):
        return brk
    brk = i
    while brk < len(units) and units[brk] in CANNOT_START and brk - i < 2:
        brk += 1
    return max(brk, start + 1)


def kinsoku_split(frags: Sequence[Any], max_widths: Sequence[float],
                  calc_bounds: bool) -> ParaLines:
    units: list[Any] = []
    for frag in frags:
        text = frag.text if isinstance(frag.text, str) else frag.text.decode("utf8")
        if text:
            units.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:
            units.append(cjkU(text, frag, "utf8"))  # a <br/> or an empty fragment
    lines: list[Any] = []
    start = i = 0
    used = 0.0

    def width_limit() -> float:
        return max_widths[min(len(lines), len(max_widths) - 1)]

    while i < len(units):
        unit = units[i]
        if hasattr(unit.frag, "lineBreak"):
            i += 1
            limit = width_limit()
            lines.append(makeCJKParaLine(units[start:i], limit, used, limit - used, True,
                                         calc_bounds))
            start, used = i, 0.0
            continue
        limit = width_limit()
        if used + unit.width > limit + _FUZZ and i > start:
            brk = _break_at(units, start, i)
            line = units[start:brk]
            line_width = sum(u.width for u in line)
            lines.append(makeCJKParaLine(line, limit, line_width, limit - line_width, False,
                                         calc_bounds))
            start = i = brk
            used = 0.0
            continue
        used += unit.width
        i += 1
    if start < len(units):
        limit = width_limit()
        lines.append(makeCJKParaLine(units[start:], limit, used, limit - used, False,
                                     calc_bounds))
    return ParaLines(kind=1, lines=lines)


class KinsokuParagraph(Paragraph):
    """A ``Paragraph`` whose CJK wrapping follows 避头尾 (style ``wordWrap='CJK'``).

    The lines of the last widths asked for are kept: a table cell is wrapped again at every
    measure of its table (a long table's header on every page, twice), always to the same
    width, and ReportLab only reads the lines it is given."""

    _broken_for: tuple[tuple[float, ...], bool] | None = None
    _broken: Any = None

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 (ReportLab API)
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        self.height = 0
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        asked = (tuple(maxWidths), auto not in ("", "off"))
        if asked != self._broken_for:
            self._broken = kinsoku_split(self.frags, maxWidths, asked[1])
            self._broken_for = asked
        return self._broken


def line_texts(paragraph: Paragraph) -> list[str]:
    """The text of each laid-out line (after ``wrap``), for tests."""
    out = []
    for line in paragraph.blPara.lines:
        words = getattr(line, "words", None)
        if words is None:
            out.append("".join(line[1]))
        else:
            out.append("".join(w.text for w in words))
    return out
