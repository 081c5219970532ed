"""Damaged spreadsheets and a reader that goes away: a clear message and the documented exit
code, never a traceback (issue 9: truncated ``sheet1.xml``, a missing sheet, a broken
attribute and a non-zip .xlsx escaped ``seal`` and ``scores import`` as tracebacks;
``reviewer verify … | head`` ended in a BrokenPipeError traceback)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from reviewer.cli.main import main
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.sample import sample_report
from tests.test_cli_session import ROOT

SAMPLE = ROOT / "sample_cases" / "innovation-studio-2026"
PASSPHRASE = "demo-studio-2026"
SHEET = "xl/worksheets/sheet1.xml"

Damage = Callable[[str, bytes], bytes | None]
DAMAGES: dict[str, Damage] = {
    "truncated_sheet": lambda name, data: data[: len(data) // 2] if name == SHEET else data,
    "missing_sheet": lambda name, data: None if name == SHEET else data,
    "broken_attribute": lambda name, data: data.replace(b'r="A1"', b'r="A1', 1)
    if name == SHEET else data,
    "impossible_cell": lambda name, data: data.replace(b'r="A2"', b'r="ZZZZZZ2"', 1)
    if name == SHEET else data,
    "truncated_zip": lambda name, data: data,  # handled below: the archive itself is cut
}


def _xlsx_from_rows(rows: list[list[str]], path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def _damaged(rows: list[list[str]], path: Path, damage: str) -> None:
    good = path.with_suffix(".good")
    _xlsx_from_rows(rows, good)
    if damage == "not_a_zip":
        path.write_text("专家,申报\nE1,A1\n", encoding="utf-8")  # a CSV renamed .xlsx
    elif damage == "truncated_zip":
        path.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    else:
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
            for name in src.namelist():
                data = DAMAGES[damage](name, src.read(name))
                if data is not None:
                    dst.writestr(name, data)
    good.unlink()


KINDS = [*DAMAGES, "not_a_zip"]


@pytest.mark.parametrize("damage", KINDS)
def test_seal_names_a_damaged_workbook_and_exits_40(damage: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "case"
    shutil.copytree(SAMPLE, folder)
    with (folder / "applications.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    (folder / "applications.csv").unlink()
    _damaged(rows, folder / "applications.xlsx", damage)
    (tmp_path / "pass.txt").write_text(PASSPHRASE, encoding="utf-8")
    out = tmp_path / "case.rvb"
    code = main(["seal", str(folder), "-o", str(out), "--passphrase-file",
                 str(tmp_path / "pass.txt")])
    err = capsys.readouterr().err
    assert code == 40, err
    assert "applications.xlsx" in err and "Traceback" not in err
    assert not out.exists()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("sheets")
    shutil.copy(ROOT / "sample_cases" / "innovation-studio-2026.rvb", work / "case.rvb")
    shutil.copy(ROOT / "sample_cases" / "innovation-studio-2026.passphrase", work / "pass.txt")
    return work / "case.rvb"


@pytest.mark.parametrize("damage", KINDS)
def test_scores_import_names_a_damaged_workbook_and_exits_41(
        damage: str, bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "纸质评分表.xlsx"
    _damaged([["专家", "申报", "轮次", "创新成果"], ["E001", "GZS-2026-001", "专业组", "20"]],
             sheet, damage)
    code = main(["scores", "import", str(bundle), str(sheet), "--passphrase-file",
                 str(bundle.parent / "pass.txt")])
    err = capsys.readouterr().err
    assert code == 41, err
    assert "纸质评分表.xlsx" in err and "Traceback" not in err


def test_verify_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    render_results_pdf(sample_report(10), pdf)
    process = subprocess.Popen([sys.executable, "-m", "reviewer.cli.main", "verify", str(pdf)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader (| head) is gone before anything is written
    err = process.stderr.read().decode()
    process.wait()
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert process.returncode == 141
