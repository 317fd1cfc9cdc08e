"""The document viewer: pages where Qt paints them, mouse selection, Cite, and excerpts marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from app.ui.evidence.viewer import DocumentViewer
from tests.evidence_files import make_pdf
from tests.ui.pdf_mouse import drag, line_rect, to_viewport

PAGES = [
    ["Executive summary", "We are pleased to submit this proposal."],
    ["Delivery plan", "Kickoff in March.", "We deploy to production in eight weeks."],
    ["Security", "Our SOC 2 Type II report covers the last twelve months."],
]


@pytest.fixture
def viewer(qtbot, tmp_path: Path) -> DocumentViewer:  # type: ignore[no-untyped-def]
    pdf = make_pdf(tmp_path / "proposal.pdf", PAGES)
    widget = DocumentViewer()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.open_pdf(pdf)
    return widget


def test_the_page_layout_matches_the_pixels_qt_paints(viewer: DocumentViewer, qtbot) -> None:  # type: ignore[no-untyped-def]
    # The selection maps the mouse through PageLayout: it must agree with where QPdfView paints.
    viewer.pdf.set_zoom(1.0)
    viewer.go_to_page(1)
    qtbot.wait(50)

    def painted_white() -> bool:
        image = viewer.pdf.viewport().grab().toImage()
        rect = viewer.pdf.layout_.page_in_viewport(1)
        inside = image.pixelColor(rect.left() + 2, max(rect.top(), 0) + 40)
        outside = image.pixelColor(rect.left() - 3, max(rect.top(), 0) + 40)
        return inside == QColor(Qt.GlobalColor.white) and outside != QColor(Qt.GlobalColor.white)

    qtbot.waitUntil(painted_white, timeout=3000)
    # The page's first line of text is painted (dark pixels) where the layout says it is.
    line = line_rect(viewer, 1, "Delivery plan")
    top_left = to_viewport(viewer, 1, line.topLeft())
    bottom_right = to_viewport(viewer, 1, line.bottomRight())

    def text_painted() -> bool:
        image = viewer.pdf.viewport().grab().toImage()
        dark = sum(
            image.pixelColor(x, y).lightness() < 128
            for x in range(top_left.x(), bottom_right.x())
            for y in range(top_left.y(), bottom_right.y() + 1)
        )
        return dark > 20

    qtbot.waitUntil(text_painted, timeout=3000)


def test_dragging_the_mouse_selects_text_and_cite_quotes_it_with_its_page(viewer: DocumentViewer, qtbot) -> None:  # type: ignore[no-untyped-def]
    viewer.go_to_page(1)
    line = line_rect(viewer, 1, "production")
    start = to_viewport(viewer, 1, QPointF(line.left() - 10, line.center().y()))  # in the margin
    end = to_viewport(viewer, 1, QPointF(line.right() + 30, line.center().y()))  # past the end
    assert not viewer.cite.isEnabled()
    drag(qtbot, viewer, start, end)  # press, move, release on the viewport
    assert viewer.selection() is not None
    assert viewer.selection().text == "We deploy to production in eight weeks."
    assert viewer.cite.isEnabled()
    with qtbot.waitSignal(viewer.cite_requested) as cited:
        qtbot.mouseClick(viewer.cite, Qt.MouseButton.LeftButton)
    assert cited.args == [2, "We deploy to production in eight weeks."]


def test_a_drag_upwards_selects_the_same_text(viewer: DocumentViewer, qtbot) -> None:  # type: ignore[no-untyped-def]
    viewer.go_to_page(1)
    first = line_rect(viewer, 1, "Kickoff")
    second = line_rect(viewer, 1, "production")
    start = to_viewport(viewer, 1, QPointF(second.right() + 2, second.center().y()))
    end = to_viewport(viewer, 1, QPointF(first.left() + 1, first.center().y()))
    drag(qtbot, viewer, start, end)
    text = viewer.selection().text
    assert text.startswith("Kickoff in March.") and text.endswith("eight weeks.")


def test_a_click_clears_the_selection(viewer: DocumentViewer, qtbot) -> None:  # type: ignore[no-untyped-def]
    line = line_rect(viewer, 0, "pleased")
    viewer.pdf.select(0, line.topLeft(), line.bottomRight())
    assert viewer.cite.isEnabled()
    qtbot.mouseClick(viewer.pdf.viewport(), Qt.MouseButton.LeftButton, pos=to_viewport(viewer, 0, line.center()))
    assert viewer.selection() is None
    assert not viewer.cite.isEnabled()


def test_page_navigation_and_zoom(viewer: DocumentViewer, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert viewer.page_total.text() == "of 3"
    assert viewer.page_box.value() == 1
    qtbot.mouseClick(viewer.next, Qt.MouseButton.LeftButton)
    assert viewer.current_page() == 1 and viewer.page_box.value() == 2
    viewer.page_box.setValue(3)
    assert viewer.current_page() == 2
    assert not viewer.next.isEnabled()
    before = viewer.pdf.zoomFactor()
    qtbot.mouseClick(viewer.zoom_in, Qt.MouseButton.LeftButton)
    assert viewer.pdf.zoomFactor() > before
    assert viewer.current_page() == 2  # zooming keeps the page being read
    assert viewer.zoom_label.text() == f"{round(viewer.pdf.zoomFactor() * 100)} %"
    qtbot.mouseClick(viewer.fit, Qt.MouseButton.LeftButton)
    page = viewer.pdf.layout_.page_in_viewport(2)
    assert page.left() >= 0 and page.right() <= viewer.pdf.viewport().width()
    assert page.width() > viewer.pdf.viewport().width() * 0.9


def test_an_excerpt_is_marked_on_its_page(viewer: DocumentViewer) -> None:
    assert viewer.show_excerpt(1, "deploy to production\nin EIGHT weeks")
    assert viewer.current_page() == 1
    marked = viewer.pdf.highlighted
    assert marked is not None and marked.page == 1
    assert marked.text == "deploy to production in eight weeks"
    assert not viewer.show_excerpt(2, "not on this page")
    assert viewer.current_page() == 2


def test_text_pages_are_shown_selected_and_cited(qtbot) -> None:  # type: ignore[no-untyped-def]
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    viewer.open_pages(["Sheet one: pricing", "Sheet two: 12 references in retail, 3 in production"])
    assert not viewer.zoom_in.isVisibleTo(viewer)
    assert viewer.page_total.text() == "of 2"
    assert viewer.show_excerpt(1, "3 in production")
    assert viewer.text.toPlainText().startswith("Sheet two")
    cursor = viewer.text.textCursor()
    cursor.setPosition(11)
    cursor.setPosition(24, cursor.MoveMode.KeepAnchor)
    viewer.text.setTextCursor(cursor)
    with qtbot.waitSignal(viewer.cite_requested) as cited:
        viewer.cite.click()
    assert cited.args == [2, "12 references"]


def test_a_long_document_shows_a_page_at_a_time_and_still_selects(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPdfWidgets import QPdfView

    from app.ui.evidence.viewer import CONTINUOUS_PAGES

    pages = [[f"Page {n} heading", f"Finding number {n} is on this page."] for n in range(1, CONTINUOUS_PAGES + 2)]
    widget = DocumentViewer()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.open_pdf(make_pdf(tmp_path / "long.pdf", pages))
    assert widget.pdf.pageMode() == QPdfView.PageMode.SinglePage
    widget.page_box.setValue(41)
    assert widget.current_page() == 40
    line = line_rect(widget, 40, "Finding")
    start = to_viewport(widget, 40, QPointF(line.left() - 5, line.center().y()))
    end = to_viewport(widget, 40, QPointF(line.right() + 5, line.center().y()))
    drag(qtbot, widget, start, end)
    assert widget.selection() is not None
    assert (widget.selection().page, widget.selection().text) == (40, "Finding number 41 is on this page.")
