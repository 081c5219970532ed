"""Messages of the edges work: atomic output, strict score values, unreadable tables,
overrides of submitted sheets and the recusal table of the results PDF."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "pdf.file.unwritable": ("无法写入 {path}：{problem}", "Cannot write {path}: {problem}"),
    "review.score_not_plain": (
        "{criterion}：“{value}”不是规范的分数写法，未作任何改动：只接受阿拉伯数字和至多一个小数点（如 18 或 18.5），不接受正负号、指数、下划线、空格或其他数字",
        "{criterion_en}: {value!r} is not a plain score and was not changed: only digits with at most one decimal point (such as 18 or 18.5); no sign, exponent, underscore, space or other digits"),
}
