"""The document viewer: a PDF's pages (or another document's extracted text, page by page), page
navigation, zoom, and "Cite" for the text the person selected.

`DocumentViewer` knows nothing of evaluations: it shows a document and emits
`cite_requested(page, quote)` (page numbered from 1, as people count). Whoever opened it decides
what the citation is attached to.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.evidence.excerpts import find_excerpt
from app.ui.evidence.pdf_view import MARKER_HUE, PdfPageView, TextSelection

CONTINUOUS_PAGES = 60  # up to this many pages scroll as one column


class TextPagesView(QPlainTextEdit):
    """A document's extracted text, one page at a time, read-only but selectable."""

    selection_changed = Signal(object)  # TextSelection | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.pages: list[str] = []
        self.page = 0
        self.selectionChanged.connect(self._selected)

    def set_pages(self, pages: list[str]) -> None:
        self.pages = list(pages)
        self.show_page(0)

    def show_page(self, page: int) -> None:
        if not self.pages:
            self.setPlainText("")
            return
        self.page = max(0, min(page, len(self.pages) - 1))
        self.setPlainText(self.pages[self.page])
        self.setExtraSelections([])

    def selection(self) -> TextSelection | None:
        text = self.textCursor().selectedText().replace("\u2029", "\n").strip()
        return TextSelection(self.page, text, ()) if text else None

    def _selected(self) -> None:
        self.selection_changed.emit(self.selection())

    def highlight(self, page: int, start: int, length: int) -> None:
        self.show_page(page)
        marker = QTextEdit.ExtraSelection()
        marker.format = QTextCharFormat()
        marker.format.setBackground(QColor.fromHsl(MARKER_HUE, 230, 140, 120))
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
        marker.cursor = cursor
        self.setExtraSelections([marker])
        view = QTextCursor(cursor)
        view.clearSelection()
        self.setTextCursor(view)
        self.ensureCursorVisible()


class DocumentViewer(QWidget):
    """Toolbar (pages, zoom, Cite) over the PDF pages or the text pages of one document."""

    cite_requested = Signal(int, str)  # page from 1, the quoted text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.pdf = PdfPageView()
        self.pdf.setDocument(self.document)
        self.pdf.setAccessibleName(self.tr("Document pages"))
        self.text = TextPagesView()
        self.text.setAccessibleName(self.tr("Document text"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pdf)
        self.stack.addWidget(self.text)
        self.is_pdf = True
        self.can_cite = True

        self.previous = QToolButton()
        self.previous.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous.setToolTip(self.tr("Previous page (Page Up)"))
        self.previous.setAccessibleName(self.tr("Previous page"))
        self.previous.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next = QToolButton()
        self.next.setArrowType(Qt.ArrowType.RightArrow)
        self.next.setToolTip(self.tr("Next page (Page Down)"))
        self.next.setAccessibleName(self.tr("Next page"))
        self.next.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_box = QSpinBox()
        self.page_box.setAccessibleName(self.tr("Page"))
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.page_total = QLabel()
        self.zoom_out = QToolButton()
        self.zoom_out.setText("−")
        self.zoom_out.setToolTip(self.tr("Zoom out (Ctrl+−)"))
        self.zoom_out.setAccessibleName(self.tr("Zoom out"))
        self.zoom_out.clicked.connect(self.pdf.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400 %") + 4)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in = QToolButton()
        self.zoom_in.setText("+")
        self.zoom_in.setToolTip(self.tr("Zoom in (Ctrl++)"))
        self.zoom_in.setAccessibleName(self.tr("Zoom in"))
        self.zoom_in.clicked.connect(self.pdf.zoom_in)
        self.fit = QToolButton()
        self.fit.setText(self.tr("Fit width"))
        self.fit.clicked.connect(self.pdf.fit_width)
        self.cite = QPushButton(self.tr("&Cite"))
        self.cite.setToolTip(self.tr("Cite the selected text, with its page, in the answer"))
        self.cite.setEnabled(False)
        self.cite.clicked.connect(self.cite_selection)
        self.selection_hint = QLabel(self.tr("Select text with the mouse to cite it."))
        self.selection_hint.setWordWrap(False)

        bar = QHBoxLayout()
        bar.addWidget(self.previous)
        self.page_label = QLabel(self.tr("Page"))
        bar.addWidget(self.page_label)
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_total)
        bar.addWidget(self.next)
        bar.addSpacing(12)
        self.zoom_widgets = (self.zoom_out, self.zoom_label, self.zoom_in, self.fit)
        for w in self.zoom_widgets:
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.selection_hint)
        bar.addWidget(self.cite)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self.pdf.pageNavigator().currentPageChanged.connect(lambda _p: self._show_page_number())
        self.pdf.zoomFactorChanged.connect(lambda _z: self._show_zoom())
        self.pdf.selection_changed.connect(self._selection_changed)
        self.text.selection_changed.connect(self._selection_changed)
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.pdf.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.pdf.zoom_out),
            (QKeySequence(Qt.Key.Key_PageUp), lambda: self.go_to_page(self.current_page() - 1)),
            (QKeySequence(Qt.Key.Key_PageDown), lambda: self.go_to_page(self.current_page() + 1)),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._pages_changed(0)

    # ----- opening ----------------------------------------------------------------------

    def open_pdf(self, path: Path | str) -> bool:
        """Show a PDF file; False when Qt cannot read it."""
        fresh = self.load_pdf(path)
        if fresh is None:
            return False
        self.show_pdf(fresh)
        return True

    def load_pdf(self, path: Path | str) -> QPdfDocument | None:
        """A PDF file read into a new document, not shown yet; None when Qt cannot read it."""
        # A new document, loaded before the view sees it: QPdfView lays out every page on each
        # status change of its document (~40 ms for 300 pages), and then only once.
        fresh = QPdfDocument(self)
        if fresh.load(str(path)) != QPdfDocument.Error.None_:
            fresh.deleteLater()
            return None
        return fresh

    def show_pdf(self, fresh: QPdfDocument) -> None:
        """Show a document `load_pdf` read, at its first page."""
        self.pdf.clear_selection()
        # Continuous pages read best; a long document shows a page at a time, because QPdfView
        # lays out every page again on each resize or zoom.
        self.pdf.setPageMode(
            QPdfView.PageMode.MultiPage if fresh.pageCount() <= CONTINUOUS_PAGES
            else QPdfView.PageMode.SinglePage
        )
        old, self.document = self.document, fresh
        self.pdf.setDocument(fresh)
        old.deleteLater()
        self.is_pdf = True
        self.stack.setCurrentWidget(self.pdf)
        for w in self.zoom_widgets:
            w.setVisible(True)
        self._pages_changed(self.document.pageCount())
        self.pdf.go_to_page(0)

    def open_pages(self, pages: list[str]) -> None:
        """Show a document's extracted text, page by page (Office files, images, plain text)."""
        self.is_pdf = False
        self.document.close()
        self.text.set_pages(pages)
        self.stack.setCurrentWidget(self.text)
        for w in self.zoom_widgets:
            w.setVisible(False)
        self._pages_changed(len(pages))

    def close_document(self) -> None:
        self.document.close()
        self.text.set_pages([])
        self._pages_changed(0)

    def _pages_changed(self, count: int) -> None:
        # With no document the page controls are blank and off: a window on its way to showing
        # a document never says "Page 0 of 0" (nor the zoom of the previous one) for a frame.
        with QSignalBlocker(self.page_box):
            self.page_box.setRange(1 if count else 0, max(count, 0))
            # Shown instead of the value at the minimum: only when that is no page at all.
            self.page_box.setSpecialValueText("" if count else " ")
        self.page_total.setText(self.tr("of %1").replace("%1", str(count)) if count else "")
        for w in (self.page_box, self.page_total, self.page_label):
            w.setEnabled(count > 0)
        self._show_page_number()
        self._show_zoom()
        self._selection_changed(None)

    # ----- pages ------------------------------------------------------------------------

    def page_count(self) -> int:
        return self.document.pageCount() if self.is_pdf else len(self.text.pages)

    def current_page(self) -> int:
        """The page shown, from 0."""
        return self.pdf.current_page() if self.is_pdf else self.text.page

    def go_to_page(self, page: int) -> None:
        if not 0 <= page < self.page_count():
            return
        if self.is_pdf:
            self.pdf.go_to_page(page)
        else:
            self.text.show_page(page)
        self._show_page_number()

    def page_text(self, page: int, document: QPdfDocument | None = None) -> str:
        """The text of `page` (from 0) of the document shown, or of `document` (a PDF `load_pdf`
        read, shown or not); "" for a page it does not have."""
        if document is None and not self.is_pdf:
            return self.text.pages[page] if 0 <= page < len(self.text.pages) else ""
        pdf = document or self.document
        return pdf.getAllText(page).text() if 0 <= page < pdf.pageCount() else ""

    def show_excerpt(self, page: int, quote: str) -> bool:
        """Go to `page` (from 0) and mark `quote` on it; False when the quote is not found there
        (the page is shown all the same)."""
        if not 0 <= page < self.page_count():
            return False
        return self.mark(page, find_excerpt(self.page_text(page), quote))

    def mark(self, page: int, span: tuple[int, int] | None) -> bool:
        """Go to `page` (from 0) and mark the characters `span` (start, length) of its text;
        with no span, just go there (and answer False)."""
        if not 0 <= page < self.page_count():
            return False
        if span is None:
            self.go_to_page(page)
            return False
        if self.is_pdf:
            self.pdf.highlight(page, *span)
        else:
            self.text.highlight(page, *span)
        self._show_page_number()
        return True

    def _show_page_number(self) -> None:
        if not shiboken6.isValid(self.document):
            return  # the navigator reports the last page change while the viewer is destroyed
        page, count = self.current_page(), self.page_count()
        with QSignalBlocker(self.page_box):
            self.page_box.setValue(page + 1 if count else 0)
        self.previous.setEnabled(page > 0)
        self.next.setEnabled(page + 1 < count)

    def _show_zoom(self) -> None:
        shown = self.is_pdf and self.page_count() > 0  # else no zoom applies (yet)
        self.zoom_label.setText(
            self.tr("%1 %").replace("%1", str(round(self.pdf.zoomFactor() * 100))) if shown else ""
        )
        for w in self.zoom_widgets:
            w.setEnabled(shown)

    # ----- citing -----------------------------------------------------------------------

    def selection(self) -> TextSelection | None:
        return self.pdf.selection if self.is_pdf else self.text.selection()

    def set_can_cite(self, can: bool, why_not: str = "") -> None:
        """Whether Cite may be pressed at all (an answer to attach it to, a writable workspace)."""
        self.can_cite = can
        self.cite.setToolTip(
            self.tr("Cite the selected text, with its page, in the answer") if can else why_not
        )
        self._selection_changed(self.selection())

    def _selection_changed(self, selection: TextSelection | None) -> None:
        self.cite.setEnabled(self.can_cite and selection is not None)
        self.selection_hint.setVisible(selection is None and self.can_cite)

    def cite_selection(self) -> None:
        selection = self.selection()
        if selection is None or not self.can_cite:
            return
        self.cite_requested.emit(selection.page + 1, " ".join(selection.text.split()))
