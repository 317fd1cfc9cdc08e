"""Use cases: list, read, create, update, delete (and restore), and the live specificity check."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import update as sql_update
from sqlmodel import Session, select

from app.domain.merge import merge
from app.domain.models import MAX_TITLE_LENGTH, UseCase
from app.domain.specificity import SpecificityResult, check_title, check_use_case
from app.services import knowledge
from app.services.concurrency import conflict, retry_overtaken
from app.services.errors import InputError, NotFound
from app.store import repo
from app.store.tables import EvaluationRow, UseCaseRow
from app.store.workspace import Workspace, current_user


@dataclass(frozen=True)
class UseCaseSummary:
    id: int
    title: str
    verdict: str
    score: int


@dataclass(frozen=True)
class DeletedUseCase:
    """What `restore` needs to put a deleted use case back exactly, links included."""

    id: int
    use_case: UseCase
    position: int
    evaluations: tuple[int, ...]


def prepare() -> None:
    """Load what the specificity check reads (the English word list, about half a second) ahead
    of the first check; the app calls it on a worker thread at start-up."""
    from app.domain import english

    english.load()
    knowledge.lexicons()


def check(uc: UseCase) -> SpecificityResult:
    return check_use_case(uc, knowledge.lexicons())


def check_text(title: str) -> SpecificityResult:
    return check_title(title, knowledge.lexicons())


def _row(s: Session, use_case_id: int) -> UseCaseRow:
    row = s.get(UseCaseRow, use_case_id)
    if row is None:
        raise NotFound(f"there is no use case {use_case_id}")
    return row


def _validate(uc: UseCase) -> None:
    if not uc.title.strip():
        raise InputError("a use case needs a title: name the decision or process it improves")
    if len(uc.title) > MAX_TITLE_LENGTH:
        raise InputError(f"a use case's title has {len(uc.title):,} characters; at most {MAX_TITLE_LENGTH} fit: "
                         "say the rest in the decision field")
    if uc.impact.amount < 0:
        raise InputError("the estimated annual impact cannot be negative")
    for m in uc.success_metrics:
        if not m.name.strip():
            raise InputError("every success metric needs a name")
    for d in uc.data_sources:
        if not d.system.strip():
            raise InputError("every data source needs a system name")


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_json(uc: UseCase) -> dict[str, Any]:
    return _json(asdict(uc))  # type: ignore[no-any-return]


def list_use_cases(ws: Workspace) -> list[UseCaseSummary]:
    return [summary(use_case_id, uc) for use_case_id, uc in read_use_cases(ws)]


def read_use_cases(ws: Workspace) -> list[tuple[int, UseCase]]:
    """Every use case with its id, in list order, not yet checked (plain SQL, three queries)."""
    from app.store.reader import reading

    with reading(ws) as r:
        return r.use_cases()


def summary(use_case_id: int, uc: UseCase) -> UseCaseSummary:
    """The use case's line in the list: its title and its specificity verdict."""
    result = check(uc)
    return UseCaseSummary(use_case_id, uc.title, result.verdict.value, result.score)


def get(ws: Workspace, use_case_id: int) -> UseCase:
    with ws.session() as s:
        return repo.use_case_from_row(s, _row(s, use_case_id))


def create(ws: Workspace, uc: UseCase, actor: str | None = None) -> int:
    _validate(uc)
    with ws.session() as s:
        row = repo.write_use_case(s, uc)
        assert row.id is not None
        repo.audit(
            s, actor or current_user(), "use case created", "use_case", row.id, after=as_json(uc)
        )
        return row.id


_FIELD_WORDS = {"title": "title", "decision": "decision", "actors": "actors", "impact.kind": "impact kind",
                "impact.amount": "impact amount", "impact.unit": "impact unit", "data_sources": "data sources",
                "success_metrics": "success metrics"}


@retry_overtaken(lambda ws, use_case_id, uc, *_a, **_kw: f"The use case {uc.title!r}")
def update(ws: Workspace, use_case_id: int, uc: UseCase, actor: str | None = None, base: UseCase | None = None) -> None:
    """Save an edited use case. With `base` (as the editor loaded it) only what was edited since
    is written; a field changed meanwhile elsewhere too is refused with an EditConflict."""
    _validate(uc)
    with ws.session() as s:
        row = _row(s, use_case_id)
        repo.claim(s, row)
        before = repo.use_case_from_row(s, row)
        if base is not None:
            uc, conflicts = merge(base, uc, before)
            if conflicts:
                raise conflict(f"The use case {before.title!r}", conflicts, _FIELD_WORDS, theirs=before, merged=uc)
        if before == uc:
            s.rollback()  # nothing to save: the version stays as it was
            return
        repo.write_use_case(s, uc, row)
        repo.audit(
            s,
            actor or current_user(),
            "use case updated",
            "use_case",
            use_case_id,
            before=as_json(before),
            after=as_json(uc),
        )


def delete(ws: Workspace, use_case_id: int, actor: str | None = None) -> DeletedUseCase:
    with ws.session() as s:
        row = _row(s, use_case_id)
        uc = repo.use_case_from_row(s, row)
        linked = s.exec(
            select(EvaluationRow.id).where(EvaluationRow.use_case_id == use_case_id)
        ).all()
        gone = DeletedUseCase(
            use_case_id, uc, row.position, tuple(int(i) for i in linked if i is not None)
        )
        s.delete(row)
        repo.audit(
            s,
            actor or current_user(),
            "use case deleted",
            "use_case",
            use_case_id,
            before=as_json(uc),
        )
        return gone


def restore(ws: Workspace, gone: DeletedUseCase, actor: str | None = None) -> int:
    """Undo a delete: same id, same place, and the evaluations that pointed at it again."""
    with ws.session() as s:
        if s.get(UseCaseRow, gone.id) is not None:
            raise InputError(f"use case {gone.id} already exists")
        row = UseCaseRow(id=gone.id, title=gone.use_case.title, position=gone.position)
        repo.write_use_case(s, gone.use_case, row)
        if gone.evaluations:
            s.execute(
                sql_update(EvaluationRow)
                .where(EvaluationRow.id.in_(gone.evaluations))  # type: ignore[union-attr]
                .values(use_case_id=gone.id)
            )
        repo.audit(
            s,
            actor or current_user(),
            "use case restored",
            "use_case",
            gone.id,
            after=as_json(gone.use_case),
        )
        return gone.id
