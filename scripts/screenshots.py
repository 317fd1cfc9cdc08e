"""Screenshots of every page on the demo workspace, light and dark, for docs/screenshots/.

Run under Xvfb:  xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py
Other pages reuse `demo_window()` and `shoot()`:  shoot(window, "compare", path).
Pass page keys to shoot only those:  scripts/screenshots.py usecases banks
Another size or folder (e.g. a small laptop):  DILIGENCE_SHOTS_SIZE=1024x700 DILIGENCE_SHOTS_OUT=/tmp/s
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


def _size(text: str) -> tuple[int, int]:
    width, height = text.lower().split("x")
    return int(width), int(height)


# The committed screenshots are 1280x820; the environment overrides let the same scripts
# check a small laptop screen without touching docs/.
SIZE = _size(os.environ.get("DILIGENCE_SHOTS_SIZE", "1280x820"))
OUT = Path(os.environ.get("DILIGENCE_SHOTS_OUT", ROOT / "docs" / "screenshots"))


def app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName("Diligence-screenshots")
    QCoreApplication.setApplicationName("Diligence")
    instance = QApplication(sys.argv[:1])
    from app.ui.theme import NaturalSortArrows

    instance.setStyle(NaturalSortArrows("Fusion"))
    return instance


def dark_palette() -> QPalette:
    """A dark scheme like a desktop's, for hosts (Xvfb) that have no platform theme."""
    p = QPalette()
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, "#2b2d30"),
        (role.WindowText, "#dfe1e5"),
        (role.Base, "#1e1f22"),
        (role.AlternateBase, "#26282b"),
        (role.Text, "#dfe1e5"),
        (role.Button, "#34363a"),
        (role.ButtonText, "#dfe1e5"),
        (role.Highlight, "#3574f0"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#3c3f41"),
        (role.ToolTipText, "#dfe1e5"),
        (role.PlaceholderText, "#8c8f94"),
        (role.Link, "#589df6"),
        (role.Mid, "#45484d"),
        (role.Dark, "#1b1c1f"),
        (role.Light, "#4a4d52"),
        (role.Midlight, "#3d4045"),
        (role.Shadow, "#111111"),
        (role.BrightText, "#ffffff"),
    ):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor("#70737a"))
    return p


def set_scheme(dark: bool) -> None:
    application = app()
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    application.setPalette(dark_palette() if dark else application.style().standardPalette())


def demo_window(folder: Path, dark: bool = False):  # type: ignore[no-untyped-def]
    """A main window at the standard size on a fresh copy of the demo in `folder`."""
    app()
    set_scheme(dark)
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo, workspace_is_empty
    from app.store.workspace import open_workspace
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    ws = open_workspace(folder / "demo")
    ensure_default_bank(ws)
    if workspace_is_empty(ws):
        load_demo(ws)
    window = MainWindow(AppContext(ws))
    window.resize(*SIZE)
    window.show()
    settle()
    return window


def settle(page: QWidget | None = None) -> None:
    """Process events until `page` (or every page of the window) has finished loading on its workers."""
    import time

    for _ in range(5):
        QApplication.processEvents()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pages = [page] if page is not None else QApplication.topLevelWidgets()
        busy = any(getattr(w, "busy", False) for p in pages for w in [p, *p.findChildren(QWidget)])
        if not busy:
            break
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QApplication.processEvents()


def shoot(
    window: QWidget, key: str, path: Path, prepare: Callable[[QWidget], None] | None = None
) -> Path:
    """Show page `key` (then run `prepare(page)`), and save the whole window as a PNG at `path`."""
    page = window.show_page(key)  # type: ignore[attr-defined]
    if prepare is not None:
        prepare(page)
    settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    return path



def each_demo(shoot_one: Callable[[object, Path, str], None], out: Path = OUT) -> None:
    """Call `shoot_one(workspace, out, suffix)` on a fresh demo workspace, light then dark."""
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.workspace import open_workspace

    application = app()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for scheme, suffix in ((Qt.ColorScheme.Light, ""), (Qt.ColorScheme.Dark, "-dark")):
            application.styleHints().setColorScheme(scheme)
            application.setPalette(application.style().standardPalette() if not suffix else dark_palette())
            ws = open_workspace(Path(tmp) / f"demo{suffix}")
            ensure_default_bank(ws)
            load_demo(ws)
            shoot_one(ws, out, suffix)
            ws.close()

def main(keys: Iterable[str] = ()) -> list[Path]:
    from app.ui.main_window import PAGES

    wanted = list(keys) or [spec.key for spec in PAGES]
    saved: list[Path] = []
    for dark in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            window = demo_window(Path(tmp), dark)
            for key in wanted:
                name = f"{key}-dark.png" if dark else f"{key}.png"
                saved.append(shoot(window, key, OUT / name))
            window.ctx.workspace.close()
            window.close()
            window.deleteLater()
            settle()
    return saved


if __name__ == "__main__":
    for p in main(sys.argv[1:]):
        print(p)
