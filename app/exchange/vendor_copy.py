"""A vendor's own completed copy of a questionnaire (CAIQ, HECVAT, an RFP sheet) read as answers.

Answers are matched to the bank by question id. The id column is the one holding the most ids
of the bank (so no header is needed), the answer column the one headed Answer/Response, the
note column the one headed Description/Comment/Notes/Additional information; `--map id=Col
--map answer=Col --map note=Col` names them instead. Each value is read by its question's type
(Yes/Y/True, No/N/False, NA/N/A/Not applicable, 0–5 …); a hyperlink's address is kept in the
note. Every problem is reported at once (up to 50) and nothing is read when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.bank import Bank, Question
from app.domain.errors import AnswerError
from app.domain.wording import plural
from app.exchange.bank_files import (
    MAX_ERRORS,
    SpreadsheetProblems,
    Table,
    cell_text,
    clean_text,
    header_key,
    read_tables,
    straighten,
)
from app.exchange.questionnaire import FilledAnswer
from app.exchange.spreadsheet_safety import SpreadsheetError, column_index, column_letter

ROLES = ("id", "answer", "note")
_ANSWER_WORDS = {"answer", "answers", "response", "responses", "reply"}
_NOTE_WORDS = {"description", "comment", "comments", "note", "notes", "explanation", "evidence", "additional",
               "implementation", "justification", "details", "remarks"}
_HEADER_SCAN = 30


@dataclass
class VendorCopy:
    file: str
    sheet: str | None
    answers: list[FilledAnswer]
    unanswered: list[str]  # bank ids without an answer in the file
    unmatched: list[str]  # ids in the file that are not in the bank
    columns: dict[str, str]  # role → "C: CSP CAIQ Answer" (on the first sheet read)
    warnings: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # every sheet answers were read from


def _words(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", header_key(text))) - {""}


def _parse_map(items: Sequence[str], file: str) -> dict[str, str]:
    out = {}
    for item in items:
        role, sep, col = item.partition("=")
        role = role.strip().lower()
        if not sep or role not in ROLES or not col.strip():
            raise SpreadsheetError(file, f"--map {item!r}: use id=Column, answer=Column or note=Column")
        out[role] = col.strip()
    return out


def _id_column(t: Table, ids: set[str]) -> tuple[int, int]:
    """(column, matches) of the column holding the most bank ids."""
    counts: dict[int, int] = {}
    for row in t.rows:
        for i, v in enumerate(row):
            if v is not None and header_key(cell_text(v)) in ids:
                counts[i] = counts.get(i, 0) + 1
    if not counts:
        return -1, 0
    col = max(counts, key=lambda c: (counts[c], -c))
    return col, counts[col]


def _resolve(t: Table, header: list[object], name: str) -> int:
    keys = [header_key(cell_text(h)) for h in header]
    if header_key(name) in keys:
        return keys.index(header_key(name))
    if re.fullmatch(r"[A-Za-z]{1,3}", name):
        return column_index(name) - 1
    shown = ", ".join(repr(cell_text(h)) for h in header if cell_text(h).strip()) or "none"
    raise SpreadsheetError(t.where(), f"--map: no column named {name!r} in the header row (columns: {shown})")


def read_vendor_copy(
    path: Path,
    bank: Bank,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Sequence[str] = (),
) -> VendorCopy:
    """The vendor's answers: from `sheet`, else from every visible sheet holding ids of the bank
    (HECVAT spreads its questions over topic sheets), in the workbook's order."""
    path = Path(path)
    explicit = _parse_map(mapping, path.name)
    ids = {header_key(q.id): q for q in bank.questions}
    tables = read_tables(path, [sheet] if sheet else [], choose=False)
    found = [(t, *_id_column(t, set(ids))) for t in tables]
    best = max(found, key=lambda x: x[2])
    if "id" not in explicit and best[2] == 0:
        raise SpreadsheetError(
            best[0].where() if sheet else path.name,
            f"no column holds question ids of this evaluation's bank ({bank.name!r}, e.g. {bank.questions[0].id!r}); "
            "name the id column with --map id=Column" + ("" if sheet else ", or the sheet with --sheet"),
        )
    several = [x for x in found if x[2] > 0] if not sheet and "id" not in explicit else [best]
    answers: list[FilledAnswer] = []
    unmatched: list[str] = []
    problems: list[SpreadsheetError] = []
    warnings: list[str] = []
    labels: dict[str, str] = {}
    where: dict[str, tuple[str, FilledAnswer]] = {}  # question → (sheet, its answer), across sheets
    read_sheets: list[str] = []
    layouts = []
    for t, id_col, matches in several:
        try:
            layouts.append((t, matches, *_columns(t, ids, id_col, header_row, explicit)))
        except SpreadsheetError as exc:
            if len(several) == 1:
                raise
            warnings.append(f"{exc}; sheet skipped")
    # The vendor's sheets share their answer column's header ("Answer"); a sheet that only repeats
    # the ids beside another column ("Compliant Response" on an evaluation sheet) is not theirs.
    heads: dict[str, int] = {}
    for _t, matches, _s, _h, header, cols in layouts:
        key = header_key(cell_text(header[cols["answer"]])) if cols["answer"] < len(header) else ""
        heads[key] = heads.get(key, 0) + matches
    main = max(heads, key=lambda k: heads[k]) if heads else ""
    for t, _matches, start, _hrow, header, cols in layouts:
        key = header_key(cell_text(header[cols["answer"]])) if cols["answer"] < len(header) else ""
        if key != main and len(layouts) > 1:
            warnings.append(f'{t.where()}: its answer column is headed {cell_text(header[cols["answer"]])!r}, '
                            f"not like the other sheets'; sheet skipped")
            continue
        got, lost, cols_shown = _read_sheet(t, ids, start, header, cols)
        read_sheets.append(t.sheet or "")
        warnings.extend(t.warnings)
        if not labels:
            labels = cols_shown
        elif t.sheet:
            warnings.append(f'{t.where()}: read ' + "; ".join(f"{role} from column {label}" for role, label in cols_shown.items()))
        unmatched.extend(x for x in lost if x not in unmatched)
        for a in got:
            earlier = where.get(a.question)
            if earlier is None:
                where[a.question] = (t.sheet or "", a)
                answers.append(a)
            elif earlier[1].value and a.value and earlier[1].value != a.value:
                problems.append(SpreadsheetError(
                    t.where(a.row), f"question {a.question}: {a.value!r} here, {earlier[1].value!r} on sheet \"{earlier[0]}\""))
            elif not earlier[1].value and a.value:  # answered on a later sheet only
                answers[answers.index(earlier[1])] = a
                where[a.question] = (t.sheet or "", a)
    if problems:
        raise SpreadsheetProblems(path.name, problems[:MAX_ERRORS])
    answered = {a.question for a in answers if a.value}
    unanswered = [q.id for q in bank.questions if q.id not in answered]
    first = read_sheets[0] if read_sheets else best[0].sheet
    return VendorCopy(path.name, first, answers, unanswered, unmatched, labels, warnings, read_sheets)


def _is_bank_id(row: Sequence[object], id_col: int, ids: dict[str, Question]) -> bool:
    return 0 <= id_col < len(row) and header_key(cell_text(row[id_col])) in ids


def _names_column(value: object) -> bool:
    """A header cell naming an answer or note column: a short label, not a title that happens to say "Response"."""
    text = cell_text(value)
    return len(text.split()) <= 4 and bool(_words(text) & (_ANSWER_WORDS | _NOTE_WORDS))


def _columns(t: Table, ids: dict[str, Question], id_col: int, header_row: int | None,
             explicit: dict[str, str]) -> tuple[int, int, list[object], dict[str, int]]:
    """(first row to read, header row or 0, header cells, role → 0-based column) of one sheet."""
    # The header: the given row, else the last row above the first id that names an answer column,
    # else the first such row below it (HECVAT's START HERE labels its columns further down).
    first = next((r for r, row in enumerate(t.rows, start=1) if _is_bank_id(row, id_col, ids)), 1)
    if header_row is None:
        header_row = 0
        for r in range(max(first - 1, 0), max(first - 1 - _HEADER_SCAN, 0), -1):
            if any(_names_column(v) for v in t.rows[r - 1]):
                header_row = r
                break
        else:
            header_row = next((r for r in range(first + 1, min(first + 200, len(t.rows)) + 1)
                               if not _is_bank_id(t.rows[r - 1], id_col, ids)
                               and any(_names_column(v) for v in t.rows[r - 1])), 0)
    elif not 1 <= header_row <= len(t.rows):
        raise SpreadsheetError(t.where(), f"--header-row {header_row} is outside the sheet (it has {plural(len(t.rows), 'row')})")
    header = list(t.rows[header_row - 1]) if header_row else []
    cols: dict[str, int] = {}
    for role, name in explicit.items():
        cols[role] = _resolve(t, header, name)
    if "id" not in cols:
        cols["id"] = id_col
    for role, words in (("answer", _ANSWER_WORDS), ("note", _NOTE_WORDS)):
        if role in cols:
            continue
        for i, h in enumerate(header):
            w = _words(cell_text(h))
            if i not in cols.values() and w & words and not (role == "answer" and w & {"type", "format", "id"}):
                cols[role] = i
                break
    if "answer" not in cols:
        shown = ", ".join(f"{column_letter(i + 1)} {cell_text(h)!r}" for i, h in enumerate(header) if cell_text(h).strip()) or "none"
        raise SpreadsheetError(
            t.where(header_row or None),
            f"no column is headed Answer or Response (columns: {shown}); name it with --map answer=Column",
        )
    return (header_row + 1 if 0 < header_row < first else first), header_row, header, cols


def _read_sheet(t: Table, ids: dict[str, Question], start: int, header: list[object],
                cols: dict[str, int]) -> tuple[list[FilledAnswer], list[str], dict[str, str]]:
    """One sheet's answers: (answers, ids not in the bank, role → column label); raises every problem at once."""
    problems: list[SpreadsheetError] = []
    answers: list[FilledAnswer] = []
    unmatched: list[str] = []
    seen: dict[str, int] = {}
    links = t.extras.links
    for r in range(start, len(t.rows) + 1):
        row = t.rows[r - 1]

        def get(role: str, row: list[object] = row) -> object:
            i = cols.get(role, -1)
            return row[i] if 0 <= i < len(row) else None

        qid = straighten(cell_text(get("id"))).strip()
        if not qid:
            continue
        q = ids.get(header_key(qid))
        value, note = get("answer"), clean_text(cell_text(get("note"))).strip()
        for role in ("answer", "note"):
            url = links.get((r, cols.get(role, -2) + 1))
            if url and url not in note:
                note = f"{note}\n{url}".strip()
        if q is None:
            if cell_text(value).strip() or note:
                unmatched.append(qid)
            continue
        if q.id in seen:
            problems.append(SpreadsheetError(t.where(r, cols["id"], "id"), f"question {q.id!r} is also on row {seen[q.id]}"))
            continue
        seen[q.id] = r
        if isinstance(value, str):
            value = straighten(clean_text(value))
        try:
            reading = q.read(value)
        except AnswerError as exc:
            problems.append(SpreadsheetError(t.where(r, cols["answer"], "answer"), f"question {q.id}: {exc.detail}"))
            if len(problems) >= MAX_ERRORS:
                break
            continue
        stored = "" if reading.kind == "empty" else reading.value
        if stored or note:
            answers.append(FilledAnswer(r, q.id, stored, note))
    if problems:
        raise SpreadsheetProblems(t.file, problems[:MAX_ERRORS])
    labels = {role: f"{column_letter(i + 1)}: {cell_text(header[i]) if i < len(header) else ''}".rstrip(": ")
              for role, i in cols.items() if i >= 0}
    return answers, unmatched, labels
