"""Spreadsheets in and out: bank files, vendor questionnaires, results workbooks.

Every function here raises `InputError` (never anything else) for a bad file, with one message
naming file, sheet, row and column; nothing is stored until the whole file has been validated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.bank import Bank, Question
from app.domain.models import SELF_ASSESSMENT
from app.domain.wording import plural
from app.exchange.bank_options import DEFAULT_IMPORT
from app.exchange.bank_options import (
    BankImportOptions as BankImportOptions,  # re-exported for the CLI and the wizard
)
from app.services.errors import InputError

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.exchange.bank_files import BankReading, Table
    from app.exchange.questionnaire import FilledAnswer
    from app.store.tables import EvaluationRow, VendorRow


@dataclass(frozen=True)
class BankImportSummary:
    message: str
    warnings: list[str]
    bank: str
    version: int
    version_id: int
    questions: int
    created: bool


@dataclass(frozen=True)
class Preview:
    """What the import wizard shows before anything is stored."""

    sheets: list[str]  # every sheet of a workbook ([] for CSV)
    hidden_sheets: list[str]
    sheet: str | None  # the sheet read
    rows: list[list[str]]  # the first rows as text, for the preview table
    total_rows: int
    detected_header_row: int | None
    header_row: int | None
    columns: list[str]  # "A: Question" labels of the header row
    mapping: dict[str, int]  # field → 0-based column
    our_format: bool
    questions_count: int
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    candidates: list[tuple[str, int]] = field(default_factory=list)  # sheets holding questions, when one must be chosen
    by_section: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)
    section_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, label) found inside the table
    filled_down: int = 0  # questions whose section was filled down from a cell above
    by_sheet: list[tuple[str, int]] = field(default_factory=list)  # questions per sheet, when several are imported
    # every answer a list offers (that made a choice): (answer, points or None for n/a, a guess, questions)
    answer_points: list[tuple[str, float | None, bool, int]] = field(default_factory=list)
    unknown_types: list[str] = field(default_factory=list)  # values of the type column that need a meaning

    @property
    def ok(self) -> bool:
        return not self.errors and self.questions_count > 0


def _input_error(exc: Exception) -> InputError:
    from app.exchange.spreadsheet_safety import SpreadsheetError

    if isinstance(exc, SpreadsheetError):
        return InputError(exc.detail, exc.where)
    return InputError(str(exc))


def _default_name(path: Path) -> str:
    return path.stem.replace("_", " ").strip() or "Imported bank"


def read_bank_file(
    path: Path, name: str | None = None, options: BankImportOptions = DEFAULT_IMPORT
) -> tuple[Bank, list[str]]:
    """Read and validate a bank file without storing it: (bank, warnings)."""
    bank, reading = _read_bank(path, name, options)
    return bank, reading.warnings


def _read_bank(path: Path, name: str | None, options: BankImportOptions) -> tuple[Bank, BankReading]:
    from app.exchange.bank_files import read_bank
    from app.exchange.spreadsheet_safety import SpreadsheetError

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    bank_name = (name or "").strip() or _default_name(path)
    try:
        return read_bank(path, bank_name, options)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    except RecursionError:
        raise InputError("the file is too deeply nested to read", path.name) from None


def question_counts(questions: Sequence[Question]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(questions by section in file order, by answer type most first) as the import shows them."""
    from collections import Counter

    from app.domain.wording import TYPE_WORDS

    types: Counter[str] = Counter(TYPE_WORDS[q.type] + (" (n/a allowed)" if q.allow_na else "") for q in questions)
    return list(Counter(q.section for q in questions).items()), types.most_common()


@dataclass(frozen=True)
class DryRun:
    """What `bank import --dry-run` shows: the counts, and the rows left out with their reasons."""

    questions: int
    by_section: list[tuple[str, int]]
    by_type: list[tuple[str, int]]
    sheets: list[str]
    section_rows: list[str]
    skipped: list[str]
    warnings: list[str]

    def lines(self) -> list[str]:
        out = [f"Would import {self.questions} question{'s' if self.questions != 1 else ''}"
               + (f" from sheet{'s' if len(self.sheets) != 1 else ''} " + ", ".join(f'"{s}"' for s in self.sheets) if self.sheets else "")
               + "; nothing was written."]
        out.append(f"Sections ({len(self.by_section)}):")
        out += [f"  {n:>5}  {s}" for s, n in self.by_section]
        out.append("Types:")
        out += [f"  {n:>5}  {t}" for t, n in self.by_type]
        if self.section_rows:
            out.append(f"Section rows ({len(self.section_rows)}):")
            out += [f"  {s}" for s in self.section_rows]
        if self.skipped:
            out.append(f"Skipped rows ({len(self.skipped)}):")
            out += [f"  {s}" for s in self.skipped]
        return out


def dry_run_bank_file(path: Path, options: BankImportOptions = DEFAULT_IMPORT) -> DryRun:
    """Everything `bank import` would do, without storing anything."""
    bank, reading = _read_bank(path, None, options)
    by_section, by_type = question_counts(bank.questions)
    skipped, section_rows = [], []
    for a in reading.analyses:
        for r, reason in a.skipped:
            skipped.append(f"{a.table.where(r)}: {reason}")
        for r, label in a.section_rows:
            section_rows.append(f"{a.table.where(r)}: {label}")
    return DryRun(
        len(bank.questions), by_section, by_type,
        [a.table.sheet for a in reading.analyses if a.table.sheet], section_rows, skipped, reading.warnings,
    )


def import_bank_file(
    ws: object,
    path: Path,
    name: str | None = None,
    options: BankImportOptions = DEFAULT_IMPORT,
    actor: str | None = None,
) -> BankImportSummary:
    """Validate the whole file, then save it as the next version of the bank in one transaction."""
    from app.services import banks

    bank, warns = read_bank_file(path, name, options)
    version_id, version, created = banks.save(ws, bank, note=f"imported from {Path(path).name}", actor=actor)  # type: ignore[arg-type]
    if created:
        msg = f"Imported {plural(len(bank.questions), 'question')} into bank {bank.name!r} v{version} ({bank.hash[:12]})"
    else:
        msg = (f"Bank {bank.name!r} v{version} already holds exactly "
               + ("this question" if len(bank.questions) == 1 else f"these {plural(len(bank.questions), 'question')}")
               + "; nothing changed")
    return BankImportSummary(msg, warns, bank.name, version, version_id, len(bank.questions), created)


def preview_bank_file(
    path: Path,
    options: BankImportOptions = DEFAULT_IMPORT,
    max_rows: int = 50,
    shown: str | None = None,
) -> Preview:
    """Everything the wizard needs to show; problems in rows are listed, not raised.

    `options.sheets` names the sheets to import (one or several); `shown` the sheet whose first rows the
    wizard shows (the first sheet to import by default). File-level problems (not a workbook, zip
    bomb, no such sheet, bad mapping) raise InputError. When several sheets hold questions and
    none is chosen, the one with most is previewed and the choice is asked for in `errors`
    (`candidates` lists them). Messages are worded for the screen (`for_screen`).
    """
    from app.exchange.bank_files import (
        SheetChoiceNeeded,
        analyse,
        analyse_tables,
        cell_text,
        read_table,
    )
    from app.exchange.spreadsheet_safety import SpreadsheetError

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    names = list(options.sheets)
    candidates: list[tuple[str, int]] = []
    choose: list[str] = []
    try:
        try:
            tables = [_cached_table(path, s, read_table) for s in names] or [_cached_table(path, None, read_table)]
        except SheetChoiceNeeded as exc:
            candidates = exc.candidates
            choose = [str(exc)]
            tables = [_cached_table(path, candidates[0][0], read_table)]
        display = next((t for t in tables if t.sheet == shown), None) if shown else tables[0]
        if display is None:
            display = _cached_table(path, shown, read_table)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    rows = [[cell_text(v) for v in r] for r in display.rows[:max_rows]]
    base = dict(
        sheets=list(display.sheets), hidden_sheets=list(display.hidden_sheets), sheet=display.sheet, rows=rows,
        total_rows=len(display.rows), candidates=candidates,
    )
    try:
        reading = analyse_tables(tables, options)
        shown_a = next((a for a in reading.analyses if a.table is display), None) or analyse(display, options, collect=True)
    except SpreadsheetError as exc:
        return Preview(**base, detected_header_row=None, header_row=options.header_row, columns=[], mapping={},  # type: ignore[arg-type]
                       our_format=False, questions_count=0, warnings=[for_screen(w) for w in display.warnings],
                       errors=[for_screen(e) for e in [*choose, str(exc)]])
    questions = reading.questions
    by_section, by_type = question_counts(questions)
    points: dict[str, tuple[float | None, bool, int]] = {}
    for a in reading.analyses:
        for label, (value, guessed, n) in a.offered_answers.items():
            points[label] = (value, guessed, points.get(label, (value, guessed, 0))[2] + n)
    return Preview(
        **base,  # type: ignore[arg-type]
        detected_header_row=shown_a.detected_header_row,
        header_row=shown_a.header_row,
        columns=[c.label for c in shown_a.columns],
        mapping=dict(shown_a.mapping),
        our_format=shown_a.our_format,
        questions_count=len(questions),
        warnings=[for_screen(w) for w in reading.warnings],
        errors=[for_screen(e) for e in [*choose, *(str(e) for e in reading.errors)]],
        by_section=by_section,
        by_type=by_type,
        section_rows=[r for a in reading.analyses for r in a.section_rows],
        filled_down=sum(a.filled_down for a in reading.analyses),
        by_sheet=[(a.table.sheet, len(a.questions)) for a in reading.analyses if a.table.sheet] if len(tables) > 1 else [],
        answer_points=[(label, v, g, n) for label, (v, g, n) in points.items()],
        unknown_types=list(dict.fromkeys(v for a in reading.analyses for v in a.unknown_types)),
    )


# What the command line says in its messages, and what the wizard says instead (plain words).
_SCREEN_WORDS: tuple[tuple[str, str], ...] = (
    (r"; map it with --type-map .+?=TYPE \([^)]*\)", "; choose what it means under “Values of the type column”"),
    (r" \(change it with --default-type, or the default answer type\)", " (change it with the default answer type)"),
    (r"; give them with --points ANSWER=POINTS", "; check them on the next page"),
    (r"; map a column to the question field \(--map question=Column\)", "; choose the column that holds the questions"),
    (r" or choose another --header-row", " or choose another header row"),
    (r"; choose one with --sheet, or repeat --sheet to import several into one bank", "; tick the sheets to import"),
    (r"--header-row (\d+)", r"header row \1"),
    (r"--default-type ", "default answer type "),
    (r"--default-weight ", "default weight "),
    (r"--map (\w+)=", r"the column for \1, "),
)


def for_screen(message: str) -> str:
    """A message of the import, without command-line syntax (the wizard shows these)."""
    import re

    for pattern, words in _SCREEN_WORDS:
        message = re.sub(pattern, words, message)
    return message


_TABLE_CACHE: dict[tuple[str, int, int, str | None], Table] = {}


def _cached_table(path: Path, sheet: str | None, read_table: Callable[[Path, str | None], Table]) -> Table:
    """The wizard previews the same file many times while columns are mapped; read each sheet once."""
    import copy

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, sheet)
    table = _TABLE_CACHE.get(key)
    if table is None:
        table = read_table(path, sheet)
        if any(k[:3] != key[:3] for k in _TABLE_CACHE) or len(_TABLE_CACHE) > 50:
            _TABLE_CACHE.clear()  # another file (or another version of it): forget the old one
        _TABLE_CACHE[key] = table
    # analyse() appends warnings to its own copy of the list only, but keep the cache pristine anyway.
    return copy.copy(table)


def questionnaire_target(path: Path) -> tuple[str, str] | None:
    """(evaluation, vendor) when `path` is a Diligence questionnaire, None for any other workbook."""
    from app.exchange.questionnaire import META_SHEET, read_raw
    from app.exchange.spreadsheet_safety import SpreadsheetError, check_xlsx

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    try:
        info = check_xlsx(path)
        if info.sheet(META_SHEET) is None:
            return None
        meta = read_raw(path).meta
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    return meta.evaluation, meta.vendor


def bank_csv(bank: Bank) -> str:
    from app.exchange.bank_files import bank_to_csv

    return bank_to_csv(bank)


def export_bank_csv(bank: Bank, path: Path) -> None:
    from app.services.files import write_atomically

    write_atomically(Path(path), bank_csv(bank).encode("utf-8"))


def export_bank_xlsx(bank: Bank, path: Path) -> None:
    from app.exchange.bank_files import bank_to_xlsx
    from app.services.files import write_atomically

    write_atomically(Path(path), bank_to_xlsx(bank))




# ----- vendor questionnaires -----------------------------------------------------------------

QUESTIONNAIRE_SOURCE = "questionnaire"


@dataclass(frozen=True)
class AnswersImportSummary:
    evaluation: str
    vendor: str
    evaluator: str
    answers: int
    unanswered: int
    replaced: int
    evaluator_created: bool
    profile_changed: bool = False
    warnings: list[str] = field(default_factory=list)
    own_copy: bool = False  # the vendor's own copy of a questionnaire, not one made by Diligence
    unanswered_ids: list[str] = field(default_factory=list)
    unmatched_ids: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        extra = f", {self.replaced} earlier questionnaire answers replaced" if self.replaced else ""
        created = f" (evaluator {self.evaluator!r} added)" if self.evaluator_created else ""
        head = (f"Imported {plural(self.answers, 'answer')} for {self.vendor!r} in {self.evaluation!r} as "
                f"{self.evaluator!r}{created}; {self.unanswered} unanswered{extra}")
        if not self.own_copy:
            return head + ("; vendor profile updated" if self.profile_changed else "; vendor profile unchanged")
        lines = [head]
        if self.unanswered_ids:
            lines.append(f"Unanswered ({len(self.unanswered_ids)}): {_id_list(self.unanswered_ids)}")
        if self.unmatched_ids:
            lines.append(f"Not in the bank, not imported ({len(self.unmatched_ids)}): {_id_list(self.unmatched_ids)}")
        return "\n".join(lines)


def _id_list(ids: Sequence[str], limit: int = 40) -> str:
    return ", ".join(ids[:limit]) + (f" … ({len(ids)} in all)" if len(ids) > limit else "")


def export_questionnaire(ws: object, evaluation: str | int, vendor: str, out: Path, evaluator: str | None = None) -> Path:
    """Write the questionnaire for one vendor, prefilled with what we know (and earlier answers)."""
    from sqlmodel import select

    from app.exchange.questionnaire import QuestionnaireMeta, write_questionnaire
    from app.exchange.spreadsheet_safety import SpreadsheetError
    from app.services.errors import NotFound
    from app.services.files import write_atomically
    from app.store import repo
    from app.store.tables import AnswerRow, BankRow, BankVersionRow, VendorRow

    with ws.session() as s:  # type: ignore[attr-defined]
        ev = repo.evaluation_by_ref(s, evaluation)
        if ev is None:
            raise NotFound(f"there is no evaluation named {evaluation!r}")
        assert ev.id is not None
        vrow = s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id, VendorRow.name == vendor)).first()
        if vrow is None:
            names = ", ".join(repr(v.name) for v in repo.vendor_rows(s, ev.id)) or "none yet"
            raise NotFound(f"there is no vendor {vendor!r} in evaluation {ev.name!r} (vendors: {names})")
        version = s.get(BankVersionRow, ev.bank_version_id)
        assert version is not None and ev.id is not None
        bank_row = s.get(BankRow, version.bank_id)
        bank = repo.bank_from_version_cached(s, version)
        profile = repo.vendor_from_row(s, vrow)
        org = repo.get_organization(s)
        erow = repo.evaluator_by_name(s, ev.id, evaluator or SELF_ASSESSMENT)
        previous: dict[str, tuple[str, str]] = {}
        if erow is not None:
            for a in s.exec(select(AnswerRow).where(AnswerRow.vendor_id == vrow.id, AnswerRow.evaluator_id == erow.id)).all():
                previous[a.qid] = (a.value, a.note)
        meta = QuestionnaireMeta(ev.name, ev.id, vrow.name, bank_row.name if bank_row else bank.name,
                                 version.version, version.hash)
    try:
        data = write_questionnaire(meta, bank, profile, previous, organization=org)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    out = Path(out)
    write_atomically(out, data)
    return out


def import_answers(ws: object, path: Path, evaluation: str | int, evaluator: str | None = None,
                   actor: str | None = None, vendor: str | None = None, sheet: str | None = None,
                   header_row: int | None = None, mapping: Sequence[str] = ()) -> AnswersImportSummary:
    """Read a filled questionnaire back: all answers in one transaction, or nothing.

    A questionnaire made by `diligence questionnaire` names its evaluation and vendor, and
    brings the vendor's profile too. Any other file is the vendor's own completed copy of a
    questionnaire (`vendor` is then required): answers are matched by question id
    (`app/exchange/vendor_copy.py`).

    Answers are stored for `evaluator` (an existing evaluator, who adopts them as their scores),
    or by default as the vendor's own response under "Vendor (self-assessment)", added to the
    evaluation on first import: evaluators see it and score it, it never counts as a score
    itself (its text answers do feed the red-flag rules). Importing again replaces that
    vendor's questionnaire answers for that evaluator.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    target = questionnaire_target(path) if _is_zip(path) and path.suffix.lower() != ".ods" else None
    if target is None:
        if not (vendor or "").strip():
            raise InputError("this is not a questionnaire made by Diligence; say whose answers these are with --vendor", path.name)
        return _import_vendor_copy(ws, path, evaluation, vendor or "", evaluator, actor, sheet, header_row, mapping)
    if vendor and vendor != target[1]:
        raise InputError(f"this questionnaire was made for vendor {target[1]!r}, not {vendor!r}", path.name)
    if sheet or header_row or mapping:
        raise InputError("--sheet, --header-row and --map apply to a vendor's own copy, not to a questionnaire made by Diligence", path.name)
    return _import_diligence_questionnaire(ws, path, evaluation, evaluator, actor)


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(2) == b"PK"
    except OSError:
        return False


def _import_diligence_questionnaire(ws: object, path: Path, evaluation: str | int, evaluator: str | None,
                                    actor: str | None) -> AnswersImportSummary:
    from sqlmodel import select

    from app.exchange.questionnaire import read_answers, read_raw
    from app.exchange.spreadsheet_safety import SpreadsheetError
    from app.store import repo
    from app.store.tables import BankVersionRow, VendorRow
    from app.store.workspace import current_user

    try:
        raw = read_raw(path)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    meta = raw.meta
    with ws.session() as s:  # type: ignore[attr-defined]
        ev = _evaluation_row(s, evaluation)
        version = s.get(BankVersionRow, ev.bank_version_id)
        assert version is not None
        if (meta.evaluation != ev.name and meta.evaluation_id != ev.id) or meta.bank_hash != version.hash:
            raise InputError(
                f"this questionnaire was made for evaluation {meta.evaluation!r} (bank {meta.bank!r} v{meta.bank_version}), "
                f"not for {ev.name!r}; import it into that evaluation, or send the vendor a new questionnaire",
                path.name,
            )
        vrow = s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id, VendorRow.name == meta.vendor)).first()
        if vrow is None:
            raise InputError(f"this questionnaire was made for vendor {meta.vendor!r}, who is not in evaluation {ev.name!r}", path.name)
        bank = repo.bank_from_version_cached(s, version)
        before = repo.vendor_from_row(s, vrow)
        try:
            filled = read_answers(raw, bank, before)
        except SpreadsheetError as exc:
            raise _input_error(exc) from None
        who = actor or current_user()
        name, created, replaced = _store_answers(s, ev, vrow, evaluator, filled.answers, who, path.name,
                                                 len(filled.unanswered), version.hash)
        repo.write_vendor(s, ev.id, filled.vendor, vrow)  # type: ignore[arg-type]
        from dataclasses import asdict

        profile_changed = asdict(before) != asdict(filled.vendor)
        if profile_changed:
            repo.audit(s, who, "vendor profile updated from questionnaire", "vendor", vrow.id,
                       before=asdict(before), after=asdict(filled.vendor))
        answered = sum(1 for a in filled.answers if a.value)
        return AnswersImportSummary(ev.name, vrow.name, name, answered, len(filled.unanswered), replaced, created,
                                    profile_changed, list(filled.warnings))


def _import_vendor_copy(ws: object, path: Path, evaluation: str | int, vendor: str, evaluator: str | None,
                        actor: str | None, sheet: str | None, header_row: int | None,
                        mapping: Sequence[str]) -> AnswersImportSummary:
    from sqlmodel import select

    from app.exchange.spreadsheet_safety import SpreadsheetError
    from app.exchange.vendor_copy import read_vendor_copy
    from app.store import repo
    from app.store.tables import BankVersionRow, VendorRow
    from app.store.workspace import current_user

    with ws.session() as s:  # type: ignore[attr-defined]
        ev = _evaluation_row(s, evaluation)
        vrow = s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id, VendorRow.name == vendor.strip())).first()
        if vrow is None:
            names = ", ".join(repr(v.name) for v in repo.vendor_rows(s, ev.id)) or "none yet"  # type: ignore[arg-type]
            raise InputError(f"there is no vendor {vendor!r} in evaluation {ev.name!r} (vendors: {names})")
        version = s.get(BankVersionRow, ev.bank_version_id)
        assert version is not None
        bank = repo.bank_from_version_cached(s, version)
        try:
            copy = read_vendor_copy(path, bank, sheet, header_row, mapping)
        except SpreadsheetError as exc:
            raise _input_error(exc) from None
        except RecursionError:
            raise InputError("the file is too deeply nested to read", path.name) from None
        name, created, replaced = _store_answers(s, ev, vrow, evaluator, copy.answers, actor or current_user(),
                                                 path.name, len(copy.unanswered), version.hash)
        answered = sum(1 for a in copy.answers if a.value)
        where = f'{copy.file}, sheet "{copy.sheet}"' if copy.sheet else copy.file
        warnings = [*copy.warnings, f"{where}: read " + "; ".join(f"{role} from column {label}" for role, label in copy.columns.items())]
        return AnswersImportSummary(ev.name, vrow.name, name, answered, len(copy.unanswered), replaced, created,
                                    False, warnings, True, copy.unanswered, copy.unmatched)


def _evaluation_row(s: Session, evaluation: str | int) -> EvaluationRow:
    from app.services.errors import NotFound
    from app.store import repo

    ev = repo.evaluation_by_ref(s, evaluation)
    if ev is None:
        raise NotFound(f"there is no evaluation named {evaluation!r}")
    assert ev.id is not None
    return ev


def _store_answers(s: Session, ev: EvaluationRow, vrow: VendorRow, evaluator: str | None, answers: Sequence[FilledAnswer], who: str,
                   file: str, unanswered: int, bank_hash: str) -> tuple[str, bool, int]:
    """Replace the vendor's questionnaire answers for one evaluator: (evaluator, created, replaced)."""
    from sqlalchemy import delete, or_
    from sqlmodel import col, select

    from app.domain.models import Answer
    from app.store import repo
    from app.store.tables import AnswerRow

    assert ev.id is not None and vrow.id is not None
    name = (evaluator or "").strip() or SELF_ASSESSMENT
    erow = repo.evaluator_by_name(s, ev.id, name)
    created = False
    if erow is None:
        if evaluator and name != SELF_ASSESSMENT:
            names = ", ".join(repr(e.name) for e in repo.evaluator_rows(s, ev.id))
            raise InputError(f"{name!r} is not an evaluator of {ev.name!r} (evaluators: {names}); "
                             f"leave --evaluator out to import as {SELF_ASSESSMENT!r}")
        erow = repo.add_evaluator(s, ev.id, name)
        created = True
        repo.audit(s, who, "evaluator added", "evaluation", ev.id, after={"evaluator": name})
    assert erow.id is not None and vrow.id is not None and ev.id is not None
    new_ids = [a.question for a in answers]
    old = s.exec(select(AnswerRow).where(col(AnswerRow.vendor_id) == vrow.id, col(AnswerRow.evaluator_id) == erow.id,
                                         col(AnswerRow.source) == QUESTIONNAIRE_SOURCE)).all()
    s.execute(delete(AnswerRow).where(
        col(AnswerRow.vendor_id) == vrow.id,
        col(AnswerRow.evaluator_id) == erow.id,
        or_(col(AnswerRow.source) == QUESTIONNAIRE_SOURCE, col(AnswerRow.qid).in_(new_ids)),
    ))
    s.flush()
    repo.add_answers(s, vrow.id, {name: erow.id}, (
        repo.StoredAnswer(Answer(vrow.name, name, a.question, a.value, a.comment), QUESTIONNAIRE_SOURCE)
        for a in answers
    ))
    answered = sum(1 for a in answers if a.value)
    repo.audit(
        s, who, "questionnaire imported", "vendor", f"{ev.name}/{vrow.name}",
        before={"questionnaire answers": len(old)},
        after={"file": file, "evaluator": name, "answers": answered, "unanswered": unanswered, "bank_hash": bank_hash},
    )
    return name, created, len(old)


def export_results_workbook(ws: object, evaluation: str | int, out: Path) -> Path:
    """The analysts' comparison workbook: Ranking, Sections, Answers, Flags."""
    from app.exchange.results_workbook import write_results
    from app.exchange.spreadsheet_safety import SpreadsheetError
    from app.services import evaluations
    from app.services.files import write_atomically
    from app.store import repo

    results = evaluations.score(ws, evaluation)  # type: ignore[arg-type]
    with ws.session() as s:  # type: ignore[attr-defined]
        ev = repo.evaluation_by_ref(s, evaluation)
        assert ev is not None and ev.id is not None
        sources = {(a.vendor, a.evaluator, a.question): src for a, src in repo.answers_of(s, ev.id)}
    out = Path(out)
    try:
        data = write_results(results, sources)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    write_atomically(out, data)
    return out
