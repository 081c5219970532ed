"""Messages of the edges work: atomic output, strict score values, unreadable tables,
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
}
