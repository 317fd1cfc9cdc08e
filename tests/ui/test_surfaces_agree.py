"""The CLI, the Compare page and the evaluation PDF say the same things about the demo.

Ranking, totals, open red flags per severity, the lead and who it is over, whether it is too
close to call, and how many weight draws the win share rests on: each surface prints what the
domain computed once (app.domain.evaluation: format_total, flag counts, contenders/runner-up;
app.domain.sensitivity: DRAWS, CLOSE_CALL_POINTS). Milestone states are checked the same way in
tests/ui/test_milestone_states.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from app.domain.sensitivity import CLOSE_CALL_POINTS, DRAWS
from app.services import evaluations
from app.services.reports import evaluation_report
from app.ui.compare.page import Page
from app.ui.context import AppContext
from app.ui.evaluate.models import RankingModel
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION

SEVERITIES = ("critical", "high", "medium")
Row = tuple[str, str, tuple[int, int, int]]  # vendor, total as shown, open flags by severity


def cli_says(workspace: Path) -> tuple[list[Row], str]:
    out = subprocess.run(
        [sys.executable, "-m", "app", "--workspace", str(workspace), "score", DEMO_EVALUATION],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    rows: list[Row] = []
    for line in out.splitlines():
        m = re.match(r"^\s+\d+\s{2}(.+?)\s{2,}(\S+)\s{2}(.+?)(\s{2}KNOCKED OUT)?$", line)
        if m:
            counts = dict.fromkeys(SEVERITIES, 0)
            for n, sev in re.findall(r"(\d+) (critical|high|medium)", m.group(3)):
                counts[sev] = int(n)
            rows.append((m.group(1).strip(), m.group(2), tuple(counts[s] for s in SEVERITIES)))  # type: ignore[arg-type]
    return rows, out


def pdf_says(path: Path, vendors: list[str]) -> tuple[list[Row], str]:
    text = pypdf.PdfReader(str(path)).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("STATUS")
    rows: list[Row] = []
    for vendor in vendors:
        i = lines.index(vendor, start)
        total, *flags = lines[i + 1 : i + 5]
        rows.append((vendor, total, tuple(0 if f == "–" else int(f) for f in flags)))  # type: ignore[arg-type]
    return rows, " ".join(lines)


@pytest.fixture
def compare(qtbot, demo):  # type: ignore[no-untyped-def]
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not page.busy and page.results is not None, timeout=60_000)
    yield page
    wait_for_workers()


def compare_says(page: Page) -> list[Row]:
    model = page.ranking
    rows: list[Row] = []
    for r in range(model.rowCount()):
        def cell(c: int, r: int = r) -> str:
            return str(model.index(r, c).data() or "")

        flags = tuple(int(cell(c) or 0) for c in (RankingModel.CRITICAL, RankingModel.HIGH, RankingModel.MEDIUM))
        rows.append((cell(RankingModel.VENDOR), cell(RankingModel.TOTAL), flags))  # type: ignore[arg-type]
    return rows


def test_cli_compare_and_pdf_agree_on_the_demo(compare: Page, demo, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    results = evaluations.score(demo, DEMO_EVALUATION)
    leader, runner_up = results.contenders[0], results.runner_up
    assert runner_up is not None and results.sensitivity.margin is not None
    margin = f"{results.sensitivity.margin:.1f}"

    cli_rows, cli_text = cli_says(demo_path)
    gui_rows = compare_says(compare)
    pdf = tmp_path / "report.pdf"
    evaluation_report(demo, DEMO_EVALUATION, pdf)
    pdf_rows, pdf_text = pdf_says(pdf, [v for v, _t, _f in cli_rows])

    # Ranking, totals and open flags: the same rows, in the same order, everywhere.
    assert len(cli_rows) == len(results.ranking) >= 3
    assert gui_rows == cli_rows
    assert pdf_rows == cli_rows
    assert [v for v, _t, _f in cli_rows] == [v.vendor for v in results.ranking]
    assert sum(sum(f) for _v, _t, f in cli_rows) > 0  # the demo has open flags to count

    # The lead: how much, over whom, and whether it is too close to call.
    assert results.sensitivity.too_close_to_call is False
    assert f"Lead: {margin} points." in cli_text
    assert compare.margin_label.text() == f"{leader.vendor} leads by {margin} points."
    assert not compare.close_banner.isVisibleTo(compare)
    assert f"+{margin}" in pdf_text and f"points ahead of {runner_up.vendor} ({runner_up.total:.1f})" in pdf_text
    assert f"Recommendation: {leader.vendor}" in pdf_text
    # What the win share rests on, and the close-call line, come from the domain's constants.
    assert f"Wins in {DRAWS:,} weight draws" in cli_text
    assert f"{DRAWS:,}" in compare.win_box.title()
    assert f"of {DRAWS:,} weighting scenarios won" in pdf_text
    assert f"less than {CLOSE_CALL_POINTS:g} points" in compare.close_banner.text()
