"""Accepted headers and cell values: secretaries write what the policy says (Chinese), the
program's documentation says the English key; both work."""

from __future__ import annotations

import re

from reviewer.casefolder.problems import Problems
from reviewer.casefolder.tables import Row, Table

APPLICATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "申报编号"),
    "name": ("姓名", "名称", "项目名称", "申报人", "成果名称", "工作室名称", "工作站名称"),
    "unit": ("工作单位", "单位", "申报单位"),
    "group": ("专业组", "所在组", "组别"),
    "track": ("类别", "赛道"),
    "flags": ("标记",),
    "summary": ("简要事迹", "简介", "主要事迹"),
    "id_number": ("身份证号", "身份证号码"),
    "leader_age": ("领衔人年龄", "年龄"),
    "team_size": ("团队人数",),
    "named_years": ("命名年限",),
    "requested_amount": ("申请金额",),
    "named_unit": ("命名的一站三室", "一站三室", "命名名称"),
}
EXPERT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "专家编号"),
    "name": ("姓名",),
    "title": ("职称", "职务职称"),
    "unit": ("工作单位", "单位"),
    "groups": ("group", "所在组", "专业组", "组别"),
    "pin": ("口令", "PIN"),
    "id_number": ("身份证号", "身份证号码"),
    "certificate": ("裁判资格", "考评员资格", "执裁资格"),
    "qualification_note": ("资格说明",),
    "reserve": ("候补",),  # written by ``reviewer draw``: a reserve, not seated
}
CONFLICT_COLUMNS: dict[str, tuple[str, ...]] = {
    "expert": ("专家", "专家编号"),
    "application": ("申报编号", "申报"),
    "reason": ("原因", "事由"),
    "kind": ("类型", "回避类型"),
}
ALIAS_COLUMNS: dict[str, tuple[str, ...]] = {
    "alias": ("别名",),
    "unit": ("单位",),
}

# flag -> the Chinese words a secretary may write instead
FLAG_ALIASES: dict[str, str] = {
    "direct": "direct", "直接认定": "direct",
    "priority": "priority", "优先": "priority",
    "prior_honoree": "prior_honoree", "已获评": "prior_honoree",
    "excluded": "excluded", "排除": "excluded",
    "exempt": "exempt", "豁免": "exempt",
    "unfinished_project": "unfinished_project", "未结项": "unfinished_project",
    "collective_honour": "collective_honour", "集体省级荣誉": "collective_honour",
}
# flags that make an application ineligible whatever else it says (never scored or ranked)
INELIGIBLE_FLAGS = ("excluded", "prior_honoree", "unfinished_project")

# conflict kind from the reason text, strongest first (第十九条 本人/直系亲属/利害关系)
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("本人申报", "self"), ("直系亲属", "relative"), ("利害关系", "interest"),
    ("同单位", "same_unit"),
)

LIST_SEPARATORS = re.compile(r"[;；]")
GROUP_SEPARATORS = re.compile(r"[;；,，、]")
_ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_PIN = re.compile(r"^\d{6,}$")


def split_list(text: str, separators: re.Pattern[str] = LIST_SEPARATORS) -> list[str]:
    return [part.strip() for part in separators.split(text) if part.strip()]


class Cells:
    """Reads the typed values of one table, recording a problem per bad cell."""

    def __init__(self, table: Table, problems: Problems) -> None:
        self.table = table
        self.problems = problems

    def bad(self, row: Row, name: str | None, code: str, **params: object) -> None:
        column = self.table.label(name) if name else None
        self.problems.add(self.table.file, code, row=row.number, column=column, **params)

    def required(self, row: Row, name: str) -> str:
        value = row.get(name)
        if not value and self.table.has(name):
            self.bad(row, name, "casefolder.empty_cell")
        return value

    def integer(self, row: Row, name: str) -> int | None:
        text = row.get(name)
        if not text:
            return None
        cleaned = re.sub(r"[,，\s]", "", text)
        if not cleaned.isascii() or not cleaned.isdigit():
            self.bad(row, name, "casefolder.bad_integer", value=text)
            return None
        return int(cleaned)

    def id_number(self, row: Row, name: str = "id_number") -> str | None:
        text = row.get(name).upper()
        if not text:
            return None
        if not _ID_NUMBER.match(text):
            # also what Excel leaves of an 18-digit number stored as a number (1.2E+17)
            self.bad(row, name, "casefolder.bad_id_number", value=text)
        return text

    def pin(self, row: Row, name: str = "pin") -> str | None:
        text = row.get(name)
        if not _PIN.match(text) or not text.isascii():
            self.bad(row, name, "casefolder.bad_pin")  # never echo the PIN itself
            return None
        return text

    def unique(self, row: Row, name: str, value: str, seen: dict[str, int]) -> None:
        if value in seen:
            self.bad(row, name, "casefolder.duplicate_id", value=value, first=seen[value])
        else:
            seen[value] = row.number
