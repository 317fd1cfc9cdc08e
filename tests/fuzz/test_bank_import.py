"""Fuzz the question-bank importers (CSV and XLSX): only InputError, and a refused import writes nothing."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.services.errors import InputError
from tests.fuzz.conftest import PROFILE, Counter, row_counts

BANK_CSV = (Path(__file__).parents[2] / "data" / "default_bank.csv").read_text(encoding="utf-8-sig")
ROWS = list(csv.reader(io.StringIO(BANK_CSV)))
HEADER, BODY = ROWS[0], ROWS[1:]

CELLS = st.one_of(
    st.sampled_from([
        "", "yes_no", "scale", "number", "choice", "text", "data", "people", "-1", "0", "5", "1e9", "nan", "inf",
        "true", "false", "n/a", ">=10:5; >=5:4; else:0", "<=4:5; else:0", "invert", "A=5|B=2|C=0", "A=9|B",
        "0=none|1=some|2=x|3=y|4=z|5=all", "<2:high:Weak rollback", "<2:urgent:x", "=HYPERLINK(\"http://x\")",
        "'=1+1", "+1", "@A1", "\u202edesrever\u202c", "日本語", "😀", "x" * 10_000, "TR01", "tr01", "\t", "\r\n",
        "<font color=red>x</font>", "\x00",
    ]),
    st.text(max_size=30),
)


@st.composite
def bank_tables(draw: st.DrawFn) -> list[list[str]]:
    header = list(HEADER)
    if draw(st.booleans()):
        header = [h.upper() if draw(st.booleans()) else h for h in header]
    if draw(st.integers(0, 4)) == 0:
        header.pop(draw(st.integers(0, len(header) - 1)))
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.text(min_size=1, max_size=8)))
    rows = [list(r) for r in draw(st.lists(st.sampled_from(BODY), min_size=0, max_size=8))]
    for _ in range(draw(st.integers(0, 6))):
        if not rows:
            break
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.integers(0, len(row) - 1))] = draw(CELLS)
    if rows and draw(st.integers(0, 5)) == 0:
        rows[0] = rows[0][: draw(st.integers(0, len(rows[0])))]  # a short row
    return [header, *rows]


def _csv_text(table: list[list[str]], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(table)
    return buf.getvalue()


def _import_file(ws: Any, name: str, data: bytes) -> None:
    before = row_counts(ws.db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            _import_bank(ws, path)
        except InputError:
            assert row_counts(ws.db) == before, "a refused import changed the workspace"


def _import_bank(ws: Any, path: Path) -> None:
    from app.services.spreadsheets import import_bank_file

    import_bank_file(ws, path, name="Fuzzed bank")


@PROFILE
@given(bank_tables(), st.sampled_from([",", ";"]), st.booleans())
def test_mutated_bank_csv(fuzz_workspace: Any, table: list[list[str]], delimiter: str, bom: bool) -> None:
    Counter.tick("csv-bank")
    data = ("\ufeff" if bom else "") + _csv_text(table, delimiter)
    _import_file(fuzz_workspace, "bank.csv", data.encode("utf-8"))


@PROFILE
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_bank_csv(fuzz_workspace: Any, data: bytes) -> None:
    Counter.tick("csv-bytes")
    _import_file(fuzz_workspace, "bank.csv", data)


def _xlsx_bytes(table: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    for row in table:
        sheet.append([c if not isinstance(c, str) or not _illegal(c) else "?" for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _illegal(text: str) -> bool:
    # openpyxl refuses control characters in cells; such files cannot be made, so none arrive.
    return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)


XLSX_CELLS = st.one_of(CELLS, st.integers(-5, 10), st.floats(allow_nan=False, allow_infinity=False), st.none(),
                       st.booleans())


@st.composite
def xlsx_tables(draw: st.DrawFn) -> list[list[Any]]:
    table: list[list[Any]] = [list(r) for r in draw(bank_tables())]
    for _ in range(draw(st.integers(0, 3))):
        if len(table) > 1:
            row = table[draw(st.integers(1, len(table) - 1))]
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(XLSX_CELLS)
    if draw(st.integers(0, 4)) == 0:
        table.insert(0, [draw(st.text(max_size=20))])  # a title row above the header
    return table


@PROFILE
@given(xlsx_tables())
def test_mutated_bank_xlsx(fuzz_workspace: Any, table: list[list[Any]]) -> None:
    Counter.tick("xlsx-bank")
    _import_file(fuzz_workspace, "bank.xlsx", _xlsx_bytes(table))


VALID_XLSX = None


@PROFILE
@given(st.data())
def test_damaged_xlsx(fuzz_workspace: Any, data: st.DataObject) -> None:
    Counter.tick("xlsx-damaged")
    global VALID_XLSX
    if VALID_XLSX is None:
        VALID_XLSX = _xlsx_bytes(ROWS[:6])
    blob = bytearray(VALID_XLSX)
    how = data.draw(st.sampled_from(["truncate", "flip", "member"]))
    if how == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] = data.draw(st.integers(0, 255))
    else:
        # Rewrite one XML part of the workbook with fuzzed content.
        src = zipfile.ZipFile(io.BytesIO(bytes(blob)))
        names = src.namelist()
        victim = data.draw(st.sampled_from(names))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for n in names:
                content = src.read(n)
                if n == victim:
                    content = data.draw(st.sampled_from([
                        b"", b"<x>", content[: len(content) // 2],
                        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><x>&b;</x>',
                        content.replace(b"<v>", b"<v>=", 1),
                    ]))
                dst.writestr(n, content)
        blob = bytearray(out.getvalue())
    _import_file(fuzz_workspace, "bank.xlsx", bytes(blob))
