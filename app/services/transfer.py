"""Evaluation exchange files in and out, and the bundled demo. Imports are all-or-nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from app.domain.conversations import promises_from
from app.domain.models import SELF_ASSESSMENT, UseCase
from app.domain.oversight import validate_reviews
from app.exchange.evaluation_json import (
    EngagementDoc,
    EvaluationDocument,
    ExchangeError,
    dumps,
    load_file,
    parse_document,
)
from app.exchange.evidence_json import DocumentDoc
from app.paths import data_dir
from app.services import engagements as engagement_service
from app.services.errors import InputError

# Where they used to live (callers import them from here too):
from app.services.files import write_atomically as write_atomically
from app.services.files import write_atomically_with as write_atomically_with
from app.services.progress import workspace_is_empty as workspace_is_empty
from app.store import repo
from app.store.tables import (
    EngagementMetricRow,
    EngagementRow,
    EvaluationRow,
    UseCaseRow,
)
from app.store.workspace import Workspace, current_user

if TYPE_CHECKING:
    from app.services.evidence import PreparedDocuments


@dataclass
class ImportSummary:
    evaluation: str
    vendors: int
    answers: int
    bank: str
    bank_version: int
    engagement: str | None
    warnings: list[str] = field(default_factory=list)
    documents: int = 0  # vendors' documents (from a .diligence bundle)


def read_document(path: Path) -> EvaluationDocument:
    try:
        return load_file(path)
    except ExchangeError as exc:
        raise InputError(exc.detail, f"{path}" + (f": {exc.path}" if exc.path else "")) from None


def _find_use_case(s: Session, uc: UseCase) -> UseCaseRow | None:
    for row in s.exec(select(UseCaseRow).where(UseCaseRow.title == uc.title)).all():
        if repo.use_case_from_row(s, row) == uc:
            return row
    return None


def import_document(ws: Workspace, doc: EvaluationDocument, source: str = "", actor: str | None = None,
                    documents: PreparedDocuments | None = None) -> ImportSummary:
    """Store an exchange document in one transaction. Its vendors' documents need their bytes,
    checked and staged beforehand (`documents`, from a .diligence bundle: services.bundles)."""
    who = actor or current_user()
    warnings: list[str] = []
    with ws.session() as s:
        if s.exec(select(EvaluationRow).where(EvaluationRow.name == doc.evaluation_name)).first():
            raise InputError(f"an evaluation named {doc.evaluation_name!r} already exists in this workspace", f"{source}: evaluation.name")
        if doc.engagement and s.exec(select(EngagementRow).where(EngagementRow.name == doc.engagement.name)).first():
            raise InputError(f"an engagement named {doc.engagement.name!r} already exists in this workspace", f"{source}: engagement.name")
        current = repo.get_organization(s)
        if not current.name.strip() or current.name == doc.organization.name:
            repo.save_organization(s, doc.organization)
        elif current != doc.organization:
            warnings.append(
                f"the file's organization ({doc.organization.name}) differs from this workspace's "
                f"({current.name}); the workspace profile was kept"
            )
        uc_row = _find_use_case(s, doc.use_case) or repo.write_use_case(s, doc.use_case)
        version, _created = repo.save_bank(s, doc.bank, note=f"imported from {Path(source).name}" if source else "imported", actor=who)
        ev = EvaluationRow(name=doc.evaluation_name, bank_version_id=version.id or 0, use_case_id=uc_row.id)
        s.add(ev)
        s.flush()
        assert ev.id is not None
        evaluator_ids = {}
        vendor_ids: dict[str, int] = {}
        for name in doc.evaluators:
            row = repo.add_evaluator(s, ev.id, name)
            when = doc.submitted.get(name)
            if when:
                row.submitted_at = _utc(when)
            evaluator_ids[name] = row.id or 0
        for v in doc.vendors:
            vendor_id = vendor_ids[v.name] = repo.write_vendor(s, ev.id, v).id or 0
            repo.add_answers(s, vendor_id, evaluator_ids,
                             (repo.StoredAnswer(a, "import") for a in doc.answers if a.vendor == v.name))
            for check in doc.reference_checks.get(v.name, []):
                repo.add_reference_check(s, vendor_id, check)
        if doc.documents:
            if documents is None:
                raise InputError("the file lists vendors' documents, but their files come only in a .diligence "
                                 "bundle; import the bundle instead", f"{source}: {doc.documents[0].vendor}: "
                                 f"{doc.documents[0].name}")
            documents.write(s, vendor_ids, who)
        engagement_name = None
        if doc.engagement is not None:
            engagement_name = _import_engagement(ws, s, doc, doc.engagement, ev.id, who)
        repo.audit(s, who, "evaluation imported", "evaluation", ev.id,
                   after={"file": source, "vendors": len(doc.vendors), "answers": len(doc.answers)})
        return ImportSummary(doc.evaluation_name, len(doc.vendors), len(doc.answers), doc.bank.name, version.version, engagement_name, warnings,
                             len(doc.documents))


def _import_engagement(ws: Workspace, s: Session, doc: EvaluationDocument, e: EngagementDoc, evaluation_id: int, who: str) -> str:
    vendor = next(v for v in doc.vendors if v.name == e.vendor)
    validate_reviews(e.kickoff, doc.use_case.success_metrics, e.reviews)
    milestones = [m for m, _ in e.milestones] if e.milestones is not None else vendor.timeline.milestones
    eid = engagement_service.create_engagement(
        ws, e.name, e.vendor, e.kickoff, doc.use_case.success_metrics,
        promised_months=vendor.timeline.kickoff_to_production_months,
        milestones=milestones, use_case_title=doc.use_case.title,
        evaluation_id=evaluation_id, actor=who, session=s,
        promises=promises_from(vendor, doc.answers, doc.bank.questions),
        reached=[r for _, r in e.milestones] if e.milestones is not None else None,
    )
    metric_ids = {m.name: m.id for m in s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == eid)).all()}
    for r in e.reviews:
        engagement_service.write_review(s, eid, r, metric_ids)
    return e.name


def _utc(text: str) -> datetime:
    """A timestamp from the file; one without a zone is taken as UTC, as the workspace stores them."""
    when = datetime.fromisoformat(text)
    return when if when.utcoffset() is not None else when.replace(tzinfo=UTC)


def import_file(ws: Workspace, path: Path, actor: str | None = None) -> ImportSummary:
    return import_document(ws, read_document(path), str(path), actor)


def export_document(ws: Workspace, ref: str | int, with_documents: bool = False) -> EvaluationDocument:
    """The exchange document of an evaluation; vendors' documents (metadata and citations) only
    `with_documents` (a bundle, which carries their bytes too)."""
    from app.services.evaluations import _evaluation, snapshot_in

    with ws.session() as s:
        ev = _evaluation(s, ref)
        snap = snapshot_in(s, ev)
        engagement = None
        row = s.exec(select(EngagementRow).where(EngagementRow.evaluation_id == ev.id).order_by(col(EngagementRow.id))).first()
        if row is not None:
            es = engagement_service.snapshot_in(s, row)
            engagement = EngagementDoc(es.name, es.vendor, es.kickoff, es.reviews, es.milestones)
        documents: list[DocumentDoc] = []
        if with_documents:
            from app.services.evidence import exchange_documents

            documents = exchange_documents(s, ev)
    return EvaluationDocument(
        organization=snap.organization,
        use_case=snap.use_case or UseCase(title=""),
        bank=snap.bank,
        evaluation_name=snap.name,
        evaluators=[e.name for e in snap.evaluators],
        vendors=snap.vendors,
        answers=snap.answers,
        engagement=engagement,
        submitted={e.name: e.submitted_at for e in snap.evaluators if e.submitted_at},
        documents=documents,
        reference_checks=snap.reference_checks,
    )


def export_file(ws: Workspace, ref: str | int, path: Path) -> list[str]:
    """Write the lossless exchange file; returns who in it has answers but has not submitted yet.

    The file is the owner's full copy and keeps every answer, blind or not: whoever exports
    it is told so (`unsubmitted_notice`), so it is not handed to an evaluator still scoring.
    """
    doc = export_document(ws, ref)
    write_atomically(path, dumps(doc).encode("utf-8"))
    return unsubmitted(doc)


def unsubmitted(doc: EvaluationDocument) -> list[str]:
    """Evaluators of the document with answers who have not submitted (still blind)."""
    answered = {a.evaluator for a in doc.answers}
    return [e for e in doc.evaluators if e in answered and e not in doc.submitted and e != SELF_ASSESSMENT]


def unsubmitted_notice(evaluators: list[str]) -> str:
    """What the exporter is told when the file holds scores that are still blind ('' when none)."""
    if not evaluators:
        return ""
    who = ", ".join(evaluators)
    return (
        f"This file contains unsubmitted scores: {who} {'has' if len(evaluators) == 1 else 'have'} not submitted yet. "
        "It is the owner's full copy; do not share it with evaluators who are still scoring."
    )


def load_demo(ws: Workspace) -> ImportSummary:
    """Fill the workspace with the bundled demo (refused if the demo evaluation is already there)."""
    summary = import_file(ws, data_dir() / "demo.json", actor="diligence demo")
    extra = json.loads((data_dir() / "demo_extra_use_cases.json").read_text(encoding="utf-8"))
    from app.exchange.evaluation_json import _Reader, read_use_case

    with ws.session() as s:
        for i, item in enumerate(extra):
            uc = read_use_case(_Reader(), item, f"demo_extra_use_cases[{i}]")
            if _find_use_case(s, uc) is None:
                repo.write_use_case(s, uc)
    return summary


def add_demo_documents(ws: Workspace, evaluation: str) -> None:
    """The demo's two proposals, written with ReportLab now (a few kilobytes), added and cited.

    `diligence demo` adds them; `load_demo` (the app's demo, the tests' demo workspace) does not yet."""
    import tempfile
    from datetime import date

    from app.report.demo_proposals import CITATIONS, PROPOSALS, write_proposal
    from app.services import evidence

    with tempfile.TemporaryDirectory(prefix="diligence-demo-") as tmp:
        for name, vendor, valid_until, pages in PROPOSALS:
            path = Path(tmp) / name
            write_proposal(path, pages, vendor)
            evidence.add_document(ws, evaluation, vendor, path, "proposal",
                                  date.fromisoformat(valid_until) if valid_until else None, by="diligence demo")
    vendors = {name: vendor for name, vendor, _, _ in PROPOSALS}
    for name, qid, page, quote in CITATIONS:
        evidence.cite(ws, evaluation, vendors[name], qid, name, page, quote, by="diligence demo")


__all__ = ["import_file", "export_file", "load_demo", "parse_document", "write_atomically", "ImportSummary"]
