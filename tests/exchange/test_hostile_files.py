"""Hostile and broken files through the real command line: exit 2, one precise message, nothing stored."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.bank import FIELDS
from tests.exchange.builders import (
    bad_bank,
    billion_laughs,
    huge_dimension,
    our_rows,
    random_bytes,
    value_at,
    write_xlsx,
    zip_bomb,
)

TABLES = ("bank", "bank_version", "question", "audit_log", "answer", "vendor", "evaluator")


def _cli(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    # A generous timeout: a hostile file must be refused in seconds, not minutes.
    return subprocess.run([sys.executable, "-m", "app", *args, "--workspace", str(workspace)],
                          capture_output=True, text=True, timeout=60)


def _counts(workspace: Path) -> dict[str, int]:
    db = next(workspace.glob("*.sqlite*"))
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    from app.services.banks import ensure_default_bank
    from app.store.workspace import open_workspace

    path = tmp_path / "ws"
    workspace = open_workspace(path)
    ensure_default_bank(workspace)
    workspace.close()
    return path


def _refused(ws: Path, file: Path, *extra: str) -> str:
    before = _counts(ws)
    r = _cli("bank", "import", str(file), *extra, workspace=ws)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr  # one message, no traceback
    assert _counts(ws) == before
    return lines[0]


def test_zip_bomb_is_refused_before_parsing(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, zip_bomb(tmp_path / "bomb.xlsx", inflated_mb=120))
    assert "bomb.xlsx" in msg and "zip bomb" in msg


def test_highly_compressed_part_is_refused(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, zip_bomb(tmp_path / "ratio.xlsx", inflated_mb=5))
    assert "ratio.xlsx" in msg and "xl/worksheets/sheet1.xml" in msg and "zip bomb" in msg


def test_billion_laughs_is_refused(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, billion_laughs(tmp_path / "lol.xlsx"))
    assert "lol.xlsx" in msg and "DTD" in msg


def test_random_bytes_named_xlsx(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, random_bytes(tmp_path / "noise.xlsx"))
    assert "noise.xlsx" in msg and "not an Excel .xlsx workbook" in msg


def test_a_sheet_claiming_a_million_rows_is_judged_by_what_it_holds(ws: Path, tmp_path: Path) -> None:
    # Real questionnaires (HECVAT) claim 1,048,576 rows because one styled cell sits there.
    claims = huge_dimension(tmp_path / "claims.xlsx", rows=1_048_576)
    styled = value_at(tmp_path / "styled.xlsx", [], styled=["A1048576"])
    for f in (claims, styled):
        r = _cli("bank", "import", str(f), workspace=ws)
        assert r.returncode == 0, r.stderr
        assert "Imported 3 questions" in r.stdout


def test_values_really_far_down_or_across_are_refused(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, value_at(tmp_path / "tall.xlsx", ["A200000"]))
    assert 'tall.xlsx, sheet "Questions"' in msg and "row 200,000" in msg and "100,000 rows" in msg
    msg = _refused(ws, value_at(tmp_path / "wide.xlsx", ["XFD1", "A1000"]))
    assert 'wide.xlsx, sheet "Questions"' in msg and "16,384 columns" in msg and "5,000,000 cells" in msg


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_negative_weight_names_file_sheet_row_and_column(ws: Path, tmp_path: Path, suffix: str) -> None:
    msg = _refused(ws, bad_bank(tmp_path / f"bank{suffix}", 14, "weight", -2))
    sheet = ', sheet "Questions"' if suffix == ".xlsx" else ""
    assert msg == f"diligence: bank{suffix}{sheet}, row 14, column F (weight): -2 is negative; weights must be 0 or more"


def test_duplicate_id(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, bad_bank(tmp_path / "bank.xlsx", 9, "id", "Q03"))
    assert 'bank.xlsx, sheet "Questions", row 9, column A (id)' in msg and "'Q03' is already used on row 4" in msg


def test_unknown_type(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, bad_bank(tmp_path / "bank.xlsx", 5, "type", "essay"))
    assert 'row 5, column E (type)' in msg and "'essay' is not one of" in msg


def test_malformed_scoring_rule(ws: Path, tmp_path: Path) -> None:
    rows = our_rows(6)
    rows[6][FIELDS.index("type")] = "number"
    rows[6][FIELDS.index("scoring")] = ">=ten:5; else:0"
    msg = _refused(ws, write_xlsx(tmp_path / "bank.xlsx", {"Questions": rows}))
    assert 'row 7, column I (scoring)' in msg and "'ten' is not a number" in msg


def test_missing_file_and_unknown_sheet(ws: Path, tmp_path: Path) -> None:
    msg = _refused(ws, tmp_path / "nowhere.xlsx")
    assert "nowhere.xlsx" in msg and "no such file" in msg
    p = write_xlsx(tmp_path / "bank.xlsx", {"Questions": our_rows()})
    msg = _refused(ws, p, "--sheet", "Answers")
    assert 'no sheet "Answers"' in msg and '"Questions"' in msg


def test_good_file_imports_through_the_cli(ws: Path, tmp_path: Path) -> None:
    p = write_xlsx(tmp_path / "bank.xlsx", {"Questions": our_rows(5)})
    r = _cli("bank", "import", str(p), "--name", "Five", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert "Imported 5 questions into bank 'Five' v1" in r.stdout
    assert "Five" in _cli("bank", "list", workspace=ws).stdout
