"""The vendor profile editor writes only what a person edits (issue #19, items 2 and 3).

Once, leaving a field without typing saved the widgets' rounded or clamped values (12,000
deployments became 10,000, 5.25 months 5.3, 145,000.5 became 145,001, CRLF became LF), and any
single edit wrote back the whole profile as loaded, undoing what the command line saved meanwhile.
"""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from app.domain.models import Pricing, Timeline, Vendor
from app.services import evaluations
from app.ui.context import AppContext
from app.ui.evaluate.page import Page
from app.ui.tasks import wait_for_workers
from app.ui.widgets.conflict_dialog import ConflictDialog
from tests.ui.test_evaluate import ANA, BEN, settle
from tests.ui.test_oversee import with_dialog

NAME = "Northwind AI"
PROFILE = Vendor(
    NAME,
    claims="Line one\r\nLine two\r\n",
    production_deployments_in_industry=12_000,
    timeline=Timeline(5.25, [], "Kickoff\r\nthen go-live"),
    pricing=Pricing("fixed", 145_000.5, "EUR"),
)


@pytest.fixture
def editor_page(qtbot, workspace):
    from app.services import banks

    bank = banks.list_banks(workspace)[0]
    eid = evaluations.create_evaluation(workspace, "Partner 2027", bank.version_id, [ANA, BEN])
    evaluations.save_vendor(workspace, eid, PROFILE)
    ctx = AppContext(workspace)
    ctx.current_evaluation = eid
    page = Page(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.refresh()
    settle(qtbot, page)
    page.tabs.setCurrentWidget(page.vendors_tab)
    page.vendors_tab.vendor_list.setCurrentRow(0)
    assert page.vendors_tab.vendor_editor.vendor == PROFILE
    yield workspace, eid, page
    wait_for_workers()


def saved(ws, eid) -> Vendor:
    return evaluations.load_snapshot(ws, eid).vendor(NAME)


def test_leaving_fields_without_typing_writes_nothing(qtbot, editor_page) -> None:
    ws, eid, page = editor_page
    editor = page.vendors_tab.vendor_editor
    for widget in (editor.deployments, editor.months, editor.amount, editor.claims, editor.timeline_text, editor.name):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)  # through every field, typing nothing
    editor.deployments.editingFinished.emit()
    editor.months.editingFinished.emit()
    editor.amount.editingFinished.emit()
    editor.claims.editing_finished.emit()
    assert saved(ws, eid) == PROFILE  # 12,000, 5.25, 145,000.5 and CRLF exactly
    assert page.ctx.undo_stack.count() == 0


def test_an_edit_writes_only_its_field_and_keeps_what_was_saved_meanwhile(qtbot, editor_page) -> None:
    ws, eid, page = editor_page
    editor = page.vendors_tab.vendor_editor
    # Meanwhile the command line (an answers import) saves new claims and a new price.
    meanwhile = dataclasses.replace(PROFILE, claims="New claims from the questionnaire",
                                    pricing=Pricing("fixed", 99_000, "EUR"))
    evaluations.save_vendor(ws, eid, meanwhile, old_name=NAME)
    # In the app the person changes only the demo rating, on the form loaded before.
    editor.demo.setCurrentIndex(editor.demo.findData(4.0))
    editor.demo.activated.emit(editor.demo.currentIndex())
    now = saved(ws, eid)
    assert now.demo_rating == 4.0
    assert now.claims == "New claims from the questionnaire" and now.pricing.amount == 99_000
    assert now.production_deployments_in_industry == 12_000 and now.timeline.kickoff_to_production_months == 5.25
    page.ctx.undo_stack.undo()  # undo takes back the rating only
    now = saved(ws, eid)
    assert now.demo_rating is None and now.claims == "New claims from the questionnaire"


def test_a_field_changed_on_both_sides_is_refused_with_both_values(qtbot, editor_page) -> None:
    ws, eid, page = editor_page
    editor = page.vendors_tab.vendor_editor
    messages: list[str] = []
    page.ctx.status_message.connect(messages.append)
    evaluations.save_vendor(ws, eid, dataclasses.replace(PROFILE, demo_rating=2.0), old_name=NAME)
    shown: list[list[str]] = []

    def reload(dialog: ConflictDialog) -> None:
        table = dialog.table
        shown.extend([table.item(r, c).text() for c in range(3)] for r in range(table.rowCount()))
        dialog.reload_button.click()

    errors = with_dialog(ConflictDialog, reload)
    editor.demo.setCurrentIndex(editor.demo.findData(4.0))
    editor.demo.activated.emit(editor.demo.currentIndex())
    assert not errors
    assert shown == [["demo rating", "'2'", "'4'"]]  # the person saw both values and chose to reload
    assert saved(ws, eid).demo_rating == 2.0  # not overwritten unseen
    assert page.ctx.undo_stack.count() == 0
    message = next(m for m in messages if "changed elsewhere" in m)
    assert "demo rating: saved meanwhile '2', yours '4'" in message
    assert editor.demo.currentData() == 2.0  # the form now shows what is saved


def test_saving_mine_over_theirs_is_a_deliberate_choice_and_keeps_their_other_fields(qtbot, editor_page) -> None:
    ws, eid, page = editor_page
    editor = page.vendors_tab.vendor_editor
    # Meanwhile a colleague sets the rating to 2 and the price to 99,000.
    evaluations.save_vendor(ws, eid, dataclasses.replace(PROFILE, demo_rating=2.0,
                                                         pricing=Pricing("fixed", 99_000, "EUR")), old_name=NAME)
    errors = with_dialog(ConflictDialog, lambda dialog: dialog.overwrite_button.click())
    editor.demo.setCurrentIndex(editor.demo.findData(4.0))
    editor.demo.activated.emit(editor.demo.currentIndex())
    assert not errors
    now = saved(ws, eid)
    assert now.demo_rating == 4.0  # mine, chosen over theirs in the dialog
    assert now.pricing.amount == 99_000  # their price (I did not touch it) stays
    assert page.ctx.undo_stack.count() == 1
    page.ctx.undo_stack.undo()  # undo puts their rating back, not the one I loaded
    assert saved(ws, eid).demo_rating == 2.0 and saved(ws, eid).pricing.amount == 99_000
