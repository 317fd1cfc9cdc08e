"""Evaluate ▸ Evidence: a vendor's documents, added by button or by dropping files, on a worker,
and the checks of its references (reference_checks.py).

Adding reads, checks, extracts and indexes each file (services.evidence.add_document) on the
project's background task (ui/tasks.py) with progress and Cancel, so the window stays
responsive even for a 300-page PDF. A refused file (hostile, damaged, too big) is named with the
service's reason in one dialog; nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.evidence import FORMATS, Document, DocumentKind
from app.services import evidence, team
from app.services.changes import Changes
from app.services.errors import InputError
from app.services.evidence import RemovedDocument
from app.ui import theme
from app.ui.evidence.reference_checks import ReferenceChecksPanel
from app.ui.tasks import Cancelled, Progress, Task, TaskCancelled
from app.ui.widgets.eliding import ElidingComboBox
from app.ui.widgets.page import hint
from app.ui.widgets.qt import py_date, qdate
from app.ui.widgets.rows import Column, RowsModel
from app.ui.widgets.tables import DISPLAY, ROW_ROLE, Index, compact_rows, sortable_table

if TYPE_CHECKING:
    from app.ui.evaluate.page import Page


def kind_label(kind: DocumentKind, tr: Callable[[str], str]) -> str:
    return {
        DocumentKind.PROPOSAL: tr("Proposal"),
        DocumentKind.CERTIFICATION: tr("Certification"),
        DocumentKind.CASE_STUDY: tr("Case study"),
        DocumentKind.CONTRACT: tr("Contract"),
        DocumentKind.OTHER: tr("Other"),
    }[kind]


NAME, KIND, PAGES, VALID = range(4)


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents table: the document and its cells as shown."""

    document: Document
    name: str
    kind: str
    pages: int
    valid: str
    expired: bool


class DocumentsModel(RowsModel):
    """A vendor's documents: name, kind, pages, valid until (with "expired" past that day)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(self.tr("Document"), field="name"),
                Column(self.tr("Kind"), field="kind"),
                Column(self.tr("Pages"), "int", field="pages"),
                Column(self.tr("Valid until"), field="valid"),
            ],
            parent,
        )
        self.editable = False

    @property
    def documents(self) -> list[Document]:
        return [r.document for r in self.rows()]

    def set_documents(self, documents: list[Document], today: date | None = None) -> None:
        on = today or date.today()
        self.set_rows([self._row(d, on) for d in documents])

    def _row(self, doc: Document, today: date) -> DocumentRow:
        expired = doc.expired(today)
        if doc.valid_until is None:
            valid = self.tr("no end date")
        elif expired:
            valid = self.tr("%1 — expired").replace("%1", doc.valid_until.isoformat())
        else:
            valid = doc.valid_until.isoformat()
        return DocumentRow(doc, doc.name, kind_label(doc.kind, self.tr), doc.pages, valid, expired)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = super().data(index, ROW_ROLE) if index.isValid() else None
        if isinstance(row, DocumentRow):
            column = index.column()
            if role == Qt.ItemDataRole.ForegroundRole and column == VALID and row.expired:
                return theme.tone("medium")
            if role == Qt.ItemDataRole.ToolTipRole:
                if column == VALID and row.expired:
                    return self.tr("Past its valid-until date: the evidence may no longer hold.")
                if column == NAME:
                    return self.tr("%1 (%2), added by %3").replace("%1", row.name).replace(
                        "%2", row.document.short_hash).replace("%3", row.document.added_by)
        return super().data(index, role)


def file_filter(tr: Callable[[str], str]) -> str:
    patterns = " ".join(f"*{ext}" for exts in FORMATS.values() for ext in exts)
    return tr("Documents (%1)").replace("%1", patterns) + ";;" + tr("All files (*)")


class DocumentDetailsDialog(QDialog):
    """Kind and valid-until date, for the files being added or for one document."""

    def __init__(self, title: str, lead: str, kind: DocumentKind, valid_until: date | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        intro = QLabel(lead)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.kind = QComboBox()
        for k in DocumentKind:
            self.kind.addItem(kind_label(k, self.tr), k)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        form.addRow(self.tr("&Kind"), self.kind)
        self.has_end = QCheckBox(self.tr("&Valid until"))
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.until.setAccessibleName(self.tr("Valid until"))
        self.until.setDate(qdate(valid_until) if valid_until else QDate.currentDate().addYears(1))
        self.has_end.setChecked(valid_until is not None)
        self.until.setEnabled(valid_until is not None)
        self.has_end.toggled.connect(self.until.setEnabled)
        form.addRow(self.has_end, self.until)
        layout.addLayout(form)
        layout.addWidget(hint(self.tr(
            "A certification or report that covers a period (a SOC 2 report, say) is valid until that "
            "period ends; past that date it raises a red flag.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def values(self) -> tuple[DocumentKind, date | None]:
        kind = self.kind.currentData()
        until = py_date(self.until.date()) if self.has_end.isChecked() else None
        return DocumentKind(kind), until


class DocumentsPanel(QWidget):
    """The documents of the vendor chosen here; `open_requested(Document)` asks for the viewer."""

    open_requested = Signal(object)
    documents_added = Signal(list)  # the Documents just stored

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page
        self.setAcceptDrops(True)
        self.loader = Task(self)
        self.adder = Task(self)
        self.adder.progressed.connect(self._progressed)
        self.adder.stopped.connect(self._add_stopped)
        self.adder.finished.connect(lambda: self._set_adding(False))
        # Documents already shown and for which (evaluation, vendor).
        self.shown: tuple[int, str] | None = None
        self.refused: list[str] = []  # the refusals of the last add, as shown

        self.vendor = ElidingComboBox()
        self.vendor.setAccessibleName(self.tr("Vendor whose documents are shown"))
        self.vendor.setMinimumContentsLength(14)
        self.vendor.activated.connect(lambda _i: self.reload())
        self.add_button = QPushButton(self.tr("Add doc&uments…"))
        self.add_button.clicked.connect(lambda: self.choose_files())
        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.clicked.connect(self.open_current)
        self.edit_button = QPushButton(self.tr("De&tails…"))
        self.edit_button.setToolTip(self.tr("Change the kind or the valid-until date"))
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.remove_button.clicked.connect(lambda: self.remove_current())
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Documents of")))
        bar.addWidget(self.vendor, 1)
        bar.addStretch(1)
        for b in (self.add_button, self.open_button, self.edit_button, self.remove_button):
            bar.addWidget(b)

        self.model = DocumentsModel(self)
        self.table, self.proxy = sortable_table(self.model, self.tr("Documents"))
        compact_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (KIND, PAGES, VALID):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName(self.tr("Adding documents"))
        self.progress_text = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.adder.request_stop)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_text, 1)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()

        self.checks = ReferenceChecksPanel(page, self.current_vendor)
        documents = QWidget()
        documents_layout = QVBoxLayout(documents)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        documents_layout.addLayout(bar)
        documents_layout.addWidget(self.table, 1)
        documents_layout.addWidget(self.empty, 1)
        documents_layout.addWidget(self.progress_box)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(documents)
        split.addWidget(self.checks)
        split.setChildrenCollapsible(False)
        split.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(hint(self.tr(
            "Drop files here, or press Add documents: PDF, Word, Excel, PowerPoint, images, text and "
            "Markdown, up to 200 MB each. They are kept inside the workspace; nothing in them is run.")))
        self._enable()

    # ----- what is shown ----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.loader.busy or self.adder.busy or self.checks.busy

    def current_vendor(self) -> str | None:
        data = self.vendor.currentData()
        return str(data) if data else None

    def fill(self, vendors: list[str], prefer: str | None = None) -> None:
        """The evaluation's vendors (a freshly loaded evaluation), keeping the one shown if it
        stays, else showing `prefer` (the vendor being scored)."""
        current = self.current_vendor()
        wanted = current if current in vendors else prefer if prefer in vendors else None
        self.vendor.blockSignals(True)
        self.vendor.clear()
        for name in vendors:
            self.vendor.addItem(name, name)
        self.vendor.setCurrentIndex(max(self.vendor.findData(wanted), 0) if vendors else -1)
        self.vendor.blockSignals(False)
        self.reload()

    def show_vendor(self, vendor: str | None) -> None:
        index = self.vendor.findData(vendor)
        if index >= 0 and index != self.vendor.currentIndex():
            self.vendor.setCurrentIndex(index)
            self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Read the vendor's documents on a worker."""
        eid, vendor, ws = self.page.evaluation_id, self.current_vendor(), self.page.ctx.workspace
        self.checks.reload()
        if eid is None or vendor is None:
            self.shown = None
            self._show([])
            return

        def loaded(documents: list[Document]) -> None:
            self.shown = (eid, vendor)
            self._show(documents)
            if then is not None:
                then()

        self.loader.run(lambda: evidence.list_documents(ws, eid, vendor), loaded, self._load_failed)

    def _load_failed(self, exc: Exception) -> None:
        self.page.ctx.say(self.tr("Could not read the documents: %1").replace("%1", str(exc)))

    def _show(self, documents: list[Document]) -> None:
        self.model.set_documents(documents)
        has = bool(documents)
        self.table.setVisible(has)
        self.empty.setVisible(not has)
        vendor = self.current_vendor()
        self.empty.setText(
            self.tr("No documents for %1 yet. Drop a proposal, a certification or a case study here.")
            .replace("%1", vendor)
            if vendor
            else self.tr("Add a vendor on the Vendors tab first.")
        )
        if has and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self._enable()

    def selected(self) -> Document | None:
        row = self.table.currentIndex().data(ROW_ROLE)
        return row.document if isinstance(row, DocumentRow) else None

    def select(self, name: str) -> bool:
        for row, doc in enumerate(self.model.documents):
            if doc.name == name:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def _select_quietly(self, name: str) -> None:
        self.select(name)

    def _may_change(self) -> bool:
        """Documents are changed by leads on a team workspace (docs/team.md), by anyone in a folder."""
        return self.page.ctx.can(team.MANAGE)

    def _enable(self) -> None:
        writable = self._may_change() and self.current_vendor() is not None
        adding = self.adder.busy
        has = self.selected() is not None
        self.add_button.setEnabled(writable and not adding)
        self.open_button.setEnabled(has)
        self.edit_button.setEnabled(has and writable and not adding)
        self.remove_button.setEnabled(has and writable and not adding)
        why = self.page.ctx.why_not(team.MANAGE)
        self.add_button.setToolTip(why)
        self.remove_button.setToolTip(why)
        self.edit_button.setToolTip(why or self.tr("Change the kind or the valid-until date"))

    def open_current(self) -> None:
        doc = self.selected()
        if doc is not None:
            self.open_requested.emit(doc)

    # ----- adding -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if _local_files(event) and self._may_change() and self.current_vendor() and not self.adder.busy:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = _local_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(paths)

    def choose_files(self) -> bool:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add documents"), str(Path.home()), file_filter(self.tr)
        )
        return self.add_files([Path(n) for n in names]) if names else False

    def add_files(self, paths: list[Path], details: tuple[DocumentKind, date | None] | None = None) -> bool:
        """Ask the kind and valid-until date (unless given), then add the files on a worker."""
        vendor, session = self.current_vendor(), self.page.session
        if not paths or vendor is None or session is None or not self._may_change() or self.adder.busy:
            return False
        if details is None:
            count = len(paths)
            lead = (
                self.tr("Add %1 to the documents of %2.").replace("%1", paths[0].name).replace("%2", vendor)
                if count == 1
                else self.tr("Add %n file(s) to the documents of %1.", "", count).replace("%1", vendor)
            )
            dialog = DocumentDetailsDialog(self.tr("Add documents"), lead, _guess_kind(paths), None, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            details = dialog.values()
        kind, valid_until = details
        by = self.page.answers_tab.current_evaluator()
        total = len(paths)

        def run(progress: Progress, cancelled: Cancelled) -> tuple[list[Document], list[str]]:
            added: list[Document] = []
            refused: list[str] = []
            for i, path in enumerate(paths):
                def part(fraction: float, message: str, i: int = i) -> None:
                    progress((i + fraction) / total, message)

                try:
                    doc, _changes = session.add_document(vendor, path, kind, valid_until, by, part, cancelled)
                except evidence.AddCancelled:
                    raise TaskCancelled from None
                except InputError as exc:
                    refused.append(str(exc))
                else:
                    added.append(doc)
            return added, refused

        self.refused = []
        self.progress.setValue(0)
        self.progress_text.setText(self.tr("Adding %1…").replace("%1", paths[0].name))
        self.adder.run(run, self._added, self._add_failed, progress=True)
        self._set_adding(True)  # after run: the buttons follow `adder.busy`
        return True

    def _set_adding(self, adding: bool) -> None:
        self.progress_box.setVisible(adding)
        self.vendor.setEnabled(not adding)
        self._enable()

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setValue(max(0, min(100, round(100 * fraction))))
        if message:
            self.progress_text.setText(message)

    def _added(self, result: tuple[list[Document], list[str]]) -> None:
        added, refused = result
        self._after_add(added)
        if refused:
            self.refused = refused
            self._tell_refused(refused)

    def _after_add(self, added: list[Document]) -> None:
        eid = self.page.evaluation_id
        if eid is not None:
            self.page.ctx.announce(Changes(evaluation=eid, evidence=True).by(self.page))
        self.reload(then=lambda: self._select_quietly(added[-1].name) if added else None)
        if added:
            self.page.ctx.say(self.tr("%n document(s) added.", "", len(added)))
            self.documents_added.emit(added)

    def _tell_refused(self, refused: list[str]) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Add documents"))
        box.setText(self.tr("%n file(s) could not be added.", "", len(refused)))
        box.setInformativeText("\n\n".join(refused))
        box.setObjectName("documents-refused")
        box.open()

    def _add_failed(self, exc: Exception) -> None:
        from app.ui.undo import failure_message

        self.refused = [failure_message(self.page.ctx, exc, undoing=False)]
        self.reload()
        self._tell_refused(self.refused)

    def _add_stopped(self) -> None:
        self.page.ctx.say(self.tr("Adding documents was cancelled; the files not yet added were not stored."))
        self._after_add([])

    # ----- editing ------------------------------------------------------------------------

    def edit_current(self, details: tuple[DocumentKind, date | None] | None = None) -> bool:
        doc, session = self.selected(), self.page.session
        if doc is None or session is None:
            return False
        if details is None:
            dialog = DocumentDetailsDialog(
                self.tr("Document details"), doc.name, doc.kind, doc.valid_until, self
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            details = dialog.values()
        kind, until = details
        by = self.page.answers_tab.current_evaluator()
        error = self.page.push(
            self.tr("Change %1").replace("%1", doc.name),
            lambda: session.update_document(doc.id, kind, until, by),
            lambda: session.update_document(doc.id, doc.kind, doc.valid_until, by),
            lambda _u: self._document_changed(doc.name),
            Changes(evaluation=session.evaluation_id, evidence=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("Document details"), error)
        return error is None

    def _document_changed(self, name: str) -> None:
        self.reload(then=lambda: self._select_quietly(name))
        self.page.reload()  # expiry is a red flag

    def remove_current(self, confirm: bool = True) -> bool:
        doc, session = self.selected(), self.page.session
        if doc is None or session is None:
            return False
        if confirm and QMessageBox.question(
            self,
            self.tr("Remove document"),
            self.tr(
                "Remove %1 from the documents of %2? Its citations are removed too. You can undo this."
            ).replace("%1", doc.name).replace("%2", doc.vendor),
        ) != QMessageBox.StandardButton.Yes:
            return False
        by = self.page.answers_tab.current_evaluator()
        # Undo puts the document back with a new id: a redo removes that one (and keeps what it removed).
        current: list[int] = [doc.id]
        removed: list[RemovedDocument] = []

        def apply() -> Changes:
            gone, changes = session.remove_document(current[0], by)
            removed[:] = [gone]
            return changes

        def revert() -> Changes:
            restored, changes = session.restore_document(removed[0], by)
            current[0] = restored.id
            return changes

        error = self.page.push(
            self.tr("Remove %1").replace("%1", doc.name),
            apply,
            revert,
            lambda undone: self._document_changed(doc.name) if undone else self._document_removed(),
            Changes(evaluation=session.evaluation_id, evidence=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("Remove document"), error)
        return error is None

    def _document_removed(self) -> None:
        self.reload()
        self.page.reload()  # its citations and the flags that read it


def _local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and Path(u.toLocalFile()).is_file()]


def _guess_kind(paths: list[Path]) -> DocumentKind:
    """A first guess from the file names ("SOC2-report.pdf" is a certification); the person confirms."""
    names = " ".join(p.stem.casefold() for p in paths)
    for kind, words in (
        (DocumentKind.CERTIFICATION, ("soc", "iso", "certif", "audit", "pentest")),
        (DocumentKind.CASE_STUDY, ("case", "study", "reference")),
        (DocumentKind.CONTRACT, ("contract", "msa", "agreement", "sow", "terms")),
        (DocumentKind.PROPOSAL, ("proposal", "offer", "rfp", "quote", "pitch")),
    ):
        if any(w in names for w in words):
            return kind
    return DocumentKind.OTHER
