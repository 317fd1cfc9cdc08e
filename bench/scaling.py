"""How scoring scales with vendors, questions and evaluators (`python -m bench.scaling`).

Prints a Markdown table for docs/performance.md: building a ScoreBoard from every answer
(what opening an evaluation costs), rescoring after one edit, and sensitivity on the result.
"""

from __future__ import annotations

import random
import statistics
import time

from app.domain.sensitivity import analyse
from bench import generate

SHAPES = ((5, 50, 2), (10, 100, 3), (20, 200, 5), (40, 200, 5), (20, 400, 5), (20, 200, 10), (30, 200, 2))


def median_ms(fn: object, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    print("| vendors | questions | evaluators | answers | load all answers | rescore one edit | sensitivity |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for v, q, e in SHAPES:
        t0 = time.perf_counter()
        board = generate.filled_board(v, q, e)
        load = (time.perf_counter() - t0) * 1000
        rnd = random.Random(1)

        def edit() -> None:
            question = rnd.choice(board.questions)
            board.set_answer(rnd.choice(board.vendors), rnd.choice(board.evaluators), question.id,
                             rnd.choice(generate.answer_values(question)))
            board.vendor_scores()

        scores = board.vendor_scores()
        by_name = {s.vendor: s for s in scores}
        num, den = board.section_matrices()
        weights = list(board.bank.section_weights().values())

        def sens() -> None:
            analyse(board.vendors, board.bank.sections, weights, num, den,
                    [by_name[n].knocked_out for n in board.vendors], [by_name[n].total for n in board.vendors])

        print(f"| {v} | {q} | {e} | {v * q * e:,} | {load:.0f} ms | {median_ms(edit, 21):.1f} ms | {median_ms(sens):.0f} ms |")


if __name__ == "__main__":
    main()
