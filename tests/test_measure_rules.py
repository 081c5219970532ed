"""Case-folder rules that come from each measure's own document (issue 12): the groups its
rounds need, who may sit on its panel, and what its one-application rule counts.

Folders are the fictional fixtures of ``tests/test_casefolder.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.domain.qualification import (
    BELOW,
    DEPUTY_SENIOR,
    FULL_SENIOR,
    TECHNICIAN,
    title_is_qualified,
    title_levels,
)
from tests.test_casefolder import GROUPS, build, chinese, problems_of, read, spec

__all__ = ["chinese"]  # the autouse fixture: messages in Chinese


# 云岭工匠 第十二条 "须有副高职或技师及以上职务（职称）" (7432); 工作室/工作站 第十五条 the same
@pytest.mark.parametrize("title, level", [
    ("研究员", FULL_SENIOR), ("副研究员", DEPUTY_SENIOR), ("教授", FULL_SENIOR),
    ("副教授", DEPUTY_SENIOR), ("主任医师", FULL_SENIOR), ("副主任医师", DEPUTY_SENIOR),
    ("副主任护师", DEPUTY_SENIOR), ("编审", FULL_SENIOR), ("副编审", DEPUTY_SENIOR),
    ("研究馆员", FULL_SENIOR), ("副研究馆员", DEPUTY_SENIOR), ("正高级工程师", FULL_SENIOR),
    ("高级工程师", DEPUTY_SENIOR), ("高级经济师", DEPUTY_SENIOR), ("高级会计师", DEPUTY_SENIOR),
    ("高级讲师", DEPUTY_SENIOR), ("技师", TECHNICIAN), ("高级技师", TECHNICIAN),
    ("特级技师", TECHNICIAN), ("首席技师", TECHNICIAN),
    ("助理研究员", BELOW), ("实习研究员", BELOW), ("高级工（三级）", BELOW), ("工程师", BELOW),
    ("讲师", BELOW), ("不存在的职称", None),
])
def test_titles_are_classified_by_level_from_the_table(title: str, level: str | None) -> None:
    assert title_levels(title) == [level]
    assert title_is_qualified(title) == (level in (FULL_SENIOR, DEPUTY_SENIOR, TECHNICIAN))


def test_several_titles_qualify_when_one_does() -> None:
    assert title_is_qualified("工程师、高级技师")
    assert not title_is_qualified("工程师/讲师")


@pytest.mark.parametrize("title, code", [
    ("助理研究员", "casefolder.title_unqualified"), ("实习研究员", "casefolder.title_unqualified"),
    ("高级工（三级）", "casefolder.title_unqualified"), ("首席工匠", "casefolder.title_unknown"),
])
def test_an_unqualified_or_unknown_title_is_refused(tmp_path: Path, title: str,
                                                    code: str) -> None:
    s = spec("yunling-craftsman")
    s.experts[1]["title"] = title
    problems = problems_of(build(tmp_path, s))
    assert [(p.row, p.column, p.code) for p in problems] == [(3, "title", code)]
    assert "第十二条" in problems[0].render()


@pytest.mark.parametrize("title", ["副主任护师", "副编审", "副研究馆员"])
def test_deputy_senior_titles_of_every_series_are_accepted(tmp_path: Path, title: str) -> None:
    s = spec("yunling-craftsman")
    s.experts[1]["title"] = title
    case, _ = read(build(tmp_path, s))
    assert case.experts[1].title == title


def test_an_override_with_a_reason_is_recorded(tmp_path: Path) -> None:
    s = spec("yunling-craftsman")
    for row in s.experts:
        row["qualification_note"] = ""
    s.experts[1].update(title="首席工匠", qualification_note="省级首席技能专家，经领导小组同意")
    case, _ = read(build(tmp_path, s))
    assert case.experts[1].qualification_note == "省级首席技能专家，经领导小组同意"
    assert case.to_dict()["experts"][1]["qualification_note"] == "省级首席技能专家，经领导小组同意"


def test_skills_contest_judges_need_a_certificate_not_a_title(tmp_path: Path) -> None:
    # 第十一条 "相应资格的考评员" (10398); 第十二条 "具备执裁职业资格" (10414)
    s = spec("skills-contest")
    s.experts[0]["certificate"] = ""
    s.experts[2]["title"] = "高级工（三级）"  # a judge is not judged by title
    problems = problems_of(build(tmp_path, s))
    assert [(p.row, p.column, p.code) for p in problems] == [
        (2, "certificate", "casefolder.certificate_missing")]
    assert "第十一条" in problems[0].render()


@pytest.mark.parametrize("measure", ["innovation-achievement", "innovation-subsidy",
                                     "skills-contest", "labour-contest"])
def test_a_one_step_measure_refuses_a_comprehensive_group(tmp_path: Path, measure: str) -> None:
    s = spec(measure)
    s.groups = GROUPS  # with a 综合组 and nomination counts
    for row in s.experts:
        row["groups"] = row["groups"] or "g1"
    problems = problems_of(build(tmp_path, s))
    codes = {(p.column, p.code) for p in problems}
    assert ("groups.comp.kind", "casefolder.single_step_no_comprehensive") in codes


@pytest.mark.parametrize("measure", ["innovation-achievement", "innovation-subsidy",
                                     "skills-contest", "labour-contest"])
def test_a_one_step_measure_needs_no_comprehensive_group(tmp_path: Path, measure: str) -> None:
    s = spec(measure)
    if measure == "innovation-achievement":
        for row in s.apps:
            row["track"] = "技术创新成果"
    case, panel = read(build(tmp_path, s))
    assert not panel.has_comprehensive
    assert case.comprehensive_group is None


def test_a_two_round_measure_still_needs_its_comprehensive_group(tmp_path: Path) -> None:
    s = spec("yunling-craftsman")
    s.groups = GROUPS.split("[groups.comp]")[0]
    s.experts = [dict(r, groups=";".join(g for g in r["groups"].split(";") if g != "comp")
                      or "g1") for r in s.experts]
    codes = [p.code for p in problems_of(build(tmp_path, s))]
    assert "casefolder.one_comprehensive" in codes


def test_subsidy_counts_one_project_per_station_not_per_employer(tmp_path: Path) -> None:
    # 第十四条 "每个“一站三室”每年只能申报1个补助项目": two stations of one employer may apply
    s = spec("innovation-subsidy")
    s.apps[1]["unit"] = s.apps[0]["unit"]
    case, _ = read(build(tmp_path, s))
    assert case.applications[0].unit == case.applications[1].unit
    assert case.applications[0].named_unit != case.applications[1].named_unit


def test_subsidy_applicant_without_a_named_station_is_refused(tmp_path: Path) -> None:
    # 第十四条 "必须是经全国总工会或省总工会命名的“一站三室”" (6728)
    s = spec("innovation-subsidy")
    s.apps[2]["named_unit"] = ""
    problems = problems_of(build(tmp_path, s))
    assert [(p.row, p.column, p.code) for p in problems] == [
        (4, "named_unit", "casefolder.eligibility_missing")]


def test_unfinished_project_admitted_with_a_reason_is_read_and_scored(tmp_path: Path) -> None:
    # 第十四条 "原则上不得申报": a warning the secretary overrides with a reason
    s = spec("innovation-subsidy")
    s.apps[0]["flags"] = "未结项：原项目已通过中期验收"
    case, _ = read(build(tmp_path, s))
    assert case.applications[0].flags == ("unfinished_project:原项目已通过中期验收",)


def test_a_one_step_measure_refuses_a_nomination_count(tmp_path: Path) -> None:
    s = spec("labour-contest")
    s.groups = s.groups.replace('kind = "professional"\n', 'kind = "professional"\nnominate = 2\n', 1)
    problems = problems_of(build(tmp_path, s))
    assert [(p.column, p.code) for p in problems] == [
        ("groups.g1.nominate", "casefolder.nominate_single_step")]
