"""The results PDF and the paper score sheets, checked through poppler as a reader would."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer.i18n import set_locale
from reviewer.pdf import fonts
from reviewer.pdf.errors import FontError
from reviewer.pdf.metadata import KEY_BUNDLE, KEY_HEAD, KEY_SESSION
from reviewer.pdf.model import RECUSED, RoundRow, RoundTable, ScoreSheetData, SheetApplication
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.sample import CRITERIA, sample_report, sample_sheets
from reviewer.pdf.sheets import render_score_sheets

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext, pdffonts) not installed")


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_locale("zh")
    yield
    set_locale(None)


def text(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def font_rows(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.fixture(scope="module")
def report40(tmp_path_factory: pytest.TempPathFactory):
    set_locale("zh")
    data = sample_report(40, groups=3)
    path = tmp_path_factory.mktemp("pdf") / "results.pdf"
    info = render_results_pdf(data, path)
    set_locale(None)
    return data, path, info


def test_report_shows_every_expert_score_under_real_name(report40) -> None:
    data, path, info = report40
    body = text(path)
    lines = body.splitlines()
    for group in data.groups:
        assert group.title in body
        for expert in group.experts:
            assert expert in body
        for row in group.rows:
            # the row reads id, name, then every expert's total in column order, then aggregate
            expected = r"\s+".join(re.escape(v) for v in (row.app_id, row.name, "", *row.totals,
                                                           row.aggregate or "—"))
            expected = expected.replace(r"\s+\s+", r"\s+(?:\S+\s+)?")  # unit may wrap
            assert any(re.search(expected, x) for x in lines), row
    assert RECUSED in body  # sample has recusals; they show as 回避, not as a number
    assert data.comprehensive is not None
    for expert in data.comprehensive.experts:
        assert expert in body
    for final in data.final:
        assert final.app_id in body
    assert data.integrity.bundle_sha256 in body and data.integrity.chain_head in body


def test_every_page_is_marked_and_numbered(report40) -> None:
    data, path, info = report40
    assert info.pages == len(PdfReader(path).pages)
    for page in range(1, info.pages + 1):
        page_text = text(path, first=page, last=page)
        assert "内部资料 注意保密" in page_text
        assert re.search(rf"第\s*{page}\s*页\s*共\s*{info.pages}\s*页", page_text)
        assert data.cover.session_id in page_text


def test_cjk_font_is_embedded_and_nothing_else_is_needed(report40) -> None:
    _, path, info = report40
    assert info.font_embedded and not info.warnings
    rows = font_rows(path)
    assert rows, "no fonts listed"
    for row in rows:
        emb = row[-5]  # columns: name type encoding emb sub uni id gen
        assert emb == "yes", row
    assert any("WenQuanYi" in row[0] or "+" in row[0] for row in rows)


def test_integrity_facts_are_in_the_metadata(report40) -> None:
    data, path, _ = report40
    meta = PdfReader(path).metadata
    assert meta[KEY_BUNDLE] == data.integrity.bundle_sha256
    assert meta[KEY_HEAD] == data.integrity.chain_head
    assert meta[KEY_SESSION] == data.cover.session_id


def test_sections_are_bookmarked_to_their_pages(report40) -> None:
    _, path, _ = report40
    reader = PdfReader(path)
    outline = {item.title: reader.get_destination_page_number(item)
               for item in reader.outline if not isinstance(item, list)}
    assert {"一、评审委员会", "三、专业组评审", "六、完整性信息", "七、签字页"} <= set(outline)
    integrity_page = outline["六、完整性信息"] + 1
    assert "评审包 SHA-256" in text(path, first=integrity_page, last=integrity_page)
    signature_page = outline["七、签字页"] + 1
    assert "监督组" in text(path, first=signature_page, last=signature_page)


def test_wide_tables_use_landscape_pages(report40) -> None:
    _, path, _ = report40
    reader = PdfReader(path)
    shapes = [(float(p.mediabox.width) > float(p.mediabox.height)) for p in reader.pages]
    assert not shapes[0]  # cover is portrait
    # cover to recusals portrait, round tables landscape, statistics to signatures portrait,
    # then the landscape appendix of per-criterion scores
    assert re.fullmatch(r"P+L+P+L+", "".join("L" if x else "P" for x in shapes))


def test_large_committee_splits_expert_columns(tmp_path: Path) -> None:
    data = sample_report(30, groups=1, experts_per_group=12, comprehensive_experts=5)
    path = tmp_path / "wide.pdf"
    render_results_pdf(data, path)
    body = text(path)
    assert "专家评分列 1–6（共 12 位专家）" in body
    assert "专家评分列 7–12（共 12 位专家）" in body
    for expert in data.groups[0].experts:
        assert expert in body
    row = data.groups[0].rows[0]
    expected = r"\s+".join(re.escape(v) for v in row.totals[6:])
    assert any(row.app_id in x and re.search(expected, x) for x in body.splitlines())


def test_300_applications_stay_readable_and_complete(tmp_path: Path) -> None:
    data = sample_report(300, groups=5, experts_per_group=7, comprehensive_experts=9)
    path = tmp_path / "big.pdf"
    info = render_results_pdf(data, path)  # speed is measured in bench/bench_pdf.py, not here
    assert 15 <= info.pages <= 80
    body = text(path)
    for group in data.groups:
        for row in group.rows:
            assert row.app_id in body
    # table headers repeat on every page a table continues onto
    pages_with_tables = sum(1 for page in body.split("\f") if re.search(r"YL2025\d{4}", page))
    assert body.count("申报名称") + body.count("专家总分") >= pages_with_tables - 1


def test_tiers_and_amounts_appear_in_final_list(tmp_path: Path) -> None:
    data = sample_report(60, tiered=True)
    path = tmp_path / "tiered.pdf"
    render_results_pdf(data, path)
    body = text(path)
    assert "补助金额" in body and "等次" in body
    first = data.final[1]
    line = next(x for x in body.splitlines() if first.app_id in x and first.amount in x)
    assert first.tier in line


def test_empty_sections_say_so(tmp_path: Path) -> None:
    data = replace(sample_report(20), recusals=(), comprehensive=None, final=(), cap_lines=(),
                   ties=(), disqualifications=())
    path = tmp_path / "empty.pdf"
    render_results_pdf(data, path)
    body = text(path)
    assert "本次评审无回避记录。" in body
    assert "综合组评审尚未进行。" in body
    assert "正式提名名单为空。" in body


def test_progress_is_reported_to_completion(tmp_path: Path) -> None:
    seen: list[float] = []
    render_results_pdf(sample_report(40), tmp_path / "p.pdf",
                       progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_unknown_characters_are_warned_about(tmp_path: Path) -> None:
    data = sample_report(20)
    group = data.groups[0]
    odd = RoundRow(None, "YL-X", "𪚥𪚥", "某单位", ("—",) * len(group.experts), "", False, False)
    data = replace(data, groups=(RoundTable(group.title, group.experts, (*group.rows, odd)),
                                 *data.groups[1:]))
    info = render_results_pdf(data, tmp_path / "w.pdf")
    assert any("𪚥" in w for w in info.warnings)


def test_explicit_font_must_exist_and_be_truetype(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(FontError, match="找不到"):
        render_results_pdf(sample_report(10), tmp_path / "x.pdf", font_path=tmp_path / "no.ttf")
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font")
    monkeypatch.setenv(fonts.ENV_VAR, str(bogus))
    with pytest.raises(FontError, match="无法嵌入"):
        render_results_pdf(sample_report(10), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_fontconfig_is_asked_only_when_no_known_place_has_a_font(monkeypatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    found = fonts.find_cjk_font()
    if not found.embedded:
        pytest.skip("no embeddable CJK font on this machine")
    asked: list[bool] = []
    monkeypatch.setattr(fonts, "_fc_list", lambda: asked.append(True) or [])
    monkeypatch.setattr(fonts, "CANDIDATES", ((found.path, found.subfont_index),))
    assert fonts.find_cjk_font().path == found.path
    assert not asked
    monkeypatch.setattr(fonts, "CANDIDATES", (("/nonexistent/font.ttc", 0),))
    fonts.find_cjk_font()
    assert asked == [True]


def test_fallback_font_comes_with_a_warning(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    info = render_results_pdf(sample_report(10), tmp_path / "f.pdf")
    assert not info.font_embedded
    assert any("STSong-Light" in w and "不嵌入" in w for w in info.warnings)
    assert "内部资料 注意保密" in text(tmp_path / "f.pdf")


def test_score_sheets_list_only_the_given_applications(tmp_path: Path) -> None:
    data = sample_report(40)
    group = data.groups[0]
    allowed = tuple(SheetApplication(r.app_id, r.name, r.unit) for r in group.rows[:5])
    withheld = [r for r in group.rows[5:]]
    sheet = ScoreSheetData("张建国", "E001", group.title, "专业组评审", CRITERIA, allowed,
                           data.cover.session_id, "云岭工匠", data.cover.session_title)
    path = tmp_path / "sheet.pdf"
    info = render_score_sheets([sheet], path)
    body = text(path)
    assert info.pages == 1
    for app in allowed:
        assert app.app_id in body and app.name in body
    for row in withheld:
        assert row.app_id not in body
    for criterion in CRITERIA:
        assert f"{criterion.name}（≤{criterion.max}）" in body
    assert "合计" in body and "评审专家签名" in body and "张建国" in body


def test_one_sheet_per_expert_each_on_its_own_pages(tmp_path: Path) -> None:
    data = sample_report(40)
    sheets = sample_sheets(data)
    path = tmp_path / "sheets.pdf"
    info = render_score_sheets(sheets, path)
    assert info.pages >= len(sheets)
    pages = text(path).split("\f")
    starts = [i for i, page in enumerate(pages) if "评分表（专业组评审）" in page]
    assert len(starts) == len(sheets)
    for start, sheet in zip(starts, sheets, strict=True):
        assert sheet.expert_name in pages[start]
    assert all(row[-5] == "yes" for row in font_rows(path))


def test_document_stays_chinese_for_an_english_user(tmp_path: Path) -> None:
    set_locale("en")
    data = sample_report(10)
    data = replace(data, cover=replace(data.cover, secretary="钱𪚥"))
    messages: list[str] = []
    info = render_results_pdf(data, tmp_path / "en.pdf",
                              progress=lambda fraction, message: messages.append(message))
    body = text(tmp_path / "en.pdf")
    assert "一、评审委员会" in body and re.search(r"第\s*1\s*页\s*共", body)
    assert info.warnings[0].startswith("Warning:")  # the user's language
    assert messages[-1] == "Report written"


def test_missing_output_folder_is_refused_without_debris(tmp_path: Path) -> None:
    from reviewer.pdf.errors import PdfError

    with pytest.raises(PdfError, match="不存在"):
        render_results_pdf(sample_report(10), tmp_path / "nowhere" / "r.pdf")
    assert list(tmp_path.iterdir()) == []
