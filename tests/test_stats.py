"""What the supervision group reads (第十八条): per-expert habits, outlier sheets, Kendall's W.

Every figure below is computed by hand in the comments, following the rules documented at the
top of reviewer/domain/stats.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.domain.results import results
from reviewer.domain.review import Review
from reviewer.domain.stats import is_outlier, kendalls_w
from tests.builders import Clock, ack, app, expert, make_case, run, score_all


def session(sheets: Mapping[str, Mapping[str, object]], groups: dict[str, str],
            units: dict[str, str] | None = None) -> Review:
    """One 云岭工匠 session: ``groups`` maps each expert to their professional group."""
    apps = sorted({a for totals in sheets.values() for a in totals})
    app_group = {a: groups[e] for e, totals in sheets.items() for a in totals}
    units = units or {}
    case, panel = make_case(
        "yunling-craftsman",
        [app(a, app_group[a], unit=units.get(a)) for a in apps],
        [expert(e, [g], unit=units.get(e)) for e, g in sorted(groups.items())],
    )
    review = Review(case, panel, clock=Clock())
    for expert_id, totals in sheets.items():
        ack(review, expert_id)
        score_all(review, expert_id, totals)  # type: ignore[arg-type]
    return review


def professional_stats(review: Review) -> dict[str, Any]:
    return results(review).to_json()["stats"]["professional"]  # type: ignore[no-any-return]


def test_per_expert_count_mean_and_sample_sd() -> None:
    review = session(
        {
            "E1": {"A1": 90, "A2": 80, "A3": 70},
            "E2": {"A1": 85, "A2": 80, "A3": 80},
            "E3": {"A1": 60, "A2": 61, "A3": 62},
            "F1": {"B1": "75.5"},
        },
        {"E1": "g1", "E2": "g1", "E3": "g1", "F1": "g2"},
    )
    experts = professional_stats(review)["experts"]
    # E1: mean 80; sample variance (100 + 0 + 100) / 2 = 100 → sd 10
    assert experts["E1"] == {"count": 3, "mean": "80.00", "sd": "10.00",
                             "totals": ["70.00", "80.00", "90.00"]}
    # E2: mean 245/3 = 81.666… → 81.67; deviations 10/3, -5/3, -5/3 → squares 150/9 → /2 = 25/3
    #     sd = √8.333… = 2.8867… → 2.89
    assert (experts["E2"]["count"], experts["E2"]["mean"], experts["E2"]["sd"]) == (3, "81.67", "2.89")
    # E3: mean 61; variance (1 + 0 + 1) / 2 = 1 → sd 1
    assert (experts["E3"]["mean"], experts["E3"]["sd"]) == ("61.00", "1.00")
    # F1 scored a single application (short of quorum, still part of their habits): no sd
    assert experts["F1"] == {"count": 1, "mean": "75.50", "sd": None, "totals": ["75.50"]}


def test_recused_and_unsubmitted_sheets_are_not_in_the_expert_figures() -> None:
    review = session(
        {"E1": {"A1": 90, "A2": 80}, "E2": {"A1": 70}, "E3": {"A1": 60, "A2": 50}},
        {"E1": "g1", "E2": "g1", "E3": "g1", "E4": "g1"},
        units={"A2": "云南冶金集团", "E2": "云南冶金集团"},  # E2 recused from A2
    )
    ack(review, "E4")  # E4 scores A1 but never submits
    for criterion in review.panel.expert_criteria:
        run(review, review.set_score("E4", "A1", criterion.key, "1"))
    experts = professional_stats(review)["experts"]
    assert {e: v["count"] for e, v in experts.items()} == {"E1": 2, "E2": 1, "E3": 2}
    assert experts["E3"]["mean"] == "55.00"


def test_outlier_sheets_more_than_two_sd_from_the_other_experts() -> None:
    review = session(
        {
            # A1: E4 60 against the others 80, 81, 79 (mean 80, sd 1): |60 - 80| = 20 > 2 → outlier
            #     E1 80 against 81, 79, 60 (mean 73.33…, sd √134.33… = 11.59): 6.67 < 23.18 → not
            "E1": {"A1": 80, "A2": 80, "A3": 80},
            "E2": {"A1": 81, "A2": 80, "A3": 80},
            "E3": {"A1": 79, "A2": 80, "A3": 80},
            # A2: 81 against 80, 80, 80: sd 0 is floored at 0.5, |1| > 2 × 0.5 is false → not
            # A3: 81.5 against 80, 80, 80: |1.5| > 1 → outlier
            "E4": {"A1": 60, "A2": 81, "A3": "81.5"},
        },
        {"E1": "g1", "E2": "g1", "E3": "g1", "E4": "g1"},
    )
    outliers = professional_stats(review)["outliers"]
    assert outliers == [
        {"expert": "E4", "application": "A1", "group": "g1", "total": "60.00",
         "others_mean": "80.00", "others_sd": "1.00"},
        {"expert": "E4", "application": "A3", "group": "g1", "total": "81.50",
         "others_mean": "80.00", "others_sd": "0.00"},
    ]


def test_no_outlier_with_fewer_than_two_other_sheets() -> None:
    # A1 has two sheets (10 and 100): one other expert is no basis for a deviation
    review = session({"E1": {"A1": 10}, "E2": {"A1": 100}}, {"E1": "g1", "E2": "g1"})
    assert professional_stats(review)["outliers"] == []


def test_kendalls_w_is_one_for_identical_rankings() -> None:
    review = session(
        {
            "E1": {"A1": 90, "A2": 80, "A3": 70, "A4": 60},
            "E2": {"A1": 95, "A2": 85, "A3": 75, "A4": 65},  # other figures, same order
            "E3": {"A1": 70, "A2": 69, "A3": 68, "A4": 10},
        },
        {"E1": "g1", "E2": "g1", "E3": "g1"},
    )
    assert professional_stats(review)["kendalls_w"] == {"g1": "1.00"}


def test_kendalls_w_textbook_example() -> None:
    # m = 3 experts, n = 4 applications, ranks (1 = best):
    #        A1 A2 A3 A4
    #   E1    1  2  3  4
    #   E2    1  3  2  4
    #   E3    2  1  3  4
    # rank sums R = 4, 6, 8, 12; mean m(n+1)/2 = 7.5; S = 3.5² + 1.5² + 0.5² + 4.5² = 35
    # W = 12 S / (m² (n³ - n)) = 420 / (9 × 60) = 7/9 = 0.777… → "0.78"
    sheets = {
        "E1": {"A1": 90, "A2": 80, "A3": 70, "A4": 60},
        "E2": {"A1": 90, "A2": 70, "A3": 80, "A4": 60},
        "E3": {"A1": 80, "A2": 90, "A3": 70, "A4": 60},
    }
    review = session(sheets, {"E1": "g1", "E2": "g1", "E3": "g1"})
    assert professional_stats(review)["kendalls_w"] == {"g1": "0.78"}
    exact = {e: {a: Fraction(t) for a, t in totals.items()} for e, totals in sheets.items()}
    assert kendalls_w(exact) == Fraction(7, 9)


def test_kendalls_w_with_tied_ranks_and_complete_disagreement() -> None:
    # m = 2, n = 3: E1 ranks A, B, C as 1, 2, 3; E2 ties A and B → 1.5, 1.5, 3
    # R = 2.5, 3.5, 6; mean 4; S = 2.25 + 0.25 + 4 = 6.5; ties T = 2³ - 2 = 6
    # W = 12 S / (m² (n³ - n) - m T) = 78 / (96 - 12) = 13/14
    tied = {"E1": {"A": Fraction(3), "B": Fraction(2), "C": Fraction(1)},
            "E2": {"A": Fraction(3), "B": Fraction(3), "C": Fraction(1)}}
    assert kendalls_w(tied) == Fraction(13, 14)
    # two experts in exactly reverse order: every rank sum is 4 = the mean → S = 0 → W = 0
    reverse = {"E1": {"A": Fraction(3), "B": Fraction(2), "C": Fraction(1)},
               "E2": {"A": Fraction(1), "B": Fraction(2), "C": Fraction(3)}}
    assert kendalls_w(reverse) == 0


def test_kendalls_w_uses_only_applications_every_counted_expert_scored() -> None:
    # E2 shares A3's unit (recused), so W is over A1 and A2 only:
    # ranks E1 (1, 2), E2 (2, 1), E3 (1, 2); R = 4, 5; mean 4.5; S = 0.5
    # W = 12 × 0.5 / (9 × (8 - 2)) = 6/54 = 1/9 → "0.11"
    review = session(
        {"E1": {"A1": 90, "A2": 80, "A3": 10}, "E2": {"A1": 80, "A2": 90},
         "E3": {"A1": 90, "A2": 80, "A3": 99}},
        {"E1": "g1", "E2": "g1", "E3": "g1"},
        units={"A3": "昆明机床厂", "E2": "昆明机床厂"},
    )
    assert professional_stats(review)["kendalls_w"] == {"g1": "0.11"}


def test_kendalls_w_is_none_with_fewer_than_two_experts() -> None:
    review = session({"E1": {"A1": 90, "A2": 80}}, {"E1": "g1", "E2": "g1", "E3": "g1"})
    assert professional_stats(review)["kendalls_w"] == {"g1": None}
    assert kendalls_w({"E1": {"A": Fraction(1), "B": Fraction(2)}}) is None
    assert kendalls_w({}) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=3, max_size=8))
def test_outlier_rule_matches_its_definition(doubled: list[int]) -> None:
    """The fast integer check agrees with the documented rule computed with fractions."""
    totals = [Fraction(d, 2) for d in doubled]
    for index, total in enumerate(totals):
        others = totals[:index] + totals[index + 1:]
        mean = sum(others, Fraction(0)) / len(others)
        variance = sum(((t - mean) ** 2 for t in others), Fraction(0)) / (len(others) - 1)
        expected = (total - mean) ** 2 > 4 * max(variance, Fraction(1, 4))
        rest = doubled[:index] + doubled[index + 1:]
        fast = is_outlier(doubled[index], sum(rest), sum(d * d for d in rest), len(rest))
        assert fast == expected, (total, others)
