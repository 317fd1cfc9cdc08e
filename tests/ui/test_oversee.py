"""The Oversee flow through real widgets: select the partner, two off-track reviews, the red flag."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.services import engagements, evaluations
from app.services.changes import Changes
from app.store.workspace import Workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.oversee.dialogs import AcknowledgeDialog, ChangeMetricDialog, SelectPartnerDialog
from app.ui.oversee.page import Page, select_partner
from tests.conftest import DEMO_ENGAGEMENT
from tests.services.test_engagements import (
    CONVERSION,
    FIRST_TOUCH,
    VENDOR,
    count,
    import_fresh_evaluation,
)

D = TypeVar("D", bound=QDialog)


def rows(ws: Workspace, sql: str, *params: object) -> list[Any]:
    with ws.engine.connect() as con:
        return list(con.exec_driver_sql(sql, params).all())


def with_dialog(cls: type[D], action: Callable[[D], None]) -> list[BaseException]:
    """Run `action` on the modal dialog of type `cls` once it is open; a failure closes it (no hang)."""
    errors: list[BaseException] = []

    def run() -> None:
        dialogs = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()
        ]
        if not dialogs:
            QTimer.singleShot(10, run)
            return
        dialog = dialogs[0]
        try:
            action(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test after exec returns
            errors.append(exc)
            dialog.reject()

    QTimer.singleShot(0, run)
    return errors


@pytest.fixture
def window(qtbot: Any, workspace: Workspace) -> Iterator[MainWindow]:
    ctx = AppContext(workspace)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    yield w


def oversee(window: MainWindow) -> Page:
    page = window.page("oversee")
    assert isinstance(page, Page)
    return page


def loaded(qtbot: Any, page: Page) -> Page:
    """Showing the page loads the engagement on a worker; wait for it to arrive."""
    qtbot.waitUntil(lambda: not page.loading and page.oversight is not None, timeout=10000)
    return page


def set_month(page: Page, year: int, month: int) -> None:
    page.review_form.month.setDate(QDate(year, month, 1))


def flag_messages(page: Page) -> list[str]:
    return [b.findChild(QWidget, "flagMessage").text() for b in page.dashboard.flag_boxes]  # type: ignore[union-attr]


def type_actual(qtbot: Any, page: Page, metric: str, text: str) -> None:
    edit = page.review_form.rows[metric].actual
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_select_partner_to_a_flagged_review(
    qtbot: Any, window: MainWindow, workspace: Workspace
) -> None:
    ev = evaluations.evaluation_id(workspace, import_fresh_evaluation(workspace))

    # --- "Select this partner": the dialog shows what kickoff locks ---
    def fill(d: SelectPartnerDialog) -> None:
        table = d.metrics
        assert table.rowCount() == 2
        cells = [table.item(0, c).text() for c in range(table.columnCount())]
        assert cells[:5] == [CONVERSION, "8 %", "12 %", "up", "2027-06-30"]
        assert cells[6] == "Maya Chen (RevOps)"
        assert "Promised kickoff to production: 5 months" in d.promise.text()
        assert "month 3: First model scoring in shadow mode" in d.promise.text()
        assert d.ok.isEnabled()
        d.name.clear()
        qtbot.keyClicks(d.name, "Scoring rollout")
        d.kickoff.setDate(QDate(2026, 7, 1))
        qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)

    errors = with_dialog(SelectPartnerDialog, fill)
    eid = select_partner(window, window.ctx, ev, VENDOR)
    assert not errors, errors
    assert eid is not None
    page = loaded(qtbot, oversee(window))
    assert window.stack.currentWidget() is page
    assert page.engagement_id == eid
    assert page.picker.currentText() == f"Scoring rollout — {VENDOR}"
    assert rows(workspace, "SELECT name, vendor, kickoff, promised_months FROM engagement") == [
        ("Scoring rollout", VENDOR, "2026-07-01", 5.0)
    ]
    assert rows(
        workspace,
        "SELECT name, baseline, target, direction FROM engagement_metric ORDER BY position",
    ) == [(CONVERSION, 8.0, 12.0, "up"), (FIRST_TOUCH, 20.0, 4.0, "down")]
    assert count(workspace, "engagement_milestone") == 4
    assert (
        "Locked at kickoff: 8 % → 12 % by 2027-06-30"
        in page.dashboard.findChild(QWidget, "locked").text()
    )  # type: ignore[union-attr]

    # --- the first review: the month defaults to the kickoff month ---
    page.tabs.setCurrentWidget(page.review_form)
    form = page.review_form
    assert form.current_month() == "2026-07"
    set_month(page, 2026, 8)
    type_actual(qtbot, page, CONVERSION, "7.9")
    type_actual(qtbot, page, FIRST_TOUCH, "15")
    assert form.rows[CONVERSION].status.text() == "off track"
    assert form.rows[CONVERSION].expected.text() == "8.67"
    assert form.rows[FIRST_TOUCH].status.text() == "on track"
    assert not form.plan_warning.isVisible()
    qtbot.keyClicks(form.blockers, "HubSpot sync delay")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert rows(workspace, "SELECT month, blockers FROM monthly_review") == [
        ("2026-08", "HubSpot sync delay")
    ]
    assert form.current_month() == "2026-09"  # the next month after the last review
    assert form.rows[CONVERSION].actual.text() == ""
    # No metric flag yet; the only flag is the month-1 milestone, past due and not marked reached.
    assert flag_messages(page) == [
        "1 milestone past due and not reached (Data assessment and deduplication rules signed off): "
        "the partner is behind its own plan."
    ]

    # --- the second, again off track: the recovery plan is highlighted as required ---
    type_actual(qtbot, page, CONVERSION, "8.0")
    assert form.rows[CONVERSION].status.text() == "off track"
    assert form.plan_warning.isVisible()
    assert CONVERSION in form.plan_warning.text()
    assert form.plan_required()
    qtbot.keyClicks(form.plan, "TBD")
    assert form.plan_required()  # "TBD" is no plan
    form.plan.clear()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert rows(workspace, "SELECT month FROM monthly_review ORDER BY month") == [
        ("2026-08",),
        ("2026-09",),
    ]
    assert rows(workspace, "SELECT COUNT(*) FROM review_actual") == [
        (3,)
    ]  # first touch left blank in 2026-09

    # --- the flag, on the dashboard and in the service ---
    o = engagements.oversight(workspace, eid)
    assert [f.rule for f in o.flags if f.rule != "milestones_missed"] == ["metrics_off_track"]
    messages = flag_messages(page)
    assert len(messages) == 2 and "milestone past due" in messages[1]
    assert CONVERSION in messages[0] and "expected in 2026-08" in messages[0]
    assert "the 2026-09 review has no recovery plan" in messages[0]
    assert page.dashboard.chips[(CONVERSION, "2026-09")].text() == "off track"

    # --- undo removes the second review and with it the flag; redo restores both ---
    window.ctx.undo_stack.undo()
    assert rows(workspace, "SELECT month FROM monthly_review") == [("2026-08",)]
    assert len(flag_messages(page)) == 1
    window.ctx.undo_stack.redo()
    assert count(workspace, "monthly_review") == 2
    assert len(flag_messages(page)) == 2


def test_bad_review_input_shows_a_message_and_saves_nothing(
    qtbot: Any, window: MainWindow, demo_path: Any
) -> None:
    from app.store.workspace import open_workspace

    ws = open_workspace(demo_path)
    window.ctx.set_workspace(ws)
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    loaded(qtbot, page)
    page.tabs.setCurrentWidget(page.review_form)
    form = page.review_form
    assert form.current_month() == "2026-12"
    before = (count(ws, "monthly_review"), count(ws, "review_actual"))

    set_month(page, 2026, 6)
    type_actual(qtbot, page, CONVERSION, "8")
    assert form.error.isVisible()
    assert "before kickoff" in form.error.text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "before kickoff" in form.error.text()

    set_month(page, 2026, 9)
    assert "already a review for 2026-09" in form.error.text()
    assert form.edit_saved.isVisible()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "already a review for 2026-09" in form.error.text()

    set_month(page, 2026, 11)
    type_actual(qtbot, page, CONVERSION, "8,6x")
    assert form.rows[CONVERSION].status.text() == "not a number"
    assert "not a number" in form.error.text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "Lead-to-meeting conversion" in form.error.text()
    assert (count(ws, "monthly_review"), count(ws, "review_actual")) == before

    # Editing the saved review of a month replaces it (one undo step restores the original).
    set_month(page, 2026, 10)
    qtbot.mouseClick(form.edit_saved, Qt.MouseButton.LeftButton)
    assert form.rows[CONVERSION].actual.text() == "8.5"
    assert form.save_button.text() == "Save changes"
    qtbot.keyClicks(form.plan, "Two ride-alongs per pod by 15 November")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert rows(ws, "SELECT recovery_plan FROM monthly_review WHERE month = '2026-10'") == [
        ("Two ride-alongs per pod by 15 November",)
    ]
    assert "metrics_off_track" not in [f.rule for f in engagements.oversight(ws, DEMO_ENGAGEMENT).flags]
    assert not any("off track two months running" in m for m in flag_messages(page))
    window.ctx.undo_stack.undo()
    assert rows(ws, "SELECT recovery_plan FROM monthly_review WHERE month = '2026-10'") == [("",)]
    assert count(ws, "monthly_review") == before[0]


def test_dashboard_edits_acknowledge_change_metric_and_milestones(
    qtbot: Any, window: MainWindow, demo_path: Any
) -> None:
    from app.store.workspace import open_workspace

    ws = open_workspace(demo_path)
    window.ctx.set_workspace(ws)
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    loaded(qtbot, page)
    dash = page.dashboard
    assert set(dash.charts) == {CONVERSION, FIRST_TOUCH}
    assert dash.charts[CONVERSION].series_names() == [
        "Baseline",
        "Target",
        "Expected",
        "Actual",
        "On track",
        "Off track",
    ]

    # Acknowledge the flag with a rationale.
    def acknowledge(d: AcknowledgeDialog) -> None:
        assert not d.ok.isEnabled()  # a rationale is required
        qtbot.keyClicks(d.rationale, "Recovery plan agreed in the steering meeting")
        qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)

    errors = with_dialog(AcknowledgeDialog, acknowledge)
    button = dash.flag_boxes[0].findChild(QWidget, "acknowledge")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not errors, errors
    ack = rows(ws, "SELECT engagement_id, rule, rationale FROM flag_ack")
    assert ack == [(1, "metrics_off_track:Lead-to-meeting conversion@2026-10", "Recovery plan agreed in the steering meeting")]
    assert "Acknowledged by" in " ".join(
        w.text() for w in dash.flag_boxes[0].findChildren(type(page.summary))
    )

    # Change a locked metric: a reason is required, the change is audited.
    def change(d: ChangeMetricDialog) -> None:
        assert not d.ok.isEnabled()
        target = d.edits["target"]
        target.clear()  # type: ignore[union-attr]
        qtbot.keyClicks(target, "11")
        qtbot.keyClicks(d.reason, "Board moved the target after the pricing change")
        qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)

    errors = with_dialog(ChangeMetricDialog, change)
    qtbot.mouseClick(dash.findChild(QWidget, f"change:{CONVERSION}"), Qt.MouseButton.LeftButton)
    assert not errors, errors
    audit = rows(
        ws, "SELECT reason, after FROM audit_log WHERE action = 'metric changed after kickoff'"
    )
    assert audit == [("Board moved the target after the pricing change", '{"target": 11.0}')]
    assert "8 % → 11 %" in dash.findChild(QWidget, "locked").text()  # type: ignore[union-attr]
    change_note = dash.findChild(QWidget, "metricChange").text()  # type: ignore[union-attr]
    assert "target 12.0 → 11.0" in change_note and "Board moved the target" in change_note

    # Mark a milestone reached with the date editor; the rest of the app hears of it.
    heard: list[Changes] = []
    window.ctx.changes.connect(heard.append)
    first = "Data assessment and deduplication rules signed off"
    editor = dash.milestone_dates[first]
    editor.setDate(QDate(2026, 7, 30))
    editor.editingFinished.emit()
    assert [(c.engagements, c.origin) for c in heard] == [(True, page)]
    assert rows(ws, "SELECT reached_on FROM engagement_milestone WHERE name = ?", first) == [
        ("2026-07-30",)
    ]
    assert dash.milestone_dates[first].value() == date(2026, 7, 30)
    window.ctx.undo_stack.undo()
    assert rows(ws, "SELECT reached_on FROM engagement_milestone WHERE name = ?", first) == [
        ("2026-07-28",)
    ]


def test_select_partner_refuses_metrics_without_a_baseline(
    qtbot: Any, window: MainWindow, workspace: Workspace
) -> None:
    ev = evaluations.evaluation_id(
        workspace, import_fresh_evaluation(workspace, metrics_patch={"target": None})
    )
    seen: dict[str, Any] = {}

    def look(d: SelectPartnerDialog) -> None:
        seen["ok"] = d.ok.isEnabled()
        seen["error"] = d.error.text()
        d.reject()

    errors = with_dialog(SelectPartnerDialog, look)
    assert select_partner(window, window.ctx, ev, VENDOR) is None
    assert not errors, errors
    assert seen["ok"] is False
    assert (
        "cannot start yet" in seen["error"]
        and CONVERSION in seen["error"]
        and "no target" in seen["error"]
    )
    assert count(workspace, "engagement") == 0


def test_empty_state_without_engagements(window: MainWindow) -> None:
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    assert page.findChild(QWidget, "emptyState").isVisible()  # type: ignore[union-attr]
    assert not page.tabs.isVisible()
