"""CLI details from issue 10 and the catalogue's strict mode (issue 11)."""

from __future__ import annotations

import pytest

from reviewer import i18n
from reviewer.cli.main import main


@pytest.mark.parametrize("argv", [["recuse", "--help"], ["scores", "import", "--help"],
                                  ["ties", "resolve", "--help"], ["--lang", "en", "export", "-h"]])
def test_subcommand_help_says_usage_once(argv: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    first = capsys.readouterr().out.splitlines()[0]
    prefix = "usage: " if "en" in argv else "用法："
    assert first.startswith(prefix + "reviewer ")
    assert first.count(prefix.strip()) == 1
    i18n.set_locale(None)


def test_recuse_needs_a_kind(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as done:
        main(["recuse", str(tmp_path / "x.rvb"), "--expert", "E1", "--application", "A1",
              "--reason", "其他：曾共同承担项目"])
    assert done.value.code == 2
    assert "--kind" in capsys.readouterr().err


def test_recusal_kind_by_key_or_panel_name() -> None:
    from reviewer.domain.errors import DomainError
    from reviewer.services.secretary import recusal_kind
    from tests.builders import make_case

    _, panel = make_case("yunling-craftsman", [], [])
    assert recusal_kind(panel, "other") == "other"
    assert recusal_kind(panel, "直系亲属") == "relative"
    with pytest.raises(DomainError) as err:
        recusal_kind(panel, "亲戚")
    assert err.value.code == "review.bad_conflict_kind"


def test_a_formatting_error_raises_under_tests_and_never_reaches_users(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(i18n.MessageFormatError):
        i18n.t("review.declaration_required", expert="E1")  # application missing
    monkeypatch.setenv(i18n.STRICT_ENV, "0")  # as users run it
    assert i18n.t("review.declaration_required", expert="E1").startswith("专家 {expert}")


def _dumped(value: object) -> str:
    import io
    import json

    expected = io.StringIO()
    json.dump(value, expected, ensure_ascii=False, sort_keys=True, indent=1)
    return expected.getvalue() + "\n"


def test_results_json_written_in_batches_is_the_json_dump_text() -> None:
    """``results --json`` is streamed in batches of pieces; across every batch boundary the
    text is exactly ``json.dump``'s (what the golden files and scripts reading it expect)."""
    import io

    from reviewer.cli import json_text

    value = {"professional": {f"g{i}": [{"id": f"A{j}", "totals": {"E1": "9.50"}, "名": "张",
                                         "rank": j, "tied": [], "nominated": j < 3}
                                        for j in range(40)] for i in range(60)}, "empty": []}
    writes: list[str] = []

    class Recorded(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return super().write(text)

    written = Recorded()
    json_text.write_indented(value, written)
    assert len(writes) > 2  # more than one batch boundary was crossed
    assert written.getvalue() == _dumped(value)


def _json_values() -> object:
    from hypothesis import strategies as st

    from reviewer.domain.panel import Round

    scalars = (st.none() | st.booleans() | st.integers() | st.text(max_size=6)
               | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(list(Round)))
    keys = st.text(max_size=4) | st.integers(-3, 3) | st.booleans()
    names = st.text(max_size=4) | st.sampled_from(list(Round))  # the results' keys: str, StrEnum
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.tuples(inner, inner)
                        | st.dictionaries(names, inner, max_size=4)
                        | st.dictionaries(keys, inner, max_size=3), max_leaves=30)


def test_the_fast_indented_json_is_json_dump_for_any_json_value() -> None:
    """Nested and flat containers, empty ones, tuples, floats (NaN too), non-string keys and
    control or CJK characters: the text is ``json.dump``'s, or the same error."""
    import io

    from hypothesis import example, given, settings

    from reviewer.cli.json_text import write_indented
    from reviewer.domain.panel import Round

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(_json_values())
    @example({"rank": 1, "tied": True, "gap": None, "mean": 1.5, "id": "A1", "pair": (1, "x"),
              "totals": {"E1": "9.5", "E2": {}}, "rows": [[], [0.0, False], {"k": [None]}],
              "stats": {Round.PROFESSIONAL: {"mean": "1", "experts": {"E1": [1, 2]}}}})
    def same_text(value: object) -> None:
        try:
            expected = _dumped(value)
        except TypeError:  # keys of mixed types cannot be sorted: the same refusal
            with pytest.raises(TypeError):
                write_indented(value, io.StringIO())
            return
        written = io.StringIO()
        write_indented(value, written)
        assert written.getvalue() == expected

    same_text()
