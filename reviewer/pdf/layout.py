"""Page furniture and table building shared by the results PDF and the score sheets.

Every page carries 内部资料 注意保密, the session id and 第 x 页 共 y 页: the footer needs the
page total, so the canvas keeps each page until the document is complete (the usual
ReportLab "NumberedCanvas" pattern) and stamps header and footer on save.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, BinaryIO, TypeAlias

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    LongTable,
    PageTemplate,
    Paragraph,
    Table,
)
from reportlab.platypus.flowables import Flowable

from reviewer.i18n import t
from reviewer.pdf.kinsoku import KinsokuParagraph

MARGIN = 15 * mm
PORTRAIT = A4
LANDSCAPE = landscape(A4)
CELL_PAD = 2.5  # points left+right inside a table cell (TableStyle paddings below)
CELL_TOP, CELL_BOTTOM = 1.6, 2.2  # points above and below a cell's text
PAGED_ROWS = 100  # a table longer than this is laid out page by page (PagedTable)
GRID_COLOUR = colors.HexColor("#8c8c8c")
HEAD_COLOUR = colors.HexColor("#e6ecf2")
CUT_COLOUR = colors.HexColor("#c0392b")


@dataclass(frozen=True)
class Styles:
    font: str
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle


def make_styles(font: str) -> Styles:
    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35,
                              wordWrap="CJK", **kw)

    return Styles(
        font=font,
        title=style("title", 22, alignment=TA_CENTER, spaceAfter=6 * mm, spaceBefore=30 * mm),
        subtitle=style("subtitle", 14, alignment=TA_CENTER, spaceAfter=3 * mm),
        h1=style("h1", 15, spaceBefore=2 * mm, spaceAfter=3 * mm),
        h2=style("h2", 11.5, spaceBefore=4 * mm, spaceAfter=2 * mm),
        body=style("body", 10, spaceAfter=1.5 * mm),
        note=style("note", 8.5, textColor=colors.HexColor("#444444"), spaceAfter=1.5 * mm),
        cell=style("cell", 8),
        head=style("head", 8, alignment=TA_CENTER),
    )


class NumberedCanvas(Canvas):
    """Defers each page so header/footer can show the final page count."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        self._marks: list[str] = []

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # noqa: N802 (ReportLab API)
        # The page object is only created on the real showPage; replay the mark then.
        self._marks.append(key)

    def showPage(self) -> None:  # noqa: N802 (ReportLab API)
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            for key in self._marks:
                super().bookmarkPage(key)
            self._furniture.draw(self, number, total)
            super().showPage()
        super().save()


@dataclass(frozen=True)
class Furniture:
    font: str
    session_id: str
    left_footer: str = ""

    def draw(self, canv: Canvas, number: int, total: int) -> None:
        width, height = canv._pagesize  # noqa: SLF001 (the page's own size, portrait or landscape)
        canv.saveState()
        canv.setFont(self.font, 8.5)
        canv.setFillColor(colors.HexColor("#a01010"))
        canv.drawString(MARGIN, height - 10 * mm, t("pdf.page.confidential"))
        canv.setFillColor(colors.black)
        canv.drawRightString(width - MARGIN, height - 10 * mm,
                             t("pdf.page.session", session=self.session_id))
        canv.setStrokeColor(GRID_COLOUR)
        canv.setLineWidth(0.4)
        canv.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
        canv.line(MARGIN, 11.5 * mm, width - MARGIN, 11.5 * mm)
        canv.drawCentredString(width / 2, 7 * mm, t("pdf.page.number", page=number, pages=total))
        if self.left_footer:
            canv.drawString(MARGIN, 7 * mm, self.left_footer)
        canv.drawRightString(width - MARGIN, 7 * mm, t("pdf.page.confidential"))
        canv.restoreState()


def canvas_maker(furniture: Furniture) -> Callable[..., NumberedCanvas]:
    def make(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, furniture=furniture, **kwargs)

    return make


class ReviewerDoc(BaseDocTemplate):
    """A4 document with a portrait and a landscape page template (wide tables)."""

    def __init__(self, filename: str | BinaryIO, *, font: str, first: str = "portrait",
                 after: Callable[[Flowable], None] | None = None, **kw: Any) -> None:
        super().__init__(filename, pagesize=PORTRAIT, initialFontName=font,
                         leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
                         bottomMargin=15 * mm, **kw)
        self._after = after
        templates = []
        for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
            frame = Frame(MARGIN, 15 * mm, size[0] - 2 * MARGIN, size[1] - 31 * mm,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)
            templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
        templates.sort(key=lambda tpl: tpl.id != first)  # the first template starts the doc
        self.addPageTemplates(templates)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (ReportLab API)
        if self._after is not None:
            self._after(flowable)


def frame_width(landscape_page: bool) -> float:
    return (LANDSCAPE if landscape_page else PORTRAIT)[0] - 2 * MARGIN


def fit_widths(weights: Sequence[float], total: float) -> list[float]:
    scale = total / sum(weights)
    return [w * scale for w in weights]


Cell: TypeAlias = str | Paragraph


def cell(text: str, width: float, styles: Styles) -> Cell:
    """Plain strings are fast; only text that would overflow its column becomes a Paragraph."""
    if not text:
        return ""
    if "\n" not in text and stringWidth(text, styles.font, styles.cell.fontSize) <= width - 2 * CELL_PAD - 1:
        return text
    return KinsokuParagraph(_escape(text).replace("\n", "<br/>"), styles.cell)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return KinsokuParagraph(_escape(text).replace("\n", "<br/>"), style)


def grid_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
               styles: Styles, *, numeric: Sequence[int] = (), centred: Sequence[int] = (),
               extra: Sequence[tuple[Any, ...]] = (), row_height: float | None = None
               ) -> LongTable | PagedTable:
    """A bordered table that splits across pages and repeats its header row."""
    data: list[list[Cell]] = [[para(h, styles.head) for h in header]]
    for row in rows:
        data.append([cell(value, width, styles) for value, width in zip(row, widths, strict=True)])
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
        ("FONTSIZE", (0, 0), (-1, -1), styles.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), styles.cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.35, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_BOTTOM),
    ]
    style += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in numeric]
    style += [("ALIGN", (c, 1), (c, -1), "CENTER") for c in centred]
    if len(rows) > PAGED_ROWS and all(_one_body_row(command) for command in extra):
        lowest = row_height or styles.cell.leading + CELL_TOP + CELL_BOTTOM
        return PagedTable(data[0], data[1:], list(widths), style, list(extra), row_height, lowest)
    return _long_table(data[0], data[1:], list(widths), [*style, *extra], row_height)


def _long_table(header: list[Cell], rows: list[list[Cell]], widths: list[float],
                style: list[tuple[Any, ...]], row_height: float | None) -> LongTable:
    heights = None if row_height is None else [None] + [row_height] * len(rows)
    cell_styles, drawn = shared_cell_styles(1 + len(rows), len(widths), style)
    return LongTable([header, *rows], colWidths=widths, rowHeights=heights, repeatRows=1,
                     style=drawn, cellStyles=cell_styles, hAlign="LEFT")


# the commands ReportLab applies to each cell's ``CellStyle`` (``tables._setCellStyle``)
CELL_STYLE_COMMANDS = frozenset({
    "FONT", "FONTNAME", "FACE", "SIZE", "FONTSIZE", "LEADING", "TEXTCOLOR", "ALIGN",
    "ALIGNMENT", "VALIGN", "LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING",
    "HREF", "DESTINATION", "DIRECTION", "SHAPING"})


def shared_cell_styles(row_count: int, column_count: int, style: Sequence[tuple[Any, ...]]
                       ) -> tuple[list[list[Any]], list[tuple[Any, ...]]]:
    """The ``cellStyles`` a table of ``row_count`` rows gets from the cell-style commands of
    ``style``, built once per run of rows that the same commands cover, and the commands
    left for ReportLab (lines, backgrounds).

    Given only ``style``, ReportLab makes a ``CellStyle`` for every cell and applies every
    command to every cell it covers: ten commands over a quarter of a million cells were
    2.5 million calls in the export of 2,000 applications, done again for each page's
    window of a long table. Rows covered by the same commands get the same styles (ReportLab
    builds each run's row itself, from the commands moved onto one row), which ReportLab
    only reads: it writes a cell's style only when it splits inside a row (``splitInRow``),
    which these tables never ask for.
    """
    covering: list[tuple[tuple[Any, ...], int, int]] = []
    drawn: list[tuple[Any, ...]] = []
    for command in style:
        (_, first), (_, last) = command[1], command[2]
        if command[0] in CELL_STYLE_COMMANDS and type(first) is int and type(last) is int:
            covering.append((command, first + row_count if first < 0 else first,
                             last + row_count if last < 0 else last))
        else:
            drawn.append(command)
    bounds = sorted({0, row_count} | {min(max(edge, 0), row_count) for _, first, last
                                     in covering for edge in (first, last + 1)})
    cell_styles: list[list[Any]] = []
    for start, end in pairwise(bounds):
        one_row = [(command[0], (command[1][0], 0), (command[2][0], 0), *command[3:])
                   for command, first, last in covering if first <= start <= last]
        shared = Table([[""] * column_count], style=one_row)._cellStyles[0]  # noqa: SLF001
        cell_styles.extend(list(shared) for _ in range(end - start))
    return cell_styles, drawn


def _one_body_row(command: tuple[Any, ...]) -> bool:
    """A style command on one body row, which a window of the rows can carry re-indexed."""
    (_, first), (_, last) = command[1], command[2]
    return isinstance(first, int) and first == last and first >= 1


class PagedTable(Flowable):
    """A long table laid out a page of rows at a time, so that its cost grows with its rows.

    ReportLab splits a ``LongTable`` at each page by building a new table of all the rows
    left, every style command applied to every cell again, so a table of n rows costs O(n²):
    measured, 22,000 appendix rows took 30 s where the same rows in 500-row tables took
    8.5 s. This lays out only the rows that could fit on the page (no row is lower than a
    line of cell text), keeps the page ReportLab fills from them and carries the rest on:
    the same pages as the whole table, its header repeated on each.
    """

    def __init__(self, header: list[Cell], rows: list[list[Cell]], widths: list[float],
                 style: list[tuple[Any, ...]], row_commands: list[tuple[Any, ...]],
                 row_height: float | None, lowest_row: float) -> None:
        super().__init__()
        self._header, self._rows, self._widths = header, rows, widths
        self._style, self._row_commands, self._row_height = style, row_commands, row_height
        self._lowest_row = lowest_row
        self._whole: LongTable | None = None
        self.hAlign = "LEFT"

    def _most_rows_in(self, height: float) -> int:
        return int(height // self._lowest_row) + 1

    def _window(self, count: int) -> LongTable:
        commands = [c for c in self._row_commands if c[1][1] <= count]
        return _long_table(self._header, self._rows[:count], self._widths,
                           [*self._style, *commands], self._row_height)

    def _rest(self, consumed: int) -> PagedTable:
        commands = [(c[0], (c[1][0], c[1][1] - consumed), (c[2][0], c[2][1] - consumed), *c[3:])
                    for c in self._row_commands if c[1][1] > consumed]
        return PagedTable(self._header, self._rows[consumed:], self._widths, self._style,
                          commands, self._row_height, self._lowest_row)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if len(self._rows) > self._most_rows_in(availHeight):
            self._whole = None  # cannot fit: the frame will split it
            self.width, self.height = sum(self._widths), availHeight + 1
        else:
            self._whole = self._window(len(self._rows))
            self.width, self.height = self._whole.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        count = min(len(self._rows), self._most_rows_in(availHeight) + 1)
        parts = self._window(count).split(availWidth, availHeight)
        if len(parts) < 2 or count == len(self._rows):
            return parts
        consumed = len(parts[0]._cellvalues) - 1  # noqa: SLF001 (the rows ReportLab kept)
        return [parts[0], self._rest(consumed)]

    def draw(self) -> None:
        # Reached only after a wrap that found the rows left fit (the frame splits otherwise).
        assert self._whole is not None
        self._whole.drawOn(self.canv, 0, 0)


class Heading(KinsokuParagraph):
    """A section title that is also an entry of the PDF outline (bookmarks pane)."""

    def __init__(self, text: str, style: ParagraphStyle, *, key: str, level: int = 0) -> None:
        super().__init__(_escape(text), style)
        self._title, self._key, self._level = text, key, level

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkPage(self._key)
        self.canv.addOutlineEntry(self._title, self._key, level=self._level, closed=False)


def text_column(texts: Sequence[str], styles: Styles, minimum: float, maximum: float) -> float:
    """Width that fits the widest of ``texts`` on one line, within bounds."""
    widest = max((stringWidth(x, styles.font, styles.cell.fontSize) for x in texts), default=0.0)
    return min(maximum, max(minimum, widest + 2 * CELL_PAD + 2))


def signature_line(first: str, second: str, widths: Sequence[float], styles: Styles, *,
                   align: str = "RIGHT", room: float = 6 * mm) -> Table:
    """Two labels, each with a ruled line to sign or date on (sheets, records, the report)."""
    return Table([[first, "", second, ""]], colWidths=list(widths), hAlign=align, style=[
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("LINEBELOW", (1, 0), (1, 0), 0.6, "black"),
        ("LINEBELOW", (3, 0), (3, 0), 0.6, "black"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), room),
    ])
