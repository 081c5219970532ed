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
    # -- CLI --------------------------------------------------------------------------------
    "cli.dissent_help": ("记录评审委员对某轮结果的书面不同意见（纸面提交，秘书录入）",
                         "Record a member's written dissent on a round's result (given on "
                         "paper, entered by the secretary)"),
    "cli.dissent_description": (
        "记录评审委员对某轮评审结果的书面不同意见，署名记入审计链，并打印在结果报告的签字页旁。"
        "仅该轮评审组成员可提出，且须在该轮结束（结果产生）之后；每人每轮一次。",
        "Record a committee member's written dissent on a round's result, in their name, in the "
        "audit chain and beside the results PDF's signature page. Only a member of that round's "
        "groups, once the round is closed (its result exists); once per member and round."),
    "cli.arg_dissent_round": ("轮次：professional/专业组、comprehensive/综合组，或办法中的轮次名称",
                              "Round: professional/专业组, comprehensive/综合组, or the "
                              "measure's name for it"),
    "cli.arg_dissent_text": ("不同意见全文", "The dissent's full text"),
    "cli.arg_dissent_text_file": ("从 UTF-8 文本文件读取不同意见", "Read the dissent from a UTF-8 text file"),
    "cli.dissent_one_text": ("请给出 --text 或 --text-file 之一", "Give one of --text or --text-file"),
    "cli.dissent_file_unreadable": ("无法读取文本文件 {path}（须为 UTF-8）",
                                    "Cannot read the text file {path} (it must be UTF-8)"),
    "cli.dissent_done": ("已记录 {expert} 对 {round} 结果的不同意见",
                         "Recorded {expert}'s dissent on the {round} result"),
    "cli.refuse_sign_help": ("记录评审委员拒绝签字及其书面理由",
                             "Record a member's refusal to sign, with the written reason"),
    "cli.refuse_sign_description": (
        "记录评审委员拒绝在评审委员会签字页上签字。须书面说明理由；签字页在该委员处显示“拒绝签字”"
        "及理由。评审结束后方可记录。",
        "Record that a committee member refuses to sign the committee's signature page. A "
        "written reason is required; the signature page shows \"refused to sign\" and the reason "
        "in place of their line. Only once the review is closed."),
    "cli.arg_refuse_reason": ("拒绝签字的书面理由（必填）", "The written reason (required)"),
    "cli.refuse_sign_done": ("已记录 {expert} 拒绝签字及其理由",
                             "Recorded {expert}'s refusal to sign and the reason"),
    # -- the signature page and the audit entries (the PDF is zh_CN) ---------------------
    "pdf.sits.sign_title": ("评审委员会签字页", "Review committee signature page"),
    "pdf.sits.refused": ("拒绝签字。理由：{reason}（{when}）", "Refused to sign. Reason: {reason} ({when})"),
    "pdf.sits.staff_title": ("评审秘书及监督组", "Secretary and supervision group"),
    "pdf.sits.dissent_title": ("不同意见", "Dissents"),
    "pdf.sits.no_dissent": ("无评审委员记录不同意见。", "No member recorded a dissent."),
    "pdf.sits.col_round": ("轮次", "Round"),
    "pdf.sits.col_dissent": ("不同意见", "Dissent"),
    "pdf.sits.col_when": ("记录时间", "Recorded"),
    "pdf.sits.col_kind": ("事项", "Entry"),
    "pdf.sits.col_how": ("记录方式", "How"),
    "pdf.sits.on_paper": ("（纸面）", " (on paper)"),
    "pdf.sits.audit_title": ("审计记录：不同意见与拒绝签字", "Audit entries: dissents and refusals to sign"),
    "pdf.sits.audit_none": ("审计链中无不同意见或拒绝签字记录。", "The audit chain records no dissent or refusal to sign."),
    "pdf.sits.kind_dissent": ("不同意见", "Dissent"),
    "pdf.sits.kind_refusal": ("拒绝签字", "Refusal to sign"),
    "pdf.sits.by_paper": ("纸面提交，秘书录入", "On paper, entered by the secretary"),
    "pdf.sits.by_terminal": ("本人在评审终端录入", "Entered by the member at the terminal"),
    "pdf.sits.role_member": ("评审委员", "Committee member"),
    # -- the filled score sheet -------------------------------------------------------------
    "pdf.sits.pledge_quote": ("本人承诺：{text}（《{policy}》{article}）",
                              "I undertake: {text} ({policy}, {article})"),
    "pdf.sits.filled_title": ("{measure}评分表（{round}）·实名打分", "{measure} score sheet ({round}), by real name"),
    "pdf.sits.filled_facts": ("评审专家：{expert}（{expert_id}）　　评审组：{group}　　会话编号：{session}",
                              "Expert: {expert} ({expert_id})    Group: {group}    Session: {session}"),
    "pdf.sits.filled_submitted": ("本评分表于 {when} {how}提交，以下为评审系统记录的全部评分；“回避”者不显示申报内容。",
                                  "This sheet was submitted {how}at {when}; below is every score the system recorded. A recused application shows no content."),
    "pdf.sits.how_terminal": ("在评审终端", "at the terminal "),
    "pdf.sits.how_paper": ("以纸质评分表导入", "by a paper sheet import "),
    "pdf.sits.filled_counts": ("共 {all} 项：已评分 {scored} 项，回避 {recused} 项，弃权 {abstained} 项。",
                               "{all} applications: {scored} scored, {recused} recused, {abstained} abstained."),
    "pdf.sits.printed": ("打印时间：{when}", "Printed: {when}"),
    "pdf.sits.filled_doc_title": ("专家评分表（签字用）", "Expert score sheets (for signature)"),
    "pdf.sits.filled_none": ("没有已提交的评分表。", "No submitted score sheets."),
    # -- services / CLI for the filled sheets ----------------------------------------------
    "sheets.not_submitted": ("专家 {expert} 尚未提交{round}评分表：提交后方可打印其实名评分表",
                             "Expert {expert} has not submitted the {round} sheet: the filled "
                             "sheet is printed after submission"),
    "sheets.none_submitted": ("还没有已提交的评分表", "No sheet has been submitted yet"),
    "cli.arg_filled": ("打印已提交的评分表（含各项得分、回避/弃权、合计、承诺语及签字栏），供专家实名签字",
                       "Print submitted sheets filled in (scores, recusals/abstentions, totals, "
                       "the pledge, signature and date lines) for the experts to sign"),
    "cli.arg_sheet_round": ("与 --filled 同用：轮次（默认每位专家最近提交的一轮）",
                            "With --filled: the round (default: each expert's latest submitted)"),
    "cli.arg_output_dir_or_pdf": ("输出 PDF 文件；与 --filled 同用时也可为已存在的文件夹（每份评分表一个文件）",
                                  "Output PDF; with --filled also an existing folder (one file per sheet)"),
    "cli.filled_done": ("已打印 {sheets} 份已提交评分表（{pages} 页）：{paths}",
                        "Printed {sheets} submitted sheet(s) ({pages} pages): {paths}"),
    "cli.round_needs_filled": ("--round 只能与 --filled 同用", "--round goes with --filled only"),
    # -- the terminal ------------------------------------------------------------------------
    "tui.key.print_sheet": ("打印本人评分表", "Print my sheet"),
    "tui.key.print_sheet.tip": ("将本人已提交的评分表（实名打分）打印为 PDF，供签字",
                                "Print my submitted sheet (by real name) as a PDF to sign"),
    "tui.key.dissent": ("不同意见", "Dissent"),
    "tui.key.dissent.tip": ("就已结束轮次的评审结果书面记录本人的不同意见",
                            "Record my written dissent on a closed round's result"),
    "tui.sits.offer": ("按 P 打印本人评分表（实名打分，供签字）；某轮结束后按 D 记录不同意见；按 esc 退出登录。",
                       "Press P to print my sheet (by real name, to sign); once a round has "
                       "closed, D records a dissent; esc logs out."),
    "tui.sits.printing": ("正在生成评分表…", "Printing the sheet…"),
    "tui.sits.printed": ("本人评分表已保存：{path}", "My sheet was saved: {path}"),
    "tui.sits.no_dissent_round": ("目前没有可提出不同意见的轮次：须为本人所在评审组、该轮已结束且尚未记录过",
                                  "No round to dissent on now: it must be a round of your group, "
                                  "closed, with no dissent of yours recorded yet"),
    "tui.sits.dissent_title": ("不同意见 · {name}", "Dissent · {name}"),
    "tui.sits.dissent_note": ("选择轮次并写明您对该轮评审结果的不同意见；将署名记入审计记录并打印在签字页旁，提交后不能修改。",
                              "Choose the round and write your dissent on its result; it is "
                              "recorded in your name in the audit trail and printed beside the "
                              "signature page, and cannot be changed afterwards."),
    "tui.sits.dissent_ok": ("记录不同意见", "Record dissent"),
    "tui.sits.dissent_done": ("您的不同意见已记录", "Your dissent was recorded"),
    "tui.sits.after_round": ("您所在的评审轮次已结束，本轮无需您评分。", "Your round is over; nothing to score in this one."),
}
