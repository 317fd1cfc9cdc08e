"""Scoring: evaluator means, totals, section and layer scores, knockouts, ranking.

The board keeps answer scores in numpy arrays (vendor × evaluator × question) so that
changing one answer updates one cell and a full rescore is a handful of vector operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from app.domain.bank import Bank, Question, QuestionType, Reading
from app.domain.errors import DomainError
from app.domain.models import Answer

DISAGREEMENT_SPREAD = 0.4
_EPS = 1e-9

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class VendorScore:
    """A vendor's result; totals are 0–100 at full precision, None when nothing is scorable."""

    vendor: str
    total: float | None
    knocked_out: bool
    knockout_reasons: list[str]
    sections: dict[str, float | None]
    layers: dict[str, float | None]
    gaps: list[str]
    disagreements: list[str]
    question_scores: dict[str, float | None]  # mean 0..1, None when unanswered or n/a
    na: list[str] = field(default_factory=list)
    rank: int | None = 0  # None: not ranked, because nobody has scored the vendor yet
    scored: bool = True  # False until an evaluator scores (or marks n/a) a weighted question

    @property
    def not_scored_yet(self) -> bool:
        return not self.scored


@dataclass(frozen=True)
class Contribution:
    question: str
    section: str
    layer: str
    weight: float
    score: float | None  # 0..1; None for unanswered (counts as 0) or n/a
    points: float  # share of the 0–100 total this question contributes
    status: str  # "scored" | "gap" | "n/a"


def rank_key(v: VendorScore) -> tuple[int, int, int, float, str]:
    return (
        1 if v.not_scored_yet else 0,
        1 if v.knocked_out else 0,
        1 if v.total is None else 0,
        -(v.total or 0.0),
        v.vendor.casefold(),
    )


def rank(scores: Iterable[VendorScore]) -> list[VendorScore]:
    """Not knocked out by total descending, then knocked out by total; ties by name.

    Vendors nobody has scored yet come last, by name, without a rank.
    """
    ordered = sorted(scores, key=rank_key)
    for i, v in enumerate(ordered, start=1):
        v.rank = None if v.not_scored_yet else i
    return ordered


class ScoreBoard:
    """All answers of one evaluation, ready to rescore after any single change."""

    def __init__(self, bank: Bank, vendors: Sequence[str], evaluators: Sequence[str]) -> None:
        if len(set(vendors)) != len(vendors):
            raise DomainError("vendor names must be unique")
        if len(set(evaluators)) != len(evaluators):
            raise DomainError("evaluator names must be unique")
        self.bank = bank
        self.vendors = list(vendors)
        self.evaluators = list(evaluators)
        self.questions: list[Question] = list(bank.questions)
        self._vi = {v: i for i, v in enumerate(self.vendors)}
        self._ei = {e: i for i, e in enumerate(self.evaluators)}
        self._qi = {q.id: i for i, q in enumerate(self.questions)}
        shape = (len(self.vendors), len(self.evaluators), len(self.questions))
        self.values: FloatArray = np.full(shape, np.nan)
        self.na: BoolArray = np.zeros(shape, dtype=bool)
        self.text: dict[tuple[int, int, int], str] = {}
        self.weights: FloatArray = np.array(
            [q.weight if q.scored else 0.0 for q in self.questions], dtype=float
        )
        self._sections = bank.sections
        self._section_of = np.array([self._sections.index(q.section) for q in self.questions], dtype=int)
        self._layers = list(dict.fromkeys(q.layer.value for q in self.questions))
        self._layer_of = np.array([self._layers.index(q.layer.value) for q in self.questions], dtype=int)
        # Derived arrays, and each vendor's result, cached; an edit marks only its vendor dirty
        # (a vendor's scores depend on its own answers alone), so a rescore after one edit
        # recomputes one row instead of the whole board (docs/performance.md).
        self._cache: dict[str, FloatArray | BoolArray] | None = None
        self._dirty: set[int] = set()
        self._scores: dict[int, VendorScore] = {}

    def copy(self) -> ScoreBoard:
        """An independent board with the same answers (its scores are computed afresh)."""
        new = ScoreBoard(self.bank, self.vendors, self.evaluators)
        new.values, new.na, new.text = self.values.copy(), self.na.copy(), dict(self.text)
        return new

    def with_vendor(self, name: str) -> ScoreBoard:
        """The same answers plus vendor `name`, unanswered, placed last (no other cell moves)."""
        new = ScoreBoard(self.bank, [*self.vendors, name], self.evaluators)
        n = len(self.vendors)
        new.values[:n], new.na[:n], new.text = self.values, self.na, dict(self.text)
        return new

    # ----- input -------------------------------------------------------------------------

    def question_index(self, qid: str) -> int:
        try:
            return self._qi[qid]
        except KeyError:
            raise DomainError(f"there is no question {qid!r} in bank {self.bank.name!r}") from None

    def vendor_index(self, vendor: str) -> int:
        try:
            return self._vi[vendor]
        except KeyError:
            raise DomainError(f"there is no vendor {vendor!r}") from None

    def evaluator_index(self, evaluator: str) -> int:
        try:
            return self._ei[evaluator]
        except KeyError:
            raise DomainError(f"{evaluator!r} is not an evaluator of this evaluation") from None

    def set_reading(self, vendor: str, evaluator: str, qid: str, reading: Reading) -> None:
        v, e, q = self.vendor_index(vendor), self.evaluator_index(evaluator), self.question_index(qid)
        self.values[v, e, q] = reading.score if reading.kind == "score" else np.nan
        self.na[v, e, q] = reading.kind == "na"
        if reading.kind == "text":
            self.text[(v, e, q)] = reading.value
        else:
            self.text.pop((v, e, q), None)
        self._changed(v)

    def _changed(self, *vendors: int) -> None:
        self._dirty.update(vendors)
        for v in vendors:
            self._scores.pop(v, None)

    def set_answer(self, vendor: str, evaluator: str, qid: str, value: object) -> Reading:
        """Record (or clear, with an empty value) one answer; raises AnswerError when invalid."""
        question = self.questions[self.question_index(qid)]
        reading = question.read(value)
        self.set_reading(vendor, evaluator, qid, reading)
        return reading

    def load(self, answers: Iterable[Answer]) -> None:
        """Record many answers at once, as `set_answer` would one by one (later ones win).

        Opening a large evaluation reads hundreds of thousands of answers that repeat a few
        values per question, so each distinct (question, value) is read once, and the arrays
        are filled in one vectorised assignment. Raises AnswerError or DomainError, changing
        nothing, when any answer is invalid.
        """
        vi, ei, qi = self._vi, self._ei, self._qi
        reading_of: dict[tuple[int, str], int] = {}
        readings: list[Reading] = []
        vs: list[int] = []
        es: list[int] = []
        qs: list[int] = []
        rs: list[int] = []
        for a in answers:
            try:
                q = qi[a.question]
                vs.append(vi[a.vendor])
                es.append(ei[a.evaluator])
            except KeyError:
                self.question_index(a.question), self.vendor_index(a.vendor), self.evaluator_index(a.evaluator)
                raise  # unreachable: one of the lookups above raises DomainError
            r = reading_of.get((q, a.value))
            if r is None:
                r = reading_of[(q, a.value)] = len(readings)
                readings.append(self.questions[q].read(a.value))
            qs.append(q)
            rs.append(r)
        self._fill(np.array(vs, dtype=np.intp), np.array(es, dtype=np.intp), np.array(qs, dtype=np.intp),
                   readings, np.array(rs, dtype=np.intp))

    def load_columns(
        self,
        vendors: Sequence[str],
        evaluators: Sequence[str],
        pairs: Sequence[tuple[str, str]],
        vendor_code: npt.NDArray[np.intp],
        evaluator_code: npt.NDArray[np.intp],
        pair_code: npt.NDArray[np.intp],
    ) -> None:
        """`load` for answers given as columns: row i answers question pairs[pair_code[i]][0]
        with value pairs[pair_code[i]][1], for vendors[vendor_code[i]] by
        evaluators[evaluator_code[i]]. Same result as `load` with those answers in that order;
        each distinct (question, value) pair is read once, and no per-answer object is made.
        """
        v_map = np.array([self.vendor_index(v) for v in vendors], dtype=np.intp)
        e_map = np.array([self.evaluator_index(e) for e in evaluators], dtype=np.intp)
        qs_of_pair = [self.question_index(q) for q, _ in pairs]
        readings = [self.questions[q].read(value) for q, (_, value) in zip(qs_of_pair, pairs, strict=True)]
        q_map = np.array(qs_of_pair, dtype=np.intp)
        which = np.asarray(pair_code, dtype=np.intp)
        self._fill(v_map[np.asarray(vendor_code, dtype=np.intp)], e_map[np.asarray(evaluator_code, dtype=np.intp)],
                   q_map[which], readings, which)

    def _fill(self, vs: npt.NDArray[np.intp], es: npt.NDArray[np.intp], qs: npt.NDArray[np.intp],
              readings: Sequence[Reading], which: npt.NDArray[np.intp]) -> None:
        """Cells (vs[k], es[k], qs[k]) take readings[which[k]], in order (later ones win)."""
        if not len(which):
            return
        index = (vs, es, qs)
        score_of = np.array([r.score if r.kind == "score" and r.score is not None else np.nan for r in readings])
        self.values[index] = score_of[which]
        self.na[index] = np.array([r.kind == "na" for r in readings], dtype=bool)[which]
        # Only a text question's cells ever hold text; walk just those, in order, so a later
        # empty answer clears an earlier text exactly as one-by-one recording would.
        text_question = np.array([q.type is QuestionType.TEXT for q in self.questions], dtype=bool)
        ks = np.flatnonzero(text_question[qs])
        texts = [r.value if r.kind == "text" else None for r in readings]  # None: clears the cell
        cells = zip(vs[ks].tolist(), es[ks].tolist(), qs[ks].tolist(), strict=True)
        values = [texts[w] for w in which[ks].tolist()]
        if None in values:
            for key, value in zip(cells, values, strict=True):
                if value is not None:
                    self.text[key] = value
                else:
                    self.text.pop(key, None)
        else:  # only texts: one dictionary update (a C loop), in the same order
            self.text.update(zip(cells, values, strict=True))
        # The vendors touched (np.unique would import numpy.ma, ~10 ms, on first use).
        self._changed(*np.flatnonzero(np.bincount(vs, minlength=len(self.vendors))).tolist())

    # ----- derived arrays ----------------------------------------------------------------

    def _derived(self) -> dict[str, FloatArray | BoolArray]:
        if self._cache is None:
            self._cache = self._derive(self.values, self.na)
            self._dirty.clear()
        elif self._dirty:
            rows = np.array(sorted(self._dirty), dtype=np.intp)
            part = self._derive(self.values[rows], self.na[rows])
            for key, array in part.items():
                self._cache[key][rows] = array
            self._dirty.clear()
        return self._cache

    def _derive(self, vals: FloatArray, na: BoolArray) -> dict[str, FloatArray | BoolArray]:
        """Per vendor × question arrays for the vendors (rows) given."""
        answered = ~np.isnan(vals)
        count = answered.sum(axis=1)  # V × Q
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, np.nansum(vals, axis=1) / np.maximum(count, 1), np.nan)
        any_na = na.any(axis=1)
        is_na = (count == 0) & any_na  # n/a only when nobody gave a score
        scored_q = self.weights > 0
        eff_w = np.where(is_na, 0.0, self.weights[None, :])  # V × Q
        s0 = np.nan_to_num(mean, nan=0.0)
        num = eff_w * s0
        has_score = ((count > 0) & scored_q[None, :]).any(axis=1)
        # `initial` keeps an evaluation without evaluators (axis of length 0) scorable.
        big = np.where(answered, vals, -np.inf).max(axis=1, initial=-np.inf)
        small = np.where(answered, vals, np.inf).min(axis=1, initial=np.inf)
        spread = np.where(count >= 2, big - small, 0.0)
        return {
            "mean": mean,
            "count": count,
            "is_na": is_na,
            "eff_w": eff_w,
            "num": num,
            "has_score": has_score,
            "spread": spread,
        }

    def _group_scores(self, group_of: npt.NDArray[np.int_], n_groups: int) -> FloatArray:
        d = self._derived()
        num = d["num"]
        eff_w = d["eff_w"]
        assert isinstance(num, np.ndarray) and isinstance(eff_w, np.ndarray)
        onehot = np.zeros((len(self.questions), n_groups))
        if len(self.questions):
            onehot[np.arange(len(self.questions)), group_of] = 1.0
        n = num @ onehot
        w = eff_w @ onehot
        with np.errstate(invalid="ignore", divide="ignore"):
            result: FloatArray = np.where(w > 0, 100.0 * n / np.where(w > 0, w, 1.0), np.nan)
        return result

    def section_matrices(self) -> tuple[FloatArray, FloatArray]:
        """Per vendor × section: Σ w·s and Σ w (n/a excluded), the inputs of sensitivity."""
        d = self._derived()
        num, eff_w = d["num"], d["eff_w"]
        assert isinstance(num, np.ndarray) and isinstance(eff_w, np.ndarray)
        onehot = np.zeros((len(self.questions), len(self._sections)))
        if len(self.questions):
            onehot[np.arange(len(self.questions)), self._section_of] = 1.0
        return num @ onehot, eff_w @ onehot

    def totals(self) -> list[float | None]:
        d = self._derived()
        num, eff_w, has_score = d["num"], d["eff_w"], d["has_score"]
        assert isinstance(num, np.ndarray) and isinstance(eff_w, np.ndarray)
        assert isinstance(has_score, np.ndarray)
        n = num.sum(axis=1)
        w = eff_w.sum(axis=1)
        out: list[float | None] = []
        for i in range(len(self.vendors)):
            out.append(float(100.0 * n[i] / w[i]) if has_score[i] and w[i] > 0 else None)
        return out

    def score5(self, vendor: str, qid: str) -> float | None:
        """The vendor's mean score on the 0–5 scale, None when unanswered or n/a."""
        d = self._derived()
        mean = d["mean"]
        assert isinstance(mean, np.ndarray)
        m = mean[self.vendor_index(vendor), self.question_index(qid)]
        return None if np.isnan(m) else float(m) * 5.0

    def texts(self, vendor: str, qid: str) -> list[tuple[str, str]]:
        """(evaluator, text) of the text answers to a question for a vendor."""
        v, q = self.vendor_index(vendor), self.question_index(qid)
        text = self.text
        return [(name, found) for e, name in enumerate(self.evaluators) if (found := text.get((v, e, q))) is not None]

    def evaluator_score(self, vendor: str, evaluator: str, qid: str) -> float | None:
        x = self.values[self.vendor_index(vendor), self.evaluator_index(evaluator), self.question_index(qid)]
        return None if np.isnan(x) else float(x)

    # ----- results -----------------------------------------------------------------------

    def vendor_scores(self) -> list[VendorScore]:
        """Every vendor's result, ranked (fresh objects; unchanged vendors come from the cache)."""
        d = self._derived()
        missing = [vi for vi in range(len(self.vendors)) if vi not in self._scores]
        if missing:
            totals = self.totals()
            sections = self._group_scores(self._section_of, len(self._sections))
            layers = self._group_scores(self._layer_of, len(self._layers))
            for vi in missing:
                self._scores[vi] = self._vendor_score(vi, d, totals[vi], sections[vi], layers[vi])
        return rank(_copy(self._scores[vi]) for vi in range(len(self.vendors)))

    def _vendor_score(self, vi: int, d: dict[str, FloatArray | BoolArray], total: float | None,
                      sections: FloatArray, layers: FloatArray) -> VendorScore:
        mean, count, is_na, spread = d["mean"], d["count"], d["is_na"], d["spread"]
        name = self.vendors[vi]
        # Someone has judged the vendor once a weighted question has a score or an n/a.
        judged = ((count[vi] > 0) | self.na[vi].any(axis=0)) & (self.weights > 0)
        if not judged.any():
            return self._not_scored_yet(name, vi, d)
        gaps, disagreements, na, reasons = [], [], [], []
        qscores: dict[str, float | None] = {}
        # The vendor's row as Python numbers: one conversion each, not an array look-up per
        # question (a 500-question bank × 100 vendors is 50,000 iterations when it opens).
        rows = zip(self.questions, self.weights.tolist(), mean[vi].tolist(), count[vi].tolist(),
                   is_na[vi].tolist(), spread[vi].tolist(), strict=True)
        for q, weight, m, n, q_na, q_spread in rows:
            answered = n > 0
            qscores[q.id] = m if answered else None
            if q_na:
                na.append(q.id)
            elif weight > 0 and not answered:  # weight > 0: the question is scored
                gaps.append(q.id)
            if q_spread >= DISAGREEMENT_SPREAD - _EPS:
                disagreements.append(q.id)
            if q.knockout_min is not None and not q_na:
                if not answered:
                    reasons.append(f"{q.id}: unanswered (minimum {q.knockout_min:g} of 5)")
                elif m * 5.0 < q.knockout_min - _EPS:
                    reasons.append(f"{q.id}: scored {m * 5.0:.1f} of 5, below the minimum {q.knockout_min:g}")
        return VendorScore(
            vendor=name,
            total=total,
            knocked_out=bool(reasons),
            knockout_reasons=reasons,
            # Nothing scorable: no total, and no section or layer score either (—, not 0).
            sections={s: None if total is None else _opt(sections[k]) for k, s in enumerate(self._sections)},
            layers={lay: None if total is None else _opt(layers[k]) for k, lay in enumerate(self._layers)},
            gaps=gaps,
            disagreements=disagreements,
            question_scores=qscores,
            na=na,
        )

    def _not_scored_yet(self, name: str, vi: int, d: dict[str, FloatArray | BoolArray]) -> VendorScore:
        """Nobody has scored this vendor: no total, no knockout, no gaps, no rank."""
        mean, count, is_na = d["mean"], d["count"], d["is_na"]
        return VendorScore(
            vendor=name,
            total=None,
            knocked_out=False,
            knockout_reasons=[],
            sections=dict.fromkeys(self._sections),
            layers=dict.fromkeys(self._layers),
            gaps=[],
            disagreements=[],
            question_scores={
                q.id: float(mean[vi, qi]) if count[vi, qi] > 0 else None
                for qi, q in enumerate(self.questions)
            },
            na=[q.id for qi, q in enumerate(self.questions) if is_na[vi, qi]],
            scored=False,
        )

    def contributions(self, vendor: str) -> list[Contribution]:
        """Per question weight × score; the points add up to the vendor's total."""
        d = self._derived()
        mean, is_na, eff_w = d["mean"], d["is_na"], d["eff_w"]
        assert isinstance(mean, np.ndarray) and isinstance(is_na, np.ndarray)
        assert isinstance(eff_w, np.ndarray)
        vi = self.vendor_index(vendor)
        wsum = float(eff_w[vi].sum())
        out = []
        for qi, q in enumerate(self.questions):
            if not q.scored:
                continue
            m = mean[vi, qi]
            if is_na[vi, qi]:
                status, score, pts = "n/a", None, 0.0
            elif np.isnan(m):
                status, score, pts = "gap", None, 0.0
            else:
                status, score = "scored", float(m)
                pts = 100.0 * q.weight * score / wsum if wsum > 0 else 0.0
            out.append(Contribution(q.id, q.section, q.layer.value, q.weight, score, pts, status))
        return out


def _copy(score: VendorScore) -> VendorScore:
    """A caller's own copy: what it changes never reaches the board's cache."""
    return replace(
        score,
        knockout_reasons=list(score.knockout_reasons),
        sections=dict(score.sections),
        layers=dict(score.layers),
        gaps=list(score.gaps),
        disagreements=list(score.disagreements),
        question_scores=dict(score.question_scores),
        na=list(score.na),
    )


def _opt(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


@dataclass(frozen=True)
class SectionGap:
    section: str
    a_points: float
    b_points: float

    @property
    def difference(self) -> float:
        return self.a_points - self.b_points


@dataclass(frozen=True)
class Comparison:
    """Why A beats B: the total difference split by section, largest first."""

    a: str
    b: str
    a_total: float | None
    b_total: float | None
    sections: tuple[SectionGap, ...]
    top_questions: tuple[tuple[str, float], ...]  # (question id, points A minus B)

    @property
    def difference(self) -> float:
        return (self.a_total or 0.0) - (self.b_total or 0.0)


def compare(board: ScoreBoard, a: str, b: str, top: int = 5) -> Comparison:
    ca = {c.question: c for c in board.contributions(a)}
    cb = {c.question: c for c in board.contributions(b)}
    by_section: dict[str, list[float]] = {}
    per_q: list[tuple[str, float]] = []
    for qid, x in ca.items():
        y = cb[qid]
        acc = by_section.setdefault(x.section, [0.0, 0.0])
        acc[0] += x.points
        acc[1] += y.points
        per_q.append((qid, x.points - y.points))
    gaps = sorted(
        (SectionGap(s, v[0], v[1]) for s, v in by_section.items()),
        key=lambda g: (-abs(g.difference), g.section),
    )
    per_q.sort(key=lambda t: (-abs(t[1]), t[0]))
    totals = dict(zip(board.vendors, board.totals(), strict=True))
    return Comparison(a, b, totals[a], totals[b], tuple(gaps), tuple(per_q[:top]))
