"""Finding a CJK font that ReportLab can embed, so the PDF renders the same everywhere.

Measured: ReportLab embeds TrueType outlines only (Noto CJK, being CFF, fails with "postscript
outlines are not supported"); WenQuanYi Zen Hei (subfontIndex 0) embeds as a subset. The
built-in STSong-Light is never embedded and shows blank on machines without CJK fonts, so it
is a last resort that always comes with a warning.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from reviewer.i18n import t
from reviewer.pdf.errors import FontError

ENV_VAR = "REVIEWER_CJK_FONT"
FALLBACK_CID = "STSong-Light"

# (path, subfont index) in order of preference: coverage first, then platform defaults.
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/google-droid/DroidSansFallback.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
)


@dataclass(frozen=True)
class FontChoice:
    name: str  # the ReportLab font name to use in styles
    path: str  # "" for the built-in CID font
    subfont_index: int
    embedded: bool
    warning: str = ""  # already rendered in the user's language

    def missing_glyphs(self, text: str) -> str:
        """Characters of ``text`` this font cannot draw (they would print as blanks)."""
        if not self.embedded:
            return ""
        font = pdfmetrics.getFont(self.name)
        mapping = font.face.charToGlyph  # type: ignore[attr-defined]
        return "".join(sorted({c for c in text if c.isprintable() and ord(c) not in mapping}))


def _split_spec(spec: str) -> tuple[str, int]:
    """``path#N`` selects subfont N of a .ttc collection."""
    path, sep, index = spec.rpartition("#")
    if sep and index.isdigit():
        return path, int(index)
    return spec, 0


def _register(path: str, index: int) -> FontChoice:
    name = "ReviewerCJK-" + hashlib.sha256(f"{path}#{index}".encode()).hexdigest()[:12]
    try:
        pdfmetrics.getFont(name)
    except KeyError:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return FontChoice(name, path, index, embedded=True)


def _fc_list() -> list[str]:
    """fontconfig's Chinese fonts, for Linux installs in unusual places."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line.split(":")[0].strip() for line in out.splitlines()]
    return sorted(f for f in files if f.lower().endswith((".ttf", ".ttc")))


def _fontconfig_candidates() -> Iterator[tuple[str, int]]:
    """fontconfig's fonts, asked for only once the known places hold none that works."""
    for path in _fc_list():
        yield path, 0


def find_cjk_font(font_path: str | os.PathLike[str] | None = None) -> FontChoice:
    """Register and return the best embeddable CJK font.

    An explicit path (argument, then ``REVIEWER_CJK_FONT``) must work or we refuse: silently
    using another font than the one configured would hide a mistake.
    """
    spec = str(font_path) if font_path else os.environ.get(ENV_VAR, "")
    if spec:
        path, index = _split_spec(spec)
        if not Path(path).is_file():
            raise FontError("pdf.font.missing", path=path)
        try:
            return _register(path, index)
        except (TTFError, OSError, ValueError) as exc:
            raise FontError("pdf.font.unusable", path=path, problem=str(exc)) from exc
    seen: set[str] = set()
    # not a list: fontconfig's subprocess ran on every export, used or not
    candidates = chain(CANDIDATES, _fontconfig_candidates())
    for path, index in candidates:
        if path in seen or not Path(path).is_file():
            continue
        seen.add(path)
        try:
            return _register(path, index)
        except (TTFError, OSError, ValueError):
            continue  # e.g. CFF-outline Noto CJK: try the next one
    try:
        pdfmetrics.getFont(FALLBACK_CID)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
    return FontChoice(FALLBACK_CID, "", 0, embedded=False,
                      warning=t("pdf.font.fallback", env=ENV_VAR))
