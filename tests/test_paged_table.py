"""A long table is laid out page by page (cost linear in its rows) and prints the same pages
as ReportLab's own split of the whole table: every row once, in order, header on each page,
row styles kept on their rows."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.platypus import LongTable, Table

from reviewer.pdf import layout
from reviewer.pdf.fonts import find_cjk_font

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")

HEADER = ["编号", "专家", "一", "二", "合计"]
WIDTHS = [60.0, 150.0, 60.0, 60.0, 60.0]


def _rows(count: int) -> list[list[str]]:
    # Every 37th expert name wraps onto a second line, so rows are not all one height.
    return [[f"A{i // 7:04d}" if i % 7 == 0 else "",
             f"专家{i}" + ("需要折行的很长的专家姓名与所在单位全称" * 2 if i % 37 == 0 else ""),
             "8.5", "9", f"{17.5 + i % 3}"] for i in range(count)]


def _rules(count: int) -> list[tuple[object, ...]]:
    return [("LINEABOVE", (0, i + 1), (-1, i + 1), 0.9, layout.CUT_COLOUR)
            for i in range(7, count, 7)]


def _pages(story: list[object], tmp_path: Path, name: str) -> list[str]:
    font = find_cjk_font(None)
    buffer = io.BytesIO()
    layout.ReviewerDoc(buffer, font=font.name).build(story)
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(buffer.getvalue())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def test_a_long_table_prints_the_pages_of_the_whole_table_split_by_reportlab(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    styles = layout.make_styles(find_cjk_font(None).name)
    count = 700
    paged = layout.grid_table(HEADER, _rows(count), WIDTHS, styles, numeric=[2, 3, 4],
                              extra=_rules(count))
    assert isinstance(paged, layout.PagedTable)
    # The same table as one LongTable, the way grid_table built every table before.
    monkeypatch.setattr(layout, "PAGED_ROWS", count)
    whole = layout.grid_table(HEADER, _rows(count), WIDTHS, styles, numeric=[2, 3, 4],
                              extra=_rules(count))
    assert isinstance(whole, LongTable)
    title = layout.para("附表", styles.h2)  # the table starts part-way down its first page
    expected = _pages([title, whole], tmp_path, "whole")
    pages = _pages([title, paged], tmp_path, "paged")
    assert len(pages) > 10
    assert pages == expected
    assert all("编号" in page for page in pages if page.strip())
    printed = [int(n) for n in re.findall(r"专家(\d+)", "".join(pages))]
    assert printed == list(range(count))  # every row once, in order


def test_a_table_with_a_style_spanning_rows_is_left_to_reportlab() -> None:
    styles = layout.make_styles(find_cjk_font(None).name)
    span = [("SPAN", (0, 1), (0, 3))]
    table = layout.grid_table(HEADER, _rows(300), WIDTHS, styles, extra=span)
    assert isinstance(table, LongTable)


def _cell_looks(table: Table) -> list[list[dict[str, object]]]:
    return [[{k: v for k, v in vars(style).items() if k != "name"} for style in row]
            for row in table._cellStyles]  # noqa: SLF001 (what every cell is drawn with)


def test_every_cell_is_styled_as_reportlab_styles_it_from_the_commands() -> None:
    """The shared styles of a run of rows are the styles ReportLab gives each cell itself,
    whatever the commands cover: whole table, a column's body, the header, one cut row with
    its own colour, ranges counted from the end, and an empty range."""
    styles = layout.make_styles(find_cjk_font(None).name)
    rows = _rows(40)
    style = [("FONTNAME", (0, 0), (-1, -1), styles.font), ("FONTSIZE", (0, 0), (-1, -1), 7),
             ("LEADING", (0, 0), (-1, -1), 9), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("ALIGN", (2, 1), (-2, -1), "RIGHT"), ("FONT", (0, 0), (-1, 0), styles.font, 8),
             ("TEXTCOLOR", (0, 8), (-1, 8), layout.CUT_COLOUR),
             ("LEFTPADDING", (1, -3), (1, -1), 9), ("TOPPADDING", (0, 5), (-1, 2), 7),
             ("GRID", (0, 0), (-1, -1), 0.35, layout.GRID_COLOUR),
             ("BACKGROUND", (0, 0), (-1, 0), layout.HEAD_COLOUR)]
    data = [list(HEADER), *rows]
    by_reportlab = Table(data, style=style)
    cell_styles, drawn = layout.shared_cell_styles(len(data), len(HEADER), style)
    ours = Table(data, style=drawn, cellStyles=cell_styles)
    assert _cell_looks(ours) == _cell_looks(by_reportlab)
    assert [c[0] for c in drawn] == ["GRID", "BACKGROUND"]  # lines and fills stay ReportLab's
    assert ours._cellStyles[8][0].color != ours._cellStyles[9][0].color  # noqa: SLF001


def test_a_table_builds_one_style_per_column_for_its_body_rows() -> None:
    """What makes a long table cheap: its body rows share their columns' styles."""
    styles = layout.make_styles(find_cjk_font(None).name)
    table = layout.grid_table(HEADER, _rows(60), WIDTHS, styles, numeric=[2, 3, 4])
    assert isinstance(table, LongTable)
    body = table._cellStyles[1:]  # noqa: SLF001
    assert len({id(style) for row in body for style in row}) == len(HEADER)
    assert body[0][2].alignment == "RIGHT" and body[0][1].alignment == "LEFT"
    assert table._cellStyles[0][2] is not body[0][2]  # the header keeps its own  # noqa: SLF001
