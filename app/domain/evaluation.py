"""An evaluation as a whole: a snapshot of its inputs and everything computed from it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from app.domain.answer_columns import AnswerColumns
from app.domain.bank import Bank, Question, QuestionType, Reading
from app.domain.document_claims import documents_by_vendor
from app.domain.evidence import Evidence
from app.domain.flags import Acknowledgement, Lexicons, RedFlag, vendor_flags
from app.domain.models import (
    SELF_ASSESSMENT as SELF_ASSESSMENT,  # re-exported: callers import it here
)
from app.domain.models import Answer, Organization, ReferenceCheck, Severity, UseCase, Vendor
from app.domain.scoring import Comparison, ScoreBoard, VendorScore, compare
from app.domain.sensitivity import Sensitivity, analyse
from app.domain.text import Synonyms
from app.domain.wording import plural

NO_TOTAL = "—"


def format_total(total: float | None) -> str:
    """How a person reads a 0–100 total or score: one decimal, or a dash when nothing is scorable."""
    return NO_TOTAL if total is None else f"{total:.1f}"


def format_points(points: float) -> str:
    """A gap between totals (a margin, a lead) in points: one decimal."""
    return f"{points:.1f}"


@dataclass(frozen=True)
class FlagCounts:
    """A vendor's red flags: the open ones by severity, and how many were acknowledged."""

    open: dict[str, int]  # severity value ("critical", "high", "medium") → open flags, worst first
    acknowledged: int

    @property
    def total_open(self) -> int:
        return sum(self.open.values())


def open_flags(flags: list[RedFlag]) -> list[RedFlag]:
    """The flags nobody has acknowledged yet."""
    return [f for f in flags if not f.acknowledged]


def flag_counts(flags: list[RedFlag]) -> FlagCounts:
    counts = {s.value: 0 for s in Severity}
    for f in open_flags(flags):
        counts[f.severity.value] += 1
    return FlagCounts(counts, sum(1 for f in flags if f.acknowledged))


def read_edit(
    question: Question, old: Answer | None, value: object, note: str | None, *, vendor: str = "", evaluator: str = ""
) -> tuple[Reading, Answer | None]:
    """The answer rule, with the reading of the value (for the score board).

    The value is read by the question's type (AnswerError when it does not fit); `note=None`
    keeps the old note; an empty value without a note means no answer at all (None). Vendor and
    evaluator come from `old` when there is one.
    """
    reading = question.read(value)
    new_note = (old.note if old is not None else "") if note is None else note
    if reading.kind == "empty" and not new_note:
        return reading, None
    who = (old.vendor, old.evaluator) if old is not None else (vendor, evaluator)
    return reading, Answer(who[0], who[1], question.id, reading.value, new_note)


def edit_answer(
    question: Question, old: Answer | None, value: object, note: str | None, *, vendor: str = "", evaluator: str = ""
) -> Answer | None:
    """What an answer becomes when `value` and `note` are entered over `old` (see `read_edit`)."""
    return read_edit(question, old, value, note, vendor=vendor, evaluator=evaluator)[1]


@dataclass(frozen=True)
class EvaluatorInfo:
    name: str
    submitted_at: str | None = None  # ISO timestamp once they submitted their scoring

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


@dataclass
class EvaluationSnapshot:
    name: str
    organization: Organization
    bank: Bank
    evaluators: list[EvaluatorInfo]
    vendors: list[Vendor]
    answers: list[Answer] = field(default_factory=list)
    use_case: UseCase | None = None
    acknowledgements: dict[tuple[str, str], Acknowledgement] = field(default_factory=dict)
    # vendor name → our reference checks of that vendor's references (oldest first)
    reference_checks: dict[str, list[ReferenceCheck]] = field(default_factory=dict)
    # vendors' documents, pages' text and the answers' citations
    evidence: Evidence = field(default_factory=Evidence)
    # the day of the latest change to the evaluation: the report's date, and "decision time" for expiry
    as_of: date | None = None
    # Set by visible_to: the scoring progress of the whole evaluation, counted before the
    # answers a reader may not see were taken out (so counts stay true, values stay hidden).
    scoring: ScoringState | None = None

    def vendor(self, name: str) -> Vendor:
        for v in self.vendors:
            if v.name == name:
                return v
        raise KeyError(name)


@dataclass
class Results:
    snapshot: EvaluationSnapshot
    board: ScoreBoard
    ranking: list[VendorScore]
    flags: dict[str, list[RedFlag]]
    sensitivity: Sensitivity

    @property
    def scoring(self) -> ScoringState:
        """Who has submitted, who is still scoring (with progress counts): provisional or final."""
        return scoring_state(self.snapshot)

    @property
    def leader(self) -> VendorScore | None:
        return self.ranking[0] if self.ranking and self.ranking[0].total is not None else None

    @property
    def contenders(self) -> list[VendorScore]:
        """Vendors still in the race: a total, and not knocked out; best first."""
        return [v for v in self.ranking if v.total is not None and not v.knocked_out]

    @property
    def comparable(self) -> bool:
        """At least two contenders: only then is there a ranking to recommend from or stress-test."""
        return len(self.contenders) >= 2

    def thin_data(self) -> str | None:
        """What a reader must be told instead of a recommendation, or None when two vendors compare."""
        if self.comparable:
            return None
        contenders = self.contenders
        if contenders:
            others = len(self.ranking) - 1
            if not others:
                return f"Only {contenders[0].vendor} is in this evaluation; add and score another vendor to compare."
            return f"Only {contenders[0].vendor} has a total so far; score another vendor before comparing or choosing."
        if not self.ranking:
            return "No vendor has been added to this evaluation yet."
        if all(v.total is None for v in self.ranking):
            return "No vendor has a total yet: nothing has been scored."
        return "Every scored vendor is knocked out by at least one minimum requirement."

    @property
    def runner_up(self) -> VendorScore | None:
        """The second contender: the one the margin and "too close to call" compare the leader with."""
        contenders = self.contenders
        return contenders[1] if len(contenders) >= 2 else None

    @property
    def fragile_sections(self) -> list[tuple[str, float]]:
        """(section, smallest relative weight change that changes the winner), most fragile first;
        sections where the winner holds within the searched range are left out."""
        stability = self.sensitivity.weight_stability
        return sorted(((s, c) for s, c in stability.items() if c is not None), key=lambda sc: sc[1])

    def flag_counts(self, vendor: str) -> FlagCounts:
        return flag_counts(self.flags.get(vendor, []))

    def comparison(self, a: str, b: str) -> Comparison:
        return compare(self.board, a, b)

    def to_json(self) -> dict[str, Any]:
        """The object `diligence score --json` prints (docs/formats.md, machine-readable results)."""
        bank = self.snapshot.bank
        return {
            "evaluation": self.snapshot.name,
            "bank": {"name": bank.name, "version": bank.version, "hash": bank.hash},
            "ranking": [
                {
                    "rank": v.rank,
                    "vendor": v.vendor,
                    "total": v.total,
                    "knocked_out": v.knocked_out,
                    "knockout_reasons": list(v.knockout_reasons),
                    "sections": dict(v.sections),
                    "layers": dict(v.layers),
                    "gaps": list(v.gaps),
                    "disagreements": list(v.disagreements),
                    "flags": [flag_json(f) for f in self.flags.get(v.vendor, [])],
                }
                for v in self.ranking
            ],
            "sensitivity": {
                "too_close_to_call": self.sensitivity.too_close_to_call,
                "win_share": dict(self.sensitivity.win_share),
                "weight_stability": dict(self.sensitivity.weight_stability),
            },
            "scoring": self.scoring.to_json(),
        }


@dataclass(frozen=True)
class EvidenceBacking:
    """How many of a vendor's scores rest on a cited document: an evaluator's answer to a scored
    question counts as backed when a citation names that evaluator or none (the answer as a whole)."""

    backed: int
    scores: int

    def words(self) -> str:
        """'42 of 100 scores cite evidence'."""
        return f"{self.backed:,} of {plural(self.scores, 'score')} cite{'s' if self.scores == 1 else ''} evidence"


def evidence_backing(snapshot: EvaluationSnapshot, vendor: str) -> EvidenceBacking:
    """The vendor's scores (answers of evaluators to scored questions, n/a aside) and how many cite evidence."""
    scored = {q.id for q in snapshot.bank.questions if q.scored}
    cited = {(c.question, c.evaluator) for c in snapshot.evidence.citations if c.vendor == vendor}
    scores = [a for a in snapshot.answers
              if a.vendor == vendor and a.evaluator != SELF_ASSESSMENT and a.question in scored
              and a.value.strip() and a.value != "n/a"]
    backed = sum(1 for a in scores if (a.question, a.evaluator) in cited or (a.question, "") in cited)
    return EvidenceBacking(backed, len(scores))


def flag_json(f: RedFlag, detail: bool = False) -> dict[str, Any]:
    """A flag in the JSON shape of docs/formats.md; `detail` adds who acknowledged it, when and why."""
    out: dict[str, Any] = {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "evidence": list(f.evidence),
        "acknowledged": f.acknowledged,
    }
    if detail and f.acknowledgement is not None:
        out["acknowledgement"] = {
            "rationale": f.acknowledgement.rationale,
            "by": f.acknowledgement.by,
            "at": f.acknowledgement.at,
        }
    return out


# ----- blind scoring -------------------------------------------------------------------------
#
# The one rule every view, report and command output goes through (docs/method.md, blind scoring):
# until an evaluator has submitted, nobody else sees their answers, nor anything computed from
# them (totals, section scores, disagreements, question flags). An evaluator who has not
# submitted sees only their own answers. The vendor's own questionnaire response is evidence,
# not an evaluator's opinion: everyone sees it. The exchange JSON and backups are the owner's
# files and keep everything; they do not go through here.

TEAM: str | None = None  # a reader who is not scoring: Compare, the PDF, the workbook, `score`


def may_see(snapshot: EvaluationSnapshot, reader: str | None, author: str) -> bool:
    """Whether `reader` (an evaluator's name, or TEAM) may see the answers of `author`."""
    if author == SELF_ASSESSMENT or author == reader:
        return True
    submitted = {e.name for e in snapshot.evaluators if e.submitted}
    if reader is not None and reader not in submitted:
        return False  # blind until they submit: only their own answers
    return author in submitted


def visible_to(snapshot: EvaluationSnapshot, reader: str | None = TEAM) -> EvaluationSnapshot:
    """The snapshot `reader` may see: answers of hidden authors removed, progress counts kept."""
    state = scoring_state(snapshot)
    seen = {e.name for e in snapshot.evaluators if may_see(snapshot, reader, e.name)}
    columns = snapshot.answers
    if isinstance(columns, AnswerColumns) and columns.columnar:  # no answer object made
        shown = np.array([e in seen or e == SELF_ASSESSMENT for e in columns.evaluators], dtype=bool)
        return replace(snapshot, answers=columns.where(shown[columns.evaluator_code]), scoring=state)
    answers = [a for a in snapshot.answers if a.evaluator in seen or a.evaluator == SELF_ASSESSMENT]
    # A citation made for one evaluator's answer is as blind as the answer; one for the vendor's
    # answer as a whole (no evaluator) is seen by all.
    citations = tuple(c for c in snapshot.evidence.citations if not c.evaluator or c.evaluator in seen
                      or c.evaluator == SELF_ASSESSMENT)
    evidence = snapshot.evidence if len(citations) == len(snapshot.evidence.citations) else replace(
        snapshot.evidence, citations=citations)
    return replace(snapshot, answers=answers, scoring=state, evidence=evidence)


@dataclass(frozen=True)
class EvaluatorProgress:
    name: str
    submitted: bool
    answered: int  # questions answered, over all vendors (n/a counts as an answer)
    expected: int  # questions × vendors


@dataclass(frozen=True)
class ScoringState:
    """How far the scoring is. Results are provisional while anyone is still scoring."""

    evaluators: tuple[EvaluatorProgress, ...] = ()

    @property
    def submitted(self) -> list[str]:
        return [e.name for e in self.evaluators if e.submitted]

    @property
    def still_scoring(self) -> list[EvaluatorProgress]:
        return [e for e in self.evaluators if not e.submitted]

    @property
    def provisional(self) -> bool:
        return bool(self.still_scoring)

    def summary(self) -> str:
        """One plain sentence for reports and the command line (the app words its own)."""
        if not self.provisional:
            return ""
        waiting = "; ".join(f"{e.name} ({e.answered} of {e.expected} answers)" for e in self.still_scoring)
        done = len(self.submitted)
        if not done:
            return (
                f"PROVISIONAL: no evaluator has submitted yet, so no score is shown. Still scoring: {waiting}."
            )
        return (
            f"PROVISIONAL: {done} of {len(self.evaluators)} evaluators have submitted; scores use only their "
            f"answers. Still scoring: {waiting}."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "provisional": self.provisional,
            "submitted": self.submitted,
            "still_scoring": [
                {"evaluator": e.name, "answered": e.answered, "of": e.expected} for e in self.still_scoring
            ],
        }


def answered_by(snapshot: EvaluationSnapshot) -> Counter[tuple[str, str]]:
    """(evaluator, vendor) → how many of the bank's questions that evaluator answered for that
    vendor (n/a counts as an answer); counted on the columns when the answers are columns."""
    qids = {q.id for q in snapshot.bank.questions}
    columns = snapshot.answers
    if isinstance(columns, AnswerColumns) and columns.columnar:
        answered = np.array([bool(value) and q in qids for q, value in columns.pairs], dtype=bool)
        rows = answered[columns.pair_code]
        width = len(columns.vendors)
        per = np.bincount(columns.evaluator_code[rows] * width + columns.vendor_code[rows],
                          minlength=len(columns.evaluators) * width)
        return Counter({(columns.evaluators[k // width], columns.vendors[k % width]): n
                        for k, n in enumerate(per.tolist()) if n})
    return Counter((a.evaluator, a.vendor) for a in snapshot.answers if a.value and a.question in qids)


def scoring_state(snapshot: EvaluationSnapshot) -> ScoringState:
    """Progress of every evaluator (the vendor's self-assessment is not one)."""
    if snapshot.scoring is not None:
        return snapshot.scoring
    done: Counter[str] = Counter()
    for (evaluator, _vendor), n in answered_by(snapshot).items():
        done[evaluator] += n
    expected = len(snapshot.bank.questions) * len(snapshot.vendors)
    return ScoringState(
        tuple(
            EvaluatorProgress(e.name, e.submitted, done[e.name], expected)
            for e in snapshot.evaluators
            if e.name != SELF_ASSESSMENT
        )
    )


def counts_as_score(answer: Answer, bank: Bank) -> bool:
    """Whether an answer enters the scores.

    A vendor's own questionnaire answers (recorded under SELF_ASSESSMENT) are evidence for the
    evaluators, who score them; a vendor never scores itself. Their text answers still feed
    the red-flag rules ("we handle everything").
    """
    if answer.evaluator != SELF_ASSESSMENT:
        return True
    try:
        return bank.question(answer.question).type is QuestionType.TEXT
    except KeyError:
        return True


def build_board(snapshot: EvaluationSnapshot, bank: Bank | None = None) -> ScoreBoard:
    use = bank or snapshot.bank
    board = ScoreBoard(use, [v.name for v in snapshot.vendors], [e.name for e in snapshot.evaluators])
    columns = snapshot.answers
    if isinstance(columns, AnswerColumns) and columns.columnar:  # the same rule, on the columns
        by_evaluator = np.array([e != SELF_ASSESSMENT for e in columns.evaluators], dtype=bool)
        by_pair = np.array([counts_as_score(Answer("", SELF_ASSESSMENT, q, v), use) for q, v in columns.pairs],
                           dtype=bool)
        part = columns.where(by_evaluator[columns.evaluator_code] | by_pair[columns.pair_code])
        board.load_columns(part.vendors, part.evaluators, part.pairs, part.vendor_code, part.evaluator_code,
                           part.pair_code)
        return board
    board.load(a for a in snapshot.answers if counts_as_score(a, use))
    return board


def results_from_board(
    snapshot: EvaluationSnapshot,
    board: ScoreBoard,
    lex: Lexicons,
    syn: Synonyms,
    with_sensitivity: bool = True,
    unchanged_flags: dict[str, list[RedFlag]] | None = None,
) -> Results:
    """Ranking, flags and (optionally) sensitivity from a filled board.

    `unchanged_flags`: vendors whose flags are known not to have changed since (an answer of
    another vendor was edited: a vendor's flags read only its own profile and board row).
    """
    ranking = board.vendor_scores()
    kept = unchanged_flags or {}
    documents = documents_by_vendor(snapshot.evidence)
    flags = {
        v.name: kept[v.name] if v.name in kept
        else vendor_flags(snapshot.organization, v, board, lex, syn, snapshot.acknowledgements,
                          checks=snapshot.reference_checks.get(v.name, ()), documents=documents.get(v.name, ()),
                          as_of=snapshot.as_of)
        for v in snapshot.vendors
    }
    if with_sensitivity:
        num, den = board.section_matrices()
        weights = board.bank.section_weights()
        by_name = {v.vendor: v for v in ranking}
        sens = analyse(
            board.vendors,
            list(weights),
            list(weights.values()),
            num,
            den,
            [by_name[n].knocked_out for n in board.vendors],
            [by_name[n].total for n in board.vendors],
        )
    else:
        sens = Sensitivity(False, None, {}, {}, {})
    return Results(snapshot, board, ranking, flags, sens)


def evaluate(
    snapshot: EvaluationSnapshot,
    lex: Lexicons,
    syn: Synonyms,
    section_factors: dict[str, float] | None = None,
    with_sensitivity: bool = True,
    reader: str | None = TEAM,
) -> Results:
    """Score, flag and stress-test an evaluation as `reader` may see it (blind scoring).

    `section_factors` gives a what-if view.
    """
    snapshot = visible_to(snapshot, reader)
    bank = snapshot.bank.with_section_weights(section_factors) if section_factors else snapshot.bank
    board = build_board(snapshot, bank)
    return results_from_board(snapshot, board, lex, syn, with_sensitivity)
