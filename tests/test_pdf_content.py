"""What the supervision group reads in the results PDF (issues 9 and 10): a replaced sheet is
listed, the recusal table reads right, times are Beijing time, the per-criterion appendix
marks what the trimmed mean dropped, and no line starts with closing punctuation."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.domain.results import results
from reviewer.domain.review import Review, SheetRow
from reviewer.i18n import set_locale
from reviewer.pdf import assemble
from reviewer.pdf import model as m
from reviewer.pdf.assemble import report_data
from reviewer.pdf.fonts import find_cjk_font
from reviewer.pdf.kinsoku import CANNOT_END, CANNOT_START, KinsokuParagraph, line_texts
from reviewer.pdf.layout import make_styles
from reviewer.pdf.report import render_results_pdf
from tests.builders import app, declare, expert, run, score_all
from tests.test_review_rules import yunling

YUNLING = ("craft_expertise", "skill_level", "leadership", "contribution")


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_locale("zh")
    yield
    set_locale(None)


def reviewed() -> Review:
    """g1: A1–A3 by E1–E4 (trimmed mean from 4 sheets); E4 recuses from A3 after scoring it;
    E1 submits at the terminal and the secretary then replaces E1's sheet from paper."""
    review = yunling(
        apps=[app("A1", "g1"), app("A2", "g1"), app("A3", "g1"), app("B1", "g2")],
        experts=[expert(e, ["g1"]) for e in ("E1", "E2", "E3", "E4")]
        + [expert(e, ["g2"]) for e in ("F1", "F2", "F3")]
        + [expert(e, ["comp"]) for e in ("C1", "C2", "C3")],
        aggregate="trimmed_mean", trim_min=4,
    )
    for e in ("E1", "E2", "E3", "E4", "F1", "F2", "F3"):
        run(review, review.acknowledge(e))
    declare(review, "E4", "A3")  # 回避申明 (no conflict) before scoring
    run(review, review.set_score("E4", "A3", "craft_expertise", "20"))  # materials open
    run(review, review.declare_conflict("E4", "A3", "relative", "直系亲属：配偶"))
    score_all(review, "E1", {"A1": 80, "A2": 70, "A3": 60})
    score_all(review, "E2", {"A1": 85, "A2": 71, "A3": 61})
    score_all(review, "E3", {"A1": 90, "A2": 72, "A3": 62})
    score_all(review, "E4", {"A1": 95, "A2": 73})
    for f in ("F1", "F2", "F3"):
        score_all(review, f, {"B1": 75})
    paper = [SheetRow(2, "E1", "A1", "专业组", dict(zip(YUNLING, ("25", "20", "15", "22"),
                                                         strict=True))),
             SheetRow(3, "E1", "A2", "专业组", dict(zip(YUNLING, ("20", "20", "10", "20"),
                                                         strict=True))),
             SheetRow(4, "E1", "A3", "专业组", dict(zip(YUNLING, ("20", "20", "10", "10"),
                                                         strict=True)))]
    run(review, review.import_sheets(paper, file_sha256="f" * 64, replace=True,
                                     reason="专家书面更正"))
    return review


def test_a_replaced_terminal_sheet_is_in_the_results_json() -> None:
    review = reviewed()
    overrides = results(review).to_json()["overrides"]
    assert len(overrides) == 1
    item = overrides[0]
    assert item["expert"] == "E1" and item["submitted_source"] == "terminal"
    assert item["reason"] == "专家书面更正" and item["by"] == "secretary" and item["at"]
    assert item["totals"] == [{"application": "A1", "old": "80", "new": "82"},
                              {"application": "A2", "old": "70", "new": "70"},
                              {"application": "A3", "old": "60", "new": "60"}]


def test_report_data_lists_the_override_and_a_readable_recusal() -> None:
    data = report_data(reviewed(), "b" * 64)
    assert [(o.expert, o.app_id, o.old_total, o.new_total) for o in data.overrides] == [
        ("专家E1", "A1", "80.00", "82.00"), ("专家E1", "A2", "70.00", "70.00"),
        ("专家E1", "A3", "60.00", "60.00")]
    assert data.overrides[0].submitted.startswith("专家终端提交")
    (row,) = [r for r in data.recusals if r.app_id == "A3"]
    assert (row.reason, row.detail, row.kind, row.opened) == ("直系亲属", "配偶", "declared", True)
    assert row.round == "专业组评审" and row.when.endswith("+08:00")


def test_the_appendix_marks_the_totals_the_trimmed_mean_dropped() -> None:
    data = report_data(reviewed(), "b" * 64)
    (table,) = [a for a in data.appendix if "专业组g1" in a.title]
    marks = {(r.app_id, r.expert): r.mark for r in table.rows}
    assert marks[("A1", "专家E4")] == m.DROPPED_HIGH and marks[("A1", "专家E1")] == m.DROPPED_LOW
    assert marks[("A2", "专家E4")] == m.DROPPED_HIGH and marks[("A2", "专家E1")] == m.DROPPED_LOW
    assert not any(marks[("A3", e)] for e in ("专家E1", "专家E2", "专家E3"))  # 3 sheets: no trim
    assert ("A3", "专家E4") not in marks  # recused: not counted, not listed
    a1_e1 = next(r for r in table.rows if (r.app_id, r.expert) == ("A1", "专家E1"))
    assert a1_e1.values == ("25", "20", "15", "22") and a1_e1.total == "82.00"
    (group,) = [g for g in data.groups if g.title == "专业组g1"]
    a1 = next(r for r in group.rows if r.app_id == "A1")
    assert a1.totals[0].endswith(m.DROPPED_LOW) and a1.totals[3].endswith(m.DROPPED_HIGH)


def test_times_are_beijing_time_with_the_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    assert assemble._when("2026-11-23T09:05:00Z") == "2026-11-23 17:05 +08:00"
    assert assemble._when("2026-12-31T20:00:00Z") == "2027-01-01 04:00 +08:00"
    from datetime import timedelta, timezone
    monkeypatch.setattr(assemble, "BEIJING", timezone(timedelta(hours=8)))  # no tzdata
    assert assemble._when("2026-11-23T09:05:00Z") == "2026-11-23 17:05 +08:00"


def test_stats_group_column_holds_group_names_not_rounds() -> None:
    data = report_data(reviewed(), "b" * 64)
    assert {e.group for e in data.stats.experts} <= {"专业组g1", "专业组g2", "综合组"}


TEXTS = [
    "与申报人有直系亲属关系或其他可能影响公正评审关系的成员，应当回避（第十九条）；回避的专家不能查看、也不能评分该申报。",
    "编号YL-2026-015，总分87.50。“好”。（说明）：是！否？《办法》第七条、第八条……完。",
    "评审秘书以纸质评分表导入替换了专家已提交的评分表。下列为被替换的评分表、原提交方式与时间，供监督组核查。",
]


@pytest.mark.parametrize("text", TEXTS)
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text: str) -> None:
    styles = make_styles(find_cjk_font(None).name)
    for width in range(30, 320, 2):
        paragraph = KinsokuParagraph(text, styles.cell)
        paragraph.wrap(width, 10_000)
        lines = line_texts(paragraph)
        assert "".join(lines) == text  # nothing lost or repeated
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in CANNOT_START, (width, lines)
            assert before[-1] not in CANNOT_END, (width, lines)


def test_a_paragraph_wrapped_again_breaks_for_the_width_it_is_given_now(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One cell measured at every page of its table: the same width keeps its lines, and a
    new width (or none kept) breaks them again exactly as a fresh paragraph would."""
    from reviewer.pdf import kinsoku

    styles = make_styles(find_cjk_font(None).name)
    splits: list[int] = []
    real_split = kinsoku.kinsoku_split
    monkeypatch.setattr(kinsoku, "kinsoku_split",
                        lambda *args: splits.append(1) or real_split(*args))
    paragraph = KinsokuParagraph(TEXTS[0], styles.cell)
    for width in (60, 60, 140, 60, 300, 300):
        paragraph.wrap(width, 10_000)
        fresh = KinsokuParagraph(TEXTS[0], styles.cell)
        fresh.wrap(width, 10_000)
        assert line_texts(paragraph) == line_texts(fresh)
        assert paragraph.height == fresh.height
    assert len(splits) == 4 + 6  # the paragraph's four new widths, and each fresh one


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils not installed")


@needs_poppler
def test_the_rendered_pdf_reads_right(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    render_results_pdf(report_data(reviewed(), "b" * 64), pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "评分表替换记录" in text and "专家书面更正" in text and "专家终端提交" in text
    assert "直系亲属：直系亲属" not in text and "本人申报" not in text
    assert "回避前已录入评分" in text and "专家申报" in text
    assert "保密协议" not in text and "保密承诺" in text
    assert "+08:00" in text and not re.search(r"\d\d:\d\d UTC", text)
    assert "附录：各专家分项评分" in text and "去掉（最高）" in text
    for line in text.splitlines():
        assert not line.strip().startswith(("，", "。", "；", "：", "、")), line
