"""What a person does with an evaluation: create, add vendors, answer, acknowledge, score."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session, col, select

from app.domain import placeholders
from app.domain.bank import Reading
from app.domain.errors import AnswerError, DomainError
from app.domain.evaluation import EvaluationSnapshot, Results, evaluate, read_edit
from app.domain.flags import Acknowledgement
from app.domain.merge import merge
from app.domain.models import Answer, ReferenceCheck, Vendor, long_name_problem
from app.exchange.evidence_json import DocumentDoc
from app.services import evidence, knowledge
from app.services.concurrency import conflict, retry_overtaken
from app.services.errors import InputError, NotFound

# One way to read evaluations, without the ORM (app/services/reading.py):
from app.services.reading import EvaluationSummary as EvaluationSummary
from app.services.reading import list_evaluations as list_evaluations
from app.services.reading import load_snapshot as load_snapshot
from app.services.reading import score as score
from app.store import repo
from app.store.reader import acknowledgement_of
from app.store.server_answers import AnswerTarget
from app.store.tables import (
    AnswerRow,
    BankRow,
    BankVersionRow,
    EvaluationRow,
    EvaluatorRow,
    FlagAckRow,
    ReferenceCheckRow,
    VendorRow,
)
from app.store.tables import now as utcnow
from app.store.workspace import GONE_OR_NOT_ALLOWED, Workspace, WorkspaceError, current_user


def _evaluation(s: Session, ref: str | int) -> EvaluationRow:
    row = repo.evaluation_by_ref(s, ref)
    if row is None:
        raise NotFound(f"there is no evaluation named {ref!r}")
    return row


def evaluation_id(ws: Workspace, ref: str | int) -> int:
    with ws.session() as s:
        row = _evaluation(s, ref)
        assert row.id is not None
        return row.id


def create_evaluation(
    ws: Workspace,
    name: str,
    bank_version_id: int,
    evaluators: list[str],
    use_case_id: int | None = None,
    actor: str | None = None,
) -> int:
    name = name.strip()
    if not name:
        raise InputError("an evaluation needs a name")
    names = [e.strip() for e in evaluators if e.strip()]
    for e in names:
        if problem := long_name_problem(e, "an evaluator"):
            raise InputError(problem)
    if len(set(names)) != len(names):
        raise InputError("evaluator names must be different")
    with ws.session() as s:
        if s.exec(select(EvaluationRow).where(EvaluationRow.name == name)).first():
            raise InputError(f"an evaluation named {name!r} already exists")
        version = s.get(BankVersionRow, bank_version_id)
        if version is None:
            raise NotFound(f"there is no bank version {bank_version_id}")
        bank_version_id = _fill_from_profile(s, version, actor)
        row = EvaluationRow(name=name, bank_version_id=bank_version_id, use_case_id=use_case_id)
        s.add(row)
        s.flush()
        assert row.id is not None
        for e in names:
            repo.add_evaluator(s, row.id, e)
        repo.audit(s, actor or current_user(), "evaluation created", "evaluation", row.id, after={"name": name})
        return row.id


def _fill_from_profile(s: Session, version: BankVersionRow, actor: str | None) -> int:
    """The bank version the evaluation pins: `version` itself, or, when its questions name
    {systems}, {industry} … , a version with them filled from the organization profile, kept as
    its own bank ("<bank> — <organization>") so the template stays reusable and the evaluation
    keeps the words it was created with."""
    assert version.id is not None
    bank = repo.bank_from_version(s, version)
    if not placeholders.has_placeholders(bank):
        return version.id
    org = repo.get_organization(s)
    filled = placeholders.filled_bank(bank, org)
    filled = replace(filled, name=f"{bank.name} — {org.name.strip() or 'our organization'}")
    row, _created = repo.save_bank(
        s, filled, note=f"{bank.name} v{version.version}, filled from the organization profile", actor=actor or current_user()
    )
    assert row.id is not None
    return row.id


def delete_evaluation(ws: Workspace, ref: str | int, actor: str | None = None) -> None:
    with ws.session() as s:
        row = _evaluation(s, ref)
        repo.audit(s, actor or current_user(), "evaluation deleted", "evaluation", row.id, before={"name": row.name})
        s.delete(row)


def snapshot_in(s: Session, ev: EvaluationRow) -> EvaluationSnapshot:
    """The evaluation as this session's transaction sees it (pending changes included)."""
    return repo.session_reader(s).snapshot(ev)


def results_for(snapshot: EvaluationSnapshot, section_factors: dict[str, float] | None = None) -> Results:
    """Results of a snapshot already in memory (the app's what-if and live views)."""
    return evaluate(snapshot, knowledge.lexicons(), knowledge.synonyms(), section_factors)


# ----- vendors -------------------------------------------------------------------------------


def _vendor_row(s: Session, evaluation_id: int, name: str) -> VendorRow:
    row = s.exec(select(VendorRow).where(VendorRow.evaluation_id == evaluation_id, VendorRow.name == name)).first()
    if row is None:
        raise NotFound(f"there is no vendor {name!r} in this evaluation")
    return row


@retry_overtaken(lambda ws, evaluation, vendor, old_name=None, **_kw: old_name or vendor.name)
def save_vendor(ws: Workspace, evaluation: str | int, vendor: Vendor, old_name: str | None = None,
                actor: str | None = None, base: Vendor | None = None) -> Vendor:
    """Add a vendor, or replace the profile of the vendor called `old_name`; the profile saved.

    With `base` (the profile as the editor loaded it), only the fields that differ from it
    are written, over what is saved now: changes saved meanwhile (the command line, another
    window, a colleague) are kept. A field changed both there and here is refused with an
    EditConflict showing both values (app/services/concurrency.py).
    """
    name = vendor.name.strip()
    if not name:
        raise InputError("a vendor needs a name")
    if problem := long_name_problem(name, "a vendor"):
        raise InputError(problem)
    if vendor.demo_rating is not None and not 0 <= vendor.demo_rating <= 5:
        raise InputError("the demo rating must be between 0 and 5")
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        existing = s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id, VendorRow.name == name)).first()
        row = _vendor_row(s, ev.id, old_name) if old_name is not None else None
        if existing is not None and (row is None or existing.id != row.id):
            raise InputError(f"a vendor named {name!r} is already in this evaluation")
        if row is not None:
            repo.claim(s, row)  # from here on no other save of this vendor can slip in
        before = repo.vendor_from_row(s, row) if row is not None else None
        if base is not None and before is not None:
            merged, conflicts = merge(base, vendor, before)
            if conflicts:
                raise conflict(before.name, conflicts, _FIELD_WORDS, theirs=before, merged=merged)
            vendor = merged
        row = repo.write_vendor(s, ev.id, vendor, row)
        if before is not None and before.name != name:
            # Acknowledgements follow the vendor through a rename.
            for ack in s.exec(select(FlagAckRow).where(FlagAckRow.evaluation_id == ev.id, FlagAckRow.vendor == before.name)).all():
                ack.vendor = name
                s.add(ack)
        repo.audit(s, actor or current_user(), "vendor saved" if before else "vendor added", "vendor", row.id,
                   before=_vendor_json(before) if before else None, after=_vendor_json(vendor))
    return vendor


_FIELD_WORDS = {
    "name": "name", "industries": "industries", "claims": "claims", "references": "references",
    "production_deployments_in_industry": "production deployments", "timeline.kickoff_to_production_months":
    "months to production", "timeline.milestones": "milestones", "timeline.description": "timeline description",
    "pricing.model": "pricing model", "pricing.amount": "price", "pricing.currency": "currency",
    "pricing.assumes": "what the price assumes", "assumed_infrastructure": "assumed infrastructure",
    "demo_rating": "demo rating",
}


@dataclass(frozen=True)
class DeletedVendor:
    """Everything "Remove vendor" took away, captured inside its transaction, so undo restores it exactly."""

    vendor: Vendor
    position: int  # its place in the evaluation's vendor list
    answers: list[repo.StoredAnswer]  # with their source and time, in the order they were written
    acknowledgements: dict[tuple[str, str], Acknowledgement]
    documents: list[DocumentDoc] = field(default_factory=list)  # its evidence, with citations
    reference_checks: list[ReferenceCheck] = field(default_factory=list)  # calls to its references, oldest first


def delete_vendor(ws: Workspace, evaluation: str | int, name: str, actor: str | None = None) -> DeletedVendor:
    """Remove a vendor with its answers and acknowledgements; what was removed, for `restore_vendor`."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        row = _vendor_row(s, ev.id, name)
        assert row.id is not None
        acks = {k: a for k, a in repo.acknowledgements(s, evaluation_id=ev.id).items() if k[0] == name}
        checks = s.exec(select(ReferenceCheckRow).where(ReferenceCheckRow.vendor_id == row.id)
                        .order_by(col(ReferenceCheckRow.id))).all()
        deleted = DeletedVendor(repo.vendor_from_row(s, row), row.position, repo.stored_answers(s, row.id), acks,
                                evidence.vendor_documents(s, ev, name),
                                [replace(repo.reference_check_from_row(c), at=c.at.isoformat()) for c in checks])
        repo.audit(s, actor or current_user(), "vendor removed", "vendor", row.id, before={"name": name})
        for ack in s.exec(select(FlagAckRow).where(FlagAckRow.evaluation_id == ev.id, FlagAckRow.vendor == name)).all():
            s.delete(ack)
        s.delete(row)
        return deleted


def restore_vendor(ws: Workspace, evaluation: str | int, deleted: DeletedVendor, actor: str | None = None) -> None:
    """Put a removed vendor back in its place with its answers (source and time kept) and
    acknowledgements in ONE transaction (the undo of "Remove vendor"): everything or nothing."""
    vendor = deleted.vendor
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        if s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id, VendorRow.name == vendor.name)).first():
            raise InputError(f"a vendor named {vendor.name!r} is already in this evaluation")
        row = repo.write_vendor(s, ev.id, vendor)
        row.position = deleted.position
        s.add(row)
        assert row.id is not None
        evaluators = {e.name: e.id or 0 for e in repo.evaluator_rows(s, ev.id)}
        restored = repo.add_answers(
            s, row.id, evaluators,
            (a for a in deleted.answers if a.answer.vendor == vendor.name and a.answer.evaluator in evaluators),
        )
        for (vname, rule), ack in deleted.acknowledgements.items():
            if vname == vendor.name:
                s.add(FlagAckRow(evaluation_id=ev.id, vendor=vname, rule=rule, rationale=ack.rationale, by=ack.by,
                                 at=datetime.fromisoformat(ack.at)))
        documents = evidence.restore_documents(s, row.id, deleted.documents)
        for check in deleted.reference_checks:
            repo.add_reference_check(s, row.id, check)
        repo.audit(s, actor or current_user(), "vendor restored", "vendor", row.id,
                   after={"name": vendor.name, "answers": restored, "documents": documents})


def _vendor_json(v: Vendor) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(v)


# ----- answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerChange:
    """What `record_answer` saved: the reading (for the score board), the answer now stored
    (None: there is none), and what was there before (for undo)."""

    reading: Reading
    answer: Answer | None
    before: str | None
    before_note: str | None


def _evaluator_row(s: Session, evaluation_id: int, name: str) -> EvaluatorRow:
    row = repo.evaluator_by_name(s, evaluation_id, name)
    if row is None:
        raise InputError(f"{name!r} is not an evaluator of this evaluation")
    return row


def record_answer(
    ws: Workspace,
    evaluation: str | int,
    vendor: str,
    evaluator: str,
    qid: str,
    value: object,
    note: str | None = None,
    source: str = "app",
) -> AnswerChange:
    """Set (or with an empty value, clear) one evaluator's answer, validated by its question type.

    `note=None` keeps the existing note. One transaction; the change lands in the audit log.
    On a team workspace it is one statement on the server (`_record_answer_on_server`).
    """
    if ws.kind == "server":
        return _record_answer_on_server(ws, evaluation, vendor, evaluator, qid, value, note, source)
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        version = s.get(BankVersionRow, ev.bank_version_id)
        assert version is not None
        bank = repo.bank_from_version_cached(s, version)
        try:
            question = bank.question(qid)
        except KeyError:
            raise InputError(f"there is no question {qid!r} in this evaluation's bank") from None
        v = _vendor_row(s, ev.id, vendor)
        e = _evaluator_row(s, ev.id, evaluator)
        assert v.id is not None and e.id is not None
        row = repo.answer_row(s, v.id, e.id, qid)
        old = Answer(vendor, evaluator, qid, row.value, row.note) if row is not None else None
        try:
            reading, answer = read_edit(question, old, value, note, vendor=vendor, evaluator=evaluator)
        except AnswerError as exc:
            raise InputError(exc.detail, f"question {qid}") from None
        repo.write_answer(s, v.id, e.id, qid, answer, source)
        before = old.value if old else None
        before_note = old.note if old else None
        after_note = answer.note if answer else ""
        if before != (answer.value if answer else None) or before_note != after_note:
            repo.audit(
                s, evaluator, "answer changed", "answer", f"{ev.name}/{vendor}/{evaluator}/{qid}",
                before={"value": before, "note": before_note}, after={"value": reading.value or None, "note": after_note},
            )
        return AnswerChange(reading, answer, before, before_note)


def _record_answer_on_server(ws: Workspace, evaluation: str | int, vendor: str, evaluator: str, qid: str,
                             value: object, note: str | None, source: str) -> AnswerChange:
    """`record_answer` on a team workspace: the value is read by its question here, and the
    server's `diligence_save_answer` does the rest in one round trip (app/store/server_answers.py)."""
    from app.store.server import ServerWorkspace

    assert isinstance(ws, ServerWorkspace)
    saver = ws.answer_saver
    for _attempt in range(3):
        target = saver.targets.get(evaluation) or _answer_target(ws, evaluation)
        saver.targets[evaluation] = target
        try:
            question = target.bank.question(qid)
        except KeyError:
            raise InputError(f"there is no question {qid!r} in this evaluation's bank") from None
        try:
            reading = question.read(value)
        except AnswerError as exc:
            raise InputError(exc.detail, f"question {qid}") from None
        saved = saver.save(target, vendor, evaluator, qid, reading.value, reading.kind == "empty", note, source)
        if saved.outcome == "stale":  # the evaluation changed since it was looked up: look again
            saver.targets.pop(evaluation, None)
            continue
        if saved.outcome == "no vendor":
            raise NotFound(f"there is no vendor {vendor!r} in this evaluation")
        if saved.outcome == "no evaluator":
            raise InputError(f"{evaluator!r} is not an evaluator of this evaluation")
        if saved.outcome != "ok":
            raise WorkspaceError(GONE_OR_NOT_ALLOWED)
        old = Answer(vendor, evaluator, qid, saved.value or "", saved.note or "") if saved.had_answer else None
        reading, answer = read_edit(question, old, value, note, vendor=vendor, evaluator=evaluator)
        return AnswerChange(reading, answer, old.value if old else None, old.note if old else None)
    raise WorkspaceError("the evaluation kept changing while the answer was being saved; nothing was changed. "
                         "Try again.")


def _answer_target(ws: Workspace, evaluation: str | int) -> AnswerTarget:
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        version = s.get(BankVersionRow, ev.bank_version_id)
        assert version is not None
        by_name = None if isinstance(evaluation, int) or str(ev.id) == str(evaluation) else ev.name
        return AnswerTarget(ev.id, by_name, ev.bank_version_id, ev.name, repo.bank_from_version_cached(s, version))


def set_submitted(ws: Workspace, evaluation: str | int, evaluator: str, submitted: bool = True) -> None:
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        e = _evaluator_row(s, ev.id, evaluator)
        e.submitted_at = utcnow() if submitted else None
        s.add(e)
        repo.audit(s, evaluator, "scoring submitted" if submitted else "scoring reopened", "evaluator", e.id)


def add_evaluator(ws: Workspace, evaluation: str | int, name: str) -> None:
    name = name.strip()
    if not name:
        raise InputError("an evaluator needs a name")
    if problem := long_name_problem(name, "an evaluator"):
        raise InputError(problem)
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        if repo.evaluator_by_name(s, ev.id, name) is not None:
            raise InputError(f"{name!r} is already an evaluator of this evaluation")
        repo.add_evaluator(s, ev.id, name)
        repo.audit(s, current_user(), "evaluator added", "evaluation", ev.id, after={"evaluator": name})


def remove_evaluator(ws: Workspace, evaluation: str | int, name: str) -> None:
    """Remove an evaluator who has not answered anything (the undo of "Add evaluator")."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        e = _evaluator_row(s, ev.id, name)
        if s.exec(select(AnswerRow.id).where(AnswerRow.evaluator_id == e.id)).first() is not None:
            raise InputError(f"{name!r} has already answered questions; their answers would be lost")
        repo.audit(s, current_user(), "evaluator removed", "evaluation", ev.id, before={"evaluator": name})
        s.delete(e)


# ----- flags ---------------------------------------------------------------------------------


def acknowledge_flag(
    ws: Workspace, evaluation: str | int, vendor: str, rule: str, rationale: str, by: str | None = None
) -> Acknowledgement:
    """Acknowledge (or re-acknowledge) a red flag with a written rationale; the acknowledgement stored."""
    if not rationale.strip():
        raise InputError("an acknowledgement needs a written rationale")
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        _vendor_row(s, ev.id or 0, vendor)
        old = s.exec(select(FlagAckRow).where(FlagAckRow.evaluation_id == ev.id, FlagAckRow.vendor == vendor, FlagAckRow.rule == rule)).first()
        if old is not None:
            s.delete(old)
        who = by or current_user()
        row = FlagAckRow(evaluation_id=ev.id, vendor=vendor, rule=rule, rationale=rationale.strip(), by=who)
        s.add(row)
        repo.audit(s, who, "flag acknowledged", "flag", f"{ev.name}/{vendor}/{rule}",
                   before={"rationale": old.rationale, "by": old.by} if old is not None else None,
                   after={"rationale": rationale.strip()})
        return acknowledgement_of(row)


def withdraw_acknowledgement(ws: Workspace, evaluation: str | int, vendor: str, rule: str, by: str | None = None) -> None:
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        old = s.exec(select(FlagAckRow).where(FlagAckRow.evaluation_id == ev.id, FlagAckRow.vendor == vendor, FlagAckRow.rule == rule)).first()
        if old is None:
            return
        repo.audit(s, by or current_user(), "flag acknowledgement withdrawn", "flag", f"{ev.name}/{vendor}/{rule}", before={"rationale": old.rationale})
        s.delete(old)


def check_snapshot(snapshot: EvaluationSnapshot) -> None:
    """Raise DomainError when the snapshot breaks a rule (used by importers)."""
    names = [v.name for v in snapshot.vendors]
    if len(set(names)) != len(names):
        raise DomainError("vendor names must be unique")


# ----- from the command line: start an evaluation on a bank, move it to another bank version ------


def start_evaluation(
    ws: Workspace,
    name: str,
    bank: str | int,
    version: int | None = None,
    use_case: str | None = None,
    vendors: list[str] | None = None,
    evaluators: list[str] | None = None,
    actor: str | None = None,
) -> EvaluationSummary:
    """A new evaluation on a version of a bank (the latest by default), with its first vendors and evaluators."""
    from app.services import banks, usecases

    vendor_names = [v.strip() for v in vendors or []]
    if any(not v for v in vendor_names):
        raise InputError("a vendor needs a name")
    if len({v.casefold() for v in vendor_names}) != len(vendor_names):
        raise InputError("vendor names must be different")
    version_id = banks.version_id(ws, bank, version)
    use_case_id = None
    if use_case:
        found = [u for u in usecases.list_use_cases(ws) if u.title.strip().casefold() == use_case.strip().casefold()]
        if not found:
            titles = ", ".join(repr(u.title) for u in usecases.list_use_cases(ws)) or "none yet"
            raise NotFound(f"there is no use case titled {use_case!r} (use cases: {titles})")
        use_case_id = found[0].id
    eid = create_evaluation(ws, name, version_id, list(evaluators or []), use_case_id, actor)
    for v in vendor_names:
        save_vendor(ws, eid, Vendor(v), actor=actor)
    return next(e for e in list_evaluations(ws) if e.id == eid)


@dataclass(frozen=True)
class LeftBehind:
    """An answer that cannot follow an evaluation to another bank version (it stays in the audit log)."""

    vendor: str
    evaluator: str
    question: str
    value: str
    note: str
    reason: str


@dataclass(frozen=True)
class Rebase:
    evaluation: str
    bank: str
    old_version: int
    new_version: int
    carried: int
    left_behind: list[LeftBehind]


def rebase(ws: Workspace, evaluation: str | int, version: int, actor: str | None = None) -> Rebase:
    """Move an evaluation to another version of its bank, answers carried by question id.

    An answer to a question the new version no longer has, or whose value the new question does
    not accept (its type changed), is taken out of the evaluation and written to the audit log
    with its value and note: nothing is dropped silently.
    """
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        assert ev.id is not None
        current = s.get(BankVersionRow, ev.bank_version_id)
        assert current is not None
        bank_row = s.get(BankRow, current.bank_id)
        assert bank_row is not None
        target = s.exec(select(BankVersionRow).where(BankVersionRow.bank_id == current.bank_id,
                                                     BankVersionRow.version == version)).first()
        if target is None:
            have = ", ".join(str(v) for v in s.exec(select(BankVersionRow.version).where(
                BankVersionRow.bank_id == current.bank_id).order_by(col(BankVersionRow.version))).all())
            raise NotFound(f"bank {bank_row.name!r} has no version {version} (versions: {have})")
        if target.id == current.id:
            return Rebase(ev.name, bank_row.name, current.version, target.version, 0, [])
        new_bank = repo.bank_from_version(s, target)
        questions = {q.id: q for q in new_bank.questions}
        vendors = {v.id: v.name for v in repo.vendor_rows(s, ev.id)}
        evaluators = {e.id: e.name for e in repo.evaluator_rows(s, ev.id)}
        rows = s.exec(select(AnswerRow).where(col(AnswerRow.vendor_id).in_(list(vendors)))).all()
        left: list[LeftBehind] = []
        carried = 0
        who = actor or current_user()
        for a in rows:
            q = questions.get(a.qid)
            reason = ""
            if q is None:
                reason = "the question is not in the new version"
            elif a.value:
                try:
                    q.read(a.value)
                except AnswerError as exc:
                    reason = f"the new version's question does not accept it ({exc.detail})"
            if not reason:
                carried += 1
                continue
            item = LeftBehind(vendors.get(a.vendor_id, "?"), evaluators.get(a.evaluator_id, "?"), a.qid, a.value, a.note, reason)
            left.append(item)
            repo.audit(s, who, "answer left behind by rebase", "answer", f"{ev.name}/{item.vendor}/{item.evaluator}/{a.qid}",
                       before={"value": a.value, "note": a.note, "source": a.source, "bank_version": current.version},
                       after={"reason": reason, "bank_version": target.version})
            s.delete(a)
        ev.bank_version_id = target.id  # type: ignore[assignment]
        s.add(ev)
        repo.audit(s, who, "evaluation rebased", "evaluation", ev.id,
                   before={"bank": bank_row.name, "version": current.version, "hash": current.hash},
                   after={"bank": bank_row.name, "version": target.version, "hash": target.hash,
                          "answers carried": carried, "answers left behind": len(left)})
        return Rebase(ev.name, bank_row.name, current.version, target.version, carried, left)
