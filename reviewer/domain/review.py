"""The rules of the review: who may see and score what, and every action's refusal.

Each command checks the current ``SessionState`` and returns the events to append; it never
mutates state itself (the caller appends the events to the store and then applies them), so
several terminals sharing one database always decide on the latest chain. Every refusal is a
``DomainError`` whose key names the rule; no refusal leaves an event behind except a failed
PIN, which must be counted towards the lockout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from reviewer.domain import events as ev
from reviewer.domain.case import Application, Case, Expert
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.exact import is_half_step
from reviewer.domain.panel import RECUSAL_KINDS, Panel
from reviewer.domain.pins import PinKeeper
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL, Ranking
from reviewer.domain.recusal import Conflict, ConflictIndex
from reviewer.domain.state import SessionState

MAX_PIN_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
ROUND_ALIASES = {"professional": PROFESSIONAL, "专业组": PROFESSIONAL,
                 "comprehensive": COMPREHENSIVE, "综合组": COMPREHENSIVE}

# columns a typed-in paper sheet may carry besides the criteria (the printed sheet has them)
IGNORED_SHEET_COLUMNS = frozenset({"合计", "总分", "total", "签名", "signature", "备注", "note",
                                   "notes", "名称", "姓名", "name", "单位", "unit", "序号", "no"})

# status of an application in an expert's queue
UNSCORED, DRAFT, SCORED, RECUSED, ABSTAINED = "unscored", "draft", "scored", "recused", "abstained"

Clock = Callable[[], datetime]


# A score as it may be written: ASCII digits, optionally one '.' and more digits (re.ASCII:
# \d would also match Arabic-Indic and other digits, which Decimal() silently accepts).
PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
# Full-width digits and full stop, typed by Chinese input methods, mean the ASCII ones.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def pin_is_valid(pin: str) -> bool:
    return len(pin) >= 6 and pin.isdigit() and pin.isascii()


@dataclass(frozen=True)
class LoginResult:
    events: list[Event]
    error: DomainError | None = None


@dataclass(frozen=True)
class QueueItem:
    application: str
    status: str
    total: Decimal | None


@dataclass(frozen=True)
class SheetRow:
    """One row of a paper score sheet, as read from CSV/XLSX (values still text)."""

    row: int
    expert: str
    application: str
    round: str
    values: dict[str, str] = field(default_factory=dict)  # criterion key or name -> text


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str
    params: dict[str, str]


class ImportRejected(DomainError):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("review.import_rejected", count=len(problems))
        self.problems = problems


class Review:
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

    # -- PINs (experts authenticate with their own PIN; 5 failures lock for 5 minutes) -------

    def locked_for(self, expert_id: str) -> int:
        """Seconds until the expert may try again; 0 when not locked."""
        until = self.state.pin(expert_id).locked_until
        if until is None:
            return 0
        remaining = (parse_stamp(until) - self.clock()).total_seconds()
        return max(0, int(remaining + 0.999))

    def check_pin(self, expert_id: str, pin: str) -> LoginResult:
        """Verify a PIN (at login, and again to confirm the 保密承诺 and a submission)."""
        expert = self._expert(expert_id)
        wait = self.locked_for(expert_id)
        if wait:
            return LoginResult([], DomainError("review.pin_locked", seconds=wait,
                                               minutes=(wait + 59) // 60))
        actor = ev.expert_actor(expert_id)
        keeper = self._pin_keeper()
        sealed = self.state.pin(expert_id).sealed
        # a changed PIN's hash is stored encrypted; one that does not open verifies nothing
        current = keeper.vault.open(expert_id, sealed) if sealed else expert.pin_hash
        if current is None or not keeper.hasher.verify(current, pin):
            failures = self.state.pin(expert_id).failures + 1
            events = [self.event(ev.PIN_FAILED, actor, expert=expert_id, failures=failures)]
            if failures >= MAX_PIN_FAILURES:
                until = stamp(self.clock() + LOCKOUT)
                events.append(self.event(ev.PIN_LOCKED, ev.SYSTEM, expert=expert_id, until=until))
                return LoginResult(events, DomainError("review.pin_now_locked",
                                                       minutes=int(LOCKOUT.total_seconds() // 60)))
            return LoginResult(events, DomainError(
                "review.pin_wrong", left=MAX_PIN_FAILURES - failures))
        return LoginResult([self.event(ev.PIN_OK, actor, expert=expert_id)])

    def unlock_pin(self, expert_id: str, reason: str) -> list[Event]:
        """The secretary lifts a PIN lockout before it runs out (issue 10): audited, with a
        reason, the failure count reset. The PIN itself is not changed or shown."""
        expert = self._expert(expert_id)
        if not reason.strip():
            raise DomainError("review.reason_required")
        if not self.locked_for(expert_id):
            raise DomainError("review.pin_not_locked", expert=expert.name, id=expert_id)
        return [self.event(ev.PIN_UNLOCKED, ev.SECRETARY, expert=expert_id,
                           reason=reason.strip())]

    def pin_changed(self, expert_id: str) -> bool:
        return self.state.pin(expert_id).changed

    def _pin_keeper(self) -> PinKeeper:
        if self.pins is None:
            raise RuntimeError("Review needs a PinKeeper to check or change PINs")
        return self.pins

    def change_pin(self, expert_id: str, new_pin: str,
                   hasher: Callable[[str], str] | None = None) -> list[Event]:
        """The new PIN's hash goes into the event sealed under the bundle's PIN-vault key."""
        self._expert(expert_id)
        if not pin_is_valid(new_pin):
            raise DomainError("review.pin_invalid")
        keeper = self._pin_keeper()
        pin_hash = (hasher or keeper.hasher.hash)(new_pin)
        return [self.event(ev.PIN_CHANGED, ev.expert_actor(expert_id), expert=expert_id,
                            pin_sealed=keeper.vault.seal(expert_id, pin_hash))]

    # -- 保密承诺 (第十九条: members sign a confidentiality agreement before seeing anything) --

    def has_acknowledged(self, expert_id: str) -> bool:
        return expert_id in self.state.acks

    def acknowledge(self, expert_id: str, paper: bool = False) -> list[Event]:
        self._expert(expert_id)
        if self.has_acknowledged(expert_id):
            raise DomainError("review.already_acknowledged", expert=expert_id)
        actor = ev.SECRETARY if paper else ev.expert_actor(expert_id)
        return [self.event(ev.ACK_RECORDED, actor, expert=expert_id, paper=paper,
                            article=self.panel.confidentiality_article)]

    # -- what an expert may see --------------------------------------------------------------

    def groups_of(self, expert_id: str, round_name: str) -> list[str]:
        expert = self._expert(expert_id)
        kind = PROFESSIONAL if round_name == PROFESSIONAL else COMPREHENSIVE
        return [g for g in expert.groups if (grp := self.case.group(g)) and grp.kind == kind]

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

    # -- 回避 declarations (第十九条) -----------------------------------------------------------

    def declare_conflict(self, expert_id: str, app_id: str, kind: str, reason: str,
                         by_secretary: bool = False) -> list[Event]:
        self._expert(expert_id)
        self._application(app_id)
        self._require_open_round()  # a conflict declared after close would change the results
        if not by_secretary:
            self._require_ack(expert_id)
        if kind not in RECUSAL_KINDS:
            raise DomainError("review.bad_conflict_kind", kind=kind, kinds=", ".join(RECUSAL_KINDS))
        if not reason.strip():
            raise DomainError("review.reason_required")
        if self.conflicts.is_recused(expert_id, app_id, self.state):
            raise DomainError("review.already_recused", expert=expert_id, application=app_id)
        actor = ev.SECRETARY if by_secretary else ev.expert_actor(expert_id)
        return [self.event(ev.CONFLICT_DECLARED, actor, expert=expert_id, application=app_id,
                            kind=kind, reason=reason.strip(),
                            source="secretary" if by_secretary else "declared",
                            article=self.panel.recusal_article)]

    def declare_no_conflict(self, expert_id: str, app_id: str) -> list[Event]:
        self._require_ack(expert_id)
        if not self.in_scope(expert_id, self._application(app_id)):
            raise DomainError("review.not_in_scope", expert=expert_id, application=app_id)
        if self.conflicts.is_recused(expert_id, app_id, self.state):
            raise DomainError("review.recused", expert=expert_id, application=app_id)
        return [self.event(ev.CONFLICT_CLEARED, ev.expert_actor(expert_id), expert=expert_id,
                            application=app_id)]

    def lift_conflict(self, expert_id: str, app_id: str, reason: str) -> list[Event]:
        self._expert(expert_id)
        self._application(app_id)
        self._require_open_round()
        if not reason.strip():
            raise DomainError("review.reason_required")
        conflict = self.conflicts.conflict(expert_id, app_id, self.state)
        if conflict is None or not conflict.active:
            raise DomainError("review.no_conflict_to_lift", expert=expert_id, application=app_id)
        if not conflict.liftable:
            raise DomainError("review.not_liftable", expert=expert_id, application=app_id)
        return [self.event(ev.CONFLICT_LIFTED, ev.SECRETARY, expert=expert_id,
                            application=app_id, reason=reason.strip())]

    def abstain(self, expert_id: str, app_id: str, reason: str) -> list[Event]:
        self._require_open_round()  # before scope: after close the scope is empty
        self.read_application(expert_id, app_id)
        self._require_open_sheet(expert_id)
        self._require_declared(expert_id, app_id)
        if not reason.strip():
            raise DomainError("review.reason_required")
        return [self.event(ev.ABSTAINED, ev.expert_actor(expert_id), expert=expert_id,
                            application=app_id, round=self.round, reason=reason.strip())]

    # -- scores ------------------------------------------------------------------------------

    def _require_open_round(self) -> None:
        if self.round == CLOSED:
            raise DomainError("review.round_closed")

    def _require_open_sheet(self, expert_id: str) -> None:
        self._require_open_round()
        if self.is_submitted(expert_id):
            raise DomainError("review.sheet_locked", expert=expert_id)

    def parse_value(self, criterion_key: str, text: str | Decimal | None) -> Decimal | None:
        """0..max in steps of 0.5; ``None`` or blank clears the cell.

        Only a plain decimal is read (ASCII digits, at most one '.' followed by digits), so
        nothing typed or written on a paper sheet is ever changed silently: "2_0", "1e1",
        "-0", "+3", "2，5", "2 0" and other digit scripts are refused with the value named.
        The one normalisation is explicit: full-width digits and the full-width full stop
        (０–９, ．), as a Chinese input method types them, read as what they mean.
        """
        criterion = self.panel.criterion(criterion_key)
        if criterion is None or criterion.source != "expert":
            raise DomainError("review.unknown_criterion", criterion=criterion_key)
        names = {"criterion": criterion.name, "criterion_en": criterion.name_en}
        if isinstance(text, Decimal):
            if not text.is_finite() or text.is_signed():
                raise DomainError("review.score_not_plain", **names, value=str(text))
            value = text
            shown = str(text)
        else:
            if text is None or not text.strip():
                return None
            shown = text.strip()
            plain = shown.translate(FULL_WIDTH_DIGITS)
            if not PLAIN_DECIMAL.fullmatch(plain):
                try:
                    Decimal(plain)
                except InvalidOperation:
                    raise DomainError("review.score_not_number", **names, value=shown) from None
                raise DomainError("review.score_not_plain", **names, value=shown)
            value = Decimal(plain)
        maximum = self.points[criterion.key]
        if value > maximum:
            raise DomainError("review.score_out_of_range", **names, value=shown,
                              max=_plain(maximum))
        if not is_half_step(value):
            raise DomainError("review.score_not_half_step", **names, value=shown)
        return _normal(value)

    def has_declared(self, expert_id: str, app_id: str) -> bool:
        """The expert declared no conflict (回避申明, ``conflict.none``) on the application."""
        return (expert_id, app_id) in self.state.cleared

    def _require_declared(self, expert_id: str, app_id: str) -> None:
        """第十九条: every application is declared (回避申明) before the expert scores it.

        Only the expert's own ``conflict.none`` counts. Paper sheets imported by the secretary
        (``import_sheets``) do not pass here: the printed sheet carries the pledge and the
        no-conflict confirmation the expert signs by hand, so the imported sheet is itself
        the declaration on paper (recused applications are still refused there).
        """
        if not self.has_declared(expert_id, app_id):
            raise DomainError("review.declaration_required", expert=expert_id,
                              application=app_id)

    def set_score(self, expert_id: str, app_id: str, criterion_key: str,
                  text: str | Decimal | None) -> list[Event]:
        self._require_open_round()  # before scope: after close the scope is empty
        self.read_application(expert_id, app_id)
        self._require_open_sheet(expert_id)
        self._require_declared(expert_id, app_id)
        criterion = self.panel.criterion(criterion_key)
        value = self.parse_value(criterion_key, text)
        assert criterion is not None
        key = (expert_id, app_id, self.round)
        old = self.state.scores.get(key, {}).get(criterion.key)
        if old == value:
            return []
        return [self.event(ev.SCORE_SET, ev.expert_actor(expert_id), expert=expert_id,
                            application=app_id, round=self.round, criterion=criterion.key,
                            value=_text(value), old=_text(old))]

    def missing(self, expert_id: str) -> list[str]:
        """Applications still to be scored before the expert's sheet can be submitted."""
        return [q.application for q in self.queue(expert_id) if q.status in (UNSCORED, DRAFT)]

    def submit(self, expert_id: str, confirm_no_conflict: bool) -> list[Event]:
        self._require_ack(expert_id)
        self._require_open_sheet(expert_id)
        if not self.scope(expert_id):
            raise DomainError("review.nothing_to_submit", expert=expert_id)
        if not confirm_no_conflict:
            raise DomainError("review.confirm_required")
        missing = self.missing(expert_id)
        if missing:
            raise DomainError("review.sheet_incomplete", count=len(missing),
                              ids=", ".join(missing[:10]))
        return [self.event(ev.SHEET_SUBMITTED, ev.expert_actor(expert_id), expert=expert_id,
                            round=self.round, confirmed_no_conflict=True, source="terminal")]

    def reopen(self, expert_id: str, reason: str) -> list[Event]:
        expert = self._expert(expert_id)
        self._require_open_round()
        if not reason.strip():
            raise DomainError("review.reason_required")
        if not self.is_submitted(expert_id):
            raise DomainError("review.not_submitted", expert=expert_id, name=expert.name)
        return [self.event(ev.SHEET_REOPENED, ev.SECRETARY, expert=expert_id,
                            round=self.round, reason=reason.strip())]

    # -- paper score sheets --------------------------------------------------------------------

    def import_sheets(self, rows: Sequence[SheetRow], *, file_sha256: str, replace: bool = False,
                      reason: str = "") -> list[Event]:
        """All or nothing: every problem with its row, no event unless there is none."""
        problems: list[RowProblem] = []

        def problem(row: int, code: str, **params: object) -> None:
            problems.append(RowProblem(row, code, {k: str(v) for k, v in params.items()}))

        if replace and not reason.strip():
            problem(0, "review.reason_required")
        if not rows:
            problem(0, "import.empty")
        self._require_open_round()
        columns = sorted({k for row in rows for k in row.values})
        for column in columns:
            criterion = self.panel.criterion(column)
            if (criterion is None or criterion.source != "expert") and \
                    column.strip().lower() not in IGNORED_SHEET_COLUMNS:
                problem(1, "import.unknown_column", column=column)
        sheets: dict[str, list[tuple[SheetRow, dict[str, Decimal]]]] = {}
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            expert = self.case.expert(row.expert)
            app = self.case.application(row.application)
            round_name = self.round_alias(row.round)
            if expert is None:
                problem(row.row, "import.unknown_expert", expert=row.expert)
            if app is None:
                problem(row.row, "import.unknown_application", application=row.application)
            if round_name is None:
                problem(row.row, "import.bad_round", round=row.round)
            elif round_name != self.round:
                problem(row.row, "import.round_not_open", round=row.round)
            if expert is None or app is None or round_name != self.round:
                continue
            if not self.has_acknowledged(expert.id):
                problem(row.row, "import.no_ack", expert=expert.id)
            if not self.in_scope(expert.id, app):
                problem(row.row, "import.wrong_group", expert=expert.id, application=app.id)
            elif self.conflicts.is_recused(expert.id, app.id, self.state):
                problem(row.row, "import.recused", expert=expert.id, application=app.id)
            if self.is_submitted(expert.id) and not replace:
                problem(row.row, "import.already_submitted", expert=expert.id)
            if (expert.id, app.id) in seen:
                problem(row.row, "import.duplicate_row", first=seen[(expert.id, app.id)])
            seen[(expert.id, app.id)] = row.row
            values: dict[str, Decimal] = {}
            given = {self.panel.criterion(k).key if self.panel.criterion(k) else k: v  # type: ignore[union-attr]
                     for k, v in row.values.items()}
            for criterion in self.panel.expert_criteria:
                text = given.get(criterion.key)
                if text is None or not str(text).strip():
                    problem(row.row, "import.missing_criterion", criterion=criterion.name,
                            criterion_en=criterion.name_en)
                    continue
                try:
                    parsed = self.parse_value(criterion.key, text)
                except DomainError as exc:
                    problems.append(RowProblem(row.row, exc.code,
                                               {k: str(v) for k, v in exc.params.items()}))
                    continue
                assert parsed is not None
                values[criterion.key] = parsed
            sheets.setdefault(expert.id, []).append((row, values))
        for expert_id, entries in sorted(sheets.items()):
            present = {r.application for r, _ in entries}
            for app in self.scope(expert_id):
                if (app.id not in present
                        and not self.conflicts.is_recused(expert_id, app.id, self.state)
                        and (expert_id, app.id, self.round) not in self.state.abstained):
                    problem(entries[0][0].row, "import.sheet_incomplete", expert=expert_id,
                            application=app.id)
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: p.row))
        events = [self.event(ev.SCORES_IMPORTED, ev.SECRETARY, file_sha256=file_sha256,
                              rows=len(rows), replace=replace, reason=reason.strip(),
                              overrides=self._overrides(sheets))]
        for expert_id, entries in sorted(sheets.items()):
            if self.is_submitted(expert_id):
                events.append(self.event(ev.SHEET_REOPENED, ev.SECRETARY, expert=expert_id,
                                          round=self.round, reason=reason.strip()))
            for row, values in entries:
                old_values = self.state.scores.get((expert_id, row.application, self.round), {})
                for key, value in values.items():
                    if old_values.get(key) != value:
                        events.append(self.event(
                            ev.SCORE_SET, ev.SECRETARY, expert=expert_id,
                            application=row.application, round=self.round, criterion=key,
                            value=_text(value), old=_text(old_values.get(key)), paper=True))
            events.append(self.event(ev.SHEET_SUBMITTED, ev.SECRETARY, expert=expert_id,
                                      round=self.round, confirmed_no_conflict=True, source="paper"))
        return events

    def _overrides(self, sheets: dict[str, list[tuple[SheetRow, dict[str, Decimal]]]]
                   ) -> list[dict[str, object]]:
        """Submitted sheets this import replaces, for the committee (issue 9): whose sheet,
        how and when it had been submitted, and each application's total before and after."""
        out: list[dict[str, object]] = []
        for expert_id, entries in sorted(sheets.items()):
            submitted = self.state.submitted.get((expert_id, self.round))
            if submitted is None:
                continue
            totals = []
            for row, values in entries:
                old = self.state.scores.get((expert_id, row.application, self.round), {})
                before = sum(old.values(), Decimal(0)) if old else None
                totals.append({"application": row.application, "old": _text(before),
                               "new": _plain(sum(values.values(), Decimal(0)))})
            out.append({"expert": expert_id, "round": self.round,
                        "submitted_at": submitted["at"],
                        "submitted_source": submitted["source"], "totals": totals})
        return out

    # -- rounds --------------------------------------------------------------------------------

    def round_blockers(self) -> list[DomainError]:
        """Why the open round cannot be closed yet (unsubmitted sheets, quorum)."""
        blockers: list[DomainError] = []
        if self.round == CLOSED:
            return [DomainError("review.round_closed")]
        kind = PROFESSIONAL if self.round == PROFESSIONAL else COMPREHENSIVE
        for expert in self.case.experts:
            groups = [g for g in expert.groups if (grp := self.case.group(g)) and grp.kind == kind]
            if groups and self.scope(expert.id) and not self.is_submitted(expert.id):
                blockers.append(DomainError("review.blocker_unsubmitted", expert=expert.id,
                                                name=expert.name))
        for table in self.current_tables():
            for entry in table.short:
                blockers.append(DomainError("review.blocker_quorum", application=entry.application,
                                            counted=entry.counted,
                                            needed=self.case.rules.min_experts))
        return blockers

    def round_alias(self, text: str) -> str | None:
        """A round as written on a sheet: its key, 专业组/综合组, or the panel's own name for it
        (e.g. 领导小组评审); only a round the panel has."""
        text = text.strip()
        found = ROUND_ALIASES.get(text)
        if found is None:
            found = next((r.key for r in self.panel.rounds if text in (r.name, r.name_en)), None)
        return found if found in self.panel.round_keys else None

    def current_tables(self) -> list:  # list[RoundTable]
        if self.round == PROFESSIONAL:
            return list(self.ranking.professional_tables(self.state).values())
        return [self.ranking.final_table(self.state)]

    def advance(self, force: bool = False, reason: str = "",
                expected: str | None = None) -> list[Event]:
        """Close the open round. ``expected`` is the round the user saw when asking: when
        another terminal closed it in the meantime, the request is refused, not applied to
        the next round."""
        if expected is not None and self.round != expected:
            raise DomainError("review.round_moved_on", expected=expected, round=self.round)
        if self.round == CLOSED:
            raise DomainError("review.round_closed")
        blockers = self.round_blockers()
        if blockers and not force:
            raise DomainError("review.cannot_advance", count=len(blockers),
                              reasons="; ".join(b.render() for b in blockers[:5]))
        if force and not reason.strip():
            raise DomainError("review.reason_required")
        # the next round is the panel's: a one-step measure closes after its single round
        following = self.panel.next_round(self.round)
        spec = self.panel.round_spec(self.round)
        article = spec.article if spec else ""
        if following == COMPREHENSIVE:
            nominees = self.ranking.nominations(self.ranking.professional_tables(self.state))
            if not any(nominees.values()):
                raise DomainError("review.no_nominees")
            return [self.event(ev.ROUND_ADVANCED, ev.SECRETARY, **{"from": str(self.round)},
                                to=str(following), forced=bool(blockers), reason=reason.strip(),
                                nominees=nominees, article=article,
                                closes_on=self._closing_head())]
        return [self.event(ev.ROUND_ADVANCED, ev.SECRETARY, **{"from": str(self.round)},
                            to=str(following), forced=bool(blockers), reason=reason.strip(),
                            article=article, closes_on=self._closing_head())]

    def _closing_head(self) -> dict[str, object]:
        """The chain head the round closes on, recorded in the keyed chain itself: a later
        truncation to before the close cannot keep the round's record."""
        return {"seq": self.state.event_count, "hash": self.state.head}

    def resolve_tie(self, order: Sequence[str], reason: str) -> list[Event]:
        from reviewer.domain.results import unresolved_ties

        if not reason.strip():
            raise DomainError("review.reason_required")
        if len(order) != len(set(order)) or len(order) < 2:
            raise DomainError("review.tie_order_invalid")
        for app_id in order:
            self._application(app_id)
        ties = unresolved_ties(self)
        if not any(set(group) == set(order) for group in ties):
            listed = " | ".join(",".join(g) for g in ties) or "-"
            raise DomainError("review.no_such_tie", ids=",".join(order), ties=listed)
        return [self.event(ev.TIE_RESOLVED, ev.SECRETARY, order=list(order),
                            reason=reason.strip(), round=self.round)]

    def disqualify(self, app_id: str, reason: str) -> list[Event]:
        from reviewer.domain.results import final_list

        self._application(app_id)
        rule = self.panel.disqualification
        if not rule.allowed:
            # the measure's document gives no ground for removing a listed application
            raise DomainError("review.disqualify_no_article", measure=self.panel.name,
                              policy=self.panel.policy)
        if not reason.strip():
            raise DomainError("review.reason_required")
        if self.round != CLOSED:
            raise DomainError("review.disqualify_before_close")
        if app_id in self.state.disqualified:
            raise DomainError("review.already_disqualified", application=app_id)
        if app_id not in {f.application for f in final_list(self).finalists}:
            raise DomainError("review.not_a_finalist", application=app_id)
        return [self.event(ev.DISQUALIFIED, ev.SECRETARY, application=app_id,
                            reason=reason.strip(), article=self._publicity_article())]

    def _publicity_article(self) -> str:
        """The article of the panel's own document that a removal rests on."""
        return self.panel.disqualification.article

    def propose_amount(self, app_id: str, amount: int, reason: str) -> list[Event]:
        """The committee's proposed amount for a funded project, within its band
        (补助资金 第六条/第十六条 "提出拟补助项目和补助金额建议"; bands: 第十一条)."""
        from reviewer.domain.results import final_list

        self._application(app_id)
        if not self.panel.has_funding:
            raise DomainError("review.no_funding", measure=self.panel.name)
        if not reason.strip():
            raise DomainError("review.reason_required")
        if self.round != CLOSED:
            raise DomainError("review.amount_before_close")
        finalist = next((f for f in final_list(self).finalists if f.application == app_id), None)
        if finalist is None or finalist.tier is None:
            raise DomainError("review.not_a_finalist", application=app_id)
        track = self.panel.track(finalist.track)
        tier = next(t for t in track.tiers if t.key == finalist.tier) if track else None
        assert tier is not None and tier.amount_min is not None and tier.amount_max is not None
        if not tier.amount_min <= amount <= tier.amount_max:
            raise DomainError("review.amount_out_of_band", amount=amount, band=tier.name,
                              low=tier.amount_min, high=tier.amount_max, article=tier.article)
        spec = self.panel.round_spec(self.panel.final_round)
        return [self.event(ev.AMOUNT_PROPOSED, ev.SECRETARY, application=app_id,
                            band=tier.key, amount=amount, reason=reason.strip(),
                            article=spec.article if spec else "")]

    def record_export(self, file_sha256: str, pages: int) -> list[Event]:
        return [self.event(ev.EXPORTED, ev.SECRETARY, file_sha256=file_sha256, pages=pages)]


def _normal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.5")) if value != value.to_integral_value() else value.quantize(Decimal(1))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else _plain(value)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
