"""Evaluate shown for the first time: the Answers tab and the results come first; the Vendors
and Red flags tabs are built when first opened (the Evidence tab in an idle turn after the
load), showing the evaluation already loaded.

What the person sees is checked (the vendors listed, the worst flag chosen and explained, the
columns wide enough), and what was built or read (counts), never how long anything took.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from app.domain.evaluation import open_flags
from app.ui.context import AppContext
from app.ui.evaluate import models
from app.ui.evaluate.flags_tab import FlagsPanel
from app.ui.evaluate.models import ROW_ROLE, FlagsModel
from app.ui.evaluate.page import DOCUMENTS_TAB, FLAGS_TAB, VENDORS_TAB, Page
from app.ui.evaluate.vendors_tab import VendorsTab
from app.ui.evidence.documents_panel import DocumentsPanel
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from tests.ui.counting import shown


@pytest.fixture
def window(qtbot: Any, demo: Any) -> Iterator[MainWindow]:
    win = MainWindow(AppContext(demo))
    qtbot.addWidget(win)
    win.resize(1280, 820)
    win.show()
    yield win
    wait_for_workers()  # no worker may outlive the workspace


def show_evaluate(qtbot: Any, window: MainWindow) -> Page:
    return shown(qtbot, window, "evaluations", Page, lambda p: not p.busy and p.live is not None, 20_000)


def click_tab(qtbot: Any, tabs: QTabWidget, index: int) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def test_the_hidden_tabs_are_built_when_first_opened_showing_the_loaded_evaluation(
        qtbot: Any, window: MainWindow) -> None:
    page = show_evaluate(qtbot, window)
    live = page.live
    assert live is not None
    # Loaded and drawn: the Answers tab and the results, and the number of open flags on the tab.
    flags = [f for fl in live.results.flags.values() for f in fl]
    assert page.tabs.tabText(FLAGS_TAB) == f"Red &flags ({len(open_flags(flags))})"
    assert page.findChildren(VendorsTab) == []
    assert page.findChildren(FlagsPanel) == []
    # The Evidence panel is built in an idle turn after the load (adding a document is common),
    # hidden, for the vendor being scored.
    [documents] = page.findChildren(DocumentsPanel)
    assert not documents.isVisible() and documents.current_vendor() == page.answers_tab.current_vendor()

    # Vendors: every vendor of the evaluation, the first one's profile open.
    click_tab(qtbot, page.tabs, VENDORS_TAB)
    [vendors] = page.findChildren(VendorsTab)
    names = [v.name for v in live.snapshot.vendors]
    assert [vendors.vendor_list.item(i).text() for i in range(vendors.vendor_list.count())] == names
    assert vendors.isVisible() and page.tabs.indexOf(vendors) == VENDORS_TAB
    assert vendors.vendor_editor.vendor is not None and vendors.vendor_editor.vendor.name == names[0]

    # Red flags: all of them, the worst chosen and explained, its severity not cut short.
    click_tab(qtbot, page.tabs, FLAGS_TAB)
    [panel] = page.findChildren(FlagsPanel)
    assert panel.proxy.rowCount() == len(flags)
    first = panel.current_flag()
    assert first is not None and first == panel.proxy.index(0, 0).data(ROW_ROLE)
    assert first.severity.rank == min(f.severity.rank for f in flags)
    assert first.message in " ".join(panel.details.toPlainText().split())
    assert panel.ack_button.isEnabled() != first.acknowledged
    header = panel.table.horizontalHeader()
    for column in (FlagsModel.SEVERITY, FlagsModel.STATUS):
        assert header.sectionSize(column) >= panel.table.sizeHintForColumn(column)

    # Evidence: the documents of the vendor being scored on the Answers tab.
    click_tab(qtbot, page.tabs, DOCUMENTS_TAB)
    assert page.findChildren(DocumentsPanel) == [documents] and documents is page.documents
    assert documents.isVisible() and documents.current_vendor() == page.answers_tab.current_vendor()

    # Each was built once: shown again, the same panels.
    for index in (VENDORS_TAB, FLAGS_TAB, DOCUMENTS_TAB, 0):
        click_tab(qtbot, page.tabs, index)
    assert page.findChildren(VendorsTab) == [vendors] and page.findChildren(FlagsPanel) == [panel]


def test_a_tab_first_opened_after_a_change_shows_the_change(qtbot: Any, window: MainWindow, demo: Any) -> None:
    from app.services import evaluations
    from app.services.changes import Changes

    page = show_evaluate(qtbot, window)
    live, eid = page.live, page.evaluation_id
    assert live is not None and eid is not None
    flag = next(f for fl in live.results.flags.values() for f in fl if not f.acknowledged)
    # Acknowledged elsewhere (another window, an import) while the Red flags tab was never opened.
    evaluations.acknowledge_flag(demo, eid, flag.vendor, flag.rule, "Accepted for the pilot", by="Maya Chen (RevOps)")
    window.ctx.announce(Changes(evaluation=eid, acknowledgements=True))
    qtbot.waitUntil(lambda: not page.busy and page.live is not live)
    assert page.findChildren(FlagsPanel) == []
    click_tab(qtbot, page.tabs, FLAGS_TAB)
    assert page.flags.select(flag.vendor, flag.rule)
    shown_flag = page.flags.current_flag()
    assert shown_flag is not None and shown_flag.acknowledged
    assert "Accepted for the pilot" in page.flags.details.toPlainText()


def test_a_hidden_flags_table_reads_none_of_its_rows(qtbot: Any, demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import evaluations
    from app.services.live import LiveEvaluation
    from tests.conftest import DEMO_EVALUATION

    live = LiveEvaluation.load(demo, evaluations.evaluation_id(demo, DEMO_EVALUATION), None)
    flags = [f for fl in live.results.flags.values() for f in fl]
    vendors = [v.name for v in live.snapshot.vendors]
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    panel = FlagsPanel()
    tabs.addTab(FlagsPanel(), "Shown")
    tabs.addTab(panel, "Red flags")
    tabs.resize(900, 500)
    tabs.show()
    qtbot.waitExposed(tabs)
    reads: list[int] = []
    real = models.FlagsModel.data
    monkeypatch.setattr(models.FlagsModel, "data", lambda self, index, role=0: reads.append(role) or real(self, index, role))
    # Hidden: the flags arrive, the edits after them too; none of their cells is measured or drawn.
    panel.set_flags(flags, vendors)
    panel.set_flags(flags[1:], vendors)
    qtbot.wait(50)
    assert len(flags) > 5 and panel.proxy.rowCount() == len(flags) - 1
    assert [r for r in reads if r != ROW_ROLE] == []
    assert panel.current_flag() is None
    # Shown: the first flag is chosen and explained, its columns fitted.
    tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.current_flag() is not None)
    assert panel.current_flag() == panel.proxy.index(0, 0).data(ROW_ROLE)
    assert panel.table.horizontalHeader().sectionSize(FlagsModel.SEVERITY) >= panel.table.sizeHintForColumn(
        FlagsModel.SEVERITY)
    assert reads  # (now it reads them)


def test_built_ahead_while_hidden_it_reads_nothing_and_shows_the_workspace_opened_meanwhile(
        qtbot: Any, workspace: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import evaluations, live
    from app.ui import workspace_actions
    from app.ui.main_window import PAGES

    monkeypatch.setattr(workspace_actions, "offer_first_run", lambda _window: None)
    reads: list[str] = []
    real_list, real_load = evaluations.list_evaluations, live.LiveEvaluation.load
    monkeypatch.setattr(evaluations, "list_evaluations", lambda ws: reads.append("list") or real_list(ws))
    monkeypatch.setattr(live.LiveEvaluation, "load",
                        staticmethod(lambda ws, eid, who: reads.append("load") or real_load(ws, eid, who)))
    assert next(spec for spec in PAGES if spec.key == "evaluations").ahead
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    window.show_page("organization")
    # Nobody opens it: the window builds it on its own once idle; hidden, it reads nothing ...
    qtbot.waitUntil(lambda: "evaluations" in window.built, timeout=10_000)
    page = window.page("evaluations")
    assert isinstance(page, Page) and not page.isVisible()
    # ... not even when another workspace opens.
    assert workspace_actions.switch_workspace(window, demo_path)
    qtbot.wait(50)
    assert reads == [] and page.live is None
    # First shown, it shows the evaluation of the workspace open now.
    assert show_evaluate(qtbot, window) is page
    assert reads == ["list", "load"]
    live_ = page.live
    assert live_ is not None and [v.name for v in live_.snapshot.vendors] == [
        "Signal & Scale Partners", "OmniAI Solutions", "Vectorworks Platform", "Fresh Ridge Labs"]
    assert page.answers_tab.answers_model.rowCount() > 0


def test_the_progress_table_fits_each_evaluators_column_to_its_text(qtbot: Any, window: MainWindow) -> None:
    # Measured once when the rows change, not at each layout pass: still wide enough for every cell.
    page = show_evaluate(qtbot, window)
    view = page.results_panel.progress_view
    header = view.horizontalHeader()
    columns = page.results_panel.progress_model.columnCount()
    assert columns == 1 + len(page.live.snapshot.evaluators) if page.live is not None else False
    for column in range(1, columns):
        assert header.sectionSize(column) >= max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
    window.resize(1100, 700)  # a layout pass of the page: the fitted widths stay
    qtbot.wait(20)
    for column in range(1, columns):
        assert header.sectionSize(column) >= view.sizeHintForColumn(column)
