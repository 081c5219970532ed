"""Terminal messages added by the tui2 branch (issue 10 follow-ups): tie-break explanations,
boundary flags in the 排名 tab, the secretary's PIN unlock, filters and the read-only sheet."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "tui2.tie.line": ("同分处理：{order}（均为 {aggregate} 分），依{rules}",
                      "Tie-break: {order} (all {aggregate}), by {rules}"),
    "tui2.tie.rule": ("{label}（{article}）", "{label} ({article})"),
    "tui2.tie.sep": ("；", "; "),
    "tui2.tie.flag.priority": ("荣誉称号优先", "honour-title priority"),
    "tui2.tie.flag.collective_honour": ("集体荣誉优先", "collective-honour priority"),
    "tui2.tie.criterion": ("“{criterion}”得分高者优先", "higher {criterion} score first"),
    "tui2.tie.none": ("没有待处理的同分，也没有按同分规则排定的顺序",
                      "No unresolved ties and no order decided by a tie-break rule"),
    "tui2.tie.decided_only": ("没有待处理的同分。按同分规则排定：{lines}",
                              "No unresolved ties. Decided by tie-break rules: {lines}"),
    "review.pin_not_locked": ("专家 {expert}（{id}）的口令未被锁定", "The PIN of {expert} ({id}) is not locked"),
    "cli.unlock_pin_help": ("解除专家口令锁定（须说明理由，记入审计）",
                            "lift an expert's PIN lockout (with a reason, audited)"),
    "cli.unlock_pin_done": ("已解除专家 {expert} 的口令锁定", "Unlocked expert {expert}'s PIN"),
    "tui2.pin_short": ("口令须为至少 6 位数字；未核对，不计入错误次数",
                       "A PIN has at least 6 digits; not checked, not counted as a failure"),
    "tui2.rank.boundary_tie": ("同分跨提名线，一并提名", "tied across the line, all nominated"),
    "tui2.rank.over_places": ("提名线处同分：提名 {count} 个，名额 {places} 个",
                              "Tie at the nomination line: {count} nominated for {places} places"),
    "tui2.rank.below_min": ("低于最低分 {min}", "below the minimum score {min}"),
    "tui2.rank.outside": ("── 不参加本组排名 ──", "── not ranked in this group ──"),
    "tui2.rank.ineligible": ("不予评审：{reason}（{article}）", "excluded: {reason} ({article})"),
    "tui2.rank.no_cap": ("不限（以资金总额为准）", "none (the budget decides)"),
}
