"""Drawing the 评审委员会 from an expert pool, reproducibly (云岭工匠选树管理办法 第十二条;
工作室/工作站 选树管理办法 第十五条: experts "原则上从云南省专家库或往届…中抽取产生", holding
副高职或技师及以上). Each measure's own article comes from its panel file
(``Panel.qualification.article``), never from another measure.

The rule, fully specified so that anyone can re-implement it with a SHA-256 and a sort
(algorithm ``ALGORITHM``):

1. A pool entry is *excluded from every group* when any of these holds (all reasons that hold
   are recorded): its title is below the panel's qualification or not in the title table
   (``qualification.title_levels``), or a judge's certificate is required and it has none; it
   works in an applicant's unit (``units.normalise_unit`` with the case's aliases — the very
   normalisation same-unit recusal uses, 第十九条); it is named in a listed conflict; it is on
   the avoid-list. Exclusion is global because the 综合组 sees nominees of every group.
2. Groups are drawn in the order the case lists them. For group ``g`` every remaining entry
   ``p`` gets the key ``SHA-256(UTF-8(seed + "\\x1f" + g + "\\x1f" + p.id))`` (hex digest);
   candidates are taken by ascending key (then id). An entry whose field does not match the
   group's ``fields`` (when set) is passed over (reason ``field``), as is one already taken
   by an earlier group (reason ``drawn_elsewhere``).
3. The first ``count + reserves`` candidates are the group's selection, in key order: the first
   ``count`` are members, the rest reserves (候补) in order. Fewer candidates than that is a
   refusal naming the group and the shortfall.
4. Declines (``id -> reason``), applied in the order given: a declined member leaves and the
   first remaining reserve of that group takes the place; a declined reserve simply leaves.
   Declined people stay taken, so a decline never changes another group's draw. Too few
   reserves left to fill the group is a refusal naming the group and the shortfall.

Nobody is drawn twice: step 2 passes over everyone already taken.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.errors import DomainError
from reviewer.domain.panel import Qualification
from reviewer.domain.qualification import (
    BELOW,
    DEPUTY_SENIOR,
    FULL_SENIOR,
    TECHNICIAN,
    title_levels,
)
from reviewer.domain.units import normalise_unit

ALGORITHM = "reviewer-draw-sha256-v1"
SEPARATOR = "\x1f"

# reasons an entry is not drawn (catalogue keys are ``draw.reason.<code>``)
UNQUALIFIED = "unqualified_title"
UNKNOWN_TITLE = "unknown_title"
NO_CERTIFICATE = "no_certificate"
SAME_UNIT = "same_unit"
LISTED_CONFLICT = "listed_conflict"
AVOID = "avoid"
FIELD = "field"
DRAWN_ELSEWHERE = "drawn_elsewhere"
GLOBAL_REASONS = (UNQUALIFIED, UNKNOWN_TITLE, NO_CERTIFICATE, SAME_UNIT, LISTED_CONFLICT, AVOID)

_FIELD_SEPARATORS = re.compile(r"[;；,，、/／]")


@dataclass(frozen=True)
class PoolMember:
    """One row of the pool (专家库). ``id_number`` and ``phone`` serve matching only and are
    never printed or recorded."""

    id: str
    name: str
    title: str
    unit: str
    field: str = ""
    id_number: str | None = None
    phone: str | None = None
    certificate: str | None = None


@dataclass(frozen=True)
class GroupRequirement:
    group: str
    count: int
    reserves: int = 0
    fields: tuple[str, ...] = ()  # empty: any field


@dataclass(frozen=True)
class Applicant:
    id: str
    unit: str
    id_number: str | None = None


@dataclass(frozen=True)
class ListedConflictRef:
    expert: str  # a pool id
    application: str
    reason: str = ""


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str = ""  # application id, other group id, the avoid-list's reason, …

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class Exclusion:
    pool_id: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"pool_id": self.pool_id, "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class Decline:
    pool_id: str
    reason: str
    was_member: bool
    replaced_by: str | None  # the reserve who took the place (None for a declined reserve)

    def to_dict(self) -> dict[str, Any]:
        return {"pool_id": self.pool_id, "reason": self.reason, "was_member": self.was_member,
                "replaced_by": self.replaced_by}


@dataclass(frozen=True)
class GroupDraw:
    group: str
    members: tuple[str, ...]
    reserves: tuple[str, ...]
    # passed over in this group before its selection was complete (field, drawn elsewhere)
    excluded: tuple[Exclusion, ...]
    declines: tuple[Decline, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "members": list(self.members),
                "reserves": list(self.reserves),
                "excluded": [e.to_dict() for e in self.excluded],
                "declines": [d.to_dict() for d in self.declines]}


@dataclass(frozen=True)
class DrawResult:
    algorithm: str
    seed: str
    groups: tuple[GroupDraw, ...]
    excluded: tuple[Exclusion, ...]  # excluded from every group, with every reason that holds

    def group(self, group_id: str) -> GroupDraw:
        return next(g for g in self.groups if g.group == group_id)

    def to_dict(self) -> dict[str, Any]:
        return {"algorithm": self.algorithm, "seed": self.seed,
                "groups": [g.to_dict() for g in self.groups],
                "excluded": [e.to_dict() for e in self.excluded]}


class DrawError(DomainError):
    """The draw cannot be made as asked (exit 1: refused by a rule)."""

    exit_code = 1


def rank_key(seed: str, group: str, pool_id: str) -> str:
    """The published ordering key (module docstring, step 2)."""
    text = SEPARATOR.join((seed, group, pool_id))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_fields(text: str) -> tuple[str, ...]:
    """Fields as written (several per cell allowed), NFKC-folded so that full-width and
    half-width spellings meet."""
    parts = (unicodedata.normalize("NFKC", p).strip() for p in _FIELD_SEPARATORS.split(text))
    return tuple(p for p in parts if p)


def _qualification_reasons(member: PoolMember, rule: Qualification | None) -> list[Reason]:
    if rule is None:
        return []
    if rule.kind == "judge_certificate":
        return [] if member.certificate else [Reason(NO_CERTIFICATE)]
    levels = title_levels(member.title)
    if any(level in (FULL_SENIOR, DEPUTY_SENIOR, TECHNICIAN) for level in levels):
        return []
    if levels and all(level == BELOW for level in levels):
        return [Reason(UNQUALIFIED, member.title)]
    return [Reason(UNKNOWN_TITLE, member.title)]


def draw_committee(pool: Sequence[PoolMember], requirements: Sequence[GroupRequirement], *,
                   seed: str, applicants: Iterable[Applicant] = (),
                   aliases: Iterable[tuple[str, str]] = (),
                   conflicts: Iterable[ListedConflictRef] = (),
                   avoid: Mapping[str, str] | None = None,
                   qualification: Qualification | None = None,
                   declines: Sequence[tuple[str, str]] = ()) -> DrawResult:
    """Draw every group (module docstring). Raises ``DrawError`` when a group cannot be
    filled, naming the group and how many are missing."""
    seed = seed.strip()
    if not seed:
        raise DrawError("draw.seed_empty")
    ids = [m.id for m in pool]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise DrawError("draw.pool_duplicate", pool_id=duplicate)
    known = set(ids)
    declined = dict(declines)
    for pool_id, _ in declines:
        if pool_id not in known:
            raise DrawError("draw.decline_unknown", pool_id=pool_id)
    alias_pairs = tuple(aliases)
    units: dict[str, list[str]] = {}
    for app in applicants:
        units.setdefault(normalise_unit(app.unit, alias_pairs), []).append(app.id)
    conflicted: dict[str, list[ListedConflictRef]] = {}
    for conflict in conflicts:
        conflicted.setdefault(conflict.expert, []).append(conflict)
    avoid = dict(avoid or {})

    excluded: list[Exclusion] = []
    eligible: list[PoolMember] = []
    for member in pool:
        reasons = _qualification_reasons(member, qualification)
        reasons += [Reason(SAME_UNIT, app_id)
                    for app_id in units.get(normalise_unit(member.unit, alias_pairs), ())]
        reasons += [Reason(LISTED_CONFLICT, c.application) for c in conflicted.get(member.id, ())]
        if member.id in avoid:
            reasons.append(Reason(AVOID, avoid[member.id]))
        if reasons:
            excluded.append(Exclusion(member.id, tuple(reasons)))
        else:
            eligible.append(member)

    taken: dict[str, str] = {}  # pool id -> group that took it
    groups: list[GroupDraw] = []
    for req in requirements:
        wanted = set(req.fields)
        order = sorted(eligible, key=lambda m: (rank_key(seed, req.group, m.id), m.id))
        selection: list[str] = []
        passed: list[Exclusion] = []
        needed = req.count + req.reserves
        for member in order:
            if len(selection) == needed:
                break
            if member.id in taken:
                passed.append(Exclusion(member.id, (Reason(DRAWN_ELSEWHERE, taken[member.id]),)))
            elif wanted and not wanted & set(split_fields(member.field)):
                passed.append(Exclusion(member.id, (Reason(FIELD, member.field),)))
            else:
                selection.append(member.id)
        if len(selection) < needed:
            raise DrawError("draw.pool_too_small", group=req.group, needed=needed,
                            found=len(selection), missing=needed - len(selection))
        for pool_id in selection:
            taken[pool_id] = req.group
        groups.append(_apply_declines(req, selection, declines, passed))
    drawn = {p for g in groups for p in (*g.members, *g.reserves, *(d.pool_id for d in g.declines))}
    for pool_id in declined:
        if pool_id not in drawn:
            raise DrawError("draw.decline_not_drawn", pool_id=pool_id)
    return DrawResult(ALGORITHM, seed, tuple(groups), tuple(excluded))


def _apply_declines(req: GroupRequirement, selection: list[str],
                    declines: Sequence[tuple[str, str]], passed: list[Exclusion]) -> GroupDraw:
    members = selection[:req.count]
    reserves = selection[req.count:]
    done: list[Decline] = []
    for pool_id, reason in declines:
        if pool_id in members:
            if not reserves:
                raise DrawError("draw.reserves_exhausted", group=req.group, missing=1)
            replacement = reserves.pop(0)
            members[members.index(pool_id)] = replacement
            done.append(Decline(pool_id, reason, True, replacement))
        elif pool_id in reserves:
            reserves.remove(pool_id)
            done.append(Decline(pool_id, reason, False, None))
    return GroupDraw(req.group, tuple(members), tuple(reserves), tuple(passed), tuple(done))


@dataclass(frozen=True)
class DrawFacts:
    """The draw record as sealed into the bundle (``draw.json`` verbatim, with its hash): the
    session's first events carry its hash, seed and pool hash (``draw.recorded``) and the
    results PDF prints them, so the committee that scored is tied to the draw that chose it."""

    seed: str
    algorithm: str
    pool_sha256: str
    record_sha256: str
    record: str = field(repr=False, default="")

    def to_dict(self) -> dict[str, str]:
        return {"seed": self.seed, "algorithm": self.algorithm, "pool_sha256": self.pool_sha256,
                "record_sha256": self.record_sha256, "record": self.record}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawFacts:
        return cls(str(data["seed"]), str(data["algorithm"]), str(data["pool_sha256"]),
                   str(data["record_sha256"]), str(data.get("record", "")))

    def event_payload(self) -> dict[str, str]:
        return {"record_sha256": self.record_sha256, "seed": self.seed,
                "pool_sha256": self.pool_sha256, "algorithm": self.algorithm}
