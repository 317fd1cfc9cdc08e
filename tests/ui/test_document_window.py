"""The document window opens a long PDF in steps: at the page asked for with the excerpt marked,
a newer request or a close drops what was still on its way, and no document is left behind."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtPdf import QPdfDocument

from app.domain.evidence import Document, DocumentKind
from app.ui.evidence.viewer import CONTINUOUS_PAGES
from app.ui.evidence.window import DocumentWindow
from tests.evidence_files import make_pdf

COUNT = CONTINUOUS_PAGES + 20  # a page at a time, as the 300-page proposal is shown


def document(name: str, pages: int = COUNT) -> Document:
    return Document(1, "Evaluation", "OmniAI Solutions", name, "0" * 64, "pdf", DocumentKind.PROPOSAL,
                    1000, pages, None, datetime(2026, 11, 1), "Maya Chen (RevOps)")


def long_pdf(path: Path, title: str) -> Path:
    return make_pdf(path, [[f"{title}, section {n}", f"Finding number {n} of {title} is on this page."]
                           for n in range(1, COUNT + 1)])


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    w = DocumentWindow(lambda: None)
    qtbot.addWidget(w)
    w.resize(900, 700)
    yield w
    w.close()


def pdf_documents(window: DocumentWindow) -> list[QPdfDocument]:
    """The PDFs the window still holds, once the ones it let go of are deleted."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return window.viewer.findChildren(QPdfDocument)


def assert_shows(window: DocumentWindow, title: str, page: int, marked: str) -> None:
    """The window shows `title` at `page` (from 0) with `marked` highlighted on it."""
    assert window.windowTitle() == title
    assert window.viewer.current_page() == page
    highlighted = window.viewer.pdf.highlighted
    assert highlighted is not None and (highlighted.page, highlighted.text) == (page, marked)
    assert pdf_documents(window) == [window.viewer.document]  # the PDFs it let go of are gone


def test_a_long_pdf_opens_at_its_passage_with_the_excerpt_marked(qtbot, window: DocumentWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = long_pdf(tmp_path / "proposal.pdf", "the proposal")
    assert window.show_document(document("proposal.pdf"), pdf, None, 57, "Finding number 57 of the proposal")
    # Nothing shows before the event loop turns: the window appears, then the page is put in it.
    assert window.opening and not window.isVisible()
    with qtbot.waitSignal(window.opened):
        pass
    qtbot.waitUntil(lambda: not window.opening)
    assert window.isVisible() and window.windowTitle() == "proposal.pdf — OmniAI Solutions"
    viewer = window.viewer
    assert viewer.current_page() == 56
    assert (viewer.page_box.value(), viewer.page_total.text()) == (57, f"of {COUNT}")
    # The page fits the window's width (beside the vertical scroll bar): nothing to scroll sideways.
    qtbot.waitUntil(lambda: viewer.pdf.verticalScrollBar().isVisible())
    assert viewer.pdf.horizontalScrollBar().maximum() == 0
    marked = viewer.pdf.highlighted
    assert marked is not None and (marked.page, marked.text) == (56, "Finding number 57 of the proposal")
    # The marker is painted, in view, in the highlighter's yellow.
    area = viewer.pdf.layout_.to_viewport(56, marked.bounds[0]).boundingRect().toRect()
    assert viewer.pdf.viewport().rect().contains(area)

    def yellow_painted() -> bool:
        image = viewer.pdf.viewport().grab().toImage()
        colours = [image.pixelColor(x, area.top() + 1) for x in range(area.left(), area.right(), 3)]
        return any(40 <= c.hslHue() <= 70 and c.hslSaturation() > 80 for c in colours)

    qtbot.waitUntil(yellow_painted)


def test_opening_again_reuses_the_window_and_lets_the_previous_pdf_go(qtbot, window: DocumentWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = long_pdf(tmp_path / "proposal.pdf", "the proposal")
    second = long_pdf(tmp_path / "security.pdf", "the security annex")
    assert window.show_document(document("proposal.pdf"), first, None, 3)
    qtbot.waitUntil(lambda: not window.opening and window.isVisible())
    assert window.viewer.current_page() == 2 and window.viewer.pdf.highlighted is None
    assert window.show_document(document("security.pdf"), second, None, 12, "Finding number 12 of the security annex")
    qtbot.waitUntil(lambda: not window.opening)
    assert_shows(window, "security.pdf — OmniAI Solutions", 11, "Finding number 12 of the security annex")


def test_a_newer_request_replaces_one_still_on_its_way(qtbot, window: DocumentWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = long_pdf(tmp_path / "proposal.pdf", "the proposal")
    second = long_pdf(tmp_path / "security.pdf", "the security annex")
    shown: list[str] = []
    window.opened.connect(lambda: shown.append(window.windowTitle()))
    # Two passages activated in quick succession: the second is the one the person wants.
    assert window.show_document(document("proposal.pdf"), first, None, 10, "Finding number 10 of the proposal")
    assert window.show_document(document("security.pdf"), second, None, 20, "Finding number 20 of the security annex")
    qtbot.waitUntil(lambda: not window.opening)
    qtbot.wait(100)  # (anything of the first request still waiting would have run by now)
    assert shown == ["security.pdf — OmniAI Solutions"]
    assert_shows(window, "security.pdf — OmniAI Solutions", 19, "Finding number 20 of the security annex")


def test_closing_the_window_while_it_opens_keeps_it_closed(qtbot, window: DocumentWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # As when the workspace is closed just after a passage was activated.
    pdf = long_pdf(tmp_path / "proposal.pdf", "the proposal")
    shown: list[str] = []
    window.opened.connect(lambda: shown.append(window.windowTitle()))
    assert window.show_document(document("proposal.pdf"), pdf, None, 10, "Finding number 10")
    window.close()
    assert not window.opening
    qtbot.wait(150)
    assert not window.isVisible() and shown == []
    assert pdf_documents(window) == [window.viewer.document]  # the PDF read for it is let go


def test_a_file_qt_cannot_read_is_refused_at_once(qtbot, window: DocumentWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a PDF body")
    assert not window.show_document(document("broken.pdf"), broken, None, 1)
    assert not window.opening and not window.isVisible()


class ToolbarWatch(QObject):
    """What the viewer's page and zoom controls show each time one of them is painted, and after
    each turn of the event loop while the window is on screen."""

    def __init__(self, window: DocumentWindow) -> None:
        super().__init__()
        self.window = window
        viewer = window.viewer
        self.widgets = (viewer.page_box, viewer.page_total, viewer.zoom_label)
        self.seen: list[tuple[str, str, str]] = []
        for w in self.widgets:
            w.installEventFilter(self)

    def shown(self) -> tuple[str, str, str]:
        viewer = self.window.viewer
        return viewer.page_box.text(), viewer.page_total.text(), viewer.zoom_label.text()

    def look(self) -> None:
        if self.window.isVisible():
            self.seen.append(self.shown())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.seen.append(self.shown())
        return False


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def assert_only_known(watch: ToolbarWatch, final: tuple[str, str, str]) -> None:
    """Each frame showed the page, the count and the zoom the document ends up at, or none."""
    for box, total, zoom in watch.seen:
        assert numbers(box) in ([], numbers(final[0])), watch.seen
        assert numbers(total) in ([], numbers(final[1])), watch.seen
        assert numbers(zoom) in ([], numbers(final[2])), watch.seen


def open_turn_by_turn(qtbot, window: DocumentWindow, pdf: Path, page: int, quote: str) -> ToolbarWatch:  # type: ignore[no-untyped-def]
    watch = ToolbarWatch(window)
    assert window.show_document(document(pdf.name), pdf, None, page, quote)
    while window.opening:
        qtbot.wait(1)  # one turn (the steps are a frame apart)
        watch.look()
    qtbot.wait(50)  # paints still due after the last step
    watch.look()
    return watch


def test_the_toolbar_never_shows_a_page_count_or_zoom_it_does_not_know_yet(qtbot, window: DocumentWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """While a PDF opens, the window may show no page number and no zoom for a moment, but never
    "Page 0 of 0" or a zoom other than the one the page is finally shown at."""
    proposal = long_pdf(tmp_path / "proposal.pdf", "the proposal")
    watch = open_turn_by_turn(qtbot, window, proposal, 57, "Finding number 57 of the proposal")
    final = watch.shown()
    assert final[:2] == ("57", f"of {COUNT}")
    assert final[2] == f"{round(window.viewer.pdf.zoomFactor() * 100)} %" and final[2] != "100 %"
    assert watch.seen and watch.seen[-1] == final
    assert_only_known(watch, final)
    # Closed and opened on another document: its first frame shows nothing of the previous one.
    window.close()
    annex = make_pdf(tmp_path / "annex.pdf", [[f"Annex page {n}"] for n in range(1, 6)])
    watch = open_turn_by_turn(qtbot, window, annex, 2, "")
    final = watch.shown()
    assert final[:2] == ("2", "of 5")
    assert_only_known(watch, final)
