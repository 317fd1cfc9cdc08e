"""A name too long for a page is refused at the door, never a crash later (issue #19).

A 3,000-character vendor name used to be accepted by the import and then made `report` fail
with ReportLab's LayoutError (exit 1). Names up to the limit print, in any script.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

from app.domain.models import MAX_NAME_LENGTH
from app.services import evaluations
from app.services.errors import InputError
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120)


def vendor_count(ws: Path) -> int:
    with sqlite3.connect(ws / "diligence.sqlite") as con:
        return int(con.execute("SELECT count(*) FROM vendor").fetchone()[0])


def test_an_import_with_a_3000_character_vendor_name_is_refused_naming_the_field(demo_path: Path, tmp_path: Path) -> None:
    exported = tmp_path / "demo.json"
    assert cli("export", DEMO_EVALUATION, str(exported), "--workspace", str(demo_path)).returncode == 0
    doc = json.loads(exported.read_text(encoding="utf-8"))
    doc["evaluation"]["name"] = "Long names"
    doc["vendors"][1]["name"] = "Partners " * 334  # 3,005 characters once the last space is trimmed
    doc.pop("engagement", None)
    exported.write_text(json.dumps(doc), encoding="utf-8")
    before = vendor_count(demo_path)
    done = cli("import", str(exported), "--workspace", str(demo_path))
    assert done.returncode == 2, done.stderr
    assert "vendors[1].name" in done.stderr and "3,005 characters" in done.stderr
    assert vendor_count(demo_path) == before


def test_the_app_refuses_a_name_longer_than_fits(demo) -> None:  # type: ignore[no-untyped-def]
    vendor = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendors[0]
    with pytest.raises(InputError, match=f"at most {MAX_NAME_LENGTH}"):
        evaluations.save_vendor(demo, DEMO_EVALUATION, replace(vendor, name="x" * (MAX_NAME_LENGTH + 1)),
                                old_name=vendor.name)


def test_the_longest_allowed_cyrillic_name_prints_in_the_report(demo_path: Path, tmp_path: Path) -> None:
    ws = open_workspace(demo_path)
    try:
        vendor = evaluations.load_snapshot(ws, DEMO_EVALUATION).vendors[0]
        longest = ("Глобальные логистические партнёры " * 10)[:MAX_NAME_LENGTH].strip()
        evaluations.save_vendor(ws, DEMO_EVALUATION, replace(vendor, name=longest), old_name=vendor.name)
    finally:
        ws.close()
    pdf = tmp_path / "report.pdf"
    done = cli("report", DEMO_EVALUATION, "--out", str(pdf), "--workspace", str(demo_path))
    assert done.returncode == 0, done.stderr
    with pdfplumber.open(pdf) as doc:
        text = " ".join((page.extract_text() or "") for page in doc.pages)
    assert "Глобальные" in text
