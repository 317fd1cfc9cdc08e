"""Where the person stands in the flow: the services read the counts, `app.domain.flow` decides."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from app.domain.flow import STEPS as STEPS
from app.domain.flow import FlowFacts, flow_steps
from app.domain.flow import FlowStep as FlowStep
from app.domain.flow import StepState as StepState

if TYPE_CHECKING:
    from app.store.workspace import Workspace


def working_evaluation(ws: Workspace, remembered: int | None = None) -> int | None:
    """The evaluation to work on when none is chosen yet (a workspace was just opened): `remembered`
    (the last one used here) if it still exists, else the newest, as the evaluation pickers choose;
    None when the workspace has none. One small query, so the checklist knows it at start-up."""
    from sqlmodel import col, select

    from app.store.tables import EvaluationRow

    newest = select(EvaluationRow.id).order_by(col(EvaluationRow.created_at).desc(), col(EvaluationRow.id).desc())
    with ws.session() as s:
        if remembered is not None and s.exec(select(EvaluationRow.id).where(EvaluationRow.id == remembered)).first():
            return remembered
        return s.exec(newest.limit(1)).first()


def flow(ws: Workspace, evaluation_id: int | None, compared: bool = False) -> list[FlowStep]:
    """Each step of the flow for the evaluation being worked on (`app.domain.flow.flow_steps`).

    `compared` says whether the person has looked at the comparison of this evaluation (the app
    knows; the workspace does not record views).
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
        facts = FlowFacts(
            profile=org is not None and bool(org.name.strip()) and bool(org.industry.strip()),
            use_cases=s.exec(select(func.count()).select_from(UseCaseRow)).one(),
            evaluations=s.exec(select(func.count()).select_from(EvaluationRow)).one(),
        )
        ev = s.get(EvaluationRow, evaluation_id) if evaluation_id is not None else None
        if ev is not None:
            rows = s.exec(select(EvaluatorRow).where(EvaluatorRow.evaluation_id == ev.id)).all()
            facts = replace(
                facts,
                chosen=True,
                linked_use_case=ev.use_case_id is not None,
                vendors=s.exec(select(func.count()).where(VendorRow.evaluation_id == ev.id)).one(),
                evaluators=len(rows),
                submitted=sum(1 for r in rows if r.submitted_at is not None),
                selected=s.exec(select(EngagementRow).where(EngagementRow.evaluation_id == ev.id)).first() is not None,
                compared=compared,
            )
    return flow_steps(facts)


def workspace_is_empty(ws: Workspace) -> bool:
    """No evaluation, no use case and no organization name yet: the first run's welcome applies.

    Here rather than with the demo (`app.services.transfer`, which re-exports it): opening a
    workspace asks this on the GUI thread, and importing the exchange formats took ~20 ms of it.
    """
    from sqlmodel import select

    from app.store.tables import EvaluationRow, OrganizationRow, UseCaseRow

    with ws.session() as s:
        return (
            s.exec(select(EvaluationRow.id)).first() is None
            and s.exec(select(UseCaseRow.id)).first() is None
            and not ((org := s.get(OrganizationRow, 1)) and org.name)
        )
