"""Score justification (评分理由): the rule, the refusal at submission, paper sheets, replay,
snapshot and the PDF section the 监督组 reads."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reviewer import i18n
from reviewer.domain import events as ev
from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.domain.justification import OVERALL, JustifyRule, rule_of
from reviewer.domain.replay import validate
from reviewer.domain.review import ImportRejected, Review, SheetRow
from reviewer.domain.state import state_from_plain, state_to_plain
from tests.builders import PINS, TEST_PIN, Clock, ack, app, expert, make_case, run
from tests.test_tui_support import build_session, flat_text, log_in, make_app, pilot_test, settle

ROOT = Path(__file__).resolve().parent.parent
YUNLING = ("craft_expertise", "skill_level", "leadership", "contribution")  # 25/25/20/30


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    i18n.set_locale("zh")
    yield
    i18n.set_locale(None)


def review_with(experts: int = 3, panel_below: Decimal | None = None, **rules: Any) -> Review:
    """g1: A1–A2 scored by E1..En (云岭工匠)."""
    case, panel = make_case("yunling-craftsman", [app("A1"), app("A2")],
                            [expert(f"E{i}", ["g1"]) for i in range(1, experts + 1)], **rules)
    if panel_below is not None:
        panel = replace(panel, justify_below=panel_below)
    review = Review(case, panel, clock=Clock(), pins=PINS)
    ack(review, *(f"E{i}" for i in range(1, experts + 1)))
    return review


def score(review: Review, expert_id: str, app_id: str, values: tuple[str, ...]) -> None:
    for key, value in zip(YUNLING, values, strict=True):
        run(review, review.set_score(expert_id, app_id, key, value))


GOOD = ("20", "20", "15", "25")  # 80
LOW_CRAFT = ("10", "20", "15", "25")  # 工艺专长 10 of 25 (< 0.6 × 25 = 15)


def test_the_rule_is_off_when_neither_panel_nor_case_sets_it() -> None:
    review = review_with()
    assert not review.justification_rule.active
    score(review, "E1", "A1", ("0", "0", "0", "0"))
    score(review, "E1", "A2", LOW_CRAFT)
    run(review, review.submit("E1", confirm_no_conflict=True))
    assert review.is_submitted("E1")


def test_a_low_score_cannot_be_submitted_without_its_reason_and_the_refusal_names_it() -> None:
    review = review_with(justify_below=Decimal("0.6"))
    score(review, "E1", "A1", GOOD)
    score(review, "E1", "A2", LOW_CRAFT)
    before = review.state.event_count
    with pytest.raises(DomainError) as err:
        review.submit("E1", confirm_no_conflict=True)
    assert err.value.code == "justify.missing"
    assert "A2 工艺专长 10" in str(err.value) and "A1" not in str(err.value)
    i18n.set_locale("en")
    try:
        english = str(err.value)
    finally:
        i18n.set_locale("zh")
    assert "A2 Craft expertise 10" in english and not re.search(r"[\u4e00-\u9fff]", english)
    assert review.state.event_count == before
    # exactly at the share is not below it; the reason is written and the sheet goes in
    run(review, review.justify("E1", "A2", "工艺专长", "  工艺资料不完整，关键数据缺失  "))
    assert review.state.justifications[("E1", "A2", "professional", "craft_expertise")] == \
        "工艺资料不完整，关键数据缺失"
    run(review, review.submit("E1", confirm_no_conflict=True))


def test_exactly_the_share_needs_no_reason_and_a_blank_reason_does_not_count() -> None:
    review = review_with(justify_below=Decimal("0.6"))
    score(review, "E1", "A1", ("15", "20", "15", "25"))  # 15 = 0.6 × 25: not below
    score(review, "E1", "A2", ("20", "20", "11.5", "25"))  # 领军作用 11.5 < 12
    run(review, review.justify("E1", "A2", "leadership", "   "))
    assert [(r.application, r.criterion) for r in review.missing_justifications("E1")] == \
        [("A2", "leadership")]


def test_the_case_overrides_the_panel_and_zero_turns_it_off() -> None:
    assert review_with(panel_below=Decimal("0.6")).justification_rule == \
        JustifyRule(Decimal("0.6"), False)
    off = review_with(panel_below=Decimal("0.6"), justify_below=Decimal(0))
    assert not off.justification_rule.active
    stricter = review_with(panel_below=Decimal("0.6"), justify_below=Decimal("0.8"))
    assert rule_of(stricter.case, stricter.panel).below == Decimal("0.8")


def test_an_outlier_total_needs_a_reason_on_the_application_not_on_a_criterion() -> None:
    review = review_with(experts=4, justify_outliers=True)
    for e in ("E1", "E2", "E3"):
        submit_good(review, e)
    score(review, "E4", "A1", ("10", "10", "10", "10"))  # 40 against 80, 80, 80
    score(review, "E4", "A2", GOOD)
    with pytest.raises(DomainError) as err:
        review.submit("E4", confirm_no_conflict=True)
    assert "A1 总分 40" in str(err.value)
    run(review, review.justify("E4", "A1", "craft_expertise", "材料一般"))
    with pytest.raises(DomainError):
        review.submit("E4", confirm_no_conflict=True)
    run(review, review.justify("E4", "A1", "", "申报材料与业绩证明不符，故整体评分偏低"))
    run(review, review.submit("E4", confirm_no_conflict=True))


def test_the_first_sheets_are_not_outliers_without_two_others_counted() -> None:
    review = review_with(experts=4, justify_outliers=True)
    submit_good(review, "E1")
    score(review, "E2", "A1", ("10", "10", "10", "10"))
    score(review, "E2", "A2", GOOD)
    run(review, review.submit("E2", confirm_no_conflict=True))  # one other: no rule applies


def submit_good(review: Review, expert_id: str) -> None:
    score(review, expert_id, "A1", GOOD)
    score(review, expert_id, "A2", GOOD)
    run(review, review.submit(expert_id, confirm_no_conflict=True))


def test_a_comment_is_refused_where_a_score_would_be() -> None:
    review = review_with(justify_below=Decimal("0.6"))
    submit_good(review, "E1")
    with pytest.raises(DomainError) as err:
        review.justify("E1", "A1", "craft_expertise", "补写")
    assert err.value.code == "review.sheet_locked"
    with pytest.raises(DomainError) as err:
        review.justify("E2", "A1", "no_such", "x")
    assert err.value.code == "review.unknown_criterion"
    with pytest.raises(DomainError) as err:
        review.justify("E2", "A1", "craft_expertise", "长" * 501)
    assert err.value.code == "justify.too_long"


# -- paper sheets ------------------------------------------------------------------------------

def row(number: int, expert_id: str, app_id: str, values: tuple[str, ...],
        comment: str | None = None) -> SheetRow:
    cells = dict(zip(("工艺专长", "技能水平", "领军作用", "业绩贡献"), values, strict=True))
    if comment is not None:
        cells["理由"] = comment
    return SheetRow(number, expert_id, app_id, "专业组", cells)


def test_a_paper_row_that_needs_a_reason_is_refused_by_row_and_nothing_is_imported() -> None:
    review = review_with(justify_below=Decimal("0.6"))
    rows = [row(2, "E1", "A1", GOOD), row(3, "E1", "A2", LOW_CRAFT, comment="")]
    before = review.state.event_count
    with pytest.raises(ImportRejected) as err:
        review.import_sheets(rows, file_sha256="f" * 64)
    assert [(p.row, p.code) for p in err.value.problems] == [(3, "justify.missing_on_row")]
    assert "A2 工艺专长 10" in i18n.t(err.value.problems[0].code, **err.value.problems[0].params)
    assert review.state.event_count == before
    rows[1] = row(3, "E1", "A2", LOW_CRAFT, comment="现场核查与材料不符")
    run(review, review.import_sheets(rows, file_sha256="f" * 64))
    assert review.is_submitted("E1")
    assert review.state.justifications == {("E1", "A2", "professional", OVERALL): "现场核查与材料不符"}


def test_a_paper_outlier_is_judged_against_the_other_rows_of_the_file() -> None:
    review = review_with(experts=4, justify_outliers=True)
    rows = [row(n, e, a, GOOD) for n, (e, a) in enumerate(
        [(e, a) for e in ("E1", "E2", "E3") for a in ("A1", "A2")], start=2)]
    rows += [row(8, "E4", "A1", ("5", "5", "5", "5")), row(9, "E4", "A2", GOOD)]
    with pytest.raises(ImportRejected) as err:
        review.import_sheets(rows, file_sha256="f" * 64)
    assert [(p.row, p.code) for p in err.value.problems] == [(8, "justify.missing_on_row")]


def test_without_the_rule_a_reason_column_is_still_read_and_kept() -> None:
    review = review_with()
    rows = [row(2, "E1", "A1", GOOD, comment="优秀"), row(3, "E1", "A2", GOOD)]
    run(review, review.import_sheets(rows, file_sha256="f" * 64))
    assert review.state.justifications == {("E1", "A1", "professional", OVERALL): "优秀"}


# -- replay and snapshot -----------------------------------------------------------------------

def _placed(review: Review, **payload: Any) -> ev.Event:
    actor = payload.pop("actor", "expert:E1")
    base = {"expert": "E1", "application": "A1", "round": "professional",
            "criterion": "craft_expertise", "text": "理由"}
    return ev.Event(ev.JUSTIFIED, actor, "2026-11-23T09:00:00Z", {**base, **payload},
                    seq=review.state.event_count + 1)


@pytest.mark.parametrize("change", [
    {"actor": "expert:E2"}, {"criterion": "no_such"}, {"criterion": "工艺专长"},
    {"text": " padded "}, {"text": "长" * 501}, {"text": 5}, {"application": "Z9"},
    {"round": "comprehensive"},
])
def test_replay_refuses_a_comment_the_command_could_not_have_written(change: dict[str, Any]
                                                                     ) -> None:
    review = review_with(justify_below=Decimal("0.6"))
    validate(review, _placed(review))  # the genuine form passes
    with pytest.raises(ChainBroken):
        validate(review, _placed(review, **change))


def test_replay_refuses_a_comment_on_a_submitted_sheet() -> None:
    review = review_with()
    submit_good(review, "E1")
    with pytest.raises(ChainBroken):
        validate(review, _placed(review))


def test_comments_and_unmask_records_survive_the_snapshot_form() -> None:
    review = review_with(justify_below=Decimal("0.6"))
    score(review, "E1", "A1", LOW_CRAFT)
    run(review, review.justify("E1", "A1", "craft_expertise", "理由一"))
    run(review, review.justify("E1", "A1", "", "理由二"))
    run(review, [review.event(ev.UNMASKED, ev.SECRETARY, command="results")])
    plain = state_to_plain(review.state)
    assert plain is not None
    again = state_from_plain(plain)
    assert again.justifications == review.state.justifications
    assert list(again.justifications) == list(review.state.justifications)
    assert again.unmasked == review.state.unmasked and again.unmasked[0]["command"] == "results"


def test_an_unmask_record_changes_no_result() -> None:
    review = review_with()
    head = review.state.results_head
    run(review, [review.event(ev.UNMASKED, ev.SECRETARY, command="export")])
    assert review.state.results_head == head


# -- the terminal ------------------------------------------------------------------------------

@pilot_test
async def test_the_terminal_asks_for_the_reason_and_refuses_the_sheet_without_it(
        tmp_path: Path) -> None:
    from reviewer.tui.screens.scoring import ScoringScreen
    from reviewer.tui.screens.submit import SubmitScreen

    session, _ = build_session(tmp_path, justify_below=Decimal("0.6"))
    session.run(lambda r: r.acknowledge("E2"))
    session.run(lambda r: [e for a in ("A1", "A2", "A3", "A4")
                           for e in r.declare_no_conflict("E2", a)])
    for app_id in ("A2", "A3", "A4"):
        for key, value in zip(YUNLING, GOOD, strict=True):
            session.run(lambda r, a=app_id, k=key, v=value: r.set_score("E2", a, k, v))
    app_ = make_app(session)
    async with app_.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 1)
        assert isinstance(app_.screen, ScoringScreen)
        await pilot.press("enter")  # A1: into its form
        for value in LOW_CRAFT[:-1]:
            await pilot.press(*value, "enter")
        await pilot.press(*LOW_CRAFT[-1])
        await pilot.press("shift+tab")  # leave the last field: saved, the form stays on A1
        await settle(pilot)
        assert app_.screen.form.application == "A1"
        assert "需填写理由：工艺专长10分，低于满分的60%" in flat_text(app_), flat_text(app_)

        # the submit screen names what is owed, and the sheet is refused
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app_.screen, SubmitScreen)
        assert "还有1处评分需要填写理由" in flat_text(app_) and "A1工艺专长10" in flat_text(app_)
        await pilot.press("space", "tab", *TEST_PIN, "enter")
        await settle(pilot)
        assert not session.review.is_submitted("E2")
        assert "评分表不能提交" in flat_text(app_)
        await pilot.press("escape")
        await settle(pilot)

        # f7: the reason, typed in the dialog; then the sheet goes in
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press(*"weakevidence", "enter")
        await settle(pilot)
        assert session.review.state.justifications == {
            ("E2", "A1", "professional", "craft_expertise"): "weakevidence"}
        assert "需填写理由" not in flat_text(app_)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("space", "tab", *TEST_PIN, "enter")
        await settle(pilot)
        assert session.review.is_submitted("E2"), flat_text(app_)


# -- the PDF for the 监督组 --------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils not installed")


def _pdf_text(review: Review, tmp_path: Path, name: str) -> str:
    from reviewer.pdf.assemble import report_data
    from reviewer.pdf.report import render_results_pdf

    pdf = tmp_path / f"{name}.pdf"
    render_results_pdf(report_data(review, "0" * 64), pdf)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _played(**rules: Any) -> Review:
    review = review_with(**rules)
    score(review, "E1", "A1", LOW_CRAFT)
    score(review, "E1", "A2", GOOD)
    if review.justification_rule.active:
        run(review, review.justify("E1", "A1", "craft_expertise", "关键工艺数据缺少检测报告"))
    run(review, review.submit("E1", confirm_no_conflict=True))
    return review


@needs_poppler
def test_the_reasons_are_printed_for_the_supervision_group(tmp_path: Path) -> None:
    text = _pdf_text(_played(justify_below=Decimal("0.6")), tmp_path, "on")
    flat = re.sub(r"\s+", "", text)
    assert "评分理由" in text and "评分低于该项满分的60%" in flat
    assert "关键工艺数据缺少检测报告" in flat
    section = text[text.find("评分理由"):]
    row = next((line for line in section.splitlines() if "专家E1" in line), "")
    assert re.search(r"A1\s+申报人A1\s+专家E1\s+工艺专长（专业组评审）\s+10\s+关键工艺", row), \
        section[:600]


@needs_poppler
def test_without_the_rule_or_a_reason_the_pdf_has_no_such_section(tmp_path: Path) -> None:
    text = _pdf_text(_played(), tmp_path, "off")
    assert "评分理由" not in text


@needs_poppler
def test_the_blank_sheet_has_a_reason_column_only_when_the_rule_is_on(tmp_path: Path) -> None:
    from reviewer.pdf.assemble import score_sheets
    from reviewer.pdf.sheets import render_score_sheets

    def sheet_text(review: Review, name: str) -> str:
        out = tmp_path / f"{name}.pdf"
        render_score_sheets(score_sheets(review, "E2"), out)
        return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out), "-"],
                                                 capture_output=True, text=True,
                                                 check=True).stdout)

    on = sheet_text(review_with(justify_below=Decimal("0.6")), "sheet-on")
    off = sheet_text(review_with(), "sheet-off")
    assert "理由" in on and "低于该项满分的60%时，须在“理由”栏写明理由" in on
    assert "理由" not in off


# -- where the setting comes from ---------------------------------------------------------------

def _sample_with(tmp_path: Path, lines: str) -> Path:
    """The 云岭工匠 sample case folder with ``lines`` added under its [rules]."""
    folder = tmp_path / "case"
    shutil.copytree(ROOT / "sample_cases" / "yunling-craftsman-2026", folder)
    toml = folder / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[rules]\n", f"[rules]\n{lines}\n"),
                    encoding="utf-8")
    return folder


def test_the_setting_line_for_the_sample_case_is_read_and_sealed(tmp_path: Path) -> None:
    from argon2 import PasswordHasher

    from reviewer.casefolder import read_case_folder
    from reviewer.domain.case import Case

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash
    case, panel = read_case_folder(_sample_with(tmp_path, "justify_below = 0.6"),
                                   pin_hasher=cheap)
    assert rule_of(case, panel) == JustifyRule(Decimal("0.6"), False)
    again = Case.from_dict(case.to_dict())  # the bundle's form keeps it
    assert again.rules.justify_below == Decimal("0.6") and again.rules.justify_outliers is None


@pytest.mark.parametrize(("line", "code"), [
    ("justify_below = 1.5", "casefolder.number_out_of_range"),
    ("justify_below = \"六成\"", "casefolder.number_out_of_range"),
    ("justify_outliers = \"yes\"", "casefolder.expected_boolean"),
])
def test_a_bad_setting_is_a_case_folder_problem(tmp_path: Path, line: str, code: str) -> None:
    from argon2 import PasswordHasher

    from reviewer.casefolder import read_case_folder
    from reviewer.casefolder.problems import CaseFolderInvalid

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash
    with pytest.raises(CaseFolderInvalid) as err:
        read_case_folder(_sample_with(tmp_path, line), pin_hasher=cheap)
    assert code in {p.code for p in err.value.problems}


def test_the_panel_file_may_set_it_under_scoring() -> None:
    import tomllib

    from reviewer.domain.panel import PanelError, panels_dir, parse_panel

    text = (panels_dir() / "yunling-craftsman.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    data["scoring"] = {"justify_below": 0.5, "justify_outliers": True}
    panel = parse_panel(data, "test")
    assert (panel.justify_below, panel.justify_outliers) == (Decimal("0.5"), True)
    data["scoring"] = {"justify_below": 2}
    with pytest.raises(PanelError):
        parse_panel(data, "test")
    assert parse_panel(tomllib.loads(text), "test").justify_below is None


def test_the_paper_import_command_refuses_a_low_row_without_its_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through ``reviewer scores import`` (exit 41, the row and criterion named, nothing
    recorded), then the same file with its 理由 column filled in."""
    import csv

    from reviewer.cli.main import main
    from reviewer.session import Session
    from tests.test_masking import PASSPHRASE, _sealed

    bundle = _sealed(tmp_path)  # justify_below = 0.6
    url = f"sqlite:///{tmp_path / 's.db'}"
    common = ["--passphrase-file", str(tmp_path / "pass"), "--db", url]
    for e in ("E1", "E2", "E3"):
        assert main(["ack", str(bundle), "--expert", e, "--paper", *common]) == 0

    def sheet(reason: str) -> Path:
        path = tmp_path / "sheet.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["专家", "申报", "轮次", "工艺专长", "技能水平", "领军作用", "业绩贡献",
                             "理由"])
            for e in ("E1", "E2", "E3"):
                for a in ("A1", "A2", "A3"):
                    low = e == "E2" and a == "A3"
                    writer.writerow([e, a, "专业组", *(LOW_CRAFT if low else GOOD),
                                     reason if low else ""])
        return path

    capsys.readouterr()
    assert main(["scores", "import", str(bundle), str(sheet("")), *common]) == 41
    err = capsys.readouterr().err
    assert "sheet.csv 第 7 行: 此行评分需要填写“理由”栏：A3 工艺专长 10" in err, err
    session = Session.open(bundle, PASSPHRASE, url)
    assert not session.review.state.submitted
    session.close()
    assert main(["scores", "import", str(bundle), str(sheet("现场核查与材料不符")), *common]) == 0
    session = Session.open(bundle, PASSPHRASE, url)
    try:
        assert session.review.state.justifications == {
            ("E2", "A3", "professional", OVERALL): "现场核查与材料不符"}
    finally:
        session.close()
