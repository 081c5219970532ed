"""The sealed case bundle (``.rvb``): an Argon2id + AES-256-GCM container of named entries.

``seal`` writes one, ``read_header`` reads what is public without the passphrase, and
``open_bundle`` authenticates the whole file before returning its entries.
"""

from reviewer.bundle.archive import OpenedBundle, file_sha256, open_bundle, seal
from reviewer.bundle.errors import (
    BundleError,
    BundleIOError,
    CorruptedBundleError,
    FutureVersionError,
    NotABundleError,
    TruncatedBundleError,
    WrongPassphraseError,
)
from reviewer.bundle.header import (
    DEFAULT_CHUNK_SIZE,
    FORMAT_VERSION,
    MAGIC,
    BundleHeader,
    KdfParams,
    read_header,
)

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "FORMAT_VERSION",
    "MAGIC",
    "BundleError",
    "BundleHeader",
    "BundleIOError",
    "CorruptedBundleError",
    "FutureVersionError",
    "KdfParams",
    "NotABundleError",
    "OpenedBundle",
    "TruncatedBundleError",
    "WrongPassphraseError",
    "file_sha256",
    "open_bundle",
    "read_header",
    "seal",
]
