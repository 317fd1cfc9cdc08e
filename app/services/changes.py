"""What a saved edit changed, as a typed value (Anki's OpChanges): pages redraw only that.

Every edit of the app returns or announces a `Changes`. A page asks `touches_*` and redraws
what it shows of that kind, and skips changes it made itself (`origin`). Edits of an open
evaluation also carry what was saved (`saved_answers`, `saved_vendors`), so a page that holds
the evaluation in memory (Compare) applies them in place instead of reading it all again.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: importing the flags at start-up pulls in numpy (0.14 s)
    from app.domain.bank import Reading
    from app.domain.flags import Acknowledgement
    from app.domain.models import Answer, Vendor


@dataclass(frozen=True)
class SavedAnswer:
    """One answer as the service stored it (the reading goes into a score board as it is)."""

    vendor: str
    evaluator: str
    question: str
    reading: Reading
    answer: Answer | None  # None: there is no answer any more
    before: str  # the value it replaced ("" when there was none)


@dataclass(frozen=True)
class SavedVendor:
    """A vendor profile as stored: added (`old_name` None) or edited (renamed when the names differ)."""

    vendor: Vendor
    old_name: str | None


@dataclass(frozen=True)
class SavedAcknowledgement:
    """A red flag's acknowledgement as stored (None: withdrawn)."""

    vendor: str
    rule: str
    acknowledgement: Acknowledgement | None


@dataclass(frozen=True)
class Changes:
    evaluation: int | None = None  # the evaluation whose data changed (answers … flags below)
    answers: bool = False
    vendors: bool = False
    evaluators: bool = False  # added, removed, submitted or reopened
    acknowledgements: bool = False
    evidence: bool = False  # vendors' documents or the citations of answers
    evaluations: bool = False  # the list of evaluations (created, deleted, imported)
    banks: bool = False
    organization: bool = False
    use_cases: bool = False
    engagements: bool = False
    everything: bool = False  # a workspace-wide change (the demo loaded, a backup restored)
    origin: object | None = None  # who made the change (a page), so it can skip its own
    # What was saved, when the edit says (EvaluationSession does): `answers`/`vendors`/`acknowledgements` with
    # these filled can be applied in place; without them, whoever shows the data reads it again.
    saved_answers: tuple[SavedAnswer, ...] = ()
    saved_vendors: tuple[SavedVendor, ...] = ()
    saved_acknowledgements: tuple[SavedAcknowledgement, ...] = ()

    def __or__(self, other: Changes) -> Changes:
        merged = {
            f.name: getattr(self, f.name) or getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("evaluation", "origin") and not f.name.startswith("saved_")
        }
        evaluation = self.evaluation if self.evaluation == other.evaluation else None
        if self.evaluation is not None and other.evaluation is not None and evaluation is None:
            merged["everything"] = True  # two evaluations: whoever shows either must redraw
        return Changes(evaluation=evaluation or self.evaluation or other.evaluation,
                       origin=self.origin if self.origin is other.origin else None,
                       saved_answers=self.saved_answers + other.saved_answers,
                       saved_vendors=self.saved_vendors + other.saved_vendors,
                       saved_acknowledgements=self.saved_acknowledgements + other.saved_acknowledgements,
                       **merged)

    def kinds(self) -> set[str]:
        """The names of the kinds of data changed ("answers", "vendors", … "everything")."""
        return {f.name for f in fields(self) if f.type in ("bool", bool) and getattr(self, f.name)}

    def by(self, origin: object) -> Changes:
        """The same changes, made by `origin`."""
        return replace(self, origin=origin)

    def touches_evaluation(self, evaluation_id: int | None) -> bool:
        """Whether what is shown of evaluation `evaluation_id` may have changed."""
        if self.everything or self.banks or self.organization:
            return True
        return evaluation_id is not None and self.evaluation == evaluation_id

    def touches_evaluation_list(self) -> bool:
        return self.everything or self.evaluations or self.use_cases

    def touches_banks(self) -> bool:
        return self.everything or self.banks

    def touches_organization(self) -> bool:
        return self.everything or self.organization

    def touches_use_cases(self) -> bool:
        return self.everything or self.use_cases

    def touches_engagements(self) -> bool:
        return self.everything or self.engagements or self.use_cases


EVERYTHING = Changes(everything=True)
