"""Screenshots of the Oversee dashboard and a monthly review on the demo, light and dark (run under Xvfb)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(out: Path = ROOT / "docs" / "screenshots") -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.workspace import open_workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for scheme, suffix in ((Qt.ColorScheme.Light, ""), (Qt.ColorScheme.Dark, "-dark")):
            app.styleHints().setColorScheme(scheme)
            app.setPalette(app.style().standardPalette() if not suffix else dark_palette())
            ws = open_workspace(Path(tmp) / f"demo{suffix}")
            ensure_default_bank(ws)
            load_demo(ws)
            shoot_oversee(ws, out, suffix)
            ws.close()


def dark_palette() -> object:
    """Xvfb has no platform theme to follow, so the dark run sets a typical dark palette itself."""
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#36383c",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#36383c",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8c8c8c",
        QPalette.ColorRole.Link: "#6ea8fe",
        QPalette.ColorRole.Mid: "#4a4d52",
        QPalette.ColorRole.Dark: "#151618",
        QPalette.ColorRole.Light: "#4a4d52",
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return pal


def shoot_oversee(ws: object, out: Path, suffix: str) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.pages.oversee import Page

    ctx = AppContext(ws)  # type: ignore[arg-type]
    window = MainWindow(ctx)
    window.resize(1280, 820)
    window.show()
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    QApplication.processEvents()
    window.grab().save(str(out / f"oversee-dashboard{suffix}.png"))
    page.tabs.setCurrentWidget(page.review_form)
    form = page.review_form
    form.rows["Lead-to-meeting conversion"].actual.setText("8.6")
    form.rows["Time to first touch"].actual.setText("7")
    form.blockers.setPlainText(
        "The near-real-time usage feed is not funded yet; trial leads are still scored a day late."
    )
    form.decisions.setPlainText(
        "Approve USD 18,000 for the usage feed, or accept next-day scoring for trial leads."
    )
    QApplication.processEvents()
    window.grab().save(str(out / f"oversee-review{suffix}.png"))
    window.close()
    window.deleteLater()
    QApplication.processEvents()


if __name__ == "__main__":
    main()
