"""Messages of the use-case layer (reviewer/services) and of the rules it asks the core for."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "review.declaration_required": (
        "专家 {expert} 尚未对申报 {application} 作回避申明，不能评分",
        "Expert {expert} has not declared on {application} (conflict of interest) and may not score it yet",
    ),
}
MESSAGES.update({
    "service.file_unreadable": ("无法读取文件：{path}", "Cannot read the file: {path}"),
    "service.export_stale": (
        "导出期间评审结果已变化，未保存该文件；请重新导出",
        "The results changed during the export; the file was not kept. Export again",
    ),
    "cli.arg_kind_required": (
        "回避类型（必填）：self 本人申报、relative 直系亲属、interest 利害关系、same_unit 同单位、other 其他（中文名称亦可）",
        "conflict type (required): self, relative, interest, same_unit, other (or the panel's Chinese name)",
    ),
    "tui.dash.import_replace_reason": (
        "更正理由（仅替换已提交的评分表时填写）",
        "Reason for the correction (only to replace sheets already submitted)",
    ),
})
