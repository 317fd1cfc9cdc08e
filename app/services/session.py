"""The open evaluation: one owner for its edits and for the scores kept in memory.

`EvaluationSession` is what the Evaluate page holds. Each method runs the one-transaction
service, applies what the service returns to the in-memory evaluation (`LiveEvaluation`)
without deriving it again, and returns a typed `Changes` saying what changed. Qt-free: the app
announces the Changes (AppContext.changes) and the CLI could drive the same session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.domain.evidence import Citation, Document, DocumentKind
from app.domain.flags import Acknowledgement
from app.domain.models import ReferenceCheck, Vendor
from app.services import evaluations, evidence, reading, references
from app.services.changes import Changes, SavedAcknowledgement, SavedAnswer, SavedVendor
from app.services.evaluations import AnswerChange, DeletedVendor
from app.services.evidence import RemovedDocument
from app.services.live import LiveEvaluation
from app.services.references import StoredCheck
from app.store.workspace import Workspace


class EvaluationSession:
    def __init__(self, ws: Workspace, evaluation_id: int) -> None:
        self.ws = ws
        self.evaluation_id = evaluation_id
        # The evaluation in memory once loaded (on a worker); None while nothing valid is held.
        self.live: LiveEvaluation | None = None
        # While a load runs, the memory copy may predate an edit: edits then wait for the load.
        self.loading = False

    def _changes(
        self,
        *,
        answers: bool = False,
        vendors: bool = False,
        evaluators: bool = False,
        acknowledgements: bool = False,
        evidence: bool = False,
    ) -> Changes:
        return Changes(
            evaluation=self.evaluation_id,
            answers=answers,
            vendors=vendors,
            evaluators=evaluators,
            acknowledgements=acknowledgements,
            evidence=evidence,
        )

    @property
    def current(self) -> bool:
        """Whether `live` holds every saved edit (no load is pending)."""
        return self.live is not None and not self.loading

    # ----- answers ------------------------------------------------------------------------

    def record_answer(
        self, vendor: str, evaluator: str, qid: str, value: object, note: str | None
    ) -> tuple[AnswerChange, Changes]:
        """Save one answer; the saved reading goes straight into the score board."""
        change = evaluations.record_answer(self.ws, self.evaluation_id, vendor, evaluator, qid, value, note)
        if self.current:
            assert self.live is not None
            self.live.apply_saved(vendor, evaluator, qid, change.reading, change.answer)
        saved = SavedAnswer(vendor, evaluator, qid, change.reading, change.answer, change.before or "")
        return change, Changes(evaluation=self.evaluation_id, answers=True, saved_answers=(saved,))

    def set_submitted(self, evaluator: str, submitted: bool) -> Changes:
        evaluations.set_submitted(self.ws, self.evaluation_id, evaluator, submitted)
        return self._changes(evaluators=True)

    # ----- flags --------------------------------------------------------------------------

    def acknowledge(self, vendor: str, rule: str, rationale: str, by: str | None) -> Changes:
        ack = evaluations.acknowledge_flag(self.ws, self.evaluation_id, vendor, rule, rationale, by=by)
        saved = SavedAcknowledgement(vendor, rule, ack)
        return Changes(evaluation=self.evaluation_id, acknowledgements=True, saved_acknowledgements=(saved,))

    def withdraw(self, vendor: str, rule: str, by: str | None) -> Changes:
        evaluations.withdraw_acknowledgement(self.ws, self.evaluation_id, vendor, rule, by=by)
        saved = SavedAcknowledgement(vendor, rule, None)
        return Changes(evaluation=self.evaluation_id, acknowledgements=True, saved_acknowledgements=(saved,))

    def restore_acknowledgement(self, vendor: str, rule: str, ack: Acknowledgement | None, by: str | None) -> Changes:
        """Put an acknowledgement back as it was (None: there was none)."""
        if ack is None:
            return self.withdraw(vendor, rule, by)
        return self.acknowledge(vendor, rule, ack.rationale, ack.by)

    # ----- vendors and evaluators ---------------------------------------------------------

    def save_vendor(self, vendor: Vendor, old_name: str | None = None, base: Vendor | None = None) -> Changes:
        """Add or edit a vendor; a profile edit under the same name is applied in memory at once.

        With `base` only the fields edited since `base` are written (evaluations.save_vendor).
        """
        saved = evaluations.save_vendor(self.ws, self.evaluation_id, vendor, old_name=old_name, base=base)
        if old_name is not None and self.current:
            assert self.live is not None
            self.live.replace_vendor(old_name, saved)  # False when renamed: a reload follows
        return Changes(evaluation=self.evaluation_id, vendors=True, saved_vendors=(SavedVendor(saved, old_name),))

    def answer_count(self, vendor: str) -> int:
        """How many answers `vendor` has, as saved (one query; the answers in memory stay columns)."""
        return reading.vendor_answer_count(self.ws, self.evaluation_id, vendor)

    def remove_vendor(self, name: str) -> tuple[DeletedVendor, Changes]:
        deleted = evaluations.delete_vendor(self.ws, self.evaluation_id, name)
        return deleted, self._changes(vendors=True, answers=True, acknowledgements=True)

    def restore_vendor(self, deleted: DeletedVendor) -> Changes:
        evaluations.restore_vendor(self.ws, self.evaluation_id, deleted)
        return self._changes(vendors=True, answers=True, acknowledgements=True)

    def add_evaluator(self, name: str) -> Changes:
        evaluations.add_evaluator(self.ws, self.evaluation_id, name)
        return self._changes(evaluators=True)

    def remove_evaluator(self, name: str) -> Changes:
        evaluations.remove_evaluator(self.ws, self.evaluation_id, name)
        return self._changes(evaluators=True)

    # ----- evidence -----------------------------------------------------------------------

    def cite(
        self, vendor: str, evaluator: str, qid: str, document: int, page: int, quote: str
    ) -> tuple[Citation, Changes]:
        """Back `evaluator`'s answer to `qid` with a quote from a page of the vendor's document."""
        citation = evidence.cite(
            self.ws, self.evaluation_id, vendor, qid, document, page, quote,
            evaluator=evaluator, by=evaluator or None,
        )
        return citation, self._changes(evidence=True)

    def remove_citation(self, citation: int, by: str | None = None) -> Changes:
        evidence.remove_citation(self.ws, citation, by=by)
        return self._changes(evidence=True)

    def add_document(
        self,
        vendor: str,
        path: Path,
        kind: DocumentKind | str,
        valid_until: date | None,
        by: str | None = None,
        progress: Callable[[float, str], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> tuple[Document, Changes]:
        """Attach a file to a vendor (may run on a worker: it reads, extracts and indexes)."""
        document = evidence.add_document(
            self.ws, self.evaluation_id, vendor, path, kind, valid_until,
            by=by, progress=progress, cancel=cancel,
        )
        # Expiry and the document-reading flags change the results: the page reloads.
        return document, self._changes(evidence=True)

    def update_document(
        self, document: int, kind: DocumentKind | str, valid_until: date | None, by: str | None = None
    ) -> tuple[Document, Changes]:
        saved = evidence.update_document(self.ws, document, kind=kind, valid_until=valid_until, by=by)
        return saved, self._changes(evidence=True)

    def remove_document(self, document: int, by: str | None = None) -> tuple[RemovedDocument, Changes]:
        """Remove a document and its citations, keeping its bytes so that undo can restore it."""
        removed = evidence.remove_document(self.ws, document, by=by, keep_bytes=True)
        return removed, self._changes(evidence=True)

    def restore_document(self, removed: RemovedDocument, by: str | None = None) -> tuple[Document, Changes]:
        """The undo of `remove_document`: the document back in its place, with its citations."""
        return evidence.restore_document(self.ws, removed, by=by), self._changes(evidence=True)

    # ----- reference checks ---------------------------------------------------------------

    def record_reference_check(self, vendor: str, check: ReferenceCheck) -> tuple[StoredCheck, Changes]:
        """Store a call to one of the vendor's references; the reference flags read it."""
        stored = references.record_check(
            self.ws, self.evaluation_id, vendor, check.company, check.confirmed_production,
            stage=check.stage, industry=check.industry, by=check.by or None, note=check.note,
            at=check.at or None,
        )
        return stored, self._changes(vendors=True)

    def remove_reference_check(self, check_id: int) -> Changes:
        references.remove_check(self.ws, self.evaluation_id, check_id)
        return self._changes(vendors=True)
