"""Screenshots of the Oversee dashboard and a monthly review on the demo, light and dark (run under Xvfb)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screenshots import OUT, SIZE, each_demo, settle  # noqa: E402 - shared with scripts/screenshots.py


def main(out: Path = OUT) -> None:
    each_demo(shoot_oversee, out)


def shoot_oversee(ws: object, out: Path, suffix: str) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.oversee.page import Page

    ctx = AppContext(ws)  # type: ignore[arg-type]
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    settle(page)
    window.grab().save(str(out / f"oversee-dashboard{suffix}.png"))
    page.tabs.setCurrentWidget(page.review_form)
    form = page.review_form
    settle(page)
    form.rows["Lead-to-meeting conversion"].actual.setText("8.6")
    form.rows["Time to first touch"].actual.setText("7")
    form.blockers.setPlainText(
        "The near-real-time usage feed is not funded yet; trial leads are still scored a day late."
    )
    form.decisions.setPlainText(
        "Approve USD 18,000 for the usage feed, or accept next-day scoring for trial leads."
    )
    settle(page)
    window.grab().save(str(out / f"oversee-review{suffix}.png"))
    window.close()
    window.deleteLater()
    QApplication.processEvents()


if __name__ == "__main__":
    main()
