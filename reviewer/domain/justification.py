"""Score justification (评分理由): when an expert must write why they gave a score.

A panel (``[scoring]`` of its file) or a case (``[rules]`` of case.toml, which overrides the
panel) may require a written comment

- for a criterion score below ``justify_below`` × that criterion's maximum (a share, e.g. 0.6);
- for an expert's total that is an outlier by the rule the statistics already compute
  (``reviewer.domain.stats.total_is_outlier``: more than 2 standard deviations from the mean of
  the other counted sheets for that application), when ``justify_outliers`` is true.

Neither is a policy rule: the policies require 实名打分 (e.g. 云岭工匠选树管理办法 第十二条)
and a 监督组 that oversees the review (第十八条); the comments are printed for that group in
the results PDF. Off when neither file sets it, so sessions of older cases are unchanged.

Comments are per expert × application × round, on a criterion (a low score) or on the
application as a whole (``OVERALL``: an outlier total, or one 理由 column of a paper sheet,
which then covers every low criterion of that row). A sheet with a required comment missing
cannot be submitted; the refusal names each application and criterion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from reviewer.domain import events as ev
from reviewer.domain.case import Case
from reviewer.domain.errors import DomainError, Phrases
from reviewer.domain.events import Event
from reviewer.domain.panel import Panel
from reviewer.domain.pledge import Declarations
from reviewer.domain.stats import total_is_outlier

OVERALL = ""  # the comment on the application as a whole (not on one criterion)
MAX_COMMENT = 500  # characters: a reason, not a report
LOW, OUTLIER = "low", "outlier"


@dataclass(frozen=True)
class JustifyRule:
    """The effective setting: the case's value where it sets one, else the panel's."""

    below: Decimal | None = None
    outliers: bool = False

    @property
    def active(self) -> bool:
        return bool(self.below) or self.outliers

    @property
    def share(self) -> str:
        """The low-score bar as printed and shown, e.g. ``60%`` ("" when there is none)."""
        return f"{(self.below * 100).normalize():f}%" if self.below else ""

    def wording(self, both: str, low: str, outliers: str) -> str | None:
        """Which of three catalogue keys states this rule (``None`` when it is off)."""
        if self.below and self.outliers:
            return both
        if self.below:
            return low
        return outliers if self.outliers else None


def rule_of(case: Case, panel: Panel) -> JustifyRule:
    below = case.rules.justify_below if case.rules.justify_below is not None else panel.justify_below
    outliers = (case.rules.justify_outliers if case.rules.justify_outliers is not None
                else panel.justify_outliers)
    return JustifyRule(below if below else None, bool(outliers))


@dataclass(frozen=True)
class Requirement:
    """One comment an expert owes: on ``criterion`` (a low score) or ``OVERALL`` (outlier)."""

    application: str
    criterion: str
    reason: str  # LOW | OUTLIER
    value: Decimal  # the score (LOW) or the expert's total (OUTLIER)


def requirements(rule: JustifyRule, app_id: str, points: Mapping[str, Decimal],
                 values: Mapping[str, Decimal], others: list[Fraction],
                 criteria: tuple[str, ...]) -> list[Requirement]:
    """What ``values`` (one expert's scores for one application) require, given the totals
    of the other counted sheets for that application. Pure: the paper import asks it too."""
    out: list[Requirement] = []
    if rule.below:
        for key in criteria:
            value = values.get(key)
            if value is not None and value < rule.below * points[key]:
                out.append(Requirement(app_id, key, LOW, value))
    if rule.outliers and values and all(k in values for k in criteria):
        total = sum((values[k] for k in criteria), Decimal(0))
        if total_is_outlier(Fraction(total), others):
            out.append(Requirement(app_id, OVERALL, OUTLIER, total))
    return out


def is_met(requirement: Requirement, comments: Mapping[str, str]) -> bool:
    """A low criterion is explained by its own comment or the application's; an outlier total
    only by the application's."""
    if comments.get(OVERALL, "").strip():
        return True
    return requirement.reason == LOW and bool(comments.get(requirement.criterion, "").strip())


class Justifying(Declarations):
    """The comment command and the submit check; mixed into ``Scoring``."""

    @property
    def justification_rule(self) -> JustifyRule:
        return rule_of(self.case, self.panel)

    def comments_of(self, expert_id: str, app_id: str,
                    round_name: str | None = None) -> dict[str, str]:
        """The expert's comments on one application: criterion key (or OVERALL) -> text."""
        round_name = round_name or self.round
        return {c: text for (e, a, r, c), text in self.state.justifications.items()
                if e == expert_id and a == app_id and r == round_name}

    def others_totals(self, expert_id: str, app_id: str) -> list[Fraction]:
        """Totals of the other counted (submitted) sheets for the application this round."""
        app = self._application(app_id)
        sheets = self.ranking.counted_values(self.state, self.round, app)
        return [self.ranking.expert_total(v) for e, v in sheets.items() if e != expert_id]

    def required_for(self, expert_id: str, app_id: str) -> list[Requirement]:
        """What the expert's current scores for one application require (met or not)."""
        rule = self.justification_rule
        if not rule.active:
            return []
        values = self.state.scores.get((expert_id, app_id, self.round), {})
        others = self.others_totals(expert_id, app_id) if rule.outliers else []
        return requirements(rule, app_id, self.points, values, others,
                            tuple(c.key for c in self.panel.expert_criteria))

    def missing_justifications(self, expert_id: str) -> list[Requirement]:
        """Every required comment the expert has not written, in application order."""
        if not self.justification_rule.active:
            return []
        out: list[Requirement] = []
        for app in self.scope(expert_id):
            key = (expert_id, app.id, self.round)
            if self.conflicts.is_recused(expert_id, app.id, self.state) or \
                    key in self.state.abstained:
                continue
            comments = self.comments_of(expert_id, app.id)
            out.extend(r for r in self.required_for(expert_id, app.id)
                       if not is_met(r, comments))
        return out

    def describe_missing(self, missing: list[Requirement]) -> dict[str, object]:
        """Parameters naming each application and criterion (rendered by the catalogue)."""
        parts: list[tuple[str, dict[str, str]]] = []
        for r in missing:
            criterion = self.panel.criterion(r.criterion) if r.criterion else None
            if r.reason == OUTLIER:
                parts.append(("justify.item_outlier",
                              {"application": r.application, "value": str(r.value)}))
            elif criterion is not None:
                parts.append(("justify.item_low", {
                    "application": r.application, "criterion": criterion.name,
                    "criterion_en": criterion.name_en, "value": str(r.value)}))
        return {"count": str(len(missing)), "items": Phrases.of(parts)}

    def justify(self, expert_id: str, app_id: str, criterion_key: str, text: str,
                by_secretary: bool = False) -> list[Event]:
        """Write (or, with blank text, clear) a comment on a score of the expert's open sheet."""
        self._require_open_round()
        self.read_application(expert_id, app_id)
        self._require_open_sheet(expert_id)
        key = OVERALL
        if criterion_key:
            criterion = self.panel.criterion(criterion_key)
            if criterion is None or criterion.source != "expert":
                raise DomainError("review.unknown_criterion", criterion=criterion_key)
            key = criterion.key
        comment = text.strip()
        if len(comment) > MAX_COMMENT:
            raise DomainError("justify.too_long", max=MAX_COMMENT)
        old = self.state.justifications.get((expert_id, app_id, self.round, key), "")
        if old == comment:
            return []
        actor = ev.SECRETARY if by_secretary else ev.expert_actor(expert_id)
        return [self.event(ev.JUSTIFIED, actor, expert=expert_id, application=app_id,
                            round=self.round, criterion=key, text=comment)]

    def _require_justified(self, expert_id: str) -> None:
        missing = self.missing_justifications(expert_id)
        if missing:
            raise DomainError("justify.missing", **self.describe_missing(missing))
