"""The core every part of the review shares: the case, its panel, the folded state, the clock.

``Review`` (reviewer/domain/review.py) is composed of this core and one module per concern:
authentication and lockout (auth.py), the pledge and declarations (pledge.py), scoring and
paper sheets (scoring.py), rounds and results decisions (rounds.py). This module holds what
all of them read: who may see what, and the refusals they share (unknown ids, the open round,
the open sheet, the 保密承诺).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from reviewer.domain.case import Application, Case, Expert
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.panel import Panel
from reviewer.domain.pins import PinKeeper
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL, Ranking
from reviewer.domain.recusal import Conflict, ConflictIndex
from reviewer.domain.state import SessionState

ROUND_ALIASES = {"professional": PROFESSIONAL, "专业组": PROFESSIONAL,
                 "comprehensive": COMPREHENSIVE, "综合组": COMPREHENSIVE}

# status of an application in an expert's queue
UNSCORED, DRAFT, SCORED, RECUSED, ABSTAINED = "unscored", "draft", "scored", "recused", "abstained"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


_last_stamp: tuple[datetime, str] | None = None


def stamp(moment: datetime) -> str:
    """UTC, to the second. The last text is reused for an equal aware moment (the same
    instant, so the same text): an import stamps tens of thousands of events within one
    second, and ``strftime`` per event was a tenth of it."""
    global _last_stamp
    last = _last_stamp
    if last is not None and moment.tzinfo is not None and last[0] == moment:
        return last[1]
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if moment.tzinfo is not None:
        _last_stamp = (moment, text)
    return text


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class QueueItem:
    application: str
    status: str
    total: Decimal | None


class ReviewCore:
    """The domain core of one session: the sealed case, its panel and the event-folded state."""

    def __init__(self, case: Case, panel: Panel, state: SessionState | None = None,
                 clock: Clock = utc_now, pins: PinKeeper | None = None) -> None:
        self.case = case
        self.pins = pins  # the PIN hasher and vault (argon2, AES-GCM) live outside the core
        self.panel = panel
        self.state = state or SessionState()
        self.clock = clock
        self.conflicts = ConflictIndex(case)
        self.ranking = Ranking(case, panel, self.conflicts)
        self.points = case.criterion_points(panel)
        self._groups_of: dict[tuple[str, str], tuple[str, ...]] = {}

    # -- plumbing ----------------------------------------------------------------------------

    def apply(self, events: Iterable[Event]) -> None:
        for event in events:
            self.state.apply(event)

    def event(self, kind: str, actor: str, /, **payload: object) -> Event:
        return Event(kind=kind, actor=actor, at=stamp(self.clock()), payload=dict(payload))

    def _expert(self, expert_id: str) -> Expert:
        expert = self.case.expert(expert_id)
        if expert is None:
            raise DomainError("review.unknown_expert", expert=expert_id)
        return expert

    def _application(self, app_id: str) -> Application:
        app = self.case.application(app_id)
        if app is None:
            raise DomainError("review.unknown_application", application=app_id)
        return app

    @property
    def round(self) -> str:
        return self.state.round

    def has_acknowledged(self, expert_id: str) -> bool:
        return expert_id in self.state.acks

    # -- what an expert may see --------------------------------------------------------------

    def groups_of(self, expert_id: str, round_name: str) -> tuple[str, ...]:
        kind = PROFESSIONAL if round_name == PROFESSIONAL else COMPREHENSIVE
        found = self._groups_of.get((expert_id, kind))
        if found is None:  # the case never changes; asked for every row of a paper import
            expert = self._expert(expert_id)
            found = self._groups_of[(expert_id, kind)] = tuple(
                g for g in expert.groups if (grp := self.case.group(g)) and grp.kind == kind)
        return found

    def scope(self, expert_id: str, round_name: str | None = None) -> list[Application]:
        """Applications the expert's group scores in the round (recused ones included)."""
        round_name = round_name or self.round
        if round_name == PROFESSIONAL:
            apps: list[Application] = []
            for group in self.groups_of(expert_id, PROFESSIONAL):
                apps.extend(self.ranking.scored_in_professional(group))
            return sorted(apps, key=lambda a: a.id)
        if (round_name == COMPREHENSIVE and self.panel.has_comprehensive
                and self.groups_of(expert_id, COMPREHENSIVE)):
            ids = sorted({i for ids in self.state.nominees.values() for i in ids})
            return [self._application(i) for i in ids]
        return []

    def in_scope(self, expert_id: str, app: Application, round_name: str | None = None) -> bool:
        """``app`` in ``scope(expert_id)``, in constant time (checked on every keystroke)."""
        round_name = round_name or self.round
        if round_name == PROFESSIONAL:
            return app.group in self.groups_of(expert_id, PROFESSIONAL) and self.ranking.is_scored(app)
        if (round_name == COMPREHENSIVE and self.panel.has_comprehensive
                and self.groups_of(expert_id, COMPREHENSIVE)):
            return any(app.id in ids for ids in self.state.nominees.values())
        return False

    def declaration_scope(self, expert_id: str) -> list[Application]:
        """Applications the expert must declare 回避 on: those of their groups, this round."""
        self._require_ack(expert_id)
        return self.scope(expert_id)

    def conflicts_of(self, expert_id: str) -> dict[str, Conflict]:
        return self.conflicts.for_expert(expert_id, self.state)

    def _require_ack(self, expert_id: str) -> None:
        self._expert(expert_id)
        if not self.has_acknowledged(expert_id):
            raise DomainError("review.ack_required", expert=expert_id)

    def read_application(self, expert_id: str, app_id: str) -> Application:
        """The only way an expert gets application content: after 保密承诺, never when recused."""
        self._require_ack(expert_id)
        app = self._application(app_id)
        if not self.in_scope(expert_id, app):
            raise DomainError("review.not_in_scope", expert=expert_id, application=app_id)
        if self.conflicts.is_recused(expert_id, app_id, self.state):
            raise DomainError("review.recused", expert=expert_id, application=app_id)
        return app

    def queue(self, expert_id: str) -> list[QueueItem]:
        self._require_ack(expert_id)
        items = []
        round_name = self.round
        for app in self.scope(expert_id):
            key = (expert_id, app.id, round_name)
            values = self.state.scores.get(key, {})
            total = sum(values.values(), Decimal(0)) if values else None
            if self.conflicts.is_recused(expert_id, app.id, self.state):
                status, total = RECUSED, None
            elif key in self.state.abstained:
                status = ABSTAINED
            elif values and all(c.key in values for c in self.panel.expert_criteria):
                status = SCORED
            elif values:
                status = DRAFT
            else:
                status = UNSCORED
            items.append(QueueItem(app.id, status, total))
        return items

    def own_scores(self, expert_id: str, app_id: str) -> dict[str, Decimal]:
        self.read_application(expert_id, app_id)
        return dict(self.state.scores.get((expert_id, app_id, self.round), {}))

    def is_submitted(self, expert_id: str, round_name: str | None = None) -> bool:
        return (expert_id, round_name or self.round) in self.state.submitted

    def _require_open_round(self) -> None:
        if self.round == CLOSED:
            raise DomainError("review.round_closed")

    def _require_open_sheet(self, expert_id: str) -> None:
        self._require_open_round()
        if self.is_submitted(expert_id):
            raise DomainError("review.sheet_locked", expert=expert_id)

    def round_alias(self, text: str) -> str | None:
        """A round as written on a sheet: its key, 专业组/综合组, or the panel's own name for it
        (e.g. 领导小组评审); only a round the panel has."""
        text = text.strip()
        found = ROUND_ALIASES.get(text)
        if found is None:
            found = next((r.key for r in self.panel.rounds if text in (r.name, r.name_en)), None)
        return found if found in self.panel.round_keys else None


def _normal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.5")) if value != value.to_integral_value() else value.quantize(Decimal(1))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else _plain(value)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
