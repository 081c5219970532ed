"""Messages of the io branch: materials read on demand, a terminal losing its database."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "bundle.material_unreadable": (
        "（这份材料现在无法读取：{reason}）",
        "(This material cannot be read now: {reason})",
    ),
}
