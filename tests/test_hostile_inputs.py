"""Hostile input (issue 14): random damage to every file a user hands the program — a bundle,
a case folder's spreadsheets (CSV in several encodings, XLSX with formulas, merged and
duplicate header cells, broken zips), a paper score sheet, a signed PDF — never ends in a
traceback: always the documented refusal (exit code), and nothing written on a refusal.

``REVIEWER_FUZZ_EXAMPLES`` sets the examples per property (default 40 for CI; the note
reports a run with 500). CI draws the same inputs every run (``derandomize``), so that a red
run is a change in the code, not in the dice; ``REVIEWER_FUZZ_RANDOM=1`` draws new ones, and
pytest's ``--hypothesis-seed=N`` replays the run that printed that seed. Each property counts
what it ran into ``FUZZ_COUNTS`` and the last test prints the totals.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.session_fixtures import BENCH_PASSPHRASE, sealed_case

EXAMPLES = int(os.environ.get("REVIEWER_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                derandomize=os.environ.get("REVIEWER_FUZZ_RANDOM") != "1",
                database=None,  # no example store beside the checkout
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
# a paper-sheet example opens the session twice (two key derivations): fewer of them
PAPER = settings(FUZZ, max_examples=max(8, EXAMPLES // 4))
FUZZ_COUNTS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    bundle = sealed_case(root, apps=6, experts=12)
    return {"root": root, "bundle": bundle, "case": root / "case",
            "passphrase": root / "case.passphrase"}


# ------------------------------------------------------------------------------ the bundle

@FUZZ
@given(data=st.data())
def test_a_damaged_bundle_is_refused_with_its_exit_code(world: dict[str, Path], data: st.DataObject,
                                                        tmp_path_factory: pytest.TempPathFactory
                                                        ) -> None:
    from reviewer.cli.main import main

    original = world["bundle"].read_bytes()
    damage = data.draw(st.sampled_from(["flip", "truncate", "append", "splice"]))
    blob = bytearray(original)
    if damage == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(blob) - 1))
            blob[at] ^= data.draw(st.integers(1, 255))
    elif damage == "truncate":
        del blob[data.draw(st.integers(0, len(blob) - 1)):]
    elif damage == "append":
        blob += data.draw(st.binary(min_size=1, max_size=64))
    else:
        at = data.draw(st.integers(0, len(blob) - 1))
        blob[at:at] = data.draw(st.binary(min_size=1, max_size=32))
    target = tmp_path_factory.mktemp("b") / "case.rvb"
    target.write_bytes(bytes(blob))
    code = main(["inspect", str(target), "--unlock", "--passphrase-file",
                 str(world["passphrase"])])
    FUZZ_COUNTS["bundle"] += 1
    if bytes(blob) == original:  # two flips of the same bit undo each other
        assert code == 0
        return
    assert code in (10, 11, 12, 13, 14), damage


# ------------------------------------------------------------------------------ case folder

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["=SUM(A1:A3)", "=HYPERLINK(\"http://x\")", "@cmd", "+1", "-1", "\u200b",
                     "；", "direct;priority", "excluded:", "１２３", "\x00", "\r\n", '"']),
    st.text(min_size=2000, max_size=4000),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "latin-1"]


def _position(data: st.DataObject, size: int) -> int:
    """A place in a file whose length varies between runs (XLSX zips carry timestamps):
    drawn independently of that length, so hypothesis can replay the example."""
    return data.draw(st.integers(0, 2**20)) % max(size, 1)


def _copy_case(world: dict[str, Path], target: Path) -> Path:
    shutil.copytree(world["case"], target)
    return target


def _read(folder: Path) -> None:
    """The reader's contract: a case, or ``CaseFolderInvalid`` listing the problems."""
    from argon2 import PasswordHasher

    from reviewer.casefolder import read_case_folder
    from reviewer.casefolder.problems import CaseFolderInvalid

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash
    try:
        read_case_folder(folder, pin_hasher=cheap)
    except CaseFolderInvalid as refused:
        assert refused.render().strip()
        assert refused.exit_code == 40


@FUZZ
@given(data=st.data())
def test_hostile_csv_cells_and_encodings_never_crash_the_case_reader(
        world: dict[str, Path], data: st.DataObject,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = _copy_case(world, tmp_path_factory.mktemp("c") / "case")
    name = data.draw(st.sampled_from(["applications.csv", "experts.csv"]))
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    shape = data.draw(st.sampled_from(["cells", "header", "empty", "blank-rows", "ragged"]))
    if shape == "cells":
        for _ in range(data.draw(st.integers(1, 6))):
            r = data.draw(st.integers(0, len(rows) - 1))
            c = data.draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = data.draw(CELL)
    elif shape == "header":  # duplicated, blank or unknown header cells
        c = data.draw(st.integers(0, len(rows[0]) - 1))
        rows[0][c] = data.draw(st.sampled_from([rows[0][0], "", "  ", "未知列", rows[0][-1]]))
    elif shape == "empty":
        rows = [] if data.draw(st.booleans()) else [rows[0]]
    elif shape == "blank-rows":
        rows[1:1] = [[""] * len(rows[0])] * data.draw(st.integers(1, 3))
    else:
        r = data.draw(st.integers(1, len(rows) - 1))
        rows[r] = rows[r][: data.draw(st.integers(0, len(rows[r])))] + ["额外"] * 2
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    encoding = data.draw(st.sampled_from(ENCODINGS))
    (folder / name).write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    FUZZ_COUNTS["case folder csv"] += 1
    _read(folder)


@FUZZ
@given(data=st.data())
def test_hostile_xlsx_never_crashes_the_case_reader(world: dict[str, Path], data: st.DataObject,
                                                    tmp_path_factory: pytest.TempPathFactory
                                                    ) -> None:
    from openpyxl import Workbook

    folder = _copy_case(world, tmp_path_factory.mktemp("x") / "case")
    with (folder / "applications.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    (folder / "applications.csv").unlink()
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    shape = data.draw(st.sampled_from(["formula", "merged", "duplicate", "sheetless",
                                       "number", "zip-damage"]))
    if shape == "formula":
        sheet.cell(row=2, column=data.draw(st.integers(1, len(rows[0]))),
                   value="=1/0")
    elif shape == "merged":
        sheet.merge_cells(start_row=1, start_column=1, end_row=data.draw(st.integers(1, 3)),
                          end_column=data.draw(st.integers(2, 4)))
    elif shape == "duplicate":
        sheet.cell(row=1, column=2, value=rows[0][0])
    elif shape == "sheetless":
        book.remove(sheet)
        book.create_sheet("空")
    elif shape == "number":
        sheet.cell(row=2, column=1, value=data.draw(st.floats(allow_nan=True)))
    path = folder / "applications.xlsx"
    book.save(path)
    if shape == "zip-damage":
        blob = bytearray(path.read_bytes())
        how = data.draw(st.sampled_from(["flip", "truncate", "drop-member"]))
        if how == "flip":
            at = _position(data, len(blob))
            blob[at] ^= 0xFF
            path.write_bytes(bytes(blob))
        elif how == "truncate":
            path.write_bytes(bytes(blob[: _position(data, len(blob))]))
        else:
            kept = io.BytesIO()
            with zipfile.ZipFile(path) as source, zipfile.ZipFile(kept, "w") as out:
                for item in source.infolist():
                    if not item.filename.endswith("sheet1.xml"):
                        out.writestr(item, source.read(item))
            path.write_bytes(kept.getvalue())
    FUZZ_COUNTS["case folder xlsx"] += 1
    _read(folder)


# ------------------------------------------------------------------------------ paper sheets

SHEET_VALUE = st.one_of(st.sampled_from(["20", "20.5", "2_0", "1e1", "-0", "٢٠", "２０", "20,5",
                                         "２０．５", " 20 ", "", "NaN", "Infinity", "1" * 400,
                                         "=20", "25.0", "0x14"]),
                        st.text(max_size=6))


@PAPER
@given(data=st.data())
def test_hostile_paper_sheets_are_refused_whole_or_imported_whole(
        world: dict[str, Path], data: st.DataObject,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    from reviewer.cli.main import main
    from reviewer.session import Session

    work = tmp_path_factory.mktemp("p")
    db = f"sqlite:///{work / 'session.db'}"
    session = Session.open(world["bundle"], BENCH_PASSPHRASE, db)
    experts = [e.id for e in session.case.experts if "g000" in e.groups][:3]
    for expert in experts:
        session.run(lambda r, e=expert: r.acknowledge(e, paper=True))
    apps = [a.id for a in session.review.scope(experts[0])]
    before = len(session.store.events(0))
    session.close()
    header = ["专家", "申报", "轮次", "工艺专长", "技能水平", "领军作用", "业绩贡献"]
    if data.draw(st.booleans()):
        header[data.draw(st.integers(0, 6))] = data.draw(st.sampled_from(["", "合计", "未知", "专家"]))
    rows = [header]
    for expert in experts:
        for app in apps:
            rows.append([expert, app, data.draw(st.sampled_from(["专业组", "综合组", "x", ""])),
                         *(data.draw(SHEET_VALUE) for _ in range(4))])
    path = work / data.draw(st.sampled_from(["sheet.csv", "sheet.xlsx"]))
    if path.suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        path.write_bytes(buffer.getvalue().encode(data.draw(st.sampled_from(ENCODINGS)),
                                                  errors="replace"))
    else:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = Workbook()
        for row in rows:  # control characters cannot be stored in XLSX at all
            book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
        book.save(path)
        if data.draw(st.booleans()):
            blob = path.read_bytes()
            path.write_bytes(blob[: _position(data, len(blob))])
    code = main(["scores", "import", str(world["bundle"]), str(path), "--passphrase-file",
                 str(world["passphrase"]), "--db", db])
    FUZZ_COUNTS["paper sheet"] += 1
    assert code in (0, 41), code
    session = Session.open(world["bundle"], BENCH_PASSPHRASE, db)
    try:
        written = len(session.store.events(0)) - before
        submitted = [e for e in experts if session.review.is_submitted(e)]
        if code == 41:
            assert written == 0 and submitted == []  # refused whole: nothing written
        else:
            assert submitted == experts
            for values in session.review.state.scores.values():
                for value in values.values():
                    assert value >= 0 and (value * 2) == int(value * 2)
    finally:
        session.close()


# ------------------------------------------------------------------------------ signed PDFs

@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from reviewer.i18n import set_locale
    from reviewer.pdf import keys
    from reviewer.pdf.report import render_results_pdf
    from reviewer.pdf.sample import sample_report
    from reviewer.pdf.signing import sign_pdf

    root = tmp_path_factory.mktemp("pdf")
    set_locale("zh")
    try:
        render_results_pdf(sample_report(8), root / "unsigned.pdf")
        keys.generate_identity("测试秘书", "评审秘书", "测试单位", "test-only-pw", root / "sec")
        signer = keys.load_signer(root / "sec.key.pem", root / "sec.cert.pem", "test-only-pw")
        sign_pdf(root / "unsigned.pdf", root / "signed.pdf", signer, reason="测试",
                 location="昆明")
        # a second signature by a key nobody trusts, over the trusted first one
        keys.generate_identity("冒名者", "评审秘书", "某单位", "test-only-pw", root / "stranger")
        stranger = keys.load_signer(root / "stranger.key.pem", root / "stranger.cert.pem",
                                    "test-only-pw")
        sign_pdf(root / "signed.pdf", root / "second.pdf", stranger, reason="冒签",
                 location="昆明")
    finally:
        set_locale(None)
    signed = (root / "signed.pdf").read_bytes()
    (root / "removed.pdf").write_bytes(_without_signature_fields(signed, incremental=True))
    (root / "stripped.pdf").write_bytes(_without_signature_fields(signed, incremental=False))
    return {"pdf": root / "signed.pdf", "cert": root / "sec.cert.pem",
            "second": root / "second.pdf", "removed": root / "removed.pdf",
            "stripped": root / "stripped.pdf"}


def _without_signature_fields(data: bytes, incremental: bool) -> bytes:
    """The signed file with its form's fields emptied: by an incremental update (the signed
    revision stays in the file) or by writing the whole file anew (it is gone)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = (IncrementalPdfFileWriter(io.BytesIO(data)) if incremental
              else copy_into_new_writer(PdfFileReader(io.BytesIO(data))))
    form = writer.root["/AcroForm"]
    emptied = generic.DictionaryObject({generic.NameObject(k): v for k, v in form.items()})
    emptied[generic.NameObject("/Fields")] = generic.ArrayObject()
    writer.root[generic.NameObject("/AcroForm")] = writer.add_object(emptied)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# what verify must say of each whole-file attack, before any further damage (README codes)
EXPECTED = {"second": 21, "removed": 22, "stripped": 23}


@FUZZ
@given(data=st.data())
def test_a_damaged_signed_pdf_is_reported_never_crashes(signed: dict[str, Path],
                                                        data: st.DataObject,
                                                        tmp_path_factory: pytest.TempPathFactory
                                                        ) -> None:
    from reviewer.cli.main import main

    damage = data.draw(st.sampled_from(["flip", "truncate", "append", "incremental",
                                        "second", "removed", "stripped"]))
    blob = bytearray(signed[damage if damage in EXPECTED else "pdf"].read_bytes())
    if damage in EXPECTED:
        if data.draw(st.booleans()):  # and damaged on top, at times
            at = data.draw(st.integers(0, len(blob) - 1))
            blob[at] ^= data.draw(st.integers(1, 255))
            damage += "+flip"
    elif damage == "flip":
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(blob) - 1))
            blob[at] ^= data.draw(st.integers(1, 255))
    elif damage == "truncate":
        del blob[data.draw(st.integers(0, len(blob) - 1)):]
    elif damage == "append":
        blob += data.draw(st.binary(min_size=1, max_size=200))
    else:  # an incremental update that redefines the catalogue after signing
        blob += (b"\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                 b"trailer\n<< /Root 1 0 R /Size 3 >>\n%%EOF\n")
    target = tmp_path_factory.mktemp("v") / "results.pdf"
    target.write_bytes(bytes(blob))
    code = main(["verify", str(target), "--trust", str(signed["cert"])])
    FUZZ_COUNTS["signed pdf"] += 1
    assert code in (0, 20, 21, 22, 23, 24), (damage, code)
    if damage in ("truncate", "incremental") or damage.endswith("+flip"):
        assert code != 0
    if damage in EXPECTED:
        assert code == EXPECTED[damage], (damage, code)


def test_report_how_many_hostile_inputs_ran(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nhostile inputs run: {dict(sorted(FUZZ_COUNTS.items()))}")
