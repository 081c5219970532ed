"""Messages of score justification (评分理由) and of masked ID and phone numbers."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "justify.missing": ("还有 {count} 处评分需要填写理由，评分表不能提交：{items}",
                        "{count} scores need a written reason before the sheet can be submitted: {items_en}"),
    "justify.missing_on_row": ("此行评分需要填写“理由”栏：{items}",
                               "this row's scores need the 理由 (reason) column: {items_en}"),
    "justify.too_long": ("理由过长（最多 {max} 字）", "The reason is too long (at most {max} characters)"),
    "justify.prompt": ("请填写评分理由（{what}）", "Please write the reason for this score ({what})"),
    "justify.needed_low": ("{criterion} {value} 分，低于满分的 {share}", "{criterion} {value}, below {share} of the maximum"),
    "justify.needed_outlier": ("总分 {value} 明显偏离同组其他专家", "total {value} far from the other experts"),
    "justify.field_placeholder": ("评分理由（低分或总分偏离时必填）", "Reason (required for a low or outlying score)"),
    "justify.saved": ("理由已保存", "Reason saved"),
    "justify.submit_missing_heading": ("以下评分需要填写理由：", "These scores need a written reason:"),
    "pdf.justify.heading": ("评分理由", "Score justifications"),
    "pdf.justify.intro": ("按本次评审设定，评分低于该项满分的 {share} 或专家总分明显偏离同组（见统计），评审专家须书面说明理由。以下按申报、专家列出，供监督组查阅。",
                          "Under this review's setting, a score below {share} of its criterion's maximum or a total far from the group needs a written reason. Listed by application and expert for the supervision group."),
    "pdf.justify.intro_outliers": ("按本次评审设定，专家总分明显偏离同组（见统计）时须书面说明理由。以下按申报、专家列出，供监督组查阅。",
                                   "Under this review's setting, a total far from the group needs a written reason. Listed by application and expert for the supervision group."),
    "pdf.justify.none": ("本次评审无需说明理由的评分。", "No score in this review needed a written reason."),
    "pdf.justify.col.criterion": ("评分项", "Criterion"),
    "pdf.justify.col.score": ("分数", "Score"),
    "pdf.justify.col.comment": ("理由", "Reason"),
    "pdf.justify.overall": ("总分", "Total"),
    "sheet.justify_column": ("理由", "Reason"),
    "cli.arg_unmask": ("显示完整的身份证号和电话号码（记入审计日志）",
                       "show full ID and phone numbers (recorded in the audit trail)"),
    "cli.unmasked_notice": ("注意：本输出含完整身份证号和电话号码，已记入审计日志。",
                            "Note: this output shows full ID and phone numbers; this was recorded in the audit trail."),
}
