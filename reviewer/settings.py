"""The program's configuration in one typed object, read once at start and passed in.

Defaults that used to be repeated in the CLI, the terminal application and the PDF code
(the signing place, the organisation, the idle timeout) live here only; the front-ends fill
a ``Settings`` from their options and the environment and hand it to the use cases in
``reviewer.services``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_LOCATION = "云南省昆明市"  # where the committee signs (PDF signature field)
DEFAULT_ORGANISATION = "云南省总工会"
DEFAULT_IDLE_MINUTES = 10.0


@dataclass(frozen=True)
class Settings:
    """What a session needs to know beyond the bundle and the passphrase."""

    location: str = DEFAULT_LOCATION
    organisation: str = DEFAULT_ORGANISATION
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    font: str | None = None  # a CJK TrueType font for PDFs (else REVIEWER_CJK_FONT / system)
    key: Path | None = None  # signing identity: --key/--cert or --p12
    cert: Path | None = None
    p12: Path | None = None
    key_passphrase_file: Path | None = None
    trust: tuple[Path, ...] = ()  # certificates trusted when verifying a PDF
    db_url: str | None = None  # else REVIEWER_DB, else beside the bundle
    language: str | None = None  # "zh" | "en" | None (from the environment)
    # a long history may be checked on two cores by a forked child: for one-shot commands,
    # never for the terminal application (``reviewer.storage.forked``)
    fork_verifier: bool = False

    @property
    def can_sign(self) -> bool:
        return bool(self.p12 or (self.key and self.cert))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        lang = env.get("REVIEWER_LANG", "")[:2]
        return cls(db_url=env.get("REVIEWER_DB") or None,
                   font=env.get("REVIEWER_CJK_FONT") or None,
                   language=lang if lang in ("zh", "en") else None)

    @classmethod
    def from_options(cls, options: object, environ: Mapping[str, str] | None = None) -> Settings:
        """From parsed command-line options (any attribute missing keeps the default)."""
        base = cls.from_env(environ)

        def opt(name: str, default: object) -> object:
            value = getattr(options, name, None)
            return default if value is None else value

        trust = tuple(Path(p) for p in (getattr(options, "trust", None) or ()))
        return replace(
            base,
            location=str(opt("location", base.location)),
            organisation=str(opt("org", base.organisation)),
            idle_minutes=float(opt("idle_minutes", base.idle_minutes)),  # type: ignore[arg-type]
            font=opt("font", base.font),  # type: ignore[arg-type]
            key=opt("key", None),  # type: ignore[arg-type]
            cert=opt("cert", None),  # type: ignore[arg-type]
            p12=opt("p12", None),  # type: ignore[arg-type]
            key_passphrase_file=opt("key_passphrase_file", None),  # type: ignore[arg-type]
            trust=trust or base.trust,
            db_url=opt("db", base.db_url),  # type: ignore[arg-type]
            language=opt("lang", base.language),  # type: ignore[arg-type]
        )
