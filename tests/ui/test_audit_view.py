"""Tools ▸ Audit trail, Back up now, Restore from backup, the backup on quit, and recovery at start-up."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from app.services import audit, backups, evaluations
from app.store.workspace import WorkspaceError, open_workspace
from app.ui.audit_view import AuditDialog, AuditTableModel, RestoreDialog
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.recovery import offer_recovery
from app.ui.widgets.tables import ROW_ROLE
from tests.conftest import DEMO_EVALUATION

VENDOR = "Signal & Scale Partners"


@pytest.fixture
def window(qtbot: Any, demo_path: Path) -> MainWindow:
    win = MainWindow(AppContext(open_workspace(demo_path, lock=True)))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.ctx.workspace.close()


def _action(window: MainWindow, name: str) -> Any:
    [action] = [a for a in window.tools_menu.actions() if a.objectName() == name]
    return action


def _score(window: MainWindow, value: str, note: str) -> None:
    ws = window.ctx.workspace
    who = evaluations.load_snapshot(ws, DEMO_EVALUATION).evaluators[0].name
    evaluations.record_answer(ws, DEMO_EVALUATION, VENDOR, who, "TR03", value, note)


def test_tools_menu_has_the_reliability_actions(window: MainWindow) -> None:
    texts = [a.text() for a in window.tools_menu.actions() if a.text()]
    assert {"Audit trail…", "Back up now…", "Restore from backup…"} <= set(texts)


def test_model_passes_the_model_tester(qtmodeltester: Any, demo: Any) -> None:
    model = AuditTableModel()
    qtmodeltester.check(model)
    model.set_entries(audit.query(demo))
    qtmodeltester.check(model)
    assert model.rowCount() == len(audit.query(demo)) > 0
    assert model.index(0, AuditTableModel.WHO).data() == audit.query(demo)[0].actor


def test_dialog_filters_and_exports_what_it_shows(qtbot: Any, window: MainWindow, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _score(window, "1", "after the reference call")
    dialog = AuditDialog(window.ctx.workspace, window)
    qtbot.addWidget(dialog)
    dialog.show()
    everything = dialog.model.rowCount()
    assert everything == len(audit.query(window.ctx.workspace))
    qtbot.keyClicks(dialog.search, "reference call")
    assert dialog.model.rowCount() == 1
    entry = dialog.model.index(0, 0).data(ROW_ROLE)
    assert entry.action == "answer changed" and entry.after["note"] == "after the reference call"
    assert "after the reference call" in dialog.model.index(0, AuditTableModel.AFTER).data()
    dialog.search.clear()
    dialog.action.setCurrentIndex(dialog.action.findText("evaluation imported"))
    assert dialog.model.rowCount() == 1
    dialog.action.setCurrentIndex(0)
    dialog.use_since.setChecked(True)
    dialog.since.setDate(dialog.since.date().addYears(5))  # after every entry
    assert dialog.model.rowCount() == 0
    assert not dialog.export_button.isEnabled()
    assert "No entries" in dialog.count.text()
    dialog.use_since.setChecked(False)
    assert dialog.model.rowCount() == everything

    out = tmp_path / "trail.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV files (*.csv)"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == everything + 1
    assert any("after the reference call" in cell for row in rows for cell in row)


def test_back_up_now_writes_a_copy(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    _action(window, "action-backup-now").trigger()
    [made] = backups.list_backups(window.ctx.workspace)
    assert made.kind == "manual" and str(made.path) in shown[0]


def test_restore_from_backup_replaces_and_reopens(qtbot: Any, window: MainWindow,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _score(window, "2", "before the backup")
    saved = backups.backup(window.ctx.workspace)
    _score(window, "5", "after the backup")
    old = window.ctx.workspace
    monkeypatch.setattr(RestoreDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.ctx.workspace_changed):
        _action(window, "action-restore-backup").trigger()
    ws = window.ctx.workspace
    assert ws is not old and not ws.read_only and ws.lock is not None and ws.lock.held
    snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    [answer] = [a for a in snap.answers if a.vendor == VENDOR and a.question == "TR03"
                and a.evaluator == snap.evaluators[0].name]
    assert answer.note == "before the backup"
    kinds = [b.kind for b in backups.list_backups(ws)]
    assert "before-restore" in kinds and saved.exists()
    _score(window, "3", "works after restore")  # writable again


def test_quitting_takes_a_rolling_backup(qtbot: Any, window: MainWindow) -> None:
    _score(window, "4", "last change of the day")
    QApplication.instance().aboutToQuit.emit()
    autos = [b for b in backups.list_backups(window.ctx.workspace) if b.kind == "auto"]
    assert len(autos) == 1


def test_recovery_offers_the_latest_backup(qtbot: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = open_workspace(demo_path)
    backups.backup(ws)
    ws.close()
    db = demo_path / "diligence.sqlite"
    db.write_bytes(db.read_bytes()[:2000])
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(demo_path)
    seen: list[str] = []

    def click_restore(box: QMessageBox) -> int:
        seen.append(box.text() + "\n" + box.informativeText())
        [button] = [b for b in box.buttons() if b.text() == "Restore latest backup"]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_restore)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    recovered = offer_recovery(caught.value, demo_path)
    assert recovered is not None
    try:
        assert "damaged" in seen[0] and "latest backup" in seen[0]
        assert [e.name for e in evaluations.list_evaluations(recovered)] == [DEMO_EVALUATION]
        assert list(demo_path.glob("diligence.sqlite.damaged-*"))  # the damaged file is kept
    finally:
        recovered.close()


def test_recovery_without_backups_just_explains(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    assert offer_recovery(WorkspaceError("x is damaged"), demo_path) is None
    assert shown == ["x is damaged"]
