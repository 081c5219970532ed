"""Rounds and results decisions: closing a round, ties, removals, amounts, the export record.

Each decision carries the article of the panel's own document it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewer.domain import events as ev
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.masking import UNMASK_COMMANDS
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL
from reviewer.domain.review_core import ReviewCore


class Rounds(ReviewCore):
    """The secretary's round and results commands."""

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
            self._refuse_if_decided(order)
            listed = " | ".join(",".join(g) for g in ties) or "-"
            raise DomainError("review.no_such_tie", ids=",".join(order), ties=listed)
        return [self.event(ev.TIE_RESOLVED, ev.SECRETARY, order=list(order),
                            reason=reason.strip(), round=self.round)]

    def _refuse_if_decided(self, order: Sequence[str]) -> None:
        """A tie decided already (another terminal's vote got there first) is named as such:
        the second order is not recorded over the first."""
        for earlier in self.state.resolutions:
            if set(earlier.order) == set(order) and earlier.round == self.round:
                raise DomainError("review.tie_already_resolved", order=",".join(earlier.order),
                                  at=str(earlier.at))

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

    def require_no_export_since(self, exports_seen: int) -> None:
        """Refuse an export whose results were taken when the chain held ``exports_seen``
        exports, if another terminal has recorded one since: two terminals exporting at once
        issue one signed record of the results, not two (issue 14, "Many terminals"). A
        later export, taken after the first was recorded, is a new copy and goes ahead."""
        if len(self.state.exports) != exports_seen:
            latest = self.state.exports[-1] if self.state.exports else {}
            raise DomainError("review.export_concurrent", at=str(latest.get("at", "")))

    def record_export(self, file_sha256: str, pages: int,
                      exports_seen: int | None = None) -> list[Event]:
        if exports_seen is not None:
            self.require_no_export_since(exports_seen)
        return [self.event(ev.EXPORTED, ev.SECRETARY, file_sha256=file_sha256, pages=pages)]

    def record_unmask(self, command: str) -> list[Event]:
        """An operator's ``--unmask``: full ID and phone numbers in an output (audited)."""
        if command not in UNMASK_COMMANDS:
            raise DomainError("review.unknown_command", command=command)
        return [self.event(ev.UNMASKED, ev.SECRETARY, command=command)]
