"""Checks an untrusted .xlsx or .ods before any parser sees it: zip bombs, XML entities, absurd sheets.

Limits are documented in docs/spreadsheets.md. Python's zipfile never inflates a member past
its declared size (the CRC check fails instead), so checking declared sizes bounds the work.
A sheet's size is judged by the cells that really hold values, never by the `<dimension>` it
claims: one styled empty cell at row 1,048,576 (common in real questionnaires) is harmless,
while a reader allocates a dense grid up to the last cell with a value.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

MAX_FILE_BYTES = 50 * 1024 * 1024  # the .xlsx file itself
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts together, once inflated
MAX_PART_RATIO = 100  # inflated / compressed, for parts larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 1000
MAX_ROWS = 100_000
MAX_COLUMNS = 16_384  # Excel's own limit (XFD); wider references are malformed
MAX_SHEETS = 200
MAX_CELLS = 5_000_000  # rows × columns of the area that holds values (what a reader allocates)

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Za-z0-9:$]+)\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
_VALUE_TAGS = (b"<v>", b"<is>", b":v>", b":is>")
_WIDE_REF = re.compile(rb" r=\"([A-Z]{2,3})\d")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class SpreadsheetError(ValueError):
    """A file that cannot be read; `where` names file, sheet, row and column."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)


# Excel and LibreOffice keep at most this many characters in one cell; openpyxl writes more,
# and the text is then cut silently when the file is opened, edited and read back.
XLSX_CELL_LIMIT = 32_767


def refuse_overlong_text(cell: Any, text: str) -> None:
    """Refuse text longer than a cell holds (openpyxl would cut it to the limit, silently)."""
    if len(text) > XLSX_CELL_LIMIT:
        sheet = cell.parent
        label = sheet.cell(cell.row, 1).value if cell.column != 1 else None
        named = f" ({label})" if isinstance(label, str) and label.strip() else ""
        raise SpreadsheetError(
            f"sheet {sheet.title!r}, cell {cell.coordinate}{named}",
            f"{len(text):,} characters, but a spreadsheet cell holds at most {XLSX_CELL_LIMIT:,}: the text "
            "would be cut short. Shorten it, or exchange the evaluation as JSON (diligence export), which "
            "keeps any length",
        )


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # "visible" | "hidden" | "veryHidden"
    part: str  # zip member, e.g. "xl/worksheets/sheet1.xml"
    rows: int | None  # the last row holding a value (None when unknown)
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (min_row, min_col, max_row, max_col)

    @property
    def visible(self) -> bool:
        return self.state == "visible"


@dataclass(frozen=True)
class WorkbookInfo:
    path: Path
    sheets: tuple[SheetInfo, ...] = field(default=())

    def sheet(self, name: str) -> SheetInfo | None:
        for s in self.sheets:
            if s.name == name:
                return s
        for s in self.sheets:
            if s.name.casefold().strip() == name.casefold().strip():
                return s
        return None


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letter(index: int) -> str:
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """`B3:D9` → (3, 2, 9, 4); a single cell is a 1×1 range; None when malformed."""
    parts = ref.split(":")
    if len(parts) > 2:
        return None
    cells = []
    for p in parts:
        m = _CELL_REF.fullmatch(p)
        if m is None:
            return None
        cells.append((int(m.group(2)), column_index(m.group(1))))
    (r1, c1), (r2, c2) = cells[0], cells[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _open_checked(path: Path, kind: str) -> tuple[int, bytes]:
    where = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SpreadsheetError(where, f"cannot read the file ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(where, f"the file is {size // (1024 * 1024)} MB; workbooks over {MAX_FILE_BYTES // (1024 * 1024)} MB are refused")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(where, "this is an old .xls workbook or a password-protected file; open it in Excel and save it as .xlsx (Excel Workbook) without a password")
    if not head.startswith(b"PK"):
        raise SpreadsheetError(where, f"this is not {kind} (the file is not a zip package); save it again as {kind}")
    return size, head


def check_xlsx(path: Path) -> WorkbookInfo:
    """Refuse a hostile or broken workbook before parsing it; describe its sheets otherwise."""
    path = Path(path)
    where = path.name
    _open_checked(path, "an Excel .xlsx workbook")
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_zip(zf, path)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, RuntimeError, NotImplementedError) as exc:
        raise SpreadsheetError(where, f"this is not a readable .xlsx workbook (damaged zip package: {exc})") from None


def _check_parts(zf: zipfile.ZipFile, where: str, keep: dict[str, bytes] | None = None) -> None:
    """Zip-level limits and the DTD ban, common to XLSX and ODS; `keep` receives the parts read."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise SpreadsheetError(where, f"the workbook has {len(infos)} parts; more than {MAX_PARTS} are refused as suspicious")
    total = 0
    names = set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError(where, "the workbook is encrypted; remove the password in Excel and save it again")
        total += info.file_size
        names.add(info.filename)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_PART_RATIO * max(info.compress_size, 1):
            raise SpreadsheetError(
                where,
                f"part {info.filename} inflates from {info.compress_size:,} to {info.file_size:,} bytes "
                f"(more than {MAX_PART_RATIO}×); refused as a likely zip bomb",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(
            where,
            f"the workbook inflates to {total // (1024 * 1024)} MB; more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB is refused as a likely zip bomb",
        )
    # No XML part may declare a DTD: that is how entity-expansion attacks start, and Excel never writes one.
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")) or info.filename == "[Content_Types].xml":
            data = zf.read(info)
            if keep is not None:
                keep[info.filename] = data
            if _DTD.search(data):
                raise SpreadsheetError(where, f"part {info.filename} declares an XML DTD or entities; refused (a workbook from Excel never does this)")


def _check_zip(zf: zipfile.ZipFile, path: Path) -> WorkbookInfo:
    where = path.name
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        if "content.xml" in names and "mimetype" in names:
            raise SpreadsheetError(where, "this is an OpenDocument spreadsheet saved as .xlsx; rename it to .ods")
        raise SpreadsheetError(where, "this zip file is not an Excel .xlsx workbook (no xl/workbook.xml); save it from Excel as 'Excel Workbook (.xlsx)'")
    parts: dict[str, bytes] = {}
    _check_parts(zf, where, parts)
    sheets = _sheets(zf, path, parts)
    return WorkbookInfo(path, tuple(sheets))


def _sheets(zf: zipfile.ZipFile, path: Path, parts: dict[str, bytes]) -> list[SheetInfo]:
    from defusedxml import ElementTree as SafeET  # parse with entities forbidden

    where = path.name
    try:
        wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels_root = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels")) if "xl/_rels/workbook.xml.rels" in zf.namelist() else None
    except Exception as exc:  # noqa: BLE001 - any XML failure means a damaged file
        raise SpreadsheetError(where, f"the workbook's structure cannot be read ({type(exc).__name__}); save it again from Excel") from None
    targets: dict[str, str] = {}
    if rels_root is not None:
        for rel in rels_root:
            rid, target = rel.get("Id"), rel.get("Target")
            if rid and target:
                if target.startswith("/"):
                    part = target.lstrip("/")
                else:
                    part = str(PurePosixPath("xl") / target)
                targets[rid] = _normalise_part(part)
    out: list[SheetInfo] = []
    for el in wb.iter():
        if not el.tag.endswith("}sheet") and el.tag != "sheet":
            continue
        name = el.get("name") or ""
        state = el.get("state") or "visible"
        rid = el.get(f"{{{_REL_NS}}}id") or ""
        part = targets.get(rid, "")
        rows: int | None = None
        merged: list[tuple[int, int, int, int]] = []
        if part and (part in parts or part in zf.namelist()):
            data = parts[part] if part in parts else zf.read(part)
            rows, columns = used_extent(data)
            check_extent(f'{where}, sheet "{name}"', rows, columns)
            for mm in (_MERGE.finditer(data) if b"mergeCell" in data else ()):
                rng = parse_range(mm.group(1).decode("ascii", "replace"))
                if rng is not None:
                    merged.append(rng)
        out.append(SheetInfo(name, state, part, rows, tuple(merged)))
        if len(out) > MAX_SHEETS:
            raise SpreadsheetError(where, f"the workbook has more than {MAX_SHEETS} sheets; refused as suspicious")
    if not out:
        raise SpreadsheetError(where, "the workbook has no sheets")
    return out


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_TABLE = re.compile(rb"<table:table\s[^>]*?table:name=\"([^\"]*)\"")
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/>|>(.*?)</table:table-row>)", re.DOTALL)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/>|>(.*?)</table:(?:covered-)?table-cell>)", re.DOTALL)
_ODS_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated=\"(\d+)\"")
_ODS_COLS_REPEATED = re.compile(rb"table:number-columns-repeated=\"(\d+)\"")


def check_ods(path: Path) -> WorkbookInfo:
    """The same refusals for an OpenDocument spreadsheet; sizes count repeated rows and columns."""
    from html import unescape

    path = Path(path)
    where = path.name
    _open_checked(path, "an OpenDocument .ods spreadsheet")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "content.xml" not in names or "mimetype" not in names:
                raise SpreadsheetError(where, "this zip file is not an OpenDocument spreadsheet (no content.xml)")
            _check_parts(zf, where)
            if zf.read("mimetype").strip() != ODS_MIMETYPE:
                raise SpreadsheetError(where, "this OpenDocument file is not a spreadsheet")
            data = zf.read("content.xml")
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, RuntimeError, NotImplementedError) as exc:
        raise SpreadsheetError(where, f"this is not a readable .ods spreadsheet (damaged zip package: {exc})") from None
    tables = list(_ODS_TABLE.finditer(data))
    if len(tables) > MAX_SHEETS:
        raise SpreadsheetError(where, f"the spreadsheet has more than {MAX_SHEETS} sheets; refused as suspicious")
    out: list[SheetInfo] = []
    for i, m in enumerate(tables):
        name = unescape(m.group(1).decode("utf-8", "replace"))
        end = tables[i + 1].start() if i + 1 < len(tables) else len(data)
        rows, columns = _ods_extent(data, m.end(), end)
        check_extent(f'{where}, sheet "{name}"', rows, columns)
        out.append(SheetInfo(name, "visible", "content.xml", rows))
    if not out:
        raise SpreadsheetError(where, "the spreadsheet has no sheets")
    return WorkbookInfo(path, tuple(out))


def _ods_extent(data: bytes, start: int, end: int) -> tuple[int, int]:
    """(last row, last column) holding a value; repeated rows and cells count as often as repeated."""
    row = rows = columns = 0
    for m in _ODS_ROW.finditer(data, start, end):
        rep = _ODS_ROWS_REPEATED.search(m.group(1))
        n = int(rep.group(1)) if rep else 1
        body = m.group(3) or b""
        col = last_col = 0
        for c in _ODS_CELL.finditer(body):
            crep = _ODS_COLS_REPEATED.search(c.group(1))
            k = int(crep.group(1)) if crep else 1
            col += k
            if b"office:value-type" in c.group(1) or b"<text:" in (c.group(3) or b""):
                last_col = col
        row += n
        if last_col:
            rows, columns = row, max(columns, last_col)
    return rows, columns


def check_extent(where: str, rows: int, columns: int) -> None:
    """Refuse a sheet whose values reach too far down, or span too many cells."""
    if rows > MAX_ROWS:
        raise SpreadsheetError(where, f"the sheet holds values down to row {rows:,}; more than {MAX_ROWS:,} rows are refused")
    if columns > MAX_COLUMNS:
        raise SpreadsheetError(where, "the sheet's cell references are malformed")
    if rows * columns > MAX_CELLS:
        raise SpreadsheetError(
            where, f"the sheet's values span {rows:,} rows × {columns:,} columns; more than {MAX_CELLS:,} cells are refused"
        )


def used_extent(data: bytes) -> tuple[int, int]:
    """(last row, last column) of a sheet's XML that can hold a value, found without parsing.

    Rows are in order in a worksheet, so the last value tag sits in the last row with a value.
    Columns: only references of two or more letters (AA and beyond) need looking at.
    """
    last = max(data.rfind(tag) for tag in _VALUE_TAGS)
    if last < 0:
        return 0, 0
    start = max(data.rfind(b"<row", 0, last), data.rfind(b":row", 0, last))
    rows = 0
    if start >= 0:
        tag = _ROW_TAG.match(data, data.rfind(b"<", 0, start + 1))
        number = _ROW_NUMBER.search(tag.group(0)) if tag else None
        rows = int(number.group(1)) if number is not None else len(_ROW_TAG.findall(data, 0, last))
    columns = 26
    for letters in _WIDE_REF.findall(data):
        columns = max(columns, column_index(letters.decode("ascii")))
    return rows, columns


def _normalise_part(part: str) -> str:
    bits: list[str] = []
    for b in part.split("/"):
        if b == "..":
            if bits:
                bits.pop()
        elif b and b != ".":
            bits.append(b)
    return "/".join(bits)
