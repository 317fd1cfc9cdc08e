"""View-shaped facts about an evaluation for the app: blind views, progress, ranking rows, what-if."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.answer_columns import answers_of_vendor
from app.domain.evaluation import (
    NO_TOTAL,
    SELF_ASSESSMENT,
    EvaluationSnapshot,
    Results,
    evaluate,
    format_total,
    may_see,
    scoring_state,
    visible_to,
)
from app.domain.evidence import Citation
from app.domain.models import Answer
from app.services import knowledge

__all__ = ["NO_TOTAL", "format_total"]  # the domain's formatter, for the app's views


def has_submitted(snapshot: EvaluationSnapshot, evaluator: str) -> bool:
    return any(e.name == evaluator and e.submitted for e in snapshot.evaluators)


def visible_snapshot(snapshot: EvaluationSnapshot, evaluator: str | None) -> EvaluationSnapshot:
    """The snapshot as `evaluator` (None: the team) may see it; the rule is domain's `may_see`.

    Before submitting, an evaluator sees no other evaluator's scores, not even folded into
    totals or question flags; nobody sees the scores of an evaluator who has not submitted.
    """
    return visible_to(snapshot, evaluator)


def results(
    snapshot: EvaluationSnapshot,
    section_factors: dict[str, float] | None = None,
    with_sensitivity: bool = True,
) -> Results:
    """The team's results of an in-memory snapshot (blind scoring applied), optionally with
    what-if section weight factors (not saved)."""
    return evaluate(snapshot, knowledge.lexicons(), knowledge.synonyms(), section_factors or None, with_sensitivity)


def answers_of(snapshot: EvaluationSnapshot, vendor: str, evaluator: str) -> dict[str, Answer]:
    return {a.question: a for a in answers_of_vendor(snapshot.answers, vendor) if a.evaluator == evaluator}


def visible_citations(
    snapshot: EvaluationSnapshot, reader: str | None, citations: list[Citation]
) -> list[Citation]:
    """The citations `reader` may see, by the rule answers follow (domain's `may_see`): a
    citation made while scoring is its evaluator's, hidden as their answers are; one that backs
    the vendor's answer as a whole (no evaluator) is evidence everyone sees."""
    return [c for c in citations if not c.evaluator or may_see(snapshot, reader, c.evaluator)]


def other_answers(snapshot: EvaluationSnapshot, vendor: str, evaluator: str) -> dict[str, list[tuple[str, str]]] | None:
    """Other evaluators' values per question, or None while `evaluator` has not submitted.

    The vendor's own questionnaire response (SELF_ASSESSMENT) is what evaluators score, not
    another evaluator's opinion, so a blind evaluator sees it too. A colleague who has not
    submitted stays hidden even from an evaluator who has.
    """
    blind = not has_submitted(snapshot, evaluator)
    order = {e.name: i for i, e in enumerate(snapshot.evaluators)}
    shown = {e.name for e in snapshot.evaluators if may_see(snapshot, evaluator, e.name)} | {SELF_ASSESSMENT}
    out: dict[str, list[tuple[str, str]]] = {}
    # Filtered before sorting: the snapshot holds every vendor's answers (12,000 and more).
    mine = [a for a in answers_of_vendor(snapshot.answers, vendor)
            if a.evaluator != evaluator and a.value and a.evaluator in shown]
    for a in sorted(mine, key=lambda a: order.get(a.evaluator, 0)):
        out.setdefault(a.question, []).append((a.evaluator, a.value))
    if blind and not out:
        return None
    return out


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered >= self.total


def progress(snapshot: EvaluationSnapshot, vendor: str, evaluator: str) -> Progress:
    """How many of the bank's questions `evaluator` has answered for `vendor` (n/a counts)."""
    qids = {q.id for q in snapshot.bank.questions}
    done = {a.question for a in answers_of_vendor(snapshot.answers, vendor) if a.evaluator == evaluator and a.value}
    return Progress(len(done & qids), len(qids))


def progress_table(snapshot: EvaluationSnapshot) -> dict[tuple[str, str], Progress]:
    """(evaluator, vendor) → progress, for every pair."""
    return {
        (e.name, v.name): progress(snapshot, v.name, e.name) for e in snapshot.evaluators for v in snapshot.vendors
    }


@dataclass(frozen=True)
class RankingRow:
    rank: int | None  # None: nobody has scored the vendor yet (not ranked, not knocked out)
    vendor: str
    total: float | None
    knocked_out: bool
    knockout_reasons: tuple[str, ...]
    flag_counts: dict[str, int]  # severity value → open (unacknowledged) flags
    acknowledged: int

    @property
    def total_text(self) -> str:
        return format_total(self.total)

    @property
    def not_scored_yet(self) -> bool:
        return self.rank is None


def ranking_rows(res: Results) -> list[RankingRow]:
    rows = []
    for v in res.ranking:
        counts = res.flag_counts(v.vendor)
        rows.append(
            RankingRow(
                v.rank,
                v.vendor,
                v.total,
                v.knocked_out,
                tuple(v.knockout_reasons),
                counts.open,
                counts.acknowledged,
            )
        )
    return rows


@dataclass(frozen=True)
class Disagreement:
    question: str
    question_text: str
    section: str
    vendor: str
    scores: tuple[tuple[str, float], ...]  # (evaluator, score on the 0–5 scale)

    @property
    def spread(self) -> float:
        values = [s for _, s in self.scores]
        return max(values) - min(values) if values else 0.0


def disagreements(res: Results) -> list[Disagreement]:
    """Questions whose evaluator scores spread enough to discuss, in ranking then bank order."""
    board = res.board
    bank = res.snapshot.bank
    out = []
    for v in res.ranking:
        for qid in v.disagreements:
            q = bank.question(qid)
            scores = []
            for e in board.evaluators:
                s = board.evaluator_score(v.vendor, e, qid)
                if s is not None:
                    scores.append((e, s * 5.0))
            out.append(Disagreement(qid, q.question, q.section, v.vendor, tuple(scores)))
    return out


@dataclass(frozen=True)
class Stability:
    section: str
    change: float | None  # smallest relative weight change that changes the winner; None = stable
    direction: int  # +1 raising the weight flips the winner, −1 lowering it, 0 stable


def stability(res: Results) -> list[Stability]:
    sens = res.sensitivity
    return [
        Stability(s, sens.weight_stability.get(s), sens.stability_direction.get(s, 0))
        for s in res.snapshot.bank.sections
        if s in sens.weight_stability
    ]


def section_matrix(res: Results) -> tuple[list[str], list[str], list[list[float | None]]]:
    """(vendors in rank order, sections in bank order, scores[vendor][section] 0–100 or None)."""
    sections = [s for s, w in res.snapshot.bank.section_weights().items() if w > 0]
    vendors = [v.vendor for v in res.ranking]
    by = {v.vendor: v for v in res.ranking}
    return vendors, sections, [[by[v].sections.get(s) for s in sections] for v in vendors]


def submission_status(snapshot: EvaluationSnapshot) -> tuple[list[str], list[str]]:
    """(evaluators who submitted, evaluators still scoring); the vendor's self-assessment is neither."""
    state = scoring_state(snapshot)
    return state.submitted, [e.name for e in state.still_scoring]
