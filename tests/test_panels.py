"""The shipped panel files encode the policies, and the loader refuses malformed ones.

The numbers asserted here are the policies' own (seeds/000_bf8b8a8ab55a58df.txt): a panel
file that drifts from its policy, or a loader that lets a broken file through, must fail here.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reviewer.domain.panel import (
    RECUSAL_KINDS,
    Panel,
    PanelError,
    all_panels,
    load_panel,
    load_panel_by_id,
    panels_dir,
    parse_panel,
)

MEASURES = (
    "yunling-craftsman", "innovation-studio", "technician-station", "innovation-achievement",
    "innovation-subsidy", "skills-contest", "labour-contest",
)
ARTICLE = re.compile(r"^第[一二三四五六七八九十]+条$")
# shared/ sits beside the clone (CI) or beside the worktrees (here): resolve it from the repo
_REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("REVIEWER_SEEDS") or next(
    (str(p) for p in (_REPO.parent / "shared" / "seeds" / "000_bf8b8a8ab55a58df.txt",
                      _REPO.parents[1] / "shared" / "seeds" / "000_bf8b8a8ab55a58df.txt")
     if p.is_file()),
    str(_REPO.parent / "shared" / "seeds" / "000_bf8b8a8ab55a58df.txt")))


@pytest.fixture(scope="module")
def panels() -> dict[str, Panel]:
    return {p.id: p for p in all_panels()}


def raw(panel_id: str) -> dict[str, Any]:
    """A fresh, mutable copy of a shipped panel file's TOML data."""
    with (panels_dir() / f"{panel_id}.toml").open("rb") as handle:
        return copy.deepcopy(tomllib.load(handle))


def rejection(data: dict[str, Any]) -> PanelError:
    with pytest.raises(PanelError) as caught:
        parse_panel(data, "x.toml")
    assert caught.value.code == "panel.invalid"
    assert caught.value.params["source"] == "x.toml"
    return caught.value


# -- the shipped panels ----------------------------------------------------------------------


def test_every_measure_has_exactly_one_loadable_panel(panels: dict[str, Panel]) -> None:
    assert sorted(panels) == sorted(MEASURES)
    for panel_id in MEASURES:
        assert (panels_dir() / f"{panel_id}.toml").is_file()
        assert load_panel_by_id(panel_id) == panels[panel_id]


# id -> (name, policy, period, total cap, cap article, criterion names, criteria article)
HEADS = {
    "yunling-craftsman": ("云岭工匠", "云岭工匠选树管理办法", "year", 20, "第三条",
                          ("工艺专长", "技能水平", "领军作用", "业绩贡献"), "第十二条"),
    "innovation-studio": ("职工创新工作室", "云南省职工创新工作室选树管理办法", "batch", 30,
                          "第四条", ("科技创新", "管理创新", "技术创新", "机制创新", "服务创新"),
                          "第十五条"),
    "technician-station": ("职工技师工作站", "云南省职工技师工作站选树管理办法", "batch", 30,
                           "第四条", ("攻关改造", "革新成果", "带徒传技", "活动成效"), "第十五条"),
    "innovation-achievement": ("职工技术创新成果奖", "云南省职工技术创新成果评选奖励管理办法（暂行）",
                               "batch", 100, "第四条",
                               ("科技水平", "技术难度", "关键技术和创新点", "经济效益和社会效益"),
                               "第十二条"),
    # 第十一条 sets no number of projects: no cap (the budget bounds the list)
    "innovation-subsidy": ("职工创新项目补助", "云南省职工创新项目补助资金管理办法（试行）", "year",
                           None, "第十一条",
                           ("科技水平", "技术难度", "关键技术和创新点", "经济效益和社会效益"),
                           "第十六条"),
    "skills-contest": ("职工职业技能竞赛", "云南省职工职业技能竞赛管理办法（试行）", "batch", 10,
                       "第十八条", ("理论", "实操"), "第十六条"),
    # each criterion cites the article it is drawn from (第六条/第十条/第九条), not 第十一条
    "labour-contest": ("省级示范性劳动竞赛", "云南省劳动竞赛管理办法", "year", 3, "第十条",
                       ("组织领导", "竞赛内容", "保障激励", "广泛参与", "竞赛成效"),
                       ("第六条", "第十条", "第十条", "第六条", "第九条")),
}

# id -> {track key: (name, cap, ((tier key, tier name, cap, amount_min, amount_max), ...))}
TRACKS = {
    "yunling-craftsman": {"main": ("云岭工匠", 20, ())},
    "innovation-studio": {"main": ("职工创新工作室", 30, ())},
    "technician-station": {"main": ("职工技师工作站", 30, ())},
    "innovation-achievement": {
        "achievement": ("技术创新成果", 80, (
            ("first", "一等奖", 5, None, None), ("second", "二等奖", 20, None, None),
            ("third", "三等奖", 35, None, None), ("excellent", "优秀奖", 20, None, None),
        )),
        "method": ("先进操作法", 10, ()),
        "suggestion": ("合理化建议", 10, ()),
    },
    # 第十一条 "20—30万元" / "10—20万元" / "5—10万元"; no count per band in the document
    "innovation-subsidy": {"main": ("职工创新项目补助", None, (
        ("band_a", "一档", None, 200_000, 300_000),
        ("band_b", "二档", None, 100_000, 200_000),
        ("band_c", "三档", None, 50_000, 100_000),
    ))},
    "skills-contest": {"main": ("职工职业技能竞赛", 10, (
        ("champion", "技术状元", 1, None, None), ("expert", "技术能手", 9, None, None),
    ))},
    "labour-contest": {"main": ("省级示范性劳动竞赛", 3, ())},
}


@pytest.mark.parametrize("panel_id", MEASURES)
def test_head_cap_and_criteria_follow_the_policy(panels: dict[str, Panel], panel_id: str) -> None:
    name, policy, period, cap, cap_article, criteria, criteria_article = HEADS[panel_id]
    panel = panels[panel_id]
    assert (panel.name, panel.policy, panel.period) == (name, policy, period)
    assert (panel.cap, panel.cap_article) == (cap, cap_article)
    assert tuple(c.name for c in panel.criteria) == criteria
    if isinstance(criteria_article, tuple):
        assert tuple(c.article for c in panel.criteria) == criteria_article
    else:
        assert {c.article for c in panel.criteria} == {criteria_article}
    for criterion in panel.criteria:
        # secretaries write the policy's Chinese name; both it and the key find the criterion
        assert panel.criterion(criterion.name) is criterion
        assert panel.criterion(criterion.key) is criterion
        assert re.fullmatch(r"[a-z][a-z0-9_]*", criterion.key)
        assert criterion.name_en.strip()


@pytest.mark.parametrize("panel_id", MEASURES)
def test_tracks_and_tiers_follow_the_policy(panels: dict[str, Panel], panel_id: str) -> None:
    panel = panels[panel_id]
    actual = {
        t.key: (t.name, t.cap, tuple((x.key, x.name, x.cap, x.amount_min, x.amount_max)
                                     for x in t.tiers))
        for t in panel.tracks
    }
    assert actual == TRACKS[panel_id]
    if panel.cap is not None:
        assert sum(t.cap or 0 for t in panel.tracks) <= panel.cap
    for track in panel.tracks:
        assert panel.track(track.name) is track


@pytest.mark.parametrize("panel_id", MEASURES)
def test_summed_criteria_add_up_to_100(panels: dict[str, Panel], panel_id: str) -> None:
    panel = panels[panel_id]
    if panel.scoring == "sum":
        assert sum(c.points for c in panel.criteria) == 100
        # an expert scores in steps of 0.5, so every maximum must be reachable
        assert all((c.points * 2) % 1 == 0 for c in panel.criteria)
    else:
        assert panel_id == "skills-contest"


@pytest.mark.parametrize("panel_id", MEASURES)
def test_recusal_and_confidentiality_are_complete(panels: dict[str, Panel], panel_id: str) -> None:
    panel = panels[panel_id]
    reasons = {r.key: r.name for r in panel.recusal_reasons}
    assert reasons == {"self": "本人申报", "relative": "直系亲属", "interest": "利害关系",
                       "same_unit": "同单位", "other": "其他"}
    assert tuple(reasons) == RECUSAL_KINDS
    text = panel.confidentiality_text.strip()
    assert 300 <= len(text) <= 600, len(text)
    assert panel.confidentiality_article in text
    assert f"《{panel.policy}》" in text
    for duty in ("泄露", "徇私", "回避", "直系亲属", "利害关系"):
        assert duty in text, duty
    english = panel.confidentiality_text_en
    for duty in ("disclose", "favouritism", "withdraw", "direct relative", "breach"):
        assert duty in english, duty
    assert f"Article {_arabic(panel.confidentiality_article)}" in english


def _arabic(article: str) -> int:
    digits = dict(zip("一二三四五六七八九", range(1, 10), strict=True))
    body = article.removeprefix("第").removesuffix("条")
    tens, _, units = body.rpartition("十")
    if "十" not in body:
        return digits[body]
    return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)


def test_yunling_craftsman_rules(panels: dict[str, Panel]) -> None:
    panel = panels["yunling-craftsman"]
    assert panel.flags == {"direct": "第六条", "priority": "第七条", "prior_honoree": "第三条",
                           "excluded": "第八条"}
    assert [(t.rule, t.article) for t in panel.tie_break] == [("flag:priority", "第七条")]
    assert panel.expert_qualification_article == "第十二条"
    assert (panel.recusal_article, panel.confidentiality_article) == ("第十九条", "第十九条")
    assert panel.eligibility == ()


@pytest.mark.parametrize("panel_id, team", [("innovation-studio", 3), ("technician-station", 5)])
def test_studio_and_station_eligibility_of_article_10(
    panels: dict[str, Panel], panel_id: str, team: int
) -> None:
    panel = panels[panel_id]
    rules = {(r.field, r.op, r.value, r.unless_flag): r for r in panel.eligibility}
    expected = {("named_years", ">=", 2, "exempt"), ("team_size", ">=", team, None)}
    if panel_id == "technician-station":
        expected.add(("leader_age", "<=", 55, None))
    assert set(rules) == expected
    assert {r.article for r in panel.eligibility} == {"第十条"}
    assert f"{team}人以上" in rules[("team_size", ">=", team, None)].message
    assert f"{team} or more" in rules[("team_size", ">=", team, None)].message_en
    assert "2年以上" in rules[("named_years", ">=", 2, "exempt")].message
    if panel_id == "technician-station":
        age = rules[("leader_age", "<=", 55, None)]
        assert "55周岁（含）以下" in age.message and "55 or under" in age.message_en
    assert panel.flags["exempt"] == "第十条"
    assert panel.expert_qualification_article == "第十五条"
    assert (panel.recusal_article, panel.confidentiality_article) == ("第十九条", "第十九条")


def test_innovation_achievement_tiers_fill_by_rank_not_by_amount(panels: dict[str, Panel]) -> None:
    panel = panels["innovation-achievement"]
    assert panel.flags == {"excluded": "第七条"}
    assert not panel.has_funding  # prize money (第十五条) is not a funding band
    assert {t.article for t in panel.tracks} == {"第四条"}
    assert {x.article for t in panel.tracks for x in t.tiers} == {"第四条"}
    assert panel.tie_break == ()


def test_innovation_subsidy_bands_and_limits(panels: dict[str, Panel]) -> None:
    panel = panels["innovation-subsidy"]
    assert panel.has_funding
    assert panel.budget_article == "第十一条"
    assert panel.one_per_unit == "第十四条"
    assert panel.flags["unfinished_project"] == "第十四条"
    bands = panel.tracks[0].tiers
    assert {b.article for b in bands} == {"第十一条"}
    # 20–30万, 10–20万, 5–10万: contiguous, highest band first
    for upper, lower in zip(bands, bands[1:], strict=False):
        assert upper.amount_min == lower.amount_max
    assert bands[0].amount_max == 300_000 and bands[-1].amount_min == 50_000


def test_skills_contest_weighted_scoring(panels: dict[str, Panel]) -> None:
    panel = panels["skills-contest"]
    assert (panel.scoring, panel.scoring_article) == ("weighted", "第十六条")
    theory, practice = panel.criteria
    assert (theory.key, theory.source, theory.points, theory.weight) == (
        "theory", "application", Decimal(100), Decimal(3))
    assert (practice.key, practice.source, practice.points, practice.weight) == (
        "practice", "expert", Decimal(100), Decimal(7))
    assert panel.expert_criteria == (practice,)
    assert [(t.rule, t.criterion, t.article) for t in panel.tie_break] == [
        ("criterion", "practice", "第十六条")]
    # 第十二条 "除稀缺工种外，参加省级一类竞赛决赛的优秀选手原则上不得少于30名" (10419)
    assert (panel.min_applications, panel.min_applications_article) == (30, "第十二条")
    assert panel.flags["prior_honoree"] == "第十二条"


def test_labour_contest_limits(panels: dict[str, Panel]) -> None:
    panel = panels["labour-contest"]
    assert panel.one_per_unit == "第十条"
    assert 4 <= len(panel.criteria) <= 5
    text = (panels_dir() / "labour-contest.toml").read_text(encoding="utf-8")
    assert "SET BY THIS PANEL FILE" in text  # the policy names no criteria


@pytest.mark.parametrize("panel_id", MEASURES)
def test_every_article_is_written_as_an_article(panels: dict[str, Panel], panel_id: str) -> None:
    for article in _articles(panels[panel_id]):
        assert ARTICLE.fullmatch(article), article


def _articles(panel: Panel) -> set[str]:
    found = {panel.cap_article, panel.recusal_article, panel.confidentiality_article}
    found |= {c.article for c in panel.criteria}
    found |= {t.article for t in panel.tracks}
    found |= {x.article for t in panel.tracks for x in t.tiers}
    found |= {t.article for t in panel.tie_break}
    found |= {r.article for r in panel.eligibility}
    found |= set(panel.flags.values())
    found |= {r.article for r in panel.rounds}
    optional = (panel.scoring_article, panel.one_per_unit, panel.min_applications_article,
                panel.budget_article, panel.expert_qualification_article,
                panel.disqualification.article)
    return found | {a for a in optional if a}


# -- the procedure is the measure's own (issue 12) ---------------------------------------------

# id -> (round keys, articles defining them). 云岭工匠 第十二条 "分专业组评审和综合组评审";
# 工作室/工作站 第十五条 "经专业组评审和综合组评审"; the others are one step: 成果奖 第十二条
# "评审委员会……提出授奖项目和等级建议", 补助资金 第十六条 "提出拟补助项目和补助金额建议",
# 劳动竞赛 第十一条 "经省总工会劳动竞赛领导小组评审", 技能竞赛 第十六条 "最终确定选手比赛名次".
ROUNDS_OF = {
    "yunling-craftsman": (("professional", "comprehensive"), "第十二条"),
    "innovation-studio": (("professional", "comprehensive"), "第十五条"),
    "technician-station": (("professional", "comprehensive"), "第十五条"),
    "innovation-achievement": (("professional",), "第十二条"),
    "innovation-subsidy": (("professional",), "第十六条"),
    "labour-contest": (("professional",), "第十一条"),
    "skills-contest": (("professional",), "第十六条"),
}

# id -> (allowed, article, 空缺名额不予补足 written in the document). 云岭 第十六条 (7470),
# 工作室 第十六条 (8077), 工作站 第十六条 (8560) "空缺名额不予补足"; 成果奖 第十三条 "组织复查并
# 提出处理意见" (7021); 技能竞赛 第二十条 "取消成绩"; 补助资金 and 劳动竞赛 have no such rule.
REMOVAL_OF = {
    "yunling-craftsman": (True, "第十六条", True),
    "innovation-studio": (True, "第十六条", True),
    "technician-station": (True, "第十六条", True),
    "innovation-achievement": (True, "第十三条", False),
    "innovation-subsidy": (False, "", False),
    "labour-contest": (False, "", False),
    "skills-contest": (True, "第二十条", False),
}


@pytest.mark.parametrize("panel_id", MEASURES)
def test_rounds_and_removal_are_the_documents_own(panels: dict[str, Panel], panel_id: str) -> None:
    panel = panels[panel_id]
    keys, article = ROUNDS_OF[panel_id]
    assert tuple(str(k) for k in panel.round_keys) == keys
    assert {r.article for r in panel.rounds} == {article}
    assert panel.has_comprehensive == (len(keys) == 2)
    rule = panel.disqualification
    assert (rule.allowed, rule.article, rule.vacancy_not_refilled) == REMOVAL_OF[panel_id]
    assert ("不予补足" in rule.text) == rule.vacancy_not_refilled


@pytest.mark.parametrize("panel_id", MEASURES)
def test_same_unit_recusal_is_the_panels_practice_not_an_article(
    panels: dict[str, Panel], panel_id: str
) -> None:
    # 第十九条 (7489–7491) names 本人, 直系亲属 and 其他关系: 同单位 is not among the grounds
    reasons = {r.key: r for r in panels[panel_id].recusal_reasons}
    assert reasons["same_unit"].practice
    assert not any(r.practice for k, r in reasons.items() if k != "same_unit")
    data = raw(panel_id)
    for reason in data["recusal"]["reasons"]:
        if reason["key"] == "same_unit":
            del reason["practice"]
    assert rejection(data).params["key"].endswith(".practice")


QUALIFICATION_OF = {
    "yunling-craftsman": ("title_level", "第十二条"),
    "innovation-studio": ("title_level", "第十五条"),
    "technician-station": ("title_level", "第十五条"),
    "skills-contest": ("judge_certificate", "第十一条"),  # "相应资格的考评员" (10398)
}


@pytest.mark.parametrize("panel_id", MEASURES)
def test_expert_qualification_is_the_documents(panels: dict[str, Panel], panel_id: str) -> None:
    rule = panels[panel_id].qualification
    expected = QUALIFICATION_OF.get(panel_id)
    assert (None if rule is None else (rule.kind, rule.article)) == expected


@pytest.mark.parametrize("table", ["rounds", "disqualification"])
def test_a_panel_without_rounds_or_removal_rule_is_refused(table: str) -> None:
    data = raw("labour-contest")
    del data[table]
    assert rejection(data).params["key"] == table


def test_a_round_the_document_lacks_is_refused() -> None:
    data = raw("skills-contest")
    data["rounds"] = [data["rounds"][0] | {"key": "comprehensive"}]
    assert rejection(data).params["key"] == "rounds"
    data = raw("innovation-achievement")
    data["disqualification"]["allowed"] = False
    assert rejection(data).params["key"] == "disqualification.article"


def test_confidentiality_term_is_required_and_the_panels() -> None:
    # 云岭 第十九条 "应签署保密协议": the panel's text is the 保密承诺 members sign under it, and
    # the PDF, the sheets and the terminal all call it by the panel's own word (issue 10)
    panel = load_panel_by_id("yunling-craftsman")
    assert panel.confidentiality_term == "保密承诺"
    assert "签署本保密承诺" in panel.confidentiality_text
    data = raw("yunling-craftsman")
    del data["confidentiality"]["term"]
    assert rejection(data).params["key"] == "confidentiality.term"


def test_labour_contest_collective_honour_breaks_ties_by_article_9() -> None:
    # 第九条 "通过劳动竞赛，集体获得省级及以上荣誉的，在同等条件下优先升级" (10712)
    panel = load_panel_by_id("labour-contest")
    assert [(t.rule, t.article) for t in panel.tie_break] == [("flag:collective_honour", "第九条")]
    assert panel.flags["collective_honour"] == "第九条"


def test_subsidy_caps_are_not_invented_and_one_project_per_station() -> None:
    panel = load_panel_by_id("innovation-subsidy")
    # 第十一条 sets bands, not counts; 第十四条 "每个“一站三室”每年只能申报1个补助项目" (6737)
    assert panel.cap is None and all(t.cap is None for t in panel.tracks[0].tiers)
    assert (panel.one_per_unit, panel.one_per_unit_field) == ("第十四条", "named_unit")
    # 第十四条 "必须是经全国总工会或省总工会命名的“一站三室”" (6728)
    assert [(r.field, r.op, r.article) for r in panel.eligibility] == [
        ("named_unit", "set", "第十四条")]
    assert panel.unfinished_article == "第十四条"


# -- the panels against the policy text --------------------------------------------------------

needs_seeds = pytest.mark.skipif(not SEEDS.is_file(), reason=f"policy text not found at {SEEDS}")
_ARTICLE_START = re.compile(r"^\s*(第[一二三四五六七八九十]+条)")
_COMMENT_QUOTE = re.compile(
    r"^\s*#\s*(第[一二三四五六七八九十]+条)(?:（[一二三四五六七八九十]+）)?\s*:?\s*\"([^\"]+)\""
)


# the contest's two parts go by their short names; 第十六条 spells them out
_POLICY_WORDING = {"理论": "技术理论", "实操": "实际操作"}


def _policy_articles(panel_id: str) -> tuple[str, dict[str, str]]:
    """The policy's text (whitespace and quote marks removed) and its articles by number."""
    first, last = map(int, raw(panel_id)["panel"]["seed_lines"].split("-"))
    lines = SEEDS.read_text(encoding="utf-8").splitlines()[first - 1:last]
    articles: dict[str, str] = {}
    current = None
    for line in lines:
        if match := _ARTICLE_START.match(line):
            current = match.group(1)
            articles.setdefault(current, "")
        if current:
            articles[current] += _squash(line)
    return _squash("".join(lines)), articles


def _squash(text: str) -> str:
    return re.sub(r"[\s'“”‘’]", "", text)


@needs_seeds
@pytest.mark.parametrize("panel_id", MEASURES)
def test_policy_title_and_every_cited_article_exist(panels: dict[str, Panel], panel_id: str) -> None:
    panel = panels[panel_id]
    body, articles = _policy_articles(panel_id)
    assert _squash(panel.policy) in body
    for article in _articles(panel):
        assert article in articles, article
    if panel_id != "labour-contest":  # its criteria are set by the panel file
        for criterion in panel.criteria:
            wording = _POLICY_WORDING.get(criterion.name, criterion.name)
            assert wording in articles[criterion.article], criterion.name


@needs_seeds
@pytest.mark.parametrize("panel_id", MEASURES)
def test_quoted_phrases_are_in_the_article_they_cite(panel_id: str) -> None:
    _, articles = _policy_articles(panel_id)
    text = (panels_dir() / f"{panel_id}.toml").read_text(encoding="utf-8")
    checked = 0
    for line in text.splitlines():
        if not (match := _COMMENT_QUOTE.match(line)):
            continue
        article, quote = match.groups()
        for part in re.split(r"…+", quote):
            assert _squash(part) in articles[article], (article, part)
        checked += 1
    assert checked >= 10  # every rule carries its quotation


# -- the loader refuses malformed panels, naming the key at fault --------------------------


def test_missing_keys_are_named() -> None:
    data = raw("yunling-craftsman")
    del data["panel"]["name_en"]
    err = rejection(data)
    assert (err.params["key"], err.params["problem"]) == ("panel.name_en", "missing")

    data = raw("yunling-craftsman")
    del data["criteria"][1]["article"]
    assert rejection(data).params["key"] == "criteria[1].article"

    data = raw("innovation-achievement")
    del data["tracks"][0]["tiers"][2]["cap"]
    assert rejection(data).params["key"] == "tracks[0].tiers[2].cap"

    data = raw("yunling-craftsman")
    del data["confidentiality"]
    assert rejection(data).params["key"] == "confidentiality"


def test_points_must_sum_to_100() -> None:
    data = raw("yunling-craftsman")
    data["criteria"][0]["points"] += 0.5
    err = rejection(data)
    assert err.params["key"] == "criteria"
    assert "100" in err.params["problem"] and "100.5" in err.params["problem"]


def test_weighted_scoring_does_not_need_100() -> None:
    data = raw("skills-contest")
    data["criteria"][0]["points"] = 50
    assert parse_panel(data, "x.toml").criteria[0].points == 50


def test_unknown_keys_are_named() -> None:
    data = raw("yunling-craftsman")
    data["criteria"][2]["pionts"] = 10
    err = rejection(data)
    assert (err.params["key"], err.params["problem"]) == ("criteria[2].pionts", "unknown key")

    data = raw("innovation-achievement")
    data["tracks"][0]["tiers"][1]["colour"] = "silver"
    assert rejection(data).params["key"] == "tracks[0].tiers[1].colour"

    data = raw("yunling-craftsman")
    data["flags"]["vip"] = {"article": "第七条"}
    assert rejection(data).params["key"] == "flags.vip"

    data = raw("yunling-craftsman")
    data["quota"] = 20
    assert rejection(data).params["key"] == "quota"


@pytest.mark.parametrize("where, value", [
    (("criteria", 0, "article"), "12"),
    (("cap", "article"), "Article 3"),
    (("tracks", 0, "tiers", 2, "article"), "四"),
    (("flags", "excluded", "article"), "第7"),
    (("recusal", "article"), ""),
])
def test_bad_article_text_is_named(where: tuple[str | int, ...], value: str) -> None:
    data = raw("innovation-achievement")
    data.setdefault("flags", {}).setdefault("excluded", {"article": "第七条"})
    target: Any = data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    expected = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in where).lstrip(".")
    assert rejection(data).params["key"] == expected


def test_duplicate_criterion_key_is_named() -> None:
    data = raw("technician-station")
    data["criteria"][2]["key"] = data["criteria"][0]["key"]
    err = rejection(data)
    assert err.params["key"] == "criteria[2].key"
    assert "tackling_renovation" in err.params["problem"]


def test_duplicate_criterion_name_is_named() -> None:
    data = raw("technician-station")
    data["criteria"][3]["name"] = "攻关改造"
    assert rejection(data).params["key"] == "criteria[3].name"


def test_tier_caps_may_not_exceed_the_track_cap() -> None:
    data = raw("innovation-achievement")
    data["tracks"][0]["tiers"][0]["cap"] = 6  # 6 + 20 + 35 + 20 = 81 > 80
    err = rejection(data)
    assert err.params["key"] == "tracks[0].tiers"
    assert "80" in err.params["problem"]


def test_track_caps_may_not_exceed_the_total_cap() -> None:
    data = raw("innovation-achievement")
    data["tracks"][1]["cap"] = 11
    assert rejection(data).params["key"] == "cap.total"


def test_tie_break_must_name_a_known_criterion() -> None:
    data = raw("skills-contest")
    data["tie_break"][0]["criterion"] = "speed"
    err = rejection(data)
    assert err.params["key"] == "tie_break[0].criterion"
    assert "speed" in err.params["problem"]


def test_every_recusal_kind_is_required() -> None:
    data = raw("yunling-craftsman")
    data["recusal"]["reasons"] = [r for r in data["recusal"]["reasons"] if r["key"] != "same_unit"]
    err = rejection(data)
    assert err.params["key"] == "recusal.reasons"
    assert "same_unit" in err.params["problem"]


def test_funding_bands_need_the_budget_article() -> None:
    data = raw("innovation-subsidy")
    del data["limits"]["budget_article"]
    assert rejection(data).params["key"] == "limits.budget_article"


def test_eligibility_field_and_operator_are_checked() -> None:
    data = raw("technician-station")
    data["eligibility"][1]["field"] = "age"
    assert rejection(data).params["key"] == "eligibility[1].field"
    data = raw("technician-station")
    data["eligibility"][0]["op"] = "=="
    assert rejection(data).params["key"] == "eligibility[0].op"


def test_file_name_must_match_the_panel_id(tmp_path: Path) -> None:
    text = (panels_dir() / "labour-contest.toml").read_text(encoding="utf-8")
    (tmp_path / "labour.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PanelError) as caught:
        load_panel(tmp_path / "labour.toml")
    assert caught.value.params["key"] == "panel.id"


def test_toml_syntax_errors_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[panel\nid = 1\n", encoding="utf-8")
    with pytest.raises(PanelError) as caught:
        all_panels(tmp_path)
    assert caught.value.params["key"] == "-"


def test_unknown_measure_lists_the_known_ones() -> None:
    with pytest.raises(PanelError) as caught:
        load_panel_by_id("yunling")
    assert caught.value.code == "panel.unknown"
    assert caught.value.params["known"] == ", ".join(sorted(MEASURES))


def test_the_error_reads_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    data = raw("yunling-craftsman")
    data["criteria"][0]["points"] = 30
    err = rejection(data)
    monkeypatch.setattr("reviewer.i18n._locale", None)  # follow REVIEWER_LANG, restored after
    monkeypatch.setenv("REVIEWER_LANG", "zh")
    assert str(err) == "评审规则文件 x.toml 有误：criteria：points must sum to 100, got 105"
    monkeypatch.setenv("REVIEWER_LANG", "en")
    assert str(err) == "Panel file x.toml is invalid: criteria: points must sum to 100, got 105"


# Malformed panels found while writing the panels: each must be refused with a PanelError
# naming the exact key (they used to crash or pass silently).
def _set(panel_id: str, path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = raw(panel_id)
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


LOADER_GAPS = [
    pytest.param(_set("yunling-craftsman", ("criteria", 0, "points"), True),
                 "criteria[0].points", id="boolean-points-crash"),
    pytest.param(_set("yunling-craftsman", ("criteria", 0, "points"), float("nan")),
                 "criteria[0].points", id="nan-points-crash"),
    pytest.param(_set("skills-contest", ("criteria", 1, "points"), float("inf")),
                 "criteria[1].points", id="infinite-points"),
    pytest.param(_set("skills-contest", ("scoring", "mod"), "sum"),
                 "scoring.mod", id="unknown-key-in-scoring"),
    pytest.param(_set("yunling-craftsman", ("flags", "direct", "artcle"), "第六条"),
                 "flags.direct.artcle", id="unknown-key-in-flag"),
    pytest.param(_set("innovation-subsidy", ("tracks", 0, "tiers", 0, "amount_min"), 400_000),
                 "tracks[0].tiers[0].amount_min", id="band-min-above-max"),
    pytest.param(_set("technician-station", ("eligibility", 0, "unless_flag"), "exmept"),
                 "eligibility[0].unless_flag", id="undeclared-unless-flag"),
    pytest.param(_set("yunling-craftsman", ("panel", "period"), "decade"),
                 "panel.period", id="unknown-period"),
]


@pytest.mark.parametrize("data, key", LOADER_GAPS)
def test_loader_gaps(data: dict[str, Any], key: str) -> None:
    assert rejection(data).params["key"] == key
