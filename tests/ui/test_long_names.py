"""Long Cyrillic names: shortened with "…" where they do not fit, never cut mid-character, and the
full name always one hover away (combo boxes, vendor list, rankings)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.services import evaluations
from app.ui.context import AppContext
from app.ui.evaluate.models import RankingModel
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from app.ui.widgets.eliding import ElidingComboBox
from tests.conftest import DEMO_EVALUATION

LONG = "Векторворкс Платформ — интеграция данных и моделей для продаж"  # 61 characters


@pytest.fixture
def window(qtbot: Any, demo: Any) -> Any:
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    evaluations.save_vendor(demo, DEMO_EVALUATION, replace(snap.vendor("Vectorworks Platform"), name=LONG),
                            old_name="Vectorworks Platform")
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1280, 680)
    win.show()
    yield win
    wait_for_workers()


def test_eliding_combo_shortens_whole_characters_and_tips_the_full_name(qtbot: Any) -> None:
    combo = ElidingComboBox()
    qtbot.addWidget(combo)
    combo.addItems(["Fresh Ridge Labs", LONG])
    combo.resize(220, combo.sizeHint().height())
    combo.show()
    combo.setCurrentIndex(1)
    shown = combo.shown_text()
    assert shown.endswith("…") and LONG.startswith(shown[:-1]) and len(shown) < len(LONG)
    assert combo.toolTip() == LONG
    assert combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == LONG
    combo.setCurrentIndex(0)
    assert combo.shown_text() == "Fresh Ridge Labs" and combo.toolTip() == "Fresh Ridge Labs"


def test_scoring_dropdown_vendor_list_and_ranking_show_the_full_name_on_hover(qtbot: Any, window: Any) -> None:
    page = window.show_page("evaluations")
    qtbot.waitUntil(lambda: not page.busy and page.live is not None, timeout=20_000)
    combo = page.answers_tab.answer_vendor
    assert isinstance(combo, ElidingComboBox)
    combo.setCurrentIndex(combo.findData(LONG))
    full = combo.currentText()  # the name and the answering progress, "… (50/50)"
    assert full.startswith(LONG) and combo.toolTip() == full
    shown = combo.shown_text()
    assert shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))
    items = page.vendors_tab.vendor_list.findItems(LONG, Qt.MatchFlag.MatchExactly)
    assert items and items[0].toolTip() == LONG
    ranking = page.results_panel.ranking
    row = next(r for r in range(ranking.rowCount()) if ranking.index(r, RankingModel.VENDOR).data() == LONG)
    assert ranking.index(row, RankingModel.VENDOR).data(Qt.ItemDataRole.ToolTipRole) == LONG
    compare = window.show_page("compare")
    qtbot.waitUntil(lambda: compare.ranking.rowCount() == 4, timeout=20_000)
    assert LONG in [compare.ranking.index(r, RankingModel.VENDOR).data(Qt.ItemDataRole.ToolTipRole)
                    for r in range(4)]
    assert isinstance(compare.vendor_a, ElidingComboBox) and isinstance(compare.picker, ElidingComboBox)


def test_the_section_chart_legend_tips_an_elided_vendor_name_and_tells_a_screen_reader_every_name(
    qtbot: Any,
) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.compare.chart import SectionChart

    chart = SectionChart()
    qtbot.addWidget(chart)
    chart.resize(480, 300)
    chart.show()
    chart.set_data([LONG, "Fresh Ridge Labs"], ["Track record", "Data readiness"], [[80.0, 60.0], [50.0, None]])
    for _ in range(5):
        QApplication.processEvents()
    # A legend entry has a tooltip only when its name was shortened to fit.
    entries = {e.vendor: e for e in chart.legend_entries()}
    assert entries[LONG].shown.endswith("…") and len(entries[LONG].shown) < len(LONG)
    assert entries["Fresh Ridge Labs"].shown == "Fresh Ridge Labs"
    assert chart.rect().contains(entries[LONG].rect) and chart.rect().contains(entries["Fresh Ridge Labs"].rect)
    assert chart.tooltip_at(entries[LONG].rect.center()) == LONG  # whole on hover
    assert chart.tooltip_at(entries["Fresh Ridge Labs"].rect.center()) == ""  # shown whole: none
    # A bar names its vendor, section and score on hover; a section without a score has no bar.
    bar = chart.bar_rect(1, 0)
    assert bar is not None and chart.tooltip_at(bar.center()) == "Fresh Ridge Labs — Track record: 50.0"
    assert chart.bar_rect(1, 1) is None and chart.values()[1] == [50.0, 0.0]
    description = chart.accessibleDescription()
    assert LONG in description and "Fresh Ridge Labs" in description
