"""Messages of the real-name sheets, the signature page, dissent and refusal to sign (issue 13)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # -- domain refusals --------------------------------------------------------------------
    "dissent.bad_source": ("未知的记录方式：{source}（terminal 或 paper）",
                           "Unknown way of recording: {source} (terminal or paper)"),
    "dissent.unknown_round": ("本评审办法没有轮次“{round}”",
                              "This measure has no round \"{round}\""),
    "dissent.not_member": ("专家 {expert} 不是该轮评审组的成员，不能就其结果提出不同意见",
                           "Expert {expert} is not a member of that round's groups and cannot "
                           "dissent on its result"),
    "dissent.round_open": ("该轮评审尚未结束：结果产生（本轮关闭）后方可记录不同意见",
                           "That round is still open: a dissent is recorded once its result "
                           "exists (after the round is closed)"),
    "dissent.text_required": ("不同意见须写明内容", "A dissent must be written out"),
    "dissent.text_too_long": ("内容过长（{length} 字，最多 {limit} 字）",
                              "Too long ({length} characters, at most {limit})"),
    "dissent.already_recorded": ("专家 {expert} 已就该轮结果记录过不同意见",
                                 "Expert {expert} has already recorded a dissent on that round"),
    "dissent.refusal_before_close": ("评审结束后方可记录拒绝签字",
                                     "A refusal to sign is recorded once the review is closed"),
    "dissent.reason_required": ("拒绝签字须书面说明理由",
                                "A refusal to sign needs a written reason"),
    "dissent.already_refused": ("专家 {expert} 的拒绝签字已记录",
                                "Expert {expert}'s refusal to sign is already recorded"),
}
