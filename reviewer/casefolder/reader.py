"""``read_case_folder``: a secretary's folder in, a validated Case out, or every problem at
once. Nothing is written anywhere: the folder holds application content in clear and only
the encrypted bundle may carry it further."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from reviewer.casefolder.applications import (
    application_columns,
    read_applications,
    required_application_columns,
)
from reviewer.casefolder.config import CaseConfig, read_config
from reviewer.casefolder.experts import REQUIRED as EXPERT_REQUIRED
from reviewer.casefolder.experts import ExpertRow, check_group_sizes, read_experts
from reviewer.casefolder.fields import ALIAS_COLUMNS, CONFLICT_COLUMNS, EXPERT_COLUMNS
from reviewer.casefolder.listed import read_conflicts, read_unit_aliases
from reviewer.casefolder.materials import read_materials
from reviewer.casefolder.pool import check_against_record, read_draw_record, record_pool_ids
from reviewer.casefolder.problems import CaseFolderInvalid, Problems
from reviewer.casefolder.tables import Table, find_table, read_table
from reviewer.domain.case import Application, Case, Expert, ListedConflict, Material
from reviewer.domain.panel import Panel

PinHasher = Callable[[str], str]


def _hash_all(pins: Sequence[str], hasher: PinHasher) -> list[str]:
    """Every PIN hashed, on all cores: argon2's C code releases the GIL, so threads suffice."""
    if len(pins) < 8:
        return [hasher(pin) for pin in pins]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return list(pool.map(hasher, pins))


def read_applicants(folder: Path, problems: Problems, panels_dir: Path | None = None
                    ) -> tuple[CaseConfig | None, list[tuple[str, str]], list[Application]]:
    """case.toml, the unit aliases and the applications: what the case reader and the draw
    (which needs the applicants' units before there is a committee) both start from."""
    if not folder.is_dir():
        problems.add(str(folder), "casefolder.not_a_folder")
        raise CaseFolderInvalid(problems.ordered())
    config = read_config(folder, problems, panels_dir)
    panel = config.panel if config else None
    aliases: list[tuple[str, str]] = []
    table = _table(folder, "unit_aliases", ALIAS_COLUMNS, ("alias", "unit"), problems)
    if table is not None:
        aliases = read_unit_aliases(table, problems)
    applications: list[Application] = []
    table = _table(folder, "applications", application_columns(panel),
                   required_application_columns(panel), problems, needed=True)
    if table is not None:
        applications = read_applications(table, config, aliases, problems)
    return config, aliases, applications


def read_case_folder(path: Path, *, pin_hasher: PinHasher,
                     panels_dir: Path | None = None,
                     case_id: str | None = None) -> tuple[Case, Panel]:
    """Read and validate ``path``; raise ``CaseFolderInvalid`` with every problem found."""
    folder = Path(path)
    problems = Problems()
    config, aliases, applications = read_applicants(folder, problems, panels_dir)
    panel = config.panel if config else None

    drawn = read_draw_record(folder, problems)  # draw.json, when ``reviewer draw`` chose them
    experts: list[ExpertRow] = []
    table = _table(folder, "experts", EXPERT_COLUMNS, EXPERT_REQUIRED, problems, needed=True)
    if table is not None:
        experts = read_experts(table, config, problems)
        # reserves (候补) drawn from the pool are listed but not seated
        reserve_ids = {row.get("id") for row in table.rows if row.get("reserve")}
        reserves = {e.id: e.groups for e in experts if e.id in reserve_ids}
        experts = [e for e in experts if e.id not in reserve_ids]
        if drawn is not None:
            check_against_record(drawn[1], {e.id: e.groups for e in experts}, reserves,
                                 table.file, problems)
        if config is not None:
            check_group_sizes(config, experts, table.file, problems)

    app_ids = {a.id for a in applications}
    conflicts: list[ListedConflict] = []
    table = _table(folder, "conflicts", CONFLICT_COLUMNS, ("expert", "application", "reason"),
                   problems)
    if table is not None:
        seated = {e.id for e in experts}
        # a conflict may name anyone of the pool the committee was drawn from (that is why
        # they were not drawn); only the seated members' conflicts enter the case
        known = seated | (record_pool_ids(drawn[1]) if drawn is not None else set())
        conflicts = [c for c in read_conflicts(table, panel, known, app_ids, problems)
                     if c.expert in seated]

    materials = read_materials(folder, app_ids, problems)

    if problems or config is None or panel is None:
        raise CaseFolderInvalid(problems.ordered())
    hasher = pin_hasher  # injected: the PIN parameters live with the bundle (bundle/pins.py)
    case = Case(
        case_id=case_id or str(uuid.uuid4()), measure=config.measure, title=config.title,
        year=config.year, secretary=config.secretary, rules=config.rules, groups=config.groups,
        applications=tuple(_with_materials(a, materials) for a in applications),
        experts=tuple(_hashed(e, h) for e, h in zip(
            experts, _hash_all([e.pin or "" for e in experts], hasher), strict=True)),
        conflicts=tuple(conflicts), unit_aliases=tuple(aliases),
        draw=drawn[0] if drawn is not None else None,
    )
    return case, panel


def _table(folder: Path, stem: str, spec: Mapping[str, Sequence[str]],
           required: Sequence[str], problems: Problems, needed: bool = False) -> Table | None:
    path = find_table(folder, stem, problems)
    if path is None:
        if needed:
            problems.add(f"{stem}.csv", "casefolder.missing_table", other=f"{stem}.xlsx")
        return None
    table = read_table(path, spec, required, problems)
    if table is not None and needed and not table.rows:
        problems.add(table.file, "casefolder.no_rows")
    return table


def _with_materials(app: Application, materials: dict[str, tuple[Material, ...]]) -> Application:
    found = materials.get(app.id)
    return replace(app, materials=found) if found else app


def _hashed(expert: ExpertRow, pin_hash: str) -> Expert:
    assert expert.pin is not None  # a missing PIN is a problem, so never reached
    return Expert(id=expert.id, name=expert.name, title=expert.title, unit=expert.unit,
                  groups=expert.groups, pin_hash=pin_hash, id_number=expert.id_number,
                  certificate=expert.certificate, qualification_note=expert.qualification_note)
