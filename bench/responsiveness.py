"""GUI stall detector: drive the real window on the large workspace and time the event loop.

A QTimer fires every 10 ms and records the longest gap between two ticks; each user action is
started from the event loop (as a click would be) and the loop then runs until the work has
settled. The worst gap is how long the window could not repaint or react: the budget is 50 ms,
half the interactive limit, so it holds on a machine twice as slow.
Usage: python -m bench.responsiveness LARGE_WORKSPACE OUT.json
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

TICK_MS = 10


class StallMeter:
    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.worst = 0.0
        self.worst_cpu = 0.0
        self.timer.start()

    def _tick(self) -> None:
        # Wall time is the budget; the GUI thread's own CPU time between two ticks is kept beside
        # it, because on a busy machine it says how much of a gap was our work and how much waiting.
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self.last)
        self.worst_cpu = max(self.worst_cpu, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def reset(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.worst = 0.0
        self.worst_cpu = 0.0


def run_for(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main(large: Path, out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.ui.context import AppContext
    from app.ui.main_window import PAGES, MainWindow
    from app.ui.workspace_actions import open_for_window, switch_workspace

    work = Path(tempfile.mkdtemp(prefix="diligence-stalls-"))
    steps: list[dict[str, Any]] = []
    notes: list[str] = []
    try:
        # Edits and exports write to the workspace: work on a copy, never on the cache.
        target = work / "large"
        shutil.copytree(large, target)
        start = work / "start"
        ws, _ = open_for_window(start)
        window = MainWindow(AppContext(ws))
        window.resize(1280, 820)
        window.show()
        window.show_page(PAGES[0].key)
        meter = StallMeter()
        run_for(0.3)

        def step(name: str, action: Callable[[], object], settle: float = 1.5,
                 done: Callable[[], bool] | None = None) -> None:
            error: list[str] = []

            def act() -> None:
                try:
                    action()
                except Exception as exc:  # noqa: BLE001 - reported as "not available", not a crash
                    error.append(f"{exc.__class__.__name__}: {exc}")

            run_for(0.05)
            meter.reset()
            t0 = time.perf_counter()
            QTimer.singleShot(0, act)
            run_for(settle)
            while done is not None and not done() and time.perf_counter() - t0 < 60:
                run_for(0.1)
            worst = meter.worst
            if error:
                steps.append({"name": name, "worst": 0.0, "available": False, "note": error[0]})
                notes.append(f"{name}: could not run ({error[0]})")
            else:
                steps.append({"name": name, "worst": worst, "worst_cpu": meter.worst_cpu,
                              "elapsed": time.perf_counter() - t0})

        step("opening the large workspace (File ▸ Open)", lambda: switch_workspace(window, target), settle=2.0)
        for spec in PAGES:
            step(f"switching to the {spec.title} page", lambda k=spec.key: window.show_page(k), settle=1.5)

        evaluate = window.show_page("evaluations")
        run_for(0.5)
        step("choosing an evaluation (30 vendors × 200 questions × 2 evaluators)",
             lambda: window.ctx.select_evaluation(1), settle=3.0)

        def edit() -> None:
            page: Any = evaluate
            snapshot = page.snapshot
            if snapshot is None:
                raise RuntimeError("the Evaluate page shows no evaluation")
            qid = next(q.id for q in snapshot.bank.questions if q.type.value == "scale")
            page.answers_tab.record(qid, "2", None)

        step("editing an answer on the Evaluate page", edit, settle=2.0)
        stack = window.ctx.undo_stack
        step("undoing that edit (Ctrl+Z)", stack.undo, settle=2.0)
        step("redoing it (Ctrl+Shift+Z)", stack.redo, settle=2.0)

        # Evidence (#17): a 300-page proposal added on the Evidence tab (worker, progress and
        # Cancel), "Where is this answered?" for a question, the viewer opened at the best page.
        from bench.evidence import fixtures

        proposal, _ = fixtures()  # the 300-page PDF of the evidence budget (cached)
        page_: Any = evaluate
        vendor = page_.snapshot.vendors[0].name if page_.snapshot is not None else ""

        def add_document() -> None:
            from app.domain.evidence import DocumentKind

            tab = page_.answers_tab  # the vendor is chosen here first: its answers are not part of this step
            tab.answer_vendor.setCurrentIndex(tab.answer_vendor.findData(vendor))
            tab.answer_vendor.activated.emit(tab.answer_vendor.currentIndex())
            page_.tabs.setCurrentWidget(page_.documents)
            page_.documents.show_vendor(vendor)
            if not page_.documents.add_files([proposal], details=(DocumentKind.PROPOSAL, None)):
                raise RuntimeError("the Evidence tab did not start adding")

        step("adding a 300-page PDF on the Evidence tab (worker thread, progress)", add_document,
             settle=1.0, done=lambda: not page_.documents.busy)

        # Back on the Answers tab at the first question (showing the grid is not this step's).
        page_.tabs.setCurrentWidget(page_.answers_tab)
        page_.answers_tab.answers.first_question()
        run_for(1.0)

        def where_answered() -> None:
            tab = page_.answers_tab
            tab.below.setCurrentWidget(tab.evidence.passages)

        step("listing where a question is answered in that PDF (search on a worker)", where_answered,
             settle=0.5, done=lambda: not page_.answers_tab.evidence.busy)

        def open_passage() -> None:
            found = page_.answers_tab.evidence.passages.passages()
            if not found:
                raise RuntimeError("no passage was found")
            page_.answers_tab.evidence.open_passage(found[0])

        step("opening the 300-page PDF at the best passage", open_passage, settle=1.0)
        viewer = page_.answers_tab.evidence.window
        if viewer is not None:
            viewer.close()

        jobs: list[Any] = []

        def export() -> None:
            from app.ui.export import export_evaluation_pdf

            # A path, as the Save dialog would give: a modal dialog would wait for a person.
            jobs.append(export_evaluation_pdf(window, window.ctx, 1, out=work / "export.pdf"))

        def exported() -> bool:
            job = jobs[0] if jobs else None
            return job is None or getattr(job, "preview", None) is not None or getattr(job, "_done", False)

        step("exporting the evaluation PDF (worker thread, progress dialog)", export, settle=1.0, done=exported)
        meter.timer.stop()
        for top in app.topLevelWidgets():
            top.close()
        window.ctx.workspace.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps({"steps": steps, "notes": notes}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
