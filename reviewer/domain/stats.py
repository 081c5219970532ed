"""What the supervision group looks for (第十八条): per-expert score habits, outlier sheets
and agreement within each group (Kendall's W).

- per expert and round: count, mean and sample standard deviation of their counted totals;
- an outlier sheet: a total more than 2 standard deviations from the mean of the *other*
  experts' totals for that application (at least two others; the deviation is floored at 0.5,
  the scoring step, so three identical totals do not make a 0.5 difference an outlier);
- Kendall's W per group over the experts' rankings of the applications every counted expert
  scored, with the usual correction for tied ranks.
Figures are computed exactly and shown half-up to 2 decimals (square roots to 28 digits).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from reviewer.domain.exact import show
from reviewer.domain.ranking import COMPREHENSIVE, PROFESSIONAL, RoundTable

if TYPE_CHECKING:
    from reviewer.domain.review import Review

OUTLIER_SDS = 2
SD_FLOOR = Fraction(1, 2)


def mean(values: list[Fraction]) -> Fraction:
    return Fraction(sum(values, Fraction(0)), len(values))


def variance(values: list[Fraction]) -> Fraction | None:
    """Sample variance (n - 1)."""
    if len(values) < 2:
        return None
    m = mean(values)
    return Fraction(sum(((v - m) ** 2 for v in values), Fraction(0)), len(values) - 1)


def sqrt_text(value: Fraction | None) -> str | None:
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
        return str(root.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def kendalls_w(rankings: dict[str, dict[str, Fraction]] | dict[str, dict[str, int]]
               ) -> Fraction | None:
    """Kendall's coefficient of concordance over complete blocks; None when undefined.

    Exact in integers: with doubled ranks r2 = 2r (average ranks of ties are half-integers),
    S = sum((r - m(n+1)/2)^2) = sum((r2 - m(n+1))^2) / 4, so W = 12 S / D = 3 S4 / D."""
    experts = list(rankings)
    if len(experts) < 2:
        return None
    common = set.intersection(*(set(r) for r in rankings.values()))
    items = sorted(common)
    n, m = len(items), len(experts)
    if n < 2:
        return None
    rank_sums2 = dict.fromkeys(items, 0)
    tie_correction = 0
    for expert in experts:
        scores = rankings[expert]
        ordered = sorted(items, key=lambda i: -scores[i])
        position = 0
        while position < n:
            end = position
            while end + 1 < n and scores[ordered[end + 1]] == scores[ordered[position]]:
                end += 1
            size = end - position + 1
            average2 = position + 1 + end + 1
            for item in ordered[position:end + 1]:
                rank_sums2[item] += average2
            tie_correction += size ** 3 - size
            position = end + 1
    mean_sum2 = m * (n + 1)
    s4 = sum((r - mean_sum2) ** 2 for r in rank_sums2.values())
    denominator = m * m * (n ** 3 - n) - m * tie_correction
    if denominator == 0:
        return None
    return Fraction(3 * s4, denominator)


def _doubled(value: Fraction) -> int:
    """Totals are sums of half points: twice a total is an integer, so sums stay integers."""
    if value.denominator == 1:
        return value.numerator * 2
    if value.denominator == 2:
        return value.numerator
    return int(value * 2)  # not a half-point total (never happens for stored scores)


def _show_half(doubled: int) -> str:
    """``show(doubled / 2)`` without Fractions: a half point is exactly 50 hundredths."""
    hundredths = doubled * 50
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def is_outlier(total2: int, others_sum2: int, others_sq2: int, others: int) -> bool:
    """|x - m| > 2·max(sd, 0.5) over the other experts, in exact integer arithmetic on
    doubled totals (x2 = 2x): (n·x2 - s)²·(n-1) > 4·max(n·(n·q - s²), n²·(n-1))."""
    n, s, q = others, others_sum2, others_sq2
    lhs = (n * total2 - s) ** 2 * (n - 1)
    return lhs > OUTLIER_SDS ** 2 * max(n * (n * q - s * s), n * n * (n - 1))


def total_is_outlier(total: Fraction, others: list[Fraction]) -> bool:
    """The outlier-sheet rule above for one total against the other experts' totals (at least
    two others), for the justification rule (``reviewer.domain.justification``)."""
    if len(others) < 2:
        return False
    doubled = [_doubled(v) for v in others]
    return is_outlier(_doubled(total), sum(doubled), sum(v * v for v in doubled), len(doubled))


def _round_stats(review: Review, round_name: str, tables: list[RoundTable]) -> dict[str, Any]:
    """Everything in doubled integer totals (exact, and far cheaper than Fractions)."""
    per_expert: dict[str, list[int]] = {}
    outliers: list[dict[str, Any]] = []
    agreement: dict[str, str | None] = {}
    # the tables share one Fraction per distinct total (``Ranking.expert_total``): a few
    # hundred objects among hundreds of thousands of sheets, each doubled once, by identity
    # (sound while the tables, which hold them, are alive: throughout this call)
    doubled_of: dict[int, int] = {}
    for table in tables:
        by_expert: dict[str, dict[str, int]] = {}
        for entry in table.ranked + table.short:
            doubled = {}
            for e, v in entry.totals.items():
                x2 = doubled_of.get(id(v))
                if x2 is None:
                    x2 = doubled_of[id(v)] = _doubled(v)
                doubled[e] = x2
            total_sum = sum(doubled.values())
            total_sq = sum(v * v for v in doubled.values())
            count = len(doubled)
            for expert, x2 in doubled.items():
                per_expert.setdefault(expert, []).append(x2)
                by_expert.setdefault(expert, {})[entry.application] = x2
                if count - 1 < 2:
                    continue
                n, s2, q2 = count - 1, total_sum - x2, total_sq - x2 * x2
                if is_outlier(x2, s2, q2, n):
                    # the others' mean and sample variance from their doubled sums, exactly:
                    # mean = s2 / 2n, variance = (n·q2 - s2²) / (4n(n-1)) (n >= 2 here)
                    outliers.append({
                        "expert": expert, "application": entry.application,
                        "group": table.group, "total": _show_half(x2),
                        "others_mean": show(Fraction(s2, 2 * n)),
                        "others_sd": sqrt_text(Fraction(n * q2 - s2 * s2, 4 * n * (n - 1))),
                    })
        w = kendalls_w(by_expert)
        agreement[table.group] = None if w is None else show(w)
    experts = {}
    half_text: dict[int, str] = {}  # each distinct total's text, once
    for expert, doubled_values in sorted(per_expert.items()):
        n = len(doubled_values)
        s2 = sum(doubled_values)
        var = (Fraction(n * sum(v * v for v in doubled_values) - s2 * s2, 4 * n * (n - 1))
               if n > 1 else None)
        experts[expert] = {
            "count": n,
            "mean": show(Fraction(s2, 2 * n)),
            "sd": sqrt_text(var),
            "totals": [half_text[v] if v in half_text else half_text.setdefault(v, _show_half(v))
                       for v in sorted(doubled_values)],
        }
    outliers.sort(key=lambda o: (o["group"], o["application"], o["expert"]))
    return {"experts": experts, "outliers": outliers, "kendalls_w": agreement}


def session_stats(review: Review, professional: dict[str, RoundTable],
                  comprehensive: RoundTable | None) -> dict[str, Any]:
    stats: dict[str, Any] = {PROFESSIONAL: _round_stats(review, PROFESSIONAL, list(professional.values()))}
    if comprehensive is not None:
        stats[COMPREHENSIVE] = _round_stats(review, COMPREHENSIVE, [comprehensive])
    return stats
