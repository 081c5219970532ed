"""Every article and document title printed comes from the measure's own panel (issue 11), and
the paper sheets read right (issue 10): for each of the seven panels a results PDF and the
paper sheets are rendered from a small session and read back with poppler's pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.domain.case import Application, Group
from reviewer.domain.panel import Panel, all_panels
from reviewer.domain.review import Review
from reviewer.i18n import set_locale
from reviewer.pdf.assemble import report_data, score_sheets
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.sheets import render_score_sheets
from tests.builders import Clock, ack, app, expert, make_case, run, score_all

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) not installed")

PANELS = {p.id: p for p in all_panels()}
ARTICLE = re.compile(r"第[一二三四五六七八九十]+条")


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_locale("zh")
    yield
    set_locale(None)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return "".join(out.split())  # Chinese lines break anywhere: compare without whitespace


def pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return ["".join(page.split()) for page in out.split("\f") if page.strip()]


def panel_articles(panel: Panel) -> set[str]:
    found = {panel.cap_article, panel.recusal_article, panel.confidentiality_article}
    found |= {c.article for c in panel.criteria} | {t.article for t in panel.tracks}
    found |= {x.article for t in panel.tracks for x in t.tiers}
    found |= {t.article for t in panel.tie_break} | {r.article for r in panel.eligibility}
    found |= set(panel.flags.values()) | {r.article for r in panel.rounds}
    found |= {panel.scoring_article, panel.one_per_unit or "", panel.min_applications_article,
              panel.budget_article, panel.expert_qualification_article,
              panel.disqualification.article}
    # articles quoted inside the panel's own texts (notes, tie-break wording)
    for text in (panel.disqualification.text, *(t.note for t in panel.tie_break)):
        found |= set(ARTICLE.findall(text))
    return {a for a in found if a}


def apps_for(panel_id: str, count: int) -> list[Application]:
    extra: dict[str, object] = {
        "innovation-studio": {"team_size": 3, "named_years": 2},
        "technician-station": {"team_size": 5, "named_years": 2, "leader_age": 50},
        "innovation-subsidy": {"requested_amount": 250000},
        "skills-contest": {"fixed_scores": {"theory": Decimal(80)}},
    }.get(panel_id, {})
    track = PANELS[panel_id].tracks[0].key
    out = []
    for i in range(1, count + 1):
        more = dict(extra)
        if panel_id == "innovation-subsidy":
            more["named_unit"] = f"示例职工创新工作室{i}"
        out.append(app(f"A{i}", "g1", track=track, unit=f"示例单位{i}", **more))
    return out


def session(panel_id: str, *, close: bool) -> Review:
    panel = PANELS[panel_id]
    apps = apps_for(panel_id, 4)
    experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3", "E4")]
    groups = [Group("g1", "第一评审组", "professional", 4 if panel.has_comprehensive else None)]
    if panel.has_comprehensive:
        experts += [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
        groups.append(Group("comp", "综合组", "comprehensive"))
    rules: dict[str, object] = {}
    if panel.has_funding:
        rules = {"budget": 10_000_000, "band_min_score": {"band_a": Decimal(60),
                                                          "band_b": Decimal(50),
                                                          "band_c": Decimal(40)}}
    case, panel = make_case(panel_id, apps, experts, groups=groups, **rules)
    review = Review(case, panel, clock=Clock())
    for e in experts:
        ack(review, e.id)
    run(review, review.declare_conflict("E4", "A4", "other", "曾共同完成项目"))
    if not close:
        return review
    totals = {"A1": 90, "A2": 85, "A3": 80, "A4": 75}
    for e in ("E1", "E2", "E3", "E4"):
        score_all(review, e, {k: v for k, v in totals.items() if not (e == "E4" and k == "A4")})
    run(review, review.advance())
    if panel.has_comprehensive:
        for e in ("C1", "C2", "C3"):
            score_all(review, e, totals)  # type: ignore[arg-type]
        run(review, review.advance())
    if panel.disqualification.allowed:
        run(review, review.disqualify("A1", "公示期异议属实"))
    return review


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_results_pdf_cites_only_its_own_document(panel_id: str, tmp_path: Path) -> None:
    panel = PANELS[panel_id]
    review = session(panel_id, close=True)
    path = tmp_path / "results.pdf"
    render_results_pdf(report_data(review, "0" * 64), path)
    text = pdf_text(path)
    # every article printed is one this panel names
    printed = set(ARTICLE.findall(text))
    assert printed <= panel_articles(panel), printed - panel_articles(panel)
    # the notes cite this document's own articles with its title
    assert f"《{panel.policy}》{panel.confidentiality_article}" in text
    assert f"签署{panel.confidentiality_term}" in text
    assert f"《{panel.policy}》{panel.recusal_article}" in text
    if panel.disqualification.allowed:
        assert f"《{panel.policy}》{panel.disqualification.article}" in text
        assert ("空缺名额不予补足" in text) == panel.disqualification.vacancy_not_refilled
    else:
        assert "未规定公示后取消资格" in text and "空缺名额不予补足" not in text
    # the same-unit recusal is presented as the panel's practice, not as an article
    assert "同单位回避为本评审委员会的工作惯例" in text
    # the rounds are the document's: no 综合组 section for a one-step measure
    assert ("综合组评审" in text) == panel.has_comprehensive
    for other in PANELS.values():
        if other.policy != panel.policy:
            assert other.policy not in text, other.policy
    if panel_id != "yunling-craftsman":
        assert "云岭工匠" not in text


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_paper_sheets_cite_their_own_document_and_print_true_maximums(
        panel_id: str, tmp_path: Path) -> None:
    panel = PANELS[panel_id]
    review = session(panel_id, close=False)
    path = tmp_path / "sheets.pdf"
    sheets = score_sheets(review)
    render_score_sheets(sheets, path)
    text = pdf_text(path)
    assert set(ARTICLE.findall(text)) <= panel_articles(panel)
    assert f"《{panel.policy}》{panel.recusal_article}" in text
    assert f"本人已签署{panel.confidentiality_term}" in text
    for criterion in panel.expert_criteria:
        maximum = format(review.points[criterion.key].normalize(), "f")
        assert f"{criterion.name}（≤{maximum}）" in text
    for other in PANELS.values():
        if other.policy != panel.policy:
            assert other.policy not in text
    assert panel.rounds[0].name in text


def test_yunling_sheet_prints_20_and_30_not_2_and_3(tmp_path: Path) -> None:
    # issue 10: `领军作用（≤2）`/`业绩贡献（≤3）` were printed for the maxima 20 and 30
    review = session("yunling-craftsman", close=False)
    path = tmp_path / "sheets.pdf"
    render_score_sheets(score_sheets(review), path)
    text = pdf_text(path)
    assert "领军作用（≤20）" in text and "业绩贡献（≤30）" in text
    assert "（≤2）" not in text and "（≤3）" not in text


def test_a_sheet_that_runs_onto_a_second_page_names_its_expert_there(tmp_path: Path) -> None:
    panel_id = "yunling-craftsman"
    apps = apps_for(panel_id, 40)
    experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3")] + [expert("C1", ["comp"])]
    groups = [Group("g1", "第一评审组", "professional", 4), Group("comp", "综合组", "comprehensive")]
    case, panel = make_case(panel_id, apps, experts, groups=groups)
    review = Review(case, panel, clock=Clock())
    path = tmp_path / "sheets.pdf"
    render_score_sheets(score_sheets(review, "E2"), path)
    found = pages(path)
    assert len(found) >= 2
    for page in found:
        assert "专家E2（E2）" in page


def test_no_sheet_for_an_expert_who_already_submitted_at_the_terminal(tmp_path: Path) -> None:
    review = session("labour-contest", close=False)
    score_all(review, "E1", {"A1": 90, "A2": 85, "A3": 80, "A4": 75})
    experts = [s.expert_id for s in score_sheets(review)]
    assert "E1" not in experts and {"E2", "E3", "E4"} <= set(experts)


def test_an_order_decided_by_the_tie_break_is_explained_in_the_pdf(tmp_path: Path) -> None:
    # issue 10: two equal 综合组 aggregates ordered by 第七条 priority printed "同分处理：无"
    apps = [app("A1", "g1"), app("A2", "g1", flags=["priority"]), app("A3", "g1")]
    experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
    experts += [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
    groups = [Group("g1", "第一评审组", "professional", 3), Group("comp", "综合组", "comprehensive")]
    case, panel = make_case("yunling-craftsman", apps, experts, groups=groups)
    review = Review(case, panel, clock=Clock())
    for e in experts:
        ack(review, e.id)
    totals = {"A1": "70.5", "A2": "70.5", "A3": 60}
    for e in ("E1", "E2", "E3"):
        score_all(review, e, totals)  # type: ignore[arg-type]
    run(review, review.advance())
    for e in ("C1", "C2", "C3"):
        score_all(review, e, totals)  # type: ignore[arg-type]
    run(review, review.advance())
    path = tmp_path / "results.pdf"
    render_results_pdf(report_data(review, "0" * 64), path)
    text = pdf_text(path)
    section = text.split("同分处理", 1)[1]
    assert not section.startswith("无")
    assert "A2>A1" in section and "同分时，具有第七条所列荣誉称号者优先（第七条）" in section
    assert "综合组同分70.50分，依：" in section


def test_subsidy_bands_and_budget_print_in_wan_yuan_without_dropping_zeros(tmp_path: Path) -> None:
    # 第十一条 "20—30万元" / "10—20万元" / "5—10万元": printed "2万元–3万元" before
    review = session("innovation-subsidy", close=True)
    path = tmp_path / "results.pdf"
    render_results_pdf(report_data(review, "0" * 64), path)
    text = pdf_text(path)
    assert "一档20万元–30万元" in text and "二档10万元–20万元" in text and "三档5万元–10万元" in text
    assert "总预算1000万元" in text and "25万元" in text
