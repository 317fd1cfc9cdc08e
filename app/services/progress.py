"""Where the person stands in the flow: profile → use case → vendors → answers submitted → compare → select."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.wording import plural

if TYPE_CHECKING:
    from app.store.workspace import Workspace

# (key, label, the page where the step is done)
STEPS: tuple[tuple[str, str, str], ...] = (
    ("profile", "Organization profile", "organization"),
    ("use_case", "Use case", "usecases"),
    ("vendors", "Vendors", "evaluations"),
    ("submitted", "Answers submitted", "evaluations"),
    ("compare", "Compare", "compare"),
    ("select", "Partner selected", "compare"),
)


@dataclass(frozen=True)
class FlowStep:
    key: str
    label: str
    page: str
    done: bool
    detail: str = ""  # what is missing, or what was done, in a few words


def flow(ws: Workspace, evaluation_id: int | None, compared: bool = False) -> list[FlowStep]:
    """Each step of the flow for the evaluation being worked on, done or not.

    `compared` says whether the person has looked at the comparison of this evaluation (the app
    knows; the workspace does not record views). Compare counts as done once everyone has
    submitted and the comparison was looked at, or a partner was selected from it.
    """
    # SQLAlchemy loads here, not with the module: the main window shows this list at start-up.
    from sqlalchemy import func
    from sqlmodel import select

    from app.store.tables import (
        EngagementRow,
        EvaluationRow,
        EvaluatorRow,
        OrganizationRow,
        UseCaseRow,
        VendorRow,
    )
    with ws.session() as s:
        org = s.exec(select(OrganizationRow)).first()
        profile = org is not None and bool(org.name.strip()) and bool(org.industry.strip())
        ev = s.get(EvaluationRow, evaluation_id) if evaluation_id is not None else None
        any_use_case = s.exec(select(func.count()).select_from(UseCaseRow)).one() > 0
        use_case = ev.use_case_id is not None if ev is not None else bool(any_use_case)
        vendors = evaluators = submitted = 0
        selected = False
        if ev is not None:
            vendors = s.exec(select(func.count()).where(VendorRow.evaluation_id == ev.id)).one()
            rows = s.exec(select(EvaluatorRow).where(EvaluatorRow.evaluation_id == ev.id)).all()
            evaluators = len(rows)
            submitted = sum(1 for r in rows if r.submitted_at is not None)
            selected = s.exec(select(EngagementRow).where(EngagementRow.evaluation_id == ev.id)).first() is not None
    all_in = evaluators > 0 and submitted == evaluators
    done = {
        "profile": (profile, "" if profile else "name and industry"),
        "use_case": (use_case, "" if use_case else "none linked"),
        "vendors": (vendors >= 2, f"{vendors} of at least 2"),
        "submitted": (all_in, f"{submitted} of {plural(evaluators, 'evaluator')}"),
        "compare": (selected or (all_in and compared), ""),
        "select": (selected, ""),
    }
    return [FlowStep(key, label, page, *done[key]) for key, label, page in STEPS]
