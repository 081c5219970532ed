"""A score is read exactly as written, or refused naming the value (issues 9 and 10).

On the landed main "2_0" read as 20, "1e1" as 10, "-0" was stored, Arabic-Indic digits were
accepted and "2，5" became 25. Only plain decimals in 0.5 steps are read; full-width digits
and the full-width full stop are the one documented normalisation.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.domain.errors import DomainError
from reviewer.domain.review import Review
from reviewer.i18n import set_locale
from tests.test_review_rules import yunling

CRITERION = "craft_expertise"  # 工艺专长, 0..25
PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
WIDE = str.maketrans("0123456789.", "０１２３４５６７８９．")


@pytest.fixture(scope="module")
def review() -> Review:
    return yunling()


def maximum(review: Review) -> Decimal:
    return review.points[CRITERION]


@pytest.mark.parametrize("text", [
    "2_0", "1e1", "1E1", "-0", "-5", "+3", "2，5", "2,5", "2 0", "٢٠", "۲۰", "२०", "১০",
    "１e１", "0x10", "NaN", "Infinity", "inf", ".5", "5.", "1..5", "1.5.0", "１８。５", "18%",
    "二十", "⑳", "²", "20\u200b", "1\u00a05",
])
def test_anything_but_a_plain_decimal_is_refused_naming_the_value(review: Review,
                                                                  text: str) -> None:
    for lang in ("zh", "en"):
        set_locale(lang)
        with pytest.raises(DomainError) as caught:
            review.parse_value(CRITERION, text)
        shown = caught.value.render()  # English quotes with repr: invisible characters show
        assert text.strip() in shown or repr(text.strip()) in shown
    set_locale(None)


@pytest.mark.parametrize(("text", "value"), [
    ("0", "0"), ("20", "20"), ("18.5", "18.5"), ("07.50", "7.5"), (" 12 ", "12"),
    ("１８", "18"), ("１８．５", "18.5"), ("\u3000２０\u3000", "20"), ("25", "25"),
])
def test_plain_and_full_width_values_read_as_they_mean(review: Review, text: str,
                                                       value: str) -> None:
    assert review.parse_value(CRITERION, text) == Decimal(value)


halves = st.integers(min_value=0, max_value=50).map(lambda n: Decimal(n) / 2)


@settings(max_examples=150, deadline=None)
@given(value=halves, zeros=st.integers(0, 2), trailing=st.integers(0, 2))
def test_every_plain_half_step_in_range_is_accepted_in_ascii_and_full_width(
        review: Review, value: Decimal, zeros: int, trailing: int) -> None:
    text = "0" * zeros + format(value, "f")
    if trailing:
        text += ("" if "." in text else ".") + "0" * trailing
    assert review.parse_value(CRITERION, text) == value
    assert review.parse_value(CRITERION, text.translate(WIDE)) == value


@settings(max_examples=600, deadline=None)
@given(text=st.one_of(
    st.text(max_size=8),
    st.text(alphabet="0123456789._-+eE ，,０１２３４５６７８９．٢۲२", max_size=8),
))
def test_an_accepted_value_is_exactly_what_was_written(review: Review, text: str) -> None:
    """Whatever is accepted is a plain decimal (after the full-width mapping) and means that
    number: nothing is read loosely, and nothing out of range or off-step gets through."""
    try:
        value = review.parse_value(CRITERION, text)
    except DomainError as exc:
        assert exc.code.startswith("review.score_")
        return
    if value is None:
        assert not text.strip()
        return
    written = text.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    assert PLAIN.fullmatch(written), text
    assert value == Decimal(written)
    assert 0 <= value <= maximum(review) and (value * 2) == (value * 2).to_integral_value()
    assert not value.is_signed()
