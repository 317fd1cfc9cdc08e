"""The lean read path (plain SQL on the driver's connection) gives what the ORM rows give."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.domain.models import Direction, Milestone, Reference, SuccessMetric
from app.services import evaluations, reading, usecases
from app.services.errors import NotFound
from app.store import repo
from app.store.tables import EvaluationRow, UseCaseRow, VendorRow
from app.store.workspace import Workspace, open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.report.helpers import report_then


def test_every_vendor_use_case_and_acknowledgement_reads_as_through_the_orm(demo: Workspace) -> None:
    # Values the demo leaves at their defaults are set, so every type the reader converts
    # (JSON lists, booleans, dates, timestamps, nulls) is exercised.
    vendor = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendors[0]
    vendor.references.append(Reference("Acme Ltd", "retail", "scale-up", in_production=True, contactable=False))
    vendor.timeline.milestones.append(Milestone("Pilot", None))
    vendor.industries.append("logistics")
    evaluations.save_vendor(demo, DEMO_EVALUATION, vendor, old_name=vendor.name)
    evaluations.set_submitted(demo, DEMO_EVALUATION, evaluations.load_snapshot(demo, DEMO_EVALUATION).evaluators[0].name)
    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, vendor.name, "vague_timeline", "Checked with them", by="Ana")
    with demo.session() as s:
        uc_id = s.exec(select(EvaluationRow).where(EvaluationRow.name == DEMO_EVALUATION)).one().use_case_id
    assert uc_id is not None
    uc = usecases.get(demo, uc_id)
    uc.success_metrics.append(SuccessMetric("Win rate", "%", 10.0, 20.0, Direction.UP, date(2027, 3, 31), "CRM", "Maya"))
    usecases.update(demo, uc_id, uc)

    lean = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    with demo.session() as s:
        ev = s.exec(select(EvaluationRow).where(EvaluationRow.name == DEMO_EVALUATION)).one()
        rows = s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id).order_by(col(VendorRow.position))).all()
        orm_vendors = [repo.vendor_from_row(s, r) for r in rows]
        uc_row = s.get(UseCaseRow, uc_id)
        assert uc_row is not None
        orm_use_case = repo.use_case_from_row(s, uc_row)
        orm_acks = repo.acknowledgements(s, evaluation_id=ev.id)
        in_session = evaluations.snapshot_in(s, ev)

    assert lean.vendors == orm_vendors
    assert lean.vendors[0].references[-1] == Reference("Acme Ltd", "retail", "scale-up", True, False)
    assert lean.vendors[0].industries[-1] == "logistics"
    assert lean.use_case == orm_use_case
    assert lean.use_case is not None and lean.use_case.success_metrics[-1].target_date == date(2027, 3, 31)
    assert lean.acknowledgements == orm_acks
    assert lean.acknowledgements[(vendor.name, "vague_timeline")].by == "Ana"
    assert lean.evaluators[0].submitted and lean.evaluators[0].submitted_at is not None
    assert lean == in_session


def test_a_missing_evaluation_is_not_found_by_name_or_number(demo: Workspace) -> None:
    with pytest.raises(NotFound, match="no evaluation named 'Nope'"):
        reading.load_snapshot(demo, "Nope")
    with pytest.raises(NotFound):
        reading.last_changes(demo, 9999)
    number = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    assert reading.load_snapshot(demo, str(number)).name == DEMO_EVALUATION


def test_a_read_only_workspace_is_read_the_same(demo_path: Path, demo: Workspace) -> None:
    expected = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    ro = open_workspace(demo_path, create=False, read_only=True)
    try:
        assert reading.load_snapshot(ro, DEMO_EVALUATION) == expected
    finally:
        ro.close()


def test_the_report_command_loads_neither_sqlalchemy_nor_sqlmodel(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    r = report_then(demo_path, DEMO_EVALUATION, out, "print('LOADED', [m for m in "
                    "('sqlalchemy','sqlmodel','pandas','PySide6') if m in sys.modules])")
    assert "LOADED []" in r.stdout, r.stdout[-500:] + r.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_a_bank_version_is_parsed_once_and_a_new_version_is_read_afresh(demo: Workspace) -> None:
    from dataclasses import replace

    from app.services import banks

    first = evaluations.load_snapshot(demo, DEMO_EVALUATION).bank
    assert evaluations.load_snapshot(demo, DEMO_EVALUATION).bank is first  # shared, not re-parsed
    assert banks.get_bank(demo, first.name, first.version) is first  # the Banks page shares it too
    q = first.questions[0]
    edited = replace(first, questions=(replace(q, question=q.question + " (edited)"), *first.questions[1:]))
    _vid, number, created = banks.save(demo, edited, note="edited")
    assert created and number == first.version + 1
    latest = banks.get_bank(demo, first.name)
    assert latest.version == number and latest.questions[0].question.endswith("(edited)")
    assert banks.get_bank(demo, first.name, first.version).questions[0].question == q.question
