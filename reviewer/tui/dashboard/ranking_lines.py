"""The rankings as lines to draw, with the nomination line, the cap line and tiers drawn in.

Pure: from ``results(review)`` (plus the sealed case and panel for names and caps) to rows,
so what the secretary sees is exactly what the results PDF is built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reviewer.domain.case import Case
from reviewer.domain.panel import Panel
from reviewer.i18n import get_locale, t
from reviewer.i18n.catalog import MESSAGES as CATALOGUE
from reviewer.tui.labels import named

FINAL = "__final__"


@dataclass(frozen=True)
class Line:
    """An application row, or a drawn line (``rule`` set) between rows."""

    rank: str = ""
    application: str = ""
    name: str = ""
    score: str = ""
    counted: str = ""
    outcome: str = ""
    rule: str = ""
    style: str = ""


def group_lines(rows: list[dict[str, Any]], names: dict[str, str], min_experts: int, *,
                places: int | None = None, min_score: Decimal | None = None) -> list[Line]:
    """A professional group's table; a line under the last nominee. With ``places`` (the
    group's nomination quota) a tie carried across the boundary is flagged (more nominated
    than places, ranking.py nominates all tied); with ``min_score`` a row below it is."""
    lines: list[Line] = []
    nominated_seen = False
    drawn = False
    nominated = [row for row in rows if row["nominated"]]
    over = places is not None and len(nominated) > places
    boundary = nominated[-1]["aggregate"] if over else None
    for row in rows:
        if nominated_seen and not row["nominated"] and not drawn:
            lines += _nomination_line(len(nominated), places if over else None)
            drawn = True
        nominated_seen = nominated_seen or row["nominated"]
        outcome = t("tui.rank.nominated") if row["nominated"] else ""
        style = "green" if row["nominated"] else ""
        if row["nominated"] and boundary is not None and row["aggregate"] == boundary:
            outcome, style = t("tui2.rank.boundary_tie"), "bold yellow"
        if not row["quorum"]:
            outcome = t("tui.rank.short", counted=row["counted"], needed=min_experts)
        elif (min_score is not None and row["aggregate"]
              and Decimal(row["aggregate"]) < min_score):
            outcome, style = t("tui2.rank.below_min", min=min_score), "dim"
        lines.append(Line(str(row["rank"] or "—"), row["id"], names.get(row["id"], ""),
                          row["aggregate"] or "—", str(row["counted"]), outcome, style=style))
    if nominated_seen and not drawn:
        lines += _nomination_line(len(nominated), places if over else None)
    return lines


def _nomination_line(count: int, places: int | None) -> list[Line]:
    lines = [Line(rule=t("tui.rank.nomination_line"), style="bold yellow")]
    if places is not None:
        lines.append(Line(rule=t("tui2.rank.over_places", count=count, places=places),
                          style="bold yellow"))
    return lines


def outside_lines(data: dict[str, Any], case: Case, group: str | None,
                  names: dict[str, str]) -> list[Line]:
    """Applications of ``group`` (all, for None) that are in no ranking: recognised directly
    or ineligible/excluded, each with its reason and article (issue 10 minor)."""
    def in_group(app_id: str) -> bool:
        app = case.application(app_id)
        return app is not None and (group is None or app.group == group)

    lines: list[Line] = []
    for app_id in data["direct"]:
        if in_group(app_id):
            lines.append(Line("—", app_id, names.get(app_id, ""), "—", "",
                              t("tui.rank.direct"), style="cyan"))
    for item in data["ineligible"]:
        if in_group(item["id"]):
            reason = t("tui2.rank.ineligible", reason=t(f"ineligible.{item['reason']}"),
                       article=item["article"])
            lines.append(Line("—", item["id"], names.get(item["id"], ""), "—", "", reason,
                              style="strike"))
    if lines:
        lines.insert(0, Line(rule=t("tui2.rank.outside"), style="bold"))
    return lines


def cap_text(cap: int | None) -> str:
    """A cap as shown: a measure without a number (职工创新项目补助: the budget decides)."""
    return str(cap) if cap is not None else t("tui2.rank.no_cap")


def final_lines(data: dict[str, Any], case: Case, panel: Panel,
                names: dict[str, str]) -> list[Line]:
    """The comprehensive ranking per track: finalists by tier, then the cap line, then the rest."""
    comp = {row["id"]: row for row in data["comprehensive"]}
    final = data["final"]
    tied = {i for group in data["unresolved_ties"] for i in group}
    disqualified = set(data["disqualified"])
    lines: list[Line] = []
    for track in panel.tracks:
        in_track = [f for f in final if f["track"] == track.key]
        tiers = {tier.key: tier for tier in track.tiers}
        if len(panel.tracks) > 1:
            lines.append(Line(rule=t("tui.rank.track", track=named(track.name, track.name_en),
                                     cap=cap_text(track.cap)), style="bold"))
        current_tier: str | None = None
        for finalist in sorted(in_track, key=lambda f: f["position"]):
            if finalist["tier"] and finalist["tier"] != current_tier:
                current_tier = finalist["tier"]
                tier = tiers.get(current_tier)
                label = named(tier.name, tier.name_en) if tier else current_tier
                lines.append(Line(rule=t("tui.rank.tier", tier=label,
                                         cap=cap_text(tier.cap) if tier else "?"),
                                  style="bold cyan"))
            basis = t("tui.rank.direct") if finalist["basis"] == "direct" else ""
            lines.append(Line(str(finalist["rank"] or "—"), finalist["id"],
                              names.get(finalist["id"], ""), finalist["score"] or "—",
                              str(comp.get(finalist["id"], {}).get("counted", "")),
                              basis or t("tui.rank.finalist"), style="green"))
        lines.append(Line(rule=t("tui.rank.cap_line", used=len(in_track),
                                 cap=cap_text(track.cap)), style="bold red"))
        chosen = {f["id"] for f in in_track}
        for row in data["comprehensive"]:
            app = case.application(row["id"])
            if row["id"] in chosen or app is None or app.track != track.key:
                continue
            outcome = ""
            style = "dim"
            if row["id"] in tied:
                outcome, style = t("tui.rank.tie"), "bold yellow"
            elif row["id"] in disqualified:
                outcome, style = t("tui.rank.disqualified"), "strike"
            elif not row["quorum"]:
                outcome = t("tui.rank.short", counted=row["counted"],
                            needed=case.rules.min_experts)
            lines.append(Line(str(row["rank"] or "—"), row["id"], names.get(row["id"], ""),
                              row["aggregate"] or "—", str(row["counted"]), outcome, style=style))
    return lines


def _rule_label(rule: dict[str, Any], panel: Panel) -> str:
    """A tie-break rule in the user's words: the panel's own note (Chinese), else a label."""
    if rule["rule"] == "criterion":
        criterion = panel.criterion(rule["criterion"] or "")
        label = t("tui2.tie.criterion", criterion=named(criterion.name, criterion.name_en)
                  if criterion else rule["criterion"])
    else:
        flag = rule["rule"].split(":", 1)[-1]
        key = f"tui2.tie.flag.{flag}"
        label = t(key) if key in CATALOGUE else flag
    if rule.get("note") and get_locale() != "en":
        label = rule["note"]
    return t("tui2.tie.rule", label=label, article=rule["article"])


def tie_break_texts(data: dict[str, Any], panel: Panel, choice: str | None = None) -> list[str]:
    """Every order the panel's tie-break chain decided (issue 10 major 3), as the CLI prints it:
    which applications, at which aggregate, by which rule and article. ``choice`` narrows to one
    professional group, or (``FINAL``) to the comprehensive/one-step ordering."""
    groups = set(data["professional"])
    texts = []
    for decided in data.get("tie_breaks", []):
        in_group = decided["group"] in groups and panel.has_comprehensive
        if choice is not None and ((choice == FINAL and in_group)
                                   or (choice != FINAL and decided["group"] != choice)):
            continue
        rules = t("tui2.tie.sep").join(_rule_label(r, panel) for r in decided["rules"])
        texts.append(t("tui2.tie.line", order=" > ".join(decided["order"]),
                       aggregate=decided["aggregate"], rules=rules))
    return texts
