"""PDF export in the app: the report is built on a worker thread, then previewed with Open and Save As…."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext
from app.ui.save_dialog import ask_save_path
from app.ui.tasks import Cancelled, Progress, Task, TaskCancelled

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

# An export runs `build(out, progress, cancel)`; the services write the file atomically.
Build = Callable[[Path, Callable[[float, str], None], Callable[[], bool]], None]


def tr(text: str) -> str:
    return QCoreApplication.translate("Export", text)


class PdfPreview(QDialog):
    """The exported PDF, paged, with Open (system viewer) and Save As…."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(title)
        self.setObjectName("pdf-preview")
        self.resize(820, 900)
        # Qt PDF is loaded when a preview opens, not with the File menu at start-up.
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setAccessibleName(self.tr("PDF preview"))
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        pages = self.document.pageCount()
        self.info = QLabel(self.tr("%n page(s) · %1", "", pages).replace("%1", path.name))
        buttons = QDialogButtonBox()
        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.setAccessibleName(self.tr("Open in the PDF viewer"))
        self.save_button = QPushButton(self.tr("&Save As…"))
        self.save_button.setAccessibleName(self.tr("Save the PDF as"))
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_button.clicked.connect(self.open_external)
        self.save_button.clicked.connect(self.save_as)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.info)
        layout.addWidget(buttons)

    def open_external(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))):
            QMessageBox.information(
                self, self.windowTitle(), self.tr("No PDF viewer is set up; use Save As… instead.")
            )

    def save_as(self, target: str | None = None) -> Path | None:
        """Copy the PDF where the person chooses (`target` skips the dialog, for tests and scripts)."""
        if target:
            dest = Path(target)
            if dest.suffix.lower() != ".pdf":
                dest = dest.with_suffix(".pdf")
        else:
            chosen = ask_save_path(self, self.tr("Save PDF as"), self.path.name, self.tr("PDF files (*.pdf)"), ".pdf")
            if chosen is None:
                return None
            dest = chosen
        if dest.resolve() == self.path.resolve():
            return dest
        try:
            tmp = dest.with_name(f".{dest.name}.part")
            shutil.copyfile(self.path, tmp)
            tmp.replace(dest)  # never a half-copied file at the destination
        except OSError as exc:
            Path(dest.with_name(f".{dest.name}.part")).unlink(missing_ok=True)
            QMessageBox.warning(
                self,
                self.windowTitle(),
                self.tr("Could not save the PDF: %1").replace("%1", str(exc.strerror or exc)),
            )
            return None
        return dest


class ExportJob(QObject):
    """One export from start to preview; `preview` is set once the file is ready."""

    export_finished = Signal(str)
    export_failed = Signal(str)

    def __init__(self, parent: QWidget, title: str, build: Build, out: Path) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.title = title
        self.out = out
        self.preview: PdfPreview | None = None
        self.error: str | None = None
        self.cancelled = False
        self.progress = QProgressDialog(tr("Preparing the PDF…"), tr("Cancel"), 0, 100, parent)
        self.progress.setWindowTitle(title)
        self.progress.setObjectName("export-progress")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)  # a fast export never flashes a dialog
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self._build = build
        self.task = Task(self)
        self.task.progressed.connect(self._on_progress)
        self.task.stopped.connect(self._on_cancelled)
        # The build notices Cancel between steps, writes nothing, and the task reports `stopped`.
        self.progress.canceled.connect(self.task.request_stop)

    def start(self) -> ExportJob:
        build, out = self._build, self.out

        def run(progress: Progress, cancelled: Cancelled) -> str:
            from app.services.reports import ExportCancelled

            try:
                build(out, progress, cancelled)
            except ExportCancelled:
                raise TaskCancelled from None
            return str(out)

        self.task.run(run, self._on_finished, self._on_failed, progress=True)
        return self

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(max(0, min(99, int(100 * fraction))))
        self.progress.setLabelText(tr(message))

    def _on_finished(self, path: str) -> None:
        self.progress.close()
        self.preview = PdfPreview(Path(path), self.title, self.parent_widget)
        self.preview.show()
        self.export_finished.emit(path)

    def _on_failed(self, exc: Exception) -> None:
        from app.services.errors import InputError

        message = str(exc) if isinstance(exc, InputError) else f"{exc.__class__.__name__}: {exc}"
        self.progress.close()
        self.error = message
        self.export_failed.emit(message)
        QMessageBox.warning(
            self.parent_widget,
            self.title,
            tr("The PDF could not be made: %1").replace("%1", message),
        )

    def _on_cancelled(self) -> None:
        self.progress.close()
        self.cancelled = True
        self.export_failed.emit("cancelled")


def _file_name(text: str) -> str:
    cleaned = re.sub(r"[^\w\- ]+", "", text, flags=re.UNICODE).strip().replace(" ", "-")
    return (cleaned or "report")[:80]


def _ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    return ask_save_path(parent, title, f"{name}.pdf", tr("PDF files (*.pdf)"), ".pdf")


def export_evaluation_pdf(
    parent: QWidget, ctx: AppContext, evaluation_id: int, summary: bool = False, out: Path | None = None
) -> ExportJob | None:
    """Ask where to save (unless `out` is given), build the executive comparison PDF of an
    evaluation there on a worker, then preview it. None when the person cancels the Save dialog."""
    from app.services import evaluations
    from app.services.reports import evaluation_report

    name = next(
        (e.name for e in evaluations.list_evaluations(ctx.workspace) if e.id == evaluation_id),
        str(evaluation_id),
    )
    title = tr("Partner comparison — %1").replace("%1", name)
    out = out or _ask_pdf_path(parent, title, f"{_file_name(name)}{'-summary' if summary else ''}")
    if out is None:
        return None
    ws = ctx.workspace

    def build(
        target: Path, progress: Callable[[float, str], None], cancel: Callable[[], bool]
    ) -> None:
        evaluation_report(
            ws, evaluation_id, target, summary=summary, progress=progress, cancel=cancel
        )

    job = ExportJob(parent, title, build, out)
    job.export_finished.connect(lambda p: ctx.say(tr("PDF ready: %1").replace("%1", p)))
    return job.start()


def export_review_pdf(
    parent: QWidget, ctx: AppContext, engagement_id: int, month: str | None = None, out: Path | None = None
) -> ExportJob | None:
    """Ask where to save (unless `out` is given), build the one-page monthly review PDF of an
    engagement (latest month by default) there, then preview it. None when the person cancels."""
    from app.services import engagements
    from app.services.reports import review_report

    snap = engagements.load(ctx.workspace, engagement_id)
    title = tr("Monthly review — %1").replace("%1", snap.name)
    out = out or _ask_pdf_path(parent, title, f"{_file_name(snap.name)}-review-{month or 'latest'}")
    if out is None:
        return None
    ws = ctx.workspace

    def build(
        target: Path, progress: Callable[[float, str], None], cancel: Callable[[], bool]
    ) -> None:
        review_report(ws, engagement_id, target, month=month, progress=progress, cancel=cancel)

    job = ExportJob(parent, title, build, out)
    job.export_finished.connect(lambda p: ctx.say(tr("PDF ready: %1").replace("%1", p)))
    return job.start()


def _choose_evaluation(window: MainWindow) -> int | None:
    from app.services import evaluations

    if window.ctx.current_evaluation is not None:
        return window.ctx.current_evaluation
    rows = evaluations.list_evaluations(window.ctx.workspace)
    if not rows:
        QMessageBox.information(
            window,
            window.tr("Export evaluation PDF"),
            window.tr("There is no evaluation to export yet."),
        )
        return None
    if len(rows) == 1:
        return rows[0].id
    names = [r.name for r in rows]
    name, ok = QInputDialog.getItem(
        window, window.tr("Export evaluation PDF"), window.tr("Evaluation:"), names, 0, False
    )
    return rows[names.index(name)].id if ok else None


def _choose_engagement(window: MainWindow) -> int | None:
    from app.services import engagements

    rows = engagements.list_engagements(window.ctx.workspace)
    if not rows:
        QMessageBox.information(
            window, window.tr("Export monthly review PDF"), window.tr("There is no engagement yet.")
        )
        return None
    if len(rows) == 1:
        return rows[0][0]
    names = [f"{name} — {vendor}" for _id, name, vendor in rows]
    name, ok = QInputDialog.getItem(
        window, window.tr("Export monthly review PDF"), window.tr("Engagement:"), names, 0, False
    )
    return rows[names.index(name)][0] if ok else None


def install(window: MainWindow) -> None:
    """File ▸ Export evaluation PDF… and Export monthly review PDF…."""

    def evaluation() -> None:
        ev = _choose_evaluation(window)
        if ev is not None:
            window.last_export = export_evaluation_pdf(window, window.ctx, ev)

    def review() -> None:
        eng = _choose_engagement(window)
        if eng is not None:
            window.last_export = export_review_pdf(window, window.ctx, eng)

    menu = window.file_menu
    menu.addSeparator()
    pdf = QAction(window.tr("Export evaluation &PDF…"), window)
    pdf.setObjectName("action-export-evaluation-pdf")
    pdf.setShortcut("Ctrl+Shift+P")
    pdf.triggered.connect(evaluation)
    rev = QAction(window.tr("Export monthly &review PDF…"), window)
    rev.setObjectName("action-export-review-pdf")
    rev.triggered.connect(review)
    menu.addAction(pdf)
    menu.addAction(rev)
    window.export_actions = (pdf, rev)
