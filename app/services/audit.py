"""The audit trail: who changed what, when, from what to what — filtered and exported to CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlmodel import col, select

from app.exchange.bank_files import neutralise
from app.services.transfer import write_atomically
from app.store.tables import AuditRow
from app.store.workspace import Workspace

CSV_COLUMNS = ("when", "who", "action", "entity", "entity_id", "before", "after", "reason")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # UTC, timezone-aware
    actor: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    reason: str

    @property
    def local_time(self) -> datetime:
        return self.at.astimezone()

    @property
    def when(self) -> str:
        return self.local_time.strftime("%Y-%m-%d %H:%M:%S")

    @property
    def before_text(self) -> str:
        return describe(self.before)

    @property
    def after_text(self) -> str:
        return describe(self.after)


@dataclass(frozen=True)
class AuditFilter:
    """Every given criterion must hold; `since`/`until` are local calendar days, inclusive."""

    entity: str | None = None
    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None


def describe(value: Any) -> str:
    """A before/after value as one line a person can read (JSON for structures)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) <= {"value", "note"}:
        parts = [str(value.get("value") if value.get("value") is not None else "—")]
        if value.get("note"):
            parts.append(f"note: {value['note']}")
        return "; ".join(parts)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _utc_start(day: date) -> datetime:
    # Timestamps are stored in UTC; a local calendar day starts at local midnight.
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _entry(row: AuditRow) -> AuditEntry:
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)
    return AuditEntry(row.id or 0, at, row.actor, row.action, row.entity, row.entity_id, row.before, row.after, row.reason)


def query(ws: Workspace, where: AuditFilter | None = None, limit: int | None = None) -> list[AuditEntry]:
    """Audit entries matching `where`, newest first."""
    f = where or AuditFilter()
    stmt = select(AuditRow)
    if f.entity:
        stmt = stmt.where(AuditRow.entity == f.entity)
    if f.action:
        stmt = stmt.where(AuditRow.action == f.action)
    if f.actor:
        stmt = stmt.where(AuditRow.actor == f.actor)
    if f.since:
        stmt = stmt.where(col(AuditRow.at) >= _utc_start(f.since))
    if f.until:
        stmt = stmt.where(col(AuditRow.at) < _utc_start(f.until + timedelta(days=1)))
    if f.text and f.text.strip():
        needle = f"%{_escape_like(f.text.strip().lower())}%"
        fields = [
            col(AuditRow.actor),
            col(AuditRow.action),
            col(AuditRow.entity),
            col(AuditRow.entity_id),
            col(AuditRow.reason),
            cast(col(AuditRow.before), String),
            cast(col(AuditRow.after), String),
        ]
        stmt = stmt.where(or_(*[func.lower(c).like(needle, escape="\\") for c in fields]))
    stmt = stmt.order_by(col(AuditRow.at).desc(), col(AuditRow.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    with ws.session() as s:
        return [_entry(r) for r in s.exec(stmt).all()]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def distinct_values(ws: Workspace, column: str) -> list[str]:
    """The values present in one column (`actor`, `action` or `entity`), for filter choices."""
    if column not in {"actor", "action", "entity"}:
        raise ValueError(column)
    field = getattr(AuditRow, column)
    with ws.session() as s:
        return sorted({str(v) for v in s.exec(select(field).distinct()).all()}, key=str.casefold)


def to_csv(entries: list[AuditEntry]) -> str:
    """CSV text; every cell is neutralised so a spreadsheet never runs it as a formula."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for e in entries:
        cells = [e.at.isoformat(timespec="seconds"), e.actor, e.action, e.entity, e.entity_id,
                 describe(e.before), describe(e.after), e.reason]
        w.writerow([neutralise(c) for c in cells])
    return buf.getvalue()


def export_csv(ws: Workspace, path: Path, where: AuditFilter | None = None) -> int:
    """Write the matching entries to `path` (UTF-8 with BOM, for spreadsheets); returns how many."""
    entries = query(ws, where)
    write_atomically(Path(path), ("\ufeff" + to_csv(entries)).encode("utf-8"))
    return len(entries)
