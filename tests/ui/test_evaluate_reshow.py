"""Switching back to Evaluate: it redraws what changed elsewhere meanwhile, and nothing when nothing did."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint

from app.services import banks, evaluations, live
from app.services.changes import Changes
from app.ui.context import AppContext
from app.ui.evaluate.models import AnswersModel
from app.ui.evaluate.page import Page
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from tests.ui.counting import Resets, shown


@pytest.fixture
def window(qtbot: Any, demo: Any) -> Iterator[MainWindow]:
    win = MainWindow(AppContext(demo))
    qtbot.addWidget(win)
    win.show()
    yield win
    wait_for_workers()  # no worker may outlive the workspace


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The evaluations the Evaluate page reads from the workspace, in order."""
    seen: list[int] = []
    real = live.LiveEvaluation.load

    def load(ws: Any, eid: int, evaluator: str | None) -> live.LiveEvaluation:
        seen.append(eid)
        return real(ws, eid, evaluator)

    monkeypatch.setattr(live.LiveEvaluation, "load", staticmethod(load))
    return seen


def show_evaluate(qtbot: Any, window: MainWindow) -> Page:
    return shown(qtbot, window, "evaluations", Page, lambda p: not p.busy and p.live is not None, 20_000)


def test_shown_again_with_nothing_changed_it_reads_and_rebuilds_nothing(qtbot: Any, window: MainWindow, loads: list[int]) -> None:
    page = show_evaluate(qtbot, window)
    assert len(loads) == 1
    answers = page.answers_tab.answers_model
    live_before = page.live
    resets = Resets(page.answers_tab.answers_model, page.flags.model, page.results_panel.ranking)
    for other in ("organization", "compare", "oversee"):
        window.show_page(other)
        qtbot.wait(20)
        assert show_evaluate(qtbot, window) is page
    # The same evaluation in memory, the same table models, none of them reset, nothing read again.
    assert len(loads) == 1
    assert page.live is live_before and page.answers_tab.answers_model is answers
    assert resets.count == 0


def test_an_answer_imported_while_elsewhere_shows_when_the_page_is_shown_again(
        qtbot: Any, window: MainWindow, demo: Any, loads: list[int]) -> None:
    page = show_evaluate(qtbot, window)
    eid, tab = page.evaluation_id, page.answers_tab
    evaluator, vendor = tab.current_evaluator(), tab.current_vendor()
    assert eid is not None and evaluator and vendor
    question = next(q for q in page.live.snapshot.bank.questions if q.type.value == "scale")
    shown = tab.answers_model.index_of(question.id, AnswersModel.ANSWER).data()
    new = "1" if not str(shown).startswith("1") else "3"

    window.show_page("compare")
    # A filled questionnaire read back saves the answer and says what it changed (app/ui/questionnaires.py).
    evaluations.record_answer(demo, eid, vendor, evaluator, question.id, new)
    window.ctx.announce(Changes(evaluation=eid, answers=True))
    assert loads == [eid]  # not read while nobody looks at it

    page = show_evaluate(qtbot, window)
    assert loads == [eid, eid]
    assert str(tab.answers_model.index_of(question.id, AnswersModel.ANSWER).data()).startswith(new)


def test_a_change_to_another_evaluation_does_not_reload_the_one_shown(
        qtbot: Any, window: MainWindow, demo: Any, loads: list[int]) -> None:
    page = show_evaluate(qtbot, window)
    bank = banks.list_banks(demo)[0]
    other = evaluations.create_evaluation(demo, "Second look", bank.version_id, ["Zoe"])
    window.show_page("organization")
    window.ctx.announce(Changes(evaluations=True))  # a new evaluation: the picker lists it
    window.ctx.announce(Changes(evaluation=other, vendors=True))
    show_evaluate(qtbot, window)
    assert loads == [page.evaluation_id]
    assert page.picker.findData(other) >= 0


def test_an_evaluation_chosen_on_compare_is_the_one_shown_on_evaluate(
        qtbot: Any, window: MainWindow, demo: Any, loads: list[int]) -> None:
    page = show_evaluate(qtbot, window)
    bank = banks.list_banks(demo)[0]
    other = evaluations.create_evaluation(demo, "Second look", bank.version_id, ["Zoe"])
    window.ctx.announce(Changes(evaluations=True))
    window.show_page("compare")
    window.ctx.select_evaluation(other)  # what Compare's picker does
    page = show_evaluate(qtbot, window)
    assert page.evaluation_id == other and page.picker.currentData() == other
    assert page.snapshot is not None and page.snapshot.name == "Second look"
    assert loads[-1] == other


def test_shown_for_the_first_time_it_says_loading_at_once_then_shows_the_evaluation(
        qtbot: Any, window: MainWindow, loads: list[int]) -> None:
    page = window.show_page("evaluations")
    assert isinstance(page, Page)
    # The page paints before anything is read: "Loading…", neither the empty state nor the tabs.
    assert page.busy and page.loading.isVisible() and loads == []
    assert not page.empty.isVisible() and not page.body.isVisible()
    page.layout().activate()
    assert page.picker.mapTo(page, QPoint(0, 0)).y() < page.height() // 4  # the bar stays at the top
    page = show_evaluate(qtbot, window)
    assert not page.loading.isVisible() and page.body.isVisible() and page.body.isEnabled()
    assert page.picker.count() >= 1 and loads == [page.evaluation_id]


def test_an_answer_undone_on_another_page_is_undone_on_evaluate_when_shown_again(
        qtbot: Any, window: MainWindow, loads: list[int]) -> None:
    page = show_evaluate(qtbot, window)
    tab = page.answers_tab
    question = next(q for q in page.live.snapshot.bank.questions if q.type.value == "scale")
    before = tab.answers_model.index_of(question.id, AnswersModel.ANSWER).data()
    new = "1" if not str(before).startswith("1") else "3"
    tab.record(question.id, new, None)
    assert str(tab.answers_model.index_of(question.id, AnswersModel.ANSWER).data()).startswith(new)
    window.show_page("compare")
    window.ctx.undo_stack.undo()  # Ctrl+Z while Compare is on screen
    page = show_evaluate(qtbot, window)
    assert tab.answers_model.index_of(question.id, AnswersModel.ANSWER).data() == before
