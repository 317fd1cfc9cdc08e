"""End to end through the real main window: a procurement lead goes from profile to PDF with keyboard and mouse.

One long test on one fresh, locked workspace: each step drives the widgets the way a person
would (sidebar, buttons, keys, dialogs) and then checks what the widgets show AND what the
database holds (plain SQL on the workspace file, or the services for computed results).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pdfplumber
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QTableView,
    QTabWidget,
    QWidget,
)

from app.services import engagements, evaluations
from app.services.banks import ensure_default_bank, list_banks
from app.store.workspace import Workspace, open_workspace
from app.ui.context import AppContext
from app.ui.evaluate.dialogs import NewEvaluationDialog
from app.ui.evaluate.flags_tab import AcknowledgeDialog
from app.ui.evaluate.models import FlagsModel, RankingModel
from app.ui.main_window import PAGES, MainWindow
from app.ui.oversee.dialogs import SelectPartnerDialog
from app.ui.tasks import wait_for_workers
from app.ui.widgets.tables import ROW_ROLE

SLOGAN = "Implementing AI across the organization"
SPECIFIC = "Prioritizing which inbound leads our SDRs should call first"
METRIC = "Lead-to-meeting conversion"
EVALUATION = "Lead scoring partner 2027"
ANA, BEN = "Ana Ruiz", "Ben Cho"
LEADER, RUNNER_UP = "Northwind AI", "Blue Harbor"
RATIONALE = "They showed a signed week-by-week plan on the reference call"

D = TypeVar("D", bound=QWidget)


# ----- helpers ----------------------------------------------------------------------------


def sql(ws: Workspace, query: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the workspace file directly, as an independent check of what the app saved."""
    con = sqlite3.connect(f"file:{ws.db}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in con.execute(query, params).fetchall()]
    finally:
        con.close()


def answer(ws: Workspace, vendor: str, evaluator: str, qid: str) -> str | None:
    rows = sql(
        ws,
        "SELECT a.value FROM answer a JOIN vendor v ON v.id = a.vendor_id "
        "JOIN evaluator e ON e.id = a.evaluator_id WHERE v.name = ? AND e.name = ? AND a.qid = ?",
        vendor,
        evaluator,
        qid,
    )
    return rows[0][0] if rows else None


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def with_modal(kind: type[D], action: Callable[[D], None], errors: list[BaseException]) -> None:
    """Run `action` on the modal of type `kind` once its exec() loop is running.

    A failure (or a dialog that never shows) is recorded and the dialog rejected, so a broken
    step fails the test instead of hanging it on an open modal.
    """
    tries = {"left": 500}

    def run() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, kind) or not modal.isVisible():
            tries["left"] -= 1
            if tries["left"] > 0:
                QTimer.singleShot(10, run)
            else:
                errors.append(AssertionError(f"no {kind.__name__} appeared"))
            return
        try:
            action(modal)
            if modal.isVisible():  # e.g. the dialog refused the input and shows why
                raise AssertionError(f"{kind.__name__} is still open after the step")
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test once exec() returns
            errors.append(exc)
            if isinstance(modal, QDialog) and modal.isVisible():
                modal.reject()

    QTimer.singleShot(0, run)


def through_dialog(
    qtbot: Any, window: MainWindow, kind: type[D], action: Callable[[D], None], opener: QWidget
) -> None:
    """Click `opener`, let `action` drive the modal it opens, then carry on in the main window."""
    errors: list[BaseException] = []
    with_modal(kind, action, errors)
    click(qtbot, opener)
    if errors:
        raise errors[0]
    assert QApplication.activeModalWidget() is None
    activate(qtbot, window)


def click(qtbot: Any, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_index(qtbot: Any, view: QAbstractItemView, index: Any) -> None:
    """Click a cell of an item view where it is drawn."""
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    assert view.currentIndex() == index


def click_tab(qtbot: Any, tabs: QTabWidget, index: int) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def activate(qtbot: Any, window: MainWindow) -> None:
    """Make the main window the active one again, so keys and shortcuts reach it.

    The offscreen platform activates a completer's popup when it shows (a real desktop never
    does) and delivers that activation on a later turn of the event loop: flush it, then
    activate the main window.
    """
    QApplication.processEvents()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def go(qtbot: Any, window: MainWindow, key: str) -> Any:
    """Open a step from the sidebar with the mouse."""
    activate(qtbot, window)
    row = [spec.key for spec in PAGES].index(key)
    rect = window.sidebar.visualItemRect(window.sidebar.item(row))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.page(key)
    assert window.stack.currentWidget() is page
    return page


def retype(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Select what is there (Ctrl+A), type over it, press Enter."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def retype_no_enter(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Select what is there and type over it (Enter would also press the dialog's default button)."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    assert edit.text() == text


def type_cell(qtbot: Any, view: QTableView, text: str) -> None:
    """Type into the current cell of a table: the first key opens the editor, Enter commits."""
    view.setFocus()
    qtbot.keyClick(view, text[0])
    editor = focused()
    assert isinstance(editor, QLineEdit) and view.isAncestorOf(editor)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt's own delegate commits a line edit on Enter through a queued call.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def arrow_to(qtbot: Any, combo: QComboBox, value: str) -> None:
    """Pick a combo item with the arrow keys, as a keyboard user does (fires `activated`)."""
    combo.setFocus()
    target = combo.findData(value)
    assert target >= 0, value
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        before = combo.currentIndex()
        qtbot.keyClick(combo, key)
        assert combo.currentIndex() != before, "the arrow key did not move the combo"


def settle(qtbot: Any, page: Any) -> None:
    """Wait for a page's background load (Evaluate and Compare load on worker threads)."""
    if hasattr(page, "live"):
        qtbot.waitUntil(lambda: not page.busy and page.live is not None, timeout=20_000)
    else:
        qtbot.waitUntil(lambda: not page.busy and page.results is not None, timeout=20_000)


def ranking(view: QTableView) -> dict[str, str]:
    model = view.model()
    return {
        model.index(r, RankingModel.VENDOR).data(): model.index(r, RankingModel.TOTAL).data()
        for r in range(model.rowCount())
    }


def severity(page: Any, vendor: str, rule: str) -> str | None:
    """The severity the Evaluate page's red-flag panel shows for one vendor's rule."""
    model = page.flags.model
    for row in range(model.rowCount()):
        flag = model.flag(row)
        if (flag.vendor, flag.rule) == (vendor, rule):
            return str(flag.severity.value)
    return None


# ----- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "procurement", lock=True)
    ensure_default_bank(workspace)
    yield workspace
    workspace.close()


@pytest.fixture
def window(qtbot: Any, ws: Workspace) -> Iterator[MainWindow]:
    win = MainWindow(AppContext(ws))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    activate(qtbot, win)
    yield win
    # Nothing may outlive the test: no modal left open, no worker on a closed workspace.
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QDialog) and w.isVisible():
            w.reject()
    wait_for_workers()
    win.close()


# ----- the flow ---------------------------------------------------------------------------


def test_procurement_lead_from_profile_to_pdf(
    qtbot: Any, window: MainWindow, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not window.isWindowModified()

    # --- 1. Organization: name, industry, stage, systems, infrastructure -------------------
    org = go(qtbot, window, "organization")
    retype(qtbot, org.name, "Acme Revenue Cloud")
    org.industry.setFocus()
    qtbot.keyClicks(org.industry.lineEdit(), "b2b saas")
    qtbot.keyClick(org.industry.lineEdit(), Qt.Key.Key_Return)
    arrow_to(qtbot, org.stage, "mid-market")
    for editor, tags in (
        (org.systems, ("Salesforce", "Snowflake")),
        (org.infrastructure, ("CRM", "cloud data warehouse")),
    ):
        for tag in tags:
            editor.entry.setFocus()
            qtbot.keyClicks(editor.entry, tag)
            qtbot.keyClick(editor.entry, Qt.Key.Key_Return)
    assert sql(ws, "SELECT name, industry, stage, systems, infrastructure FROM organization") == [
        (
            "Acme Revenue Cloud",
            "b2b saas",
            "mid-market",
            '["Salesforce", "Snowflake"]',
            '["CRM", "cloud data warehouse"]',
        )
    ]
    assert [org.infrastructure.chips.item(i).text() for i in range(2)] == [
        "CRM",
        "cloud data warehouse",
    ]
    assert window.isWindowModified()  # every edit is an undo step; the marker follows

    # --- 2. Use case: a slogan first, then a specific use case with data and a metric ------
    uc = go(qtbot, window, "usecases")
    assert uc.editor_stack.currentIndex() == 0  # the empty state invites a first use case
    click(qtbot, uc.add_button)
    assert focused() is uc.title  # the new use case's title is ready for typing
    qtbot.keyClicks(uc.title, SLOGAN)
    assert uc.feedback.chip.text() == "slogan"  # live, while typing
    qtbot.keyClick(uc.title, Qt.Key.Key_Return)
    uid = uc.current_id
    assert sql(ws, "SELECT title FROM use_case") == [(SLOGAN,)]
    retype(qtbot, uc.title, SPECIFIC)
    assert uc.feedback.chip.text() == "needs work"  # a good title, but no data, no metric
    assert sql(ws, "SELECT title FROM use_case") == [(SPECIFIC,)]

    click(qtbot, uc.add_source_button)  # opens the new row for typing
    editor = focused()
    assert isinstance(editor, QLineEdit) and uc.sources_view.isAncestorOf(editor)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "Salesforce")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: uc.sources_view.state() != QAbstractItemView.State.EditingState)

    click(qtbot, uc.add_metric_button)
    editor = focused()
    assert isinstance(editor, QLineEdit) and uc.metrics_view.isAncestorOf(editor)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, METRIC)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    view = uc.metrics_view
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert view.currentIndex().column() == 0
    for column, text in ((2, "4.5"), (3, "6"), (5, "2027-06-30")):
        view.setFocus()
        while view.currentIndex().column() < column:
            qtbot.keyClick(view, Qt.Key.Key_Right)
        type_cell(qtbot, view, text)
    assert uc.feedback.chip.text() == "specific"
    assert uc.list_model.index(0, 1).data() == "specific"
    assert sql(ws, "SELECT id, title FROM use_case") == [(uid, SPECIFIC)]
    assert sql(ws, "SELECT use_case_id, system, access FROM data_source") == [
        (uid, "Salesforce", "yes")
    ]
    assert sql(
        ws, "SELECT use_case_id, name, baseline, target, direction, target_date FROM success_metric"
    ) == [(uid, METRIC, 4.5, 6.0, "up", "2027-06-30")]

    # --- 3. Evaluate: a new evaluation through its dialog, two vendors, keyboard answers ----
    ev = go(qtbot, window, "evaluations")
    qtbot.waitUntil(lambda: ev.empty.isVisible())  # the page paints, then reads the (empty) list

    def fill_new_evaluation(d: NewEvaluationDialog) -> None:
        create = d.buttons.button(d.buttons.StandardButton.Ok)
        assert not create.isEnabled()  # a name is required
        qtbot.keyClicks(d.name, EVALUATION)
        assert d.use_case.currentData() == uid  # the use case is offered first
        default = list_banks(ws)[0]
        assert d.bank.currentData() == default.id and d.version.currentData() == default.version_id
        for name in (ANA, BEN):
            qtbot.keyClicks(d.evaluators.entry, name)
            qtbot.keyClick(d.evaluators.entry, Qt.Key.Key_Return)
        assert d.evaluators.tags() == [ANA, BEN]
        click(qtbot, create)

    through_dialog(qtbot, window, NewEvaluationDialog, fill_new_evaluation, ev.new_button)
    settle(qtbot, ev)
    eid = ev.evaluation_id
    assert eid is not None and window.ctx.current_evaluation == eid
    # The evaluation pins the default bank with {systems}, {industry} … filled from the profile.
    assert sql(ws, "SELECT e.id, e.name, e.use_case_id, b.name FROM evaluation e JOIN bank_version v "
                   "ON v.id = e.bank_version_id JOIN bank b ON b.id = v.bank_id") == [
        (eid, EVALUATION, uid, f"{list_banks(ws)[0].name} — Acme Revenue Cloud")
    ]
    assert "(Salesforce and Snowflake)" in evaluations.load_snapshot(ws, eid).bank.question("IN01").question
    assert sql(ws, "SELECT name FROM evaluator WHERE evaluation_id = ? ORDER BY position", eid) == [
        (ANA,),
        (BEN,),
    ]
    assert ev.picker.currentText().startswith(EVALUATION)

    click_tab(qtbot, ev.tabs, 1)  # Vendors
    for name in (LEADER, RUNNER_UP):

        def type_name(d: QInputDialog, name: str = name) -> None:
            entry = d.findChild(QLineEdit)
            assert entry is not None
            qtbot.keyClicks(entry, name)
            qtbot.keyClick(entry, Qt.Key.Key_Return)

        through_dialog(qtbot, window, QInputDialog, type_name, ev.vendors_tab.add_vendor_button)
        settle(qtbot, ev)
    assert [ev.vendors_tab.vendor_list.item(i).text() for i in range(ev.vendors_tab.vendor_list.count())] == [
        LEADER,
        RUNNER_UP,
    ]
    assert sql(ws, "SELECT name FROM vendor WHERE evaluation_id = ? ORDER BY position", eid) == [
        (LEADER,),
        (RUNNER_UP,),
    ]

    # The leader's profile: an impressive demo (5/5) and a vague timeline ("ASAP").
    click_index(qtbot, ev.vendors_tab.vendor_list, ev.vendors_tab.vendor_list.model().index(0, 0))
    editor = ev.vendors_tab.vendor_editor
    assert editor.name.text() == LEADER
    editor.timeline_text.setFocus()
    qtbot.keyClicks(editor.timeline_text, "ASAP")
    qtbot.keyClick(editor.timeline_text, Qt.Key.Key_Tab)  # leaving the field saves it
    assert severity(ev, LEADER, "vague_timeline") == "high"
    editor.demo.setFocus()
    qtbot.keyClick(editor.demo, Qt.Key.Key_End)  # "5 / 5"
    assert editor.demo.currentData() == 5.0
    qtbot.waitUntil(lambda: not ev.busy)
    assert severity(ev, LEADER, "vague_timeline") == "critical"  # impressive demo, vague plan
    assert sql(
        ws, "SELECT timeline_description, demo_rating FROM vendor WHERE name = ?", LEADER
    ) == [("ASAP", 5.0)]

    # Answers, from the keyboard: digits for scales, Enter to open a number or choice editor (a
    # combo takes arrow keys). Knockout questions answered so both stay in. The default bank
    # asks for evidence on scales, never yes/no.
    # (qid, Ana's and Ben's keys per vendor); "#" = typed into an editor, "v" = combo choice.
    plan: dict[str, list[tuple[str, str, str]]] = {
        LEADER: [
            ("TR01", "4", "3"),  # scale: production deployments in our industry
            ("TR02", "4", "4"),
            ("TR03", "4", "5"),
            ("DR01", "4", "3"),
            ("DR03", "#6", "#4"),  # number: weeks of data preparation
            ("SO01", "4", "4"),  # knockout below 2
            ("CT02", "v0", "v0"),  # choice: "We own data, models and deliverables"
            ("CT01", "4", "5"),  # knockout below 3
            ("CT04", "4", "5"),
        ],
        RUNNER_UP: [
            ("TR01", "1", "2"),
            ("TR02", "2", "3"),
            ("TR03", "2", "2"),
            ("DR01", "3", "2"),
            ("DR03", "#1", "#0"),
            ("SO01", "3", "3"),
            ("CT02", "v0", "v0"),
            ("CT01", "3", "3"),
            ("CT04", "2", "3"),
        ],
    }
    expected_values = {"v0": "We own data, models and deliverables"}
    click_tab(qtbot, ev.tabs, 0)  # Answers
    answers = ev.answers_tab.answers
    for column, evaluator in ((1, ANA), (2, BEN)):
        activate(qtbot, window)
        arrow_to(qtbot, ev.answers_tab.evaluator, evaluator)
        settle(qtbot, ev)
        for vendor in (LEADER, RUNNER_UP):
            arrow_to(qtbot, ev.answers_tab.answer_vendor, vendor)
            assert ev.answers_tab.progress.text() == "0 / 57 answered"
            for qid, *keys in plan[vendor]:
                key = keys[column - 1]
                answers.setFocus()
                answers.go_to(qid)
                if key.startswith("#"):  # a number: the first digit opens the editor
                    qtbot.keyClick(answers, key[1])
                    qtbot.keyClicks(focused(), key[2:])
                    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # commits, opens the next
                    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
                elif key.startswith("v"):  # a choice: Enter opens the combo, arrows pick
                    qtbot.keyClick(answers, Qt.Key.Key_Return)
                    combo = focused()
                    assert isinstance(combo, QComboBox)
                    for _ in range(int(key[1]) + 1):  # past "—" (no answer)
                        qtbot.keyClick(combo, Qt.Key.Key_Down)
                    qtbot.keyClick(combo, Qt.Key.Key_Return)
                    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
                else:  # a digit answers and moves on
                    qtbot.keyClick(answers, key)
                    moved = ev.answers_tab.answers_model.question_at(answers.currentIndex())
                    assert moved is not None and moved.id != qid
                value = expected_values.get(key, key.lstrip("#"))
                assert answer(ws, vendor, evaluator, qid) == value, (vendor, evaluator, qid)
            assert ev.answers_tab.error.text() == ""
            n = len(plan[vendor])
            assert ev.answers_tab.progress.text() == f"{n} / 57 answered"
            assert f"({n}/57)" in ev.answers_tab.answer_vendor.currentText()
        # The progress table counts this evaluator's answers for both vendors.
        table = ev.results_panel.progress_model
        assert [table.index(r, column).data() for r in range(2)] == ["9/57", "9/57"]
        # Each submits: until then nobody else sees their scores, nor totals built on them.
        through_dialog(
            qtbot, window, QMessageBox,
            lambda box: click(qtbot, box.button(QMessageBox.StandardButton.Yes)), ev.answers_tab.submit,
        )
        settle(qtbot, ev)
        assert not ev.answers_tab.submit.isEnabled()
    assert sql(ws, "SELECT COUNT(*) FROM answer") == [(36,)]
    assert ev.answers_tab.answers_model.cell("TR03").value == "2"  # Ben's answer for the runner-up

    # --- 4. Red flags: the vague timeline is critical because of the demo; acknowledge it ---
    flags_tab = ev.tabs.indexOf(ev.flags)
    assert ev.tabs.tabText(flags_tab).replace("&", "").startswith("Red flags (")
    click_tab(qtbot, ev.tabs, flags_tab)
    flags = ev.flags
    proxy = flags.proxy
    row = next(
        r
        for r in range(proxy.rowCount())
        if proxy.index(r, 0).data(ROW_ROLE).vendor == LEADER
        and proxy.index(r, 0).data(ROW_ROLE).rule == "vague_timeline"
    )
    flag = proxy.index(row, 0).data(ROW_ROLE)
    assert flag.severity.value == "critical" and not flag.acknowledged
    assert "demo" in flag.message.lower()
    click_index(qtbot, flags.table, proxy.index(row, FlagsModel.MESSAGE))
    assert "ASAP" in flags.details.toPlainText()

    def acknowledge(d: AcknowledgeDialog) -> None:
        ok = d.buttons.button(d.buttons.StandardButton.Ok)
        assert not ok.isEnabled()  # a rationale is required
        qtbot.keyClicks(d.rationale, RATIONALE)
        assert ok.isEnabled()
        click(qtbot, ok)

    through_dialog(qtbot, window, AcknowledgeDialog, acknowledge, flags.ack_button)
    settle(qtbot, ev)
    assert sql(ws, "SELECT evaluation_id, vendor, rule, rationale, by FROM flag_ack") == [
        (eid, LEADER, "vague_timeline", RATIONALE, BEN)
    ]
    shown = flags.current_flag()
    assert shown is not None and (shown.vendor, shown.rule) == (LEADER, "vague_timeline")
    assert shown.acknowledged
    assert flags.table.currentIndex().siblingAtColumn(FlagsModel.STATUS).data().startswith(BEN)
    assert RATIONALE in flags.details.toPlainText()
    assert "1 acknowledged" in flags.summary.text()

    # --- 5. Compare: totals as the service computes them; what-if moves them, saves nothing --
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # View ▸ Compare
    cmp = window.page("compare")
    assert window.stack.currentWidget() is cmp
    settle(qtbot, cmp)
    results = evaluations.score(ws, eid)
    saved = {r.vendor: f"{r.total:.1f}" for r in results.ranking}
    assert results.ranking[0].vendor == LEADER and not results.ranking[0].knocked_out
    assert ranking(cmp.ranking_view) == saved
    top = cmp.ranking_proxy.index(0, RankingModel.VENDOR)
    assert top.data() == LEADER

    weights_sql = "SELECT qid, weight FROM question ORDER BY id"
    weights_before = sql(ws, weights_sql)
    click(qtbot, cmp.whatif_button)
    assert cmp.whatif_panel.isVisible() and "not saved" in cmp.whatif_banner.text()
    slider = cmp.sliders["Track record"]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)  # 200 % of the saved weight
    assert slider.value() == 200
    moved = ranking(cmp.ranking_view)
    assert moved != saved and set(moved) == {LEADER, RUNNER_UP}
    assert "Track record 200 %" in cmp.whatif_banner.text()
    assert sql(ws, weights_sql) == weights_before  # what-if never touches the bank
    assert {r.vendor: f"{r.total:.1f}" for r in evaluations.score(ws, eid).ranking} == saved
    click(qtbot, cmp.reset_button)
    assert ranking(cmp.ranking_view) == saved and cmp.factors == {}
    click(qtbot, cmp.whatif_button)
    assert not cmp.whatif_panel.isVisible()
    qtbot.waitUntil(lambda: not cmp.busy)

    # --- 6. Undo / redo an answer change from the keyboard ---------------------------------
    ev = go(qtbot, window, "evaluations")
    settle(qtbot, ev)
    assert ev.answers_tab.current_evaluator() == BEN
    click_tab(qtbot, ev.tabs, 0)
    arrow_to(qtbot, ev.answers_tab.answer_vendor, LEADER)
    assert answer(ws, LEADER, BEN, "TR03") == "5"
    # The app saves as it goes (no Save button), so mark a clean point to watch the marker.
    window.ctx.undo_stack.setClean()
    assert not window.isWindowModified()
    answers.setFocus()
    answers.go_to("TR03")
    qtbot.keyClick(answers, "1")
    assert answer(ws, LEADER, BEN, "TR03") == "1"
    assert window.isWindowModified()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert answer(ws, LEADER, BEN, "TR03") == "5"
    assert ev.answers_tab.answers_model.cell("TR03").value == "5"
    assert not window.isWindowModified()
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert answer(ws, LEADER, BEN, "TR03") == "1"
    assert ev.answers_tab.answers_model.cell("TR03").value == "1"
    assert window.isWindowModified()
    qtbot.waitUntil(lambda: not ev.busy)

    # --- 7. Oversee: select the leader, two off-track reviews without a plan -> red flag ----
    cmp = go(qtbot, window, "compare")
    settle(qtbot, cmp)
    leader_row = next(
        r
        for r in range(cmp.ranking_proxy.rowCount())
        if cmp.ranking_proxy.index(r, RankingModel.VENDOR).data() == LEADER
    )
    click_index(qtbot, cmp.ranking_view, cmp.ranking_proxy.index(leader_row, RankingModel.VENDOR))
    assert cmp.selected_vendor() == LEADER and cmp.select_button.isEnabled()

    def start(d: SelectPartnerDialog) -> None:
        assert d.metrics.rowCount() == 1
        assert [d.metrics.item(0, c).text() for c in range(5)] == [
            METRIC,
            "4.5",
            "6",
            "up",
            "2027-06-30",
        ]
        assert d.ok.isEnabled()
        retype_no_enter(qtbot, d.name, "Lead scoring rollout")
        d.kickoff.setFocus()
        qtbot.keyClick(d.kickoff, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(d.kickoff, "2026-07-01")
        assert d.kickoff_date() == date(2026, 7, 1)
        if d.proposal.needs_reason:  # open critical or high flags: listed, and a reason is required
            assert d.flags.count() == len(d.proposal.serious_flags)
            qtbot.keyClicks(d.reason, "Flags discussed with the vendor; fixes are in the contract")
        click(qtbot, d.ok)

    through_dialog(qtbot, window, SelectPartnerDialog, start, cmp.select_button)
    ov = window.page("oversee")
    assert window.stack.currentWidget() is ov
    engagement = sql(ws, "SELECT id, name, vendor, kickoff FROM engagement")
    assert [e[1:] for e in engagement] == [("Lead scoring rollout", LEADER, "2026-07-01")]
    engagement_id = engagement[0][0]
    assert sql(
        ws,
        "SELECT name, baseline, target, direction, target_date FROM engagement_metric "
        "WHERE engagement_id = ?",
        engagement_id,
    ) == [(METRIC, 4.5, 6.0, "up", "2027-06-30")]
    assert ov.engagement_id == engagement_id
    assert ov.picker.currentText() == f"Lead scoring rollout — {LEADER}"

    # The engagement (with its retrospective: the evaluation is scored again) loads on a worker.
    qtbot.waitUntil(lambda: not ov.loading and ov.oversight is not None, timeout=10000)
    click_tab(qtbot, ov.tabs, ov.tabs.indexOf(ov.review_form))
    form = ov.review_form
    for month, actual in (("2026-07", "4.0"), ("2026-08", "4.1")):
        assert form.current_month() == month  # the kickoff month, then the month after
        edit = form.rows[METRIC].actual
        edit.setFocus()
        qtbot.keyClicks(edit, actual)
        assert form.rows[METRIC].status.text() == "off track"
        form.blockers.setFocus()
        qtbot.keyClicks(form.blockers, "Salesforce field mapping not signed off")
        click(qtbot, form.save_button)
        assert form.error.isHidden(), form.error.text()
    assert sql(ws, "SELECT month, recovery_plan FROM monthly_review ORDER BY month") == [
        ("2026-07", ""),
        ("2026-08", ""),
    ]
    assert sql(ws, "SELECT value FROM review_actual ORDER BY id") == [(4.0,), (4.1,)]
    oversight = engagements.oversight(ws, engagement_id)
    # The metric flag first; with no milestone missed, a metric off track twice is also value not materialising.
    assert [f.rule for f in oversight.flags] == ["metrics_off_track", "value_not_materializing"]
    click_tab(qtbot, ov.tabs, ov.tabs.indexOf(ov.dashboard))
    assert len(ov.dashboard.flag_boxes) == 2 and ov.dashboard.flag_boxes[0].isVisible()
    message = ov.dashboard.flag_boxes[0].findChild(QWidget, "flagMessage")
    assert message is not None and METRIC in message.text()  # type: ignore[attr-defined]

    # --- 8. Export: File ▸ Export evaluation PDF, wait for the worker, read page 1 --------
    action = window.findChild(QAction, "action-export-evaluation-pdf")
    assert action is not None and action in window.file_menu.actions()
    assert window.ctx.current_evaluation == eid  # the evaluation being worked on is exported
    asked: list[str] = []
    chosen = tmp_path / "for the board"
    (Path.home() / "Documents").mkdir(exist_ok=True)

    def save_dialog(parent: Any, title: str, start: str, file_filter: str) -> tuple[str, str]:
        asked.append(start)
        return str(chosen), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    action.trigger()
    # The Save dialog opened in Documents (never a hidden cache folder), the PDF went where chosen.
    assert Path(asked[0]).parent.name == "Documents" and ".cache" not in asked[0]
    job = window.last_export  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: job.preview is not None or job.error is not None or job.cancelled,
        timeout=60_000,
    )
    assert job.error is None, job.error
    preview = job.preview
    assert preview.isVisible() and preview.path.exists()
    with pdfplumber.open(preview.path) as pdf:
        first = pdf.pages[0].extract_text() or ""
        everything = " ".join(page.extract_text() or "" for page in pdf.pages)
    leader_total = f"{evaluations.score(ws, eid).ranking[0].total:.1f}"
    assert f"Recommendation: {LEADER}" in first, first[:500]
    assert f"1 {LEADER} {leader_total}" in first  # its ranking row, with the total people see
    assert f"Acknowledged by {BEN}" in everything  # the acknowledged flag stays in the report
    preview.close()
    assert not preview.isVisible()
    assert QApplication.activeModalWidget() is None
