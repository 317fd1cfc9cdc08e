"""Fixture files made in the tests: real-world questionnaire quirks and hostile workbooks."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from app.domain.bank import FIELDS

Row = Sequence[object]


def our_rows(n: int = 3) -> list[list[object]]:
    """A header and `n` valid questions in our bank format."""
    rows: list[list[object]] = [list(FIELDS)]
    for i in range(1, n + 1):
        rows.append([f"Q{i:02d}", "Delivery", "people", f"Question number {i}?", "scale", 2, "", "", "", "", "", ""])
    return rows


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Row]],
    hidden: Sequence[str] = (),
    merged: dict[str, Sequence[str]] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    cell = ws.cell(r, c, value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"
        for rng in (merged or {}).get(name, ()):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, n in enumerate(sheets) if n not in hidden)
    wb.save(path)
    return path


def with_formulas(path: Path, sheet_rows: Sequence[Row], formulas: dict[str, tuple[str, object]]) -> Path:
    """A one-sheet workbook whose cells in `formulas` hold a formula AND its cached result,
    as Excel saves them (openpyxl writes formulas without results, so the XML is patched)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Questions"
    for r, row in enumerate(sheet_rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for ref, (formula, _cached) in formulas.items():
        ws[ref] = "=" + formula
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                for ref, (_formula, cached) in formulas.items():
                    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?')
                    kind = ' t="str"' if isinstance(cached, str) else ""
                    text, n = pattern.subn(lambda m, c=cached, k=kind, r=ref: f'<c r="{r}"{k}><f>{m.group(2)}</f><v>{c}</v>', text)
                    assert n == 1, (ref, text[:500])
                data = text.encode("utf-8")
            out.writestr(info, data)
    return path


def replace_part(path: Path, part: str, data: bytes, out: Path | None = None) -> Path:
    """A copy of a workbook with one zip member replaced (or added)."""
    target = out or path
    src = zipfile.ZipFile(io.BytesIO(Path(path).read_bytes()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != part:
                z.writestr(info, src.read(info))
        z.writestr(part, data)
    return target


def zip_bomb(path: Path, inflated_mb: int = 120) -> Path:
    """A valid-looking workbook whose sheet inflates to `inflated_mb` MB of blanks."""
    base = write_xlsx(path.with_suffix(".base.xlsx"), {"Questions": our_rows()})
    src = zipfile.ZipFile(io.BytesIO(base.read_bytes()))
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with z.open(info.filename, "w", force_zip64=True) as fh:
                    fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>')
                    for _ in range(inflated_mb):
                        fh.write(chunk)
                    fh.write(b"</worksheet>")
            else:
                z.writestr(info, src.read(info))
    base.unlink()
    return path


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def billion_laughs(path: Path) -> Path:
    base = write_xlsx(path, {"Questions": our_rows()})
    return replace_part(base, "xl/worksheets/sheet1.xml", BILLION_LAUGHS)


def huge_dimension(path: Path, rows: int = 200_000) -> Path:
    base = write_xlsx(path, {"Questions": our_rows()})
    data = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml").decode("utf-8")
    data, n = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:L{rows}"/>', data)
    assert n == 1
    return replace_part(base, "xl/worksheets/sheet1.xml", data.encode("utf-8"))


def value_at(path: Path, cells: Sequence[str], styled: Sequence[str] = ()) -> Path:
    """Our 3-question bank plus a value in each of `cells` (e.g. "A200000") and an empty styled
    cell in each of `styled`, written straight into the sheet XML as Excel would."""
    base = write_xlsx(path, {"Questions": our_rows()})
    data = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml").decode("utf-8")
    extra = []
    for ref in sorted([*cells, *styled], key=lambda r: int(re.sub(r"[A-Z]", "", r))):
        row = re.sub(r"[A-Z]", "", ref)
        body = f'<c r="{ref}" t="n"><v>1</v></c>' if ref in cells else f'<c r="{ref}" s="0"/>'
        extra.append(f'<row r="{row}">{body}</row>')
    data = data.replace("</sheetData>", "".join(extra) + "</sheetData>")
    return replace_part(base, "xl/worksheets/sheet1.xml", data.encode("utf-8"))


def random_bytes(path: Path, size: int = 4096) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def bad_bank(path: Path, row: int, fieldname: str, value: object) -> Path:
    """Our format with `value` in `fieldname` on spreadsheet row `row` (rows above are valid)."""
    rows = our_rows(max(row + 2, 5))
    rows[row - 1][FIELDS.index(fieldname)] = value
    if path.suffix == ".csv":
        import csv

        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        return path
    return write_xlsx(path, {"Questions": rows})
