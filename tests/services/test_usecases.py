"""Use case and organization services: saved, audited, reversible, checked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from app.domain.models import (
    Access,
    DataSource,
    Direction,
    Organization,
    Stage,
    SuccessMetric,
    UseCase,
)
from app.domain.specificity import Verdict
from app.services import organization, usecases
from app.services.errors import InputError, NotFound
from app.store.tables import AuditRow, DataSourceRow, EvaluationRow
from tests.conftest import DEMO_EVALUATION

SPECIFIC = "Prioritizing which inbound leads our SDRs should call first"


def _full() -> UseCase:
    return UseCase(
        SPECIFIC,
        decision="Order of the SDR call queue",
        actors="SDR team",
        data_sources=[DataSource("Salesforce", Access.YES), DataSource("Website", Access.PARTIAL)],
        success_metrics=[
            SuccessMetric(
                "Conversion",
                "%",
                2.0,
                3.0,
                Direction.UP,
                date(2027, 6, 30),
                "CRM report",
                "Head of sales",
            )
        ],
    )


def _audits(ws, entity: str) -> list[AuditRow]:  # type: ignore[no-untyped-def]
    with ws.session() as s:
        return list(
            s.exec(select(AuditRow).where(AuditRow.entity == entity).order_by(AuditRow.id)).all()
        )


def test_create_get_update_list_and_audit(workspace) -> None:  # type: ignore[no-untyped-def]
    uid = usecases.create(workspace, UseCase("Implementing AI across the organization"))
    summary = usecases.list_use_cases(workspace)
    assert [(s.id, s.verdict) for s in summary] == [(uid, "slogan")]
    usecases.update(workspace, uid, _full())
    assert usecases.get(workspace, uid) == _full()
    assert usecases.list_use_cases(workspace)[0].verdict == "specific"
    actions = [a.action for a in _audits(workspace, "use_case")]
    assert actions == ["use case created", "use case updated"]
    assert (
        _audits(workspace, "use_case")[-1].after["success_metrics"][0]["target_date"]
        == "2027-06-30"
    )


def test_update_without_change_is_not_audited(workspace) -> None:  # type: ignore[no-untyped-def]
    uid = usecases.create(workspace, _full())
    usecases.update(workspace, uid, _full())
    assert len(_audits(workspace, "use_case")) == 1


@pytest.mark.parametrize(
    "bad",
    [
        UseCase("  "),
        UseCase("Flag invoices " + "very " * 80 + "late"),
        UseCase("x", data_sources=[DataSource(" ")]),
        UseCase("x", success_metrics=[SuccessMetric("")]),
    ],
)
def test_invalid_use_cases_are_refused(workspace, bad: UseCase) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        usecases.create(workspace, bad)
    assert usecases.list_use_cases(workspace) == []


def test_delete_and_restore_keep_id_rows_and_evaluation_link(demo) -> None:  # type: ignore[no-untyped-def]
    with demo.session() as s:
        ev = s.exec(select(EvaluationRow).where(EvaluationRow.name == DEMO_EVALUATION)).one()
        uid = ev.use_case_id
    assert uid is not None
    before = usecases.get(demo, uid)
    gone = usecases.delete(demo, uid)
    with pytest.raises(NotFound):
        usecases.get(demo, uid)
    with demo.session() as s:
        assert (
            s.exec(select(EvaluationRow).where(EvaluationRow.name == DEMO_EVALUATION))
            .one()
            .use_case_id
            is None
        )
        assert s.exec(select(DataSourceRow).where(DataSourceRow.use_case_id == uid)).all() == []
    assert usecases.restore(demo, gone) == uid
    assert usecases.get(demo, uid) == before
    with demo.session() as s:
        assert (
            s.exec(select(EvaluationRow).where(EvaluationRow.name == DEMO_EVALUATION))
            .one()
            .use_case_id
            == uid
        )


def test_check_follows_the_domain_rules() -> None:
    assert usecases.check(UseCase("Building an AI-powered platform")).verdict is Verdict.SLOGAN
    assert usecases.check(UseCase(SPECIFIC)).verdict is Verdict.NEEDS_WORK
    assert usecases.check(_full()).verdict is Verdict.SPECIFIC
    assert usecases.check_text(SPECIFIC).verdict is Verdict.SPECIFIC


def test_organization_save_cleans_and_audits(workspace) -> None:  # type: ignore[no-untyped-def]
    assert organization.get(workspace) == Organization()
    saved = organization.save(
        workspace,
        Organization(
            " Acme ",
            "b2b  saas",
            Stage.ENTERPRISE,
            ["Salesforce", "salesforce ", ""],
            ["CRM"],
            ["GDPR"],
        ),
    )
    assert saved == Organization(
        "Acme", "b2b saas", Stage.ENTERPRISE, ["Salesforce"], ["CRM"], ["GDPR"]
    )
    assert organization.get(workspace) == saved
    organization.save(workspace, saved)  # unchanged: no second audit entry
    audits = _audits(workspace, "organization")
    assert len(audits) == 1 and audits[0].after["name"] == "Acme" and audits[0].before["name"] == ""


def test_known_names_come_from_the_synonyms_file() -> None:
    assert "healthcare" in organization.industries()
    assert "cloud data warehouse" in organization.capabilities()
    assert "salesforce" not in organization.capabilities()  # a synonym, not a canonical name
