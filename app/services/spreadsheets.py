"""Spreadsheets in and out: bank files, vendor questionnaires, results workbooks.

Every function here raises `InputError` (never anything else) for a bad file, with one message
naming file, sheet, row and column; nothing is stored until the whole file has been validated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.bank import Bank
from app.services.errors import InputError


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
    path: Path,
    name: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Sequence[str] = (),
    default_type: str | None = None,
    default_weight: float | None = None,
) -> tuple[Bank, list[str]]:
    """Read and validate a bank file without storing it: (bank, warnings)."""
    from app.exchange.bank_files import read_bank
    from app.exchange.spreadsheet_safety import SpreadsheetError

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    bank_name = (name or "").strip() or _default_name(path)
    try:
        bank, analysis = read_bank(path, bank_name, sheet, header_row, list(mapping), default_type, default_weight)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    except RecursionError:
        raise InputError("the file is too deeply nested to read", path.name) from None
    return bank, analysis.warnings


def import_bank_file(
    ws: object,
    path: Path,
    name: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Sequence[str] = (),
    default_type: str | None = None,
    default_weight: float | None = None,
    actor: str | None = None,
) -> BankImportSummary:
    """Validate the whole file, then save it as the next version of the bank in one transaction."""
    from app.services import banks

    bank, warns = read_bank_file(path, name, sheet, header_row, mapping, default_type, default_weight)
    version_id, version, created = banks.save(ws, bank, note=f"imported from {Path(path).name}", actor=actor)  # type: ignore[arg-type]
    if created:
        msg = f"Imported {len(bank.questions)} questions into bank {bank.name!r} v{version} ({bank.hash[:12]})"
    else:
        msg = f"Bank {bank.name!r} v{version} already holds exactly these {len(bank.questions)} questions; nothing changed"
    return BankImportSummary(msg, warns, bank.name, version, version_id, len(bank.questions), created)


def preview_bank_file(
    path: Path,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Sequence[str] = (),
    default_type: str | None = None,
    default_weight: float | None = None,
    max_rows: int = 50,
) -> Preview:
    """Everything the wizard needs to show; problems in rows are listed, not raised.

    File-level problems (not a workbook, zip bomb, no such sheet, bad --map) raise InputError.
    """
    from app.exchange.bank_files import analyse, cell_text, read_table
    from app.exchange.spreadsheet_safety import SpreadsheetError

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    try:
        table = read_table(path, sheet)
    except SpreadsheetError as exc:
        raise _input_error(exc) from None
    rows = [[cell_text(v) for v in r] for r in table.rows[:max_rows]]
    base = dict(
        sheets=list(table.sheets), hidden_sheets=list(table.hidden_sheets), sheet=table.sheet, rows=rows,
        total_rows=len(table.rows),
    )
    try:
        a = analyse(table, header_row, list(mapping), default_type, default_weight, collect=True)
    except SpreadsheetError as exc:
        return Preview(**base, detected_header_row=None, header_row=header_row, columns=[], mapping={},  # type: ignore[arg-type]
                       our_format=False, questions_count=0, warnings=list(table.warnings), errors=[str(exc)])
    return Preview(
        **base,  # type: ignore[arg-type]
        detected_header_row=a.detected_header_row,
        header_row=a.header_row,
        columns=[c.label for c in a.columns],
        mapping=dict(a.mapping),
        our_format=a.our_format,
        questions_count=len(a.questions),
        warnings=list(a.warnings),
        errors=[str(e) for e in a.errors],
    )


def bank_csv(bank: Bank) -> str:
    from app.exchange.bank_files import bank_to_csv

    return bank_to_csv(bank)


def export_bank_csv(bank: Bank, path: Path) -> None:
    from app.services.transfer import write_atomically

    write_atomically(Path(path), bank_csv(bank).encode("utf-8"))


def export_bank_xlsx(bank: Bank, path: Path) -> None:
    from app.exchange.bank_files import bank_to_xlsx
    from app.services.transfer import write_atomically

    write_atomically(Path(path), bank_to_xlsx(bank))


