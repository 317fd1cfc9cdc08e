"""A short soak in the test process: thousands of repaints, hundreds of answer edits with undo/redo.

On Python 3.11 None is an ordinary object: a binding that drops references to it on each call
aborts the app ("none_dealloc") after a few thousand calls (PySide6 6.12.0 does this on every
call returning None). These tests fail on such a binding long before a user would lose work,
and they fail if the app's own code loses None (a Python override on the paint path did).
`make soak` is the long version: the real app in its own process, driven by keystrokes.
"""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import evaluations
from app.ui.context import AppContext
from app.ui.main_window import PAGES, MainWindow
from app.ui.tasks import wait_for_workers
from app.ui.theme import NaturalSortArrows
from tests.conftest import DEMO_EVALUATION

REPAINTS_PER_PAGE = 400  # 6 pages: 2,400 full-window repaints
EDITS = 250  # each followed by an undo and a redo


def none_refs() -> int:
    gc.collect()
    return sys.getrefcount(None)


@pytest.fixture
def app_style():  # type: ignore[no-untyped-def]
    """The style the app runs with (its sort arrows are drawn by a Python override)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.style().name()
    app.setStyle(NaturalSortArrows())
    yield
    app.setStyle(original)


@pytest.fixture
def window(qtbot, demo, app_style):  # type: ignore[no-untyped-def]
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    wait_for_workers()


def show_page(qtbot, win: MainWindow, row: int) -> None:  # type: ignore[no-untyped-def]
    win.sidebar.setCurrentRow(row)
    page = win.stack.currentWidget()
    def loaded() -> bool:
        # Pages that load on a worker say so with a `busy` (or Oversee's `loading`) property.
        return not any(getattr(page, name, False) is True for name in ("busy", "loading"))

    qtbot.waitUntil(loaded)
    wait_for_workers()
    QApplication.processEvents()


def test_every_page_repainted_thousands_of_times_keeps_none_alive(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for row in range(len(PAGES)):  # every page built and loaded once (caches filled)
        show_page(qtbot, window, row)
        window.repaint()
    for row, spec in enumerate(PAGES):
        show_page(qtbot, window, row)
        window.repaint()
        before = none_refs()
        for _ in range(REPAINTS_PER_PAGE):
            window.repaint()  # synchronous: every table, header, icon and chart is drawn
        after = none_refs()
        # Painting the same page again keeps nothing: the count of references to None is flat.
        assert after == before, f"{spec.key}: None refcount {before} -> {after} over {REPAINTS_PER_PAGE} repaints"


def test_hundreds_of_keyboard_answers_with_undo_and_redo_keep_none_alive(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    evaluate = [s.key for s in PAGES].index("evaluations")
    show_page(qtbot, window, evaluate)
    page = window.page("evaluations")
    stack = window.ctx.undo_stack
    view = page.answers_tab.answers
    model = page.answers_tab.answers_model
    questions = [q for section in model._questions for q in section]
    scale = [q for q in questions if q.type.value == "scale"][:6]
    assert scale, "the demo bank has 0–5 scale questions"
    view.setFocus()
    values = "012345"

    def edit(i: int) -> None:
        q = scale[i % len(scale)]
        view.go_to(q.id)
        qtbot.keyClick(view, values[i % 6])
        stack.undo()
        stack.redo()
        assert model.cell(q.id).value == values[i % 6]

    for i in range(20):  # warm-up: editors, undo commands and rescoring all exist once
        edit(i)
    window.repaint()
    before = none_refs()
    for i in range(EDITS):
        edit(i)
        if i % 25 == 0:
            window.repaint()
    wait_for_workers()
    QApplication.processEvents()
    after = none_refs()
    # The undo stack keeps every command (and what each holds), so the count may grow a little;
    # it must never fall, or the process ends with "deallocating None".
    assert after >= before, f"None refcount fell from {before} to {after} over {EDITS} edits"
    assert after - before < 20 * EDITS, f"None refcount grew by {after - before} over {EDITS} edits"
    assert stack.count() >= EDITS
    assert window.isVisible()
    assert Qt.WindowState.WindowMinimized not in window.windowState()
