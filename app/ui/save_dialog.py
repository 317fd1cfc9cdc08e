"""Where exported files go: a Save dialog that opens in the last folder used, Documents at first.

Every export (PDFs, questionnaires, the audit trail) asks through `ask_save_path`, so a file never
lands somewhere the person did not choose, such as a hidden cache folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.widgets.qt import setting_text

LAST_FOLDER_KEY = "export/last_folder"


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def last_folder() -> Path:
    """The folder of the last export, while it still exists; otherwise Documents."""
    saved = setting_text(LAST_FOLDER_KEY)
    if saved and Path(saved).is_dir():
        return Path(saved)
    return documents_folder()


def remember_folder(path: Path) -> None:
    QSettings().setValue(LAST_FOLDER_KEY, str(path.parent))


def ask_save_path(parent: QWidget | None, title: str, suggested: str, file_filter: str, suffix: str) -> Path | None:
    """Ask where to save (starting in the last folder with `suggested` as the name); None if cancelled.

    The chosen name gets `suffix` when it lacks it, and its folder is remembered for next time.
    """
    start = last_folder() / suggested
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start), file_filter)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    remember_folder(path)
    return path
