"""How domain values read on screen: statuses, 回避 kinds and reasons, in the user's language."""

from __future__ import annotations

from reviewer.domain.panel import Panel
from reviewer.domain.recusal import Conflict
from reviewer.i18n import get_locale, t
from reviewer.tui import flow


def named(name: str, name_en: str) -> str:
    return name_en if get_locale() == "en" and name_en else name


def kind_name(panel: Panel, kind: str) -> str:
    for reason in panel.recusal_reasons:
        if reason.key == kind:
            return named(reason.name, reason.name_en)
    return kind


def status_name(status: str) -> str:
    """未评 / 草稿 / 已评 / 回避 / 弃权."""
    return t(f"tui.status.{status}")


def conflict_text(panel: Panel, conflict: Conflict) -> str:
    reason = kind_name(panel, conflict.kind)
    return f"{reason}：{conflict.reason}" if conflict.reason else reason


def declaration_text(panel: Panel, declaration: flow.Declaration) -> str:
    if declaration.status == flow.PENDING:
        return t("tui.declare.pending")
    if declaration.status == flow.CLEAR:
        return t("tui.declare.clear")
    assert declaration.conflict is not None
    key = "tui.declare.locked" if declaration.status == flow.RECUSED_LOCKED else "tui.declare.recused"
    return t(key, reason=conflict_text(panel, declaration.conflict))
