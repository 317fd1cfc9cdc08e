"""Scoring invariants that must hold for any bank and any answers (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.models import Answer
from app.domain.scoring import ScoreBoard
from tests.domain.helpers import bank, q

SECTIONS = ["S1", "S2", "S3"]


@st.composite
def evaluations(draw: st.DrawFn, with_na: bool = True):  # type: ignore[no-untyped-def]
    n_q = draw(st.integers(1, 8))
    weights = draw(st.lists(st.integers(0, 5), min_size=n_q, max_size=n_q))
    sections = draw(st.lists(st.sampled_from(SECTIONS), min_size=n_q, max_size=n_q))
    b = bank(*(q(f"Q{i}", section=sections[i], weight=weights[i], allow_na="yes") for i in range(n_q)))
    vendors = [f"V{i}" for i in range(draw(st.integers(2, 5)))]
    evaluators = ["e1", "e2", "e3"]
    answers = []
    for v in vendors:
        for e in evaluators:
            for i in range(n_q):
                choices = ["", "", "0", "1", "2", "3", "4", "5"] + (["n/a"] if with_na else [])
                value = draw(st.sampled_from(choices))
                if value:
                    answers.append(Answer(v, e, f"Q{i}", value))
    return b, vendors, evaluators, answers


def totals(b, vendors, evaluators, answers):  # type: ignore[no-untyped-def]
    sb = ScoreBoard(b, vendors, evaluators)
    sb.load(answers)
    return {v.vendor: v.total for v in sb.vendor_scores()}, sb


@settings(max_examples=150, deadline=None)
@given(evaluations())
def test_totals_stay_between_0_and_100(ev) -> None:  # type: ignore[no-untyped-def]
    result, _ = totals(*ev)
    for t in result.values():
        assert t is None or -1e-9 <= t <= 100 + 1e-9


@settings(max_examples=100, deadline=None)
@given(evaluations(), st.randoms(use_true_random=False))
def test_order_of_vendors_and_answers_changes_nothing(ev, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    b, vendors, evaluators, answers = ev
    base, sb1 = totals(b, vendors, evaluators, answers)
    shuffled_vendors = vendors[:]
    rnd.shuffle(shuffled_vendors)
    shuffled_answers = answers[:]
    rnd.shuffle(shuffled_answers)
    again, sb2 = totals(b, shuffled_vendors, evaluators, shuffled_answers)
    assert again == base
    assert [v.vendor for v in sb1.vendor_scores()] == [v.vendor for v in sb2.vendor_scores()]


@settings(max_examples=150, deadline=None)
@given(evaluations(with_na=False), st.data())
def test_more_weight_on_a_vendors_best_question_cannot_hurt_its_standing(ev, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    """Raising the weight of a question a vendor scores best on (among all vendors) cannot
    lower that vendor's standing: every gap to another vendor it led stays a lead.

    n/a is left out on purpose: it shrinks one vendor's weight total and not another's, and
    then the property does not hold mathematically (a vendor judged on few questions can be
    overtaken when a common question gains weight)."""
    b, vendors, evaluators, answers = ev
    before, sb = totals(b, vendors, evaluators, answers)
    qid = data.draw(st.sampled_from([x.id for x in b.questions]))
    scores = {v: sb.score5(v, qid) for v in vendors}
    vendor = data.draw(st.sampled_from(vendors))
    mine = scores[vendor]
    others = [s for v, s in scores.items() if v != vendor]
    # The vendor must score best, and everyone must have a score there (no n/a or gap),
    # so the added weight applies to every vendor's total alike.
    if mine is None or any(s is None for s in others) or any(s > mine for s in others):  # type: ignore[operator]
        return
    rows = [dict(r) for r in b.rows()]
    for r in rows:
        if r["id"] == qid:
            r["weight"] = str(float(r["weight"]) + data.draw(st.integers(1, 5)))
    heavier = bank(*rows)
    after, _ = totals(heavier, vendors, evaluators, answers)
    if before[vendor] is None or after[vendor] is None:
        return
    for other in vendors:
        if other == vendor or before[other] is None or after[other] is None:
            continue
        if before[vendor] >= before[other] - 1e-9:
            assert after[vendor] >= after[other] - 1e-9


@settings(max_examples=100, deadline=None)
@given(evaluations())
def test_contributions_explain_every_total(ev) -> None:  # type: ignore[no-untyped-def]
    result, sb = totals(*ev)
    for v, t in result.items():
        if t is not None:
            assert abs(sum(c.points for c in sb.contributions(v)) - t) < 1e-6
