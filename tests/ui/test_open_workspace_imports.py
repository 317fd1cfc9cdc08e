"""Opening a workspace (File ▸ Open) does on the GUI thread only what the window needs at once.

This checks which modules load, not how long anything takes (`make bench` times the step).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def test_opening_a_workspace_does_not_load_the_exchange_formats(tmp_path: Path) -> None:
    # The first-run welcome asks whether the workspace is empty; that question once imported the
    # demo and exchange-file code (~20 ms of the GUI thread's time while opening a workspace).
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from app.ui import workspace_actions
        from app.ui.context import AppContext
        from app.ui.main_window import MainWindow
        ws, _ = workspace_actions.open_for_window(Path({str(tmp_path / "first")!r}))
        window = MainWindow(AppContext(ws))
        window.show()
        offered = []
        workspace_actions.WelcomeDialog.exec = lambda self: offered.append(self) or 0
        assert workspace_actions.switch_workspace(window, Path({str(tmp_path / "second")!r}))
        app.processEvents()
        print(len(offered), "app.services.transfer" in sys.modules)
        window.ctx.workspace.close()
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-800:]
    assert r.stdout.split() == ["1", "False"]  # the welcome was offered; the formats stayed unloaded
