"""The score board rescoring incrementally gives exactly what a board built afresh gives.

The board caches each vendor's result and recomputes only the vendors whose answers changed;
`load` reads many answers at once. Neither may ever show a stale or different result.
"""

from __future__ import annotations

import random
from dataclasses import asdict

import pytest

from app.domain.errors import AnswerError
from app.domain.models import Answer
from app.domain.scoring import ScoreBoard
from tests.domain.helpers import bank, q

BANK = bank(
    q("A1", "Data", "scale", 3, knockout_min=2),
    q("A2", "Data", "yes_no", 2, allow_na=True),
    q("B1", "Systems", "scale", 1, layer="systems"),
    q("B2", "Systems", "choice", 2, layer="systems", options="Good=5|Fair=3|Poor=0"),
    q("C1", "People", "text", 0, layer="people"),
)
VALUES = {"A1": ["0", "2", "5", ""], "A2": ["yes", "no", "n/a", ""], "B1": ["1", "4", ""],
          "B2": ["Good", "Fair", "Poor", ""], "C1": ["we handle everything", ""]}
VENDORS = ["Alpha", "Beta", "Gamma"]
EVALUATORS = ["Ann", "Bo"]


def scores(board: ScoreBoard) -> list[dict[str, object]]:
    return [asdict(s) for s in board.vendor_scores()]


@pytest.mark.parametrize("seed", range(12))
def test_edits_then_rescore_equal_a_fresh_board(seed: int) -> None:
    rnd = random.Random(seed)
    board = ScoreBoard(BANK, VENDORS, EVALUATORS)
    final: dict[tuple[str, str, str], str] = {}
    for step in range(60):
        vendor, evaluator, question = rnd.choice(VENDORS), rnd.choice(EVALUATORS), rnd.choice(list(VALUES))
        value = rnd.choice(VALUES[question])
        board.set_answer(vendor, evaluator, question, value)
        final[(vendor, evaluator, question)] = value
        if step % 7 == 0:
            board.vendor_scores()  # warm the cache mid-way, so later edits must invalidate it
    fresh = ScoreBoard(BANK, VENDORS, EVALUATORS)
    fresh.load(Answer(v, e, qid, value) for (v, e, qid), value in final.items())
    assert scores(board) == scores(fresh)
    assert board.totals() == fresh.totals()
    for vendor in VENDORS:
        assert board.contributions(vendor) == fresh.contributions(vendor)


def test_load_reads_like_one_answer_at_a_time_and_later_answers_win() -> None:
    answers = [Answer("Alpha", "Ann", "A1", "5"), Answer("Alpha", "Ann", "A1", "1"),
               Answer("Beta", "Bo", "A2", "n/a"), Answer("Beta", "Bo", "C1", "anything")]
    bulk = ScoreBoard(BANK, VENDORS, EVALUATORS)
    bulk.load(answers)
    single = ScoreBoard(BANK, VENDORS, EVALUATORS)
    for a in answers:
        single.set_answer(a.vendor, a.evaluator, a.question, a.value)
    assert scores(bulk) == scores(single)
    assert bulk.score5("Alpha", "A1") == pytest.approx(1.0)
    assert bulk.texts("Beta", "C1") == [("Bo", "anything")]


def test_a_bad_value_in_a_bulk_load_changes_nothing() -> None:
    board = ScoreBoard(BANK, VENDORS, EVALUATORS)
    board.set_answer("Alpha", "Ann", "A1", "4")
    before = scores(board)
    with pytest.raises(AnswerError):
        board.load([Answer("Alpha", "Ann", "A1", "1"), Answer("Beta", "Ann", "B1", "seven")])
    assert scores(board) == before


def test_returned_results_are_not_shared_between_calls() -> None:
    board = ScoreBoard(BANK, VENDORS, EVALUATORS)
    board.set_answer("Alpha", "Ann", "A1", "4")
    first = board.vendor_scores()
    first[0].gaps.clear()
    first[0].rank = 99
    again = board.vendor_scores()
    assert again[0].rank == 1
    assert again[0].gaps  # the caller's change to its copy did not reach the board's cache


def test_a_later_empty_answer_in_a_bulk_load_clears_an_earlier_text() -> None:
    board = ScoreBoard(BANK, VENDORS, EVALUATORS)
    board.load([Answer("Alpha", "Ann", "C1", "we do it all"), Answer("Alpha", "Ann", "C1", ""),
                Answer("Beta", "Ann", "C1", ""), Answer("Beta", "Ann", "C1", "a dated plan")])
    assert board.texts("Alpha", "C1") == []
    assert board.texts("Beta", "C1") == [("Ann", "a dated plan")]
