"""``experts.csv|.xlsx``: the 评审委员会, real names (实名打分), groups and PINs.

PINs are returned apart from the experts so that the caller hashes them only once the whole
folder is valid; the Case never holds a PIN in clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.casefolder.config import CaseConfig
from reviewer.casefolder.fields import GROUP_SEPARATORS, Cells, split_list
from reviewer.casefolder.problems import Problems
from reviewer.casefolder.tables import Row, Table
from reviewer.domain.panel import Qualification
from reviewer.domain.qualification import (
    BELOW,
    DEPUTY_SENIOR,
    FULL_SENIOR,
    TECHNICIAN,
    title_levels,
)

REQUIRED = ("id", "name", "title", "unit", "groups", "pin")


@dataclass(frozen=True)
class ExpertRow:
    """An expert before the PIN is hashed."""

    id: str
    name: str
    title: str
    unit: str
    groups: tuple[str, ...]
    pin: str | None
    id_number: str | None
    certificate: str | None = None
    qualification_note: str | None = None


def read_experts(table: Table, config: CaseConfig | None, problems: Problems) -> list[ExpertRow]:
    cells = Cells(table, problems)
    panel = config.panel if config else None
    known = {g.id for g in config.groups} if config else None
    rule = panel.qualification if panel else None
    seen: dict[str, int] = {}
    experts = []
    for row in table.rows:
        expert_id = cells.required(row, "id")
        if expert_id:
            cells.unique(row, "id", expert_id, seen)
        title = cells.required(row, "title")
        note = row.get("qualification_note") or None
        certificate = row.get("certificate") or None
        if rule is not None and not note:  # an override with a reason is recorded instead
            _check_qualification(cells, row, rule, title, certificate)
        groups = tuple(dict.fromkeys(split_list(row.get("groups"), GROUP_SEPARATORS)))
        if not groups and table.has("groups"):
            cells.bad(row, "groups", "casefolder.empty_cell")
        for group in groups:
            if known is not None and group not in known:
                cells.bad(row, "groups", "casefolder.unknown_group", group=group,
                          known="、".join(sorted(known)) or "—")
        experts.append(ExpertRow(
            id=expert_id, name=cells.required(row, "name"), title=title,
            unit=cells.required(row, "unit"), groups=groups,
            pin=cells.pin(row) if table.has("pin") else None,
            id_number=cells.id_number(row), certificate=certificate,
            qualification_note=note,
        ))
    return experts


def _check_qualification(cells: Cells, row: Row, rule: Qualification, title: str,
                         certificate: str | None) -> None:
    """副高职或技师及以上 (云岭工匠 第十二条; 工作室/工作站 第十五条), by the title table; a
    judge's certificate (技能竞赛 第十一条 "相应资格的考评员", 第十二条 "具备执裁职业资格")."""
    if rule.kind == "judge_certificate":
        if not certificate:
            cells.bad(row, "certificate", "casefolder.certificate_missing", article=rule.article,
                      text=rule.text)
        return
    if not title:
        return
    levels = title_levels(title)
    if any(level in (FULL_SENIOR, DEPUTY_SENIOR, TECHNICIAN) for level in levels):
        return
    if levels and all(level == BELOW for level in levels):
        cells.bad(row, "title", "casefolder.title_unqualified", title=title, article=rule.article)
    else:
        cells.bad(row, "title", "casefolder.title_unknown", title=title, article=rule.article)


def check_group_sizes(config: CaseConfig, experts: list[ExpertRow], file: str,
                      problems: Problems) -> None:
    """Each group needs at least ``min_experts`` members, or no application could ever reach
    quorum in it."""
    for group in config.groups:
        count = sum(1 for e in experts if group.id in e.groups)
        if count < config.rules.min_experts:
            problems.add(file, "casefolder.group_too_small", column=None, group=group.id,
                         name=group.name, count=count, minimum=config.rules.min_experts)
