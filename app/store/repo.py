"""Reading and writing domain objects through the tables; no transactions are opened here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.domain.bank import Bank, content_hash, make_question
from app.domain.flags import Acknowledgement
from app.domain.models import (
    Answer,
    Organization,
    ReferenceCheck,
    UseCase,
    Vendor,
)
from app.store import reader
from app.store.reader import question_row_dict
from app.store.tables import (
    AnswerRow,
    AuditRow,
    BankRow,
    BankVersionRow,
    DataSourceRow,
    EvaluationRow,
    EvaluatorRow,
    FlagAckRow,
    MilestoneRow,
    OrganizationRow,
    QuestionRow,
    ReferenceCheckRow,
    ReferenceRow,
    SuccessMetricRow,
    UseCaseRow,
    VendorRow,
    now,
)


class Overtaken(Exception):
    """Another transaction saved the row after this one read it (its version moved on)."""


def claim(s: Session, row: Any) -> None:
    """Count a save of `row` (a table with a `version`): +1, only if it is still the version read.

    One guarded UPDATE (WHERE version = the version read). On PostgreSQL it waits for a
    transaction writing the same row and then matches nothing if that one committed, so two
    saves never both pass; SQLite has one writer at a time. Raises Overtaken; the caller's
    transaction then rolls back whole. Call it before writing the row's other fields.
    """
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    table = type(row)
    read = row.version
    done = s.execute(update(table).where(table.id == row.id, table.version == read).values(version=read + 1))
    if cast(Any, done).rowcount != 1:
        raise Overtaken(f"{table.__tablename__} {row.id} was saved by someone else meanwhile")
    set_committed_value(row, "version", read + 1)


def audit(
    s: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    s.add(
        AuditRow(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
            reason=reason,
        )
    )


# ----- organization --------------------------------------------------------------------------


def get_organization(s: Session) -> Organization:
    return reader.organization_of(s.get(OrganizationRow, 1))


def save_organization(s: Session, org: Organization) -> None:
    row = s.get(OrganizationRow, 1) or OrganizationRow(id=1)
    row.name, row.industry, row.stage = org.name, org.industry, org.stage.value
    row.systems, row.infrastructure, row.regulations = list(org.systems), list(org.infrastructure), list(org.regulations)
    s.add(row)


# ----- use cases -----------------------------------------------------------------------------


def use_case_from_row(s: Session, row: UseCaseRow) -> UseCase:
    sources = s.exec(
        select(DataSourceRow).where(DataSourceRow.use_case_id == row.id).order_by(col(DataSourceRow.position))
    ).all()
    metrics = s.exec(
        select(SuccessMetricRow).where(SuccessMetricRow.use_case_id == row.id).order_by(col(SuccessMetricRow.position))
    ).all()
    return reader.use_case_of(row, sources, metrics)


def write_use_case(s: Session, uc: UseCase, row: UseCaseRow | None = None) -> UseCaseRow:
    if row is None:
        position = s.exec(select(func.count()).select_from(UseCaseRow)).one()
        row = UseCaseRow(title=uc.title, position=int(position))
    row.title, row.decision, row.actors = uc.title, uc.decision, uc.actors
    row.impact_kind, row.impact_amount, row.impact_unit = uc.impact.kind.value, uc.impact.amount, uc.impact.unit
    s.add(row)
    s.flush()
    s.execute(delete(DataSourceRow).where(col(DataSourceRow.use_case_id) == row.id))
    s.execute(delete(SuccessMetricRow).where(col(SuccessMetricRow.use_case_id) == row.id))
    assert row.id is not None
    for i, d in enumerate(uc.data_sources):
        s.add(DataSourceRow(use_case_id=row.id, system=d.system, access=d.access.value, position=i))
    for i, m in enumerate(uc.success_metrics):
        s.add(
            SuccessMetricRow(
                use_case_id=row.id,
                name=m.name,
                unit=m.unit,
                baseline=m.baseline,
                target=m.target,
                direction=m.direction.value,
                target_date=m.target_date,
                method=m.method,
                owner=m.owner,
                position=i,
            )
        )
    return row


# ----- banks ---------------------------------------------------------------------------------


def bank_from_version(s: Session, version: BankVersionRow) -> Bank:
    bank = s.get(BankRow, version.bank_id)
    assert bank is not None
    rows = s.exec(
        select(QuestionRow).where(QuestionRow.bank_version_id == version.id).order_by(col(QuestionRow.position))
    ).all()
    questions = tuple(make_question(question_row_dict(r)) for r in rows)
    return Bank(bank.name, questions, version.version)


def bank_from_version_cached(s: Session, version: BankVersionRow) -> Bank:
    """Bank versions never change, so a parsed version is kept (shared with app.store.reader)."""
    owner = s.get(BankRow, version.bank_id)
    assert owner is not None
    key = (owner.name, version.version, version.hash)
    bank = reader.cached_bank(key)
    if bank is None:
        bank = reader.keep_bank(key, bank_from_version(s, version))
    return bank


def latest_version(s: Session, bank_id: int) -> BankVersionRow | None:
    return s.exec(
        select(BankVersionRow).where(BankVersionRow.bank_id == bank_id).order_by(col(BankVersionRow.version).desc())
    ).first()


def save_bank(s: Session, bank: Bank, note: str = "", actor: str = "") -> tuple[BankVersionRow, bool]:
    """Store `bank` as a new version of the bank with its name; reuse identical content.

    Returns the version row and whether a new version was written.
    """
    digest = content_hash(bank.questions)
    row = s.exec(select(BankRow).where(BankRow.name == bank.name)).first()
    if row is None:
        row = BankRow(name=bank.name)
        s.add(row)
        s.flush()
    assert row.id is not None
    same = s.exec(
        select(BankVersionRow).where(BankVersionRow.bank_id == row.id, BankVersionRow.hash == digest)
    ).first()
    if same is not None:
        return same, False
    last = latest_version(s, row.id)
    version = BankVersionRow(bank_id=row.id, version=(last.version + 1 if last else 1), hash=digest, note=note)
    s.add(version)
    s.flush()
    assert version.id is not None
    s.bulk_insert_mappings(
        QuestionRow,
        [
            {
                "bank_version_id": version.id,
                "position": i,
                "qid": q.id,
                "section": q.section,
                "layer": q.layer.value,
                "question": q.question,
                "type": q.type.value,
                "weight": q.weight,
                "guidance": q.guidance,
                "options": q.options,
                "scoring": q.scoring,
                "knockout_min": q.knockout_min,
                "flag_rule": q.flag_rule,
                "allow_na": q.allow_na,
            }
            for i, q in enumerate(bank.questions)
        ],
    )
    audit(
        s,
        actor,
        "bank version created",
        "bank",
        f"{bank.name} v{version.version}",
        before={"version": last.version, "hash": last.hash} if last else None,
        after={"hash": digest, "questions": len(bank.questions), "note": note},
    )
    return version, True


# ----- vendors -------------------------------------------------------------------------------


def vendor_from_row(s: Session, row: VendorRow) -> Vendor:
    refs = s.exec(select(ReferenceRow).where(ReferenceRow.vendor_id == row.id).order_by(col(ReferenceRow.position))).all()
    ms = s.exec(select(MilestoneRow).where(MilestoneRow.vendor_id == row.id).order_by(col(MilestoneRow.position))).all()
    return reader.vendor_of(row, refs, ms)


def write_vendor(s: Session, evaluation_id: int, v: Vendor, row: VendorRow | None = None) -> VendorRow:
    if row is None:
        position = s.exec(select(func.count()).select_from(VendorRow).where(VendorRow.evaluation_id == evaluation_id)).one()
        row = VendorRow(evaluation_id=evaluation_id, name=v.name, position=int(position))
    row.name = v.name
    row.industries = list(v.industries)
    row.claims = v.claims
    row.production_deployments = v.production_deployments_in_industry
    row.kickoff_to_production_months = v.timeline.kickoff_to_production_months
    row.timeline_description = v.timeline.description
    row.pricing_model, row.pricing_amount = v.pricing.model, v.pricing.amount
    row.pricing_currency, row.pricing_assumes = v.pricing.currency, list(v.pricing.assumes)
    row.assumed_infrastructure = list(v.assumed_infrastructure)
    row.demo_rating = v.demo_rating
    s.add(row)
    s.flush()
    assert row.id is not None
    s.execute(delete(ReferenceRow).where(col(ReferenceRow.vendor_id) == row.id))
    s.execute(delete(MilestoneRow).where(col(MilestoneRow.vendor_id) == row.id))
    for i, r in enumerate(v.references):
        s.add(ReferenceRow(vendor_id=row.id, company=r.company, industry=r.industry, stage=r.stage,
                           in_production=r.in_production, contactable=r.contactable, position=i))
    for i, m in enumerate(v.timeline.milestones):
        s.add(MilestoneRow(vendor_id=row.id, name=m.name, month=m.month, position=i))
    return row


def vendor_rows(s: Session, evaluation_id: int) -> Sequence[VendorRow]:
    return s.exec(select(VendorRow).where(VendorRow.evaluation_id == evaluation_id).order_by(col(VendorRow.position), col(VendorRow.id))).all()


def evaluator_rows(s: Session, evaluation_id: int) -> Sequence[EvaluatorRow]:
    return s.exec(select(EvaluatorRow).where(EvaluatorRow.evaluation_id == evaluation_id).order_by(col(EvaluatorRow.position), col(EvaluatorRow.id))).all()


def evaluator_by_name(s: Session, evaluation_id: int, name: str) -> EvaluatorRow | None:
    return s.exec(select(EvaluatorRow).where(EvaluatorRow.evaluation_id == evaluation_id, EvaluatorRow.name == name)).first()


def add_evaluator(s: Session, evaluation_id: int, name: str) -> EvaluatorRow:
    """A new evaluator after the existing ones (flushed, so it has its id)."""
    row = EvaluatorRow(evaluation_id=evaluation_id, name=name, position=len(evaluator_rows(s, evaluation_id)))
    s.add(row)
    s.flush()
    return row


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as stored: where it came from (app, import, questionnaire …) and when it last changed."""

    answer: Answer
    source: str
    updated_at: dt.datetime | None = None  # None: now


def answer_row(s: Session, vendor_id: int, evaluator_id: int, qid: str) -> AnswerRow | None:
    return s.exec(
        select(AnswerRow).where(AnswerRow.vendor_id == vendor_id, AnswerRow.evaluator_id == evaluator_id, AnswerRow.qid == qid)
    ).first()


def write_answer(s: Session, vendor_id: int, evaluator_id: int, qid: str, answer: Answer | None, source: str) -> AnswerRow | None:
    """Store `answer` (from `domain.evaluation.edit_answer`) in place of the current one; None deletes it."""
    row = answer_row(s, vendor_id, evaluator_id, qid)
    if answer is None:
        if row is not None:
            s.delete(row)
        return None
    if row is None:
        row = AnswerRow(vendor_id=vendor_id, evaluator_id=evaluator_id, qid=qid, value="")
    row.value = answer.value
    row.note = answer.note
    row.source = source
    row.updated_at = now()
    s.add(row)
    return row


def add_answers(s: Session, vendor_id: int, evaluator_ids: dict[str, int], answers: Iterable[StoredAnswer]) -> int:
    """Insert new answers of one vendor in one statement (imports, restore); how many were added."""
    rows = [
        {"vendor_id": vendor_id, "evaluator_id": evaluator_ids[a.answer.evaluator], "qid": a.answer.question,
         "value": a.answer.value, "note": a.answer.note, "source": a.source, "updated_at": a.updated_at or now()}
        for a in answers
    ]
    if rows:
        s.bulk_insert_mappings(AnswerRow, rows)
    return len(rows)


def stored_answers(s: Session, vendor_id: int) -> list[StoredAnswer]:
    """Every answer of one vendor with its source and time, in the order they were written."""
    stmt = (
        select(AnswerRow, EvaluatorRow.name)
        .join(EvaluatorRow, col(AnswerRow.evaluator_id) == EvaluatorRow.id)
        .where(AnswerRow.vendor_id == vendor_id)
        .order_by(col(AnswerRow.id))
    )
    vendor = s.get(VendorRow, vendor_id)
    vname = vendor.name if vendor is not None else ""
    return [
        StoredAnswer(Answer(vname, evaluator, r.qid, r.value, r.note), r.source, r.updated_at)
        for r, evaluator in s.exec(stmt).all()
    ]


def session_reader(s: Session) -> reader.Reader:
    """Plain queries on the session's own connection, inside its transaction (pending changes flushed)."""
    s.flush()
    return reader.Reader(s.connection().connection.dbapi_connection)  # type: ignore[arg-type]


def answers_of(s: Session, evaluation_id: int) -> list[tuple[Answer, str]]:
    """(answer, source) for every answer of an evaluation, in vendor/evaluator/bank order."""
    # Plain columns from the driver's cursor, no ORM rows: a large evaluation has hundreds of
    # thousands of answers (docs/performance.md).
    return list(session_reader(s).answers(evaluation_id))


def acknowledgements(s: Session, evaluation_id: int | None = None, engagement_id: int | None = None) -> dict[tuple[str, str], Acknowledgement]:
    stmt = select(FlagAckRow)
    if evaluation_id is not None:
        stmt = stmt.where(FlagAckRow.evaluation_id == evaluation_id)
    if engagement_id is not None:
        stmt = stmt.where(FlagAckRow.engagement_id == engagement_id)
    out = {}
    for r in s.exec(stmt.order_by(col(FlagAckRow.id))).all():
        out[(r.vendor, r.rule)] = reader.acknowledgement_of(r)
    return out


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def evaluation_by_ref(s: Session, ref: str | int) -> EvaluationRow | None:
    if (number := reader.row_id(ref)) is not None:
        row = s.get(EvaluationRow, number)
        if row is not None:
            return row
    return s.exec(select(EvaluationRow).where(EvaluationRow.name == str(ref))).first()


# ----- reference checks (schema 0008) ----------------------------------------------------------


def reference_check_from_row(row: ReferenceCheckRow) -> ReferenceCheck:
    return reader.reference_check_of(row)


def add_reference_check(s: Session, vendor_id: int, check: ReferenceCheck) -> ReferenceCheckRow:
    """Store one check (its `at`, or now); the row, flushed."""
    row = ReferenceCheckRow(vendor_id=vendor_id, company=check.company, confirmed_production=check.confirmed_production,
                            stage=check.stage, industry=check.industry, by=check.by, note=check.note)
    if check.at:
        row.at = dt.datetime.fromisoformat(check.at)
    s.add(row)
    s.flush()
    return row
