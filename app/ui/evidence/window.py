"""The window a vendor's document opens in, saying which answer "Cite" adds the selection to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from app.domain.evidence import Document
from app.ui.evidence.excerpts import find_excerpt
from app.ui.evidence.viewer import DocumentViewer
from app.ui.tasks import Stages

GEOMETRY_KEY = "evidence/viewer-geometry"
FRAME_MS = 16  # between the steps of opening a document: the window paints what a step showed


@dataclass(frozen=True)
class CiteTarget:
    """The answer a citation would back: this evaluator's answer to `question` for `vendor`."""

    vendor: str
    evaluator: str
    question: str  # the question id
    question_text: str


@dataclass
class Opening:
    """A document on its way into the window (`DocumentWindow.show_document`)."""

    document: Document
    pdf: QPdfDocument | None  # read, not shown yet; None for a document shown as its text
    pages: list[str] | None  # the text, page by page, of a document that is not a PDF
    page: int  # from 0
    quote: str
    span: tuple[int, int] | None = None  # where the quote is in the PDF page's text, once found


class DocumentWindow(QDialog):
    """One document at a time, not modal: the person keeps scoring while it is open.

    `target()` is asked whenever the viewer's Cite state is refreshed (the answer the person is
    on may change while the window stays open); `cited(document, page, quote)` is emitted on Cite.
    `opened` is emitted once a document asked for is shown at its page (see `show_document`).
    """

    cited = Signal(object, int, str)  # Document, page from 1, quote
    opened = Signal()

    def __init__(self, target: Callable[[], CiteTarget | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setModal(False)
        self.target = target
        self.why_not = ""  # why nothing can be cited here (a read-only window, a viewer's role); "" if it can
        self.document: Document | None = None
        self.viewer = DocumentViewer()
        self.viewer.cite_requested.connect(self._cite)
        self.citing = QLabel()
        self.citing.setWordWrap(True)
        self.citing.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.citing)
        layout.addWidget(self.viewer, 1)
        self.resize(900, 700)
        saved = QSettings().value(GEOMETRY_KEY)
        if isinstance(saved, QByteArray):
            self.restoreGeometry(saved)
        self.stages = Stages(self, pause_ms=FRAME_MS)
        self._pending: Opening | None = None

    def show_document(
        self, document: Document, file: Path, pages: list[str] | None, page: int = 1, quote: str = ""
    ) -> bool:
        """Show `document` at `page` (from 1) with `quote` marked; `pages` is its extracted text
        (for a document that is not a PDF). False when the PDF cannot be opened.

        The PDF is read here, so that a file Qt cannot read is refused at once. The rest follows
        in three steps, one event-loop turn apart, so that the main window never waits on all of
        it at once (`opened` is emitted after the second): the window appears (blank, if it was
        hidden) and the excerpt is looked for in the page's text; the document is put in the
        window at its page with the excerpt marked; the window is raised and activated. A newer
        call, or closing the window, drops the steps still waiting.
        """
        pdf = None
        if document.format == "pdf":
            pdf = self.viewer.load_pdf(file)
            if pdf is None:
                return False
        self._drop_opening()
        opening = self._pending = Opening(document, pdf, pages, page - 1, quote)
        self.stages.run([lambda: self._appear(opening), lambda: self._place(opening), self._activate])
        return True

    @property
    def opening(self) -> bool:
        """Whether a document asked for is still on its way to the screen."""
        return self.stages.busy

    def _appear(self, o: Opening) -> None:
        if not self.isVisible():
            self.viewer.close_document()  # not the page a previous opening left behind
            self._name(o.document)
            # Activated in the last step where the platform honours this, so that the main
            # window's repaint as inactive gets a turn of its own.
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            self.show()
        if o.pdf is not None and o.quote:
            o.span = find_excerpt(self.viewer.page_text(o.page, o.pdf), o.quote)

    def _place(self, o: Opening) -> None:
        self._pending = None
        if o.pdf is not None:
            self.viewer.show_pdf(o.pdf)
            self.viewer.pdf.fit_width()  # the page's width in the window, now that it has its size
        else:
            self.viewer.open_pages(o.pages or [])
        self._name(o.document)
        if o.pdf is not None:
            self.viewer.mark(o.page, o.span)
        elif o.quote:
            self.viewer.show_excerpt(o.page, o.quote)
        else:
            self.viewer.go_to_page(o.page)
        self.opened.emit()

    def _activate(self) -> None:
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        self.raise_()
        self.activateWindow()

    def _name(self, document: Document) -> None:
        self.document = document
        self.setWindowTitle(
            self.tr("%1 — %2").replace("%1", document.name).replace("%2", document.vendor)
        )
        self.refresh_target()

    def _drop_opening(self) -> None:
        """Forget an opening still under way (and the PDF it had read)."""
        self.stages.cancel()
        if self._pending is not None and self._pending.pdf is not None:
            self._pending.pdf.deleteLater()
        self._pending = None

    def refresh_target(self) -> None:
        """Say which answer Cite backs (or why Cite is off)."""
        target = self.target()
        doc = self.document
        if self.why_not:
            why = self.why_not
        elif target is None:
            why = self.tr("Choose who you are, a vendor and a question on the Answers tab to cite this document.")
        elif doc is not None and target.vendor != doc.vendor:
            why = self.tr("This document belongs to %1; you are scoring %2.").replace("%1", doc.vendor).replace(
                "%2", target.vendor
            )
        else:
            why = ""
        if why:
            self.citing.setText(why)
            self.viewer.set_can_cite(False, why)
            return
        assert target is not None
        self.citing.setText(
            self.tr("Cite adds the selected text to the answer to %2 “%3” (scored by %1).")
            .replace("%1", target.evaluator)
            .replace("%2", target.question)
            .replace("%3", target.question_text)
        )
        self.viewer.set_can_cite(True)

    def _cite(self, page: int, quote: str) -> None:
        if self.document is not None:
            self.cited.emit(self.document, page, quote)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._drop_opening()
        QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)
