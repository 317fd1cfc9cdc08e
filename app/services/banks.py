"""Question banks: list, read a version, save a new version, the default bank."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import select

from app.domain.bank import FIELDS, Bank, BankDiff, diff_banks
from app.domain.errors import BankError
from app.paths import data_dir
from app.services.errors import InputError, NotFound
from app.store.repo import bank_from_version, latest_version, save_bank
from app.store.tables import BankRow, BankVersionRow, QuestionRow
from app.store.workspace import Workspace, current_user

DEFAULT_BANK_FILE = "default_bank.csv"
DEFAULT_BANK_NAME = "AI implementation partner — standard"


@dataclass(frozen=True)
class BankSummary:
    id: int
    name: str
    version: int
    version_id: int
    hash: str
    questions: int
    versions: int


@dataclass(frozen=True)
class VersionInfo:
    id: int
    version: int
    hash: str
    note: str
    created_at: str
    questions: int


def list_banks(ws: Workspace) -> list[BankSummary]:
    out = []
    with ws.session() as s:
        for b in s.exec(select(BankRow).order_by(BankRow.name)).all():
            assert b.id is not None
            v = latest_version(s, b.id)
            if v is None:
                continue
            n = len(s.exec(select(QuestionRow.id).where(QuestionRow.bank_version_id == v.id)).all())
            count = len(s.exec(select(BankVersionRow.id).where(BankVersionRow.bank_id == b.id)).all())
            assert v.id is not None
            out.append(BankSummary(b.id, b.name, v.version, v.id, v.hash, n, count))
    return out


def versions(ws: Workspace, ref: str | int) -> list[VersionInfo]:
    with ws.session() as s:
        bank = _bank_row(s, ref)
        rows = s.exec(select(BankVersionRow).where(BankVersionRow.bank_id == bank.id).order_by(BankVersionRow.version)).all()
        out = []
        for v in rows:
            assert v.id is not None
            n = len(s.exec(select(QuestionRow.id).where(QuestionRow.bank_version_id == v.id)).all())
            out.append(VersionInfo(v.id, v.version, v.hash, v.note, v.created_at.isoformat(timespec="seconds"), n))
        return out


def _bank_row(s, ref: str | int) -> BankRow:  # type: ignore[no-untyped-def]
    row = None
    if isinstance(ref, int) or str(ref).isdigit():
        row = s.get(BankRow, int(ref))
    if row is None:
        row = s.exec(select(BankRow).where(BankRow.name == str(ref))).first()
    if row is None:
        raise NotFound(f"there is no question bank named {ref!r} (see 'diligence bank list')")
    return row


def get_bank(ws: Workspace, ref: str | int, version: int | None = None) -> Bank:
    with ws.session() as s:
        bank = _bank_row(s, ref)
        assert bank.id is not None
        if version is None:
            v = latest_version(s, bank.id)
        else:
            v = s.exec(select(BankVersionRow).where(BankVersionRow.bank_id == bank.id, BankVersionRow.version == version)).first()
        if v is None:
            raise NotFound(f"bank {bank.name!r} has no version {version}")
        return bank_from_version(s, v)


def get_bank_version(ws: Workspace, version_id: int) -> Bank:
    with ws.session() as s:
        v = s.get(BankVersionRow, version_id)
        if v is None:
            raise NotFound(f"there is no bank version {version_id}")
        return bank_from_version(s, v)


def save(ws: Workspace, bank: Bank, note: str = "", actor: str | None = None) -> tuple[int, int, bool]:
    """Save a bank as its next version (identical content reuses the existing version).

    Returns (version id, version number, created).
    """
    with ws.session() as s:
        row, created = save_bank(s, bank, note, actor or current_user())
        assert row.id is not None
        return row.id, row.version, created


def diff(ws: Workspace, ref: str | int, old: int, new: int) -> BankDiff:
    return diff_banks(get_bank(ws, ref, old), get_bank(ws, ref, new))


def parse_bank_csv(text: str, name: str, source: str) -> Bank:
    """Our bank format from CSV text; errors name the file, row and column."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise InputError("the file is empty", source)
    header = [h.strip().lower() for h in rows[0]]
    missing = [f for f in ("id", "question", "type") if f not in header]
    if missing:
        raise InputError(f"row 1: missing column(s) {', '.join(missing)}", source)
    dicts = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        d: dict[str, object] = {h: unneutralise(r[j] if j < len(r) else "") for j, h in enumerate(header) if h in FIELDS}
        dicts.append((i, d))
    return bank_from_dicts(dicts, name, source, header)


def bank_from_dicts(rows: list[tuple[int, dict[str, object]]], name: str, source: str, header: list[str]) -> Bank:
    from app.domain.bank import make_question

    questions = []
    seen: dict[str, int] = {}
    for rownum, d in rows:
        try:
            q = make_question(d)
        except BankError as exc:
            col = header.index(exc.field) + 1 if exc.field in header else None
            where = f"{source}, row {rownum}" + (f", column {col} ({exc.field})" if col else f", {exc.field}")
            raise InputError(exc.detail, where) from None
        if q.id.casefold() in seen:
            col = header.index("id") + 1
            raise InputError(f"id {q.id!r} is already used on row {seen[q.id.casefold()]}", f"{source}, row {rownum}, column {col} (id)")
        seen[q.id.casefold()] = rownum
        questions.append(q)
    if not questions:
        raise InputError("the file holds no questions", source)
    return Bank(name, tuple(questions))


def bank_to_csv(bank: Bank) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\n")
    w.writeheader()
    for row in bank.rows():
        w.writerow({k: neutralise(v) for k, v in row.items()})
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a quote so a spreadsheet never runs a cell as a formula (undone on import)."""
    from app.exchange.bank_files import neutralise as exact  # a bijection: "'=x" survives too

    return exact(text)


def unneutralise(text: str) -> str:
    from app.exchange.bank_files import unneutralise as exact

    return exact(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def default_bank() -> Bank:
    path = data_dir() / DEFAULT_BANK_FILE
    return parse_bank_csv(path.read_text(encoding="utf-8-sig"), DEFAULT_BANK_NAME, str(path))


def ensure_default_bank(ws: Workspace) -> None:
    with ws.session() as s:
        if s.exec(select(BankRow.id)).first() is not None:
            return
    save(ws, default_bank(), note="bundled default bank", actor="diligence")
