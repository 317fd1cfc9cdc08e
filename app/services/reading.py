"""Reading and scoring a whole evaluation without the ORM: the report command's lean path.

`diligence report` needs one evaluation read and scored; importing SQLAlchemy and SQLModel for
that was a third of the command's time (docs/performance.md). These functions read through
`app.store.reader` on a connection of their own; `app.services.evaluations` re-exports them,
so the app, the CLI and the report all load an evaluation the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.evaluation import EvaluationSnapshot, Results, evaluate
from app.services import knowledge
from app.services.errors import NotFound
from app.store.reader import NoSuchEvaluation, reading
from app.store.workspace import Workspace


@dataclass(frozen=True)
class EvaluationSummary:
    id: int
    name: str
    use_case: str
    bank: str
    bank_version: int
    vendors: int
    evaluators: int
    created_at: str


def list_evaluations(ws: Workspace) -> list[EvaluationSummary]:
    """Every evaluation, newest first, with its counts (the pickers list it on the GUI thread)."""
    with reading(ws) as r:
        return [EvaluationSummary(e.id, e.name, e.use_case or "", e.bank, e.bank_version, e.vendors,
                                  e.evaluators, e.created_at.isoformat(timespec="seconds"))
                for e in r.evaluation_list()]


def load_snapshot(ws: Workspace, ref: str | int) -> EvaluationSnapshot:
    """The evaluation named (or numbered) `ref`, read in one transaction."""
    with reading(ws) as r:
        try:
            ev = r.evaluation(ref)
        except NoSuchEvaluation:
            raise NotFound(f"there is no evaluation named {ref!r}") from None
        return r.snapshot(ev)


def score(
    ws: Workspace, ref: str | int, section_factors: dict[str, float] | None = None, with_sensitivity: bool = True
) -> Results:
    snapshot = load_snapshot(ws, ref)
    return evaluate(snapshot, knowledge.lexicons(), knowledge.synonyms(), section_factors, with_sensitivity)


def last_changes(ws: Workspace, ref: str | int) -> list[datetime]:
    """When the evaluation was made, and its latest answer, submission and acknowledgement."""
    with reading(ws) as r:
        try:
            ev = r.evaluation(ref)
        except NoSuchEvaluation:
            raise NotFound(f"there is no evaluation named {ref!r}") from None
        return r.last_changes(ev.id)


def vendor_answer_count(ws: Workspace, evaluation_id: int, vendor: str) -> int:
    """How many answers `vendor` has in the evaluation: one query, no answer read ("Remove vendor"
    says how many go with it)."""
    with reading(ws) as r:
        return r.vendor_answer_count(evaluation_id, vendor)
