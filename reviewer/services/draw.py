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
from collections.abc import Callable, Sequence
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


PinSource = Callable[[], str]


def random_pin() -> str:
    """Six random digits (demo strength: the PIN only opens a terminal the bundle allows)."""
    return f"{secrets.randbelow(10**6):06d}"


def _experts_rows(result: DrawResult, pool: Sequence[PoolMember], pins: dict[str, str],
                  new_pin: PinSource) -> tuple[list[list[str]], int]:
    from reviewer.casefolder.pool import RESERVE_MARK

    by_id = {m.id: m for m in pool}
    rows: list[list[str]] = []
    new = 0
    for group in result.groups:
        for pool_id, mark in ([(p, "") for p in group.members]
                              + [(p, RESERVE_MARK) for p in group.reserves]):
            member = by_id[pool_id]
            pin = pins.get(pool_id)
            if pin is None:
                pin = new_pin()
                new += 1
            rows.append([member.id, member.name, member.title, member.unit, group.group, pin,
                         member.id_number or "", mark])
    return rows, new


@dataclass(frozen=True)
class DrawPlan:
    """A draw computed and not yet written: the record's bytes and the experts file's rows."""

    result: DrawResult
    pool: tuple[PoolMember, ...]
    pool_sha256: str
    inputs: DrawInputs
    record: bytes
    experts_path: Path
    experts_table: bytes
    new_pins: int

    @property
    def record_sha256(self) -> str:
        return hashlib.sha256(self.record).hexdigest()


def plan_draw(pool_path: Path, case_dir: Path, seed: str | None, *, avoid: Path | None = None,
              declines: Sequence[tuple[str, str]] = (),
              new_pin: PinSource = random_pin) -> DrawPlan:
    """The draw as ``reviewer draw`` makes it, nothing written. With declines and a recorded
    draw in the folder, the recorded draw is re-run (its seed, pool and avoid-list) with the
    earlier declines kept and the new ones after them."""
    from reviewer.casefolder.pool import (
        existing_pins,
        experts_table_bytes,
        pool_sha256,
        read_avoid,
        read_draw_inputs,
        read_pool,
    )
    from reviewer.casefolder.problems import Problems
    from reviewer.casefolder.tables import find_table

    pool = read_pool(pool_path)
    pool_sha = pool_sha256(pool_path)
    inputs = read_draw_inputs(case_dir, {m.id for m in pool})
    previous = _load_record(case_dir)
    all_declines = list(declines)
    avoided = read_avoid(avoid) if avoid else {}
    if previous is not None:
        if not declines:
            raise DrawError("draw.already_drawn", seed=previous.get("seed", ""))
        if seed is not None and seed.strip() != previous["seed"]:
            raise DrawError("draw.seed_differs", seed=previous["seed"])
        if previous["pool_sha256"] != pool_sha:
            raise DrawError("draw.pool_changed", recorded=previous["pool_sha256"], now=pool_sha)
        seed = previous["seed"]
        if avoid is None:
            avoided = {a["pool_id"]: a["reason"] for a in previous["avoid"]}
        earlier = [(d["pool_id"], d["reason"]) for d in previous["declines"]]
        again = [d for d in declines if d[0] in {e[0] for e in earlier}]
        if again:
            raise DrawError("draw.already_declined", pool_id=again[0][0])
        all_declines = earlier + all_declines
    if seed is None:
        raise DrawError("draw.seed_empty")
    result, record = _compute(pool, pool_sha, pool_path.name, inputs, seed, avoided,
                              all_declines)
    found = find_table(case_dir, "experts", Problems())
    experts_path = found if found is not None else case_dir / "experts.csv"
    rows, new_pins = _experts_rows(result, pool, existing_pins(case_dir), new_pin)
    table = experts_table_bytes(experts_path.suffix.lower(), rows)
    return DrawPlan(result, tuple(pool), pool_sha, inputs, record, experts_path, table,
                    new_pins)


def _record_data(plan_record: bytes, pool: Sequence[PoolMember], inputs: DrawInputs) -> Any:
    from reviewer.pdf.draw_record import DrawPerson, DrawRecordData

    panel = inputs.config.panel
    rule = panel.qualification if panel else None
    people = {m.id: DrawPerson(m.name, m.title, m.unit, m.field) for m in pool}
    return DrawRecordData(json.loads(plan_record), hashlib.sha256(plan_record).hexdigest(),
                          people, {g.id: g.name for g in inputs.config.groups},
                          panel.policy if panel else "", rule.article if rule else "",
                          rule.text if rule else "")


def _sign_record(record: bytes, pool: Sequence[PoolMember], inputs: DrawInputs,
                 identity: SignerIdentity, location: str, font: str | None) -> Any:
    from reviewer.pdf.draw_record import render_and_sign_record

    data = _record_data(record, pool, inputs)
    return render_and_sign_record(
        data, identity, font_path=font, location=location,
        reason=t_in(DOCUMENT_LOCALE, "draw.sign_reason", seed=data.record["seed"]))


def run_draw(command: DrawCommand) -> DrawOutcome:
    """Draw (or re-draw with declines), sign the record, write the three files."""
    from reviewer.pdf.files import write_atomically

    if command.identity is None:
        raise DrawError("cli.signer_missing")
    plan = plan_draw(command.pool, command.case_dir, command.seed, avoid=command.avoid,
                     declines=command.declines)
    signed = _sign_record(plan.record, plan.pool, plan.inputs, command.identity,
                          command.location, command.font)
    pdf_path = command.case_dir / RECORD_PDF
    record_path = _record_path(command.case_dir)
    # the record last: a folder whose draw.json is in place has its experts file and PDF too
    write_atomically(plan.experts_path, plan.experts_table)
    write_atomically(pdf_path, signed.pdf)
    write_atomically(record_path, plan.record)
    names = {m.id: m.name for m in plan.pool}
    return DrawOutcome(plan.result, names, record_path, pdf_path, plan.experts_path,
                       plan.record_sha256, plan.pool_sha256, plan.new_pins, signed.pages)


def check_draw(pool_path: Path, case_dir: Path, identity: SignerIdentity | None = None,
               location: str = "", font: str | None = None) -> CheckOutcome:
    """Re-run the recorded draw from the pool and the case folder: the same record bytes
    (same pool, seed, avoid-list and declines → same committee) or what differs. With a
    signing identity, a check that passes (re-)issues the signed draw record PDF (how the
    sample case, whose folder is generated, gets its record)."""
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
    if not differences and identity is not None:
        from reviewer.pdf.files import write_atomically

        signed = _sign_record(stored, pool, inputs, identity, location, font)
        write_atomically(case_dir / RECORD_PDF, signed.pdf)
    return CheckOutcome(not differences, tuple(differences), hashlib.sha256(stored).hexdigest())


def read_draw_inputs_for_check(case_dir: Path, pool: Sequence[PoolMember]) -> DrawInputs:
    from reviewer.casefolder.pool import read_draw_inputs

    return read_draw_inputs(case_dir, {m.id for m in pool})
