"""The committee draw (云岭工匠 第十二条; 工作室/工作站 第十五条): the published rule, each
exclusion, declines, refusals, and the recusal normalisation it shares."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reviewer.domain.draw import (
    AVOID,
    DRAWN_ELSEWHERE,
    FIELD,
    LISTED_CONFLICT,
    NO_CERTIFICATE,
    SAME_UNIT,
    UNKNOWN_TITLE,
    UNQUALIFIED,
    Applicant,
    DrawError,
    DrawResult,
    GroupRequirement,
    ListedConflictRef,
    PoolMember,
    draw_committee,
    rank_key,
)
from reviewer.domain.panel import Qualification
from reviewer.domain.recusal import ConflictIndex
from reviewer.domain.state import SessionState
from tests.builders import app, expert, make_case

TITLE_RULE = Qualification("title_level", "第十二条", "须有副高职或技师及以上职务（职称）")
JUDGE_RULE = Qualification("judge_certificate", "第十一条", "相应资格的考评员")


def pool(size: int, field: str = "机械", title: str = "高级工程师") -> list[PoolMember]:
    return [PoolMember(f"P{i:02d}", f"专家{i:02d}", title, f"单位{i:02d}", field)
            for i in range(1, size + 1)]


def everyone(result: DrawResult) -> list[str]:
    return [p for g in result.groups for p in (*g.members, *g.reserves)]


GROUPS = [GroupRequirement("g1", 3, 1), GroupRequirement("g2", 3, 1)]


def test_the_order_is_the_published_sha256_rule_and_anyone_can_recompute_it() -> None:
    members = pool(20)
    result = draw_committee(members, [GroupRequirement("g1", 4, 2)], seed="2026-YN-001")
    # re-implemented here from the docstring alone: hashlib and a sort
    def key(pool_id: str) -> str:
        return hashlib.sha256(f"2026-YN-001\x1fg1\x1f{pool_id}".encode()).hexdigest()
    expected = sorted((m.id for m in members), key=key)[:6]
    assert list(result.groups[0].members) + list(result.groups[0].reserves) == expected
    assert rank_key("2026-YN-001", "g1", "P01") == key("P01")


def test_same_seed_same_committee_and_another_seed_another() -> None:
    members = pool(30)
    first = draw_committee(members, GROUPS, seed="seed-A")
    assert draw_committee(list(reversed(members)), GROUPS, seed="seed-A") == first  # row order
    assert draw_committee(members, GROUPS, seed=" seed-A ") == first  # typed with spaces
    other = draw_committee(members, GROUPS, seed="seed-B")
    assert everyone(other) != everyone(first)


def test_nobody_is_drawn_twice_and_later_groups_record_who_was_taken() -> None:
    members = pool(12)
    result = draw_committee(members, [GroupRequirement("g1", 4, 2), GroupRequirement("g2", 4, 2)],
                            seed="x")
    drawn = everyone(result)
    assert len(drawn) == len(set(drawn)) == 12
    passed = {e.pool_id: e.reasons[0] for e in result.group("g2").excluded}
    assert set(passed) <= set(result.group("g1").members + result.group("g1").reserves)
    assert passed and all(r.code == DRAWN_ELSEWHERE and r.detail == "g1" for r in passed.values())


def test_a_pool_too_small_names_the_group_and_the_shortfall() -> None:
    with pytest.raises(DrawError) as refused:
        draw_committee(pool(9), [GroupRequirement("g1", 5, 1), GroupRequirement("g2", 4, 1)],
                       seed="x")
    assert refused.value.code == "draw.pool_too_small"
    assert refused.value.params == {"group": "g2", "needed": 5, "found": 3, "missing": 2}
    assert "g2" in refused.value.render() and "2" in refused.value.render()


def test_field_mismatch_is_passed_over_with_its_field() -> None:
    members = pool(6, field="机械") + [
        PoolMember(f"Q{i}", "x", "高级技师", f"其他{i}", "能源、化工") for i in range(6)]
    result = draw_committee(members, [GroupRequirement("g1", 3, 0, ("能源",))], seed="s")
    assert all(p.startswith("Q") for p in result.group("g1").members)
    assert {r.code for e in result.group("g1").excluded for r in e.reasons} <= {FIELD}
    # several fields in one cell, full-width separators and spellings folded
    assert draw_committee(members, [GroupRequirement("g1", 3, 0, ("化工",))], seed="s")


def test_every_global_exclusion_reason_is_recorded() -> None:
    members = pool(10) + [
        PoolMember("X1", "a", "工程师", "甲", "机械"),
        PoolMember("X2", "b", "首席专家", "乙", "机械"),
        PoolMember("X3", "c", "高级技师", "云岭示范交通建设(集团)有限公司", "机械"),
        PoolMember("X4", "d", "高级工程师", "滇中示例重机", "机械"),
        PoolMember("X5", "e", "教授", "丙", "机械"),
        PoolMember("X6", "f", "教授", "丁", "机械"),
        PoolMember("X7", "g", "工程师", "滇中示例重机", "机械"),  # two reasons at once
    ]
    result = draw_committee(
        members, [GroupRequirement("g1", 3, 0)], seed="s",
        applicants=[Applicant("A1", "云岭示范交通建设（集团）有限公司"),
                    Applicant("A2", "滇中示例重型机械制造有限公司")],
        aliases=[("滇中示例重机", "滇中示例重型机械制造有限公司")],
        conflicts=[ListedConflictRef("X5", "A1", "利害关系")],
        avoid={"X6": "与申报单位有合作"}, qualification=TITLE_RULE)
    reasons = {e.pool_id: [(r.code, r.detail) for r in e.reasons] for e in result.excluded}
    assert reasons == {
        "X1": [(UNQUALIFIED, "工程师")], "X2": [(UNKNOWN_TITLE, "首席专家")],
        "X3": [(SAME_UNIT, "A1")], "X4": [(SAME_UNIT, "A2")],
        "X5": [(LISTED_CONFLICT, "A1")], "X6": [(AVOID, "与申报单位有合作")],
        "X7": [(UNQUALIFIED, "工程师"), (SAME_UNIT, "A2")],
    }
    assert not set(reasons) & set(everyone(result))


def test_the_qualification_filter_follows_the_panel_rule() -> None:
    members = [PoolMember("T1", "a", "高级工程师、高级技师", "u1", ""),
               PoolMember("T2", "b", "技师", "u2", ""),
               PoolMember("T3", "c", "助理工程师", "u3", ""),
               PoolMember("T4", "d", "高级工", "u4", "", certificate="国家级裁判")]
    titled = draw_committee(members, [GroupRequirement("g", 2, 0)], seed="s",
                            qualification=TITLE_RULE)
    assert set(titled.group("g").members) == {"T1", "T2"}
    judged = draw_committee(members, [GroupRequirement("g", 1, 0)], seed="s",
                            qualification=JUDGE_RULE)
    assert judged.group("g").members == ("T4",)
    assert {e.pool_id for e in judged.excluded if e.reasons[0].code == NO_CERTIFICATE} == {
        "T1", "T2", "T3"}


def test_a_declined_member_is_replaced_by_the_next_reserve_of_that_group_only() -> None:
    members = pool(20)
    groups = [GroupRequirement("g1", 3, 2), GroupRequirement("g2", 3, 1)]
    plain = draw_committee(members, groups, seed="s")
    g1 = plain.group("g1")
    declined = draw_committee(members, groups, seed="s", declines=[(g1.members[1], "出差")])
    after = declined.group("g1")
    assert after.members == (g1.members[0], g1.reserves[0], g1.members[2])
    assert after.reserves == (g1.reserves[1],)
    assert after.declines[0].replaced_by == g1.reserves[0]
    assert after.declines[0].reason == "出差" and after.declines[0].was_member
    assert declined.group("g2") == plain.group("g2")  # another group's draw never moves


def test_a_declined_reserve_leaves_and_exhausted_reserves_are_refused() -> None:
    members = pool(20)
    g1 = draw_committee(members, GROUPS, seed="s").group("g1")
    result = draw_committee(members, GROUPS, seed="s", declines=[(g1.reserves[0], "病假")])
    assert result.group("g1").reserves == () and result.group("g1").members == g1.members
    assert not result.group("g1").declines[0].was_member
    with pytest.raises(DrawError) as refused:
        draw_committee(members, GROUPS, seed="s",
                       declines=[(g1.members[0], "a"), (g1.members[1], "b")])
    assert refused.value.code == "draw.reserves_exhausted"
    assert refused.value.params["group"] == "g1"


@pytest.mark.parametrize(("declines", "code"), [
    ([("NOPE", "x")], "draw.decline_unknown"),
    ([("P20", "x")], "draw.decline_not_drawn"),
])
def test_a_decline_must_name_someone_drawn(declines: list[tuple[str, str]], code: str) -> None:
    members = pool(20)
    drawn = everyone(draw_committee(members, GROUPS, seed="s"))
    declines = [(p if p != "P20" else next(m.id for m in members if m.id not in drawn), r)
                for p, r in declines]
    with pytest.raises(DrawError) as refused:
        draw_committee(members, GROUPS, seed="s", declines=declines)
    assert refused.value.code == code


def test_an_empty_seed_and_a_repeated_pool_id_are_refused() -> None:
    with pytest.raises(DrawError, match=r"seed|种子"):
        draw_committee(pool(5), [GroupRequirement("g", 1, 0)], seed="  ")
    with pytest.raises(DrawError) as refused:
        draw_committee([*pool(5), pool(1)[0]], [GroupRequirement("g", 1, 0)], seed="s")
    assert refused.value.params == {"pool_id": "P01"}


UNIT_PAIRS = [
    ("云岭示范交通建设(集团)有限公司", "云岭示范交通建设（集团）有限公司"),
    ("滇中示例重机", "滇中示例重型机械制造有限公司"),
    ("ＡＢＣ示例公司", "abc示例公司"),
    ("普洱示例茶业 集团有限公司", "普洱示例茶业集团有限公司"),
    ("普洱示例茶业集团", "普洱示例茶业集团有限公司"),  # a different name: neither detects it
]


@pytest.mark.parametrize(("expert_unit", "applicant_unit"), UNIT_PAIRS)
def test_same_unit_is_exactly_what_recusal_detects(expert_unit: str, applicant_unit: str) -> None:
    """The draw and 第十九条 recusal agree on every pair: one normalisation, one alias list."""
    aliases = (("滇中示例重机", "滇中示例重型机械制造有限公司"),)
    case, _ = make_case("yunling-craftsman", [app("A1", unit=applicant_unit)],
                        [expert("E1", ["g1"], unit=expert_unit)], aliases=aliases)
    recused = ConflictIndex(case).conflict("E1", "A1", SessionState()) is not None
    result = draw_committee([PoolMember("E1", "n", "高级技师", expert_unit, ""),
                             *pool(3)], [GroupRequirement("g", 1, 0)], seed="s",
                            applicants=[Applicant("A1", applicant_unit)], aliases=aliases)
    excluded = any(e.pool_id == "E1" for e in result.excluded)
    assert excluded == recused
    assert excluded == (expert_unit != "普洱示例茶业集团")


def test_config_reads_draw_reserves_and_fields(tmp_path: Path) -> None:
    from reviewer.casefolder.config import read_config
    from reviewer.casefolder.problems import Problems
    from tests.draw_fixtures import write_draw_case

    folder, _ = write_draw_case(tmp_path)
    problems = Problems()
    config = read_config(folder, problems, None)
    assert not problems and config is not None
    assert config.draws == (GroupRequirement("equipment", 5, 2, ("机械", "电气")),
                            GroupRequirement("energy", 5, 2, ("能源",)),
                            GroupRequirement("comprehensive", 5, 1, ()))
    text = (folder / "case.toml").read_text(encoding="utf-8")
    (folder / "case.toml").write_text(text.replace('fields = ["能源"]', 'fields = "能源"')
                                      .replace("draw = 5\nreserves = 1", "reserves = -1"),
                                      encoding="utf-8")
    problems = Problems()
    read_config(folder, problems, None)
    assert {p.code for p in problems.items} == {"draw.fields_list", "casefolder.missing_key"}
