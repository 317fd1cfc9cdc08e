"""Use cases page: live specificity while typing, data sources and metrics, undo/redo to the database."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit
from sqlmodel import select

from app.domain.models import Access, DataSource, SuccessMetric
from app.services import usecases
from app.services.changes import Changes
from app.store.tables import DataSourceRow, SuccessMetricRow, UseCaseRow
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.pages.usecases import Page, metric_model, source_model


@pytest.fixture
def window(qtbot, workspace):  # type: ignore[no-untyped-def]
    ctx = AppContext(workspace)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


def _page(window: MainWindow) -> Page:
    page = window.show_page("usecases")
    assert isinstance(page, Page)
    return page


def _retype(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _rows(ws, table):  # type: ignore[no-untyped-def]
    with ws.session() as s:
        return list(s.exec(select(table)).all())


def test_slogan_to_specific_with_undo_and_redo(qtbot, window, workspace) -> None:  # type: ignore[no-untyped-def]
    page = _page(window)
    assert page.editor_stack.currentIndex() == 0  # empty state
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.list_model.rowCount() == 1
    uid = page.current_id
    assert uid is not None

    page.title.setFocus()
    page.title.selectAll()
    qtbot.keyClick(page.title, Qt.Key.Key_Delete)
    qtbot.keyClicks(page.title, "Implementing AI across the organization")
    # Live: the verdict changes while typing, before anything is saved.
    assert page.feedback.chip.text() == "slogan"
    assert usecases.get(workspace, uid).title == "New use case"
    qtbot.keyClick(page.title, Qt.Key.Key_Return)
    assert usecases.get(workspace, uid).title == "Implementing AI across the organization"

    _retype(qtbot, page.title, "Prioritizing which inbound leads our SDRs should call first")
    assert page.feedback.chip.text() == "needs work"  # a good title, but no data and no metric yet
    # The list's verdict column fits the new verdict (measured as it changes), not cut short.
    assert page.list_model.index(0, 1).data() == "needs work"
    header = page.list_view.horizontalHeader()
    assert header.sectionSize(1) == max(header.sectionSizeHint(1), page.list_view.sizeHintForColumn(1))
    assert any("data sources" in r for r in usecases.check(usecases.get(workspace, uid)).reasons)

    qtbot.mouseClick(page.add_source_button, Qt.MouseButton.LeftButton)
    editor = page.sources_view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()  # the new row opens for typing
    editor.selectAll()
    qtbot.keyClicks(editor, "Salesforce")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: page.sources.rows() == [DataSource("Salesforce", Access.YES)])
    assert [r.system for r in _rows(workspace, DataSourceRow)] == ["Salesforce"]

    qtbot.mouseClick(page.add_metric_button, Qt.MouseButton.LeftButton)
    m = page.metrics
    assert m.setData(m.index(0, 0), "Lead to meeting conversion")
    assert m.setData(m.index(0, 2), "4.5")
    assert m.setData(m.index(0, 3), "6")
    assert m.setData(m.index(0, 5), "2027-06-30")
    assert not m.setData(m.index(0, 2), "a lot")  # refused: not a number
    assert page.feedback.chip.text() == "specific"
    stored = usecases.get(workspace, uid).success_metrics
    assert stored == [
        SuccessMetric("Lead to meeting conversion", "", 4.5, 6.0, target_date=date(2027, 6, 30))
    ]
    assert page.list_model.index(0, 1).data() == "specific"

    # Undo the last four metric edits and the metric itself: back to "needs work", in the DB too.
    page.metrics_view.setFocus()
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.metrics.rowCount() == 0
    assert _rows(workspace, SuccessMetricRow) == []
    assert page.feedback.chip.text() == "needs work"
    for _ in range(5):
        qtbot.keyClick(
            window,
            Qt.Key.Key_Z,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert page.feedback.chip.text() == "specific"
    assert [r.target for r in _rows(workspace, SuccessMetricRow)] == [6.0]
    assert window.isWindowModified()


def test_remove_and_delete_are_undoable(qtbot, window, workspace) -> None:  # type: ignore[no-untyped-def]
    uid = usecases.create(workspace, usecases_full())
    page = _page(window)
    assert page.current_id == uid and page.sources.rowCount() == 2
    page.sources_view.setCurrentIndex(page.sources.index(0, 0))
    qtbot.mouseClick(page.remove_source_button, Qt.MouseButton.LeftButton)
    assert [r.system for r in _rows(workspace, DataSourceRow)] == ["Website"]
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert _rows(workspace, UseCaseRow) == []
    assert page.editor_stack.currentIndex() == 0
    window.ctx.undo_stack.undo()
    assert [r.id for r in _rows(workspace, UseCaseRow)] == [uid]
    assert page.title.text() == usecases_full().title
    window.ctx.undo_stack.undo()
    assert sorted(r.system for r in _rows(workspace, DataSourceRow)) == ["Salesforce", "Website"]


def test_access_and_invalid_title_are_handled(qtbot, window, workspace) -> None:  # type: ignore[no-untyped-def]
    uid = usecases.create(workspace, usecases_full())
    page = _page(window)
    assert page.sources.setData(page.sources.index(1, 1), "no")
    assert usecases.get(workspace, uid).data_sources[1].access is Access.NO
    messages: list[str] = []
    window.ctx.status_message.connect(messages.append)
    _retype(qtbot, page.title, "   ")
    assert usecases.get(workspace, uid).title == usecases_full().title
    assert page.title.text() == usecases_full().title  # the stored value is shown again
    assert any("needs a title" in m for m in messages)


def usecases_full():  # type: ignore[no-untyped-def]
    from tests.services.test_usecases import _full

    return _full()


@pytest.mark.parametrize("make", [source_model, metric_model])
def test_models_pass_the_model_tester(qtmodeltester, make) -> None:  # type: ignore[no-untyped-def]
    model = make()
    row = (
        DataSource("CRM", Access.PARTIAL)
        if make is source_model
        else SuccessMetric("Churn", "%", 5, 3)
    )
    model.set_rows([row, row])
    qtmodeltester.check(model)
    assert model.setData(model.index(0, 0), "Other")
    qtmodeltester.check(model)


def test_list_model_passes_the_model_tester(qtmodeltester, window, workspace) -> None:  # type: ignore[no-untyped-def]
    usecases.create(workspace, usecases_full())
    page = _page(window)
    qtmodeltester.check(page.list_model)
    assert QKeySequence  # keep import used


def test_the_specificity_bar_shows_each_use_cases_score_and_stays_repaintable(window: MainWindow) -> None:
    # The bar is set without a synchronous repaint (set_bar_value); it must still show the score
    # and take updates again afterwards.
    page = _page(window)
    from app.domain.models import UseCase

    usecases.create(window.ctx.workspace, UseCase(title="Improve things with AI"))
    usecases.create(window.ctx.workspace, UseCase(title="Rank inbound leads daily for the two SDRs by likely deal size",
                                                  decision="Which leads the SDRs call first each morning"))
    window.ctx.announce(Changes(use_cases=True))  # as every save in the app does
    rows = usecases.list_use_cases(window.ctx.workspace)
    assert len(rows) >= 2 and len({r.score for r in rows}) >= 2
    for row in rows:
        page.select(row.id)
        assert page.feedback.bar.value() == row.score
        assert page.feedback.bar.updatesEnabled()


def test_the_lists_verdicts_are_checked_after_the_page_has_painted(qtbot, window, workspace) -> None:  # type: ignore[no-untyped-def]
    # The checks run on a worker and hold the GIL: started in the click's turn they slowed the
    # page's first paint; they start on the next turn, and the verdicts follow.
    from app.domain.models import UseCase

    for title in ("Prioritizing which inbound leads our SDRs should call first", "Implementing AI everywhere"):
        usecases.create(workspace, UseCase(title))
    window.ctx.announce(Changes(use_cases=True))
    page = _page(window)
    rows = [page.list_model.summary(r) for r in range(page.list_model.rowCount())]
    assert len(rows) == 2 and page.busy and not page._checks.busy  # listed; no worker yet
    assert [r.verdict for r in rows].count("") == 1  # the selected one is checked for its editor
    qtbot.waitUntil(lambda: not page.busy)
    assert all(page.list_model.summary(r).verdict for r in range(2))
