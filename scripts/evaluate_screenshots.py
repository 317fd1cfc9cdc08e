"""Screenshots of the Evaluate and Compare pages on the demo, light and dark (run under Xvfb)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screenshots import OUT, SIZE, each_demo, settle  # noqa: E402 - shared with scripts/screenshots.py

DEMO_EVALUATION = "Lead scoring partner 2026"


def main(out: Path = OUT) -> None:
    each_demo(shoot, out)


def shoot(ws: object, out: Path, suffix: str) -> None:
    from PySide6.QtCore import Qt

    from app.services import evaluations
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    evaluations.set_submitted(ws, DEMO_EVALUATION, "Daniel Okafor (Data)")  # type: ignore[arg-type]
    ctx = AppContext(ws)  # type: ignore[arg-type]
    ctx.current_evaluation = evaluations.evaluation_id(ws, DEMO_EVALUATION)  # type: ignore[arg-type]
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()

    def save(name: str) -> None:
        settle()
        window.grab().save(str(out / f"{name}{suffix}.png"))

    page = window.show_page("evaluations")
    settle(page)
    # Daniel has submitted in this shot, so the "other evaluators" column shows real content.
    page.answers_tab.evaluator.setCurrentIndex(page.answers_tab.evaluator.findData("Daniel Okafor (Data)"))
    page.answers_tab.answer_vendor.setCurrentIndex(page.answers_tab.answer_vendor.findData("OmniAI Solutions"))
    page.answers_tab.answers.go_to("DR03")
    save("evaluate-answers")
    page.tabs.setCurrentIndex(1)
    items = page.vendors_tab.vendor_list.findItems("OmniAI Solutions", Qt.MatchFlag.MatchExactly)
    page.vendors_tab.vendor_list.setCurrentItem(items[0])
    save("evaluate-vendors")
    page.tabs.setCurrentIndex(2)
    page.flags.select("OmniAI Solutions", "vague_timeline")
    save("evaluate-flags")

    compare = window.show_page("compare")
    settle(compare)
    compare.select_vendor("Signal & Scale Partners")
    save("compare")
    compare.set_whatif(True)
    compare.set_factor("Integration", 0.5)
    compare.set_factor("Commercials", 2.0)
    compare.set_factor("Track record", 0.5)
    compare.recompute(with_sensitivity=True)
    settle(compare)
    compare.tabs.setCurrentIndex(0)
    save("compare-whatif")
    compare.set_whatif(False)
    compare.tabs.setCurrentIndex(1)
    save("compare-sensitivity")
    compare.tabs.setCurrentIndex(2)
    save("compare-why")
    window.close()


if __name__ == "__main__":
    main()
