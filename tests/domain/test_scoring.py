"""Scoring exactly as docs/method.md says: means, totals, groups, gaps, n/a, knockouts, ranking."""

from __future__ import annotations

import pytest

from app.domain.models import Answer
from app.domain.scoring import ScoreBoard, compare
from tests.domain.helpers import bank, q


def board(b, vendors=("A", "B"), evaluators=("e1", "e2"), answers=()):  # type: ignore[no-untyped-def]
    sb = ScoreBoard(b, list(vendors), list(evaluators))
    sb.load(Answer(*a) for a in answers)
    return sb


def by_vendor(sb: ScoreBoard):  # type: ignore[no-untyped-def]
    return {v.vendor: v for v in sb.vendor_scores()}


def test_question_score_is_mean_of_evaluators_who_answered() -> None:
    sb = board(bank(q("Q1")), answers=[("A", "e1", "Q1", "5"), ("A", "e2", "Q1", "2")])
    assert sb.score5("A", "Q1") == pytest.approx(3.5)
    sb2 = board(bank(q("Q1")), answers=[("A", "e1", "Q1", "4")])
    assert sb2.score5("A", "Q1") == pytest.approx(4.0)  # e2 did not answer: not counted


def test_total_is_weighted_mean_times_100() -> None:
    b = bank(q("Q1", weight=3), q("Q2", weight=1))
    sb = board(b, answers=[("A", "e1", "Q1", "5"), ("A", "e1", "Q2", "0")])
    assert by_vendor(sb)["A"].total == pytest.approx(75.0)


def test_unanswered_scores_zero_and_is_a_gap() -> None:
    b = bank(q("Q1"), q("Q2"))
    sb = board(b, answers=[("A", "e1", "Q1", "5")])
    a = by_vendor(sb)["A"]
    assert a.total == pytest.approx(50.0)
    assert a.gaps == ["Q2"]


def test_na_removes_question_from_that_vendors_weight_total() -> None:
    b = bank(q("Q1"), q("Q2", allow_na="yes"))
    sb = board(b, answers=[("A", "e1", "Q1", "4"), ("A", "e1", "Q2", "n/a"), ("B", "e1", "Q1", "4")])
    r = by_vendor(sb)
    assert r["A"].total == pytest.approx(80.0)
    assert r["A"].na == ["Q2"] and r["A"].gaps == []
    assert r["B"].total == pytest.approx(40.0)  # B left Q2 unanswered: a gap worth 0


def test_vendor_with_nothing_scorable_has_no_total() -> None:
    b = bank(q("Q1"), q("T", type_="text", weight=0))
    sb = board(b, answers=[("B", "e1", "T", "hello")])
    assert by_vendor(sb)["B"].total is None


def test_section_and_layer_scores_use_the_same_formula() -> None:
    b = bank(q("Q1", section="X", layer="data", weight=1), q("Q2", section="Y", layer="people", weight=3))
    sb = board(b, answers=[("A", "e1", "Q1", "5"), ("A", "e1", "Q2", "1")])
    a = by_vendor(sb)["A"]
    assert a.sections == {"X": pytest.approx(100.0), "Y": pytest.approx(20.0)}
    assert a.layers == {"data": pytest.approx(100.0), "people": pytest.approx(20.0)}


def test_text_and_zero_weight_questions_do_not_count() -> None:
    b = bank(q("Q1", weight=1), q("Q0", weight=0), q("T", type_="text", weight=0))
    sb = board(b, answers=[("A", "e1", "Q1", "5"), ("A", "e1", "Q0", "0"), ("A", "e1", "T", "x")])
    assert by_vendor(sb)["A"].total == pytest.approx(100.0)


class TestKnockout:
    def test_below_minimum_knocks_out_with_reason(self) -> None:
        b = bank(q("Q1", knockout_min=3), q("Q2"))
        sb = board(b, answers=[("A", "e1", "Q1", "2"), ("A", "e1", "Q2", "5"), ("B", "e1", "Q1", "3"), ("B", "e1", "Q2", "0")])
        r = by_vendor(sb)
        assert r["A"].knocked_out and "Q1" in r["A"].knockout_reasons[0] and "below the minimum 3" in r["A"].knockout_reasons[0]
        assert not r["B"].knocked_out  # exactly at the minimum is not below it

    def test_unanswered_knockout_question_knocks_out(self) -> None:
        sb = board(bank(q("Q1", knockout_min=1), q("Q2")), answers=[("A", "e1", "Q2", "5")])
        a = by_vendor(sb)["A"]
        assert a.knocked_out and "unanswered" in a.knockout_reasons[0]

    def test_knocked_out_vendors_rank_after_the_rest(self) -> None:
        b = bank(q("Q1", knockout_min=3), q("Q2", weight=10))
        sb = board(b, answers=[("A", "e1", "Q1", "2"), ("A", "e1", "Q2", "5"), ("B", "e1", "Q1", "3"), ("B", "e1", "Q2", "1")])
        ranking = sb.vendor_scores()
        assert [v.vendor for v in ranking] == ["B", "A"]
        assert ranking[1].total is not None and ranking[0].total is not None
        assert ranking[1].total > ranking[0].total
        assert [v.rank for v in ranking] == [1, 2]


class TestNotScoredYet:
    """A vendor nobody has scored is "not scored yet": not ranked, not knocked out, no gaps."""

    def test_an_unscored_vendor_is_neither_knocked_out_nor_ranked(self) -> None:
        b = bank(q("Q1", knockout_min=5), q("Q2", knockout_min=3), q("Q3"))
        ranking = board(b, vendors=("A", "B", "C"), answers=[("B", "e1", "Q3", "4")]).vendor_scores()
        by_name = {v.vendor: v for v in ranking}
        for name in ("A", "C"):
            v = by_name[name]
            assert v.not_scored_yet and v.rank is None and v.total is None
            assert not v.knocked_out and v.knockout_reasons == [] and v.gaps == []
        # B has one score: it is scored, so the knockout rule and gaps apply as docs/method.md says.
        assert by_name["B"].rank == 1 and by_name["B"].knocked_out and by_name["B"].gaps == ["Q1", "Q2"]
        assert [v.vendor for v in ranking] == ["B", "A", "C"]  # unranked last, by name

    def test_an_empty_evaluation_ranks_nobody(self) -> None:
        b = bank(q("Q1", knockout_min=5), q("T", type_="text", weight=0))
        ranking = board(b, answers=[("A", "e1", "T", "we handle everything")]).vendor_scores()
        assert [(v.rank, v.knocked_out, v.not_scored_yet) for v in ranking] == [(None, False, True)] * 2

    def test_an_n_a_is_a_judgement(self) -> None:
        b = bank(q("Q1", allow_na="yes"), q("Q2", knockout_min=2))
        a = by_vendor(board(b, answers=[("A", "e1", "Q1", "n/a")]))["A"]
        assert not a.not_scored_yet and a.rank == 1 and a.knocked_out  # Q2 unanswered


def test_ties_are_broken_by_name() -> None:
    sb = board(bank(q("Q1")), vendors=("beta", "Alpha"), answers=[("beta", "e1", "Q1", "3"), ("Alpha", "e1", "Q1", "3")])
    assert [v.vendor for v in sb.vendor_scores()] == ["Alpha", "beta"]


def test_disagreement_at_spread_of_two_points() -> None:
    b = bank(q("Q1"), q("Q2"))
    sb = board(b, answers=[("A", "e1", "Q1", "5"), ("A", "e2", "Q1", "3"), ("A", "e1", "Q2", "5"), ("A", "e2", "Q2", "4")])
    assert by_vendor(sb)["A"].disagreements == ["Q1"]


def test_contributions_add_up_to_the_total() -> None:
    b = bank(q("Q1", weight=2, section="X"), q("Q2", weight=1, section="Y"), q("Q3", weight=1, section="Y", allow_na="yes"))
    sb = board(b, answers=[("A", "e1", "Q1", "4"), ("A", "e1", "Q2", "3"), ("A", "e1", "Q3", "n/a")])
    contributions = sb.contributions("A")
    total = by_vendor(sb)["A"].total
    assert total is not None
    assert sum(c.points for c in contributions) == pytest.approx(total)
    assert [c.status for c in contributions] == ["scored", "scored", "n/a"]


def test_why_a_beats_b_splits_the_difference_by_section() -> None:
    b = bank(q("Q1", section="X", weight=2), q("Q2", section="Y", weight=1))
    sb = board(b, answers=[("A", "e1", "Q1", "5"), ("A", "e1", "Q2", "1"), ("B", "e1", "Q1", "2"), ("B", "e1", "Q2", "4")])
    c = compare(sb, "A", "B")
    assert sum(g.difference for g in c.sections) == pytest.approx(c.difference)
    assert c.sections[0].section == "X" and c.sections[0].difference > 0
    assert c.top_questions[0][0] == "Q1"


def test_changing_one_answer_rescores() -> None:
    sb = board(bank(q("Q1")), answers=[("A", "e1", "Q1", "1")])
    assert by_vendor(sb)["A"].total == pytest.approx(20.0)
    sb.set_answer("A", "e1", "Q1", "5")
    assert by_vendor(sb)["A"].total == pytest.approx(100.0)
    sb.set_answer("A", "e1", "Q1", "")
    assert by_vendor(sb)["A"].total is None
