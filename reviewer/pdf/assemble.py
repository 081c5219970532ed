"""From a session to the presentation model of the results PDF and the paper score sheets.

The figures come from ``reviewer.domain.results`` unchanged; this module only attaches the
names, units and labels a reader needs and formats them in Chinese (the document's language
whatever the operator's locale).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reviewer import __version__
from reviewer.domain.case import Application
from reviewer.domain.exact import show
from reviewer.domain.masking import mask_value
from reviewer.domain.ranking import CLOSED, COMPREHENSIVE, PROFESSIONAL
from reviewer.domain.recusal import DECLARED, DETECTED, LISTED
from reviewer.domain.results import TableRow, results
from reviewer.domain.review import Review, stamp
from reviewer.domain.stats import OUTLIER_SDS
from reviewer.i18n import locale_override, t
from reviewer.pdf import model as m

_KIND_SOURCE: dict[str, m.RecusalKind] = {DETECTED: "automatic", DECLARED: "declared",
                                          "listed": "listed"}


def _beijing() -> tzinfo:
    """Asia/Shanghai from the tz database; a fixed UTC+08:00 where tzdata is missing (China
    has kept UTC+08:00 without daylight saving since 1991, so both agree for any session)."""
    try:
        return ZoneInfo("Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return timezone(timedelta(hours=8), "UTC+08:00")


BEIJING = _beijing()


def _when(stamp: str) -> str:
    """'2026-11-23T09:00:00Z' -> '2026-11-23 17:00 +08:00' (Beijing time, offset shown)."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(BEIJING)
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M ") + f"{offset[:3]}:{offset[3:]}"


def _strip_ground(detail: str, ground: str) -> str:
    """'直系亲属：配偶' under the ground 直系亲属 reads '配偶' (issue 10: labels doubled)."""
    text = detail.strip()
    for sep in ("：", ":", "，", ",", " "):
        if ground and text.startswith(ground + sep):
            return text[len(ground) + len(sep):].strip()
    return "" if text == ground else text


def _two(total: str | None) -> str:
    """'80' -> '80.00', as every total in the report is printed."""
    return show(Fraction(Decimal(total))) or m.NO_SCORE if total else m.NO_SCORE


def _score(value: Decimal | None) -> str:
    return m.NO_SCORE if value is None else format(value.normalize(), "f")


def _points(value: Decimal) -> str:
    """A maximum as printed on a sheet: 20 -> "20", 25.5 -> "25.5" (never "2" for 20)."""
    text = format(value.normalize(), "f")
    return text


def citations(review: Review) -> m.Citations:
    """What the PDF and the sheets cite, from the measure's own panel file."""
    panel = review.panel
    first = panel.rounds[0] if panel.rounds else None
    rule = panel.disqualification
    return m.Citations(
        policy=panel.policy, confidentiality_term=panel.confidentiality_term,
        confidentiality_article=panel.confidentiality_article,
        recusal_article=panel.recusal_article,
        disqualification_allowed=rule.allowed, disqualification_text=rule.text,
        disqualification_article=rule.article, vacancy_not_refilled=rule.vacancy_not_refilled,
        same_unit_practice=any(r.practice for r in panel.recusal_reasons),
        two_rounds=panel.has_comprehensive,
        first_round=first.name if first else "", first_round_article=first.article if first else "",
    )


def _yuan(amount: int | None) -> str:
    if amount is None:
        return ""
    # normalize, not rstrip("0"): 200000 is "20万元", never "2万元"
    return format((Decimal(amount) / 10000).normalize(), "f") + "万元"


class _Builder:
    def __init__(self, review: Review, bundle_sha256: str) -> None:
        self.review = review
        self.case = review.case
        self.panel = review.panel
        self.state = review.state
        self.bundle_sha256 = bundle_sha256
        self.results = results(review)
        self._dropped: dict[tuple[str, str], dict[str, str]] = {}

    def app(self, app_id: str) -> Application:
        found = self.case.application(app_id)
        assert found is not None
        return found

    def expert_name(self, expert_id: str) -> str:
        expert = self.case.expert(expert_id)
        return expert.name if expert else expert_id

    def group_name(self, group_id: str) -> str:
        group = self.case.group(group_id)
        return group.name if group else group_id

    # -- sections ----------------------------------------------------------------------------

    def cover(self, now: datetime) -> m.CoverInfo:
        tracks = []
        for track in self.panel.tracks:
            tiers = tuple(
                m.TierInfo(tier.name, f"{_yuan(tier.amount_min)}–{_yuan(tier.amount_max)}"
                           if tier.amount_max is not None else f"≤{tier.cap}")  # noqa: E501
                for tier in track.tiers
            )
            tracks.append(m.TrackInfo(track.name, f"≤{track.cap}" if track.cap is not None
                                      else "—", tiers))
        budget = ""
        if self.results.budget is not None:
            budget = t("pdf.assemble.budget", total=_yuan(self.results.budget.total),
                       allocated=_yuan(self.results.budget.allocated))
        return m.CoverInfo(
            measure_name=self.panel.name, policy_title=self.panel.policy,
            session_title=self.case.title, year=self.case.year,
            cap=t("pdf.assemble.cap", cap=self.panel.cap, article=self.panel.cap_article)
            if self.panel.cap is not None
            else t("pdf.assemble.no_cap", article=self.panel.cap_article),
            tracks=tuple(tracks), date=now.astimezone(BEIJING).strftime("%Y-%m-%d"),
            secretary=self.case.secretary, session_id=self.case.case_id, budget=budget,
        )

    def committee(self) -> tuple[m.CommitteeRow, ...]:
        rows = []
        for expert in self.case.experts:
            ack = self.state.acks.get(expert.id)
            title = expert.title
            if expert.qualification_note:
                title += "（" + t("pdf.qualification.note", note=expert.qualification_note) + "）"
            if expert.certificate:
                title += f"（{expert.certificate}）"
            rows.append(m.CommitteeRow(
                name=expert.name, title=title, unit=expert.unit,
                groups=tuple(self.group_name(g) for g in expert.groups),
                ack_time=_when(ack[0]) if ack else "", on_paper=bool(ack and ack[1]),
            ))
        return tuple(rows)

    def recusals(self) -> tuple[m.RecusalRow, ...]:
        names = {r.key: r.name for r in self.panel.recusal_reasons}
        rows = []
        for conflict in self.review.conflicts.all_conflicts(self.state):
            label = names.get(conflict.kind, conflict.kind)
            pair = (conflict.expert, conflict.application)
            declared = self.state.declared.get(pair)
            if declared is not None and not (
                    conflict.source == DECLARED
                    or (conflict.source == LISTED and declared.source == "secretary"
                        and declared.kind == conflict.kind)):
                declared = None  # the row shows a sealed conflict that outranks the declaration
            opened_at = self.state.first_scored.get(pair, "")
            lifted = conflict.lifted
            rows.append(m.RecusalRow(
                expert=self.expert_name(conflict.expert), app_id=conflict.application,
                app_name=self.app(conflict.application).name, reason=label,
                detail=_strip_ground(conflict.reason, label),
                kind=_KIND_SOURCE[conflict.source],
                lifted_by=t("pdf.assemble.secretary") if lifted else "",
                lifted_reason=lifted.reason if lifted else "",
                round=t(f"round.{declared.round}") if declared else "",
                when=_when(declared.at) if declared else "",
                opened=bool(declared and opened_at and opened_at <= declared.at),
            ))
        return tuple(rows)

    def overrides(self) -> tuple[m.OverrideRow, ...]:
        rows = []
        for item in self.state.overrides:
            how = t(f"pdf.override.source.{item.get('submitted_source', 'terminal')}")
            submitted = f"{how} {_when(item.get('submitted_at', ''))}".strip()
            by = (self.case.secretary or t("pdf.assemble.secretary")) \
                if item.get("by") == "secretary" else item.get("by", "")
            for total in item.get("totals", ()):
                rows.append(m.OverrideRow(
                    expert=self.expert_name(item["expert"]), round=t(f"round.{item['round']}"),
                    app_id=total["application"], old_total=_two(total.get("old")),
                    new_total=_two(total["new"]), submitted=submitted, by=by,
                    when=_when(item.get("at", "")), reason=item.get("reason", "")))
        return tuple(rows)

    def dropped(self, round_name: str, app_id: str) -> dict[str, str]:
        """Which experts' totals the trimmed mean left out for ``app_id``: one highest, one
        lowest (exact.aggregate); among equal totals the mark falls on one of them."""
        key = (round_name, app_id)
        if key not in self._dropped:
            self._dropped[key] = self._find_dropped(round_name, app_id)
        return self._dropped[key]

    def _find_dropped(self, round_name: str, app_id: str) -> dict[str, str]:
        rules = self.case.rules
        app = self.app(app_id)
        sheets = self.review.ranking.counted_values(self.state, round_name, app)
        if rules.aggregate != "trimmed_mean" or len(sheets) < rules.trim_min or len(sheets) <= 2:
            return {}
        if self.panel.scoring == "sum":
            values = {e: self.review.ranking.expert_total(v) for e, v in sheets.items()}
        else:
            weights = {c.key: Fraction(c.weight) for c in self.panel.criteria}
            keys = [c.key for c in self.panel.expert_criteria]
            values = {e: sum((weights[k] * Fraction(v[k]) for k in keys), Fraction(0))
                      for e, v in sheets.items()}
        order = sorted(values, key=lambda e: (values[e], e))  # what aggregate() sorts
        return {order[-1]: m.DROPPED_HIGH, order[0]: m.DROPPED_LOW}

    def appendix(self) -> tuple[m.AppendixTable, ...]:
        criteria = self.panel.expert_criteria
        heads = tuple(f"{c.name}（≤{self.review.points[c.key]:f}）".replace(".0）", "）")
                      for c in criteria)
        blocks: list[tuple[str, str, tuple[TableRow, ...]]] = []
        for group in self.case.professional_groups:
            blocks.append((group.name, PROFESSIONAL,
                           self.results.professional.get(group.id, ())))
        comp = self.case.comprehensive_group
        if comp is not None and self.results.comprehensive:
            blocks.append((comp.name, COMPREHENSIVE, self.results.comprehensive))
        tables = []
        for name, round_name, rows in blocks:
            out = []
            for row in rows:
                app = self.app(row.id)
                marks = self.dropped(round_name, app.id)
                sheets = self.review.ranking.counted_values(self.state, round_name, app)
                for expert_id in sorted(sheets):
                    values = sheets[expert_id]
                    out.append(m.AppendixRow(
                        app_id=app.id, expert=self.expert_name(expert_id),
                        values=tuple(_score(values.get(c.key)) for c in criteria),
                        total=show(self.review.ranking.expert_total(values)) or "",
                        mark=marks.get(expert_id, "")))
            if out:
                tables.append(m.AppendixTable(f"{name}（{t(f'round.{round_name}')}）", heads,
                                              tuple(out)))
        return tuple(tables)

    def _cell(self, expert_id: str, app_id: str, round_name: str, totals: dict[str, str],
              marks: dict[str, str] | None = None) -> str:
        if expert_id in totals:
            return totals[expert_id] + (marks or {}).get(expert_id, "")
        if self.review.conflicts.is_recused(expert_id, app_id, self.state):
            return m.RECUSED
        if (expert_id, app_id, round_name) in self.state.abstained:
            return m.ABSTAINED
        return m.NO_SCORE

    def table(self, title: str, group_id: str, round_name: str, rows: tuple[TableRow, ...],
              selected: set[str], note: str, cut_after: int | None) -> m.RoundTable:
        members = self.case.members(group_id)
        return m.RoundTable(
            title=title,
            experts=tuple(e.name for e in members),
            rows=tuple(
                m.RoundRow(
                    rank=row.rank, app_id=row.id, name=self.app(row.id).name,
                    unit=self.app(row.id).unit,
                    totals=tuple(self._cell(e.id, row.id, round_name, shown,
                                            self.dropped(round_name, row.id))
                                 for e in members),
                    aggregate=show(row.aggregate) or "", quorum_ok=row.quorum,
                    selected=row.id in selected,
                )
                for row in rows
                for shown in [{e: show(v) or "" for e, v in row.totals.items()}]
            ),
            note=note, cut_after=cut_after,
        )

    def aggregate_note(self) -> str:
        rules = self.case.rules
        method = t("pdf.assemble.trimmed", trim_min=rules.trim_min) \
            if rules.aggregate == "trimmed_mean" else t("pdf.assemble.mean")
        return t("pdf.assemble.quorum", method=method, min_experts=rules.min_experts)

    def groups(self) -> tuple[m.RoundTable, ...]:
        tables = []
        finalists = {f.id for f in self.results.final}
        for group in self.case.professional_groups:
            rows = self.results.professional.get(group.id, ())
            if self.panel.has_comprehensive:
                chosen = set(self.results.nominees.get(group.id, []))
                note = (t("pdf.assemble.nominate", count=group.nominate or 0) + "；"
                        + self.aggregate_note())
                cut = len(chosen) or None
            else:  # one step: the rows on the final list are marked, no nomination line
                chosen = {row.id for row in rows} & finalists
                note, cut = self.aggregate_note(), None
            tables.append(self.table(group.name, group.id, PROFESSIONAL, rows, chosen, note,
                                     cut))
        return tuple(tables)

    def comprehensive(self) -> m.RoundTable | None:
        group = self.case.comprehensive_group
        if group is None or not self.results.comprehensive:
            return None
        finalists = {f.id for f in self.results.final}
        return self.table(group.name, group.id, COMPREHENSIVE, self.results.comprehensive,
                          finalists, self.aggregate_note(), None)

    def final(self) -> tuple[tuple[m.FinalRow, ...], tuple[m.CapLine, ...]]:
        rows = []
        direct_article = self.panel.flags.get("direct", "")
        for item in self.results.final:
            app = self.app(item.id)
            track = self.panel.track(item.track)
            tier_name = next((x.name for x in track.tiers if x.key == item.tier), "") \
                if track else ""
            lineage = item.lineage
            rows.append(m.FinalRow(
                position=item.position, track=track.name if track else item.track,
                tier=tier_name, app_id=app.id, name=app.name, unit=app.unit,
                score=show(item.score) or "", basis="direct" if item.basis == "direct" else "scored",
                lineage=m.Lineage(self.group_name(lineage.group), lineage.rank,
                                  show(lineage.aggregate) or "") if lineage else None,
                amount=_yuan(item.amount),
                basis_note=t("pdf.assemble.direct", article=direct_article)
                if item.basis == "direct" else "",
            ))
        lines = []
        for track in self.panel.tracks:
            placed = [r.position for r in rows if r.track == track.name]
            lines.append(m.CapLine(track.name, track.cap, len(placed),
                                   max(placed) if placed else None))
        return tuple(rows), tuple(lines)

    def ineligible(self) -> tuple[m.IneligibleRow, ...]:
        return tuple(
            m.IneligibleRow(item.id, self.app(item.id).name,
                            "".join(filter(None, [t(f"ineligible.{item.reason}"),
                                                  f"：{item.detail}" if item.detail else "",
                                                  f"（{item.article}）" if item.article else "",
                                                  t("ineligible.overridable")
                                                  if item.overridable else ""])))
            for item in self.results.ineligible
        )

    def ties(self) -> tuple[m.TieRow, ...]:
        return tuple(
            m.TieRow(tuple(sorted(r.order)), tuple(r.order), r.reason,
                     t("pdf.assemble.secretary"), _when(r.at))
            for r in self.results.resolved_ties
        )

    def tie_breaks(self) -> tuple[m.TieBreakRow, ...]:
        """Orders decided by the panel's tie-break chain (e.g. 第七条 priority, higher 实操)."""
        rows = []
        for item in self.results.tie_breaks:
            spec = self.panel.round_spec(str(item.round))
            label = self.group_name(item.group) if item.group else (spec.name if spec else "")
            rules = "；".join(t("pdf.tiebreak.rule", note=r.note or r.rule,
                                article=r.article) for r in item.rules)
            articles = "、".join(dict.fromkeys(r.article for r in item.rules))
            rows.append(m.TieBreakRow(label, show(item.aggregate) or "", tuple(item.order), rules,
                                      articles))
        return tuple(rows)

    def disqualifications(self) -> tuple[m.DisqualificationRow, ...]:
        return tuple(
            m.DisqualificationRow(app_id, self.state.disqualified[app_id], self.app(app_id).name)
            for app_id in sorted(self.state.disqualified)
        )

    def stats(self) -> m.Stats:
        experts: list[m.ExpertStat] = []
        outliers: list[m.OutlierRow] = []
        concordance: list[m.ConcordanceRow] = []
        for round_name, block in self.results.stats.items():  # stats.py's JSON-shaped record
            for expert_id, row in block["experts"].items():
                groups = "、".join(self.group_name(g)
                                  for g in self.review.groups_of(expert_id, round_name))
                experts.append(m.ExpertStat(
                    name=self.expert_name(expert_id), count=row["count"], mean=row["mean"],
                    sd=row["sd"] or "—", totals=tuple(float(v) for v in row["totals"]),
                    group=groups or t(f"round.{round_name}")))
            for item in block["outliers"]:
                outliers.append(m.OutlierRow(
                    expert=self.expert_name(item["expert"]), app_id=item["application"],
                    app_name=self.app(item["application"]).name, total=item["total"],
                    others_mean=item["others_mean"], group=self.group_name(item["group"])))
            tables = (self.results.professional if round_name == PROFESSIONAL
                      else {self.case.comprehensive_group.id: self.results.comprehensive}
                      if self.case.comprehensive_group else {})
            for group_id, w in block["kendalls_w"].items():
                rows = tables.get(group_id, ())
                scorers = {e for row in rows for e in row.totals}
                concordance.append(m.ConcordanceRow(self.group_name(group_id), w or "—",
                                                    len(scorers), len(rows)))
        score_max = float(sum(self.review.points[c.key] for c in self.panel.expert_criteria))
        return m.Stats(tuple(experts), tuple(outliers), tuple(concordance), score_max,
                       t("pdf.assemble.outlier_rule", sds=OUTLIER_SDS))

    def justify_note(self) -> str:
        rule = self.review.justification_rule
        key = rule.wording("pdf.justify.intro_both", "pdf.justify.intro_low",
                           "pdf.justify.intro_outliers")
        if key is not None:
            return t(key, share=rule.share)
        return t("pdf.justify.intro_off") if self.state.justifications else ""

    def justifications(self) -> tuple[m.JustificationRow, ...]:
        """Every comment, by application, then round, expert and criterion (panel order)."""
        order = {c.key: i for i, c in enumerate(self.panel.expert_criteria)}
        rounds: dict[str, int] = {PROFESSIONAL: 0, COMPREHENSIVE: 1}
        rows = []
        for (expert_id, app_id, round_name, key), text in sorted(
                self.state.justifications.items(),
                key=lambda kv: (kv[0][1], rounds.get(kv[0][2], 2), kv[0][0],
                                order.get(kv[0][3], len(order)))):
            values = self.state.scores.get((expert_id, app_id, round_name), {})
            criterion = self.panel.criterion(key) if key else None
            if criterion is not None:
                label, score = criterion.name, _score(values.get(key))
            else:
                # a comment on the whole application (the paper sheet's 理由 column): say which
                # scores asked for it, so the 监督组 sees the low score beside its reason
                label = t("pdf.justify.overall")
                score = _score(sum(values.values(), Decimal(0)) if values else None)
                rule = self.review.justification_rule
                low = [c for c in self.panel.expert_criteria if rule.below is not None
                       and c.key in values and values[c.key] < rule.below * self.review.points[c.key]]
                if low:
                    label = t("pdf.justify.overall_low", total=label, low="、".join(
                        f"{c.name} {_score(values[c.key])}" for c in low))
            rows.append(m.JustificationRow(
                app_id=app_id, app_name=self.app(app_id).name,
                expert=self.expert_name(expert_id), round=t(f"round.{round_name}"),
                criterion=label, score=score, comment=text))
        return tuple(rows)
    # -- the signature page, dissents, refusals (issue 13) ----------------------------------

    def signatures(self) -> tuple[m.SignatureGroup, ...]:
        """Every member of each group, in the case's order, with a refusal where recorded."""
        out = []
        for group in self.case.groups:
            members = []
            for expert in self.case.experts:
                if group.id not in expert.groups:
                    continue
                refusal = self.state.refusals.get(expert.id)
                members.append(m.Signatory(
                    name=expert.name, title=expert.title, unit=expert.unit,
                    role=t("pdf.sits.role_member"),
                    refused=refusal["reason"] if refusal else "",
                    refused_when=_when(refusal["at"]) if refusal else ""))
            if members:
                out.append(m.SignatureGroup(group.name, tuple(members)))
        return tuple(out)

    def round_label(self, round_name: str) -> str:
        spec = self.panel.round_spec(round_name)
        return spec.name if spec else t(f"round.{round_name}")

    def dissents(self) -> tuple[m.DissentRow, ...]:
        return tuple(m.DissentRow(self.expert_name(d["expert"]), self.round_label(d["round"]),
                                  d["text"], _when(d["at"]), d.get("source") == "paper")
                     for d in self.state.dissents)

    def refusals(self) -> tuple[m.RefusalRow, ...]:
        return tuple(m.RefusalRow(self.expert_name(e), r["reason"], _when(r["at"]),
                                  r.get("source") == "paper")
                     for e, r in self.state.refusals.items())

    def build(self, now: datetime) -> m.ReportData:
        final, cap_lines = self.final()
        warnings = tuple(
            t(f"warning.{w['code']}", **{k: v for k, v in w.items() if k != "code"})
            for w in self.results.warnings
        )
        return m.ReportData(
            cover=self.cover(now), committee=self.committee(), recusals=self.recusals(),
            groups=self.groups(), comprehensive=self.comprehensive(), final=final,
            cap_lines=cap_lines, ineligible=self.ineligible(), ties=self.ties(),
            disqualifications=self.disqualifications(), stats=self.stats(),
            integrity=m.Integrity(self.bundle_sha256, self.state.results_events,
                                  self.state.results_head, __version__,
                                  (d.seed, d.pool_sha256, d.record_sha256)
                                  if (d := self.case.draw) is not None else None),
            has_funding=self.panel.has_funding, warnings=warnings,
            overrides=self.overrides(), appendix=self.appendix(),
            trimmed=self.case.rules.aggregate == "trimmed_mean",
            citations=citations(self.review), tie_breaks=self.tie_breaks(),
            justify_note=self.justify_note(), justifications=self.justifications(),
            signatures=self.signatures(), dissents=self.dissents(), refusals=self.refusals(),
        )


def report_data(review: Review, bundle_sha256: str, now: datetime | None = None,
                unmask: bool = False) -> m.ReportData:
    """The PDF's model; every ID and phone number in it masked unless ``unmask`` (which the
    caller records: ``Review.record_unmask``)."""
    with locale_override("zh"):
        data = _Builder(review, bundle_sha256).build(now or datetime.now(UTC))
    return data if unmask else mask_value(data)  # type: ignore[no-any-return]


def score_sheets(review: Review, expert_id: str | None = None) -> list[m.ScoreSheetData]:
    """One blank sheet per expert per round, listing only what that expert may score."""
    case, panel = review.case, review.panel
    # only the round in progress: the 综合组's nominees are not known before it opens, and a
    # one-step measure has no second round at all
    rounds = [] if review.round == CLOSED else [review.round]
    sheets = []
    cite = citations(review)
    with locale_override("zh"):
        criteria = tuple(m.Criterion(c.name, _points(review.points[c.key]))
                         for c in panel.expert_criteria)
        for expert in case.experts:
            if expert_id is not None and expert.id != expert_id:
                continue
            for round_name in rounds:
                if review.is_submitted(expert.id, round_name):
                    continue  # already submitted at the terminal (or imported): nothing to fill
                apps = [a for a in review.scope(expert.id, round_name)
                        if not review.conflicts.is_recused(expert.id, a.id, review.state)]
                if not apps:
                    continue
                groups = [case.group(g) for g in review.groups_of(expert.id, round_name)]
                spec = panel.round_spec(round_name)
                sheets.append(m.ScoreSheetData(
                    expert_name=expert.name, expert_id=expert.id,
                    group="、".join(g.name for g in groups if g),
                    round_label=spec.name if spec else t(f"round.{round_name}"), citations=cite,
                    criteria=criteria,
                    applications=tuple(m.SheetApplication(a.id, a.name, a.unit) for a in apps),
                    session_id=case.case_id, measure_name=panel.name, session_title=case.title,
                    justify_note=_sheet_justify_note(review),
                ))
    return [mask_value(s) for s in sheets]


def _sheet_justify_note(review: Review) -> str:
    """The rule as the paper sheet states it, beside its 理由 column ("" when off)."""
    rule = review.justification_rule
    key = rule.wording("pdf.sheet.justify_both", "pdf.sheet.justify_low",
                       "pdf.sheet.justify_outliers")
    return t(key, share=rule.share) if key is not None else ""


# -- filled score sheets for signature (实名打分, issue 13) ---------------------------------------

def pledge_sentence(review: Review) -> str:
    """The panel's own undertaking to score impartially by real name (the second point of its
    confidentiality text, e.g. 云岭工匠 第十九条 "二、公正评审…独立实名打分"), with the policy
    and article; the generic sentence where a panel's text has no such point."""
    panel = review.panel
    for line in panel.confidentiality_text.splitlines():
        text = line.strip()
        if text.startswith("二、"):
            return t("pdf.sits.pledge_quote", text=text.removeprefix("二、"), policy=panel.policy,
                     article=panel.confidentiality_article)
    return t("pdf.sheet.pledge", term=panel.confidentiality_term, policy=panel.policy,
             article=panel.recusal_article)


def latest_submitted_round(review: Review, expert_id: str) -> str | None:
    """The last round of the panel in which ``expert_id``'s sheet is submitted."""
    done = [r for r in review.panel.round_keys if review.is_submitted(expert_id, r)]
    return done[-1] if done else None


def filled_sheet(review: Review, expert_id: str, round_name: str,
                 now: datetime | None = None) -> m.FilledSheetData:
    """``expert_id``'s submitted sheet of ``round_name``: every application of their groups,
    each criterion, 回避 (with no content) and 弃权 marked, totals, the panel's pledge."""
    case, panel, state = review.case, review.panel, review.state
    expert = case.expert(expert_id)
    submitted = state.submitted.get((expert_id, round_name))
    assert expert is not None and submitted is not None
    with locale_override("zh"):
        criteria = tuple(m.Criterion(c.name, _points(review.points[c.key]))
                         for c in panel.expert_criteria)
        rows = []
        counts = {"scored": 0, "recused": 0, "abstained": 0}
        for app in review.scope(expert_id, round_name):
            if review.conflicts.is_recused(expert_id, app.id, state):
                rows.append(m.FilledRow(app.id, "", "", tuple("" for _ in criteria), m.RECUSED,
                                        m.RECUSED))
                counts["recused"] += 1
                continue
            key = (expert_id, app.id, round_name)
            values = state.scores.get(key, {})
            if key in state.abstained:
                rows.append(m.FilledRow(app.id, app.name, app.unit,
                                        tuple(m.NO_SCORE for _ in criteria), m.ABSTAINED,
                                        m.ABSTAINED))
                counts["abstained"] += 1
                continue
            cells = tuple(_score(values.get(c.key)) for c in panel.expert_criteria)
            total = sum(values.values(), Decimal(0))
            rows.append(m.FilledRow(app.id, app.name, app.unit, cells,
                                    _score(total) if values else m.NO_SCORE))
            counts["scored"] += 1
        groups = [case.group(g) for g in review.groups_of(expert_id, round_name)]
        spec = panel.round_spec(round_name)
        return m.FilledSheetData(
            expert_name=expert.name, expert_id=expert.id,
            group="、".join(g.name for g in groups if g),
            round_label=spec.name if spec else t(f"round.{round_name}"), criteria=criteria,
            rows=tuple(rows), submitted=_when(str(submitted["at"])),
            on_paper=submitted.get("source") == "paper", pledge=pledge_sentence(review),
            printed=_when(stamp(now or datetime.now(UTC))), round_key=round_name,
            session_id=case.case_id, measure_name=panel.name, session_title=case.title,
            **counts)
