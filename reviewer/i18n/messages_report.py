"""Messages of the results PDF and its output: atomic output, strict score values, unreadable tables,
overrides of submitted sheets and the recusal table of the results PDF."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "pdf.file.unwritable": ("无法写入 {path}：{problem}", "Cannot write {path}: {problem}"),
    "review.score_not_plain": (
        "{criterion}：“{value}”不是规范的分数写法，未作任何改动：只接受阿拉伯数字和至多一个小数点（如 18 或 18.5），不接受正负号、指数、下划线、空格或其他数字",
        "{criterion_en}: {value!r} is not a plain score and was not changed: only digits with at most one decimal point (such as 18 or 18.5); no sign, exponent, underscore, space or other digits"),
    "casefolder.xlsx_not_zip": (
        "不是 Excel 工作簿（.xlsx 文件实为 zip 压缩包，此文件不是）：请在 Excel/WPS 中打开并另存为 .xlsx，或另存为 CSV",
        "is not an Excel workbook (an .xlsx file is a zip archive; this one is not): open it in Excel/WPS and save it as .xlsx again, or save it as CSV"),
    "casefolder.xlsx_damaged": (
        "Excel 工作簿已损坏，无法读取（{detail}）：请在 Excel/WPS 中打开并另存为 .xlsx，或另存为 CSV",
        "the Excel workbook is damaged and cannot be read ({detail}): open it in Excel/WPS and save it as .xlsx again, or save it as CSV"),
    "casefolder.xlsx_no_sheet": (
        "Excel 工作簿中没有工作表",
        "the Excel workbook holds no worksheet"),
    # results PDF: times, recusals, overrides, appendix
    "pdf.cover.times": ("报告中的时间均为北京时间（UTC+08:00）。", "Times in this report are Beijing time (UTC+08:00)."),
    "pdf.col.recusal_ground": ("回避事由", "Ground"),
    "pdf.col.recorded_by": ("登记方式", "Recorded by"),
    "pdf.col.round_time": ("轮次 / 时间", "Round / time"),
    "pdf.col.remark": ("备注", "Remark"),
    "pdf.recusal.source.automatic": ("系统检测", "detected"),
    "pdf.recusal.source.declared": ("专家申报", "declared by the expert"),
    "pdf.recusal.source.listed": ("秘书登记", "recorded by the secretary"),
    "pdf.recusal.sealed": ("封存时已确定", "fixed when sealed"),
    "pdf.recusal.opened": ("回避前已录入评分（已查阅材料）", "recused after entering scores (had the materials open)"),
    "pdf.recusal.note_edges": (
        "登记方式：系统检测（专家即申报人或同一单位）、专家申报、秘书登记（封存名单或代专家登记）。“回避前已录入评分”指该专家在申明回避之前已为该申报录入过分数，即已查阅过材料；其分数不计入排名。",
        "Recorded by: detected (the expert is the applicant or in the same unit), declared by the expert, or recorded by the secretary (sealed list or on the expert's behalf). \"Recused after entering scores\" means the expert had entered a score for it, so had read the materials, before recusing; those scores do not count."),
    "pdf.h.overrides": ("评分表替换记录", "Replaced score sheets"),
    "pdf.override.none": ("无：没有已提交的评分表被替换。", "None: no submitted score sheet was replaced."),
    "pdf.override.note": (
        "评审秘书以纸质评分表导入（scores import --replace）替换了专家已提交的评分表。下列为被替换的评分表、原提交方式与时间、每项申报替换前后的专家总分及替换理由，供监督组核查。",
        "The secretary replaced score sheets the experts had already submitted with a paper import (scores import --replace). Listed for the supervision group: the sheet, how and when it had been submitted, each application's total before and after, and the reason."),
    "pdf.override.source.terminal": ("专家终端提交（口令确认）", "submitted by the expert at the terminal (PIN)"),
    "pdf.override.source.paper": ("纸质评分表导入", "imported from a paper sheet"),
    "pdf.col.round": ("轮次", "Round"),
    "pdf.col.old_total": ("原总分", "Old total"),
    "pdf.col.new_total": ("新总分", "New total"),
    "pdf.col.submitted": ("原提交", "Submitted"),
    "pdf.col.replaced_by": ("替换人 / 时间", "Replaced by / when"),
    "pdf.h.appendix": ("附录：各专家分项评分", "Appendix: each expert's criterion scores"),
    "pdf.appendix.note": ("每位专家计入排名的评分表，按评分标准逐项列出（实名打分）。回避、弃权及未计入的评分表不列。",
                          "Every score sheet that counts, criterion by criterion, under the expert's real name. Recused, abstained and uncounted sheets are not listed."),
    "pdf.appendix.marks": ("截取平均：每项申报去掉一个最高总分（{high}）和一个最低总分（{low}）后取平均；同分时标记其中一个。",
                           "Trimmed mean: each application's highest ({high}) and lowest ({low}) total are left out before averaging; of equal totals one is marked."),
    "pdf.round.trim_marks": ("；{high}／{low} 为截取平均去掉的最高分／最低分", "; {high}/{low}: highest/lowest total left out by the trimmed mean"),
    "pdf.col.expert_total": ("专家总分", "Total"),
    "pdf.col.trim": ("截取", "Trim"),
    "pdf.appendix.high": ("去掉（最高）", "dropped (highest)"),
    "pdf.appendix.low": ("去掉（最低）", "dropped (lowest)"),
    "pdf.appendix.counted": ("计入", "counted"),
}
