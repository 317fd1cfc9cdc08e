"""Question banks: list, read a version, save a new version, the default bank."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.domain.bank import Bank, BankDiff, diff_banks
from app.domain.merge import merge_keyed
from app.paths import data_dir
from app.services.concurrency import conflict, retry_overtaken
from app.services.errors import NotFound
from app.store.reader import row_id
from app.store.repo import (
    bank_from_version,
    claim,
    latest_version,
    save_bank,
)
from app.store.tables import BankRow, BankVersionRow
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
    """Every bank with its latest version, by name: one query (the Question banks page reads it
    on the GUI thread when it shows)."""
    from app.store.reader import reading

    with reading(ws) as r:
        rows = r.rows(
            "SELECT b.id AS id, b.name AS name, v.version AS version, v.id AS version_id, v.hash AS hash, "
            "(SELECT COUNT(*) FROM question q WHERE q.bank_version_id = v.id) AS questions, "
            "(SELECT COUNT(*) FROM bank_version x WHERE x.bank_id = b.id) AS versions "
            "FROM bank b JOIN bank_version v ON v.bank_id = b.id "
            "WHERE v.version = (SELECT MAX(y.version) FROM bank_version y WHERE y.bank_id = b.id) "
            "ORDER BY b.name")
    return [BankSummary(r.id, r.name, r.version, r.version_id, r.hash, int(r.questions), int(r.versions))
            for r in rows]


def versions(ws: Workspace, ref: str | int) -> list[VersionInfo]:
    """A bank's versions, oldest first: two queries (plain SQL, read when the bank is shown)."""
    from app.store.reader import reading, stamp

    with reading(ws) as r:
        bank = None
        if (number := row_id(ref)) is not None:
            bank = r.first("SELECT id FROM bank WHERE id = ?", number)
        if bank is None:
            bank = r.first("SELECT id FROM bank WHERE name = ?", str(ref))
        if bank is None:
            raise _no_bank(ref)
        rows = r.rows(
            "SELECT v.id AS id, v.version AS version, v.hash AS hash, v.note AS note, v.created_at AS created_at, "
            "(SELECT COUNT(*) FROM question q WHERE q.bank_version_id = v.id) AS questions "
            "FROM bank_version v WHERE v.bank_id = ? ORDER BY v.version", bank.id)
    out = []
    for v in rows:
        created = stamp(v.created_at)
        assert created is not None
        out.append(VersionInfo(v.id, v.version, v.hash, v.note, created.isoformat(timespec="seconds"), int(v.questions)))
    return out


def _no_bank(ref: str | int) -> NotFound:
    return NotFound(f"there is no question bank named {ref!r} (see 'diligence bank list')")


def _bank_row(s: Session, ref: str | int) -> BankRow:
    row = None
    if (number := row_id(ref)) is not None:
        row = s.get(BankRow, number)
    if row is None:
        row = s.exec(select(BankRow).where(BankRow.name == str(ref))).first()
    if row is None:
        raise _no_bank(ref)
    return row


def get_bank(ws: Workspace, ref: str | int, version: int | None = None) -> Bank:
    return get_bank_version(ws, version_id(ws, ref, version))


def get_bank_version(ws: Workspace, version_id: int) -> Bank:
    from app.store.reader import reading

    with reading(ws) as r:  # plain SQL
        if r.first("SELECT id FROM bank_version WHERE id = ?", version_id) is None:
            raise NotFound(f"there is no bank version {version_id}")
        return r.bank(version_id)  # versions never change: parsed once per process


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
