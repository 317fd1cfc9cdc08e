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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.domain.bank import FIELDS, Bank, Question, format_number, make_question
from app.domain.errors import BankError
from app.domain.wording import plural
from app.exchange.bank_options import DEFAULT_IMPORT, BankImportOptions
from app.exchange.layer_guess import guess_layer
from app.exchange.sheets import MAX_READ_COLUMNS, SheetExtras, Workbook, open_workbook
from app.exchange.spreadsheet_safety import (
    MAX_ROWS,
    SheetInfo,
    SpreadsheetError,
    column_index,
    column_letter,
    refuse_overlong_text,
)

MAX_CSV_BYTES = 50 * 1024 * 1024
HEADER_SCAN_ROWS = 30
MAX_ERRORS = 50  # problems reported at once
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
    extras: SheetExtras = field(default_factory=SheetExtras)
    offered: dict[int, tuple[str, ...]] = field(default_factory=dict)  # row → answers a JSON question offers
    codes: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # answer code → (kind, answers)

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
    return read_tables(path, [sheet] if sheet else [])[0]


def read_tables(path: Path, sheets: Sequence[str] = (), choose: bool = True) -> list[Table]:
    """The tables of a file: one per sheet read (XLSX, ODS), or one (CSV, JSON).

    Without sheet names a workbook gives the sheet holding the questions, or with `choose=False`
    every visible sheet (the caller picks).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".ods"}:
        return read_workbook_tables(path, sheets, choose)
    if suffix in {".xls", ".numbers"}:
        raise SpreadsheetError(path.name, f"{suffix} files are not read; save the file as .xlsx (Excel Workbook), .ods or .csv")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise SpreadsheetError(path.name, f"cannot read the file ({exc.strerror or exc})") from None
    # A workbook saved under another name is still a workbook.
    if head.startswith(b"PK"):
        return read_workbook_tables(path, sheets, choose)
    if sheets:
        raise SpreadsheetError(path.name, "--sheet applies to .xlsx and .ods workbooks only")
    if suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[", b"/"):
        from app.exchange.json_questionnaires import read_json_table

        return [read_json_table(path)]
    return [read_csv_table(path)]


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


def read_text_file(path: Path, kind: str) -> tuple[str, list[str]]:
    """(text, warnings) of a CSV or JSON file, within the size limit, decoded as `decode_text` does."""
    where = path.name
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise SpreadsheetError(where, f"the file is {size // (1024 * 1024)} MB; {kind} files over {MAX_CSV_BYTES // (1024 * 1024)} MB are refused")
        data = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(where, f"cannot read the file ({exc.strerror or exc})") from None
    text, _enc, warns = decode_text(data, where)
    return text, warns


def read_csv_table(path: Path) -> Table:
    where = path.name
    text, warns = read_text_file(path, "CSV")
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


def read_xlsx_table(path: Path, sheet: str | None = None) -> Table:
    """One sheet of a workbook (XLSX or ODS): the named one, or the one holding the questions."""
    return read_workbook_tables(path, [sheet] if sheet else [])[0]


def read_workbook_tables(path: Path, sheets: Sequence[str] = (), choose: bool = True) -> list[Table]:
    """The named sheets of a workbook, or the one sheet that holds questions.

    Without names, a workbook with one visible sheet gives that sheet; otherwise every visible
    sheet is looked at and the one with a question column and the most question rows is read.
    When several sheets hold comparable numbers of questions, the choice is the user's: the
    error names the candidates.
    """
    with open_workbook(path) as book:
        info = book.info
        all_names = tuple(s.name for s in info.sheets)
        hidden = tuple(s.name for s in info.sheets if not s.visible)
        tables: list[Table] = []
        if sheets:
            for name in sheets:
                chosen = info.sheet(name)
                if chosen is None:
                    names = ", ".join(f'"{s.name}"' for s in info.sheets)
                    raise SpreadsheetError(path.name, f'there is no sheet "{name}" (sheets: {names})')
                if any(t.sheet == chosen.name for t in tables):
                    continue
                tables.append(_sheet_table(book, chosen, all_names, hidden))
            _attach_codes(book, tables)
            return tables
        visible = [s for s in info.sheets if s.visible] or list(info.sheets)
        if not choose:
            return [_sheet_table(book, s, all_names, hidden) for s in visible]
        chosen = visible[0]
        note = ""
        if len(visible) > 1:
            chosen, note = _choose_sheet(book, visible, path.name)
        table = _sheet_table(book, chosen, all_names, hidden)
        if note:
            table.warnings.append(note)
        elif hidden and chosen.name != info.sheets[0].name:
            table.warnings.append(f'{path.name}: hidden sheet{"s" if len(hidden) != 1 else ""} {", ".join(repr(h) for h in hidden)} '
                                  f'skipped; read sheet "{chosen.name}"')
        _attach_codes(book, [table])
        return [table]


_CODE_TYPE_HEADERS = {"question_type", "question type", "answer type", "answer_type", "type"}
_CODE_CHOICE_HEADERS = {"question_choices", "question choices", "choices", "answer choices", "answers", "options"}


def _attach_codes(book: Workbook, tables: list[Table]) -> None:
    """Answer codes defined on another sheet (ciso-assistant's `answers_content`: YNANA → Yes/No/Alternate/N/A)."""
    read = {t.sheet for t in tables}
    codes: dict[str, tuple[str, tuple[str, ...]]] = {}
    for sheet in book.sheets:
        if sheet.name in read or not sheet.rows or sheet.rows > 2000:
            continue
        rows = book.rows(sheet)
        if not rows:
            continue
        head = [header_key(v) if isinstance(v, str) else "" for v in rows[0]]
        if "id" not in head:
            continue
        ti = next((i for i, h in enumerate(head) if h in _CODE_TYPE_HEADERS), None)
        ci = next((i for i, h in enumerate(head) if h in _CODE_CHOICE_HEADERS), None)
        if ti is None or ci is None:
            continue
        ii = head.index("id")
        for row in rows[1:]:
            code = cell_text(row[ii]).strip() if ii < len(row) else ""
            if not code:
                continue
            kind = cell_text(row[ti]).strip() if ti < len(row) else ""
            answers = tuple(x.strip() for x in cell_text(row[ci]).splitlines() if x.strip()) if ci < len(row) else ()
            codes.setdefault(header_key(code), (header_key(kind), answers))
    for t in tables:
        t.codes = codes


def code_kind(code: tuple[str, tuple[str, ...]], points: dict[str, float | None] | None = None) -> Kind | None:
    """What an answer code's definition makes a question."""
    kind, answers = code
    if kind in {"unique_choice", "single_choice", "choice", "radio", "select"} and answers:
        return classify_answers(answers, points)
    if kind in {"multiple_choice", "multi_choice", "checkbox", "text", "date", "string", "textarea"}:
        return "text", False, "", ()
    if kind in {"number", "integer", "decimal", "float", "numeric"}:
        return "number", False, "", ()
    if kind in {"boolean", "bool", "yes_no", "yesno"}:
        return "yes_no", False, "", ()
    return None


def _sheet_table(book: Workbook, sheet: SheetInfo, names: tuple[str, ...], hidden: tuple[str, ...]) -> Table:
    rows = book.rows(sheet)
    extras = book.extras(sheet)
    table = Table(book.path.name, sheet.name, rows, names, hidden, extras=extras)
    if extras.uncached:
        cells = ", ".join(f"{column_letter(c)}{r}" for r, c, _ in extras.uncached[:10])
        more = f" … ({len(extras.uncached)} in all)" if len(extras.uncached) > 10 else ""
        table.warnings.append(
            f'{book.path.name}, sheet "{sheet.name}": formula cell{"s" if len(extras.uncached) != 1 else ""} {cells}{more} '
            f'{"have" if len(extras.uncached) != 1 else "has"} no saved result and read{"" if len(extras.uncached) != 1 else "s"} as empty; '
            "open the file in Excel or LibreOffice and save it again to keep their values"
        )
    return table


def question_rows(rows: Sequence[Sequence[object]]) -> int:
    """How many rows below the detected header have text in a question column (0: no such column)."""
    header = detect_header_row(rows)
    ranked = sorted((found[1], i) for i, c in enumerate(rows[header - 1])
                    if isinstance(c, str) and (found := field_rank(c)) is not None and found[0] == "question") if header else []
    if not ranked:
        idt = id_table(rows)
        return idt.questions if idt else 0
    col = ranked[0][1]
    return sum(1 for r in rows[header:] if col < len(r) and _question_like(cell_text(r[col])))


def _question_like(text: str) -> bool:
    text = text.strip()
    return text.endswith("?") or len(text.split()) >= 4


# A question id as questionnaires write them: GNRL-01, AIPL-05, A&A-01.1, DOC.3, IAM12.
_ID_LIKE = re.compile(r"[A-Za-z][A-Za-z&]{1,9}[-_.]?\d{1,4}(?:[.-]\d{1,4})*[A-Za-z]?")


@dataclass(frozen=True)
class IdTable:
    """A table without a header row of its own: ids in one column, the question text right of them,
    and section rows that carry the column labels (HECVAT 4: " AI Policy | | Answer | Guidance")."""

    header_row: int  # 1-based: the non-empty row just above the first id
    id_column: int  # 0-based
    question_column: int
    labels: dict[int, str]  # column → the label its section rows repeat ("Answer", "Guidance")
    first_section: str  # what the header row's id cell says (" General Information"), or ""
    questions: int  # rows with an id and question-like text


def _is_id(value: object) -> bool:
    return isinstance(value, str) and _ID_LIKE.fullmatch(value.strip()) is not None


def id_table(rows: Sequence[Sequence[object]]) -> IdTable | None:
    """The id and question columns of a sheet whose only headers are its section rows, or None."""
    counts: dict[int, int] = {}
    for row in rows:
        for c in range(min(len(row), 10) - 1):
            if _is_id(row[c]) and cell_text(row[c + 1]).strip():
                counts[c] = counts.get(c, 0) + 1
                break
    if not counts:
        return None
    idc = max(counts, key=lambda c: (counts[c], -c))
    if counts[idc] < 3:
        return None
    qc = idc + 1
    first = next(i for i, r in enumerate(rows) if idc < len(r) - 1 and _is_id(r[idc]) and cell_text(r[qc]).strip())
    header = next((i for i in range(first - 1, -1, -1) if any(cell_text(v).strip() for v in rows[i])), None)
    if header is None:
        return None
    seen: dict[int, dict[str, int]] = {}
    questions = 0
    for row in rows[header:]:
        head = cell_text(row[idc]).strip() if idc < len(row) else ""
        text = cell_text(row[qc]).strip() if qc < len(row) else ""
        if _is_id(head) and text:
            questions += _question_like(text)
        elif head and not text:  # a section row: its other cells are the column labels
            for c, v in enumerate(row[:MAX_READ_COLUMNS]):
                label = cell_text(v).strip()
                if c in (idc, qc) or not label or len(label) > 40:
                    continue
                seen.setdefault(c, {})
                seen[c][label] = seen[c].get(label, 0) + 1
    labels = {c: max(found, key=lambda k: found[k]) for c, found in seen.items()}
    top = cell_text(rows[header][idc]).strip() if idc < len(rows[header]) else ""
    return IdTable(header + 1, idc, qc, labels, "" if _is_id(top) else top, questions)


class SheetChoiceNeeded(SpreadsheetError):
    """Several sheets hold questions; `candidates` are (sheet, question rows), most first."""

    def __init__(self, where: str, message: str, candidates: list[tuple[str, int]]) -> None:
        super().__init__(where, message)
        self.candidates = candidates


def _choose_sheet(book: Workbook, visible: Sequence[SheetInfo], file: str) -> tuple[SheetInfo, str]:
    counts = [(question_rows(book.rows(s)), i, s) for i, s in enumerate(visible)]
    ranked = sorted((c for c in counts if c[0] > 0), key=lambda c: (-c[0], c[1]))
    if not ranked:
        return visible[0], ""
    best = ranked[0]
    close = [c for c in ranked[1:] if c[0] * 4 >= best[0]]
    if close:
        listed = ", ".join(f'"{s.name}" ({plural(n, "row")})' for n, _, s in ranked[:12])
        raise SheetChoiceNeeded(
            file,
            f"several sheets hold questions: {listed}; choose one with --sheet, or repeat --sheet to import several into one bank",
            [(s.name, n) for n, _, s in ranked],
        )
    if best[2].name == visible[0].name:
        return best[2], ""
    return best[2], f'{file}: read sheet "{best[2].name}", the one holding the questions (the first sheet, "{visible[0].name}", holds none)'


# ----- header and mapping ------------------------------------------------------------------

SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "ref.", "ref #", "ref no", "ref no.", "reference", "no", "no.", "nr", "#", "number",
           "question id", "question no", "question no.", "question number", "q#", "q no", "q no.", "qid",
           "item", "item no", "item no.", "code", "req id", "requirement id", "question ref", "ref_id", "ref id",
           "control id", "question ref id"),
    "section": ("section", "category", "area", "domain", "topic", "group", "heading", "theme", "chapter",
                "section name", "category name", "domain title", "ccm domain title", "control domain", "domain name"),
    "layer": ("layer",),
    "question": ("question", "questions", "question text", "requirement", "requirements", "description",
                 "criterion", "criteria", "query", "questionnaire item", "requirement description", "body",
                 "question body", "prompt"),
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
    "yes/no/n/a": "yes_no+na", "yes/no/na": "yes_no+na", "yes / no / n/a": "yes_no+na", "yes / no / na": "yes_no+na",
    "yes, no, n/a": "yes_no+na", "y/n/na": "yes_no+na", "y/n/n/a": "yes_no+na", "yes/no/not applicable": "yes_no+na",
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

# Headers that merely contain one of these words, when no synonym matched exactly
# ("CCM Domain Title", "Control domain", "Question text (EN)").
_CONTAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("section", ("domain", "category", "section", "topic")),
    ("question", ("question", "requirement")),
)


def field_rank(text: str) -> tuple[str, int] | None:
    """(bank field, rank) a header names; a lower rank is a better match ("questions" beats "description")."""
    key = header_key(text)
    if key.replace(" ", "_") in FIELDS:
        return key.replace(" ", "_"), 0
    for f, words in SYNONYMS.items():
        if key in words:
            return f, 1 + words.index(key)
    if key.endswith("?") or len(key.split()) > 6:
        return None  # a sentence (a question in a row without a header) names no column
    words_in = set(re.split(r"[^a-z0-9]+", key))
    for f, parts in _CONTAINS:
        if any(p in words_in for p in parts) and not words_in & {"id", "no", "ref", "number", "type", "answer", "choices", "choice", "options", "format"}:
            return f, 100
    return None


def field_name(text: str) -> str | None:
    found = field_rank(text)
    return found[0] if found else None


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
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    section_rows: list[tuple[int, str]] = field(default_factory=list)  # (row number, section label)
    filled_down: int = 0  # questions whose section came from a section cell above them
    first_section: str = ""  # the section the header row itself names (a table without a header of its own)
    # answer of a list that made a choice → (its points, None for n/a; guessed; questions offering it)
    offered_answers: dict[str, tuple[float | None, bool, int]] = field(default_factory=dict)
    unknown_types: list[str] = field(default_factory=list)  # type column values no type was found for

    def bank(self, name: str) -> Bank:
        return Bank(name, tuple(self.questions))


class _Stop(Exception):
    pass


def analyse(table: Table, options: BankImportOptions = DEFAULT_IMPORT, collect: bool = False) -> Analysis:
    """Turn a table into questions. Raises the first SpreadsheetError unless `collect`.

    `options.sheets` is not looked at here: the table is already one sheet.
    """
    header_row, default_type, default_weight = options.header_row, options.default_type, options.default_weight
    errors: list[SpreadsheetError] = []

    def fail(err: SpreadsheetError) -> None:
        if not collect:
            raise err
        errors.append(err)
        if len(errors) >= MAX_ERRORS:
            raise _Stop

    explicit = _parse_mapping(options.mapping, table)
    detected = detect_header_row(table.rows, [c for _, c in explicit if c])
    hrow: int | None
    if header_row is not None:
        if header_row < 1 or header_row > max(len(table.rows), 1):
            raise SpreadsheetError(table.where(), f"--header-row {header_row} is outside the sheet (it has {plural(len(table.rows), 'row')})")
        hrow = header_row
    else:
        hrow = detected if detected is not None else (1 if table.rows else None)
    # No header names a question column: perhaps the sheet has none, only section rows (HECVAT 4).
    idt = None
    if hrow is not None and not any(field_name(c) == "question" for c in table.rows[hrow - 1] if isinstance(c, str)):
        idt = id_table(table.rows)
        if idt is not None and header_row not in (None, idt.header_row):
            idt = None
        if idt is not None:
            hrow = detected = idt.header_row
    analysis = Analysis(table, hrow, detected, [], {}, False, warnings=list(table.warnings), errors=errors)
    if hrow is None:
        raise SpreadsheetError(table.where(), "the sheet is empty")
    header = table.rows[hrow - 1] if hrow - 1 < len(table.rows) else []
    width = max(len(header), *(len(r) for r in table.rows[hrow - 1 : hrow + 200]), 0) if table.rows else 0
    analysis.columns = [
        Column(i, column_letter(i + 1), header_key_display(header[i] if i < len(header) else None)) for i in range(width)
    ]
    if idt is not None:
        named = {idt.id_column: "Id", idt.question_column: "Question", **idt.labels}
        analysis.columns = [Column(c.index, c.letter, named.get(c.index, "")) for c in analysis.columns]
        analysis.first_section = idt.first_section
        analysis.warnings.append(
            f"{table.where()}: no header row names the columns; ids read from column {column_letter(idt.id_column + 1)}, "
            f"questions from column {column_letter(idt.question_column + 1)}, the other columns named by the section rows"
        )
    try:
        _map_columns(analysis, explicit)
        types, points = parse_type_map(options.value_map(), table.file)
        _read_rows(analysis, default_type, default_weight, fail, types, options.section_from, points)
    except _Stop:
        pass
    except SpreadsheetError as exc:
        # The preview still shows the header and columns so the user can fix the mapping.
        if not collect:
            raise
        errors.append(exc)
    if (options.section_from is None and not analysis.our_format and "id" in analysis.mapping and not analysis.section_rows
            and "section" not in analysis.mapping and analysis.questions
            and all(q.section == "General" for q in analysis.questions)):
        prefixes = {id_prefix(q.id) for q in analysis.questions}
        if "" not in prefixes and len(prefixes) >= 2:
            # Nothing names a section, but the ids do (CAIQ's JSON: A&A-01.1, AIS-01.1 …).
            again = analyse(table, replace(options, section_from="id-prefix"), collect)
            again.warnings.append(f"{table.where()}: no section column; sections taken from the id prefixes "
                                  f"({', '.join(sorted(prefixes)[:8])}{' …' if len(prefixes) > 8 else ''})")
            return again
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
    best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    for c in a.columns:
        if not c.header:
            continue
        key = header_key(c.header)
        if a.our_format:
            f, rank = exact.get(key), 0
        else:
            found = field_rank(c.header)
            f, rank = found if found else (None, 0)
        if f is None or f in mapping or f in excluded or c.index in mapping.values():
            continue
        if f not in best or rank < best[f][0]:
            best[f] = (rank, c.index)
    taken = set(mapping.values())
    for f, (_rank, index) in sorted(best.items(), key=lambda kv: kv[1]):
        if index not in taken:
            mapping[f] = index
            taken.add(index)
    a.mapping = mapping
    used = set(mapping.values())
    ignored = [c for c in a.columns if c.header and c.index not in used]
    if ignored:
        a.warnings.append(
            f"{a.table.where(a.header_row)}: column{'s' if len(ignored) != 1 else ''} not imported: "
            + ", ".join(f"{c.letter} {c.header!r}" for c in ignored)
        )
    if a.our_format:
        missing = [f for f in REQUIRED_OUR_FORMAT if f not in mapping]
        if missing:
            raise SpreadsheetError(a.table.where(a.header_row), f"missing column{'s' if len(missing) != 1 else ''} {', '.join(missing)}")
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


_TYPES = ("yes_no", "scale", "number", "choice", "text")
_TYPE_CHOICES = "yes_no, yes_no+na, scale, scale+na, number, choice, text"
_NA_WORDS = {"na", "n/a", "n.a.", "n.a", "n / a", "not applicable", "none applicable"}
_YES_WORDS = {"yes", "y", "true"}
_NO_WORDS = {"no", "n", "false"}
# Words a repeated header or a section row carries in its answer columns ("AI Policy | Answer | …").
_HEADER_WORDS = {"answer", "answers", "response", "responses", "vendor response", "additional information",
                 "comment", "comments", "notes", "guidance", "evidence", "yes/no", "yes/no/na", "explanation"}
# A row without question text but with an id and one of these names a section (ciso-assistant's
# converted libraries: "1.0 | Qualifying Questions | …" above the questions 1.1, 1.2 …).
_TITLE_HEADERS = {"name", "title", "heading", "section title", "control title", "requirement title"}
_GENERIC_SHEETS = {"sheet", "sheet1", "questions", "questionnaire", "bank", "data", "import", "export", "feuil1", "tabelle1"}


def parse_type(text: str) -> tuple[str, bool] | None:
    """('yes_no', allow n/a) for 'yes_no+na', 'Yes/No/N/A', 'Free text' …; None when not a type."""
    key = header_key(text)
    word = TYPE_WORDS.get(key, key)
    na = False
    for suffix in ("+na", "+n/a", " + na", "_na", "/na"):
        if word.endswith(suffix) and word[: -len(suffix)].replace("-", "_").replace(" ", "_") in _TYPES + ("yesno",):
            word, na = word[: -len(suffix)], True
            break
    word = word.strip().replace("-", "_").replace(" ", "_")
    if word in {"yesno", "boolean", "bool"}:
        word = "yes_no"
    return (word, na) if word in _TYPES else None


def parse_type_map(items: Sequence[str], file: str) -> tuple[dict[str, tuple[str, bool]], dict[str, float | None]]:
    """`--type-map VALUE=TYPE` and `--points ANSWER=POINTS` items (one list; a number or n/a on
    the right is points): (type column value → (type, allow n/a), offered answer → points)."""
    types: dict[str, tuple[str, bool]] = {}
    points: dict[str, float | None] = {}
    for item in items:
        value, sep, typ = item.rpartition("=")
        if not sep or not value.strip():
            raise SpreadsheetError(file, f"--type-map {item!r} needs the form VALUE=TYPE, e.g. --type-map TXT=text "
                                         "(or --points ANSWER=POINTS, e.g. --points Partially=2.5)")
        parsed = parse_type(typ)
        if parsed is not None:
            types[header_key(value)] = parsed
            continue
        try:
            points[header_key(value)] = parse_points(typ)
        except ValueError:
            raise SpreadsheetError(file, f"{item!r}: {typ.strip()!r} is neither an answer type ({_TYPE_CHOICES}) "
                                         "nor points from 0 to 5 or n/a") from None
    return types, points


Kind = tuple[str, bool, str, tuple[str, ...]]  # (type, allow n/a, choice options, answers whose points are a guess)


def answer_points(labels: Sequence[str], points: dict[str, float | None] | None = None) -> list[tuple[str, float | None, bool]]:
    """The points each offered answer is worth: (answer, points or None for n/a, guessed).

    Given points (`--points ANSWER=POINTS`, or the wizard's table) come first; then meaning:
    Yes/Y/True 5, No/N/False 0, NA/N/A/Not applicable n/a; any other answer is a guess, by its
    place in the list: evenly from 5 (first answer) to 0 (last).
    """
    points = points or {}
    scored = [v for v in labels if header_key(v) not in _NA_WORDS or header_key(v) in points]
    n = max(len(scored) - 1, 1)
    out: list[tuple[str, float | None, bool]] = []
    for v in labels:
        key = header_key(v)
        if key in points:
            out.append((v, points[key], False))
        elif key in _NA_WORDS:
            out.append((v, None, False))
        elif key in _YES_WORDS:
            out.append((v, 5.0, False))
        elif key in _NO_WORDS:
            out.append((v, 0.0, False))
        else:
            out.append((v, round(5 * (n - scored.index(v)) / n, 2), True))
    return out


def classify_answers(values: Sequence[str], points: dict[str, float | None] | None = None) -> Kind | None:
    """What a list of offered answers makes a question: (type, allow n/a, choice options, guessed answers).

    Yes/No (and N/A) make a yes/no question; any other list of two or more answers a choice whose
    points are `answer_points`; an answer worth n/a allows n/a instead of being an option.
    """
    keys = [header_key(v) for v in values]
    points = points or {}
    rest = [v for v, k in zip(values, keys, strict=True) if k and k not in _NA_WORDS]
    rkeys = {header_key(v) for v in rest}
    # Yes/No stays a yes/no question unless its answers were given points other than their meaning.
    meaning = {k: (5.0 if k in _YES_WORDS else 0.0 if k in _NO_WORDS else None) for k in keys}
    if (rkeys and rkeys <= _YES_WORDS | _NO_WORDS and rkeys & _YES_WORDS and rkeys & _NO_WORDS
            and all(points[k] == meaning[k] for k in keys if k in points)):
        return "yes_no", any(k in _NA_WORDS for k in keys), "", ()
    valued = answer_points(_labels(values), points)
    options = [(label, p) for label, p, _ in valued if p is not None]
    if len(options) < 2:
        return None
    na = any(p is None for _, p, _ in valued)
    guessed = tuple(label for label, p, g in valued if g)
    return "choice", na, "|".join(f"{label}={format_number(p)}" for label, p in options), guessed


def _labels(values: Sequence[str]) -> list[str]:
    """Offered answers as choice labels: '|' cannot be in one, repeats are dropped."""
    labels: list[str] = []
    for v in values:
        label = v.replace("|", "/").strip()
        if label and label.casefold() not in {x.casefold() for x in labels}:
            labels.append(label)
    return labels


def parse_points(value: str) -> float | None:
    """'2.5' → 2.5, 'n/a' → None; ValueError for anything else (points run from 0 to 5)."""
    if header_key(value) in _NA_WORDS:
        return None
    number = float(value.strip().replace(",", "."))
    if not 0 <= number <= 5:
        raise ValueError(value)
    return number


def id_prefix(qid: str) -> str:
    """'A&A-01.1' → 'A&A'; 'GOV 3' → 'GOV'; '1.2' → ''."""
    m = re.match(r"\s*(.*?[^\W\d_&]+[^\s\d]*?)[\s._-]*\d", qid)
    return m.group(1).strip(" .-_") if m else ""


def _sheet_section(t: Table) -> str:
    if t.sheet and header_key(t.sheet).replace(" ", "") not in _GENERIC_SHEETS:
        return t.sheet.strip()
    return ""


def _answer_columns(a: Analysis) -> list[int]:
    """Columns a vendor answers in: headed Answer/Response first, then the rest right of the question."""
    used = set(a.mapping.values())
    q = a.mapping.get("question", -1)
    named, others = [], []
    for c in a.columns:
        if c.index in used:
            continue
        words = set(re.split(r"[^a-z0-9]+", header_key(c.header)))
        if words & {"answer", "answers", "response", "responses"}:
            named.append(c.index)
        elif c.index > q:
            others.append(c.index)
    return named + others


def _code_column(a: Analysis) -> int | None:
    """The unmapped column whose values are (mostly) answer codes of `a.table.codes`."""
    t = a.table
    start = a.header_row or 1
    for c in a.columns:
        if c.index in a.mapping.values():
            continue
        values = [cell_text(r[c.index]).strip() for r in t.rows[start : start + 300] if c.index < len(r)]
        values = [v for v in values if v]
        if values and sum(1 for v in values if header_key(v.splitlines()[0]) in t.codes) >= 0.8 * len(values):
            return c.index
    return None


def _section_label(values: list[str], qid: str, qtext: str, header_words: set[str], m: dict[str, int]) -> str | None:
    """The section a row introduces, or None for an ordinary row ('' for a repeated header row)."""
    nonempty = [v for v in values if v]
    if not nonempty:
        return None
    distinct = set(nonempty)
    if (not qid or not qtext) and len(distinct) == 1:
        label = nonempty[0]
        only_question = "id" not in m and qtext == label
        if not only_question or (not label.endswith("?") and len(label.split()) <= 8):
            return label
        return None
    words = {v for v in distinct if header_key(v) in header_words}
    rest = distinct - words
    if not words:
        return None
    if not rest:
        return ""  # the header repeated inside the table
    label = qtext or sorted(rest, key=values.index)[0]
    if rest <= {qid, label} and not label.endswith("?") and (not qid or qid == label or not any(ch.isdigit() for ch in qid)):
        return label
    return None


def _read_rows(a: Analysis, default_type: str | None, default_weight: float | None, fail: Any,
               type_map: dict[str, tuple[str, bool]] | None = None, section_from: str | None = None,
               points: dict[str, float | None] | None = None) -> None:
    t = a.table
    m = a.mapping
    foreign = not a.our_format
    type_map = type_map or {}
    if section_from not in (None, "sheet", "id-prefix"):
        raise SpreadsheetError(t.file, f"--section-from {section_from!r} is not one of sheet, id-prefix")
    dna = False
    if default_type is not None:
        parsed = parse_type(default_type)
        if parsed is None:
            raise SpreadsheetError(t.file, f"--default-type {default_type!r} is not one of {_TYPE_CHOICES}")
        dtype, dna = parsed
    else:
        dtype = "scale"
    if default_weight is not None and (not math.isfinite(default_weight) or default_weight < 0):
        raise SpreadsheetError(t.file, f"--default-weight {format_number(default_weight) if math.isfinite(default_weight) else default_weight}: weights must be 0 or more")
    if foreign and "type" not in m and t.codes:
        code_col = _code_column(a)
        if code_col is not None:
            m["type"] = code_col
            a.warnings.append(f"{t.where(a.header_row)}: column {column_letter(code_col + 1)} holds answer codes defined on another sheet; "
                              "question types come from their definitions")
    offers = bool(t.offered or t.extras.dropdowns)
    header_row = a.header_row or 1
    answer_cols = _answer_columns(a) if foreign and t.extras.dropdowns else []
    # When the answer column offers lists, an answer cell without one is there to be written in
    # (HECVAT: "Please describe …" among Yes/No questions): free text, unless --default-type says.
    free_text = (foreign and default_type is None and "type" not in m and bool(answer_cols)
                 and any(c1 <= answer_cols[0] + 1 <= c2 and r2 > header_row
                         for d in t.extras.dropdowns for r1, c1, r2, c2 in d.ranges))
    if foreign:
        if "type" not in m:
            if free_text:
                a.warnings.append(f"{t.where()}: no type column; questions with a list of answers (a dropdown) take their type from it, "
                                  "the others are free text")
            elif offers:
                a.warnings.append(f"{t.where()}: no type column; questions with a list of answers (a dropdown) take their type from it, the others are {dtype!r}")
            else:
                a.warnings.append(f"{t.where()}: no type column; every question is {(default_type or dtype)!r}" + ("" if default_type else " (change it with --default-type, or the default answer type)"))
        if "id" not in m:
            a.warnings.append(f"{t.where()}: no id column; ids were made from row numbers (R12 is row 12)")
    header_words = set(_HEADER_WORDS)
    if a.first_section:
        header_words |= {header_key(c.header) for c in a.columns if c.header}
    elif foreign and header_row - 1 < len(t.rows):
        header_words |= {header_key(v) for v in t.rows[header_row - 1] if isinstance(v, str) and v.strip()}
    title_cols = [c.index for c in a.columns if header_key(c.header) in _TITLE_HEADERS and c.index not in m.values()]
    fallback = _sheet_section(t) or "General"
    current_section = a.first_section
    if a.first_section:
        a.section_rows.append((header_row, a.first_section))
    guessed_layers: dict[str, str] = {}
    seen: dict[str, int] = {}
    unknown_types: dict[str, list[int]] = {}
    spread = unscored = 0
    guessed: dict[str, None] = {}  # answers whose points are a guess, in file order

    def get(row: list[object], fname: str) -> str:
        i = m.get(fname)
        if i is None or i >= len(row):
            return ""
        text = cell_text(row[i])
        return straighten(text).strip() if foreign else text

    for rownum in range(header_row + 1, len(t.rows) + 1):
        row = t.rows[rownum - 1]
        if all(v is None or cell_text(v).strip() == "" for v in row):
            continue
        qid, qtext = get(row, "id"), get(row, "question")
        if foreign:
            values = [straighten(cell_text(v)).strip() for v in row]
            label = _section_label(values, qid, qtext, header_words, m)
            if label == "":
                a.skipped.append((rownum, "the header row repeated"))
                continue
            if label is not None:
                current_section = label
                a.section_rows.append((rownum, label))
                continue
            if not qtext:
                title = next((values[i] for i in title_cols if i < len(values) and values[i]), "")
                if title and (qid or "id" not in m):
                    if get(row, "type"):
                        qtext = title  # an answerable item whose only wording is its title
                    else:
                        current_section = title
                        a.section_rows.append((rownum, title))
                        continue
                else:
                    a.skipped.append((rownum, "no question text"))
                    continue
            if "id" in m and not qid:
                a.skipped.append((rownum, "no id"))
                continue
            if "id" not in m:
                qid = f"R{rownum}"
        d: dict[str, object] = {f: get(row, f) for f in m}
        d["id"] = qid
        if foreign:
            d["question"] = qtext
            own = str(d.get("section") or "")
            if own:
                current_section = own
            elif current_section and "section" in m:
                a.filled_down += 1
            if section_from == "sheet":
                section = _sheet_section(t) or t.sheet or "General"
            elif section_from == "id-prefix":
                section = id_prefix(qid) or current_section or fallback
            else:
                section = current_section or fallback
            d["section"] = section
            if not d.get("layer"):
                d["layer"] = guessed_layers.setdefault(section, guess_layer(section))
            raw_type = str(d.get("type") or "").strip()
            offered = t.offered.get(rownum)
            if offered is None and answer_cols:
                for answer_col in answer_cols:
                    dd = t.extras.dropdown_at(rownum, answer_col + 1)
                    if dd is not None:
                        offered = dd.values
                        break
            kind: Kind | None = None
            lists_from: tuple[str, ...] = ()
            if raw_type:
                first_code = header_key(raw_type.splitlines()[0]) if raw_type else ""
                found = type_map.get(header_key(raw_type)) or type_map.get(first_code) or parse_type(raw_type)
                coded = code_kind(t.codes[first_code], points) if found is None and first_code in t.codes else None
                if found is None and coded is None:
                    unknown_types.setdefault(raw_type, []).append(rownum)
                    continue
                if found is not None:
                    kind = (found[0], found[1], "", ())
                    if found[0] == "choice" and not d.get("options") and offered:
                        guess = classify_answers(offered, points)
                        if guess is not None and guess[0] == "choice":
                            kind, lists_from = ("choice", found[1] or guess[1], guess[2], guess[3]), tuple(offered)
                else:
                    kind, lists_from = coded, t.codes[first_code][1]
            elif offered:
                kind, lists_from = classify_answers(offered, points), tuple(offered)
            if kind is None:
                kind = ("text", False, "", ()) if free_text and not raw_type else (dtype, dna, "", ())
            d["type"] = kind[0]
            if kind[1] and not str(d.get("allow_na") or "").strip():
                d["allow_na"] = "yes"
            if kind[2] and not str(d.get("options") or "").strip():
                d["options"] = kind[2]
                for label, value, was_guessed in answer_points(_labels(lists_from), points):
                    _, _, n_questions = a.offered_answers.get(label, (value, was_guessed, 0))
                    a.offered_answers[label] = (value, was_guessed, n_questions + 1)
                if kind[3]:
                    spread += 1
                    guessed.update(dict.fromkeys(kind[3]))
            w = str(d.get("weight") or "").strip().rstrip("%").strip()
            d["weight"] = WEIGHT_WORDS.get(w.casefold(), w)
            if kind[0] == "text" and d["weight"] not in ("", "0"):
                d["weight"] = "0"  # a text answer is read, never scored
                unscored += 1
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
    # Text below the last question (CAIQ's "End of Standard" and copyright notice) opens no section.
    last = a.rows[-1][0] if a.rows else 0
    trailing = [(r, label) for r, label in a.section_rows if r > last]
    if a.rows:
        a.section_rows = [(r, label) for r, label in a.section_rows if r <= last]
        a.skipped = sorted([(r, "text below the last question" if r > last else why) for r, why in a.skipped]
                           + [(r, "text below the last question") for r, _ in trailing])
    a.unknown_types = list(unknown_types)
    for raw, rows in unknown_types.items():
        shown = ", ".join(str(r) for r in rows[:10]) + (f" … ({len(rows)} rows)" if len(rows) > 10 else "")
        fail(SpreadsheetError(
            t.where(rows[0], m.get("type"), "type"),
            f"{raw!r} is not an answer type (row{'s' if len(rows) > 1 else ''} {shown}); "
            f"map it with --type-map {_quote_arg(raw)}=TYPE ({_TYPE_CHOICES})",
        ))
    if a.skipped:
        shown = ", ".join(str(r) for r, _ in a.skipped[:30]) + (f" … ({len(a.skipped)} in all)" if len(a.skipped) > 30 else "")
        n = len(a.skipped)
        a.warnings.append(f"{t.where()}: skipped {n} row{'s' if n != 1 else ''} without a question (or without an id): row{'s' if n != 1 else ''} {shown}")
    if spread:
        shown = ", ".join(list(guessed)[:8]) + (" …" if len(guessed) > 8 else "")
        a.warnings.append(
            f"{t.where()}: {plural(spread, 'question')} offer{'s' if spread == 1 else ''} answers whose points are a guess "
            f"({shown}): they run evenly from 5 (first answer) to 0 (last); give them with --points ANSWER=POINTS"
        )
    if unscored:
        a.warnings.append(f"{t.where()}: {unscored} text question{'s' if unscored != 1 else ''} had a weight; "
                          "text answers are read, never scored, so their weight is 0")
    if guessed_layers:
        a.warnings.append(
            f"{t.where()}: no layer column; layers guessed from section names: "
            + "; ".join(f"{s} → {layer}" for s, layer in guessed_layers.items())
        )
    if not a.questions and not a.errors and not unknown_types:
        raise SpreadsheetError(t.where(header_row), "no questions below the header row")


def _quote_arg(value: str) -> str:
    import shlex

    return shlex.quote(value)


def norm_type(text: str) -> str:
    return _normal_type(text).strip().lower().replace("-", "_").replace(" ", "_")


class SpreadsheetProblems(SpreadsheetError):
    """Several problems in one file, all reported at once (at most MAX_ERRORS)."""

    def __init__(self, file: str, problems: Sequence[SpreadsheetError]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            only = self.problems[0]
            super().__init__(only.where, only.detail)
            return
        more = " (the first 50 are listed)" if len(self.problems) >= MAX_ERRORS else ""
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(file, f"{len(self.problems)} problems{more}; nothing was imported:\n{lines}")


@dataclass
class BankReading:
    """A whole bank file read: one analysis per sheet (one for CSV and JSON)."""

    analyses: list[Analysis]

    @property
    def questions(self) -> list[Question]:
        return [q for a in self.analyses for q in a.questions]

    @property
    def warnings(self) -> list[str]:
        return [w for a in self.analyses for w in a.warnings]

    @property
    def errors(self) -> list[SpreadsheetError]:
        return [e for a in self.analyses for e in a.errors]

    def bank(self, name: str) -> Bank:
        return Bank(name, tuple(self.questions))


def read_bank(path: Path, name: str, options: BankImportOptions = DEFAULT_IMPORT) -> tuple[Bank, BankReading]:
    """Read and validate a whole bank file; raises SpreadsheetProblems listing every problem."""
    path = Path(path)
    reading = analyse_tables(read_tables(path, list(options.sheets)), options)
    if reading.errors:
        raise SpreadsheetProblems(path.name, reading.errors[:MAX_ERRORS])
    return reading.bank(name), reading


def analyse_tables(tables: Sequence[Table], options: BankImportOptions = DEFAULT_IMPORT) -> BankReading:
    """Every sheet's analysis, ids checked across sheets; problems are collected, not raised."""
    reading = BankReading([])
    seen: dict[str, tuple[str, str, Question]] = {}  # id → (where, sheet, question)
    for t in tables:
        a = analyse(t, options, collect=True)
        kept: list[tuple[tuple[int, dict[str, object]], Question]] = []
        repeated: dict[str, list[str]] = {}  # earlier sheet → ids this sheet repeats word for word
        for row, q in zip(list(a.rows), list(a.questions), strict=True):
            key = q.id.casefold()
            first = seen.get(key)
            if first is not None and first[2].question == q.question:
                # HECVAT repeats its "General Information" questions on every topic sheet (answered
                # once, on "START HERE"; the copies are formulas): the first one is kept.
                repeated.setdefault(first[1], []).append(q.id)
                continue
            if first is not None:
                a.errors.append(SpreadsheetError(t.where(row[0], a.mapping.get("id"), "id"), f"id {q.id!r} is also used in {first[0]}"))
            seen[key] = (t.where(row[0]), t.sheet or "", q)
            kept.append((row, q))
        if repeated:
            a.rows, a.questions = [r for r, _ in kept], [q for _, q in kept]
            for sheet_name, ids in repeated.items():
                shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
                a.warnings.append(f'{t.where()}: {plural(len(ids), "question")} repeat{"s" if len(ids) == 1 else ""} '
                                  f'sheet "{sheet_name}" word for word ({shown}); imported once')
        reading.analyses.append(a)
    return reading


# ----- writing our format ------------------------------------------------------------------


def bank_to_csv(bank: Bank) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(FIELDS)
    for row in bank.rows():
        w.writerow([neutralise(clean_text(row[f])) for f in FIELDS])
    return buf.getvalue()


def set_text(cell: Any, text: str) -> None:
    """Write text that Excel shows and keeps as text, never as a formula, and never cut short."""
    text = clean_text(text)
    refuse_overlong_text(cell, text)
    cell.value = text
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
