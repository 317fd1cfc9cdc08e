"""How scoring grows with vendors and questions (`python -m bench.scaling`).

Two sweeps, each varying one size while the others stay fixed: 10 → 100 vendors (200
questions, 3 evaluators) and 100 → 1,000 questions (20 vendors, 3 evaluators). For each size:
building the score board from every answer (what opening an evaluation costs in the domain),
rescoring after one edit, and sensitivity. It prints Markdown tables for docs/performance.md
and the growth exponent k of time ∝ size^k fitted on a log-log scale (k ≈ 1 is linear).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Sequence

from app.domain.sensitivity import analyse
from bench import generate

VENDORS = (10, 20, 40, 70, 100)
QUESTIONS = (100, 200, 400, 700, 1000)


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def measure(v: int, q: int, e: int) -> tuple[float, float, float]:
    """(load ms, rescore ms, sensitivity ms) for one shape."""
    loads = []
    for _ in range(3):
        t0 = time.perf_counter()
        board = generate.filled_board(v, q, e)
        loads.append((time.perf_counter() - t0) * 1000)
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

    return statistics.median(loads), median_ms(edit, 21), median_ms(sens)


def growth(sizes: Sequence[int], times: Sequence[float]) -> float:
    """The exponent k of the least-squares fit log t = k log n + c."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(t, 1e-6)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def sweep(label: str, shapes: Sequence[tuple[int, int, int]], size_of: Callable[[tuple[int, int, int]], int]) -> None:
    print(f"\n{label}\n")
    print("| vendors | questions | evaluators | answers | load all answers | rescore one edit | sensitivity |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for v, q, e in shapes:
        load, edit, sens = measure(v, q, e)
        rows.append((size_of((v, q, e)), load, edit, sens))
        print(f"| {v} | {q} | {e} | {v * q * e:,} | {load:.0f} ms | {edit:.2f} ms | {sens:.1f} ms |", flush=True)
    sizes = [r[0] for r in rows]
    print(f"\ngrowth exponent k (time ∝ size^k): load {growth(sizes, [r[1] for r in rows]):.2f}, "
          f"rescore {growth(sizes, [r[2] for r in rows]):.2f}, sensitivity {growth(sizes, [r[3] for r in rows]):.2f}")


def main() -> None:
    sweep("Vendors 10 → 100 (200 questions, 3 evaluators)", [(v, 200, 3) for v in VENDORS], lambda s: s[0])
    sweep("Questions 100 → 1,000 (20 vendors, 3 evaluators)", [(20, q, 3) for q in QUESTIONS], lambda s: s[1])


if __name__ == "__main__":
    main()
