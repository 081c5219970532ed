"""Exact arithmetic for scores: Fractions inside, 2-decimal half-up strings outside.

PRODUCT.md "Scoring semantics": aggregates are computed and compared exactly and only shown
rounded, so two applications that differ in the third decimal are never reported as tied.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

HALF = Decimal("0.5")


def is_half_step(value: Decimal) -> bool:
    return (value * 2) == (value * 2).to_integral_value()


def aggregate(totals: Sequence[Fraction], method: str, trim_min: int) -> Fraction:
    """``mean``, or ``trimmed_mean``: drop one highest and one lowest when >= trim_min count."""
    values = sorted(totals)
    if method == "trimmed_mean" and len(values) >= trim_min and len(values) > 2:
        values = values[1:-1]
    return Fraction(sum(values, Fraction(0)), len(values))


def show(value: Fraction | None) -> str | None:
    """Round half up to 2 decimals (values are never negative)."""
    if value is None:
        return None
    hundredths = value * 100
    sign = -1 if hundredths < 0 else 1
    scaled = abs(hundredths)
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    whole *= sign
    text = f"{abs(whole) // 100}.{abs(whole) % 100:02d}"
    return f"-{text}" if whole < 0 else text


def to_fraction(value: Decimal) -> Fraction:
    return Fraction(value)
