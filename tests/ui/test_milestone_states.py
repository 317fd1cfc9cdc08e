"""A milestone's state as of a review month is one fact: the review form, the review PDF and
`diligence oversight` show the same word, also on the boundary (due on the month's last day)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

from app.domain.models import Direction, Milestone, SuccessMetric
from app.domain.oversight import Review
from app.services import engagements
from app.services.reports import review_report
from app.store.workspace import Workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.oversee.page import Page
from app.ui.widgets.verdict import VerdictChip
from tests.report.helpers import stream_text

MILESTONE = "Pilot with two pods"
METRIC = SuccessMetric("Conversion", "%", 8.0, 12.0, Direction.UP, date(2027, 6, 30))


@pytest.fixture
def engagement(workspace: Workspace) -> str:
    # Kickoff on 31 July: "month 1" falls due on 31 August, that month's last day.
    engagements.create_engagement(
        workspace, "Boundary", "Acme", date(2026, 7, 31), [METRIC], milestones=[Milestone(MILESTONE, 1)]
    )
    engagements.save_review(workspace, "Boundary", Review("2026-08", {"Conversion": 8.5}))
    engagements.save_review(workspace, "Boundary", Review("2026-09", {"Conversion": 9.0}))
    return "Boundary"


def form_state(qtbot: Any, workspace: Workspace, month: QDate) -> str:
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("oversee")
    assert isinstance(page, Page)
    qtbot.waitUntil(lambda: not page.loading and page.oversight is not None, timeout=10000)
    page.tabs.setCurrentWidget(page.review_form)
    page.review_form.month.setDate(month)
    box = page.review_form.milestone_box
    lines = [w.text() for w in box.findChildren(QLabel) if MILESTONE in w.text()]
    assert lines == [f"M1 · {MILESTONE}"]
    chips = [c.text() for c in box.findChildren(VerdictChip)]  # retired rows leave the box
    assert len(chips) == 1
    return chips[0]


def cli_state(workspace: Workspace, month: str) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "app", "oversight", "Boundary", "--month", month, "--json",
         "--workspace", str(workspace.location)],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    (ms,) = json.loads(r.stdout)["milestones"]
    assert ms["due"] == "2026-08-31" and ms["reached_on"] is None
    return str(ms["state"])


def pdf_text(workspace: Workspace, month: str, tmp_path: Path) -> str:
    out = tmp_path / f"{month}.pdf"
    review_report(workspace, "Boundary", out, month=month)
    return stream_text(out)


def test_due_on_the_months_last_day_reads_the_same_everywhere(
    qtbot: Any, workspace: Workspace, engagement: str, tmp_path: Path
) -> None:
    # August: due that very day, not reached — not yet overdue, on every surface.
    assert form_state(qtbot, workspace, QDate(2026, 8, 1)) == "not due yet"
    assert cli_state(workspace, "2026-08") == "not due yet"
    august = pdf_text(workspace, "2026-08", tmp_path)
    assert f"{MILESTONE} month 1 · 2026-08-31 — not due yet" in august
    assert "overdue" not in august
    # September: a month late, on every surface.
    assert form_state(qtbot, workspace, QDate(2026, 9, 1)) == "overdue, 1 month late"
    assert cli_state(workspace, "2026-09") == "overdue"
    assert "overdue · 1 month late" in pdf_text(workspace, "2026-09", tmp_path)
