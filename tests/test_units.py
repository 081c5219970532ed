"""Unit names written different ways are one unit for same-unit recusal (第十九条) and the
one-application-per-unit limit (职工创新项目补助 第十四条)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reviewer.domain.units import normalise_unit

ALIASES = [("云南铜业集团", "云南铜业(集团)有限公司")]


def test_bracket_widths_and_spaces_do_not_matter() -> None:
    assert normalise_unit("云南铜业（集团）有限公司") == normalise_unit("云南铜业(集团)有限公司")
    assert normalise_unit(" 云南铜业 （集团） 有限公司 ") == normalise_unit("云南铜业(集团)有限公司")
    assert normalise_unit("ＡＢＣ 示例公司") == normalise_unit("abc示例公司")  # full-width letters
    assert normalise_unit("示例电力有限公司。") == normalise_unit("示例电力有限公司")


def test_the_text_inside_brackets_still_counts() -> None:
    assert normalise_unit("示例（集团）有限公司") != normalise_unit("示例有限公司")
    assert normalise_unit("云南铜业集团有限公司") != normalise_unit("云南铝业集团有限公司")


def test_aliases_map_short_names_to_the_unit() -> None:
    full = normalise_unit("云南铜业（集团）有限公司", ALIASES)
    assert normalise_unit("云南铜业集团", ALIASES) == full
    assert normalise_unit(" 云南铜业 集团 ", ALIASES) == full  # the alias itself is folded too
    assert normalise_unit("云南铜业集团") != full  # without the alias they differ


CJK = st.text(alphabet=st.sampled_from("云南铜业集团有限公司示例电力第二发电厂"), min_size=1,
              max_size=12)


@given(CJK, CJK, st.sampled_from([("(", ")"), ("（", "）"), ("【", "】")]))
def test_any_bracket_style_and_spacing_folds_the_same(head: str, inner: str,
                                                      brackets: tuple[str, str]) -> None:
    plain = normalise_unit(f"{head}({inner})")
    assert normalise_unit(f" {head} {brackets[0]}{inner}{brackets[1]} ") == plain
    assert normalise_unit(f"{head}{inner}") == plain
