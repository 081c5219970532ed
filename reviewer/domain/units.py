"""Unit-name normalisation for same-unit recusal (第十九条).

Units are written many ways in real spreadsheets: full-width vs half-width characters,
brackets around 集团, stray spaces. ``normalise_unit`` folds those so that
云南铜业（集团）有限公司 == 云南铜业(集团)有限公司, then maps aliases from unit_aliases.csv.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_DROP = re.compile(r"[\s()\[\]{}<>（）【】〔〕《》「」『』\"'“”‘’·.,，。、;；:：]")


def _fold(unit: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", unit)).lower()


def normalise_unit(unit: str, aliases: Iterable[tuple[str, str]] = ()) -> str:
    folded = _fold(unit)
    for alias, canonical in aliases:
        if folded == _fold(alias):
            return _fold(canonical)
    return folded
