"""What the app shows reads plainly: every page's widget texts, cells and tooltips have no rule ids,
no rule syntax and no "(s)" plurals; counted strings have English plural forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from app.services import evaluations
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.plain_words import jargon

ROOT = Path(__file__).resolve().parents[2]
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


def _model_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    out: list[str] = []

    def columns(parent: QModelIndex) -> int:
        try:
            return int(model.columnCount(parent))
        except TypeError:  # a list model keeps columnCount private: it has one column
            return 1

    def walk(parent: QModelIndex) -> None:
        for c in range(columns(parent)):
            for role in ROLES:
                head = model.headerData(c, Qt.Orientation.Horizontal, role)
                if isinstance(head, str):
                    out.append(head)
        for r in range(min(model.rowCount(parent), 400)):
            for c in range(columns(parent)):
                index = model.index(r, c, parent)
                for role in ROLES:
                    value = model.data(index, role)
                    if isinstance(value, str):
                        out.append(value)
            first = model.index(r, 0, parent)
            try:
                nested = model.hasChildren(first)
            except TypeError:  # flat list and table models keep hasChildren private
                nested = False
            if nested:
                walk(first)

    walk(QModelIndex())
    return out


def visible_texts(root: QWidget) -> dict[str, list[str]]:
    """Every text a person can read in `root`: labels, buttons, titles, tabs, combos, tables, tips."""
    found: dict[str, list[str]] = {}
    for w in [root, *root.findChildren(QWidget)]:
        texts: list[str] = [w.toolTip(), w.accessibleName()]
        if isinstance(w, QLabel):
            texts.append(w.text())
        elif isinstance(w, QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QTabWidget):
            texts += [w.tabText(i) for i in range(w.count())] + [w.tabToolTip(i) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTextBrowser):
            texts.append(w.toPlainText())
        if isinstance(w, QAbstractItemView):
            texts += _model_texts(w)
        texts = [t for t in texts if t]
        if texts:
            found.setdefault(f"{type(w).__name__} {w.objectName()}", []).extend(texts)
    return found


def problems(root: QWidget) -> list[tuple[str, str, list[str]]]:
    return [
        (where, text[:120], bad)
        for where, texts in visible_texts(root).items()
        for text in texts
        if (bad := jargon(text))
    ]


@pytest.fixture
def window(qtbot: Any, demo: object) -> Any:
    win = MainWindow(AppContext(demo))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    wait_for_workers()


def test_every_counted_string_has_english_plural_forms() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "--check"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("key", ["organization", "usecases", "evaluations", "compare", "oversee", "banks"])
def test_no_page_shows_rule_ids_rule_syntax_or_lazy_plurals(qtbot: Any, window: Any, demo: object, key: str) -> None:
    window.ctx.select_evaluation(evaluations.evaluation_id(demo, DEMO_EVALUATION))
    page = window.show_page(key)
    qtbot.wait(50)
    wait_for_workers()
    qtbot.waitUntil(lambda: not getattr(page, "busy", False) and not getattr(page, "_loading", False), timeout=20_000)
    qtbot.wait(50)
    assert problems(window) == []


def test_evaluate_flag_details_and_question_panel_speak_plainly(qtbot: Any, window: Any, demo: object) -> None:
    window.ctx.select_evaluation(evaluations.evaluation_id(demo, DEMO_EVALUATION))
    page = window.show_page("evaluations")
    qtbot.waitUntil(lambda: not page.busy and page.live is not None, timeout=20_000)
    panel = page.flags
    shown = []
    for row in range(panel.proxy.rowCount()):
        panel.table.setCurrentIndex(panel.proxy.index(row, 0))
        shown.append(panel.details.toPlainText())
    text = "\n".join(shown)
    assert "No relevant references" in text and "Answer to question CL04" in text
    assert jargon(text) == []
    # A number question's side panel says its scoring rule in words, not ">=5:5; …".
    from app.ui.evaluate.answers_view import question_html

    bank = evaluations.load_snapshot(demo, DEMO_EVALUATION).bank
    number = next(q for q in bank.questions if q.type.value == "number")
    html = question_html(number, lambda s: s)
    assert " points for " in html and jargon(html) == []


def test_oversee_counts_reviews_in_words(qtbot: Any, window: Any) -> None:
    page = window.show_page("oversee")
    # The dashboard is built part by part after the engagement is read: wait for all of it.
    qtbot.waitUntil(lambda: "review" in page.summary.text() and not page.loading, timeout=20_000)
    from app.services import engagements

    n = len(engagements.load(page.ctx.workspace, page.engagement_id).reviews)
    assert n > 1 and page.summary.text().endswith(f"· {n} reviews")
    # One review reads "1 review" (Qt's plural forms, from resources/i18n).
    assert page.tr("{vendor} · {uc} · kickoff {k} · %n review(s)", "", 1).endswith("· 1 review")
    titles = [b.findChild(QLabel, "flagTitle").text() for b in page.dashboard.flag_boxes]
    from app.domain.wording import RULE_TITLES

    assert "Metrics off track" in titles and set(titles) <= set(RULE_TITLES.values())
    # The review form says the margin in the metric's unit, as a share of the way, not "10 % tolerance".
    row = page.review_form.rows["Lead-to-meeting conversion"]
    qtbot.waitUntil(lambda: bool(row.status.toolTip()))
    tip = row.status.toolTip()
    assert tip.startswith("On track: within 0.4 percentage points of the expected ")
    assert tip.endswith("(10 % of the way from baseline to target)")
