"""The bundled fonts, parsed when the app is built rather than on every report.

Every PDF embeds DejaVu Sans and its bold. ReportLab parses each TrueType file (tables, the
character map, 6,000 glyph widths) when it is registered: ~22 ms of CPU per process, on every
`diligence report`. `make` (the setup that `run`, `test` and `bench` depend on) and
`make package` store the parsed fonts beside the TTF files (`resources/fonts/parsed-fonts.pickle`,
not in git); reading them back takes about half as long as parsing.

The stored copy is used only when it was made from the same font files (SHA-256 of each), by
the same ReportLab and Python versions and in this module's format; otherwise, or when it is
missing or unreadable, the fonts are parsed as before. Either way the objects are the same, so
the PDFs are byte for byte the same (tests/report/test_font_cache.py). Like compiled bytecode it
is a build product that ships inside the app: it is never written while the app runs.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

CACHE_NAME = "parsed-fonts.pickle"
FORMAT = 1  # raise when what is stored changes


def cache_path(folder: Path) -> Path:
    return folder / CACHE_NAME


def _key(folder: Path, fonts: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    files = tuple((name, file, hashlib.sha256((folder / file).read_bytes()).hexdigest()) for name, file in fonts)
    return (FORMAT, reportlab.Version, sys.version_info[:2], files)


def _scale(units_per_em: int) -> Callable[[float], float]:
    """The face's font-unit to PDF-unit scaling, as ReportLab's parser sets it (`_pdfScale`)."""
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult


def _stored(font: TTFont) -> dict[str, Any]:
    """A parsed font as plain data: its attributes and its face's, less the two that are not data."""
    top = {k: v for k, v in vars(font).items() if k not in ("face", "state")}
    face = {k: v for k, v in vars(font.face).items() if k != "_pdfScale"}
    return {"font": top, "face": face}


def _restored(stored: dict[str, Any], path: Path) -> TTFont:
    face = TTFontFace.__new__(TTFontFace)
    vars(face).update(stored["face"])
    face.filename = str(path)
    face._pdfScale = _scale(face.unitsPerEm)
    font = TTFont.__new__(TTFont)
    vars(font).update(stored["font"])
    font.face = face
    font.state = WeakKeyDictionary()  # per document, as TTFont.__init__ makes it
    return font


def build(folder: Path, fonts: Sequence[tuple[str, str]]) -> Path:
    """Parse `fonts` ((name, file) in `folder`) and store them; returns the file written."""
    stored = {name: _stored(TTFont(name, str(folder / file))) for name, file in fonts}
    target = cache_path(folder)
    part = target.with_name(target.name + ".part")
    with part.open("wb") as out:
        pickle.dump(_key(folder, fonts), out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(stored, out, protocol=pickle.HIGHEST_PROTOCOL)
    part.replace(target)
    return target


def load(folder: Path, fonts: Sequence[tuple[str, str]]) -> dict[str, TTFont]:
    """The stored fonts by name, or {} when there is no stored copy made from these very files."""
    try:
        with cache_path(folder).open("rb") as src:
            if pickle.load(src) != _key(folder, fonts):
                return {}
            stored = pickle.load(src)
        return {name: _restored(stored[name], folder / file) for name, file in fonts}
    except Exception:  # noqa: BLE001 - missing, stale or damaged: the fonts are parsed instead
        return {}


def main() -> int:
    from app.report.common import FONT_FILES, font_folder

    print(f"Stored the parsed fonts in {build(font_folder(), FONT_FILES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
