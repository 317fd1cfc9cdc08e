"""Reading untrusted workbooks (XLSX and ODS): safety checks first, values through calamine.

python-calamine (a Rust reader) gives cell values, merged ranges and sheet visibility many times
faster than openpyxl. What it does not give is read from the sheet's XML only when a caller asks:
list dropdowns (data validations), hyperlink targets and formulas saved without a result.
Every check of `spreadsheet_safety` runs before calamine opens the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path, PurePosixPath
from typing import Any

from app.exchange.spreadsheet_safety import (
    MAX_ROWS,
    SheetInfo,
    SpreadsheetError,
    WorkbookInfo,
    check_ods,
    check_xlsx,
    column_letter,
    parse_range,
)

MAX_READ_COLUMNS = 200  # columns beyond this are never part of a questionnaire

# A validation may be self-closing (no list: an input prompt only); it must not swallow the next one.
_VALIDATION = re.compile(rb"<(?:\w+:)?dataValidation\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?dataValidation>)", re.DOTALL)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_FORMULA1 = re.compile(rb"<(?:\w+:)?formula1>(.*?)</(?:\w+:)?formula1>", re.DOTALL)
_XM_F = re.compile(rb"<(?:\w+:)?f>(.*?)</(?:\w+:)?f>", re.DOTALL)
_XM_SQREF = re.compile(rb"<(?:\w+:)?sqref>(.*?)</(?:\w+:)?sqref>", re.DOTALL)
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3})(\d+)\"([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)\s*"
    # An empty <v/> must not be read as an opening tag: the search for "</v>" would run on to the
    # next cell's value (a wrong result, and quadratic time on sheets of uncalculated formulas).
    rb"(<(?:\w+:)?v\b[^>/]*>(.*?)</(?:\w+:)?v>|<(?:\w+:)?v\b[^>]*/>)?",
    re.DOTALL,
)
_HYPERLINK_ARG = re.compile(r'HYPERLINK\(\s*"((?:[^"]|"")*)"', re.IGNORECASE)
_HYPERLINK_TAG = re.compile(rb"<(?:\w+:)?hyperlink\b([^>]*)/?>")
_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</(?:\w+:)?definedName>", re.DOTALL)
_RANGE_REF = re.compile(r"^(?:'?((?:[^']|'')+?)'?!)?(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)$")


@dataclass
class Dropdown:
    """A list validation: the cells it covers (1-based inclusive ranges) and the values it offers."""

    ranges: tuple[tuple[int, int, int, int], ...]
    values: tuple[str, ...]

    def covers(self, row: int, column: int) -> bool:
        return any(r1 <= row <= r2 and c1 <= column <= c2 for r1, c1, r2, c2 in self.ranges)


@dataclass
class SheetExtras:
    """What calamine does not read; row and column numbers are 1-based."""

    dropdowns: list[Dropdown] = field(default_factory=list)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    uncached: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, formula)

    def dropdown_at(self, row: int, column: int) -> Dropdown | None:
        for d in self.dropdowns:
            if d.covers(row, column):
                return d
        return None


class Workbook:
    """An opened, checked workbook. Use as a context manager, or call close()."""

    def __init__(self, path: Path, info: WorkbookInfo, book: Any, kind: str) -> None:
        self.path = path
        self.info = info
        self.kind = kind  # "xlsx" | "ods"
        self._book = book
        self._rows: dict[str, list[list[object]]] = {}

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:  # noqa: BLE001 - closing twice or after a failure is harmless
            pass

    @property
    def sheets(self) -> tuple[SheetInfo, ...]:
        return self.info.sheets

    def sheet(self, name: str) -> SheetInfo | None:
        return self.info.sheet(name)

    def rows(self, sheet: SheetInfo) -> list[list[object]]:
        """Cell values (None for blank), row i is spreadsheet row i + 1; multi-row merges filled down."""
        cached = self._rows.get(sheet.name)
        if cached is not None:
            return cached
        where = f'{self.path.name}, sheet "{sheet.name}"'
        try:
            raw = self._book.get_sheet_by_name(sheet.name)
            values = raw.to_python(skip_empty_area=False)
            merged = list(raw.merged_cell_ranges or ())
        except Exception as exc:  # noqa: BLE001 - a damaged sheet is a bad file, never a crash
            raise SpreadsheetError(where, f"the sheet cannot be read ({describe(exc)})") from None
        if len(values) > MAX_ROWS:
            raise SpreadsheetError(where, f"the sheet has more than {MAX_ROWS:,} rows; refused")
        rows: list[list[object]] = []
        for row in values:
            cells: list[object] = [None if v == "" else v for v in row[:MAX_READ_COLUMNS]]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
        while rows and not rows[-1]:
            rows.pop()
        ranges = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in merged] or list(sheet.merged)
        fill_merged(rows, ranges)
        self._rows[sheet.name] = rows
        return rows

    def extras(self, sheet: SheetInfo) -> SheetExtras:
        """Dropdowns, hyperlinks and unsaved formulas of one XLSX sheet (nothing for ODS)."""
        if self.kind != "xlsx" or not sheet.part:
            return SheetExtras()
        try:
            with zipfile.ZipFile(self.path) as zf:
                data = zf.read(sheet.part)
                rels = _rels_part(sheet.part)
                rel_data = zf.read(rels) if rels in zf.namelist() else b""
                book_xml = zf.read("xl/workbook.xml") if b"dataValidation" in data else b""
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise SpreadsheetError(f'{self.path.name}, sheet "{sheet.name}"', f"the sheet cannot be read ({describe(exc)})") from None
        out = SheetExtras()
        if b"dataValidation" in data:
            out.dropdowns = self._dropdowns(sheet, data, book_xml)
        if b"<f" in data or b":f" in data:
            for m in _FORMULA_CELL.finditer(data):
                row, col = int(m.group(2)), _col(m.group(1))
                formula = unescape((m.group(4) or b"").decode("utf-8", "replace"))
                link = _HYPERLINK_ARG.search(formula)
                if link:
                    out.links[(row, col)] = link.group(1).replace('""', '"')
                # Excel saves a text result that is empty as t="str" with an empty <v>; a formula
                # written by a script and never calculated has no <v> at all, or an empty one without t.
                text_result = b't="str"' in m.group(3)
                if m.group(5) is None or (not m.group(6) and not text_result):
                    out.uncached.append((row, col, formula))
        if rel_data and b"hyperlink" in data:
            targets = {a.get("Id", ""): a.get("Target", "") for a in _tags(rel_data, b"Relationship")}
            for m in _HYPERLINK_TAG.finditer(data):
                attrs = _attrs(m.group(1))
                rid = next((v for k, v in attrs.items() if k == "id"), "")
                rng = parse_range(attrs.get("ref", ""))
                url = targets.get(rid, "")
                if rng and url:
                    for r in range(rng[0], min(rng[2], rng[0] + 1000) + 1):
                        for c in range(rng[1], min(rng[3], MAX_READ_COLUMNS) + 1):
                            out.links.setdefault((r, c), url)
        return out

    def _dropdowns(self, sheet: SheetInfo, data: bytes, book_xml: bytes) -> list[Dropdown]:
        names = {unescape(m.group(1).decode("utf-8", "replace")): unescape(m.group(2).decode("utf-8", "replace"))
                 for m in _DEFINED_NAME.finditer(book_xml)}
        out: list[Dropdown] = []
        for m in _VALIDATION.finditer(data):
            attrs = _attrs(m.group(1))
            if attrs.get("type") != "list":
                continue
            body = m.group(2) or b""
            sqref = attrs.get("sqref") or ""
            if not sqref:
                sm = _XM_SQREF.search(body)
                sqref = sm.group(1).decode("utf-8", "replace") if sm else ""
            fm = _FORMULA1.search(body)
            formula = fm.group(1) if fm else b""
            inner = _XM_F.search(formula) if formula else _XM_F.search(body)
            if inner:
                formula = inner.group(1)
            values = self._list_values(sheet, unescape(formula.decode("utf-8", "replace")).strip(), names)
            ranges = tuple(r for r in (parse_range(p) for p in sqref.split()) if r is not None)
            if values and ranges:
                out.append(Dropdown(ranges, tuple(values)))
        return out

    def _list_values(self, sheet: SheetInfo, formula: str, names: dict[str, str], depth: int = 0) -> list[str]:
        formula = formula.lstrip("=")
        if formula.startswith('"') and formula.endswith('"'):
            return [v.strip() for v in formula[1:-1].replace('""', '"').split(",") if v.strip()]
        if formula in names and depth < 3:
            return self._list_values(sheet, names[formula], names, depth + 1)
        m = _RANGE_REF.match(formula)
        if m is None:
            return []
        target = self.sheet(m.group(1).replace("''", "'")) if m.group(1) else sheet
        rng = parse_range(m.group(2))
        if target is None or rng is None:
            return []
        rows = self.rows(target)
        out = []
        for r in range(rng[0], min(rng[2], rng[0] + 500) + 1):
            row = rows[r - 1] if r - 1 < len(rows) else []
            for c in range(rng[1], min(rng[3], MAX_READ_COLUMNS) + 1):
                v = row[c - 1] if c - 1 < len(row) else None
                if v is not None and str(v).strip():
                    out.append(_plain(v))
        return out


def _plain(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.decode("ascii").upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for k, v in _ATTR.findall(raw):
        out[k.decode("ascii", "replace")] = unescape(v.decode("utf-8", "replace"))
    return out


def _tags(data: bytes, name: bytes) -> list[dict[str, str]]:
    return [_attrs(m.group(1)) for m in re.finditer(rb"<(?:\w+:)?" + name + rb"\b([^>]*)/?>", data)]


def _rels_part(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / (p.name + ".rels"))


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def fill_merged(rows: list[list[object]], merged: Sequence[tuple[int, int, int, int]]) -> None:
    """Fill ranges merged over several rows with their top-left value.

    A title merged across columns only stays one cell, so a section row still reads as one label.
    """
    for r1, c1, r2, c2 in merged:
        if r2 <= r1 or r1 > len(rows):
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if value is None or c1 > MAX_READ_COLUMNS:
            continue
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            for c in range(c1, min(c2, MAX_READ_COLUMNS) + 1):
                while len(row) < c:
                    row.append(None)
                if row[c - 1] is None or row[c - 1] == "":
                    row[c - 1] = value


def is_ods(path: Path) -> bool:
    if Path(path).suffix.lower() == ".ods":
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return "content.xml" in zf.namelist() and "xl/workbook.xml" not in zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def open_workbook(path: Path) -> Workbook:
    """Check an untrusted XLSX or ODS file, then open it with calamine."""
    path = Path(path)
    ods = is_ods(path)
    info = check_ods(path) if ods else check_xlsx(path)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file is a bad file
        raise SpreadsheetError(path.name, f"the workbook cannot be read ({describe(exc)}); open it and save it again") from None
    if ods:
        # ODS keeps visibility in styles; calamine reads it for us.
        try:
            meta = {m.name: m.visible for m in book.sheets_metadata}
        except Exception:  # noqa: BLE001
            meta = {}
        sheets = tuple(
            SheetInfo(s.name, "visible" if str(meta.get(s.name, "Visible")).endswith("Visible") else "hidden", s.part, s.rows)
            for s in info.sheets
        )
        info = WorkbookInfo(info.path, sheets)
    return Workbook(path, info, book, "ods" if ods else "xlsx")


def cell_name(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"
