"""The optional lists: ``conflicts.csv`` (回避 the secretary already knows of, 第十九条) and
``unit_aliases.csv`` (short names of units, so same-unit recusal sees through them)."""

from __future__ import annotations

from reviewer.casefolder.fields import KIND_WORDS, Cells
from reviewer.casefolder.problems import Problems
from reviewer.casefolder.tables import Row, Table
from reviewer.domain.case import ListedConflict
from reviewer.domain.panel import RECUSAL_KINDS, Panel


def conflict_kind(reason: str) -> str:
    """本人申报 → self, 直系亲属 → relative, 利害关系 → interest, 同单位 → same_unit."""
    for word, kind in KIND_WORDS:
        if word in reason:
            return kind
    return "other"


def read_conflicts(table: Table, panel: Panel | None, experts: set[str], applications: set[str],
                   problems: Problems) -> list[ListedConflict]:
    cells = Cells(table, problems)
    conflicts = []
    for row in table.rows:
        expert = cells.required(row, "expert")
        application = cells.required(row, "application")
        reason = cells.required(row, "reason")
        if expert and expert not in experts:
            cells.bad(row, "expert", "casefolder.unknown_expert", expert=expert)
        if application and application not in applications:
            cells.bad(row, "application", "casefolder.unknown_application",
                      application=application)
        kind = _explicit_kind(cells, row, panel) if row.get("kind") else conflict_kind(reason)
        conflicts.append(ListedConflict(expert=expert, application=application, reason=reason,
                                        kind=kind))
    return conflicts


def _explicit_kind(cells: Cells, row: Row, panel: Panel | None) -> str:
    text = row.get("kind")
    if text.casefold() in RECUSAL_KINDS:
        return text.casefold()
    names = {r.name: r.key for r in panel.recusal_reasons} if panel else {}
    names.update({word: kind for word, kind in KIND_WORDS})
    if text in names:
        return names[text]
    known = "、".join(dict.fromkeys([*RECUSAL_KINDS, *names]))
    cells.bad(row, "kind", "casefolder.unknown_kind", kind=text, known=known)
    return "other"


def read_unit_aliases(table: Table, problems: Problems) -> list[tuple[str, str]]:
    cells = Cells(table, problems)
    pairs = []
    for row in table.rows:
        alias, unit = cells.required(row, "alias"), cells.required(row, "unit")
        if alias and unit:
            pairs.append((alias, unit))
    return pairs
