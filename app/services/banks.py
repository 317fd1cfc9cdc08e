"""Question banks: list, read a version, save a new version, the default bank."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.domain.bank import Bank, BankDiff, diff_banks
from app.domain.merge import merge_keyed
from app.paths import data_dir
from app.services.concurrency import conflict, retry_overtaken
from app.services.errors import NotFound
from app.store.repo import (
    bank_from_version,
    bank_from_version_cached,
    claim,
    latest_version,
    save_bank,
)
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
        rows = s.exec(select(BankVersionRow).where(BankVersionRow.bank_id == bank.id).order_by(col(BankVersionRow.version))).all()
        out = []
        for v in rows:
            assert v.id is not None
            n = len(s.exec(select(QuestionRow.id).where(QuestionRow.bank_version_id == v.id)).all())
            out.append(VersionInfo(v.id, v.version, v.hash, v.note, v.created_at.isoformat(timespec="seconds"), n))
        return out


def _bank_row(s: Session, ref: str | int) -> BankRow:
    row = None
    if isinstance(ref, int) or str(ref).isdigit():
        row = s.get(BankRow, int(ref))
    if row is None:
        row = s.exec(select(BankRow).where(BankRow.name == str(ref))).first()
    if row is None:
        raise NotFound(f"there is no question bank named {ref!r} (see 'diligence bank list')")
    return row


def get_bank(ws: Workspace, ref: str | int, version: int | None = None) -> Bank:
    return get_bank_version(ws, version_id(ws, ref, version))


def get_bank_version(ws: Workspace, version_id: int) -> Bank:
    with ws.session() as s:
        v = s.get(BankVersionRow, version_id)
        if v is None:
            raise NotFound(f"there is no bank version {version_id}")
        return bank_from_version_cached(s, v)  # versions never change: parsed once per process


_QUESTION_WORDS = {"questions": "question", "knockout_min": "knockout minimum", "flag_rule": "red-flag rule",
                   "allow_na": "n/a allowed"}


@retry_overtaken(lambda ws, bank, *_a, **_kw: f"The bank {bank.name!r}")
def save(ws: Workspace, bank: Bank, note: str = "", actor: str | None = None,
         base: Bank | None = None) -> tuple[int, int, bool]:
    """Save a bank as its next version (identical content reuses the existing version).

    `base`: the version a draft started from, when it was the latest. If someone saved a newer
    version meanwhile, the draft is merged onto it question by question and field by field
    (app/domain/merge.py): what only one side changed is kept; a field both changed differently
    is refused with an EditConflict showing both values. Returns (version id, version number, created).
    """
    with ws.session() as s:
        owner = s.exec(select(BankRow).where(BankRow.name == bank.name)).first()
        if owner is not None:
            claim(s, owner)  # one new version of a bank at a time
            latest = latest_version(s, owner.id or 0)
            if base is not None and latest is not None and latest.version != base.version:
                theirs = bank_from_version(s, latest)
                questions, conflicts = merge_keyed(base.questions, bank.questions, theirs.questions, lambda q: q.id,
                                                   "questions")
                rows: list[dict[str, object]] = [dict(q.as_row()) for q in questions]  # parsed forms rebuilt
                merged = Bank.from_rows(bank.name, rows, theirs.version)
                if conflicts:
                    raise conflict(f"The bank {bank.name!r}", conflicts, _QUESTION_WORDS, theirs=theirs, merged=merged)
                bank = merged
        row, created = save_bank(s, bank, note, actor or current_user())
        assert row.id is not None
        return row.id, row.version, created


def diff(ws: Workspace, ref: str | int, old: int, new: int) -> BankDiff:
    return diff_banks(get_bank(ws, ref, old), get_bank(ws, ref, new))


def default_bank() -> Bank:
    # The one bank-file reader (app/exchange/bank_files.py) reads the bundled file too.
    from app.services.spreadsheets import read_bank_file

    bank, _warnings = read_bank_file(data_dir() / DEFAULT_BANK_FILE, DEFAULT_BANK_NAME)
    return bank


def ensure_default_bank(ws: Workspace) -> None:
    with ws.session() as s:
        if s.exec(select(BankRow.id)).first() is not None:
            return
    save(ws, default_bank(), note="bundled default bank", actor="diligence")


def version_id(ws: Workspace, ref: str | int, version: int | None = None) -> int:
    """The id of a bank's version (the latest when `version` is None)."""
    with ws.session() as s:
        bank = _bank_row(s, ref)
        assert bank.id is not None
        if version is None:
            v = latest_version(s, bank.id)
        else:
            v = s.exec(select(BankVersionRow).where(BankVersionRow.bank_id == bank.id, BankVersionRow.version == version)).first()
        if v is None or v.id is None:
            raise NotFound(f"bank {bank.name!r} has no version {version}")
        return v.id
