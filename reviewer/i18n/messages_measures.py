"""Messages of the measure rules (rounds, removal, funding amounts, expert qualification)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "review.disqualify_no_article": (
        "《{policy}》未规定公示后取消资格，{measure}不能在名单上取消申报",
        "The {policy} gives no ground for removing a listed application; {measure} cannot disqualify"),
    "review.no_funding": ("{measure}没有补助等次，不设补助金额", "{measure} has no funding bands"),
    "review.amount_before_close": ("评审结束后才能录入评审委员会提出的补助金额建议",
                                   "The committee's proposed amount is recorded after the review is closed"),
    "review.amount_out_of_band": ("补助金额 {amount} 元不在{band}范围 {low}—{high} 元内（{article}）",
                                  "Amount {amount} is outside {band}, {low}–{high} yuan ({article})"),
    "results.amount_pending": ("{application} 的申请金额不在所入等次范围内，请录入评审委员会的补助金额建议（reviewer amount，{article}）",
                               "{application}: the requested amount lies outside its band; record the committee's proposed amount ({article})"),
    "warning.unfinished_admitted": ("提示：{id} 有未完成补助项目，原则上不得申报（{article}），秘书准予申报：{reason}",
                                    "Note: {id} has an unfinished project and in principle may not apply ({article}); admitted by the secretary: {reason}"),
    "ineligible.overridable": ("（原则上不得申报，可由秘书在标记中写明理由后准予申报）",
                               " (in principle excluded; the secretary may admit it with a reason in the flags)"),
    "casefolder.single_step_no_comprehensive": (
        "《{policy}》只有一轮评审（{article}），不设综合组：请删除组 {group}",
        "The {policy} has a single round ({article}) and no comprehensive group: remove the group {group}"),
    "casefolder.title_unknown": (
        "职称“{title}”不在职称对照表中，无法判定是否为副高职或技师及以上（{article}）；如确有资格，请在“资格说明”列写明理由",
        "Title '{title}' is not in the title table, so it cannot be told to be 副高/技师 or above ({article}); if qualified, give a reason in the 资格说明 column"),
    "casefolder.certificate_missing": (
        "裁判须具备相应资格（{article}：{text}）：请填写“裁判资格”列，或在“资格说明”列写明理由",
        "A judge needs the qualification of {article} ({text}): fill in the 裁判资格 column, or give a reason in 资格说明"),
    "casefolder.one_per_station": ("“{unit}”已有申报 {other}，每个“一站三室”每年只能申报1个补助项目（{article}）",
                                   "'{unit}' already applied with {other}; one project per 一站三室 a year ({article})"),
    "casefolder.expected_boolean": ("“{value}”应为 true 或 false", "'{value}' should be true or false"),
    "casefolder.band_cap_unknown": ("rules.band_cap 中的“{band}”不是本项目的补助等次（可用：{known}）",
                                    "rules.band_cap: '{band}' is not a funding band of this measure (known: {known})"),
    "casefolder.scarce_not_applicable": ("rules.scarce_occupation 只适用于有最少参赛人数规定的项目",
                                         "rules.scarce_occupation applies only to a measure with a minimum number of contestants"),
    # results PDF: orders decided by the panel's tie-break chain
    "pdf.tiebreak.row": ("{round}同分 {aggregate} 分，按{rules}排序", "{round}: equal at {aggregate}, ordered by {rules}"),
    "pdf.tiebreak.by": ("同分处理规则（{article}）", "tie-break rule ({article})"),
    "pdf.tiebreak.rule": ("{note}（{article}）", "{note} ({article})"),
    "pdf.sheet.owner": ("{round}评分表　评审专家：{expert}（{expert_id}）", "{round} sheet — expert: {expert} ({expert_id})"),
    "pdf.final.no_cap_line": ("{track}：政策未规定项目数量，以补助资金总额为限，入选 {filled} 项。",
                              "{track}: no count set by the policy, bounded by the budget; {filled} listed."),
    "pdf.assemble.no_cap": ("政策未规定数量（{article}：以补助资金总额为限）", "no count set ({article}: bounded by the budget)"),
    "pdf.h.single_round": ("三、{name}（{article}）", "3. {name} ({article})"),
    "pdf.h.result": ("四、评审结果", "4. Results"),
    "pdf.qualification.note": ("资格说明：{note}", "qualification: {note}"),
    "pdf.disq.vacancy": ("空缺名额不予补足。", "The vacancy is not refilled."),
    "pdf.disq.none": ("《{policy}》未规定公示后取消资格。", "The {policy} provides no removal after public notice."),
    "pdf.practice.same_unit": ("同单位回避为本评审委员会的工作惯例，非《{policy}》条文所列情形；秘书可说明理由后解除。",
                               "Same-unit recusal is this panel's practice, not a ground of the {policy}; the secretary may lift it with a reason."),
}
