"""Messages of the edges work: atomic output, strict score values, unreadable tables,
overrides of submitted sheets and the recusal table of the results PDF."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "pdf.file.unwritable": ("无法写入 {path}：{problem}", "Cannot write {path}: {problem}"),
}
