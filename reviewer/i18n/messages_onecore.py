"""Messages of the use-case layer and of the rules moved into the core (branch onecore)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "review.declaration_required": (
        "专家 {expert} 尚未对申报 {application} 作回避申明，不能评分",
        "Expert {expert} has not declared on {application} (conflict of interest) and may not score it yet",
    ),
}
