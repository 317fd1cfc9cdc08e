"""Question bank files: our CSV/XLSX format both ways, and foreign questionnaires through a mapping.

Reading goes through one pipeline: a file becomes a `Table` of raw cells, a header row is
found, columns are mapped to bank fields, and rows become validated questions. Every problem
names file, sheet, row and column. The caller decides whether to stop at the first error (the
command line) or to collect them all (the import wizard's preview).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.bank import FIELDS, Bank, Question, QuestionType, format_number, make_question
from app.domain.errors import BankError
from app.exchange.spreadsheet_safety import (
    MAX_ROWS,
    SheetInfo,
    SpreadsheetError,
    WorkbookInfo,
    check_xlsx,
    column_index,
    column_letter,
)

MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_READ_COLUMNS = 200  # columns beyond this are never part of a questionnaire
HEADER_SCAN_ROWS = 30
MAX_PREVIEW_ERRORS = 200
REQUIRED_OUR_FORMAT = ("id", "section", "layer", "question", "type")

# ----- text hygiene ------------------------------------------------------------------------

_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SMART = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u00a0": " ", "\u2007": " ", "\u202f": " "})


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def neutralise(text: str) -> str:
    """Prefix an apostrophe so a spreadsheet never runs a CSV cell as a formula.

    Text that already starts with apostrophes before a formula character gets one more, so
    `unneutralise` restores every text exactly (the mapping is a bijection).
    """
    # A plain negative number ("-2") reads back as itself; "+0" would come back as 0, and
    # "+…" starts a formula in Excel, so anything starting with "+" is always protected.
    if _FORMULA_START.match(text) and not (_is_number(text) and not text.lstrip("'").startswith("+")):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    if _NEUTRALISED.match(text):
        return text[1:]
    return text


def clean_text(text: str) -> str:
    """Newlines as \\n and no control characters: what XML (and so XLSX) can carry."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def straighten(text: str) -> str:
    """Smart quotes and non-breaking spaces from word processors, made plain."""
    return text.translate(_SMART)


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees (cached formula results, not formulas)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value) if math.isfinite(value) else ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_text(str(value))


def header_key(value: object) -> str:
    text = straighten(cell_text(value)).replace("\n", " ")
    text = re.sub(r"\s+", " ", text).strip().strip(":*").strip().casefold()
    return text


# ----- reading files into tables -----------------------------------------------------------


@dataclass
class Table:
    """Raw cells of one sheet (or a CSV); `rows[i]` is spreadsheet row i + 1."""

    file: str
    sheet: str | None
    rows: list[list[object]]
    sheets: tuple[str, ...] = ()
    hidden_sheets: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    def where(self, row: int | None = None, column: int | None = None, fieldname: str | None = None) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f'sheet "{self.sheet}"')
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column_letter(column + 1)}" + (f" ({fieldname})" if fieldname else ""))
        elif fieldname:
            parts.append(f"{fieldname} (no such column)")
        return ", ".join(parts)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_table(path: Path, sheet: str | None = None) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx_table(path, sheet)
    if suffix in {".xls", ".ods", ".numbers"}:
        raise SpreadsheetError(path.name, f"{suffix} files are not read; save the file as .xlsx (Excel Workbook) or .csv")
    if sheet:
        try:
            head = path.open("rb").read(4)
        except OSError:
            head = b""
        if not head.startswith(b"PK"):
            raise SpreadsheetError(path.name, "--sheet applies to .xlsx workbooks only")
    # A workbook saved under another name is still a workbook.
    try:
        with path.open("rb") as fh:
            if fh.read(2) == b"PK":
                return read_xlsx_table(path, sheet)
    except OSError as exc:
        raise SpreadsheetError(path.name, f"cannot read the file ({exc.strerror or exc})") from None
    return read_csv_table(path)


def decode_text(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): UTF-8 with or without BOM, UTF-16 with BOM, or cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        enc = "utf-8"
    binary = "this is a binary file, not CSV text; export the sheet as CSV (UTF-8) or use the .xlsx file"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        if enc != "utf-8":
            raise SpreadsheetError(where, f"the file says it is {enc} but is not valid {enc} text") from None
    else:
        if "\x00" in text[:8192]:
            raise SpreadsheetError(where, binary)
        return text, enc, []
    if b"\x00" in data[:8192]:
        raise SpreadsheetError(where, binary)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(where, "the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'") from None
    return text, "cp1252", [f"{where}: the file is not UTF-8; it was read as Windows-1252 (cp1252). Check accented characters, or save it as 'CSV UTF-8'"]


def detect_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    best, best_n = ",", 1
    for d in (",", ";", "\t"):
        try:
            n = max((len(r) for r in csv.reader(lines, delimiter=d)), default=1)
        except csv.Error:
            continue
        if n > best_n:
            best, best_n = d, n
    return best


def read_csv_table(path: Path) -> Table:
    where = path.name
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise SpreadsheetError(where, f"the file is {size // (1024 * 1024)} MB; CSV files over {MAX_CSV_BYTES // (1024 * 1024)} MB are refused")
        data = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(where, f"cannot read the file ({exc.strerror or exc})") from None
    text, _enc, warns = decode_text(data, where)
    if not text.strip():
        raise SpreadsheetError(where, "the file is empty")
    delimiter = detect_delimiter(text)
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for rec in reader:
            rows.append([unneutralise(clean_text(c)) for c in rec])
            if len(rows) > MAX_ROWS:
                raise SpreadsheetError(where, f"the file has more than {MAX_ROWS:,} rows; refused")
    except csv.Error as exc:
        raise SpreadsheetError(f"{where}, row {reader.line_num}", f"not readable as CSV ({exc})") from None
    return Table(where, None, rows, warnings=warns)


def load_workbook_safely(path: Path) -> tuple[Any, WorkbookInfo]:
    """Check, then open read-only with cached values (formulas are never evaluated)."""
    info = check_xlsx(path)
    import openpyxl

    # We open the file ourselves: when openpyxl fails half-way through a damaged package it
    # leaves its own file handle open; ours is closed on every path.
    fh = open(path, "rb")  # noqa: SIM115 - closed on error here, or with the workbook
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops; not the user's concern
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file is a bad file
        fh.close()
        raise SpreadsheetError(path.name, f"the workbook cannot be read ({_describe(exc)}); open it in Excel and save it again") from None
    close_archive = wb.close

    def close() -> None:
        try:
            close_archive()
        finally:
            fh.close()

    wb.close = close
    return wb, info


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def sheet_rows(wb: Any, info: SheetInfo, file: str) -> list[list[object]]:
    """Cell values of one sheet, merged ranges filled down, trailing blank rows dropped."""
    where = f'{file}, sheet "{info.name}"'
    rows: list[list[object]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ws = wb[info.name]
            for n, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_READ_COLUMNS), start=1):
                if n > MAX_ROWS:
                    raise SpreadsheetError(where, f"the sheet has more than {MAX_ROWS:,} rows; refused")
                values = list(row)
                while values and (values[-1] is None or values[-1] == ""):
                    values.pop()
                rows.append(values)
    except SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet is a bad file, never a crash
        raise SpreadsheetError(where, f"the sheet cannot be read ({_describe(exc)})") from None
    while rows and not rows[-1]:
        rows.pop()
    _fill_merged(rows, info.merged)
    return rows


def _fill_merged(rows: list[list[object]], merged: Sequence[tuple[int, int, int, int]]) -> None:
    # Only ranges spanning several rows are filled: a title merged across columns stays one cell,
    # so a section-header row still reads as a single label.
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


def read_xlsx_table(path: Path, sheet: str | None = None) -> Table:
    wb, info = load_workbook_safely(path)
    try:
        visible = [s for s in info.sheets if s.visible]
        hidden = tuple(s.name for s in info.sheets if not s.visible)
        if sheet:
            chosen = info.sheet(sheet)
            if chosen is None:
                names = ", ".join(f'"{s.name}"' for s in info.sheets)
                raise SpreadsheetError(path.name, f'there is no sheet "{sheet}" (sheets: {names})')
        else:
            # A hidden first sheet (lookup lists, macros' scratch space) is never the questionnaire.
            chosen = visible[0] if visible else info.sheets[0]
        rows = sheet_rows(wb, chosen, path.name)
    finally:
        wb.close()
    table = Table(path.name, chosen.name, rows, tuple(s.name for s in info.sheets), hidden)
    if hidden and not sheet and chosen.name != info.sheets[0].name:
        table.warnings.append(f'{path.name}: hidden sheet(s) {", ".join(repr(h) for h in hidden)} skipped; read sheet "{chosen.name}"')
    return table


# ----- header and mapping ------------------------------------------------------------------

SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "ref.", "ref #", "ref no", "ref no.", "reference", "no", "no.", "nr", "#", "number",
           "question id", "question no", "question no.", "question number", "q#", "q no", "q no.", "qid",
           "item", "item no", "item no.", "code", "req id", "requirement id", "question ref"),
    "section": ("section", "category", "area", "domain", "topic", "group", "heading", "theme", "chapter",
                "section name", "category name"),
    "layer": ("layer",),
    "question": ("question", "questions", "question text", "requirement", "requirements", "description",
                 "criterion", "criteria", "query", "questionnaire item", "requirement description"),
    "type": ("type", "answer type", "response type", "answer format", "response format", "question type"),
    "weight": ("weight", "weighting", "importance", "points", "max points", "max score", "score weight",
               "weight (%)", "weight %"),
    "guidance": ("guidance", "guidance notes", "notes", "help", "hint", "what good looks like",
                 "explanation", "evaluator guidance", "evaluation guidance", "scoring guidance"),
    "options": ("options", "choices", "allowed answers", "answer options", "possible answers", "rubric"),
    "scoring": ("scoring", "scoring rule", "scoring rules"),
    "knockout_min": ("knockout_min", "knockout min", "knockout", "knock-out", "minimum score", "min score"),
    "flag_rule": ("flag_rule", "flag rule", "red flag rule"),
    "allow_na": ("allow_na", "allow na", "allow n/a", "n/a allowed", "na allowed"),
}
_EXACT = {f: {f, f.replace("_", " ")} for f in FIELDS}

TYPE_WORDS: dict[str, str] = {
    "yes/no": "yes_no", "y/n": "yes_no", "yes no": "yes_no", "yes or no": "yes_no", "boolean": "yes_no",
    "0-5": "scale", "0–5": "scale", "0 - 5": "scale", "rating": "scale", "score": "scale", "score 0-5": "scale",
    "scale 0-5": "scale", "1-5": "scale",
    "numeric": "number", "integer": "number", "amount": "number", "quantity": "number",
    "multiple choice": "choice", "single choice": "choice", "select": "choice", "dropdown": "choice",
    "list": "choice", "pick list": "choice",
    "free text": "text", "free-text": "text", "narrative": "text", "open": "text", "open text": "text",
    "comment": "text", "description": "text", "long text": "text",
}
WEIGHT_WORDS: dict[str, str] = {"critical": "5", "high": "3", "medium": "2", "med": "2", "low": "1"}

LAYER_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("commercial", ("commercial", "pricing", "price", "cost", "contract", "legal", "terms", "licens", "financ", "insurance", "payment", "sla")),
    ("data", ("data", "privacy", "gdpr", "quality", "dataset", "pipeline", "label")),
    ("systems", ("system", "security", "integrat", "infrastructure", "architecture", "technical", "technology", "platform",
                 "mlops", "operations", "deployment", "hosting", "cloud", "monitoring", "model", "api", "it ")),
    ("people", ("people", "team", "staff", "training", "change", "support", "governance", "track record", "reference",
                "experience", "company", "organisation", "organization", "delivery", "project", "management")),
)


def field_name(text: str) -> str | None:
    key = header_key(text).replace(" ", "_")
    if key in FIELDS:
        return key
    for f, words in SYNONYMS.items():
        if header_key(text) in words:
            return f
    return None


@dataclass(frozen=True)
class Column:
    index: int  # 0-based
    letter: str
    header: str  # as in the file ("" when blank)

    @property
    def label(self) -> str:
        return f"{self.letter}: {self.header}" if self.header else f"{self.letter} (no header)"


def detect_header_row(rows: Sequence[Sequence[object]], wanted: Sequence[str] = ()) -> int | None:
    """The 1-based row that looks most like a header: most cells naming bank fields.

    `wanted` are column names the user mapped explicitly; a row holding all of them wins.
    """
    best, best_score = None, 0.0
    wanted_keys = {header_key(w) for w in wanted}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = [header_key(c) for c in row if isinstance(c, str) and c.strip()]
        if not keys:
            continue
        fields = {field_name(k) for k in keys} - {None}
        score = float(len(fields))
        if "question" in fields:
            score += 1.5
        if wanted_keys and wanted_keys <= set(keys):
            score += 100
        if score > best_score:
            best, best_score = i + 1, score
    return best if best_score >= 1 else None


@dataclass
class Analysis:
    """What a file would import as: the header, the mapping, the questions, every problem."""

    table: Table
    header_row: int | None
    detected_header_row: int | None
    columns: list[Column]
    mapping: dict[str, int]  # field → 0-based column
    our_format: bool
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)  # (row number, field values)
    questions: list[Question] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[SpreadsheetError] = field(default_factory=list)

    def bank(self, name: str) -> Bank:
        return Bank(name, tuple(self.questions))


class _Stop(Exception):
    pass


def analyse(
    table: Table,
    header_row: int | None = None,
    mapping: Sequence[str] = (),
    default_type: str | None = None,
    default_weight: float | None = None,
    collect: bool = False,
) -> Analysis:
    """Turn a table into questions. Raises the first SpreadsheetError unless `collect`."""
    errors: list[SpreadsheetError] = []

    def fail(err: SpreadsheetError) -> None:
        if not collect:
            raise err
        errors.append(err)
        if len(errors) >= MAX_PREVIEW_ERRORS:
            raise _Stop

    explicit = _parse_mapping(mapping, table)
    detected = detect_header_row(table.rows, [c for _, c in explicit if c])
    hrow: int | None
    if header_row is not None:
        if header_row < 1 or header_row > max(len(table.rows), 1):
            raise SpreadsheetError(table.where(), f"--header-row {header_row} is outside the sheet (it has {len(table.rows)} rows)")
        hrow = header_row
    else:
        hrow = detected if detected is not None else (1 if table.rows else None)
    analysis = Analysis(table, hrow, detected, [], {}, False, warnings=list(table.warnings), errors=errors)
    if hrow is None:
        raise SpreadsheetError(table.where(), "the sheet is empty")
    header = table.rows[hrow - 1] if hrow - 1 < len(table.rows) else []
    width = max(len(header), *(len(r) for r in table.rows[hrow - 1 : hrow + 200]), 0) if table.rows else 0
    analysis.columns = [
        Column(i, column_letter(i + 1), header_key_display(header[i] if i < len(header) else None)) for i in range(width)
    ]
    try:
        _map_columns(analysis, explicit)
        _read_rows(analysis, default_type, default_weight, fail)
    except _Stop:
        pass
    except SpreadsheetError as exc:
        # The preview still shows the header and columns so the user can fix the mapping.
        if not collect:
            raise
        errors.append(exc)
    return analysis


def header_key_display(value: object) -> str:
    return re.sub(r"\s+", " ", straighten(cell_text(value))).strip()


def _column_names(columns: Sequence[Column]) -> str:
    names = [repr(c.header if len(c.header) <= 40 else c.header[:40] + "…") for c in columns if c.header]
    return ", ".join(names[:20]) + (" …" if len(names) > 20 else "") if names else "none"


def _parse_mapping(mapping: Sequence[str], table: Table) -> list[tuple[str, str]]:
    out = []
    for item in mapping:
        f, sep, col = item.partition("=")
        fname = f.strip().lower().replace(" ", "_").replace("-", "_")
        if not sep:
            raise SpreadsheetError(table.file, f"--map {item!r} needs the form field=Column, e.g. question=\"Requirement\"")
        if fname not in FIELDS:
            raise SpreadsheetError(table.file, f"--map {item!r}: {f.strip()!r} is not a bank field ({', '.join(FIELDS)})")
        out.append((fname, col.strip()))
    return out


def _map_columns(a: Analysis, explicit: list[tuple[str, str]]) -> None:
    by_key: dict[str, int] = {}
    for c in a.columns:
        if c.header:
            by_key.setdefault(header_key(c.header), c.index)
    mapping: dict[str, int] = {}
    excluded = {fname for fname, col in explicit if not col}  # "field=" means: do not import it
    for fname, col in explicit:
        if not col:
            continue
        key = header_key(col)
        if key in by_key:
            mapping[fname] = by_key[key]
        elif re.fullmatch(r"[A-Za-z]{1,3}", col) and column_index(col) <= MAX_READ_COLUMNS:
            mapping[fname] = column_index(col) - 1
        else:
            names = _column_names(a.columns)
            raise SpreadsheetError(
                a.table.where(a.header_row), f"--map {fname}={col}: no column named {col!r} in the header row (columns: {names})"
            )
    exact = {k: f for f in FIELDS for k in _EXACT[f]}
    a.our_format = not any(col for _, col in explicit) and all(k in by_key for k in ("id", "question", "type"))
    for c in a.columns:
        if not c.header:
            continue
        key = header_key(c.header)
        f = exact.get(key) if a.our_format else field_name(c.header)
        if f is not None and f not in mapping and f not in excluded and c.index not in mapping.values():
            mapping[f] = c.index
    a.mapping = mapping
    used = set(mapping.values())
    ignored = [c for c in a.columns if c.header and c.index not in used]
    if ignored:
        a.warnings.append(
            f"{a.table.where(a.header_row)}: column(s) not imported: "
            + ", ".join(f"{c.letter} {c.header!r}" for c in ignored)
        )
    if a.our_format:
        missing = [f for f in REQUIRED_OUR_FORMAT if f not in mapping]
        if missing:
            raise SpreadsheetError(a.table.where(a.header_row), f"missing column(s) {', '.join(missing)}")
    elif "question" not in mapping:
        names = _column_names(a.columns)
        raise SpreadsheetError(
            a.table.where(a.header_row),
            f"no column holds the question text (columns: {names}); map a column to the question field (--map question=Column)"
            + ("" if a.header_row == a.detected_header_row else " or choose another --header-row"),
        )


def _normal_type(text: str) -> str:
    key = header_key(text)
    return TYPE_WORDS.get(key, text)


def _guess_layer(section: str) -> str:
    low = " " + section.casefold() + " "
    for layer, words in LAYER_KEYWORDS:
        if any(w in low for w in words):
            return layer
    return "people"


def _read_rows(a: Analysis, default_type: str | None, default_weight: float | None, fail: Any) -> None:
    t = a.table
    m = a.mapping
    foreign = not a.our_format
    if default_type is not None:
        dtype = _normal_type(default_type).strip().lower().replace("-", "_").replace(" ", "_")
        if dtype not in {q.value for q in QuestionType}:
            raise SpreadsheetError(t.file, f"--default-type {default_type!r} is not one of yes_no, scale, number, choice, text")
    else:
        dtype = "scale"
    if default_weight is not None and (not math.isfinite(default_weight) or default_weight < 0):
        raise SpreadsheetError(t.file, f"--default-weight {format_number(default_weight) if math.isfinite(default_weight) else default_weight}: weights must be 0 or more")
    if foreign:
        if "type" not in m:
            a.warnings.append(f"{t.where()}: no type column; every question is {dtype!r}" + ("" if default_type else " (change it with --default-type, or the default answer type)"))
        if "id" not in m:
            a.warnings.append(f"{t.where()}: no id column; ids were made from row numbers (R12 is row 12)")
    header_row = a.header_row or 1
    current_section = ""
    skipped: list[int] = []
    guessed_layers: dict[str, str] = {}
    seen: dict[str, int] = {}

    def get(row: list[object], fname: str) -> str:
        i = m.get(fname)
        if i is None or i >= len(row):
            return ""
        text = cell_text(row[i])
        return straighten(text).strip() if foreign else text

    for rownum in range(header_row + 1, len(t.rows) + 1):
        row = t.rows[rownum - 1]
        if all(cell_text(v).strip() == "" for v in row):
            continue
        qid, qtext = get(row, "id"), get(row, "question")
        if foreign:
            values = [straighten(cell_text(v)).strip() for v in row]
            distinct = {v for v in values if v}
            if (not qid or not qtext) and len(distinct) == 1:
                label = next(iter(distinct))
                only_question = "id" not in m and qtext == label
                if not only_question or (not label.endswith("?") and len(label.split()) <= 8):
                    current_section = label
                    continue
            if not qtext or ("id" in m and not qid):
                skipped.append(rownum)
                continue
            if "id" not in m:
                qid = f"R{rownum}"
        d: dict[str, object] = {f: get(row, f) for f in m}
        d["id"] = qid
        if foreign:
            d["question"] = qtext
            section = str(d.get("section") or "") or current_section or "General"
            d["section"] = section
            if not d.get("layer"):
                d["layer"] = guessed_layers.setdefault(section, _guess_layer(section))
            d["type"] = _normal_type(str(d.get("type") or "")) or dtype
            w = str(d.get("weight") or "").strip().rstrip("%").strip()
            d["weight"] = WEIGHT_WORDS.get(w.casefold(), w)
        if not d.get("type") and not a.our_format:
            d["type"] = dtype
        if not str(d.get("weight") or "").strip():
            is_text = norm_type(str(d.get("type") or "")) == "text"
            if default_weight is not None and not is_text:
                d["weight"] = format_number(default_weight)
        try:
            q = make_question(d)
        except BankError as exc:
            col = m.get(exc.field)
            fail(SpreadsheetError(t.where(rownum, col, exc.field), exc.detail))
            continue
        key = q.id.casefold()
        if key in seen:
            fail(SpreadsheetError(t.where(rownum, m.get("id"), "id"), f"id {q.id!r} is already used on row {seen[key]}"))
            continue
        seen[key] = rownum
        a.rows.append((rownum, d))
        a.questions.append(q)
    if skipped:
        shown = ", ".join(str(r) for r in skipped[:30]) + (f" … ({len(skipped)} in all)" if len(skipped) > 30 else "")
        a.warnings.append(f"{t.where()}: skipped {len(skipped)} row(s) without an id or question: row(s) {shown}")
    if guessed_layers:
        a.warnings.append(
            f"{t.where()}: no layer column; layers guessed from section names: "
            + "; ".join(f"{s} → {layer}" for s, layer in guessed_layers.items())
        )
    if not a.questions and not a.errors:
        raise SpreadsheetError(t.where(header_row), "no questions below the header row")


def norm_type(text: str) -> str:
    return _normal_type(text).strip().lower().replace("-", "_").replace(" ", "_")


def read_bank(
    path: Path,
    name: str,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Sequence[str] = (),
    default_type: str | None = None,
    default_weight: float | None = None,
) -> tuple[Bank, Analysis]:
    """Read and validate a whole bank file; raises SpreadsheetError at the first problem."""
    table = read_table(Path(path), sheet)
    a = analyse(table, header_row, mapping, default_type, default_weight)
    return a.bank(name), a


# ----- writing our format ------------------------------------------------------------------


def bank_to_csv(bank: Bank) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(FIELDS)
    for row in bank.rows():
        w.writerow([neutralise(clean_text(row[f])) for f in FIELDS])
    return buf.getvalue()


def set_text(cell: Any, text: str) -> None:
    """Write text that Excel shows and keeps as text, never as a formula."""
    cell.value = clean_text(text)
    if text[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
        cell.quotePrefix = True


_NUMERIC_FIELDS = ("weight", "knockout_min")


def bank_to_xlsx(bank: Bank) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Questions"
    bold = Font(bold=True)
    for j, f in enumerate(FIELDS, start=1):
        c = ws.cell(1, j, f)
        c.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, q in enumerate(bank.questions, start=2):
        row = q.as_row()
        for j, f in enumerate(FIELDS, start=1):
            c = ws.cell(i, j)
            if f in _NUMERIC_FIELDS and row[f] != "":
                v = float(row[f])
                c.value = int(v) if v.is_integer() and abs(v) < 2**53 else v
            else:
                set_text(c, row[f])
            if f in ("question", "guidance", "options"):
                c.alignment = wrap
    widths = {"id": 10, "section": 22, "layer": 12, "question": 60, "type": 10, "weight": 8, "guidance": 50,
              "options": 40, "scoring": 24, "knockout_min": 13, "flag_rule": 30, "allow_na": 9}
    for j, f in enumerate(FIELDS, start=1):
        ws.column_dimensions[column_letter(j)].width = widths[f]
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
