"""Messages of the io branch: materials read on demand, a terminal losing its database."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "bundle.material_unreadable": (
        "（这份材料现在无法读取：{reason}）",
        "(This material cannot be read now: {reason})",
    ),
    "tui.connection.title": ("数据库连接已断开", "Database connection lost"),
    "tui.connection.lost": (
        "{reason}\n已输入的分数保留在表单中，服务器恢复后自动保存；在此之前请勿关闭本终端。",
        "{reason}\nThe scores typed stay in the form and are saved as soon as the server is "
        "back; keep this terminal open until then."),
    "tui.connection.kept": (
        "尚未保存（数据库连接已断开）：已保留，恢复后自动保存",
        "Not saved yet (database connection lost): kept, saved when it is back"),
    "tui.connection.back": (
        "数据库连接已恢复，保留的分数正在保存",
        "The database connection is back; the kept scores are being saved"),
}
