"""Signing identities: ECDSA P-256 keys and X.509 certificates, all through ``cryptography``.

P-256 because poppler 22.12 (pdfsig) cannot verify Ed25519 PDF signatures and RSA-3072 signs
ten times slower. A person's certificate is self-signed unless an organisation root issues it
(``init_ca``), so the supervision group can trust one root instead of each person. Leaf
certificates carry digitalSignature + nonRepudiation, the key usage PAdES validators expect.
People compare the SHA-256 fingerprint on paper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from reviewer.pdf.errors import KeyMaterialError

LEAF_DAYS = 3650
CA_DAYS = 7300
CLOCK_SKEW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class CaIdentity:
    """An organisation root able to issue personal certificates."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


@dataclass(frozen=True)
class SignerIdentity:
    """What ``sign_pdf`` needs: pyHanko's signer plus facts to show the user."""

    signer: SimpleSigner
    common_name: str
    fingerprint: str
    cert: x509.Certificate


def paths_for(out_prefix: str | os.PathLike[str]) -> tuple[Path, Path]:
    prefix = str(out_prefix)
    return Path(prefix + ".key.pem"), Path(prefix + ".cert.pem")


def cert_fingerprint(cert: Any) -> str:
    """SHA-256 of the DER certificate as AB:CD:…; accepts cryptography or asn1crypto certs."""
    der = cert.dump() if hasattr(cert, "dump") else cert.public_bytes(serialization.Encoding.DER)
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def _passphrase(passphrase: str | bytes) -> bytes:
    value = passphrase.encode() if isinstance(passphrase, str) else passphrase
    if not value:
        raise KeyMaterialError("pdf.key.passphrase_empty")
    return value


def _name(common_name: str, org: str, role: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if role:
        attrs.append(x509.NameAttribute(NameOID.TITLE, role))
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=not signing,
        crl_sign=not signing, encipher_only=False, decipher_only=False)


def _write(out_prefix: str | os.PathLike[str], key: ec.EllipticCurvePrivateKey,
           cert: x509.Certificate, passphrase: bytes) -> None:
    key_path, cert_path = paths_for(out_prefix)
    for path in (key_path, cert_path):
        if path.exists():
            raise KeyMaterialError("pdf.key.exists", path=str(path))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(passphrase))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _build(subject: x509.Name, key: ec.EllipticCurvePrivateKey, days: int, *, ca: bool,
           issuer: CaIdentity | None) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    not_after = now + dt.timedelta(days=days)
    if issuer is not None:
        not_after = min(not_after, issuer.cert.not_valid_after_utc)
    signing_key = issuer.key if issuer is not None else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(signing=not ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            signing_key.public_key()), critical=False)
    )
    return builder.sign(signing_key, hashes.SHA256())


def init_ca(name: str, org: str, passphrase: str | bytes, out_prefix: str | os.PathLike[str],
            *, days: int = CA_DAYS) -> str:
    """Create an organisation root (CA:true, keyCertSign); return its fingerprint."""
    secret = _passphrase(passphrase)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build(_name(name, org), key, days, ca=True, issuer=None)
    _write(out_prefix, key, cert, secret)
    return cert_fingerprint(cert)


def generate_identity(name: str, role: str, org: str, passphrase: str | bytes,
                      out_prefix: str | os.PathLike[str], ca: CaIdentity | None = None,
                      days: int = LEAF_DAYS) -> str:
    """Write PREFIX.key.pem (encrypted) and PREFIX.cert.pem; return the SHA-256 fingerprint."""
    secret = _passphrase(passphrase)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build(_name(name, org, role), key, days, ca=False, issuer=ca)
    _write(out_prefix, key, cert, secret)
    return cert_fingerprint(cert)


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise KeyMaterialError("pdf.key.unreadable", path=str(path), problem=exc.strerror) from exc


def _load_key(path: str | os.PathLike[str], passphrase: str | bytes) -> Any:
    data = _read(path)
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    loader = (serialization.load_pem_private_key if b"-----BEGIN" in data
              else serialization.load_der_private_key)
    try:
        return loader(data, password=secret or None)
    except TypeError as exc:  # encrypted key without passphrase, or the reverse
        raise KeyMaterialError("pdf.key.bad_passphrase", path=str(path)) from exc
    except ValueError as exc:
        if b"ENCRYPTED" in data:
            raise KeyMaterialError("pdf.key.bad_passphrase", path=str(path)) from exc
        raise KeyMaterialError("pdf.key.malformed", path=str(path)) from exc


def load_certs(path: str | os.PathLike[str]) -> list[x509.Certificate]:
    """All certificates in a PEM bundle or a single DER file."""
    data = _read(path)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise KeyMaterialError("pdf.cert.malformed", path=str(path)) from exc


def load_ca(key_path: str | os.PathLike[str], cert_path: str | os.PathLike[str],
            passphrase: str | bytes) -> CaIdentity:
    key = _load_key(key_path, passphrase)
    cert = load_certs(cert_path)[0]
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyMaterialError("pdf.key.unsupported", path=str(key_path))
    _check_pair(key, cert, str(cert_path))
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise KeyMaterialError("pdf.ca.not_ca", path=str(cert_path))
    return CaIdentity(key, cert)


def _check_pair(key: Any, cert: x509.Certificate, where: str) -> None:
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if (key.public_key().public_bytes(serialization.Encoding.DER, public)
            != cert.public_key().public_bytes(serialization.Encoding.DER, public)):
        raise KeyMaterialError("pdf.key.mismatch", path=where)


def _signer(key: Any, cert: x509.Certificate, chain: list[x509.Certificate],
            where: str) -> SignerIdentity:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        raise KeyMaterialError("pdf.key.eddsa", path=where)
    _check_pair(key, cert, where)
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    others = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
              for c in chain]
    signer = SimpleSigner(signing_cert=asn1_cert,
                          signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
                          cert_registry=SimpleCertificateStore.from_certs([asn1_cert, *others]))
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else cert.subject.rfc4514_string()
    return SignerIdentity(signer, common_name, cert_fingerprint(cert), cert)


def load_signer(key_path: str | os.PathLike[str], cert_path: str | os.PathLike[str],
                passphrase: str | bytes) -> SignerIdentity:
    """Key + certificate files; further certificates in the cert file are embedded as chain."""
    key = _load_key(key_path, passphrase)
    certs = load_certs(cert_path)
    return _signer(key, certs[0], certs[1:], str(cert_path))


def load_pkcs12(path: str | os.PathLike[str], passphrase: str | bytes) -> SignerIdentity:
    """A .p12/.pfx, e.g. issued by a real CA, usable wherever key + certificate are."""
    data = _read(path)
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
    except ValueError as exc:
        raise KeyMaterialError("pdf.p12.unreadable", path=str(path)) from exc
    if key is None or cert is None:
        raise KeyMaterialError("pdf.p12.incomplete", path=str(path))
    return _signer(key, cert, list(extra), str(path))
