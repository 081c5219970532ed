"""Masking 身份证号 and phone numbers in every output (issue 13, "Privacy in outputs").

One function for every front-end and document: an ID number keeps its first 4 and last 4
characters (``5399**********1234``), a mobile number its first 3 and last 4 (``138****5678``).
Free text (reasons people typed, materials, comments) is searched for both, so a number an
applicant or an expert wrote into a text is masked as well as the id_number field itself.
The full number is shown only where an operator asks with ``--unmask``, which is audited
(``events.UNMASKED``: who, which command, when).
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from fractions import Fraction
from operator import is_
from typing import Any

# the commands whose ``--unmask`` is audited (the replay validator accepts only these)
UNMASK_COMMANDS = ("results", "export")

# 18 characters (17 digits and a digit or X) or the old 15 digits, not inside a longer run of
# letters and digits (a hash or a longer number is not an ID number)
_ID = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
# a mainland mobile number, optionally written 3-4-4 with hyphens or spaces
_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9A-Za-z])")

_THREE_DIGITS = re.compile(r"[0-9]{3}")
_SHORTEST = 11  # len("13812345678")
# what holds no text: returned as it is before any other test (most of a results tree)
_ATOMS = frozenset({int, float, bool, type(None), Decimal, Fraction})
_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def mask_id_number(number: str) -> str:
    """``539999199208193221`` -> ``5399**********3221``; short values are masked whole."""
    text = number.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(number: str) -> str:
    """``13812345678`` (or ``138-1234-5678``) -> ``138****5678``."""
    digits = re.sub(r"[- ]", "", number.strip())
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_text(text: str) -> str:
    """Every ID number and mobile number inside ``text`` masked; the rest unchanged."""
    # both patterns need three digits in a row and at least 11 characters (a mobile number
    # unbroken; an ID number is 15 or 18): most strings of a results tree are short scores
    if len(text) < _SHORTEST or not _THREE_DIGITS.search(text):
        return text
    text = _ID.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def mask_value(value: Any) -> Any:
    """``value`` with every string in it masked: JSON values, and the frozen dataclasses of
    the results and the PDF model (rebuilt where something in them was masked, never changed
    in place: the rest is returned as it is, a results tree holds thousands of them). Keys
    stay as they are."""
    if type(value) in _ATOMS:
        return value
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        items = {k: mask_value(v) for k, v in value.items()}
        return value if _same(items.values(), value.values()) else items
    if isinstance(value, list | tuple):
        masked = [mask_value(v) for v in value]
        if _same(masked, value):
            return value
        return masked if isinstance(value, list) else tuple(masked)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for name in _init_fields(type(value)):
            old = getattr(value, name)
            new = mask_value(old)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def _init_fields(cls: type) -> tuple[str, ...]:
    """A dataclass's init fields, looked up once per class (a results tree holds tens of
    thousands of rows of one class, and ``fields()`` builds its tuple on every call)."""
    names = _INIT_FIELDS.get(cls)
    if names is None:
        names = _INIT_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names


def _same(masked: Any, original: Any) -> bool:
    return all(map(is_, masked, original))


def has_full_number(text: str) -> bool:
    """Whether ``text`` still shows an ID number or a mobile number in full."""
    return bool(_ID.search(text) or _PHONE.search(text))
