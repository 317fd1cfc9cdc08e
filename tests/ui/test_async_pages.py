"""Evaluate and Compare load on a worker thread: results arrive, stale ones are dropped, edits rescore in place."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject

from app.domain.models import Vendor
from app.services import banks, evaluations, live
from app.services.evaluation_view import format_total
from app.ui.compare import page as compare_page
from app.ui.context import AppContext
from app.ui.evaluate import page as evaluate_page
from app.ui.evaluate.models import RankingModel
from app.ui.tasks import Task, wait_for_workers
from tests.conftest import DEMO_EVALUATION

MAYA, OMNI = "Maya Chen (RevOps)", "OmniAI Solutions"


def ranking_totals(model: RankingModel) -> dict[str, str]:
    return {
        model.index(r, RankingModel.VENDOR).data(): model.index(r, RankingModel.TOTAL).data()
        for r in range(model.rowCount())
    }


@pytest.fixture
def demo_ctx(demo) -> Iterator[AppContext]:
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    yield ctx
    wait_for_workers()  # no worker may outlive the workspace


# ----- the helper ---------------------------------------------------------------------------


def test_task_delivers_on_the_gui_thread_and_drops_a_stale_result(qtbot) -> None:
    owner = QObject()
    task = Task(owner)
    gate = threading.Event()
    got: list[tuple[str, bool]] = []
    gui = threading.current_thread()

    def slow() -> str:
        gate.wait(10)  # still running when the newer request is made
        return "old"

    task.run(slow, lambda r: got.append((r, threading.current_thread() is gui)))
    assert task.busy
    with qtbot.waitSignal(task.finished):
        task.run(lambda: "new", lambda r: got.append((r, threading.current_thread() is gui)))
    assert got == [("new", True)]
    gate.set()
    assert wait_for_workers()
    qtbot.wait(0)  # let the stale result's queued signal arrive
    assert got == [("new", True)] and not task.busy


def test_task_reports_errors_and_progress_and_can_be_cancelled(qtbot) -> None:
    task = Task()
    errors: list[Exception] = []
    with qtbot.waitSignal(task.finished):
        task.run(lambda: 1 / 0, lambda r: None, errors.append)
    assert isinstance(errors[0], ZeroDivisionError)

    started, results = threading.Event(), []

    def long(progress, cancelled) -> str:
        progress(0.5, "half way")
        started.set()
        while not cancelled():
            threading.Event().wait(0.001)
        return "finished anyway"

    with qtbot.waitSignal(task.progressed) as seen:
        task.run(long, results.append, progress=True)
    assert seen.args == [0.5, "half way"]
    started.wait(10)
    with qtbot.waitSignal(task.finished):
        task.cancel()
    assert wait_for_workers()
    qtbot.wait(0)
    assert results == [] and not task.busy


def test_progress_reaches_the_window_once_per_percent_and_every_message(qtbot) -> None:
    # A report reports once per flowable; the dialog needs a whole percent or a new message.
    task = Task()
    seen: list[tuple[float, str]] = []
    task.progressed.connect(lambda f, m: seen.append((f, m)))

    def chatty(progress, cancelled) -> str:
        for i in range(2000):
            progress(i / 2000, "Laying out pages")
        progress(0.999, "Writing")
        return "done"

    with qtbot.waitSignal(task.finished):
        task.run(chatty, lambda r: None, progress=True)
    assert wait_for_workers()
    qtbot.wait(0)
    assert len(seen) == 101
    assert seen[0] == (0.0, "Laying out pages") and seen[-1] == (0.999, "Writing")
    assert [int(f * 100) for f, _ in seen[:-1]] == list(range(100))


# ----- Evaluate ------------------------------------------------------------------------------


def test_evaluate_shows_loading_then_results_from_the_worker(qtbot, demo_ctx) -> None:
    page = evaluate_page.Page(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert page.busy and page.loading.isVisible()
    assert not page.body.isEnabled()  # nothing to edit before the evaluation has arrived
    qtbot.waitUntil(lambda: not page.busy)
    assert not page.loading.isVisible() and page.body.isEnabled()
    assert page.results_panel.ranking.rowCount() == 4
    assert page.vendors_tab.vendor_list.count() == 4


def test_switching_evaluations_quickly_keeps_the_last_one(qtbot, demo, demo_ctx, monkeypatch) -> None:
    first = demo_ctx.current_evaluation
    bank = banks.list_banks(demo)[0]
    second = evaluations.create_evaluation(demo, "Second look", bank.version_id, ["Zoe"])
    evaluations.save_vendor(demo, second, Vendor("Only Vendor"))
    gate, stale_done = threading.Event(), threading.Event()
    real = live.LiveEvaluation.load

    def load(ws, eid, evaluator):  # the first evaluation's load finishes last
        if eid == first:
            gate.wait(10)
            try:
                return real(ws, eid, evaluator)
            finally:
                stale_done.set()
        return real(ws, eid, evaluator)

    monkeypatch.setattr(live.LiveEvaluation, "load", staticmethod(load))
    page = evaluate_page.Page(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()  # reads the list on the next turn and starts loading the demo evaluation …
    qtbot.waitUntil(lambda: page.evaluation_id == first and page.loader.busy)
    page.open_evaluation(second)  # … and the person picks another before it arrives
    qtbot.waitUntil(lambda: not page.busy)
    assert [page.vendors_tab.vendor_list.item(i).text() for i in range(page.vendors_tab.vendor_list.count())] == ["Only Vendor"]
    gate.set()
    assert stale_done.wait(10) and wait_for_workers()
    qtbot.wait(0)
    # The late demo result was dropped: the page still shows the evaluation picked last.
    assert page.evaluation_id == second and page.snapshot is not None
    assert page.snapshot.name == "Second look"
    assert [page.vendors_tab.vendor_list.item(i).text() for i in range(page.vendors_tab.vendor_list.count())] == ["Only Vendor"]


def test_answer_edit_rescores_in_place_and_matches_the_saved_score(qtbot, demo, demo_ctx, monkeypatch) -> None:
    page = evaluate_page.Page(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not page.busy)
    page.answers_tab.evaluator.setCurrentIndex(page.answers_tab.evaluator.findData(MAYA))
    page.answers_tab.evaluator.activated.emit(page.answers_tab.evaluator.currentIndex())
    qtbot.waitUntil(lambda: not page.busy)
    page.answers_tab.answer_vendor.setCurrentIndex(page.answers_tab.answer_vendor.findData(OMNI))
    page.answers_tab.answer_vendor.activated.emit(page.answers_tab.answer_vendor.currentIndex())
    loads: list[int] = []
    real = live.LiveEvaluation.load
    monkeypatch.setattr(
        live.LiveEvaluation, "load", staticmethod(lambda *a: loads.append(1) or real(*a))
    )
    before = ranking_totals(page.results_panel.ranking)
    page.answers_tab.answers.setFocus()
    page.answers_tab.answers.go_to("TR03")
    qtbot.keyClick(page.answers_tab.answers, "0")
    # No reload: the page's ScoreBoard changed one cell, synchronously.
    assert loads == [] and not page.busy
    after = ranking_totals(page.results_panel.ranking)
    assert after[OMNI] != before[OMNI]
    # Same figures as the service computes from the database, for what this evaluator may see.
    seen = page.live.seen if page.live is not None else None
    assert seen is not None
    expected = evaluations.results_for(seen)
    assert after == {v.vendor: format_total(v.total) for v in expected.ranking}
    if not page.live.blind:
        saved = evaluations.score(demo, DEMO_EVALUATION)
        assert after == {v.vendor: format_total(v.total) for v in saved.ranking}
    # Undo goes the same incremental way back.
    demo_ctx.undo_stack.undo()
    assert loads == [] and ranking_totals(page.results_panel.ranking) == before


def test_live_evaluation_matches_a_full_rescore_after_each_edit(demo) -> None:
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    state = live.LiveEvaluation.load(demo, eid, None)
    for value, note in (("1", None), ("", None), ("5", "re-checked"), ("", "")):
        evaluations.record_answer(demo, eid, OMNI, MAYA, "TR03", value or None, note)
        got = state.apply_answer(OMNI, MAYA, "TR03", value or None, note)
        fresh = live.LiveEvaluation.load(demo, eid, state.evaluator)
        assert [(v.vendor, v.total) for v in got.ranking] == [
            (v.vendor, v.total) for v in fresh.results.ranking
        ]
        assert state.answer(OMNI, MAYA, "TR03") == fresh.answer(OMNI, MAYA, "TR03")
        assert state.progress == fresh.progress
        assert {k: [f.key for f in fl] for k, fl in got.flags.items()} == {
            k: [f.key for f in fl] for k, fl in fresh.results.flags.items()
        }


def test_vendor_names_without_loading_answers(demo) -> None:
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    assert live.vendor_names(demo, eid) == [
        v.name for v in evaluations.load_snapshot(demo, eid).vendors
    ]


# ----- Compare -------------------------------------------------------------------------------


def test_compare_sensitivity_follows_on_the_worker_and_ignores_stale_weights(qtbot, demo_ctx) -> None:
    page = compare_page.Page(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.refresh()
    assert page.busy
    qtbot.waitUntil(lambda: not page.busy)
    assert "leads by" in page.margin_label.text()
    saved_share = dict(page.results.sensitivity.win_share) if page.results else {}
    page.set_whatif(True)
    page.set_factor("Commercials", 0.0)  # totals now, sensitivity later
    assert "Recomputing" in page.margin_label.text()
    page.recompute(with_sensitivity=True)
    first = page.sensitivity_task.generation
    page.set_factor("Commercials", 2.0)  # the weights move again before the worker reports
    page.recompute(with_sensitivity=True)
    assert page.sensitivity_task.generation > first
    qtbot.waitUntil(lambda: not page.busy)
    res = page.results
    assert res is not None and res.sensitivity.win_share
    expected = live.with_sensitivity(page.loaded, {"Commercials": 2.0}) if page.loaded else None
    assert expected is not None
    assert [(v.vendor, v.total) for v in res.ranking] == [(v.vendor, v.total) for v in expected.ranking]
    assert res.sensitivity.win_share != saved_share or res.sensitivity.margin is not None


def test_stages_let_the_window_react_between_parts_and_a_newer_run_replaces_the_rest(qtbot) -> None:
    import time
    from collections.abc import Callable

    from PySide6.QtCore import QTimer

    from app.ui.tasks import Stages

    owner = QObject()
    stages = Stages(owner)
    seen: list[str] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: seen.append("tick") if not seen or seen[-1] != "tick" else None)
    ticker.start()  # the window's own timers (a repaint, a key press) between the parts
    def part(name: str) -> Callable[[], None]:
        def draw() -> None:
            time.sleep(0.01)  # a table that takes a while: the timer is overdue when it is drawn
            seen.append(name)
        return draw

    def newer() -> None:  # a newer load arrives while the first is being drawn
        part("a1")()
        stages.run([part("b1"), part("b2")])

    stages.run([newer, part("a2"), part("a3")])
    assert stages.busy and seen == []  # nothing drawn before the event loop runs
    qtbot.waitUntil(lambda: not stages.busy)
    ticker.stop()
    parts = [s for s in seen if s != "tick"]
    assert parts == ["a1", "b1", "b2"]
    for before, after in zip(seen, seen[1:], strict=False):
        assert "tick" in (before, after), seen  # never two parts in one turn
