"""The evidence beside an answer: its citations, and "Where is this answered?" in the vendor's documents.

`AnswerEvidence` belongs to the Answers tab. For the question, vendor and evaluator shown it
lists the citations that evaluator may see (blind scoring: services.evaluation_view.
visible_citations), searches the vendor's documents for the question on a worker (BM25, best
passage first), opens a document in the viewer at a page with the excerpt marked, and records
a citation through the EvaluationSession and the undo stack.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.evidence import ELLIPSIS, HIGHLIGHT, Citation, Document, Passage
from app.services import evaluation_view, evidence, team
from app.services.changes import Changes
from app.ui.evidence.window import CiteTarget, DocumentWindow
from app.ui.tasks import Task
from app.ui.widgets.allowed import allow
from app.ui.widgets.tables import DISPLAY, ROW_ROLE, Index

if TYPE_CHECKING:
    from app.domain.bank import Question
    from app.ui.evaluate.answers_tab import AnswersTab

HTML_ROLE = Qt.ItemDataRole.UserRole + 10
PASSAGES = 8  # shown for a question; the best first


def snippet_html(snippet: str) -> str:
    """A search snippet as HTML: the matched words (between HIGHLIGHT marks) in bold."""
    opening, closing = HIGHLIGHT
    out: list[str] = []
    bold = False
    for ch in snippet:
        if ch == opening and not bold:
            out.append("<b>")
            bold = True
        elif ch == closing and bold:
            out.append("</b>")
            bold = False
        else:
            out.append(html.escape(ch))
    if bold:
        out.append("</b>")
    return "".join(out)


def snippet_text(snippet: str) -> str:
    """The snippet's words as they are on the page (marks and leading/trailing ellipses removed)."""
    opening, closing = HIGHLIGHT
    return snippet.replace(opening, "").replace(closing, "").strip().strip(ELLIPSIS).strip()


def short_quote(quote: str, limit: int = 160) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Row:
    """One line of a list: its HTML, its plain text (accessibility, tests) and what it stands for."""

    html: str
    text: str
    item: object


class RowsList(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return row.text
        if role == HTML_ROLE:
            return row.html
        if role == ROW_ROLE:
            return row.item
        return None


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's HTML_ROLE (bold matches, a muted second line) in the palette's colours."""

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(HTML_ROLE) or ""))
        doc.setTextWidth(max(option.rect.width() - 8, 60))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        rect = option.rect
        painter.translate(rect.left() + 4, rect.top() + 2)
        painter.setClipRect(QRectF(0, 0, rect.width() - 4, rect.height() - 2))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()) + 8, int(doc.size().height()) + 4)


def html_list(name: str) -> tuple[QListView, RowsList]:
    model = RowsList()
    view = QListView()
    view.setModel(model)
    model.setParent(view)
    view.setItemDelegate(HtmlDelegate(view))
    view.setAccessibleName(name)
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view, model


class CitationsPanel(QWidget):
    """The citations of the answer shown; activating one opens its page."""

    open_requested = Signal(object)  # Citation
    remove_requested = Signal(object)  # Citation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view, self.model = html_list(self.tr("Citations of this answer"))
        self.view.activated.connect(self._activated)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.remove = QPushButton(self.tr("Remove citation"))
        self.remove.clicked.connect(self._remove)
        self.remove.setEnabled(False)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.why_not = ""  # why citations cannot be removed here ("" when they can)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def citations(self) -> list[Citation]:
        return [r.item for r in self.model.rows if isinstance(r.item, Citation)]

    def set_citations(self, citations: list[Citation], reader: str | None, status: str) -> None:
        rows = []
        for c in citations:
            where = self.tr("%1, p. %2").replace("%1", c.document.name).replace("%2", str(c.page))
            who = ""
            if c.evaluator and c.evaluator != reader:
                who = self.tr(" (cited by %1)").replace("%1", c.evaluator)
            quote = short_quote(c.quote)
            text = self.tr("%1 — “%2”%3").replace("%1", where).replace("%2", quote).replace("%3", who)
            rows.append(Row(html.escape(text), text, c))
        self.model.set_rows(rows)
        self.status.setText(status)
        self._enable()

    def current(self) -> Citation | None:
        item = self.view.currentIndex().data(ROW_ROLE)
        return item if isinstance(item, Citation) else None

    def _enable(self) -> None:
        allow(self.remove, self.why_not, self.current() is not None)

    def _activated(self, index: QModelIndex) -> None:
        item = index.data(ROW_ROLE)
        if isinstance(item, Citation):
            self.open_requested.emit(item)

    def _remove(self) -> None:
        citation = self.current()
        if citation is not None:
            self.remove_requested.emit(citation)


class PassagesPanel(QWidget):
    """"Where is this answered?": the best passages of the vendor's documents for the question."""

    open_requested = Signal(object)  # Passage

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view, self.model = html_list(self.tr("Passages that may answer this question"))
        self.view.activated.connect(self._activated)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    def passages(self) -> list[Passage]:
        return [r.item for r in self.model.rows if isinstance(r.item, Passage)]

    def set_passages(self, passages: list[Passage], status: str) -> None:
        rows = []
        for p in passages:
            where = self.tr("%1, p. %2").replace("%1", p.document.name).replace("%2", str(p.page))
            rows.append(
                Row(
                    f"<b>{html.escape(where)}</b><br>{snippet_html(p.snippet)}",
                    self.tr("%1 — %2").replace("%1", where).replace("%2", snippet_text(p.snippet)),
                    p,
                )
            )
        self.model.set_rows(rows)
        self.status.setText(status)
        self.status.setVisible(bool(status))

    def _activated(self, index: QModelIndex) -> None:
        item = index.data(ROW_ROLE)
        if isinstance(item, Passage):
            self.open_requested.emit(item)


class AnswerEvidence(QObject):
    """Keeps the citations and passages of the answer shown, and opens and cites documents."""

    citations_changed = Signal(int)  # how many citations the answer shown has

    def __init__(self, tab: AnswersTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.citations = CitationsPanel()
        self.passages = PassagesPanel()
        self.citations.open_requested.connect(self.open_citation)
        self.citations.remove_requested.connect(lambda c: self.remove_citation(c))
        self.passages.open_requested.connect(self.open_passage)
        self.citation_loader = Task(self)
        self.searcher = Task(self)
        self.window: DocumentWindow | None = None
        # The vendor's citations, all questions, as loaded for (evaluation, vendor).
        self._loaded: tuple[int, str] | None = None
        self._all: list[Citation] = []
        self._searched: tuple[int, str, str] | None = None
        self.search_wanted = False  # the "Where is this answered?" tab is shown
        tab.page.ctx.workspace_changed.connect(self._workspace_changed)

    def _workspace_changed(self) -> None:
        # The document shown belongs to the workspace that was closed.
        if self.window is not None:
            self.window.close()
        self._loaded, self._all, self._searched = None, [], None

    @property
    def busy(self) -> bool:
        return self.citation_loader.busy or self.searcher.busy

    # ----- what the answer shown is ---------------------------------------------------------

    def question(self) -> Question | None:
        tab = self.tab
        return tab.answers_model.question_at(tab.answers.currentIndex())

    def target(self) -> CiteTarget | None:
        q, vendor, evaluator = self.question(), self.tab.current_vendor(), self.tab.current_evaluator()
        if q is None or not vendor or not evaluator:
            return None
        return CiteTarget(vendor, evaluator, q.id, q.question)

    # ----- citations ----------------------------------------------------------------------

    def refresh(self, force: bool = False) -> None:
        """The answer shown changed (question, vendor, evaluator) or was saved: redisplay."""
        page = self.tab.page
        eid, vendor = page.evaluation_id, self.tab.current_vendor()
        self.citations.why_not = page.ctx.why_not(team.ANSWER)
        if self.window is not None:
            self.window.why_not = page.ctx.why_not(team.ANSWER)
            self.window.refresh_target()
        if eid is None or not vendor:
            self._loaded, self._all = None, []
            self._show_citations()
            self._show_passages([], "")
            return
        if force or self._loaded != (eid, vendor):
            ws = page.ctx.workspace
            self.citation_loader.run(
                lambda: evidence.citations_for(ws, eid, vendor),
                lambda found: self._citations_loaded(eid, vendor, found),
                self._failed,
            )
        else:
            self._show_citations()
        if self.search_wanted:
            self.search(force)

    def _citations_loaded(self, eid: int, vendor: str, found: list[Citation]) -> None:
        self._loaded, self._all = (eid, vendor), found
        self._show_citations()

    def _failed(self, exc: Exception) -> None:
        self.tab.page.ctx.say(self.tr("Could not read the evidence: %1").replace("%1", str(exc)))

    def visible(self) -> list[Citation]:
        """The citations of the answer shown that the current evaluator may see."""
        q, live, reader = self.question(), self.tab.page.live, self.tab.current_evaluator()
        if q is None or live is None or self._loaded != (self.tab.page.evaluation_id, self.tab.current_vendor()):
            return []
        mine = [c for c in self._all if c.question == q.id]
        return evaluation_view.visible_citations(live.snapshot, reader, mine)

    def _show_citations(self) -> None:
        shown = self.visible()
        reader = self.tab.current_evaluator()
        if self.question() is None:
            status = ""
        elif shown:
            status = self.tr("Double-click a citation, or press Enter, to open its page.")
        else:
            status = self.tr(
                "No citations yet. Open a document (Evidence tab, or Where is this answered?), "
                "select the words that back the answer and press Cite."
            )
        self.citations.set_citations(shown, reader, status)
        self.citations_changed.emit(len(shown))

    def cite(self, document: Document, page: int, quote: str) -> bool:
        """Back the answer shown with `quote` from `page` of `document` (an undoable edit)."""
        tab, target = self.tab, self.target()
        session = tab.page.session
        if target is None or session is None:
            return False
        eid = session.evaluation_id
        made: dict[str, int] = {}

        def apply() -> None:
            citation, _changes = session.cite(
                target.vendor, target.evaluator, target.question, document.id, page, quote
            )
            made["id"] = citation.id

        def revert() -> None:
            session.remove_citation(made["id"], by=target.evaluator)

        error = tab.page.push(
            self.tr("Cite %1, p. %2 for %3").replace("%1", document.name).replace("%2", str(page))
            .replace("%3", target.question),
            apply,
            revert,
            lambda _undone: self.refresh(force=True),
            Changes(evaluation=eid, evidence=True),
        )
        if error:
            QMessageBox.warning(self.window or tab, self.tr("Cite"), error)
        return error is None

    def remove_citation(self, citation: Citation) -> bool:
        session = self.tab.page.session
        if session is None:
            return False
        by = self.tab.current_evaluator()
        current = {"id": citation.id}

        def apply() -> None:
            session.remove_citation(current["id"], by=by)

        def revert() -> None:
            again, _changes = session.cite(
                citation.vendor, citation.evaluator, citation.question, citation.document.id,
                citation.page, citation.quote,
            )
            current["id"] = again.id

        error = self.tab.page.push(
            self.tr("Remove citation of %1, p. %2").replace("%1", citation.document.name)
            .replace("%2", str(citation.page)),
            apply,
            revert,
            lambda _undone: self.refresh(force=True),
            Changes(evaluation=session.evaluation_id, evidence=True),
        )
        if error:
            QMessageBox.warning(self.tab, self.tr("Remove citation"), error)
        return error is None

    # ----- where is this answered? ------------------------------------------------------

    def set_search_wanted(self, wanted: bool) -> None:
        self.search_wanted = wanted
        if wanted:
            self.search()

    def search(self, force: bool = False) -> None:
        """Search the vendor's documents for the question shown, on a worker (newest wins)."""
        page, q, vendor = self.tab.page, self.question(), self.tab.current_vendor()
        eid = page.evaluation_id
        if eid is None or q is None or not vendor:
            self._searched = None
            self._show_passages([], "")
            return
        key = (eid, vendor, q.id)
        if key == self._searched and not force:
            return
        self._searched = key
        ws, text = page.ctx.workspace, q.question
        self.passages.status.setText(self.tr("Searching the documents of %1…").replace("%1", vendor))
        self.searcher.run(
            lambda: (evidence.list_documents(ws, eid, vendor), evidence.search(ws, eid, vendor, text, PASSAGES)),
            lambda found: self._searched_done(vendor, *found),
            self._failed,
        )

    def _searched_done(self, vendor: str, documents: list[Document], passages: list[Passage]) -> None:
        if not documents:
            status = self.tr("%1 has no documents yet: add them on the Evidence tab.").replace("%1", vendor)
        elif not passages:
            status = self.tr("Nothing in the documents of %1 matches this question.").replace("%1", vendor)
        else:
            status = self.tr("Best first. Double-click a passage, or press Enter, to open its page.")
        self._show_passages(passages, status)

    def _show_passages(self, passages: list[Passage], status: str) -> None:
        self.passages.set_passages(passages, status)

    # ----- the viewer -------------------------------------------------------------------

    def open_citation(self, citation: Citation) -> None:
        self.open_document(citation.document, citation.page, citation.quote)

    def open_passage(self, passage: Passage) -> None:
        self.open_document(passage.document, passage.page, snippet_text(passage.snippet))

    def open_document(self, document: Document, page: int = 1, quote: str = "") -> bool:
        """Show `document` at `page` (from 1) with `quote` marked, in the one viewer window."""
        ws = self.tab.page.ctx.workspace
        try:
            file = evidence.document_file(ws, document)
            pages = None if document.format == "pdf" else [p.text for p in evidence.pages(ws, document)]
        except Exception as exc:  # noqa: BLE001 - e.g. removed meanwhile: the person reads why
            from app.ui.undo import failure_message

            QMessageBox.warning(self.tab, self.tr("Open document"), failure_message(self.tab.page.ctx, exc, undoing=False))
            return False
        if self.window is None:
            self.window = DocumentWindow(self.target, self.tab.window())
            self.window.cited.connect(self.cite)
        self.window.why_not = self.tab.page.ctx.why_not(team.ANSWER)
        if not self.window.show_document(document, file, pages, page, quote):
            QMessageBox.warning(
                self.tab, self.tr("Open document"),
                self.tr("%1 could not be shown.").replace("%1", document.name),
            )
            return False
        return True
