"""The flow checklist under the sidebar: each step ticks when the workspace says it is done."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.services import evaluations
from app.services.changes import Changes
from app.ui.context import AppContext
from app.ui.evaluate.page import Page as EvaluatePage
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.ui.counting import shown


def _window(qtbot: Any, ws: Any) -> MainWindow:
    win = MainWindow(AppContext(ws))
    qtbot.addWidget(win)
    win.show()
    return win


def _marks(win: MainWindow) -> dict[str, bool]:
    return {key: b.text().startswith("✓") for key, b in win.checklist.buttons.items()}


def test_a_new_workspace_starts_with_the_profile(qtbot: Any, workspace: Any) -> None:
    win = _window(qtbot, workspace)
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    assert not any(_marks(win).values())
    assert win.checklist.buttons["profile"].font().bold()  # the next thing to do
    assert [b.text()[3:] for b in win.checklist.buttons.values()] == [
        "Organization profile", "Use case", "Vendors", "Answers submitted", "Compare", "Partner selected"]
    qtbot.mouseClick(win.checklist.buttons["use_case"], Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.page("usecases")
    wait_for_workers()


def test_at_start_up_the_demo_shows_every_step_done_before_evaluate_is_opened(qtbot: Any, demo: Any) -> None:
    win = _window(qtbot, demo)  # no page has chosen an evaluation: the checklist finds it itself
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    assert "evaluations" not in win._pages  # Evaluate was not built for it
    assert win.ctx.current_evaluation == evaluations.evaluation_id(demo, DEMO_EVALUATION)
    assert all(_marks(win).values())
    assert win.checklist.buttons["submitted"].toolTip() == "Done — 2 of 2 evaluators"
    assert not any(b.font().bold() for b in win.checklist.buttons.values())  # nothing left to do
    wait_for_workers()


def test_a_new_window_works_on_the_evaluation_last_used_in_that_workspace(qtbot: Any, demo: Any) -> None:
    from app.domain.models import Vendor
    from app.services import banks

    demo_id = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    bank = banks.list_banks(demo)[0]
    newer = evaluations.create_evaluation(demo, "Routing partner", bank.version_id, ["Ana"])
    evaluations.save_vendor(demo, newer, Vendor(name="Northwind AI"))
    first = _window(qtbot, demo)
    qtbot.waitUntil(lambda: bool(first.checklist.steps))
    assert first.ctx.current_evaluation == newer  # nothing used yet: the newest, as the pickers choose
    assert first.checklist.buttons["vendors"].toolTip() == "To do — 1 of at least 2"
    first.ctx.select_evaluation(demo_id)
    first.close()

    again = _window(qtbot, demo)  # the app opened again on the same workspace
    qtbot.waitUntil(lambda: bool(again.checklist.steps))
    assert again.ctx.current_evaluation == demo_id
    assert all(_marks(again).values())
    page = shown(qtbot, again, "evaluations", EvaluatePage, lambda p: p.live is not None)
    assert page.picker.currentData() == page.evaluation_id == demo_id  # Evaluate opens the same one
    wait_for_workers()


def test_without_any_evaluation_its_steps_say_to_create_one_instead_of_to_do(qtbot: Any, workspace: Any) -> None:
    win = _window(qtbot, workspace)
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    assert win.ctx.current_evaluation is None
    vendors = win.checklist.buttons["vendors"]
    assert vendors.text() == "–  Vendors"
    assert vendors.toolTip() == "Not applicable — create an evaluation first"
    assert vendors.accessibleName() == "Vendors: Not applicable — create an evaluation first"
    for key in ("submitted", "compare", "select"):
        assert win.checklist.buttons[key].text().startswith("–")
    assert "0 of 0" not in win.checklist.buttons["submitted"].toolTip()
    qtbot.mouseClick(vendors, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.page("evaluations")
    wait_for_workers()


def test_the_demo_is_complete_and_reopening_scoring_unticks_submitted(qtbot: Any, demo: Any) -> None:
    # The demo's evaluators have submitted (its partner was chosen after the comparison).
    win = _window(qtbot, demo)
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    win.ctx.select_evaluation(eid)
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    assert all(_marks(win).values())
    evaluations.set_submitted(demo, eid, "Daniel Okafor (Data)", False)
    win.ctx.announce(Changes(evaluation=eid, evaluators=True))
    qtbot.waitUntil(lambda: _marks(win)["submitted"] is False)
    assert win.checklist.buttons["submitted"].toolTip() == "To do — 1 of 2 evaluators"
    wait_for_workers()


def test_compare_ticks_once_everyone_submitted_and_the_comparison_was_seen(qtbot: Any, workspace: Any) -> None:
    from app.domain.models import Organization, Vendor
    from app.services import banks, organization

    organization.save(workspace, Organization(name="Acme Freight", industry="logistics"))
    bank = banks.list_banks(workspace)[0]
    eid = evaluations.create_evaluation(workspace, "Dispatch partner", bank.version_id, ["Ana"])
    for name in ("Northwind AI", "Fjord Analytics"):
        evaluations.save_vendor(workspace, eid, Vendor(name=name))
    win = _window(qtbot, workspace)
    win.ctx.select_evaluation(eid)
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    assert _marks(win) == {"profile": True, "use_case": False, "vendors": True, "submitted": False,
                           "compare": False, "select": False}
    win.show_page("compare")  # looked at before everyone submitted: not yet a comparison
    assert not _marks(win)["compare"]
    evaluations.set_submitted(workspace, eid, "Ana")
    win.ctx.announce(Changes(evaluation=eid, evaluators=True))
    win.show_page("organization")
    qtbot.waitUntil(lambda: _marks(win)["submitted"])  # read on the next turn of the event loop
    assert not _marks(win)["compare"]
    assert win.checklist.buttons["use_case"].font().bold()
    win.show_page("compare")
    assert _marks(win)["compare"] and not _marks(win)["select"]
    wait_for_workers()


def test_a_burst_of_changes_is_read_once_after_the_slots_that_announced_them(
        qtbot: Any, demo: Any, monkeypatch: Any) -> None:
    from app.services import progress

    win = _window(qtbot, demo)
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    reads: list[int | None] = []
    real = progress.flow
    monkeypatch.setattr(progress, "flow", lambda ws, eid, compared=False: reads.append(eid) or real(ws, eid, compared))
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    # Choosing an evaluation and the edits that follow in the same turn: none of their slots
    # reads the workspace; the checklist reads it once, after them.
    win.ctx.select_evaluation(eid)
    win.ctx.announce(Changes(evaluation=eid, vendors=True))
    win.ctx.announce(Changes(evaluation=eid, evaluators=True))
    assert reads == []
    qtbot.waitUntil(lambda: reads == [eid])
    qtbot.wait(30)
    assert reads == [eid]
    assert all(_marks(win).values())  # the demo's evaluation: every step done
    wait_for_workers()
