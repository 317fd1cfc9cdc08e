"""A save that fails in the app is told to the person and leaves no undo step (issue #19, item 4).

Once, "database is locked" (a command-line import holding the write lock) escaped the undo
command: a traceback on stderr only, the cell went back, the undo stack counted the failed edit
and the next Ctrl+Z raised KeyError. Here another connection really holds the write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from app.services import evaluations
from app.store import workspace as workspace_module
from app.ui.context import AppContext
from app.ui.evaluate.page import Page
from tests.conftest import DEMO_EVALUATION
from tests.ui.test_evaluate import answer, choose, settle

MAYA, OMNI = "Maya Chen (RevOps)", "OmniAI Solutions"


@pytest.fixture
def held_lock(demo, monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a long write transaction (the app waits 0.2 s, not 30)."""
    monkeypatch.setattr(workspace_module, "LOCK_WAIT_SECONDS", 0.2)
    demo.engine.dispose()  # new connections take the short wait
    other = sqlite3.connect(demo.db, isolation_level=None)
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_an_answer_that_cannot_be_saved_says_why_and_leaves_no_undo_step(qtbot, demo, held_lock) -> None:
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    messages: list[str] = []
    ctx.status_message.connect(messages.append)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    settle(qtbot, page)
    choose(page.answers_tab.evaluator, MAYA)
    settle(qtbot, page)
    choose(page.answers_tab.answer_vendor, OMNI)
    before = answer(demo, OMNI, MAYA, "TR03")
    assert before is not None and before[0] != "1"

    held_lock.execute("BEGIN IMMEDIATE")  # a command-line import is writing
    page.answers_tab.answers.setFocus()
    page.answers_tab.answers.go_to("TR03")
    qtbot.keyClick(page.answers_tab.answers, "1")  # pytest-qt fails the test on an escaped exception

    assert ctx.undo_stack.count() == 0  # no phantom step
    assert any("busy" in m and "Nothing was changed" in m for m in messages), messages
    assert "busy" in page.answers_tab.error.text()
    assert not any("SELECT" in m or "UPDATE" in m or "INSERT" in m for m in messages)
    held_lock.execute("ROLLBACK")
    assert answer(demo, OMNI, MAYA, "TR03") == before
    ctx.undo_stack.undo()  # once: KeyError: 'value'
    assert answer(demo, OMNI, MAYA, "TR03") == before

    # With the lock gone the same keystroke saves and is one undo step.
    assert page.answers_tab.answers_model.cell("TR03").value == before[0]  # the cell shows what is saved
    page.answers_tab.answers.go_to("TR03")
    qtbot.keyClick(page.answers_tab.answers, "1")
    assert answer(demo, OMNI, MAYA, "TR03") == ("1", before[1])
    assert ctx.undo_stack.count() == 1


def test_an_undo_that_cannot_be_saved_says_why_and_keeps_the_stack_consistent(qtbot, demo, held_lock) -> None:
    from app.ui.undo import push

    ctx = AppContext(demo)
    messages: list[str] = []
    ctx.status_message.connect(messages.append)
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    snap = evaluations.load_snapshot(demo, eid)
    maya = snap.evaluators[0].name

    def put(value: str) -> None:
        evaluations.record_answer(demo, eid, OMNI, maya, "TR03", value, "")

    before = answer(demo, OMNI, maya, "TR03")
    assert push(ctx, "answer", lambda: put("1"), lambda: put(before[0]))
    held_lock.execute("BEGIN IMMEDIATE")
    ctx.undo_stack.undo()
    assert any(m.startswith("Undo failed:") and "busy" in m for m in messages), messages
    assert ctx.undo_stack.count() == 0 and not ctx.undo_stack.canRedo()
    held_lock.execute("ROLLBACK")
    assert answer(demo, OMNI, maya, "TR03")[0] == "1"  # the data is as the failed undo left it
