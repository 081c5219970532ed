"""Keys, PAdES signatures, countersignatures and verification, cross-checked with pdfsig."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from reviewer.i18n import set_locale
from reviewer.pdf import keys
from reviewer.pdf.errors import (
    EXIT_BROKEN,
    EXIT_CASE_MISMATCH,
    EXIT_MODIFIED,
    EXIT_OK,
    EXIT_UNSIGNED,
    EXIT_UNTRUSTED,
    KeyMaterialError,
)
from reviewer.pdf.metadata import KEY_BUNDLE
from reviewer.pdf.report import render_results_pdf
from reviewer.pdf.sample import sample_report
from reviewer.pdf.signing import async_sign_pdf, async_verify_pdf, sign_pdf, verify_pdf

needs_pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None,
                                  reason="poppler-utils (pdfsig) not installed")


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_locale("zh")
    yield
    set_locale(None)


class World:
    """Keys and an unsigned report, made once per module (P-256 keygen is cheap)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = sample_report(40)
        self.unsigned = root / "results.pdf"
        render_results_pdf(self.data, self.unsigned)
        self.secretary_fp = keys.generate_identity("钱丽娟", "评审秘书", "云南省总工会", "pw-sec",
                                                   root / "secretary")
        self.ca_fp = keys.init_ca("云南省总工会评审根证书", "云南省总工会", "pw-ca", root / "root")
        ca = keys.load_ca(root / "root.key.pem", root / "root.cert.pem", "pw-ca")
        self.leader_fp = keys.generate_identity("张建国", "综合组组长", "云南省总工会", "pw-lead",
                                                root / "leader", ca=ca)
        keys.generate_identity("冒名者", "评审秘书", "某单位", "pw-x", root / "stranger")
        self.secretary = keys.load_signer(root / "secretary.key.pem",
                                          root / "secretary.cert.pem", "pw-sec")
        self.leader = keys.load_signer(root / "leader.key.pem", root / "leader.cert.pem",
                                       "pw-lead")
        self.trust = [root / "secretary.cert.pem", root / "root.cert.pem"]
        self.twice = root / "twice.pdf"
        sign_pdf(self.unsigned, root / "once.pdf", self.secretary, reason="评审结果",
                 location="昆明")
        sign_pdf(root / "once.pdf", self.twice, self.leader, reason="综合组确认", location="昆明")

    @property
    def case(self) -> tuple[str, str]:
        return self.data.integrity.bundle_sha256, self.data.integrity.chain_head


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    set_locale("zh")
    made = World(tmp_path_factory.mktemp("sign"))
    set_locale(None)
    return made


def pdfsig(path: Path) -> list[str]:
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return [line.split(":", 1)[1].strip() for line in out.stdout.splitlines()
            if "Signature Validation:" in line]


def copy(world: World, name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(world.twice, target)
    return target


# ---------------------------------------------------------------- keys

def test_keygen_writes_encrypted_key_and_named_certificate(world: World) -> None:
    key_pem = (world.root / "secretary.key.pem").read_bytes()
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    cert = x509.load_pem_x509_certificate((world.root / "secretary.cert.pem").read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "钱丽娟"
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "评审秘书"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "云南省总工会"
    assert cert.issuer == cert.subject
    der = cert.public_bytes(serialization.Encoding.DER)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    assert world.secretary_fp == ":".join(f"{b:02X}" for b in digest.finalize())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert cert.signature_hash_algorithm.name == "sha256"
    assert cert.public_key().curve.name == "secp256r1"


def test_ca_issues_leaf_certificates(world: World) -> None:
    root = x509.load_pem_x509_certificate((world.root / "root.cert.pem").read_bytes())
    leaf = x509.load_pem_x509_certificate((world.root / "leader.cert.pem").read_bytes())
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert leaf.issuer == root.subject
    leaf.verify_directly_issued_by(root)
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_wrong_passphrase_and_overwrite_are_refused(world: World) -> None:
    with pytest.raises(KeyMaterialError, match="口令不正确") as err:
        keys.load_signer(world.root / "secretary.key.pem", world.root / "secretary.cert.pem",
                         "wrong")
    assert err.value.exit_code == 2
    with pytest.raises(KeyMaterialError, match="已存在"):
        keys.generate_identity("x", "y", "z", "pw", world.root / "secretary")
    with pytest.raises(KeyMaterialError, match="不能为空"):
        keys.generate_identity("x", "y", "z", "", world.root / "fresh")
    with pytest.raises(KeyMaterialError, match="不匹配"):
        keys.load_signer(world.root / "secretary.key.pem", world.root / "leader.cert.pem",
                         "pw-sec")
    with pytest.raises(KeyMaterialError, match="不是机构根证书"):
        keys.load_ca(world.root / "secretary.key.pem", world.root / "secretary.cert.pem",
                     "pw-sec")


def test_ed25519_is_refused_because_poppler_cannot_verify_it(tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ed")])
    import datetime as dt
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, None))
    p12 = tmp_path / "ed.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ed", key, cert, None, serialization.BestAvailableEncryption(b"pw")))
    with pytest.raises(KeyMaterialError, match="Ed25519"):
        keys.load_pkcs12(p12, "pw")


# ---------------------------------------------------------------- signing and verify

@needs_pdfsig
def test_signed_and_countersigned_file_verifies_everywhere(world: World) -> None:
    report = verify_pdf(world.twice, world.trust, case_facts=world.case)
    assert report.exit_code == EXIT_OK and report.ok, report.describe()
    first, second = report.signatures
    assert (first.signer, second.signer) == ("钱丽娟", "张建国")
    assert (first.fingerprint, second.fingerprint) == (world.secretary_fp, world.leader_fp)
    assert first.changes_after == "signatures" and second.changes_after == "none"
    assert first.intact and second.intact and first.trusted and second.trusted
    assert first.signing_time and second.signing_time
    assert pdfsig(world.twice) == ["Signature is Valid.", "Signature is Valid."]
    assert "全部签名有效" in report.describe()


def test_json_report_carries_the_verdicts(world: World) -> None:
    data = json.loads(verify_pdf(world.twice, world.trust, case_facts=world.case).to_json())
    assert data["ok"] is True and data["exit_code"] == 0 and data["case"]["ok"] is True
    assert [s["signer"] for s in data["signatures"]] == ["钱丽娟", "张建国"]
    assert data["facts"]["bundle_sha256"] == world.data.integrity.bundle_sha256


@needs_pdfsig
def test_flipped_byte_breaks_the_signatures(world: World, tmp_path: Path) -> None:
    path = copy(world, "flipped.pdf", tmp_path)
    data = bytearray(path.read_bytes())
    start = data.index(b"stream", 2000) + 400  # inside a page's content stream, signed by both
    data[start] ^= 0x01
    path.write_bytes(bytes(data))
    report = verify_pdf(path, world.trust)
    assert report.exit_code == EXIT_BROKEN
    assert not any(s.intact for s in report.signatures)
    assert pdfsig(path) == ["Digest Mismatch.", "Digest Mismatch."]


def _append_info_change(path: Path, key: str, value: str) -> None:
    with open(path, "rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        info = writer.trailer["/Info"].get_object()
        info[generic.NameObject(key)] = generic.TextStringObject(value)
        writer.update_container(info)
        with open(path.with_suffix(".tmp"), "wb") as out:
            writer.write(out)
    path.with_suffix(".tmp").replace(path)


@needs_pdfsig
def test_unsigned_update_after_signing_is_detected(world: World, tmp_path: Path) -> None:
    path = copy(world, "appended.pdf", tmp_path)
    _append_info_change(path, KEY_BUNDLE, "0" * 64)  # forge the bundle hash after signing
    report = verify_pdf(path, world.trust, case_facts=world.case)
    assert report.exit_code == EXIT_MODIFIED
    assert report.signatures[-1].changes_after == "not_allowed"
    # the facts are read from what was signed, so the forgery does not even pass --case
    assert report.facts.bundle_sha256 == world.data.integrity.bundle_sha256
    assert EXIT_CASE_MISMATCH not in report.codes
    # pdfsig still calls both signatures valid: only our own analysis catches this
    assert pdfsig(path) == ["Signature is Valid.", "Signature is Valid."]


def test_appended_annotation_is_detected(world: World, tmp_path: Path) -> None:
    path = copy(world, "annotated.pdf", tmp_path)
    with open(path, "rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        note = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (50, 50, 80, 80)]),
            generic.NameObject("/Contents"): generic.TextStringObject("改为第一名"),
        }))
        annots = page.get("/Annots", generic.ArrayObject())
        page[generic.NameObject("/Annots")] = generic.ArrayObject([*annots, note])
        writer.update_container(page)
        with open(tmp_path / "out.pdf", "wb") as out:
            writer.write(out)
    report = verify_pdf(tmp_path / "out.pdf", world.trust)
    assert report.exit_code == EXIT_MODIFIED
    assert all(s.changes_after == "not_allowed" for s in report.signatures)


def test_untrusted_signer_is_reported(world: World) -> None:
    only_stranger = [world.root / "stranger.cert.pem"]
    report = verify_pdf(world.twice, only_stranger)
    assert report.exit_code == EXIT_UNTRUSTED
    assert all(s.intact and not s.trusted for s in report.signatures)
    partly = verify_pdf(world.twice, [world.root / "secretary.cert.pem"])
    assert partly.exit_code == EXIT_UNTRUSTED
    assert [s.trusted for s in partly.signatures] == [True, False]


def test_unsigned_file_and_case_mismatch(world: World, tmp_path: Path) -> None:
    assert verify_pdf(world.unsigned, world.trust).exit_code == EXIT_UNSIGNED
    wrong = verify_pdf(world.twice, world.trust, case_facts=("ab" * 32, world.case[1]))
    assert wrong.exit_code == EXIT_CASE_MISMATCH and wrong.case is not None
    assert not wrong.case.ok
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    assert verify_pdf(junk, world.trust).exit_code == EXIT_BROKEN


@needs_pdfsig
def test_pkcs12_from_a_ca_signs_like_key_and_certificate(world: World, tmp_path: Path) -> None:
    key = serialization.load_pem_private_key((world.root / "leader.key.pem").read_bytes(),
                                             b"pw-lead")
    cert = x509.load_pem_x509_certificate((world.root / "leader.cert.pem").read_bytes())
    root = x509.load_pem_x509_certificate((world.root / "root.cert.pem").read_bytes())
    p12 = tmp_path / "leader.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"leader", key, cert, [root], serialization.BestAvailableEncryption(b"p12-pw")))
    with pytest.raises(KeyMaterialError):
        keys.load_pkcs12(p12, "nope")
    signer = keys.load_pkcs12(p12, "p12-pw")
    assert signer.fingerprint == world.leader_fp
    out = tmp_path / "p12.pdf"
    result = sign_pdf(world.unsigned, out, signer, reason="确认", location="昆明")
    assert result.field_name == "Signature1"
    report = verify_pdf(out, [world.root / "root.cert.pem"])
    assert report.exit_code == EXIT_OK, report.describe()
    assert pdfsig(out) == ["Signature is Valid."]


def test_signing_in_place_and_inside_a_running_event_loop(world: World, tmp_path: Path) -> None:
    path = tmp_path / "inplace.pdf"
    shutil.copy(world.unsigned, path)

    async def as_in_textual() -> int:
        await async_sign_pdf(path, path, world.secretary, reason="评审结果", location="昆明")
        await async_sign_pdf(path, path, world.leader, reason="确认", location="昆明")
        return (await async_verify_pdf(path, world.trust)).exit_code

    assert asyncio.run(as_in_textual()) == EXIT_OK
    names = [s.field_name for s in verify_pdf(path, world.trust).signatures]
    assert names == ["Signature1", "Signature2"]


def test_countersigner_cannot_rewrite_the_integrity_facts(world: World, tmp_path: Path) -> None:
    path = tmp_path / "rewritten.pdf"
    shutil.copy(world.root / "once.pdf", path)
    _append_info_change(path, KEY_BUNDLE, "0" * 64)  # then a trusted person signs over it
    sign_pdf(path, path, world.leader, reason="确认", location="昆明")
    report = verify_pdf(path, world.trust)
    assert report.exit_code == EXIT_MODIFIED
    assert report.facts.bundle_sha256 == world.data.integrity.bundle_sha256
