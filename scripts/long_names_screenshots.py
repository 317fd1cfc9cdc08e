"""Screenshots of every page with long Cyrillic vendor names, at a small and a large screen, light
and dark: to check that nothing is clipped mid-character or overlaps (run under Xvfb).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/long_names_screenshots.py OUT
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import app, dark_palette, settle  # noqa: E402 - shared with scripts/screenshots.py

DEMO_EVALUATION = "Lead scoring partner 2026"
LONG = {
    "Signal & Scale Partners": "Signal & Scale Partners «Логистические решения для севера»",
    "Vectorworks Platform": "Векторворкс Платформ — интеграция данных и моделей для продаж",
}
# Free screen areas of a 1366×768 laptop and a 1920×1080 desktop (less a panel and the title bar).
SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}


def shoot_all(out: Path) -> list[Path]:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QAction, QScreen

    from app.services import evaluations
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.workspace import open_workspace
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    application = app()
    saved: list[Path] = []
    for size_name, (w, h) in SIZES.items():
        QScreen.availableGeometry = lambda self, w=w, h=h: QRect(0, 0, w, h - 28)  # type: ignore[method-assign]
        for dark in (False, True):
            application.styleHints().setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
            application.setPalette(dark_palette() if dark else application.style().standardPalette())
            suffix = f"{size_name}{'-dark' if dark else ''}"
            with tempfile.TemporaryDirectory() as tmp:
                ws = open_workspace(Path(tmp) / "demo")
                ensure_default_bank(ws)
                load_demo(ws)
                snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
                for old, new in LONG.items():
                    evaluations.save_vendor(ws, DEMO_EVALUATION, replace(snap.vendor(old), name=new), old_name=old)
                evaluations.set_submitted(ws, DEMO_EVALUATION, "Daniel Okafor (Data)")
                ctx = AppContext(ws)
                ctx.current_evaluation = evaluations.evaluation_id(ws, DEMO_EVALUATION)
                window = MainWindow(ctx)
                window.fit_to_screen()
                window.show()

                def save(name: str, window: MainWindow = window, suffix: str = suffix) -> None:
                    settle()
                    path = out / f"{name}-{suffix}.png"
                    window.grab().save(str(path))
                    saved.append(path)

                for key in ("organization", "usecases"):
                    window.show_page(key)
                    save(key)
                page = window.show_page("evaluations")
                settle(page)
                tab = page.answers_tab
                tab.answer_vendor.setCurrentIndex(tab.answer_vendor.findData(LONG["Vectorworks Platform"]))
                tab.selection_changed()
                save("evaluate-answers")
                for i, name in ((1, "evaluate-vendors"), (2, "evaluate-flags")):
                    page.tabs.setCurrentIndex(i)
                    save(name)
                page.tabs.setCurrentIndex(0)
                compare = window.show_page("compare")
                settle(compare)
                save("compare")
                compare.set_whatif(True)
                compare.set_factor("Integration", 0.5)
                compare.recompute(with_sensitivity=True)
                settle(compare)
                save("compare-whatif")
                compare.set_whatif(False)
                for i, name in ((1, "compare-sensitivity"), (2, "compare-why")):
                    compare.tabs.setCurrentIndex(i)
                    save(name)
                oversee = window.show_page("oversee")
                deadline = time.monotonic() + 20
                while "review" not in oversee.summary.text() and time.monotonic() < deadline:
                    application.processEvents()
                    time.sleep(0.01)
                save("oversee")
                oversee.tabs.setCurrentIndex(1)
                save("oversee-review")
                oversee.tabs.setCurrentIndex(0)
                banks_page = window.show_page("banks")
                save("banks")
                # A second version with one changed field, to show the diff (old → new per field).
                from app.services import banks

                bank = banks.list_banks(ws)[0]
                v1 = banks.get_bank(ws, bank.name)
                first = v1.questions[0]
                changed = replace(first, weight=first.weight + 1, guidance=first.guidance + " Ask for the contract clause.")
                banks.save(ws, replace(v1, questions=(changed, *v1.questions[1:])), note="screenshot")
                from app.ui.pages.banks import DiffDialog

                dialog = DiffDialog(ws, bank.name, [1, 2], 1, 2, banks_page)
                dialog.show()
                settle()
                path = out / f"bank-diff-{suffix}.png"
                dialog.grab().save(str(path))
                saved.append(path)
                dialog.close()
                for action, name in (("action-help-about", "help-about"), ("action-help-shortcuts", "help-shortcuts"),
                                     ("action-help-page", "help-page")):
                    window.findChild(QAction, action).trigger()
                    settle()
                    path = out / f"{name}-{suffix}.png"
                    window.help_dialog.grab().save(str(path))
                    saved.append(path)
                    window.help_dialog.close()
                window.close()
                ws.close()
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/long-names")
    target.mkdir(parents=True, exist_ok=True)
    for p in shoot_all(target):
        print(p)
