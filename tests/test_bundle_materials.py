"""Materials travel as entries of their own and are decrypted only when an expert reads them:
opening a case costs memory for ``case.json``, not for its materials, and nothing of them is
written anywhere in clear (PRODUCT.md, security promises; issue 14, scale)."""

from __future__ import annotations

import json
import sys
import tracemalloc
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synth import write_case_folder  # noqa: E402

from reviewer.bundle import open_bundle, read_header  # noqa: E402
from reviewer.services.case import seal_case  # noqa: E402
from reviewer.session import CASE_ENTRY, unlock  # noqa: E402

PASS = "材料按需解密-测试口令"  # test-only passphrase
MARKER = "王秀英同志的事迹材料"  # stands for application content


def _case_with_materials(folder: Path, per_app_bytes: int) -> Path:
    """A 6-application case whose first three applications carry materials."""
    from argon2 import PasswordHasher

    from reviewer.casefolder import read_case_folder

    write_case_folder(folder / "case", 6, 12, seed=5)
    line = f"{MARKER}：扎根一线二十年，攻克焊接难题。\n"
    for index in range(3):
        root = folder / "case" / "materials" / f"A{index:05d}"
        root.mkdir(parents=True)
        (root / "事迹.md").write_text(f"# 申报 {index}\n" + line * (per_app_bytes // len(
            line.encode("utf-8"))), encoding="utf-8")
        (root / "附件.txt").write_text(f"附件 {index}", encoding="utf-8")
    case, panel = read_case_folder(folder / "case",
                                   pin_hasher=PasswordHasher(1, 8, 1).hash)
    bundle = folder / "case.rvb"
    seal_case(case, panel, bundle, PASS)
    return bundle


def test_materials_are_their_own_entries_and_read_back_exactly(tmp_path: Path) -> None:
    bundle = _case_with_materials(tmp_path, 20_000)
    opened = open_bundle(bundle, PASS)
    listed = json.loads(opened.entries[CASE_ENTRY])
    assert MARKER not in opened.entries[CASE_ENTRY].decode("utf-8")  # text lives apart
    assert sorted(n for n in opened.entries if n.startswith("materials/")) == [
        f"materials/A{i:05d}/{n}" for i in range(3) for n in range(2)]
    assert listed["applications"][0]["materials"][0] == {
        "name": "事迹.md", "entry": "materials/A00000/0"}

    case = unlock(bundle, PASS).case
    source = tmp_path / "case" / "materials"
    for app in case.applications[:3]:
        assert [m.name for m in app.materials] == ["事迹.md", "附件.txt"]
        for material in app.materials:
            assert material.text == (source / app.id / material.name).read_text("utf-8")
    assert all(not app.materials for app in case.applications[3:])
    assert MARKER not in repr(case)


def test_opening_holds_none_of_the_materials_in_memory(tmp_path: Path) -> None:
    """With 3 × 8 MiB of materials, opening allocates a few chunks (1 MiB each), not the
    materials; reading one material allocates about that material, and keeps nothing."""
    bundle = _case_with_materials(tmp_path, 8 * 1024 * 1024)
    tracemalloc.start()
    try:
        case = unlock(bundle, PASS).case
        _, opening_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        held = tracemalloc.get_traced_memory()[0]
        text = case.applications[0].materials[0].text
        _, reading_peak = tracemalloc.get_traced_memory()
        del text
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert opening_peak < 12 * 1024 * 1024, opening_peak  # the materials are 24 MiB
    assert reading_peak < held + 4 * 8 * 1024 * 1024, reading_peak
    assert after < held + 2 * 1024 * 1024  # at most the last chunk is kept


def test_a_bundle_changed_in_place_after_opening_shows_why_not_its_text(
        tmp_path: Path) -> None:
    bundle = _case_with_materials(tmp_path, 1_500_000)  # materials span several chunks
    case = unlock(bundle, PASS).case
    first, last = case.applications[0].materials[0], case.applications[2].materials[0]
    assert MARKER in first.text and MARKER in last.text  # the last chunk read stays cached
    start = read_header(bundle).data_offset
    with open(bundle, "r+b") as out:  # damage the content in place, once every 4 KiB
        size = out.seek(0, 2)
        for offset in range(start, size, 4096):
            out.seek(offset)
            byte = out.read(1)
            out.seek(offset)
            out.write(bytes([byte[0] ^ 1]))
    shown = first.text
    leaked = MARKER in shown
    assert not leaked
    assert "无法读取" in shown or "cannot be read" in shown, shown[:200]


def test_older_bundles_with_inline_materials_still_open(tmp_path: Path) -> None:
    """Bundles sealed before materials had entries of their own keep their text inline."""
    from reviewer.bundle import seal
    from reviewer.domain.panel import panels_dir

    bundle = _case_with_materials(tmp_path, 1000)
    opened = open_bundle(bundle, PASS)
    data = json.loads(opened.entries[CASE_ENTRY])
    for app in data["applications"]:
        for item in app["materials"]:
            item["text"] = opened.entries[item.pop("entry")].decode("utf-8")
    old = tmp_path / "old.rvb"
    seal([(CASE_ENTRY, json.dumps(data, ensure_ascii=False).encode("utf-8")),
          ("panel.toml", (panels_dir() / "yunling-craftsman.toml").read_bytes())],
         old, PASS, header_info=opened.header.info)
    fresh, inline = unlock(bundle, PASS).case, unlock(old, PASS).case
    assert fresh.applications == inline.applications


@pytest.mark.parametrize("name", ["case.json"])
def test_a_material_entry_named_in_the_case_but_missing_is_refused(tmp_path: Path,
                                                                   name: str) -> None:
    from reviewer.bundle import CorruptedBundleError, seal

    bundle = _case_with_materials(tmp_path, 1000)
    opened = open_bundle(bundle, PASS)
    kept = [(n, opened.entries[n]) for n in opened.entries if not n.endswith("/1")]
    broken = tmp_path / "broken.rvb"
    seal(kept, broken, PASS, header_info=opened.header.info)
    with pytest.raises(CorruptedBundleError):
        unlock(broken, PASS)
