"""Reading a secretary's case folder: CSV and XLSX, English and Chinese headers, and every
problem reported at once with its file, row and column in the user's language.

All folders here are fictional fixtures written to pytest's temporary directory.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook

from reviewer.bundle.pins import pin_password_hasher
from reviewer.casefolder import CaseFolderInvalid, Problem, read_case_folder
from reviewer.casefolder.score_sheets import SheetUnreadable, read_score_sheet
from reviewer.cli.main import main
from reviewer.domain.case import Case
from reviewer.domain.panel import Panel, load_panel_by_id
from reviewer.i18n import set_locale

Rows = list[dict[str, str]]


def cheap_hash(pin: str) -> str:
    return "test:" + hashlib.sha256(pin.encode()).hexdigest()


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    set_locale("zh")
    yield
    set_locale(None)


# -- building fixture folders -------------------------------------------------------------------

GROUPS = """
[groups.g1]
name = "装备制造组"
kind = "professional"
nominate = 2

[groups.g2]
name = "能源化工组"
kind = "professional"
nominate = 2

[groups.comp]
name = "综合组"
kind = "comprehensive"
"""

# a one-step measure (成果奖, 补助资金, 技能竞赛, 劳动竞赛) has no 综合组 and no nomination line
ONE_STEP_GROUPS = """
[groups.g1]
name = "装备制造组"
kind = "professional"

[groups.g2]
name = "能源化工组"
kind = "professional"
"""


@dataclass
class Spec:
    """A case folder as data, so each test can break exactly one thing."""

    measure: str
    rules: str = ""
    groups: str = GROUPS
    top: str = 'year = 2026\nsecretary = "秘书甲"\n'
    apps: Rows = field(default_factory=list)
    experts: Rows = field(default_factory=list)
    conflicts: Rows = field(default_factory=list)
    aliases: Rows = field(default_factory=list)
    materials: dict[str, dict[str, bytes]] = field(default_factory=dict)
    with_toml: bool = True

    def toml(self) -> str:
        return (f'measure = "{self.measure}"\ntitle = "测试案卷（虚构）"\n{self.top}'
                f"\n[rules]\nmin_experts = 3\n{self.rules}\n{self.groups}")


def base_apps() -> Rows:
    return [
        {"id": "A1", "name": "申报人甲", "unit": "示例机械（集团）有限公司", "group": "g1",
         "track": "", "flags": "", "summary": "（虚构）事迹甲", "id_number": "539999199001011234"},
        {"id": "A2", "name": "申报人乙", "unit": "示例电力有限公司", "group": "g1",
         "track": "", "flags": "", "summary": "（虚构）事迹乙", "id_number": ""},
        {"id": "A3", "name": "申报人丙", "unit": "示例化工有限公司", "group": "g2",
         "track": "", "flags": "", "summary": "（虚构）事迹丙", "id_number": ""},
        {"id": "A4", "name": "申报人丁", "unit": "示例电力集团有限公司", "group": "g2",
         "track": "", "flags": "", "summary": "（虚构）事迹丁", "id_number": ""},
    ]


def base_experts() -> Rows:
    rows = [
        ("E1", "正高级工程师", "g1;comprehensive"), ("E2", "高级技师", "g1"), ("E3", "技师", "g1"),
        ("E4", "副教授", "g2;comp"), ("E5", "研究员", "g2"), ("E6", "高级工程师", "g2"),
        ("E7", "教授", "comp"),
    ]
    return [{"id": i, "name": f"专家{i}", "title": title, "unit": f"示例大学{i}",
             "groups": groups.replace("comprehensive", "comp"), "pin": f"24681{n}",
             "id_number": ""}
            for n, (i, title, groups) in enumerate(rows)]


def spec(measure: str = "yunling-craftsman") -> Spec:
    s = Spec(measure=measure, apps=base_apps(), experts=base_experts())
    if not load_panel_by_id(measure).has_comprehensive:
        s.groups = ONE_STEP_GROUPS
        for row in s.experts:
            row["groups"] = ";".join(g for g in row["groups"].split(";") if g != "comp") or "g1"
    s.conflicts = [{"expert": "E2", "application": "A1", "reason": "直系亲属：配偶"},
                   {"expert": "E5", "application": "A4", "reason": "曾共同承担攻关项目"}]
    s.aliases = [{"alias": "示例机械", "unit": "示例机械(集团)有限公司"}]
    if measure == "yunling-craftsman":
        s.rules = 'aggregate = "trimmed_mean"\nmin_score = 60\n'
        s.apps[0]["flags"] = "direct"
        s.apps[1]["flags"] = "优先；priority"
        s.apps[2]["flags"] = "排除：受到党纪处分影响期未满：2025年"
        s.materials = {
            "A1": {"简介.md": "# 事迹\n（虚构）".encode(),
                   "说明.txt": "说明：虚构材料".encode("gb18030")},
            "A2": {"report.pdf": pdf_bytes("Project report: torque 42 Nm")},
        }
    if measure == "technician-station":
        for row, (age, team, years) in zip(s.apps, [("45", "6", "3"), ("55", "5", "2"),
                                                   ("40", "8", "1"), ("50", "12", "4")],
                                           strict=True):
            row.update(leader_age=age, team_size=team, named_years=years)
        s.apps[2]["flags"] = "豁免"
    if measure == "innovation-subsidy":
        s.rules = ("budget = 1000000\n[rules.band_min_score]\n\"一档\" = 90\nband_b = 80\n"
                   "\"三档\" = 70\n")
        for row in s.apps:
            row["requested_amount"] = "150,000"
            row["named_unit"] = f"{row['unit']}省级职工创新工作室"  # 第十四条
    if measure == "skills-contest":
        for row, theory in zip(s.apps, ("88", "92.5", "75", "60"), strict=True):
            row["理论"] = theory
        for row in s.experts:  # 第十一条 "相应资格的考评员"
            row["certificate"] = "职业技能鉴定考评员"
    return s


def pdf_bytes(text: str) -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def write_table(path: Path, rows: Rows, fmt: str, rename: dict[str, str] | None = None) -> None:
    headers: list[str] = []
    for row in rows:
        headers.extend(k for k in row if k not in headers)
    shown = [(rename or {}).get(h, h) for h in headers]
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(shown)
        for row in rows:
            sheet.append([_typed(row.get(h, "")) for h in headers])
        book.create_sheet("备注").append(["这张表不会被读取"])
        book.save(path.with_suffix(".xlsx"))
    else:
        import csv

        with path.with_suffix(".csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(shown)
            writer.writerows([row.get(h, "") for h in headers] for row in rows)


def _typed(value: str) -> object:
    """What Excel stores: numbers as numbers (a careful secretary keeps ID numbers as text)."""
    if value.isdigit() and not value.startswith("0") and len(value) < 15:
        return int(value)
    return value or None


def build(tmp: Path, s: Spec, fmt: str = "csv",
          rename: dict[str, dict[str, str]] | None = None) -> Path:
    folder = tmp / f"case-{fmt}"
    folder.mkdir()
    rename = rename or {}
    if s.with_toml:
        (folder / "case.toml").write_text(s.toml(), encoding="utf-8")
    if s.apps:
        write_table(folder / "applications", s.apps, fmt, rename.get("applications"))
    if s.experts:
        write_table(folder / "experts", s.experts, fmt, rename.get("experts"))
    if s.conflicts:
        write_table(folder / "conflicts", s.conflicts, "csv", rename.get("conflicts"))
    if s.aliases:
        write_table(folder / "unit_aliases", s.aliases, "csv", rename.get("aliases"))
    for app_id, files in s.materials.items():
        (folder / "materials" / app_id).mkdir(parents=True)
        for name, data in files.items():
            (folder / "materials" / app_id / name).write_bytes(data)
    return folder


def read(folder: Path) -> tuple[Case, Panel]:
    return read_case_folder(folder, pin_hasher=cheap_hash, case_id="case-fixed")


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(CaseFolderInvalid) as caught:
        read(folder)
    return caught.value.problems


# -- valid folders --------------------------------------------------------------------------------


def test_valid_folder_reads_into_a_case(tmp_path: Path) -> None:
    case, panel = read(build(tmp_path, spec()))
    assert panel.id == "yunling-craftsman" and case.measure == "yunling-craftsman"
    assert (case.case_id, case.title, case.year, case.secretary) == (
        "case-fixed", "测试案卷（虚构）", 2026, "秘书甲")
    assert case.rules.aggregate == "trimmed_mean" and case.rules.min_score == Decimal(60)
    assert [(g.id, g.kind, g.nominate) for g in case.groups] == [
        ("g1", "professional", 2), ("g2", "professional", 2), ("comp", "comprehensive", None)]
    a1, a2, a3, _ = case.applications
    assert a1.track == "main"  # the panel's only track when the cell is empty
    assert a1.flags == ("direct",)
    assert a2.flags == ("priority",)  # 优先 and priority are the same flag
    # the reason keeps its own colon; 排除 and the full-width colon are accepted
    assert a3.flags == ("excluded:受到党纪处分影响期未满：2025年",)
    assert a1.id_number == "539999199001011234" and a2.id_number is None
    assert [m.name for m in a1.materials] == ["简介.md", "说明.txt"]
    assert a1.materials[1].text == "说明：虚构材料"  # GB18030 text decoded
    assert "torque 42 Nm" in a2.materials[0].text  # PDF text extracted
    assert [(c.expert, c.application, c.kind) for c in case.conflicts] == [
        ("E2", "A1", "relative"), ("E5", "A4", "other")]
    assert case.unit_aliases == (("示例机械", "示例机械(集团)有限公司"),)
    first = case.experts[0]
    assert (first.id, first.groups, first.pin_hash) == ("E1", ("g1", "comp"), cheap_hash("246810"))


def test_csv_and_xlsx_give_equal_cases(tmp_path: Path) -> None:
    for measure in ("yunling-craftsman", "technician-station", "skills-contest",
                    "innovation-subsidy"):
        work = tmp_path / measure
        work.mkdir()
        from_csv, _ = read(build(work, spec(measure), "csv"))
        from_xlsx, _ = read(build(work, spec(measure), "xlsx"))
        assert from_csv == from_xlsx, measure
        if measure == "technician-station":  # numbers stored as numbers read back as such
            first = from_xlsx.applications[0]
            assert (first.leader_age, first.team_size, first.named_years) == (45, 6, 3)


def test_id_number_mangled_by_excel_is_reported(tmp_path: Path) -> None:
    folder = build(tmp_path, spec(), "xlsx")
    from openpyxl import load_workbook

    book = load_workbook(folder / "applications.xlsx")
    book.active["H2"] = 539999199001011234  # typed into a number-formatted column
    book.save(folder / "applications.xlsx")
    problems = problems_of(folder)
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("applications.xlsx", 2, "id_number", "casefolder.bad_id_number")]
    assert "设为文本" in problems[0].render()


def test_chinese_headers_read_like_english_ones(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    english, _ = read(build(tmp_path / "en", spec(), "csv"))
    rename = {
        "applications": {"id": " 编号 ", "name": "姓名", "unit": "工作单位", "group": "专业组",
                         "track": "类别", "flags": "标记", "summary": "简要事迹",
                         "id_number": "身份证号"},
        "experts": {"id": "编号", "name": "姓名", "title": "职称", "unit": "单位",
                    "groups": "所在组", "pin": "口令", "id_number": "身份证号"},
        "conflicts": {"expert": "专家", "application": "申报编号", "reason": "原因"},
        "aliases": {"alias": "别名", "unit": "单位"},
    }
    (tmp_path / "zh").mkdir()
    chinese, _ = read(build(tmp_path / "zh", spec(), "xlsx", rename))
    assert chinese == english
    # header matching ignores case and surrounding spaces
    (tmp_path / "caps").mkdir()
    caps, _ = read(build(tmp_path / "caps", spec(), "csv",
                         {"experts": {"pin": " PIN ", "id": "ID", "groups": "Groups"}}))
    assert caps == english


def test_skills_contest_imports_theory_scores_and_tracks_by_chinese_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    contest, panel = read(build(tmp_path / "a", spec("skills-contest")))
    assert panel.id == "skills-contest"
    assert [a.fixed_scores for a in contest.applications][:2] == [
        {"theory": Decimal("88")}, {"theory": Decimal("92.5")}]
    s = spec("innovation-achievement")
    tracks = ("技术创新成果", "先进操作法", "suggestion", "合理化建议")
    for row, track in zip(s.apps, tracks, strict=True):
        row["track"] = track
    (tmp_path / "b").mkdir()
    achievement, _ = read(build(tmp_path / "b", s))
    assert [a.track for a in achievement.applications] == [
        "achievement", "method", "suggestion", "suggestion"]


def test_rules_overrides_by_chinese_name_and_funding(tmp_path: Path) -> None:
    s = spec()
    s.rules += "[rules.points]\n\"工艺专长\" = 30\nskill_level = 20\n"
    (tmp_path / "a").mkdir()
    case, panel = read(build(tmp_path / "a", s))
    assert case.rules.points == {"craft_expertise": Decimal(30), "skill_level": Decimal(20)}
    assert sum(case.criterion_points(panel).values()) == 100
    (tmp_path / "b").mkdir()
    subsidy, _ = read(build(tmp_path / "b", spec("innovation-subsidy")))
    assert subsidy.rules.budget == 1_000_000
    assert subsidy.rules.band_min_score == {
        "band_a": Decimal(90), "band_b": Decimal(80), "band_c": Decimal(70)}
    assert subsidy.applications[0].requested_amount == 150_000


def test_pins_are_never_kept_in_clear(tmp_path: Path) -> None:
    folder = build(tmp_path, spec())
    case, _ = read_case_folder(folder, pin_hasher=pin_password_hasher().hash)  # the real hasher
    dumped = json.dumps(case.to_dict(), ensure_ascii=False)
    for row, expert in zip(base_experts(), case.experts, strict=True):
        assert row["pin"] not in dumped
        assert PasswordHasher().verify(expert.pin_hash, row["pin"])
    assert case.case_id != read_case_folder(folder, pin_hasher=cheap_hash)[0].case_id


def test_reading_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    good = build(tmp_path / "good", spec(), "xlsx")
    s = spec()
    s.apps[0]["group"] = "g9"
    (tmp_path / "bad").mkdir()
    bad = build(tmp_path / "bad", s)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    read(good)
    problems_of(bad)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


# -- every bad input, with its file, row and column ------------------------------------------


def _set(rows: str, index: int, **values: str) -> Callable[[Spec], None]:
    def mutate(s: Spec) -> None:
        getattr(s, rows)[index].update(values)
    return mutate


def _drop_column(rows: str, column: str) -> Callable[[Spec], None]:
    def mutate(s: Spec) -> None:
        for row in getattr(s, rows):
            row.pop(column)
    return mutate


def _rules(text: str) -> Callable[[Spec], None]:
    def mutate(s: Spec) -> None:
        s.rules += text
    return mutate


def _replace(attribute: str, old: str, new: str) -> Callable[[Spec], None]:
    def mutate(s: Spec) -> None:
        setattr(s, attribute, getattr(s, attribute).replace(old, new))
    return mutate


def _no_toml(s: Spec) -> None:
    s.with_toml = False


def _no_experts(s: Spec) -> None:
    s.experts = []


def _unknown_material(s: Spec) -> None:
    s.materials["A9"] = {"a.md": b"x"}


def _docx_material(s: Spec) -> None:
    s.materials["A1"]["申报书.docx"] = b"PK"


def _same_unit(s: Spec) -> None:
    # 第十四条 "每个“一站三室”每年只能申报1个补助项目": the same station, written differently
    s.apps[1]["named_unit"] = " " + s.apps[0]["named_unit"].replace("（", "(").replace("）", ")")


def _amount(s: Spec) -> None:
    s.apps[3]["requested_amount"] = "400000"


APPS, EXPERTS, CONFLICTS, TOML = "applications.csv", "experts.csv", "conflicts.csv", "case.toml"

# (measure, mutation, (file, row, column, code), Chinese fragment, English fragment)
BAD_INPUTS: dict[str, tuple[str, Callable[[Spec], None], tuple[str, int | None, str | None, str],
                            str, str]] = {
    "missing column": ("yunling-craftsman", _drop_column("apps", "unit"),
                       (APPS, 1, "unit", "casefolder.missing_column"), "缺少必需的列",
                       "required column missing"),
    "duplicate application": ("yunling-craftsman", _set("apps", 1, id="A1"),
                              (APPS, 3, "id", "casefolder.duplicate_id"), "编号 A1 重复（第2行",
                              "already used in row 2"),
    "duplicate expert": ("yunling-craftsman", _set("experts", 2, id="E1"),
                         (EXPERTS, 4, "id", "casefolder.duplicate_id"), "编号 E1 重复",
                         "id E1 is repeated"),
    "application group": ("yunling-craftsman", _set("apps", 0, group="g9"),
                          (APPS, 2, "group", "casefolder.unknown_group"), "未知的组“g9”",
                          "unknown group 'g9'"),
    "expert group": ("yunling-craftsman", _set("experts", 0, groups="g1;g9"),
                     (EXPERTS, 2, "groups", "casefolder.unknown_group"), "未知的组“g9”",
                     "unknown group 'g9'"),
    "application in comprehensive": ("yunling-craftsman", _set("apps", 3, group="comp"),
                                     (APPS, 5, "group", "casefolder.app_in_comprehensive"),
                                     "申报须分在专业组", "belong to a professional group"),
    "unknown track": ("yunling-craftsman", _set("apps", 0, track="青年组"),
                      (APPS, 2, "track", "casefolder.unknown_track"), "未知的类别“青年组”",
                      "unknown track '青年组'"),
    "track required": ("innovation-achievement", _set("apps", 0, track=""),
                       (APPS, 2, "track", "casefolder.track_required"), "须填写类别",
                       "a track is required"),
    "unknown flag": ("yunling-craftsman", _set("apps", 3, flags="foo"),
                     (APPS, 5, "flags", "casefolder.unknown_flag"), "未知标记“foo”",
                     "unknown flag 'foo'"),
    "disallowed flag": ("yunling-craftsman", _set("apps", 3, flags="豁免"),
                        (APPS, 5, "flags", "casefolder.flag_not_allowed"), "不适用于云岭工匠",
                        "does not apply to"),
    "exclusion without reason": ("yunling-craftsman", _set("apps", 3, flags="excluded"),
                                 (APPS, 5, "flags", "casefolder.exclusion_reason"),
                                 "须写明原因", "needs its reason"),
    "bad integer": ("technician-station", _set("apps", 1, team_size="十"),
                    (APPS, 3, "team_size", "casefolder.bad_integer"), "“十”不是非负整数",
                    "'十' is not a whole number"),
    "unqualified title": ("yunling-craftsman", _set("experts", 1, title="工程师"),
                          (EXPERTS, 3, "title", "casefolder.title_unqualified"), "第十二条",
                          "第十二条"),
    "unqualified title (station)": ("technician-station", _set("experts", 1, title="高级工"),
                                    (EXPERTS, 3, "title", "casefolder.title_unqualified"),
                                    "副高职或技师及以上", "第十五条"),
    "professional group too small": ("yunling-craftsman", _set("experts", 2, groups="g2"),
                                     (EXPERTS, None, None, "casefolder.group_too_small"),
                                     "组“装备制造组”（g1）只有 2 名专家", "has 2 experts"),
    "comprehensive group too small": ("yunling-craftsman", _set("experts", 6, groups="g1"),
                                      (EXPERTS, None, None, "casefolder.group_too_small"),
                                      "组“综合组”（comp）只有 2 名专家", "fewer than the minimum of 3"),
    "leader too old": ("technician-station", _set("apps", 0, leader_age="56"),
                       (APPS, 2, "leader_age", "casefolder.eligibility_failed"),
                       "第十条）：领衔的高技能人才专家年龄须在55周岁（含）以下（本行为 56）",
                       "aged 55 or under"),
    "team too small": ("technician-station", _set("apps", 1, team_size="4"),
                       (APPS, 3, "team_size", "casefolder.eligibility_failed"), "5人以上",
                       "5 or more people"),
    "eligibility value missing": ("technician-station", _set("apps", 0, named_years=""),
                                  (APPS, 2, "named_years", "casefolder.eligibility_missing"),
                                  "缺少named_years", "named_years is missing"),
    "points do not sum to 100": ("yunling-craftsman", _rules("[rules.points]\n\"工艺专长\" = 30\n"),
                                 (TOML, None, "rules.points", "casefolder.points_sum"),
                                 "合计须为 100，现为 105", "add up to 100, not 105"),
    "unknown criterion": ("yunling-craftsman", _rules("[rules.points]\n\"创新能力\" = 10\n"),
                          (TOML, None, "rules.points.创新能力", "casefolder.unknown_criterion"),
                          "未知的评分项“创新能力”", "unknown criterion '创新能力'"),
    "short PIN": ("yunling-craftsman", _set("experts", 0, pin="12345"),
                  (EXPERTS, 2, "pin", "casefolder.bad_pin"), "至少 6 位数字", "at least 6 digits"),
    "PIN with letters": ("yunling-craftsman", _set("experts", 3, pin="12a4567"),
                         (EXPERTS, 5, "pin", "casefolder.bad_pin"), "口令须为", "the PIN must"),
    "conflict names unknown expert": ("yunling-craftsman", _set("conflicts", 0, expert="E99"),
                                      (CONFLICTS, 2, "expert", "casefolder.unknown_expert"),
                                      "未知的专家编号 E99", "unknown expert E99"),
    "conflict names unknown application": (
        "yunling-craftsman", _set("conflicts", 1, application="A99"),
        (CONFLICTS, 3, "application", "casefolder.unknown_application"),
        "未知的申报编号 A99", "unknown application A99"),
    "two applications from one station": ("innovation-subsidy", _same_unit,
                                          (APPS, 3, "named_unit", "casefolder.one_per_station"),
                                          "已有申报 A1，每个“一站三室”每年只能申报1个补助项目（第十四条）",
                                          "one project per 一站三室 a year (第十四条)"),
    "amount outside the bands": ("innovation-subsidy", _amount,
                                 (APPS, 5, "requested_amount", "casefolder.amount_out_of_bands"),
                                 "50000–300000 元", "outside the funding bands"),
    "budget missing": ("innovation-subsidy", _replace("rules", "budget = 1000000\n", ""),
                       (TOML, None, "rules.budget", "casefolder.budget_required"),
                       "补助资金总额", "total budget"),
    "band threshold missing": ("innovation-subsidy", _replace("rules", "\"三档\" = 70\n", ""),
                               (TOML, None, "rules.band_min_score", "casefolder.band_missing"),
                               "缺少“三档”的最低分数", "band '三档'"),
    "bad aggregate": ("yunling-craftsman", _replace("rules", "trimmed_mean", "median"),
                      (TOML, None, "rules.aggregate", "casefolder.bad_aggregate"),
                      "聚合方式“median”无效", "aggregate 'median' is invalid"),
    "year not an integer": ("yunling-craftsman", _replace("top", "2026", '"2026年"'),
                            (TOML, None, "year", "casefolder.expected_integer"), "不是整数",
                            "is not an integer"),
    "missing case.toml": ("yunling-craftsman", _no_toml,
                          (TOML, None, None, "casefolder.missing_file"), "缺少此文件",
                          "file missing"),
    "unknown measure": ("yunling-craftsman", _replace("measure", "yunling-craftsman", "golden"),
                        (TOML, None, "measure", "panel.unknown"), "未知的评审项目“golden”",
                        "Unknown measure 'golden'"),
    "two comprehensive groups": ("yunling-craftsman",
                                 _replace("groups", '"professional"\nnominate = 2\n\n[groups.g2]',
                                          '"comprehensive"\n\n[groups.g2]'),
                                 (TOML, None, "groups", "casefolder.one_comprehensive"),
                                 "须有且只有一个综合组", "exactly one comprehensive group"),
    "professional group without nominate": ("yunling-craftsman",
                                            _replace("groups", "nominate = 2\n\n[groups.g2]",
                                                     "\n[groups.g2]"),
                                            (TOML, None, "groups.g1.nominate",
                                             "casefolder.nominate_required"),
                                            "须设置 nominate", "needs nominate"),
    "materials of an unknown application": ("yunling-craftsman", _unknown_material,
                                            ("materials/A9", None, None,
                                             "casefolder.material_unknown_application"),
                                            "没有编号为 A9 的申报", "no application A9"),
    "unsupported material": ("yunling-craftsman", _docx_material,
                             ("materials/A1/申报书.docx", None, None, "casefolder.material_type"),
                             "不支持的材料格式", "unsupported material format"),
    "theory score out of range": ("skills-contest", _set("apps", 2, 理论="120"),
                                  (APPS, 4, "理论", "casefolder.bad_score"),
                                  "“120”不是 0–100 之间的分数", "between 0 and 100"),
    "missing experts file": ("yunling-craftsman", _no_experts,
                             (EXPERTS, None, None, "casefolder.missing_table"), "缺少此文件",
                             "file missing"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_reported_where_it_is(tmp_path: Path, name: str) -> None:
    measure, mutate, where, zh, en = BAD_INPUTS[name]
    s = spec(measure)
    mutate(s)
    problems = problems_of(build(tmp_path, s))
    located = [p for p in problems if (p.file, p.row, p.column, p.code) == where]
    assert located, [(p.file, p.row, p.column, p.code) for p in problems]
    assert zh in located[0].render(), located[0].render()
    set_locale("en")
    assert en in located[0].render(), located[0].render()


def test_conflict_kind_comes_from_the_reason_or_an_explicit_column(tmp_path: Path) -> None:
    s = spec()
    s.conflicts = [
        {"expert": "E1", "application": "A1", "reason": "本人申报：系第二完成人", "kind": ""},
        {"expert": "E2", "application": "A2", "reason": "直系亲属：父子", "kind": ""},
        {"expert": "E3", "application": "A2", "reason": "利害关系：外聘顾问", "kind": ""},
        {"expert": "E4", "application": "A3", "reason": "同单位（分公司）", "kind": ""},
        {"expert": "E5", "application": "A3", "reason": "曾为其导师", "kind": "利害关系"},
        {"expert": "E6", "application": "A4", "reason": "曾为其导师", "kind": "relative"},
    ]
    (tmp_path / "a").mkdir()
    case, _ = read(build(tmp_path / "a", s))
    assert [c.kind for c in case.conflicts] == [
        "self", "relative", "interest", "same_unit", "interest", "relative"]
    s.conflicts[5]["kind"] = "朋友"
    (tmp_path / "b").mkdir()
    problems = problems_of(build(tmp_path / "b", s))
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("conflicts.csv", 7, "kind", "casefolder.unknown_kind")]
    assert "未知的回避类型“朋友”" in problems[0].render()


def test_eligibility_respects_exempt_and_excluded_flags(tmp_path: Path) -> None:
    s = spec("technician-station")
    s.apps[2]["named_years"] = "1"  # flagged 豁免 (第十条 exemption from the 2-year rule)
    s.apps[3].update(leader_age="60", flags="excluded:领衔人超龄")  # listed, not rejected
    case, _ = read(build(tmp_path, s))
    assert case.applications[2].flags == ("exempt",)
    assert case.applications[3].flag_value("excluded") == "领衔人超龄"


def test_every_problem_is_reported_together_in_file_and_row_order(tmp_path: Path) -> None:
    s = spec()
    s.rules = s.rules.replace("trimmed_mean", "median")
    s.apps[3]["flags"] = "foo"
    s.apps[0]["group"] = "g9"
    s.experts[0]["pin"] = "1234"
    s.conflicts[0]["expert"] = "E99"
    problems = problems_of(build(tmp_path, s))
    assert [(p.file, p.row, p.code) for p in problems] == [
        (TOML, None, "casefolder.bad_aggregate"),
        (APPS, 2, "casefolder.unknown_group"),
        (APPS, 5, "casefolder.unknown_flag"),
        (EXPERTS, 2, "casefolder.bad_pin"),
        (CONFLICTS, 2, "casefolder.unknown_expert"),
    ]
    message = str(CaseFolderInvalid(problems))
    assert message.splitlines()[0] == "案卷文件夹有 5 处问题，未生成任何文件："
    assert "1234" not in message  # a PIN is never echoed


def test_problem_names_the_spreadsheet_cell(tmp_path: Path) -> None:
    s = spec()
    for n in range(5, 12):
        s.apps.append(dict(s.apps[3], id=f"A{n}", unit=f"示例单位{n}"))
    s.apps[10]["flags"] = "foo"
    rename = {"applications": {"flags": "标记"}}
    problems = problems_of(build(tmp_path, s, "xlsx", rename))
    assert len(problems) == 1
    assert problems[0].render().startswith("applications.xlsx 第12行 标记列：未知标记“foo”")
    set_locale("en")
    assert problems[0].render().startswith(
        "applications.xlsx row 12, column 标记: unknown flag 'foo'")


def test_seal_refuses_an_invalid_folder_with_exit_code_40(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = spec()
    s.apps[0]["group"] = "g9"
    s.experts[1]["title"] = "助理工程师"
    folder = build(tmp_path, s)
    out = tmp_path / "case.rvb"
    assert main(["seal", str(folder), "-o", str(out)]) == 40
    err = capsys.readouterr().err
    assert "applications.csv 第2行 group列：未知的组“g9”" in err
    assert "experts.csv 第3行 title列" in err
    assert not out.exists()


# -- paper score sheets -----------------------------------------------------------------------


def test_score_sheet_rows_keep_their_spreadsheet_numbers(tmp_path: Path) -> None:
    rows = [{"专家": "E1", "申报编号": "A1", "轮次": "专业组", "工艺专长": "20", "技能水平": "22.5"},
            {"专家": "", "申报编号": "", "轮次": "", "工艺专长": "", "技能水平": ""},
            {"专家": "E1", "申报编号": "A2", "轮次": "专业组", "工艺专长": "18", "技能水平": "19"}]
    write_table(tmp_path / "sheet", rows, "xlsx")
    read_rows = read_score_sheet(tmp_path / "sheet.xlsx")
    assert [(r.row, r.expert, r.application, r.round) for r in read_rows] == [
        (2, "E1", "A1", "专业组"), (4, "E1", "A2", "专业组")]
    assert read_rows[0].values == {"工艺专长": "20", "技能水平": "22.5"}
    bad = copy.deepcopy(rows)
    for row in bad:
        row.pop("轮次")
    write_table(tmp_path / "bad", bad, "csv")
    with pytest.raises(SheetUnreadable) as caught:
        read_score_sheet(tmp_path / "bad.csv")
    assert caught.value.exit_code == 41
    assert "bad.csv 第1行 round列：缺少必需的列" in str(caught.value)



def test_a_short_row_of_a_score_sheet_reads_its_missing_cells_as_empty(tmp_path: Path) -> None:
    """A CSV row cut short (a spreadsheet drops trailing empty cells) keeps what it has; a
    header written with spaces is the criterion's name; the columns keep their order."""
    sheet = tmp_path / "short.csv"
    sheet.write_text("专家,申报编号,轮次, 工艺专长 ,技能水平,理由\n"
                     "E1,A1,专业组,20,22.5,好\n"
                     "E1,A2,专业组,18\n"
                     ",,,,,\n"
                     "E2\n", encoding="utf-8")
    rows = read_score_sheet(sheet)
    assert [(r.row, r.expert, r.application, r.round) for r in rows] == [
        (2, "E1", "A1", "专业组"), (3, "E1", "A2", "专业组"), (5, "E2", "", "")]
    assert rows[0].values == {"工艺专长": "20", "技能水平": "22.5", "理由": "好"}
    assert rows[1].values == {"工艺专长": "18", "技能水平": "", "理由": ""}
    assert list(rows[2].values.items()) == [("工艺专长", ""), ("技能水平", ""), ("理由", "")]
