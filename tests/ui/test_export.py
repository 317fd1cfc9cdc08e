"""Export PDF from the app: the worker builds the file, then the QtPdf preview shows it."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog

from app.services import engagements, evaluations
from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION


@pytest.fixture
def window(demo: object, qtbot: object) -> object:
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    win = MainWindow(AppContext(demo))
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    return win


def _wait_preview(qtbot: object, job: object) -> object:
    qtbot.waitUntil(lambda: job.preview is not None or job.error is not None or job.cancelled, timeout=60_000)  # type: ignore[attr-defined]
    assert job.error is None, job.error  # type: ignore[attr-defined]
    return job.preview  # type: ignore[attr-defined]


class FakeSaveDialog:
    """Stands in for QFileDialog.getSaveFileName: records where it opened, answers with `answers`."""

    def __init__(self, *answers: Path | None) -> None:
        self.answers = list(answers)
        self.started_in: list[Path] = []

    def __call__(self, parent: object, title: str, start: str, file_filter: str) -> tuple[str, str]:
        self.started_in.append(Path(start))
        answer = self.answers.pop(0)
        return ("", "") if answer is None else (str(answer), file_filter)


def test_file_menu_action_exports_and_previews(
    window: object, demo: object, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ev = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    window.ctx.select_evaluation(ev)  # type: ignore[attr-defined]
    from PySide6.QtGui import QAction

    documents = Path.home() / "Documents"
    documents.mkdir()
    board = tmp_path / "board"
    board.mkdir()
    dialog = FakeSaveDialog(board / "comparison", None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    action = window.findChild(QAction, "action-export-evaluation-pdf")  # type: ignore[attr-defined]
    assert action is not None
    assert action in window.file_menu.actions()  # type: ignore[attr-defined]
    action.trigger()
    preview = _wait_preview(qtbot, window.last_export)  # type: ignore[attr-defined]
    # The Save dialog opened in Documents; the PDF was written where the person chose, as .pdf.
    assert dialog.started_in[0].parent == documents
    assert preview.path == board / "comparison.pdf"
    assert preview.isVisible()
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.path.exists()
    # The preview shows every page of the file written, as an independent reader counts them.
    pages = len(pypdf.PdfReader(str(preview.path)).pages)
    assert pages > 1
    assert preview.document.pageCount() == pages
    assert preview.info.text() == f"{pages} pages · comparison.pdf"
    # The next export opens where the last one went; cancelling it writes nothing.
    action.trigger()
    assert dialog.started_in[1].parent == board
    assert sorted(p.name for p in board.iterdir()) == ["comparison.pdf"]
    reader = pypdf.PdfReader(str(preview.path))
    assert "Recommendation: Signal & Scale Partners" in reader.pages[0].extract_text()
    # Save As… copies the file where the person chose.
    saved = preview.save_as(str(tmp_path / "for-the-board"))
    assert saved == tmp_path / "for-the-board.pdf"
    assert saved.read_bytes() == preview.path.read_bytes()
    preview.close()


def test_compare_page_entry_point_and_summary(window: object, demo: object, qtbot: object, tmp_path: Path) -> None:
    from app.ui.export import export_evaluation_pdf

    ev = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    job = export_evaluation_pdf(window, window.ctx, ev, summary=True, out=tmp_path / "summary.pdf")  # type: ignore[attr-defined]
    preview = _wait_preview(qtbot, job)
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.document.pageCount() == 1
    assert preview.info.text() == "1 page · summary.pdf"
    preview.close()


def test_review_export_for_oversee(window: object, demo: object, qtbot: object, tmp_path: Path) -> None:
    from app.ui.export import export_review_pdf

    eng = engagements.load(demo, DEMO_ENGAGEMENT).id
    job = export_review_pdf(window, window.ctx, eng, "2026-09", out=tmp_path / "review.pdf")  # type: ignore[attr-defined]
    preview = _wait_preview(qtbot, job)
    assert preview.document.pageCount() == 1
    assert "SEPTEMBER 2026" in pypdf.PdfReader(str(preview.path)).pages[0].extract_text()
    preview.close()


def test_cancel_leaves_no_file(window: object, demo: object, qtbot: object) -> None:
    from app.ui.export import ExportJob

    def build(target: Path, progress: object, cancel: object) -> None:
        from app.services.reports import evaluation_report

        job.task.request_stop()  # the person pressed Cancel as soon as it started
        evaluation_report(demo, DEMO_EVALUATION, target, progress=progress, cancel=cancel)  # type: ignore[arg-type]

    target = Path(str(demo.location)) / "cancelled.pdf"  # type: ignore[attr-defined]
    job = ExportJob(window, "test", build, target)  # type: ignore[arg-type]
    job.start()
    qtbot.waitUntil(lambda: job.cancelled, timeout=60_000)  # type: ignore[attr-defined]
    assert job.preview is None
    assert not target.exists()


def test_failure_is_reported_not_raised(window: object, demo: object, qtbot: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.ui.export import ExportJob

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))

    def build(target: Path, progress: object, cancel: object) -> None:
        from app.services.reports import evaluation_report

        evaluation_report(demo, "No such evaluation", target)

    job = ExportJob(window, "test", build, Path(str(demo.location)) / "x.pdf")  # type: ignore[arg-type, attr-defined]
    job.start()
    qtbot.waitUntil(lambda: job.error is not None, timeout=60_000)  # type: ignore[attr-defined]
    assert "No such evaluation" in job.error
    assert shown and "No such evaluation" in shown[0]
