"""Exact arithmetic for scores: Fractions inside, 2-decimal half-up strings outside.

PRODUCT.md "Scoring semantics": aggregates are computed and compared exactly and only shown
rounded, so two applications that differ in the third decimal are never reported as tied.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from math import lcm

HALF = Decimal("0.5")


def is_half_step(value: Decimal) -> bool:
    return (value * 2) == (value * 2).to_integral_value()


def aggregate(totals: Sequence[Fraction], method: str, trim_min: int) -> Fraction:
    """``mean``, or ``trimmed_mean``: drop one highest and one lowest when >= trim_min count."""
    # in integers over one common denominator (half points: 1 or 2): the same rationals,
    # compared and added without a Fraction operation (and its gcd) per step
    common = lcm(*(v.denominator for v in totals))
    values = [v.numerator * (common // v.denominator) for v in totals]
    total, count = sum(values), len(values)
    if method == "trimmed_mean" and count >= trim_min and count > 2:
        total, count = total - min(values) - max(values), count - 2
    return Fraction(total, common * count)


def show(value: Fraction | None) -> str | None:
    """Round half up to 2 decimals (values are never negative)."""
    if value is None:
        return None
    # in integers: floor(|n|·100/d + 1/2), the same rational as rounding |value·100| half up,
    # without building three Fractions per figure (results show tens of thousands of them)
    numerator, denominator = value.numerator, value.denominator
    whole = (abs(numerator) * 200 + denominator) // (denominator * 2)
    text = f"{whole // 100}.{whole % 100:02d}"
    return f"-{text}" if numerator < 0 and whole else text


def to_fraction(value: Decimal) -> Fraction:
    return Fraction(value)
