"""The other conversations through real widgets: the dashboard's conversation, decisions blocked on
the executive and spend against the quote; the review form's minutes, timer, clarity, spend and decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QTableWidgetItem, QWidget

from app.store.workspace import Workspace, open_workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.oversee.page import Page
from app.ui.widgets.verdict import VerdictChip
from tests.services.test_engagements import CONVERSION, FIRST_TOUCH


def rows(ws: Workspace, sql: str) -> list[Any]:
    with ws.engine.connect() as con:
        return list(con.exec_driver_sql(sql).all())


def open_demo(qtbot: Any, demo_path: Any) -> tuple[MainWindow, Page, Workspace]:
    ws = open_workspace(demo_path)
    window = MainWindow(AppContext(ws))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    qtbot.waitUntil(lambda: not page.loading and page.oversight is not None, timeout=10000)
    return window, page, ws


def test_dashboard_says_the_conversation_and_shows_what_is_blocked_on_you_first(qtbot: Any, demo_path: Any) -> None:
    window, page, ws = open_demo(qtbot, demo_path)
    dash = page.dashboard
    chip = dash.findChild(VerdictChip, "conversation")
    assert chip is not None and chip.text() == "Milestones met, value not materialising"
    # "Blocked on you" comes before the status grid and the flags.
    boxes = [w for w in dash.body.findChildren(QGroupBox) if w.parent() is dash.body]
    assert boxes[0].objectName() == "blockedOnYou"
    waiting = [w.text() for w in boxes[0].findChildren(QLabel, "waitingDecision")]
    assert waiting == [
        "Fund a near-real-time usage feed (about USD 18,000) or accept next-day scoring for trial leads. "
        "— CFO, due 2026-11-15, raised in the 2026-10 review",
        "Name an owner for SDR adoption in the pilot pods before the rollout to all 12 SDRs. "
        "— VP Sales, due 2026-12-10, raised in the 2026-11 review",
    ]
    # Spend is charted against the quote.
    assert dash.spend_chart is not None
    assert dash.spend_chart.series_names() == ["Spent", "Quote, pro rata", "Limit (+25 %)"]
    summary = dash.findChild(QLabel, "spendSummary")
    assert summary is not None and "Quoted price: 145,000 USD" in summary.text()
    assert "Spent 123,000 by 2026-11" in summary.text()
    # The cost threshold is the engagement's own (123,000 spent is below the quote pro rata, so
    # only the limit line moves).
    assert dash.threshold is not None and dash.threshold.value() == 25
    dash.threshold.setValue(10)
    dash.threshold.editingFinished.emit()
    assert rows(ws, "SELECT cost_threshold FROM engagement") == [(0.10,)]
    qtbot.waitUntil(lambda: page.dashboard.spend_chart is not None
                    and "Limit (+10 %)" in page.dashboard.spend_chart.series_names(), timeout=10000)
    window.ctx.undo_stack.undo()
    assert rows(ws, "SELECT cost_threshold FROM engagement") == [(0.25,)]
    dash = page.dashboard
    boxes = [w for w in dash.body.findChildren(QGroupBox) if w.parent() is dash.body]
    # Deciding takes the decision off the list, and undo puts it back.
    qtbot.mouseClick(boxes[0].findChildren(QPushButton, "decide")[0], Qt.MouseButton.LeftButton)
    assert rows(ws, "SELECT decided_on FROM review_decision WHERE text LIKE 'Fund%'") == [(date.today().isoformat(),)]
    qtbot.waitUntil(lambda: len(page.dashboard.findChildren(QLabel, "waitingDecision")) == 1, timeout=10000)
    window.ctx.undo_stack.undo()
    assert rows(ws, "SELECT decided_on FROM review_decision WHERE text LIKE 'Fund%'") == [(None,)]


def test_review_form_records_minutes_clarity_spend_and_decisions(qtbot: Any, demo_path: Any) -> None:
    _window, page, ws = open_demo(qtbot, demo_path)
    page.tabs.setCurrentWidget(page.review_form)
    form = page.review_form
    meeting = form.meeting
    assert form.current_month() == "2026-12"
    # The form says the month's conversation as the typed review would make it.
    form.month.setDate(QDate(2026, 11, 1))
    qtbot.mouseClick(form.edit_saved, Qt.MouseButton.LeftButton)
    assert form.conversation.text() == "Milestones met, value not materialising"
    form.month.setDate(QDate(2026, 9, 1))
    qtbot.mouseClick(form.edit_saved, Qt.MouseButton.LeftButton)
    assert form.conversation.text() == "On track: milestones met and value arriving"
    form.reset()
    form.rows[CONVERSION].actual.setText("9")
    form.rows[FIRST_TOUCH].actual.setText("6")
    form.plan.setPlainText("Weekly override review")
    # The earlier reviews' decisions show whether each was taken.
    assert "2026-10: Fund a near-real-time usage feed" in meeting.earlier.text()
    assert "still open" in meeting.earlier.text() and "decided on 2026-10-02" in meeting.earlier.text()
    # The 30-minute rule, on its boundary.
    meeting.minutes.setValue(30)
    assert meeting.overrun.isHidden()
    meeting.minutes.setValue(31)
    assert not meeting.overrun.isHidden()
    assert meeting.overrun.text() == "This review raises a yellow flag: over 30 minutes."
    meeting.minutes.setValue(30)
    meeting.explained.setChecked(False)
    assert meeting.overrun.text() == "This review raises a yellow flag: progress not explained."
    # The timer fills in the minutes when stopped.
    qtbot.mouseClick(meeting.timer_button, Qt.MouseButton.LeftButton)
    assert meeting.timer_button.text() == "Stop timer"
    qtbot.mouseClick(meeting.timer_button, Qt.MouseButton.LeftButton)
    assert meeting.timer_button.text() == "Start timer" and meeting.minutes.value() == 1
    meeting.minutes.setValue(35)
    qtbot.keyClicks(meeting.spend, "30500")
    qtbot.mouseClick(meeting.add_button, Qt.MouseButton.LeftButton)
    for col, text in enumerate(["Approve the rollout budget", "CFO", "2026-13-01"]):
        meeting.table.setItem(0, col, QTableWidgetItem(text))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.error.text() == "Decision 1: '2026-13-01' is not a date (YYYY-MM-DD)."
    assert rows(ws, "SELECT COUNT(*) FROM monthly_review WHERE month = '2026-12'") == [(0,)]
    meeting.table.setItem(0, 2, QTableWidgetItem("2027-01-15"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert rows(ws, "SELECT minutes, explained, spend_amount, spend_currency FROM monthly_review WHERE month = '2026-12'") == [
        (35.0, 0, 30500.0, "USD")
    ]
    assert rows(ws, "SELECT d.text, d.owner, d.due, d.decided_on FROM review_decision d JOIN monthly_review r "
                    "ON r.id = d.review_id WHERE r.month = '2026-12'") == [("Approve the rollout budget", "CFO", "2027-01-15", None)]
    # Two overrunning reviews in a row? November was fine, so December's flag is yellow (low).
    qtbot.waitUntil(lambda: page.oversight is not None and page.oversight.engagement.reviews[-1].month == "2026-12", timeout=10000)
    flags = {(f.rule, f.subject): f.severity.value for f in page.oversight.flags}
    assert flags[("review_overrun", "2026-12")] == "low"
    assert isinstance(page.dashboard.findChild(QWidget, "blockedOnYou"), QGroupBox)


def test_retrospective_tab_sets_promises_and_section_scores_beside_what_happened(qtbot: Any, demo_path: Any) -> None:
    _window, page, _ws = open_demo(qtbot, demo_path)
    page.tabs.setCurrentWidget(page.retrospective)
    view = page.retrospective
    assert view.outcome.text() == "Outcome so far: Milestones met, value not materialising"
    table = view.promises
    lines = {table.item(r, 0).text(): (table.item(r, 2).text(), table.cellWidget(r, 3).text()) for r in range(table.rowCount())}
    assert lines["Milestone: SDR pilot with two pods"] == ("reached on 2026-10-30", "kept")
    assert lines["Milestone: Production for all 12 SDRs"] == ("not due yet", "too early")
    assert lines["Price"][0].startswith("123,000 spent against") and lines["Price"][1] == "kept"
    assert lines["Are training and change management included in the price?"] == ("value not materialising", "not kept")
    sections = [view.sections.item(r, 0).text() for r in range(view.sections.rowCount())]
    assert "Adoption & change" in sections
