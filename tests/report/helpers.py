"""Reading PDFs back the way a person would: text per page, fonts, rendering with a second engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdf


def report_then(workspace: Path, evaluation: str, out: Path, then: str) -> subprocess.CompletedProcess[str]:
    """`diligence report EVALUATION --out OUT` run by `app.cli.main()` in a fresh interpreter, as
    the console script runs it, then `then`: code that prints what the test checks (`code` holds
    the command's exit code), so a test can see which modules the whole command loaded."""
    code = (
        f"import sys; sys.argv = ['diligence', 'report', {evaluation!r}, '--out', {str(out)!r},"
        f" '--workspace', {str(workspace)!r}];\n"
        "from app.cli import main; code = main();\n" + then
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(str(path)) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so text wrapped over lines still matches."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """All whitespace removed: long names wrapped mid-way still match."""
    return "".join(text.split())


def font_files(path: Path) -> dict[str, bool]:
    """Each font used on any page -> whether its program is embedded (/FontFile2 for TrueType)."""
    out: dict[str, bool] = {}
    reader = pypdf.PdfReader(str(path))
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            out[name] = out.get(name, True) and embedded
    return out


def render_all(path: Path, folder: Path) -> list[Path]:
    """Render every page with poppler (a second PDF engine); returns the PNGs."""
    exe = shutil.which("pdftoppm")
    # `make test` installs poppler-utils (deps-debian): a missing renderer is a broken setup,
    # never a reason to pass without checking that a second PDF engine reads the file.
    assert exe is not None, "pdftoppm (poppler-utils) is missing; run `make deps-debian`"
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([exe, "-png", "-r", "40", str(path), str(folder / "page")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    return sorted(folder.glob("page-*.png"))


def stream_text(path: Path) -> str:
    """The whole document's text in drawing order (pypdf), whitespace collapsed: a table cell's
    lines stay together instead of interleaving with the next column."""
    reader = pypdf.PdfReader(str(path))
    return flat(" ".join(p.extract_text() or "" for p in reader.pages))
