"""Scoring and score sheets: values, the expert's sheet, its submission and paper imports.

Every value is read exactly (0..max in half steps, plain decimals only); a paper import is all
or nothing, every problem reported with its row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from reviewer.domain import events as ev
from reviewer.domain.errors import DomainError, Phrases
from reviewer.domain.events import Event
from reviewer.domain.exact import is_half_step
from reviewer.domain.justification import (
    MAX_COMMENT,
    OVERALL,
    Justifying,
    is_met,
    requirements,
)
from reviewer.domain.review_core import DRAFT, UNSCORED, _normal, _plain, _text, stamp

if TYPE_CHECKING:
    from reviewer.domain.case import Expert
    from reviewer.domain.panel import Criterion

# columns a typed-in paper sheet may carry besides the criteria (the printed sheet has them)
IGNORED_SHEET_COLUMNS = frozenset({"合计", "总分", "total", "签名", "signature", "备注", "note",
                                   "notes", "名称", "姓名", "name", "单位", "unit", "序号", "no"})

# A score as it may be written: ASCII digits, optionally one '.' and more digits (re.ASCII:
# \d would also match Arabic-Indic and other digits, which Decimal() silently accepts).
PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
# Full-width digits and full stop, typed by Chinese input methods, mean the ASCII ones.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


class SheetRow(NamedTuple):
    """One row of a paper score sheet, as read from CSV/XLSX (values still text).

    A named tuple, not a frozen dataclass: a sheet file is hundreds of thousands of rows,
    and a frozen dataclass sets each field through ``object.__setattr__`` (building the
    rows was a fifth of reading a 200,000-row file)."""

    row: int
    expert: str
    application: str
    round: str
    values: dict[str, str]  # criterion key or name -> text


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str
    params: dict[str, object]  # strings, or ``Phrases`` rendered with the message


class ImportRejected(DomainError):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("review.import_rejected", count=len(problems))
        self.problems = problems


# a paper sheet's 理由 column: the expert's comment on the row's application (评分理由)
JUSTIFICATION_COLUMNS = frozenset({"理由", "评分理由", "comment", "justification"})


class Scoring(Justifying):
    """Scores, abstentions, submission and reopening, and the secretary's paper imports."""

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
        self._require_justified(expert_id)
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
            problems.append(RowProblem(row, code, {
                k: v if isinstance(v, Phrases) else str(v) for k, v in params.items()}))

        if replace and not reason.strip():
            problem(0, "review.reason_required")
        if not rows:
            problem(0, "import.empty")
        self._require_open_round()
        columns = sorted(set().union(*(row.values for row in rows)))
        key_of: dict[str, str | None] = {}  # column -> criterion key (None: the 理由 column)
        for column in columns:
            criterion = self.panel.criterion(column)
            if (criterion is None or criterion.source != "expert") and \
                    column.strip().lower() not in IGNORED_SHEET_COLUMNS | JUSTIFICATION_COLUMNS:
                problem(1, "import.unknown_column", column=column)
            key_of[column] = None if column.strip().lower() in JUSTIFICATION_COLUMNS \
                else criterion.key if criterion else column
        sheets: dict[str, list[tuple[SheetRow, dict[str, Decimal]]]] = {}
        seen: dict[tuple[str, str], int] = {}
        # A sheet file is hundreds of thousands of rows over a few hundred experts, written
        # in one column layout with a few dozen texts per criterion: what depends only on
        # the expert, the round's text, the layout or a criterion's text is worked out once.
        experts: dict[str, tuple[Expert | None, bool, bool]] = {}
        rounds: dict[str, str | None] = {}
        plans: dict[tuple[str, ...], list[tuple[Criterion, str | None]]] = {}
        # parse_value is pure for a criterion and a text: each text parsed (or refused) once
        parsed_texts: dict[str, dict[str, Decimal | DomainError | None]] = {
            criterion.key: {} for criterion in self.panel.expert_criteria}
        # every value's text as the event records it (canonical), by the text as written
        written: dict[str, dict[str, str]] = {key: {} for key in parsed_texts}
        shown_cells: dict[tuple[str, str], dict[str, str]] = {}
        current = self.round
        for row in rows:
            about = experts.get(row.expert)
            if about is None:
                found = self.case.expert(row.expert)
                about = experts[row.expert] = (
                    found, found is not None and self.has_acknowledged(found.id),
                    found is not None and self.is_submitted(found.id))
            expert, acknowledged, submitted = about
            app = self.case.application(row.application)
            if row.round in rounds:
                round_name = rounds[row.round]
            else:
                round_name = rounds[row.round] = self.round_alias(row.round)
            if expert is None:
                problem(row.row, "import.unknown_expert", expert=row.expert)
            if app is None:
                problem(row.row, "import.unknown_application", application=row.application)
            if round_name is None:
                problem(row.row, "import.bad_round", round=row.round)
            elif round_name != current:
                problem(row.row, "import.round_not_open", round=row.round)
            if expert is None or app is None or round_name != current:
                continue
            if not acknowledged:
                problem(row.row, "import.no_ack", expert=expert.id)
            if not self.in_scope(expert.id, app):
                problem(row.row, "import.wrong_group", expert=expert.id, application=app.id)
            elif self.conflicts.is_recused(expert.id, app.id, self.state):
                problem(row.row, "import.recused", expert=expert.id, application=app.id)
            if submitted and not replace:
                problem(row.row, "import.already_submitted", expert=expert.id)
            pair = (expert.id, app.id)
            if pair in seen:
                problem(row.row, "import.duplicate_row", first=seen[pair])
            seen[pair] = row.row
            layout = tuple(row.values)
            plan = plans.get(layout)
            if plan is None:  # each criterion's column: the last one naming it, as written
                column_of = {key_of[k]: k for k in layout if key_of[k] is not None}
                plan = plans[layout] = [(criterion, column_of.get(criterion.key))
                                        for criterion in self.panel.expert_criteria]
            values: dict[str, Decimal] = {}
            shown: dict[str, str] = {}
            for criterion, source in plan:
                cell = row.values[source] if source is not None else None
                outcome: Decimal | DomainError | None
                if type(cell) is not str:
                    outcome = self._sheet_cell(criterion, cell)
                else:
                    memo = parsed_texts[criterion.key]
                    if cell in memo:
                        outcome = memo[cell]
                    else:
                        outcome = memo[cell] = self._sheet_cell(criterion, cell)
                        if isinstance(outcome, Decimal):
                            written[criterion.key][cell] = _plain(outcome)
                if outcome is None:
                    problem(row.row, "import.missing_criterion", criterion=criterion.name,
                            criterion_en=criterion.name_en)
                elif isinstance(outcome, DomainError):
                    problems.append(RowProblem(row.row, outcome.code,
                                               {k: str(v) for k, v in outcome.params.items()}))
                else:
                    values[criterion.key] = outcome
                    shown[criterion.key] = (written[criterion.key][cell] if type(cell) is str
                                            else _plain(outcome))
            sheets.setdefault(expert.id, []).append((row, values))
            shown_cells[pair] = shown
        for expert_id, entries in sorted(sheets.items()):
            present = {r.application for r, _ in entries}
            for app in self.scope(expert_id):
                if (app.id not in present
                        and not self.conflicts.is_recused(expert_id, app.id, self.state)
                        and (expert_id, app.id, self.round) not in self.state.abstained):
                    problem(entries[0][0].row, "import.sheet_incomplete", expert=expert_id,
                            application=app.id)
        comments = self._paper_comments(
            sheets, problem, frozenset(c for c, key in key_of.items() if key is None))
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: p.row))
        # one act, one instant: every event of the import carries the same time (the clock
        # read and stamped per cell was a tenth of a big import)
        at = stamp(self.clock())

        def event(kind: str, actor: str, /, **payload: object) -> Event:
            return Event(kind=kind, actor=actor, at=at, payload=payload)

        events = [event(ev.SCORES_IMPORTED, ev.SECRETARY, file_sha256=file_sha256,
                        rows=len(rows), replace=replace, reason=reason.strip(),
                        overrides=self._overrides(sheets))]
        for expert_id, entries in sorted(sheets.items()):
            if self.is_submitted(expert_id):
                events.append(event(ev.SHEET_REOPENED, ev.SECRETARY, expert=expert_id,
                                    round=self.round, reason=reason.strip()))
            # one event per paper sheet: the sheet is one document entered in one act (an
            # event per cell made every cell of a big import its own HMAC, row and replay)
            scores: dict[str, dict[str, str]] = {}
            changed_comments: dict[str, str] = {}
            for row, _ in entries:
                scores[row.application] = shown_cells[(expert_id, row.application)]
                comment = comments.get((expert_id, row.application), "")
                if comment != self.state.justifications.get(
                        (expert_id, row.application, self.round, OVERALL), ""):
                    changed_comments[row.application] = comment
            events.append(event(ev.SHEET_IMPORTED, ev.SECRETARY, expert=expert_id,
                                round=self.round, scores=scores, comments=changed_comments))
            events.append(event(ev.SHEET_SUBMITTED, ev.SECRETARY, expert=expert_id,
                                round=self.round, confirmed_no_conflict=True, source="paper"))
        return events

    def _sheet_cell(self, criterion: Criterion, text: str | None
                    ) -> Decimal | DomainError | None:
        """A paper cell's value, the refusal of it, or None for a blank cell."""
        if text is None or not str(text).strip():
            return None
        try:
            value = self.parse_value(criterion.key, text)
        except DomainError as exc:
            return exc
        assert value is not None
        return value

    def _paper_comments(self, sheets: dict[str, list[tuple[SheetRow, dict[str, Decimal]]]],
                        problem: Callable[..., None], comment_columns: frozenset[str]
                        ) -> dict[tuple[str, str], str]:
        """Each row's 理由 column (``comment_columns``: the file's columns that hold one), and
        a problem for every row whose scores need a comment
        (``reviewer.domain.justification``) that has none. An outlier is judged against the
        sheets that will count after the import: those submitted at the terminal and not
        replaced, and the other rows of this file."""
        comments: dict[tuple[str, str], str] = {}
        for expert_id, entries in sheets.items():
            for row, _ in entries:
                # the file's 理由 columns, found once (a sheet file without one is common)
                text = next((v for k, v in row.values.items() if k in comment_columns),
                            "") if comment_columns else ""
                text = str(text or "").strip()
                if len(text) > MAX_COMMENT:
                    problem(row.row, "justify.too_long", max=MAX_COMMENT)
                comments[(expert_id, row.application)] = text
        rule = self.justification_rule
        if not rule.active:
            return comments
        criteria = tuple(c.key for c in self.panel.expert_criteria)
        imported: dict[str, dict[str, Fraction]] = {}
        for expert_id, entries in sheets.items():
            for row, values in entries:
                if len(values) == len(criteria):
                    imported.setdefault(row.application, {})[expert_id] = Fraction(
                        sum(values.values(), Decimal(0)))
        for expert_id, entries in sorted(sheets.items()):
            for row, values in entries:
                others: list[Fraction] = []
                if rule.outliers:
                    app = self._application(row.application)
                    counted = self.ranking.counted_values(self.state, self.round, app)
                    totals = {e: self.ranking.expert_total(v) for e, v in counted.items()
                              if e not in sheets}
                    totals.update(imported.get(row.application, {}))
                    others = [v for e, v in totals.items() if e != expert_id]
                text = comments[(expert_id, row.application)]
                missing = [r for r in requirements(rule, row.application, self.points, values,
                                                   others, criteria)
                           if not is_met(r, {OVERALL: text})]
                if missing:
                    problem(row.row, "justify.missing_on_row",
                            **self.describe_missing(missing))
        return comments

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
