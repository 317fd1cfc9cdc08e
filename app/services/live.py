"""One evaluation held in memory for the app: rescored one answer at a time, slow parts on request."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.domain.answer_columns import answers_of_vendor, with_answer
from app.domain.bank import Bank, Reading
from app.domain.evaluation import (
    SELF_ASSESSMENT,
    TEAM,
    EvaluationSnapshot,
    Results,
    ScoringState,
    answered_by,
    build_board,
    counts_as_score,
    may_see,
    read_edit,
    results_from_board,
    visible_to,
)
from app.domain.models import Answer, Vendor
from app.domain.scoring import ScoreBoard
from app.domain.sensitivity import Sensitivity
from app.services import evaluation_view as view
from app.services import evaluations, knowledge
from app.services.changes import Changes
from app.store.workspace import Workspace

Key = tuple[str, str, str]  # (vendor, evaluator, question)


def _progress(snapshot: EvaluationSnapshot) -> dict[tuple[str, str], view.Progress]:
    """(evaluator, vendor) → progress in one pass over the answers (view.progress_table rescans per pair)."""
    done = answered_by(snapshot)
    total = len(snapshot.bank.questions)
    return {
        (e.name, v.name): view.Progress(done[(e.name, v.name)], total)
        for e in snapshot.evaluators
        for v in snapshot.vendors
    }


class LiveEvaluation:
    """An evaluation as one evaluator sees it (blind until they submit), kept ready to rescore.

    Loading (`load`, `for_evaluator`) reads every answer and belongs on a worker thread;
    `apply_answer` then updates one cell of the ScoreBoard and returns the ranking and flags
    (no sensitivity) in a few milliseconds, the same figures `evaluations.score` gives.
    Not thread-safe: build it on a worker, then use it from one thread only.
    """

    def __init__(
        self, evaluation_id: int, snapshot: EvaluationSnapshot, evaluator: str | None
    ) -> None:
        self.evaluation_id = evaluation_id
        self.snapshot = snapshot
        self.evaluator = evaluator
        # Each vendor's answers by key, made when the page first asks for that vendor: an
        # evaluation of 100 vendors × 500 questions × 8 evaluators holds 400,000 answers as
        # columns (app/domain/answer_columns.py), and one shows 4,000 at a time.
        self._by_vendor: dict[str, dict[Key, Answer]] = {}
        self.seen = view.visible_snapshot(snapshot, evaluator)
        self.board: ScoreBoard = build_board(self.seen)
        self.progress = _progress(snapshot)
        self.results = self._quick()

    @classmethod
    def load(cls, ws: Workspace, evaluation_id: int, evaluator: str | None) -> LiveEvaluation:
        """Read the evaluation (its own session: safe on a worker thread) and score it.

        `evaluator` None or unknown means the first evaluator, as the page preselects.
        """
        snapshot = evaluations.load_snapshot(ws, evaluation_id)
        names = [e.name for e in snapshot.evaluators]
        if evaluator not in names:
            evaluator = names[0] if names else None
        return cls(evaluation_id, snapshot, evaluator)

    def for_evaluator(self, evaluator: str | None) -> LiveEvaluation:
        """The same evaluation seen by someone else (no database read; rebuilds the board)."""
        return LiveEvaluation(self.evaluation_id, self.snapshot, evaluator)

    @property
    def blind(self) -> bool:
        return self.evaluator is not None and not view.has_submitted(self.snapshot, self.evaluator)

    def _quick(self, edited_vendor: str | None = None) -> Results:
        """Ranking and flags; after an answer edit only `edited_vendor`'s flags are recomputed."""
        previous = getattr(self, "results", None)
        unchanged = None
        if edited_vendor is not None and previous is not None:
            unchanged = {v: f for v, f in previous.flags.items() if v != edited_vendor}
        return results_from_board(
            self.seen, self.board, knowledge.lexicons(), knowledge.synonyms(), False, unchanged
        )

    # ----- reading ------------------------------------------------------------------------

    def _answers_of(self, vendor: str) -> dict[Key, Answer]:
        found = self._by_vendor.get(vendor)
        if found is None:
            found = self._by_vendor[vendor] = {
                (a.vendor, a.evaluator, a.question): a for a in answers_of_vendor(self.snapshot.answers, vendor)
            }
        return found

    def answers_of(self, vendor: str, evaluator: str) -> dict[str, Answer]:
        return {q: a for (_v, e, q), a in self._answers_of(vendor).items() if e == evaluator}

    def answer(self, vendor: str, evaluator: str, qid: str) -> Answer | None:
        return self._answers_of(vendor).get((vendor, evaluator, qid))

    def other_answers(self, vendor: str, evaluator: str) -> dict[str, list[tuple[str, str]]] | None:
        return view.other_answers(self.snapshot, vendor, evaluator)

    def disagreements(self, vendor: str) -> set[str]:
        """Questions where the evaluators' scores for `vendor` spread enough to discuss (when visible)."""
        if self.blind:
            return set()
        return set(next((v.disagreements for v in self.results.ranking if v.vendor == vendor), []))

    # ----- one edit -----------------------------------------------------------------------

    def apply_answer(
        self, vendor: str, evaluator: str, qid: str, value: object, note: str | None
    ) -> Results:
        """Mirror what `evaluations.record_answer` just saved, rescore, and return ranking + flags.

        Same rules as the service: the value is read by its question type, `note=None` keeps
        the note, an empty value without a note removes the answer.
        """
        question = self.snapshot.bank.question(qid)
        key = (vendor, evaluator, qid)
        reading, answer = read_edit(question, self._answers_of(vendor).get(key), value, note, vendor=vendor,
                                    evaluator=evaluator)
        return self.apply_saved(vendor, evaluator, qid, reading, answer)

    def apply_saved(
        self, vendor: str, evaluator: str, qid: str, reading: Reading, answer: Answer | None
    ) -> Results:
        """Put what the service saved (its reading and the stored answer, None: removed) into the
        ScoreBoard as it is, without reading the value again; ranking and flags follow."""
        key = (vendor, evaluator, qid)
        mine = self._answers_of(vendor)
        if answer is None:
            mine.pop(key, None)
        else:
            mine[key] = answer
        self.snapshot.answers = with_answer(self.snapshot.answers, vendor, evaluator, qid, answer)
        self.seen = view.visible_snapshot(self.snapshot, self.evaluator)
        counts = counts_as_score(Answer(vendor, evaluator, qid, reading.value), self.snapshot.bank)
        if counts and may_see(self.snapshot, self.evaluator, evaluator):
            self.board.set_reading(vendor, evaluator, qid, reading)
        self.progress = _progress(self.snapshot)
        self.results = self._quick(edited_vendor=vendor)
        return self.results

    def replace_vendor(self, name: str, vendor: Vendor) -> bool:
        """Mirror a saved profile edit of vendor `name`; False when it was renamed (reload instead)."""
        saved = replace(vendor, name=vendor.name.strip())
        if saved.name != name:
            return False
        for i, v in enumerate(self.snapshot.vendors):
            if v.name == name:
                # `seen` shares this list with the snapshot, so both see the new profile.
                self.snapshot.vendors[i] = saved
                self.results = self._quick()
                return True
        return False

    # ----- the slow part ------------------------------------------------------------------

    def sensitivity(self) -> Sensitivity:
        """The 10,000-draw sensitivity of the current view (tens of ms: call it on a worker)."""
        return full_results(self.seen, self.board).sensitivity


def reweighted(board: ScoreBoard, bank: Bank) -> ScoreBoard:
    """The same answers under other question weights (what-if), without re-reading any answer.

    `bank` must have the same questions in the same order (Bank.with_section_weights); the
    answer arrays are shared read-only, so nothing is parsed again: a few milliseconds.
    """
    new = ScoreBoard(bank, board.vendors, board.evaluators)
    new.values, new.na, new.text = board.values, board.na, board.text
    return new


def full_results(
    snapshot: EvaluationSnapshot,
    board: ScoreBoard,
    section_factors: dict[str, float] | None = None,
    with_sensitivity: bool = True,
) -> Results:
    """Results of an in-memory evaluation, optionally under what-if section factors (not saved)."""
    if section_factors:
        bank = snapshot.bank.with_section_weights(section_factors)
        board = reweighted(board, bank)
    return results_from_board(
        snapshot, board, knowledge.lexicons(), knowledge.synonyms(), with_sensitivity
    )


@dataclass
class CompareView:
    """What the Compare page shows, computed off the GUI thread, then kept up to date.

    `snapshot` is the team's view (answers of evaluators who submitted); its `scoring` counts
    everyone's progress. `with_changes` mirrors saved edits (typed Changes) into a new view
    without reading the evaluation again; `quick` and `with_sensitivity` then rescore it.
    """

    evaluation_id: int
    snapshot: EvaluationSnapshot
    board: ScoreBoard  # saved weights; what-if reweights it
    results: Results
    disagreements: list[view.Disagreement]  # do not depend on weights

    def with_changes(self, changes: Changes) -> CompareView | None:
        """This view with `changes` of its evaluation applied, without reading it again.

        A new view (a worker may still be reading this one); `self` when nothing it shows
        changed; None when the changes cannot be applied (a vendor removed or renamed, a
        submission, evidence …): then read the evaluation again.
        """
        kinds = changes.kinds()
        if changes.evaluation != self.evaluation_id or not kinds <= {"answers", "vendors", "acknowledgements"}:
            return None
        if (
            ("answers" in kinds) != bool(changes.saved_answers)
            or ("vendors" in kinds) != bool(changes.saved_vendors)
            or ("acknowledgements" in kinds) != bool(changes.saved_acknowledgements)
        ):
            return None  # nothing to apply them with
        snapshot = replace(
            self.snapshot,
            vendors=list(self.snapshot.vendors),
            acknowledgements=dict(self.snapshot.acknowledgements),
        )
        board = self.board.copy()
        shown = False
        for sv in changes.saved_vendors:
            names = [v.name for v in snapshot.vendors]
            if sv.old_name is None and sv.vendor.name not in names:  # added: unanswered, last
                snapshot.vendors.append(sv.vendor)
                board = board.with_vendor(sv.vendor.name)
                snapshot.scoring = _progress_after(snapshot)
            elif sv.old_name == sv.vendor.name and sv.old_name in names:  # a profile edit
                snapshot.vendors[names.index(sv.old_name)] = sv.vendor
            else:
                return None  # renamed: every answer moves with it
            shown = True
        for ack in changes.saved_acknowledgements:
            if ack.acknowledgement is None:
                snapshot.acknowledgements.pop((ack.vendor, ack.rule), None)
            else:
                snapshot.acknowledgements[(ack.vendor, ack.rule)] = ack.acknowledgement
            shown = True
        for sa in changes.saved_answers:
            had, has = bool(sa.before), bool(sa.answer is not None and sa.answer.value)
            if had != has and sa.evaluator != SELF_ASSESSMENT:
                snapshot.scoring = _progress_after(snapshot, sa.evaluator, 1 if has else -1)
                shown = True
            if not may_see(snapshot, TEAM, sa.evaluator):
                continue  # hidden until its author submits: only the count shows
            # Out, then in at the end (new columns each time: no object per answer is made).
            snapshot.answers = with_answer(snapshot.answers, sa.vendor, sa.evaluator, sa.question, None)
            if sa.answer is not None:
                snapshot.answers = with_answer(snapshot.answers, sa.vendor, sa.evaluator, sa.question, sa.answer)
            if counts_as_score(Answer(sa.vendor, sa.evaluator, sa.question, sa.reading.value), snapshot.bank):
                board.set_reading(sa.vendor, sa.evaluator, sa.question, sa.reading)
            shown = True
        if not shown:
            return self
        return CompareView(self.evaluation_id, snapshot, board, self.results, self.disagreements)


def _progress_after(snapshot: EvaluationSnapshot, evaluator: str | None = None, delta: int = 0) -> ScoringState:
    """Everyone's progress after `evaluator` answered one question more (+1) or less (-1), or
    after a vendor was added (more answers expected)."""
    state = snapshot.scoring or ScoringState()
    expected = len(snapshot.bank.questions) * len(snapshot.vendors)
    return ScoringState(
        tuple(
            replace(e, answered=e.answered + (delta if e.name == evaluator else 0), expected=expected)
            for e in state.evaluators
        )
    )


def load_compare(
    ws: Workspace, evaluation_id: int, section_factors: dict[str, float] | None = None
) -> CompareView:
    """Everything the Compare page needs for one evaluation (worker thread: opens its own session).

    The team's view: only the answers of evaluators who have submitted (blind scoring).
    """
    snapshot = visible_to(evaluations.load_snapshot(ws, evaluation_id))
    board = build_board(snapshot)
    res = full_results(snapshot, board, section_factors, True)
    return CompareView(evaluation_id, snapshot, board, res, view.disagreements(res))


def with_sensitivity(cv: CompareView, section_factors: dict[str, float] | None) -> Results:
    """Full results under `section_factors` (worker thread: the 10,000 draws)."""
    return full_results(cv.snapshot, cv.board, section_factors, True)


def quick(
    cv: CompareView, section_factors: dict[str, float] | None, keep: Sensitivity | None
) -> Results:
    """Ranking and flags under `section_factors` now (a few ms), keeping the last sensitivity shown."""
    res = full_results(cv.snapshot, cv.board, section_factors, False)
    return replace(res, sensitivity=keep) if keep is not None else res


def vendor_names(ws: Workspace, evaluation_id: int) -> list[str]:
    """The vendors of an evaluation in their order, without loading its answers (a few ms)."""
    from app.store import repo

    with ws.session() as s:
        return [v.name for v in repo.vendor_rows(s, evaluation_id)]
