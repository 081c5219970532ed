"""The sealed case bundle (.rvb): what a secretary seals is what the session opens, byte for
byte; a wrong passphrase, a cut-short file, one flipped bit anywhere or appended bytes each
give their own one-line refusal and never any decrypted data (PRODUCT.md, security promises)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.bundle import (
    MAGIC,
    BundleError,
    BundleHeader,
    CorruptedBundleError,
    FutureVersionError,
    KdfParams,
    NotABundleError,
    TruncatedBundleError,
    WrongPassphraseError,
    file_sha256,
    open_bundle,
    read_header,
    seal,
)
from reviewer.i18n import set_locale

CHEAP = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
PASS = "云岭工匠-评审口令-2026"  # test-only passphrase
INFO = {"case_id": "ylgj-2026-01", "measure": "yunling-craftsman"}
SECRET_NAME = "张三丰"  # stands for application content that must never appear in clear
CASE_JSON = json.dumps({"applications": [{"id": "A001", "name": SECRET_NAME,
                                           "unit": "昆明钢铁控股有限公司"}]},
                       ensure_ascii=False).encode("utf-8")


def _seal(path: Path, entries: list[tuple[str, bytes]] | None = None, *,
          chunk_size: int = 1024, passphrase: str = PASS) -> Path:
    entries = entries if entries is not None else [
        ("case.json", CASE_JSON), ("panel.toml", b"id = 'yunling-craftsman'\n"),
        ("materials/A001/申报书.pdf", os.urandom(9000))]
    seal(entries, path, passphrase, header_info=INFO, kdf=CHEAP, chunk_size=chunk_size)
    return path


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """About a dozen 1 KiB chunks, so damage can land in the first, a middle or the last."""
    return _seal(tmp_path / "case.rvb")


def _flip(path: Path, offset: int, bit: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))


def _rewrite_envelope(path: Path, fields: dict[str, object], version: int = 1) -> None:
    """Re-encode the header *with* a valid CRC and digest, as a deliberate forger would."""
    header = read_header(path)
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
    prefix = MAGIC + struct.pack(">HI", version, len(body))
    head = prefix + struct.pack(">I", zlib.crc32(prefix)) + body
    rest = path.read_bytes()[header.data_offset:]
    path.write_bytes(head + hashlib.sha256(head).digest() + rest)


def _fields(path: Path) -> dict[str, object]:
    data = path.read_bytes()
    (length,) = struct.unpack(">I", data[6:10])
    fields: dict[str, object] = json.loads(data[14:14 + length])
    return fields


# -- round trip ---------------------------------------------------------------------------------

def test_round_trip_returns_every_entry_byte_for_byte(tmp_path: Path) -> None:
    big = os.urandom(3 * 1024 * 1024 + 12345)  # several default (1 MiB) chunks
    entries = {
        "case.json": CASE_JSON,
        "materials/A001/申报书（终稿）.pdf": big,
        "empty.txt": b"",
        "材料/" + "很长的文件名" * 30 + ".docx": b"long names need pax headers",
    }
    streamed = io.BytesIO(b"--" + b"streamed entry" * 1000)
    streamed.seek(2)  # a stream is sealed from where it stands
    out = tmp_path / "case.rvb"
    digest = seal([*entries.items(), ("stream.bin", streamed)], out, PASS, header_info=INFO,
                  kdf=CHEAP)
    opened = open_bundle(out, PASS)
    assert opened.entries == {**entries, "stream.bin": b"streamed entry" * 1000}
    assert list(opened.entries) == [*entries, "stream.bin"]
    assert digest == opened.sha256 == file_sha256(out) == hashlib.sha256(out.read_bytes()).hexdigest()
    assert opened.header.case_id == INFO["case_id"] and opened.header.measure == INFO["measure"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=st.dictionaries(
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00/"),
                min_size=1, max_size=120),
        st.integers(min_value=0, max_value=6000), max_size=5),
    chunk_size=st.sampled_from([1024, 1500, 4096, 10240]),
)
def test_any_entries_and_chunk_size_round_trip(tmp_path: Path, sizes: dict[str, int],
                                               chunk_size: int) -> None:
    """Includes content that ends exactly on a chunk boundary (10240 divides every tar)."""
    entries = {name: os.urandom(size) for name, size in sizes.items()}
    out = tmp_path / "any.rvb"
    seal(entries.items(), out, PASS, header_info={}, kdf=CHEAP, chunk_size=chunk_size)
    assert open_bundle(out, PASS).entries == entries


def test_progress_counts_up_to_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    seal([("a", os.urandom(50_000))], tmp_path / "p.rvb", PASS, header_info=INFO, kdf=CHEAP,
         chunk_size=8192, progress=lambda done, total: calls.append((done, total)))
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and dones[0] == 0 and len(calls) > 5
    assert {total for _, total in calls} == {dones[-1]} and dones[-1] >= 50_000


def test_passphrase_is_compared_after_unicode_normalisation(tmp_path: Path) -> None:
    out = _seal(tmp_path / "nfc.rvb", passphrase="cafe\u0301-评审")
    assert open_bundle(out, "caf\u00e9-评审").entries["case.json"] == CASE_JSON


def test_every_seal_uses_a_fresh_salt_and_nonce(tmp_path: Path) -> None:
    one, two = _seal(tmp_path / "1.rvb"), _seal(tmp_path / "2.rvb")
    h1, h2 = read_header(one), read_header(two)
    assert h1.salt != h2.salt and h1.nonce_prefix != h2.nonce_prefix
    assert file_sha256(one) != file_sha256(two)


def test_file_follows_the_documented_construction(bundle: Path) -> None:
    """Decrypted here with the primitives alone, so archived bundles stay readable: Argon2id ->
    HKDF-SHA256 -> AES-256-GCM, nonce = prefix || u32 index, AD = SHA-256(envelope) || u64
    index || last flag, plaintext = a pax tar stream."""
    raw = bundle.read_bytes()
    (length,) = struct.unpack(">I", raw[6:10])
    fields = json.loads(raw[14:14 + length])
    kdf = fields["kdf"]
    envelope_digest = raw[14 + length:46 + length]
    assert envelope_digest == hashlib.sha256(raw[:14 + length]).digest()
    master = hash_secret_raw(PASS.encode("utf-8"), base64.b64decode(kdf["salt"]),
                             time_cost=kdf["time_cost"], memory_cost=kdf["memory_cost"],
                             parallelism=kdf["parallelism"], hash_len=32, type=Type.ID)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"reviewer bundle v1: AES-256-GCM content key").derive(master)
    aead, prefix = AESGCM(key), base64.b64decode(fields["nonce_prefix"])
    body, step = raw[46 + length:], fields["chunk_size"] + 16
    sealed = [body[i:i + step] for i in range(0, len(body), step)]
    plain = b"".join(
        aead.decrypt(prefix + struct.pack(">I", index), chunk,
                     envelope_digest + struct.pack(">QB", index, index == len(sealed) - 1))
        for index, chunk in enumerate(sealed))
    assert len(sealed) > 5 and len(plain) == fields["content_size"]
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as tar:
        assert tar.getnames() == ["case.json", "panel.toml", "materials/A001/申报书.pdf"]
        member = tar.extractfile("case.json")
        assert member is not None and member.read() == CASE_JSON


# -- the header is public and holds no content ---------------------------------------------------

def test_header_is_readable_without_passphrase_and_holds_no_content(bundle: Path) -> None:
    header = read_header(bundle)
    assert isinstance(header, BundleHeader)
    assert (header.case_id, header.measure, header.format_version) == (
        "ylgj-2026-01", "yunling-craftsman", 1)
    assert header.kdf == CHEAP and header.chunk_size == 1024
    assert header.created.endswith("Z")
    shown = json.dumps(header.to_dict(), ensure_ascii=False)
    raw = bundle.read_bytes()
    for secret in (SECRET_NAME, "昆明钢铁", "申报书", "A001", "materials"):
        assert secret not in shown
        assert secret.encode("utf-8") not in raw  # neither in the header nor anywhere else
        assert json.dumps(secret).encode("ascii") not in raw
    assert set(_fields(bundle)) == {"format", "cipher", "container", "chunk_size",
                                    "content_size", "nonce_prefix", "key_check", "created",
                                    "kdf", "case_id", "measure"}


def test_header_refuses_application_content(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        seal([("case.json", CASE_JSON)], tmp_path / "x.rvb", PASS,
             header_info={**INFO, "title": SECRET_NAME}, kdf=CHEAP)
    assert list(tmp_path.iterdir()) == []


def test_default_kdf_is_rfc9106_second_option_and_recorded(tmp_path: Path) -> None:
    out = tmp_path / "default.rvb"
    seal([("case.json", CASE_JSON)], out, PASS, header_info=INFO)
    header = read_header(out)
    assert header.kdf == KdfParams(time_cost=3, memory_cost=65536, parallelism=4)
    kdf = _fields(out)["kdf"]
    assert isinstance(kdf, dict)
    assert (kdf["algorithm"], kdf["time_cost"], kdf["memory_cost"], kdf["parallelism"],
            kdf["key_length"]) == ("argon2id", 3, 65536, 4, 32)
    assert len(header.salt) == 16 and header.chunk_size == 1024 * 1024
    assert open_bundle(out, PASS).entries == {"case.json": CASE_JSON}


# -- refusals -------------------------------------------------------------------------------------

def test_wrong_passphrase_has_its_own_error(bundle: Path) -> None:
    for wrong in ("", PASS + " ", "云岭工匠-评审口令-2025"):
        with pytest.raises(WrongPassphraseError) as caught:
            open_bundle(bundle, wrong)
        assert caught.value.exit_code == 12


def _positions(path: Path) -> Iterator[int]:
    """Every envelope byte, then a spread over the chunks: first, boundaries, tags, last."""
    header = read_header(path)
    size = path.stat().st_size
    yield from range(header.data_offset)
    step = header.chunk_size + 16
    for start in range(header.data_offset, size, step):
        yield from {start, start + 1, start + step // 2, min(start + step, size) - 1}
    yield size - 1


def test_one_flipped_bit_anywhere_is_reported_as_corrupted(bundle: Path) -> None:
    original = bundle.read_bytes()
    positions = list(_positions(bundle))
    assert len(positions) > 300 and positions[-1] == len(original) - 1
    for number, offset in enumerate(positions):
        bundle.write_bytes(original)
        _flip(bundle, offset, bit=number % 8)
        with pytest.raises(CorruptedBundleError) as caught:
            open_bundle(bundle, PASS)
        assert caught.value.exit_code == 13, offset


def test_a_flipped_header_bit_is_caught_before_the_passphrase(bundle: Path) -> None:
    """Even in the salt or the KDF parameters: damage, not "wrong passphrase"."""
    raw = bundle.read_bytes()
    salt_at = raw.index(b'"salt":"') + 10
    for offset in (0, 3, 4, 7, 12, salt_at, raw.index(b'"time_cost":') + 12):
        bundle.write_bytes(raw)
        _flip(bundle, offset, bit=1)
        with pytest.raises(CorruptedBundleError):
            read_header(bundle)
        with pytest.raises(CorruptedBundleError):
            open_bundle(bundle, "not even the right passphrase")


def test_reordered_chunks_are_detected(bundle: Path) -> None:
    header = read_header(bundle)
    raw = bundle.read_bytes()
    step, start = header.chunk_size + 16, header.data_offset
    first, second = raw[start:start + step], raw[start + step:start + 2 * step]
    bundle.write_bytes(raw[:start] + second + first + raw[start + 2 * step:])
    with pytest.raises(CorruptedBundleError):
        open_bundle(bundle, PASS)


def test_truncation_at_any_point_is_reported_as_truncated(bundle: Path) -> None:
    original = bundle.read_bytes()
    header = read_header(bundle)
    step = header.chunk_size + 16
    cuts = {0, 1, 3, 4, 9, 13, 14, 100, header.data_offset - 1, header.data_offset,
            header.data_offset + 1, header.data_offset + step, header.data_offset + 3 * step,
            header.data_offset + 3 * step + 700, len(original) - 17, len(original) - 1}
    for cut in sorted(cuts):
        bundle.write_bytes(original[:cut])
        with pytest.raises(TruncatedBundleError) as caught:
            open_bundle(bundle, PASS)
        assert caught.value.exit_code == 14, cut


def test_appended_bytes_are_detected(bundle: Path) -> None:
    original = bundle.read_bytes()
    header = read_header(bundle)
    last_chunk = original[header.data_offset + (header.chunk_count - 1) * (header.chunk_size + 16):]
    for extra in (b"\x00", b"more", last_chunk, original[header.data_offset:]):
        bundle.write_bytes(original + extra)
        with pytest.raises(CorruptedBundleError):
            open_bundle(bundle, PASS)


def test_a_forged_header_with_valid_checksums_fails_authentication(bundle: Path) -> None:
    """The CRC and SHA-256 catch accidents; the AEAD catches deliberate edits."""
    fields = _fields(bundle)
    _rewrite_envelope(bundle, {**fields, "case_id": "another-case"})
    assert read_header(bundle).case_id == "another-case"  # readable, but not authentic:
    with pytest.raises(CorruptedBundleError):
        open_bundle(bundle, PASS)


def test_a_forged_salt_can_only_look_like_a_wrong_passphrase(bundle: Path) -> None:
    """Documented limit: without the key, a re-checksummed KDF change cannot be told from a
    wrong passphrase. Either way nothing is decrypted."""
    fields = _fields(bundle)
    kdf = dict(fields["kdf"])  # type: ignore[call-overload]
    kdf["salt"] = "AAAAAAAAAAAAAAAAAAAAAA=="
    _rewrite_envelope(bundle, {**fields, "kdf": kdf})
    with pytest.raises(WrongPassphraseError):
        open_bundle(bundle, PASS)


def test_a_newer_format_version_has_its_own_error(bundle: Path) -> None:
    _rewrite_envelope(bundle, {"format": 2, "anything": "a later release may change"},
                      version=2)
    for action in (lambda: read_header(bundle), lambda: open_bundle(bundle, PASS)):
        with pytest.raises(FutureVersionError) as caught:
            action()
        assert caught.value.exit_code == 11
        assert caught.value.params["version"] == 2


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"x" * 100, b"hello", b"RVB", b"\x00" * 64,
    b'{"format": 1}\n' * 10, b"RVC\x00" + b"\x00" * 200,
])
def test_a_file_that_is_not_a_bundle_is_named_as_such(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not.rvb"
    path.write_bytes(content)
    expected = TruncatedBundleError if content == b"RVB" else NotABundleError
    with pytest.raises(expected):
        read_header(path)
    with pytest.raises(expected):
        open_bundle(path, PASS)


def test_damage_in_the_last_chunk_withholds_everything(tmp_path: Path) -> None:
    """The entries are complete before the last chunk (tar padding) is read: still nothing."""
    out = _seal(tmp_path / "late.rvb", [("case.json", CASE_JSON)])
    header = read_header(out)
    assert header.chunk_count >= 5
    _flip(out, out.stat().st_size - 1)
    with pytest.raises(CorruptedBundleError) as caught:
        open_bundle(out, PASS)
    assert set(caught.value.params) <= {"path", "chunk", "chunks"}
    assert caught.value.params["chunk"] == header.chunk_count


def test_errors_are_one_line_in_both_languages_with_distinct_codes(bundle: Path) -> None:
    errors: list[BundleError] = []
    for corrupt, passphrase in ((lambda: None, "wrong"), (lambda: _flip(bundle, 500), PASS),
                                (lambda: bundle.write_bytes(bundle.read_bytes()[:-5]), PASS),
                                (lambda: bundle.write_bytes(b"plain text"), PASS)):
        corrupt()
        with pytest.raises(BundleError) as caught:
            open_bundle(bundle, passphrase)
        errors.append(caught.value)
    _seal(bundle)
    _rewrite_envelope(bundle, {"format": 9}, version=9)
    with pytest.raises(BundleError) as future:
        read_header(bundle)
    errors.append(future.value)
    assert sorted(e.exit_code for e in errors) == [10, 11, 12, 13, 14]
    try:
        for lang in ("zh", "en"):
            set_locale(lang)
            for err in errors:
                text = str(err)
                assert "\n" not in text and str(bundle) in text and "bundle." not in text
    finally:
        set_locale(None)


# -- atomic write ---------------------------------------------------------------------------------

class _FailingStream(io.RawIOBase):
    """A material file whose disk fails half-way through."""

    def __init__(self, size: int) -> None:
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.size if whence == os.SEEK_END else offset
        return self.position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.position > self.size // 2:
            raise OSError("simulated read failure")
        count = min(len(buffer), self.size - self.position)
        buffer[:count] = b"\x01" * count
        self.position += count
        return count


def test_failed_seal_leaves_no_temp_file_and_keeps_the_old_bundle(bundle: Path) -> None:
    before = bundle.read_bytes()
    with pytest.raises(OSError, match="simulated"):
        seal([("case.json", CASE_JSON), ("big.bin", _FailingStream(200_000))],  # type: ignore[list-item]
             bundle, PASS, header_info=INFO, kdf=CHEAP)

    def interrupt(done: int, total: int) -> None:
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seal([("a", os.urandom(100_000))], bundle, PASS, header_info=INFO, kdf=CHEAP,
             chunk_size=4096, progress=interrupt)
    assert [p.name for p in bundle.parent.iterdir()] == [bundle.name]
    assert bundle.read_bytes() == before


def test_seal_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        seal([("a", b"x")], tmp_path / "no" / "such.rvb", PASS, header_info=INFO, kdf=CHEAP)
    assert caught.value.exit_code == 2


# -- a crafted header: bounded before any work (issue 9) ------------------------------------------


def _rewrite_header(path: Path, change: Callable[[dict], None]) -> None:
    """Edit the header's JSON and recompute its CRC and SHA-256, as an attacker can."""
    from reviewer.bundle.header import encode_envelope

    raw = path.read_bytes()
    (length,) = struct.unpack(">I", raw[6:10])
    fields = json.loads(raw[14:14 + length])
    change(fields)
    path.write_bytes(encode_envelope(fields) + raw[46 + length:])


@pytest.mark.parametrize(("field", "value"), [
    ("time_cost", 64), ("memory_cost", 2 * 1024 * 1024), ("parallelism", 255),
    ("time_cost", 11), ("memory_cost", 1024 * 1024 + 1),
])
def test_kdf_costs_beyond_the_bounds_are_refused_before_any_work(
        bundle: Path, monkeypatch: pytest.MonkeyPatch, field: str, value: int) -> None:
    _rewrite_header(bundle, lambda f: f["kdf"].__setitem__(field, value))

    def no_work(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("Argon2id ran on an out-of-bounds header")

    monkeypatch.setattr("reviewer.bundle.crypto.hash_secret_raw", no_work)
    with pytest.raises(CorruptedBundleError) as caught:
        open_bundle(bundle, PASS)
    assert caught.value.exit_code == 13 and caught.value.code == "bundle.kdf_out_of_bounds"
    with pytest.raises(CorruptedBundleError):
        read_header(bundle)


def test_the_largest_allowed_costs_still_parse(bundle: Path) -> None:
    from reviewer.bundle.header import MAX_MEMORY_KIB, MAX_PARALLELISM, MAX_TIME_COST

    assert KdfParams(MAX_TIME_COST, MAX_MEMORY_KIB, MAX_PARALLELISM).is_sane()
    assert not KdfParams(MAX_TIME_COST + 1, MAX_MEMORY_KIB, 1).is_sane()
    assert KdfParams().is_sane()


@pytest.mark.parametrize("field", ["chunk_size", "created", "nonce_prefix", "case_id"])
def test_an_edited_header_field_with_a_recomputed_digest_reads_as_tampered(
        bundle: Path, field: str) -> None:
    def change(fields: dict) -> None:
        if field == "chunk_size":
            fields[field] = fields[field] * 2
        elif field == "nonce_prefix":
            fields[field] = base64.b64encode(b"\x00" * 8).decode()
        else:
            fields[field] = str(fields.get(field, "")) + "x"

    _rewrite_header(bundle, change)
    with pytest.raises(CorruptedBundleError) as caught:
        open_bundle(bundle, PASS)
    assert caught.value.exit_code == 13
