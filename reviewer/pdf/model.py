"""Presentation model of the results PDF and the paper score sheets.

Everything here is already decided and formatted by the review engine (scores as 2-decimal
strings, ranks as ints, verdicts as flags): the PDF layer only lays it out and never scores,
so what the supervision group reads is exactly what the engine computed (第十二条 实名打分,
第十八条 监督组).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RecusalKind = Literal["automatic", "declared", "listed"]
Basis = Literal["direct", "scored"]

# Cell markers in the per-expert score columns (the engine chooses which applies).
RECUSED = "回避"
ABSTAINED = "弃权"
NO_SCORE = "—"
# Marks on a total the trimmed mean left out (截取平均：去掉一个最高分和一个最低分).
DROPPED_HIGH = "▲"
DROPPED_LOW = "▼"


@dataclass(frozen=True)
class TierInfo:
    name: str  # 一等奖, 技术状元, 20–30万 ...
    limit: str  # "≤5", "第1名", "20–30万元"


@dataclass(frozen=True)
class TrackInfo:
    name: str  # 技术创新成果; the measure's name when it has a single track
    cap: str  # "≤20"
    tiers: tuple[TierInfo, ...] = ()


@dataclass(frozen=True)
class CoverInfo:
    measure_name: str  # 云岭工匠
    policy_title: str  # 云岭工匠选树管理办法
    session_title: str
    year: int
    cap: str  # overall cap as the policy states it, e.g. "每年不超过20名（第三条）"
    tracks: tuple[TrackInfo, ...]
    date: str  # date of the document, already formatted
    secretary: str
    session_id: str
    organisation: str = "云南省总工会"
    budget: str = ""  # funding measures: "总预算 300万元，已分配 280万元"


@dataclass(frozen=True)
class CommitteeRow:
    name: str
    title: str  # 职称/职务, e.g. 高级工程师
    unit: str
    groups: tuple[str, ...]
    ack_time: str  # time of the 保密承诺 (第十九条), "" if none recorded
    on_paper: bool = False
    role: str = ""  # 组长 / 成员 ...


@dataclass(frozen=True)
class RecusalRow:
    expert: str
    app_id: str
    app_name: str
    reason: str  # the ground as the panel names it: 本人 / 直系亲属 / 同一单位 ...
    kind: RecusalKind  # who recorded it: 系统检测 / 专家申报 / 秘书登记
    lifted_by: str = ""
    lifted_reason: str = ""
    detail: str = ""  # what was typed, without a repeat of the ground's name
    round: str = ""  # the round in progress when it was declared ("" for the sealed lists)
    when: str = ""  # Beijing time of the declaration ("" for the sealed lists)
    opened: bool = False  # the expert had entered scores for it before recusing


@dataclass(frozen=True)
class JustificationRow:
    """An expert's written reason for a score (评分理由), for the 监督组."""

    app_id: str
    app_name: str
    expert: str
    round: str
    criterion: str  # the criterion's name, or 总分 for the application as a whole
    score: str  # the criterion score, or the expert's total
    comment: str


@dataclass(frozen=True)
class OverrideRow:
    """A submitted sheet the secretary replaced by a paper import (issue 9)."""

    expert: str
    round: str
    app_id: str
    old_total: str  # "—" when the expert had no score for it
    new_total: str
    submitted: str  # how and when the replaced sheet had been submitted
    by: str
    when: str
    reason: str


@dataclass(frozen=True)
class AppendixRow:
    app_id: str
    expert: str
    values: tuple[str, ...]  # one per criterion
    total: str
    mark: str = ""  # DROPPED_HIGH / DROPPED_LOW / ""


@dataclass(frozen=True)
class AppendixTable:
    title: str  # group and round
    criteria: tuple[str, ...]  # "工艺专长（≤25）"
    rows: tuple[AppendixRow, ...]


@dataclass(frozen=True)
class RoundRow:
    rank: int | None  # None: not ranked (short of quorum, or direct)
    app_id: str
    name: str
    unit: str
    totals: tuple[str, ...]  # one per expert of the table: "87.50", RECUSED, ABSTAINED, NO_SCORE
    aggregate: str  # "" when not ranked
    quorum_ok: bool
    selected: bool  # nominated (professional round) / on the final list (comprehensive)


@dataclass(frozen=True)
class RoundTable:
    title: str  # group name, e.g. 第一专业组（机械制造）
    experts: tuple[str, ...]  # real names, in column order
    rows: tuple[RoundRow, ...]
    note: str = ""  # e.g. "按第十二条提名前3名；截取平均分"
    cut_after: int | None = None  # draw the cap/nomination line below this many rows


@dataclass(frozen=True)
class Lineage:
    group: str
    rank: int | None
    aggregate: str


@dataclass(frozen=True)
class FinalRow:
    position: int  # place on the list within its track
    track: str
    tier: str
    app_id: str
    name: str
    unit: str
    score: str  # "" for direct recognitions
    basis: Basis
    lineage: Lineage | None = None
    amount: str = ""  # funding measures only, e.g. "25万元"
    basis_note: str = ""  # e.g. "第六条 直接认定"


@dataclass(frozen=True)
class CapLine:
    track: str
    cap: int | None  # None: the document sets no count (补助资金: the budget bounds the list)
    filled: int
    after_position: int | None  # last position above the line; None: list empty


@dataclass(frozen=True)
class IneligibleRow:
    app_id: str
    name: str
    reason: str  # includes the article, e.g. "往届已命名（第三条 不重复命名）"


@dataclass(frozen=True)
class TieRow:
    app_ids: tuple[str, ...]
    order: tuple[str, ...]
    reason: str
    by: str
    when: str


@dataclass(frozen=True)
class DisqualificationRow:
    app_id: str
    reason: str
    name: str = ""
    when: str = ""


@dataclass(frozen=True)
class ExpertStat:
    name: str
    count: int
    mean: str
    sd: str
    totals: tuple[float, ...]  # every counted total, for the distribution chart
    group: str = ""


@dataclass(frozen=True)
class OutlierRow:
    expert: str
    app_id: str
    app_name: str
    total: str
    others_mean: str
    group: str = ""


@dataclass(frozen=True)
class ConcordanceRow:
    group: str
    kendall_w: str  # "0.81" or "—" when undefined
    experts: int = 0
    applications: int = 0


@dataclass(frozen=True)
class Stats:
    experts: tuple[ExpertStat, ...]
    outliers: tuple[OutlierRow, ...] = ()
    concordance: tuple[ConcordanceRow, ...] = ()
    score_max: float = 100.0  # right end of the chart axis
    outlier_rule: str = ""  # how outliers were flagged, shown above the list


@dataclass(frozen=True)
class Integrity:
    bundle_sha256: str
    audit_events: int
    chain_head: str
    software_version: str
    # the committee was drawn (``reviewer draw``): seed, pool hash, draw record hash
    draw: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Citations:
    """Every article and document title the PDF prints, from the measure's panel file (so a
    成果奖 report never cites 云岭工匠's articles)."""

    policy: str = ""  # the document's full title, e.g. 云岭工匠选树管理办法
    confidentiality_term: str = "保密承诺"  # the panel's own word for what members sign
    confidentiality_article: str = ""
    recusal_article: str = ""
    disqualification_allowed: bool = False
    disqualification_text: str = ""
    disqualification_article: str = ""
    vacancy_not_refilled: bool = False
    same_unit_practice: bool = False
    two_rounds: bool = True
    first_round: str = ""  # the panel's name of its first round, with its article
    first_round_article: str = ""


@dataclass(frozen=True)
class TieBreakRow:
    """An order the tie-break chain decided (no secretary involved)."""

    round: str
    aggregate: str
    order: tuple[str, ...]
    rules: str  # e.g. "具有第七条所列荣誉称号者优先（第七条）"
    articles: str  # e.g. "第七条"


@dataclass(frozen=True)
class Signatory:
    """One line of the committee's signature page (issue 13)."""

    name: str
    title: str
    unit: str
    role: str  # 组员 / 评审专家 ...
    refused: str = ""  # the written reason when the member refused to sign
    refused_when: str = ""


@dataclass(frozen=True)
class SignatureGroup:
    title: str  # the group's name, e.g. 第一专业组（机械制造）
    members: tuple[Signatory, ...]


@dataclass(frozen=True)
class DissentRow:
    """A member's written dissent on a round's result (不同意见), in their name."""

    expert: str
    round: str  # the panel's name of the round
    text: str
    when: str  # Beijing time
    on_paper: bool = False  # given on paper, recorded by the secretary


@dataclass(frozen=True)
class RefusalRow:
    expert: str
    reason: str
    when: str
    on_paper: bool = False


@dataclass(frozen=True)
class ReportData:
    cover: CoverInfo
    committee: tuple[CommitteeRow, ...]
    recusals: tuple[RecusalRow, ...]
    groups: tuple[RoundTable, ...]
    comprehensive: RoundTable | None
    final: tuple[FinalRow, ...]
    cap_lines: tuple[CapLine, ...]
    ineligible: tuple[IneligibleRow, ...]
    ties: tuple[TieRow, ...]
    disqualifications: tuple[DisqualificationRow, ...]
    stats: Stats
    integrity: Integrity
    has_funding: bool = False
    overrides: tuple[OverrideRow, ...] = ()
    appendix: tuple[AppendixTable, ...] = ()
    trimmed: bool = False  # the aggregate is a trimmed mean: explain the ▲/▼ marks
    supervision_lines: int = 3  # blank signature lines for the 监督组
    warnings: tuple[str, ...] = ()  # engine warnings to print on the cover (already rendered)
    citations: Citations = Citations()
    tie_breaks: tuple[TieBreakRow, ...] = ()
    # 评分理由: the rule in force ("" when off) and every comment, by application and expert
    justify_note: str = ""
    justifications: tuple[JustificationRow, ...] = ()
    signatures: tuple[SignatureGroup, ...] = ()  # the 评审委员会签字页, group by group
    dissents: tuple[DissentRow, ...] = ()
    refusals: tuple[RefusalRow, ...] = ()


@dataclass(frozen=True)
class Criterion:
    name: str
    max: str  # "30" or "25.5"


@dataclass(frozen=True)
class SheetApplication:
    app_id: str
    name: str
    unit: str


@dataclass(frozen=True)
class ScoreSheetData:
    expert_name: str
    expert_id: str
    group: str
    round_label: str  # 专业组评审 / 综合组评审
    criteria: tuple[Criterion, ...]
    applications: tuple[SheetApplication, ...]
    session_id: str = ""
    measure_name: str = ""
    session_title: str = ""
    step: str = "0.5"  # scores are 0..max in steps of this
    # the case requires 评分理由: a 理由 column and the rule in a note ("" when off)
    justify_note: str = ""
    citations: Citations = Citations()


@dataclass(frozen=True)
class FilledRow:
    """One application on an expert's filled sheet. A recused one carries no content."""

    app_id: str
    name: str  # "" when recused (the expert never saw it)
    unit: str
    values: tuple[str, ...]  # one per criterion, NO_SCORE where none
    total: str  # "87.5", or RECUSED / ABSTAINED
    mark: str = ""  # RECUSED / ABSTAINED / ""


@dataclass(frozen=True)
class FilledSheetData:
    """An expert's submitted score sheet, printed for their signature (实名打分)."""

    expert_name: str
    expert_id: str
    group: str
    round_label: str
    criteria: tuple[Criterion, ...]
    rows: tuple[FilledRow, ...]
    submitted: str  # Beijing time of the submission
    on_paper: bool  # submitted by a paper import
    pledge: str  # the panel's own undertaking sentence, with its article
    printed: str  # Beijing time of printing
    round_key: str = ""
    session_id: str = ""
    measure_name: str = ""
    session_title: str = ""
    scored: int = 0
    recused: int = 0
    abstained: int = 0
