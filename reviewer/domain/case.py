"""The case: what a secretary prepared and sealed (applications, experts, groups, rules).

A ``Case`` lives only in memory once its bundle is opened; it is never written to the session
database. ``to_dict``/``from_dict`` give the canonical JSON form stored inside the bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reviewer.domain.draw import DrawFacts
from reviewer.domain.panel import Panel
from reviewer.domain.qualification import title_is_qualified

GROUP_KINDS = ("professional", "comprehensive")
AGGREGATES = ("mean", "trimmed_mean")
__all__ = ["title_is_qualified"]  # re-exported: the casefolder checks titles through here


class Material:
    """One document of an application, as text.

    Opened from a bundle, a material is only a way to read it (``load``): its text is
    decrypted each time ``text`` is read and not kept, so a case with a gigabyte of materials
    opens in a few MiB and holds no more than the one being read.
    """

    __slots__ = ("_load", "_text", "name")

    def __init__(self, name: str, text: str = "", *,
                 load: Callable[[], str] | None = None) -> None:
        self.name = name
        self._text = text
        self._load = load

    @property
    def text(self) -> str:
        return self._load() if self._load is not None else self._text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Material):
            return NotImplemented
        return self.name == other.name and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Material(name={self.name!r})"  # never the text


@dataclass(frozen=True)
class Application:
    id: str
    name: str
    unit: str
    group: str
    track: str
    flags: tuple[str, ...] = ()
    summary: str = ""
    id_number: str | None = None
    leader_age: int | None = None
    team_size: int | None = None
    named_years: int | None = None
    requested_amount: int | None = None
    # the 一站三室 named by the ACFTU or the province that applies (补助资金 第十四条)
    named_unit: str | None = None
    # values of criteria whose source is "application" (e.g. 理论 of a skills contest)
    fixed_scores: dict[str, Decimal] = field(default_factory=dict)
    materials: tuple[Material, ...] = ()

    def has_flag(self, name: str) -> bool:
        return any(f == name or f.startswith(name + ":") for f in self.flags)

    def flag_value(self, name: str) -> str | None:
        for f in self.flags:
            if f.startswith(name + ":"):
                return f.split(":", 1)[1]
        return None


@dataclass(frozen=True)
class Expert:
    id: str
    name: str
    title: str
    unit: str
    groups: tuple[str, ...]
    pin_hash: str
    id_number: str | None = None
    certificate: str | None = None  # 考评员/裁判 qualification (技能竞赛 第十一条)
    # the secretary's reason for seating an expert whose title the table does not qualify
    qualification_note: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    kind: str
    nominate: int | None = None


@dataclass(frozen=True)
class ListedConflict:
    """A conflict the secretary listed in conflicts.csv."""

    expert: str
    application: str
    reason: str
    kind: str  # one of panel.RECUSAL_KINDS


@dataclass(frozen=True)
class Rules:
    min_experts: int = 3
    aggregate: str = "mean"
    trim_min: int = 5
    min_score: Decimal | None = None
    points: dict[str, Decimal] = field(default_factory=dict)
    budget: int | None = None
    band_min_score: dict[str, Decimal] = field(default_factory=dict)
    # a count per funding band, when the case sets one (补助资金 第十一条 sets none)
    band_cap: dict[str, int] = field(default_factory=dict)
    # 稀缺工种 (技能竞赛 第十二条 "除稀缺工种外"): the 30-contestant minimum does not apply
    scarce_occupation: bool = False
    # score justification, overriding the panel's [scoring] (None: the panel's setting)
    justify_below: Decimal | None = None
    justify_outliers: bool | None = None


@dataclass(frozen=True)
class Case:
    case_id: str
    measure: str
    title: str
    year: int
    rules: Rules
    groups: tuple[Group, ...]
    applications: tuple[Application, ...]
    experts: tuple[Expert, ...]
    conflicts: tuple[ListedConflict, ...] = ()
    unit_aliases: tuple[tuple[str, str], ...] = ()
    secretary: str = ""
    draw: DrawFacts | None = None  # the committee was drawn from a pool (``reviewer draw``)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_apps", {a.id: a for a in self.applications})
        object.__setattr__(self, "_experts", {e.id: e for e in self.experts})
        object.__setattr__(self, "_groups", {g.id: g for g in self.groups})
        members: dict[str, list[Expert]] = {}
        for person in self.experts:
            for group_id in person.groups:
                members.setdefault(group_id, []).append(person)
        # asked once per application and round by the ranking: a scan of every expert was a
        # tenth of ``results`` at 20,000 applications
        object.__setattr__(self, "_members", {g: tuple(m) for g, m in members.items()})

    def application(self, app_id: str) -> Application | None:
        return self._apps.get(app_id)  # type: ignore[attr-defined, no-any-return]

    def expert(self, expert_id: str) -> Expert | None:
        return self._experts.get(expert_id)  # type: ignore[attr-defined, no-any-return]

    def group(self, group_id: str) -> Group | None:
        return self._groups.get(group_id)  # type: ignore[attr-defined, no-any-return]

    @property
    def professional_groups(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.kind == "professional")

    @property
    def comprehensive_group(self) -> Group | None:
        return next((g for g in self.groups if g.kind == "comprehensive"), None)

    def members(self, group_id: str) -> tuple[Expert, ...]:
        return self._members.get(group_id, ())  # type: ignore[attr-defined, no-any-return]

    def criterion_points(self, panel: Panel) -> dict[str, Decimal]:
        """Maximum per criterion: the panel's default unless the case overrides it."""
        return {c.key: self.rules.points.get(c.key, c.points) for c in panel.criteria}

    # -- canonical form stored in the bundle -------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "measure": self.measure,
            "title": self.title,
            "year": self.year,
            "secretary": self.secretary,
            "rules": {
                "min_experts": self.rules.min_experts,
                "aggregate": self.rules.aggregate,
                "trim_min": self.rules.trim_min,
                "min_score": _dec_out(self.rules.min_score),
                "points": {k: str(v) for k, v in sorted(self.rules.points.items())},
                "budget": self.rules.budget,
                "band_min_score": {k: str(v) for k, v in sorted(self.rules.band_min_score.items())},
                # newer settings appear only when set, so older bundles keep their form
                **({"band_cap": dict(sorted(self.rules.band_cap.items()))}
                   if self.rules.band_cap else {}),
                **({"scarce_occupation": True} if self.rules.scarce_occupation else {}),
                **({"justify_below": str(self.rules.justify_below)}
                   if self.rules.justify_below is not None else {}),
                **({"justify_outliers": self.rules.justify_outliers}
                   if self.rules.justify_outliers is not None else {}),
            },
            "groups": [
                {"id": g.id, "name": g.name, "kind": g.kind, "nominate": g.nominate}
                for g in self.groups
            ],
            "applications": [
                {
                    "id": a.id, "name": a.name, "unit": a.unit, "group": a.group,
                    "track": a.track, "flags": list(a.flags), "summary": a.summary,
                    "id_number": a.id_number, "leader_age": a.leader_age,
                    "team_size": a.team_size, "named_years": a.named_years,
                    "requested_amount": a.requested_amount,
                    **({"named_unit": a.named_unit} if a.named_unit else {}),
                    "fixed_scores": {k: str(v) for k, v in sorted(a.fixed_scores.items())},
                    "materials": [{"name": m.name, "text": m.text} for m in a.materials],
                }
                for a in self.applications
            ],
            "experts": [
                {
                    "id": e.id, "name": e.name, "title": e.title, "unit": e.unit,
                    "groups": list(e.groups), "pin_hash": e.pin_hash, "id_number": e.id_number,
                    **({"certificate": e.certificate} if e.certificate else {}),
                    **({"qualification_note": e.qualification_note}
                       if e.qualification_note else {}),
                }
                for e in self.experts
            ],
            "conflicts": [
                {"expert": c.expert, "application": c.application, "reason": c.reason,
                 "kind": c.kind}
                for c in self.conflicts
            ],
            "unit_aliases": [list(pair) for pair in self.unit_aliases],
            **({"draw": self.draw.to_dict()} if self.draw is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any],
                  material: Callable[[str], Callable[[], str]] | None = None) -> Case:
        """``material`` turns a material's ``entry`` (its own bundle entry, read on demand)
        into a loader; a material given inline as ``text`` (older bundles) needs none."""
        rules = data["rules"]
        return cls(
            case_id=data["case_id"],
            measure=data["measure"],
            title=data["title"],
            year=int(data["year"]),
            secretary=data.get("secretary", ""),
            rules=Rules(
                min_experts=int(rules["min_experts"]),
                aggregate=rules["aggregate"],
                trim_min=int(rules["trim_min"]),
                min_score=_dec_in(rules.get("min_score")),
                points={k: Decimal(v) for k, v in rules.get("points", {}).items()},
                budget=rules.get("budget"),
                band_min_score={k: Decimal(v) for k, v in rules.get("band_min_score", {}).items()},
                band_cap={k: int(v) for k, v in rules.get("band_cap", {}).items()},
                scarce_occupation=bool(rules.get("scarce_occupation", False)),
                justify_below=_dec_in(rules.get("justify_below")),
                justify_outliers=(None if rules.get("justify_outliers") is None
                                  else bool(rules["justify_outliers"])),
            ),
            groups=tuple(
                Group(id=g["id"], name=g["name"], kind=g["kind"], nominate=g.get("nominate"))
                for g in data["groups"]
            ),
            applications=tuple(
                Application(
                    id=a["id"], name=a["name"], unit=a["unit"], group=a["group"],
                    track=a["track"], flags=tuple(a.get("flags", ())),
                    summary=a.get("summary", ""), id_number=a.get("id_number"),
                    leader_age=a.get("leader_age"), team_size=a.get("team_size"),
                    named_years=a.get("named_years"),
                    requested_amount=a.get("requested_amount"), named_unit=a.get("named_unit"),
                    fixed_scores={k: Decimal(v) for k, v in a.get("fixed_scores", {}).items()},
                    materials=tuple(_material_in(m, material) for m in a.get("materials", ())),
                )
                for a in data["applications"]
            ),
            experts=tuple(
                Expert(
                    id=e["id"], name=e["name"], title=e["title"], unit=e["unit"],
                    groups=tuple(e["groups"]), pin_hash=e["pin_hash"],
                    id_number=e.get("id_number"), certificate=e.get("certificate"),
                    qualification_note=e.get("qualification_note"),
                )
                for e in data["experts"]
            ),
            conflicts=tuple(
                ListedConflict(expert=c["expert"], application=c["application"],
                               reason=c["reason"], kind=c["kind"])
                for c in data.get("conflicts", ())
            ),
            unit_aliases=tuple((p[0], p[1]) for p in data.get("unit_aliases", ())),
            draw=DrawFacts.from_dict(data["draw"]) if data.get("draw") else None,
        )


def _material_in(data: dict[str, Any],
                 material: Callable[[str], Callable[[], str]] | None) -> Material:
    if "entry" in data and material is not None:
        return Material(data["name"], load=material(data["entry"]))
    return Material(data["name"], data["text"])


def _dec_out(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec_in(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
