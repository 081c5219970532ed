"""The edges of PDF output: atomic private writes, a progress line that reads right."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reviewer.i18n import set_locale
from reviewer.pdf import files
from reviewer.pdf.errors import PdfError
from reviewer.pdf.report import render_results_bytes
from reviewer.pdf.sample import sample_report


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_locale("zh")
    yield
    set_locale(None)


@pytest.mark.parametrize("anonymous", [True, False], ids=["o_tmpfile", "named_temp"])
def test_written_file_is_private_and_alone(tmp_path: Path, anonymous: bool,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if not anonymous:
        monkeypatch.setattr(files, "_write_via_tmpfile", lambda target, data: False)
    target = tmp_path / "r.pdf"
    files.write_atomically(target, b"first")
    files.write_atomically(target, b"second")  # the replace path
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


@pytest.mark.parametrize("anonymous", [True, False], ids=["o_tmpfile", "named_temp"])
def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, anonymous: bool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if not anonymous:
        monkeypatch.setattr(files, "_write_via_tmpfile", lambda target, data: False)
    target = tmp_path / "r.pdf"
    files.write_atomically(target, b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(PdfError) as caught:
        files.write_atomically(target, b"new")
    assert "r.pdf" in caught.value.render()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_a_temporary_left_by_an_earlier_kill_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    stale = tmp_path / f".r.pdf{files.TEMP_MARK}abc123"
    stale.write_bytes(b"signed bytes of an interrupted write")
    files.write_atomically(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_progress_is_monotonic_and_ends_at_exactly_100_percent() -> None:
    """Issue 10 saw 111% then 92%: ReportLab reports every part of a split table."""
    seen: list[float] = []
    render_results_bytes(sample_report(120), progress=lambda f, _: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(b > a for a, b in zip(seen, seen[1:], strict=False)), seen
    assert max(seen) <= 1.0
