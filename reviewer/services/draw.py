"""``reviewer draw``: the committee drawn from the expert pool, recorded, signed, re-checkable.

Reads the pool and the case folder, runs the published rule (``reviewer.domain.draw``), then
writes three files into the case folder, each replaced in one step: the experts file (members
seated in their group, reserves marked 候补, PINs), ``draw.json`` (everything needed to re-run
the draw and its result) and the signed ``draw_record.pdf``. The PDF is rendered and signed
in memory before anything is written, so a refusal or a failed signature leaves the folder as
it was. ``check_draw`` re-runs the recorded draw and says whether the same committee results.

PINs: a drawn expert keeps the PIN the folder's experts file already gives them (a decline
does not change PINs already handed out); anyone without one gets a random six-digit PIN
(demo strength, like the samples). The PINs are in the experts file only: the secretary hands
each expert theirs in person or in a sealed envelope; they are never printed on screen or in
the record. Sealing hashes them (argon2) into the bundle.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.domain.draw import (
    ALGORITHM,
    Applicant,
    DrawError,
    DrawResult,
    ListedConflictRef,
    PoolMember,
    draw_committee,
)
from reviewer.i18n import t, t_in

if TYPE_CHECKING:
    from reviewer.casefolder.pool import DrawInputs
    from reviewer.pdf.keys import SignerIdentity

DOCUMENT_LOCALE = "zh"
RECORD_PDF = "draw_record.pdf"
FORMAT = "reviewer-draw-record/1"
ORDERING = "SHA-256(UTF-8(seed + U+001F + group id + U+001F + pool id)), ascending hex; ties by id"


@dataclass(frozen=True)
class DrawCommand:
    pool: Path
    case_dir: Path
    seed: str | None  # None: take the recorded seed (a decline re-runs the same draw)
    identity: SignerIdentity | None = None
    avoid: Path | None = None
    declines: tuple[tuple[str, str], ...] = ()
    location: str = ""
    font: str | None = None


@dataclass(frozen=True)
class DrawOutcome:
    result: DrawResult
    names: dict[str, str]
    record_path: Path
    pdf_path: Path
    experts_path: Path
    record_sha256: str
    pool_sha256: str
    new_pins: int
    pages: int


@dataclass(frozen=True)
class CheckOutcome:
    same: bool
    differences: tuple[str, ...]
    record_sha256: str


def _record_path(folder: Path) -> Path:
    from reviewer.casefolder.pool import DRAW_RECORD

    return folder / DRAW_RECORD


def _load_record(folder: Path) -> dict[str, Any] | None:
    path = _record_path(folder)
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DrawError("draw.record_unreadable", detail=type(exc).__name__) from exc


def _compute(pool: Sequence[PoolMember], pool_sha: str, pool_name: str, inputs: DrawInputs,
             seed: str, avoid: dict[str, str],
             declines: Sequence[tuple[str, str]]) -> tuple[DrawResult, bytes]:
    """The draw and its canonical record bytes: a pure function of the inputs (no clock), so
    that a re-run yields the very same bytes."""
    config = inputs.config
    panel = config.panel
    result = draw_committee(
        pool, config.draws, seed=seed,
        applicants=[Applicant(a.id, a.unit, a.id_number) for a in inputs.applications],
        aliases=inputs.aliases,
        conflicts=[ListedConflictRef(c.expert, c.application, c.reason)
                   for c in inputs.conflicts],
        avoid=avoid, qualification=panel.qualification if panel else None, declines=declines)
    names = {g.id: g.name for g in config.groups}
    by_id = {m.id: m for m in pool}
    drawn = [p for g in result.groups
             for p in (*g.members, *g.reserves, *(d.pool_id for d in g.declines))]
    rule = panel.qualification if panel else None
    record = {
        "format": FORMAT,
        "algorithm": ALGORITHM,
        "ordering": ORDERING,
        "seed": result.seed,
        "pool_file": pool_name,
        "pool_sha256": pool_sha,
        "pool_size": len(pool),
        "case": {"measure": config.measure, "title": config.title, "year": config.year},
        "qualification": ({"kind": rule.kind, "article": rule.article} if rule else None),
        "requirements": [{"group": r.group, "name": names.get(r.group, r.group),
                          "count": r.count, "reserves": r.reserves, "fields": list(r.fields)}
                         for r in config.draws],
        "avoid": [{"pool_id": k, "reason": v} for k, v in sorted(avoid.items())],
        "declines": [{"pool_id": k, "reason": v} for k, v in declines],
        # the drawn people's names as the pool gives them (ID numbers and phones never)
        "people": {p: {"name": by_id[p].name, "title": by_id[p].title, "unit": by_id[p].unit,
                       "field": by_id[p].field} for p in drawn},
        "result": result.to_dict(),
    }
    text = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return result, text.encode("utf-8")


def _experts_rows(result: DrawResult, pool: Sequence[PoolMember],
                  pins: dict[str, str]) -> tuple[list[list[str]], int]:
    by_id = {m.id: m for m in pool}
    rows: list[list[str]] = []
    new = 0
    for group in result.groups:
        for pool_id, mark in ([(p, "") for p in group.members]
                              + [(p, "候补") for p in group.reserves]):
            member = by_id[pool_id]
            pin = pins.get(pool_id)
            if pin is None:
                pin = f"{secrets.randbelow(10**6):06d}"
                new += 1
            rows.append([member.id, member.name, member.title, member.unit, group.group, pin,
                         member.id_number or "", mark])
    return rows, new


def _inputs(command: DrawCommand, pool: Sequence[PoolMember]) -> DrawInputs:
    from reviewer.casefolder.pool import read_draw_inputs

    return read_draw_inputs(command.case_dir, {m.id for m in pool})


def run_draw(command: DrawCommand) -> DrawOutcome:
    """Draw (or re-draw with declines), sign the record, write the three files."""
    from reviewer.casefolder.pool import (
        existing_pins,
        experts_table_bytes,
        pool_sha256,
        read_avoid,
        read_pool,
    )
    from reviewer.casefolder.problems import Problems
    from reviewer.casefolder.tables import find_table
    from reviewer.pdf.draw_record import DrawPerson, DrawRecordData, render_and_sign_record
    from reviewer.pdf.files import write_atomically

    if command.identity is None:
        raise DrawError("cli.signer_missing")
    pool = read_pool(command.pool)
    pool_sha = pool_sha256(command.pool)
    inputs = _inputs(command, pool)
    previous = _load_record(command.case_dir)
    declines = list(command.declines)
    avoid = read_avoid(command.avoid) if command.avoid else {}
    seed = command.seed
    if previous is not None:
        if not command.declines:
            raise DrawError("draw.already_drawn", seed=previous.get("seed", ""))
        if seed is not None and seed.strip() != previous["seed"]:
            raise DrawError("draw.seed_differs", seed=previous["seed"])
        if previous["pool_sha256"] != pool_sha:
            raise DrawError("draw.pool_changed", recorded=previous["pool_sha256"], now=pool_sha)
        seed = previous["seed"]
        if command.avoid is None:
            avoid = {a["pool_id"]: a["reason"] for a in previous["avoid"]}
        earlier = [(d["pool_id"], d["reason"]) for d in previous["declines"]]
        again = [d for d in declines if d[0] in {e[0] for e in earlier}]
        if again:
            raise DrawError("draw.already_declined", pool_id=again[0][0])
        declines = earlier + declines
    if seed is None:
        raise DrawError("draw.seed_empty")
    result, record_bytes = _compute(pool, pool_sha, command.pool.name, inputs, seed, avoid,
                                    declines)
    record_sha = hashlib.sha256(record_bytes).hexdigest()
    config = inputs.config
    panel = config.panel
    by_id = {m.id: m for m in pool}
    people = {m.id: DrawPerson(m.name, m.title, m.unit, m.field) for m in by_id.values()}
    data = DrawRecordData(json.loads(record_bytes), record_sha, people,
                          {g.id: g.name for g in config.groups},
                          panel.policy if panel else "",
                          panel.qualification.article if panel and panel.qualification else "",
                          panel.qualification.text if panel and panel.qualification else "")
    signed = render_and_sign_record(
        data, command.identity, font_path=command.font, location=command.location,
        reason=t_in(DOCUMENT_LOCALE, "draw.sign_reason", seed=result.seed))
    found = find_table(command.case_dir, "experts", Problems())
    experts_path = found if found is not None else command.case_dir / "experts.csv"
    rows, new_pins = _experts_rows(result, pool, existing_pins(command.case_dir))
    table = experts_table_bytes(experts_path.suffix.lower(), rows)
    pdf_path = command.case_dir / RECORD_PDF
    record_path = _record_path(command.case_dir)
    # the record last: a folder whose draw.json is in place has its experts file and PDF too
    write_atomically(experts_path, table)
    write_atomically(pdf_path, signed.pdf)
    write_atomically(record_path, record_bytes)
    names = {p: by_id[p].name for p in by_id}
    return DrawOutcome(result, names, record_path, pdf_path, experts_path, record_sha,
                       pool_sha, new_pins, signed.pages)


def check_draw(pool_path: Path, case_dir: Path) -> CheckOutcome:
    """Re-run the recorded draw from the pool and the case folder: the same record bytes
    (same pool, seed, avoid-list and declines → same committee) or what differs."""
    from reviewer.casefolder.pool import pool_sha256, read_pool

    previous = _load_record(case_dir)
    if previous is None:
        raise DrawError("draw.no_record", path=str(_record_path(case_dir)))
    stored = _record_path(case_dir).read_bytes()
    pool = read_pool(pool_path)
    pool_sha = pool_sha256(pool_path)
    differences: list[str] = []
    if pool_sha != previous.get("pool_sha256"):
        differences.append(t("draw.check_pool", recorded=previous.get("pool_sha256"),
                                now=pool_sha))
    inputs = read_draw_inputs_for_check(case_dir, pool)
    try:
        _, again = _compute(pool, previous["pool_sha256"], previous["pool_file"], inputs,
                            previous["seed"],
                            {a["pool_id"]: a["reason"] for a in previous["avoid"]},
                            [(d["pool_id"], d["reason"]) for d in previous["declines"]])
    except DrawError as err:
        differences.append(err.render())
        return CheckOutcome(False, tuple(differences), hashlib.sha256(stored).hexdigest())
    if again != stored:
        fresh = json.loads(again)
        for group, before in zip(fresh["result"]["groups"], previous["result"]["groups"],
                                 strict=False):
            if (group["members"], group["reserves"]) != (before["members"], before["reserves"]):
                differences.append(t("draw.check_group", group=group["group"],
                                        members="、".join(group["members"]),
                                        recorded="、".join(before["members"])))
        if len(differences) == (1 if pool_sha != previous.get("pool_sha256") else 0):
            differences.append(t("draw.check_record"))
    return CheckOutcome(not differences, tuple(differences), hashlib.sha256(stored).hexdigest())


def read_draw_inputs_for_check(case_dir: Path, pool: Sequence[PoolMember]) -> DrawInputs:
    from reviewer.casefolder.pool import read_draw_inputs

    return read_draw_inputs(case_dir, {m.id for m in pool})
