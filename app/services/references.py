"""Reference checks: who called which of a vendor's references, when, and what the reference confirmed.

A vendor's references are its claims; a check is our finding. The red-flag rules read both
(`app.domain.flags.check_references`, `check_reference_contradictions`): relevant references
nobody has confirmed raise a medium flag, a check that contradicts a claim a high one.

What the app and the command line call (each is one transaction, audited):

- `record_check(ws, evaluation, vendor, company, confirmed_production, stage=, industry=, by=, note=, at=)`
  → `StoredCheck`. `company` must be one of the vendor's references (case and spaces ignored);
  `companies(...)` lists them for a picker.
- `list_checks(ws, evaluation, vendor=None)` → `[StoredCheck]`, oldest first.
- `remove_check(ws, evaluation, check_id)` → the removed `StoredCheck` (undo: `record_check`
  again with its fields and `at`).

After any change the evaluation's flags differ: the app announces
`Changes(evaluation=<id>, vendors=True)` and reloads the snapshot (`evaluations.load_snapshot`
carries the checks in `EvaluationSnapshot.reference_checks`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.domain.models import ReferenceCheck
from app.domain.text import norm
from app.services.errors import InputError, NotFound
from app.store import repo
from app.store.tables import EvaluationRow, ReferenceCheckRow, ReferenceRow, VendorRow
from app.store.workspace import Workspace, current_user

MAX_NOTE = 5000


@dataclass(frozen=True)
class StoredCheck:
    id: int
    vendor: str
    check: ReferenceCheck


def _evaluation(s: Session, ref: str | int) -> EvaluationRow:
    row = repo.evaluation_by_ref(s, ref)
    if row is None:
        raise NotFound(f"there is no evaluation named {ref!r}")
    return row


def _choices(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _vendor(s: Session, ev: EvaluationRow, name: str) -> VendorRow:
    assert ev.id is not None
    rows = repo.vendor_rows(s, ev.id)
    for row in rows:
        if row.name == name:
            return row
    for row in rows:  # a name typed in another case, or with stray spaces
        if norm(row.name) == norm(name):
            return row
    have = f"its vendors: {_choices([r.name for r in rows])}" if rows else "it has no vendors yet"
    raise NotFound(f"there is no vendor {name!r} in evaluation {ev.name!r}; {have}")


def _companies(s: Session, vendor: VendorRow) -> list[str]:
    refs = s.exec(select(ReferenceRow).where(ReferenceRow.vendor_id == vendor.id).order_by(col(ReferenceRow.position))).all()
    return [r.company for r in refs if r.company.strip()]


def companies(ws: Workspace, evaluation: str | int, vendor: str) -> list[str]:
    """The references of `vendor` a check may name, in the profile's order."""
    with ws.session() as s:
        return _companies(s, _vendor(s, _evaluation(s, evaluation), vendor))


def record_check(
    ws: Workspace,
    evaluation: str | int,
    vendor: str,
    company: str,
    confirmed_production: bool,
    stage: str = "",
    industry: str = "",
    by: str | None = None,
    note: str = "",
    at: str | None = None,
) -> StoredCheck:
    """Store a call to one of `vendor`'s references. `by` defaults to the person at the computer;
    `at` (ISO time) to now."""
    if len(note) > MAX_NOTE:
        raise InputError(f"the note has {len(note):,} characters; at most {MAX_NOTE:,} fit")
    if at is not None:
        try:
            datetime.fromisoformat(at)
        except ValueError:
            raise InputError(f"{at!r} is not a date and time (2026-11-27T15:00:00)") from None
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        row = _vendor(s, ev, vendor)
        assert row.id is not None
        names = _companies(s, row)
        match = next((n for n in names if norm(n) == norm(company)), None)
        if match is None:
            if not names:
                raise InputError(f"{row.name} lists no references; add {company!r} to its profile first")
            raise InputError(f"{row.name} has no reference {company!r}; its references: {_choices(names)}")
        check = ReferenceCheck(match, confirmed_production, stage.strip(), industry.strip(),
                               (by if by is not None else current_user()).strip(), at or "", note.strip())
        stored = repo.add_reference_check(s, row.id, check)
        assert stored.id is not None
        saved = repo.reference_check_from_row(stored)
        repo.audit(s, current_user(), "reference checked", "reference_check", stored.id,
                   after={"vendor": row.name, **asdict(saved)})
        return StoredCheck(stored.id, row.name, saved)


def list_checks(ws: Workspace, evaluation: str | int, vendor: str | None = None) -> list[StoredCheck]:
    """The evaluation's reference checks (of one vendor when `vendor` is given), oldest first."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        stmt = (
            select(VendorRow.name, ReferenceCheckRow)
            .join(VendorRow, col(ReferenceCheckRow.vendor_id) == col(VendorRow.id))
            .where(VendorRow.evaluation_id == ev.id)
        )
        if vendor is not None:
            stmt = stmt.where(VendorRow.id == _vendor(s, ev, vendor).id)
        rows = s.exec(stmt.order_by(col(ReferenceCheckRow.at), col(ReferenceCheckRow.id))).all()
        return [StoredCheck(r.id or 0, name, repo.reference_check_from_row(r)) for name, r in rows]


def remove_check(ws: Workspace, evaluation: str | int, check_id: int) -> StoredCheck:
    """Delete one check of the evaluation; what was removed."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        row = s.get(ReferenceCheckRow, check_id)
        vendor = s.get(VendorRow, row.vendor_id) if row is not None else None
        if row is None or vendor is None or vendor.evaluation_id != ev.id:
            raise NotFound(f"evaluation {ev.name!r} has no reference check {check_id}")
        removed = StoredCheck(check_id, vendor.name, repo.reference_check_from_row(row))
        repo.audit(s, current_user(), "reference check removed", "reference_check", check_id,
                   before={"vendor": vendor.name, **asdict(removed.check)})
        s.delete(row)
        return removed
