"""Finding a font with Chinese glyphs to embed, and registering it with fpdf2.

Order of search: SALESOPS_PDF_FONT (a .ttf, .otf, .ttc or .otc file; for a collection
`path#N` picks face N, else the Simplified Chinese face is chosen by its name), then the
places Debian, macOS and Windows keep common CJK fonts, then fontconfig's best match for
Chinese (`fc-match :lang=zh-cn`). A font is accepted only if it maps 中, 文 and 号.
A bold face is the file's sibling with Bold for Regular in its name when one exists (Noto
Sans CJK has one), else the regular face is used for bold text too.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from ..errors import SalesopsError
from ..messages import t

SETTING = "SALESOPS_PDF_FONT"
FAMILY = "cjk"
PROBE = "中文号"
DEFAULT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/System/Library/Fonts/STHeiti Medium.ttc",  # macOS
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",  # Windows: Microsoft YaHei
    "C:/Windows/Fonts/simhei.ttf",
)
# Face names that mark the Simplified Chinese member of a collection.
SIMPLIFIED = re.compile(r"\bSC\b|GB|Hans|Simplified|YaHei|MicroHei|Zen Hei", re.I)


class FontMissing(SalesopsError):
    """No usable font with Chinese glyphs; the message says what to install or set."""


@dataclass(frozen=True)
class Face:
    """A font file and, for a collection, which face in it."""

    path: str
    number: int = 0


@dataclass(frozen=True)
class CJKFont:
    """The regular and bold faces the PDF embeds."""

    regular: Face
    bold: Face

    def register(self, pdf) -> None:
        """Add both faces to an fpdf2 document as family `cjk`."""
        for style, face in (("", self.regular), ("B", self.bold)):
            pdf.add_font(FAMILY, style, face.path, collection_font_number=face.number)


def find_font() -> CJKFont:
    """The CJK font to embed: the setting, else the first usable default; FontMissing
    (a plain message, no traceback) when there is none."""
    return _find(os.environ.get(SETTING, "").strip())


@functools.lru_cache(maxsize=8)
def _find(setting: str) -> CJKFont:
    """find_font for one value of the setting (cached: probing reads font tables)."""
    if setting:
        path, _, number = setting.partition("#")
        face = _usable(path, int(number) if number.isdigit() else None)
        if face is None:
            raise FontMissing(t("slips.error.font_setting", setting=SETTING, value=setting))
        return CJKFont(face, face if number else _bold_sibling(face))
    for path in (*DEFAULT_PATHS, *_fontconfig()):
        face = _usable(path)
        if face is not None:
            return CJKFont(face, _bold_sibling(face))
    raise FontMissing(t("slips.error.no_font", setting=SETTING))


def _usable(path: str, number: int | None = None) -> Face | None:
    """The face of `path` (face `number`, or the Simplified Chinese one of a collection)
    if the file exists, can be read and maps the probe characters; else None."""
    if not path or not Path(path).is_file():
        return None
    try:
        return _probe(path, number)
    except Exception:  # any file that fontTools cannot read is simply not a usable font
        return None


def _probe(path: str, number: int | None) -> Face | None:
    """The first face (Simplified Chinese ones first) that maps every probe character."""
    faces = [f for f in _faces(path) if number is None or f[0] == number]
    faces.sort(key=lambda f: not SIMPLIFIED.search(f[1]))
    for index, _name, font in faces:
        cmap = font.getBestCmap() or {}
        if all(ord(c) in cmap for c in PROBE):
            return Face(path, index)
    return None


def _faces(path: str) -> list[tuple[int, str, TTFont]]:
    """(face number, full name, font read lazily) of each face in a file or collection."""
    with open(path, "rb") as f:
        is_collection = f.read(4) == b"ttcf"
    fonts = TTCollection(path, lazy=True).fonts if is_collection else [TTFont(path, lazy=True)]
    return [(i, font["name"].getDebugName(4) or "", font) for i, font in enumerate(fonts)]


def _bold_sibling(face: Face) -> Face:
    """The Bold file beside a Regular one (same face number), else the face itself."""
    name = Path(face.path).name
    if "Regular" in name:
        bold = Path(face.path).with_name(name.replace("Regular", "Bold"))
        if bold.is_file():
            return Face(str(bold), face.number)
    return face


def _fontconfig() -> list[str]:
    """fontconfig's best Chinese font file, if fc-match is installed."""
    fc = shutil.which("fc-match")
    if fc is None:
        return []
    try:
        out = subprocess.run(
            [fc, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [out.stdout.strip()] if out.returncode == 0 and out.stdout.strip() else []
