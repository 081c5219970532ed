"""The expert pool (专家库) a committee is drawn from: ``POOL.xlsx`` or ``POOL.csv``, through the
same table reader as every case-folder spreadsheet (GB18030 or UTF-8 CSV, Chinese or English
headers, every problem with its row and column, exit 40).

云岭工匠选树管理办法 第十二条: the committee "原则上从云南省专家库或往届云岭工匠中抽取产生";
the 工作室 / 工作站 documents say the same in their 第十五条.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.casefolder.config import CaseConfig
from reviewer.casefolder.fields import Cells
from reviewer.casefolder.problems import CaseFolderInvalid, Problems
from reviewer.casefolder.tables import TABLE_SUFFIXES, read_table
from reviewer.domain.case import Application, ListedConflict
from reviewer.domain.draw import DrawFacts, PoolMember

POOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "专家编号", "库内编号"),
    "name": ("姓名",),
    "title": ("职称", "职务职称"),
    "unit": ("工作单位", "单位"),
    "field": ("专业领域", "专业", "领域", "行业"),
    "id_number": ("身份证号", "身份证号码"),
    "phone": ("电话", "手机", "联系电话", "手机号"),
    "certificate": ("裁判资格", "考评员资格", "执裁资格"),
}
REQUIRED = ("id", "name", "title", "unit", "field")


def pool_sha256(path: Path) -> str:
    """The pool file's SHA-256, recorded in the draw record so a re-run can prove its input."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_pool(path: Path) -> list[PoolMember]:
    """The pool's rows, or ``CaseFolderInvalid`` (exit 40) with every problem at once."""
    problems = Problems()
    if path.suffix.lower() not in TABLE_SUFFIXES:
        problems.add(path.name, "draw.pool_suffix")
        raise CaseFolderInvalid(problems.ordered())
    if not path.is_file():
        problems.add(str(path), "casefolder.missing_file")
        raise CaseFolderInvalid(problems.ordered())
    table = read_table(path, POOL_COLUMNS, REQUIRED, problems)
    members: list[PoolMember] = []
    if table is not None:
        if not table.rows:
            problems.add(table.file, "casefolder.no_rows")
        cells = Cells(table, problems)
        seen: dict[str, int] = {}
        for row in table.rows:
            pool_id = cells.required(row, "id")
            if pool_id:
                cells.unique(row, "id", pool_id, seen)
            members.append(PoolMember(
                id=pool_id, name=cells.required(row, "name"),
                title=cells.required(row, "title"), unit=cells.required(row, "unit"),
                field=row.get("field"), id_number=cells.id_number(row),
                phone=row.get("phone") or None, certificate=row.get("certificate") or None))
    if problems:
        raise CaseFolderInvalid(problems.ordered())
    return members


AVOID_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "专家编号", "库内编号"),
    "reason": ("原因", "事由", "回避原因"),
}


@dataclass(frozen=True)
class DrawInputs:
    """What the draw needs from the case folder (its experts file is what the draw writes)."""

    config: CaseConfig
    applications: tuple[Application, ...]
    aliases: tuple[tuple[str, str], ...]
    conflicts: tuple[ListedConflict, ...]


def read_draw_inputs(folder: Path, pool_ids: set[str],
                     panels_dir: Path | None = None) -> DrawInputs:
    """case.toml (with its ``draw`` settings), the applicants, aliases and listed conflicts;
    a conflict names a pool id (the pool id becomes the expert id). Every problem at once."""
    from reviewer.casefolder.fields import CONFLICT_COLUMNS
    from reviewer.casefolder.listed import read_conflicts
    from reviewer.casefolder.reader import _table, read_applicants

    problems = Problems()
    config, aliases, applications = read_applicants(folder, problems, panels_dir)
    panel = config.panel if config else None
    conflicts: list[ListedConflict] = []
    table = _table(folder, "conflicts", CONFLICT_COLUMNS, ("expert", "application", "reason"),
                   problems)
    if table is not None:
        conflicts = read_conflicts(table, panel, pool_ids, {a.id for a in applications},
                                   problems)
    if config is not None:
        if not config.draws:
            problems.add("case.toml", "draw.no_settings", column="groups")
        known = {g.id for g in config.groups}
        for req in config.draws:
            if req.group not in known:
                problems.add("case.toml", "draw.unknown_group", column=f"groups.{req.group}")
    if problems or config is None:
        raise CaseFolderInvalid(problems.ordered())
    return DrawInputs(config, tuple(applications), tuple(aliases), tuple(conflicts))


def read_avoid(path: Path) -> dict[str, str]:
    """The optional avoid-list (回避名单): pool id and a reason per row."""
    problems = Problems()
    if not path.is_file():
        problems.add(str(path), "casefolder.missing_file")
        raise CaseFolderInvalid(problems.ordered())
    table = read_table(path, AVOID_COLUMNS, ("id",), problems)
    avoid: dict[str, str] = {}
    if table is not None:
        cells = Cells(table, problems)
        for row in table.rows:
            pool_id = cells.required(row, "id")
            if pool_id:
                avoid[pool_id] = row.get("reason")
    if problems:
        raise CaseFolderInvalid(problems.ordered())
    return avoid


DRAW_RECORD = "draw.json"
EXPERTS_HEADER = ("id", "name", "title", "unit", "groups", "pin", "id_number", "reserve")
RESERVE_MARK = "候补"


def experts_table_bytes(suffix: str, rows: Sequence[Sequence[str]]) -> bytes:
    """The experts file the draw writes, in the form ``read_case_folder`` reads (CSV as UTF-8
    with a BOM so that Excel opens it right, or XLSX); reserves carry ``reserve = 候补``."""
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in (EXPERTS_HEADER, *rows):
            sheet.append([str(v) for v in row])
        for column in ("A", "G"):  # ids and ID numbers stay text, never numbers
            for cell in sheet[column]:
                cell.number_format = "@"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(EXPERTS_HEADER)
    writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def existing_pins(folder: Path) -> dict[str, str]:
    """PINs the folder's experts file already holds (kept across a re-draw, so a decline does
    not change the PINs already handed out)."""
    from reviewer.casefolder.fields import EXPERT_COLUMNS
    from reviewer.casefolder.tables import find_table

    ignored = Problems()
    path = find_table(folder, "experts", ignored)
    if path is None:
        return {}
    table = read_table(path, EXPERT_COLUMNS, (), ignored)
    if table is None or not table.has("pin"):
        return {}
    return {row.get("id"): row.get("pin") for row in table.rows
            if row.get("id") and row.get("pin")}


def read_draw_record(folder: Path, problems: Problems) -> tuple[DrawFacts, dict[str, Any]] | None:
    """``draw.json`` when the folder has one: its facts for the bundle and the parsed record."""
    path = folder / DRAW_RECORD
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        record = json.loads(data.decode("utf-8"))
        facts = DrawFacts(seed=record["seed"], algorithm=record["algorithm"],
                          pool_sha256=record["pool_sha256"],
                          record_sha256=hashlib.sha256(data).hexdigest(),
                          record=data.decode("utf-8"))
        for group in record["result"]["groups"]:
            _ = (group["group"], list(group["members"]), list(group["reserves"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        problems.add(DRAW_RECORD, "draw.record_unreadable", detail=type(exc).__name__)
        return None
    return facts, record


def check_against_record(record: dict[str, Any], seated: dict[str, tuple[str, ...]],
                         reserves: dict[str, tuple[str, ...]], file: str,
                         problems: Problems) -> None:
    """The experts file must seat exactly the drawn members, group by group, and list exactly
    the reserves: a hand edit after the draw is refused (the bundle carries the record)."""
    drawn: dict[str, set[str]] = {}
    kept: dict[str, set[str]] = {}
    for group in record["result"]["groups"]:
        for pool_id in group["members"]:
            drawn.setdefault(pool_id, set()).add(group["group"])
        for pool_id in group["reserves"]:
            kept.setdefault(pool_id, set()).add(group["group"])
    drawn_groups = {g["group"] for g in record["result"]["groups"]}
    for expert_id, groups in seated.items():
        in_drawn = set(groups) & drawn_groups
        if in_drawn != drawn.get(expert_id, set()):
            problems.add(file, "draw.experts_differ", expert=expert_id)
    for expert_id in set(drawn) - set(seated):
        problems.add(file, "draw.member_missing", expert=expert_id)
    for expert_id, groups in reserves.items():
        if set(groups) != kept.get(expert_id, set()):
            problems.add(file, "draw.reserve_differs", expert=expert_id)
    for expert_id in set(kept) - set(reserves):
        problems.add(file, "draw.reserve_missing", expert=expert_id)


def record_pool_ids(record: dict[str, Any]) -> set[str]:
    """Every pool id the record names (a listed conflict may name any of them)."""
    ids = {e["pool_id"] for e in record["result"]["excluded"]}
    for group in record["result"]["groups"]:
        ids.update(group["members"], group["reserves"],
                   (d["pool_id"] for d in group["declines"]),
                   (e["pool_id"] for e in group["excluded"]))
    return ids
