"""Memory over a long session stays flat: an hour of simulated use in the test process.

Every reload of an evaluation runs on `app.ui.tasks.Task`, which freezes the heap while it works
(so a full garbage collection cannot stall the window). Each reload also leaves the previous
view's objects behind as cyclic garbage — page closures, Qt wrappers, models referring back to
their page. If the heap stayed frozen, that garbage would never be collected and the session
would grow by a whole evaluation per reload.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject

from app.services import evaluations
from app.services.live import LiveEvaluation
from app.ui.tasks import Task, wait_for_workers
from tests.conftest import DEMO_EVALUATION

RELOADS = 60  # an hour of use at one reload (an edit and a worker load) a minute
QUESTIONS = ("TR03", "DR01", "DR03", "DR04")  # 0–5 scale questions of the demo bank


def live_objects() -> int:
    """Objects the collector tracks (frozen ones included): flat when nothing leaks."""
    return len(gc.get_objects()) + gc.get_freeze_count()


class View:
    """What a page keeps of one load: the evaluation, and a callback that refers back to it (a cycle)."""

    def __init__(self, live: LiveEvaluation) -> None:
        self.live = live
        self.redraw = lambda: self.live.results  # a closure over self, as Qt slots often are


def test_an_hour_of_reloads_and_edits_keeps_memory_flat(qtbot, demo) -> None:  # type: ignore[no-untyped-def]
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    snap = evaluations.load_snapshot(demo, eid)
    vendor, evaluator = snap.vendors[0].name, snap.evaluators[0].name
    owner = QObject()
    task = Task(owner)
    shown: list[View] = []

    def reload(i: int) -> None:
        # An edit through the service, then the page's reload on a worker, as in the app.
        evaluations.record_answer(demo, eid, vendor, evaluator, QUESTIONS[i % len(QUESTIONS)], str(i % 6))
        done: list[bool] = []

        def loaded(live: LiveEvaluation) -> None:
            live.apply_answer(vendor, evaluator, QUESTIONS[i % len(QUESTIONS)], str((i + 1) % 6), None)
            shown[:] = [View(live)]  # the previous view becomes cyclic garbage
            done.append(True)

        task.run(lambda: LiveEvaluation.load(demo, eid, evaluator), loaded)
        qtbot.waitUntil(lambda: bool(done), timeout=30_000)

    for i in range(10):  # warm-up: caches, bank, lexicons
        reload(i)
    wait_for_workers()
    gc.collect()
    start, t0 = live_objects(), time.perf_counter()
    samples = []
    for i in range(RELOADS):
        reload(i)
        if i % 10 == 9:
            wait_for_workers()
            gc.collect()
            samples.append(live_objects() - start)
    elapsed = time.perf_counter() - t0
    assert gc.get_freeze_count() == 0  # nothing stays frozen once no task runs
    # One evaluation in memory is tens of thousands of objects; a leak of one per reload
    # would add millions over the hour. Flat: the same objects, give or take caches.
    assert max(samples) < 5_000, f"objects grew by {samples} over {RELOADS} reloads ({elapsed:.0f} s)"
