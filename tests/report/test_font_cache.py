"""The fonts parsed at build time (app/report/font_cache.py): the same fonts, the same PDF bytes,
and parsed afresh whenever the stored copy is not exactly for these files and this ReportLab."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase.ttfonts import TTFont

from app.report import font_cache
from app.report.common import FONT_FILES, font_folder
from tests.conftest import DEMO_EVALUATION


@pytest.fixture
def fonts(tmp_path: Path) -> Path:
    folder = tmp_path / "fonts"
    folder.mkdir()
    for _name, file in FONT_FILES:
        shutil.copy(font_folder() / file, folder / file)
    return folder


def _data(font: TTFont) -> tuple[dict[str, object], dict[str, object]]:
    top = {k: v for k, v in vars(font).items() if k not in ("face", "state")}
    top["encoding"] = vars(top["encoding"])  # a plain object: compared by its attributes
    face = {k: v for k, v in vars(font.face).items() if k != "_pdfScale"}
    return top, face


def test_the_stored_fonts_are_the_parsed_fonts(fonts: Path) -> None:
    font_cache.build(fonts, FONT_FILES)
    loaded = font_cache.load(fonts, FONT_FILES)
    assert set(loaded) == {name for name, _file in FONT_FILES}
    for name, file in FONT_FILES:
        parsed = TTFont(name, str(fonts / file))
        assert _data(loaded[name]) == _data(parsed)
        assert loaded[name].face.filename == str(fonts / file)
        for units in (0, 1, 917, 2048, -333):
            assert loaded[name].pdfScale(units) == parsed.pdfScale(units)
        assert loaded[name].stringWidth("Vendor ranking — 42 %", 9) == parsed.stringWidth("Vendor ranking — 42 %", 9)
        assert len(loaded[name].state) == 0  # no document yet


def test_a_stale_or_damaged_copy_is_not_used(fonts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert font_cache.load(fonts, FONT_FILES) == {}  # none built
    font_cache.build(fonts, FONT_FILES)
    assert font_cache.load(fonts, FONT_FILES)
    monkeypatch.setattr(reportlab, "Version", reportlab.Version + ".1")  # another ReportLab
    assert font_cache.load(fonts, FONT_FILES) == {}
    monkeypatch.undo()
    regular = fonts / FONT_FILES[0][1]
    original = regular.read_bytes()
    regular.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # the font file changed
    assert font_cache.load(fonts, FONT_FILES) == {}
    regular.write_bytes(original)
    assert font_cache.load(fonts, FONT_FILES)
    cache = font_cache.cache_path(fonts)
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])  # cut short
    assert font_cache.load(fonts, FONT_FILES) == {}


_BUILD = """
import sys
from pathlib import Path
from app.report import common, font_cache
folder, mode, out, workspace, evaluation = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
common.font_folder = lambda: folder
if mode == "parse":
    font_cache.load = lambda *args: {}
else:
    assert font_cache.load(folder, common.FONT_FILES), "the stored fonts should be used"
from app.services.reports import evaluation_report
from app.store.workspace import open_workspace
evaluation_report(open_workspace(workspace, create=False), evaluation, Path(out))
"""


def test_the_pdf_is_byte_for_byte_the_same_with_stored_or_parsed_fonts(
    fonts: Path, demo_path: Path, tmp_path: Path
) -> None:
    font_cache.build(fonts, FONT_FILES)
    pdfs = {}
    for mode in ("stored", "parse"):
        out = tmp_path / f"{mode}.pdf"
        r = subprocess.run(
            [sys.executable, "-c", _BUILD, str(fonts), mode, str(out), str(demo_path), DEMO_EVALUATION],
            capture_output=True, text=True, timeout=120,
        )
        assert r.returncode == 0, r.stderr[-2000:]
        pdfs[mode] = out.read_bytes()
    assert len(pdfs["parse"]) > 10_000
    assert pdfs["stored"] == pdfs["parse"]


def test_building_the_copy_from_the_command_line(tmp_path: Path) -> None:
    """`python -m app.report.font_cache` is what `make` and `make package` run."""
    r = subprocess.run([sys.executable, "-m", "app.report.font_cache"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert font_cache.load(font_folder(), FONT_FILES)
