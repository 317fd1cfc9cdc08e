"""The window a vendor's document opens in, saying which answer "Cite" adds the selection to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from app.domain.evidence import Document
from app.ui.evidence.viewer import DocumentViewer

GEOMETRY_KEY = "evidence/viewer-geometry"


@dataclass(frozen=True)
class CiteTarget:
    """The answer a citation would back: this evaluator's answer to `question` for `vendor`."""

    vendor: str
    evaluator: str
    question: str  # the question id
    question_text: str


class DocumentWindow(QDialog):
    """One document at a time, not modal: the person keeps scoring while it is open.

    `target()` is asked whenever the viewer's Cite state is refreshed (the answer the person is
    on may change while the window stays open); `cited(document, page, quote)` is emitted on Cite.
    """

    cited = Signal(object, int, str)  # Document, page from 1, quote

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

    def show_document(
        self, document: Document, file: Path, pages: list[str] | None, page: int = 1, quote: str = ""
    ) -> bool:
        """Show `document` at `page` (from 1) with `quote` marked; `pages` is its extracted text
        (for a document that is not a PDF). False when the PDF cannot be opened."""
        self.document = document
        self.setWindowTitle(
            self.tr("%1 — %2").replace("%1", document.name).replace("%2", document.vendor)
        )
        if document.format == "pdf":
            if not self.viewer.open_pdf(file):
                return False
        else:
            self.viewer.open_pages(pages or [])
        self.refresh_target()
        self.show()
        self.raise_()
        self.activateWindow()
        if document.format == "pdf":
            self.viewer.pdf.fit_width()  # the page's width in the window, once it has its size
        if quote:
            self.viewer.show_excerpt(page - 1, quote)
        else:
            self.viewer.go_to_page(page - 1)
        return True

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
        QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)
