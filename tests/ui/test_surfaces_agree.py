"""The CLI, the Compare page and the evaluation PDF say the same things, also where copies of
a fact used to disagree.

Each surface is read the way a person (or a script) reads it: the CLI's text and its --json,
the Compare page's widgets, the PDF's text through pdfplumber. They are checked against the
facts the domain computes once (app.domain.evaluation: format_total, flag_counts, contenders and
runner-up; app.domain.sensitivity: the draws and the close-call threshold) on two cases:

- the demo as shipped: a clear lead (7.5 points), open flags of every severity;
- the demo edited onto the boundaries: one flag acknowledged (open counts differ from all flags)
  and the leader's answers lowered until the top two are less than CLOSE_CALL_POINTS apart.

Milestone states (due on the month's last day) are checked the same way in
tests/ui/test_milestone_states.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from app.domain.bank import QuestionType
from app.domain.evaluation import Results, format_points, format_total
from app.domain.sensitivity import CLOSE_CALL_POINTS
from app.services import evaluations
from app.services.reports import evaluation_report
from app.store.workspace import Workspace
from app.ui.compare.page import Page
from app.ui.evaluate.models import RankingModel
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.ui.test_compare import open_compare

SEVERITIES = ("critical", "high", "medium")
Row = tuple[str, str, tuple[int, ...]]  # vendor, total as shown, open flags by severity


@dataclass
class Says:
    """What one surface shows."""

    rows: list[Row]  # in the order shown
    too_close: bool
    margin: str  # the lead as printed ("7.5")
    draws: str  # how many weight draws the win share rests on, as printed ("10,000")


def domain_says(results: Results) -> Says:
    sens = results.sensitivity
    assert sens.margin is not None
    rows = [
        (v.vendor, format_total(v.total), tuple(results.flag_counts(v.vendor).open[s] for s in SEVERITIES))
        for v in results.ranking
    ]
    return Says(rows, sens.too_close_to_call, format_points(sens.margin), f"{sens.draws:,}")


def cli_says(workspace: Path) -> Says:
    def run(*extra: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "app", "--workspace", str(workspace), "score", DEMO_EVALUATION, *extra],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout

    text, data = run(), json.loads(run("--json"))
    rows: list[Row] = []
    for line in text.splitlines():
        m = re.match(r"^\s+\d+\s{2}(.+?)\s{2,}(\S+)\s{2}(.+?)(\s{2}KNOCKED OUT)?$", line)
        if m:
            counts = dict.fromkeys(SEVERITIES, 0)
            for n, sev in re.findall(r"(\d+) (critical|high|medium)", m.group(3)):
                counts[sev] = int(n)
            rows.append((m.group(1).strip(), m.group(2), tuple(counts[s] for s in SEVERITIES)))
    # The machine-readable form says the same: ranking, totals, open (unacknowledged) flags.
    assert [(r["vendor"], format_total(r["total"])) for r in data["ranking"]] == [(v, t) for v, t, _ in rows]
    assert [
        tuple(sum(1 for f in r["flags"] if f["severity"] == s and not f["acknowledged"]) for s in SEVERITIES)
        for r in data["ranking"]
    ] == [f for _, _, f in rows]
    too_close = re.search(r"TOO CLOSE TO CALL: the top two are (\S+) points apart \(less than (\S+)\)", text)
    lead = re.search(r"^Lead: (\S+) points\.$", text, re.M)
    assert (too_close is None) != (lead is None), text
    assert data["sensitivity"]["too_close_to_call"] is (too_close is not None)
    if too_close:
        assert too_close.group(2) == f"{CLOSE_CALL_POINTS:g}"
    draws = re.search(r"^Wins in (\S+) weight draws:", text, re.M)
    assert draws, text
    return Says(rows, too_close is not None, (too_close or lead).group(1), draws.group(1))  # type: ignore[union-attr]


def compare_says(page: Page) -> Says:
    model = page.ranking
    rows: list[Row] = []
    for r in range(model.rowCount()):
        def cell(c: int, r: int = r) -> str:
            return str(model.index(r, c).data() or "")

        flags = tuple(int(cell(c) or 0) for c in (RankingModel.CRITICAL, RankingModel.HIGH, RankingModel.MEDIUM))
        rows.append((cell(RankingModel.VENDOR), cell(RankingModel.TOTAL), flags))
    too_close = page.close_banner.isVisibleTo(page)
    margin = re.search(r"(?:leads by|differ by) (\S+) points", page.margin_label.text())
    assert margin, page.margin_label.text()
    if too_close:
        assert f"less than {CLOSE_CALL_POINTS:g} points" in page.close_banner.text()
    draws = re.search(r"Win share in (\S+) random", page.win_box.title())
    assert draws, page.win_box.title()
    return Says(rows, too_close, margin.group(1), draws.group(1))


def pdf_says(path: Path, vendors: list[str]) -> Says:
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0].extract_text()
        everything = "\n".join(p.extract_text() for p in pdf.pages)
    lines = first.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# VENDOR TOTAL"))
    rows: list[Row] = []
    for vendor in vendors:
        line = next(line for line in lines[start:] if re.match(rf"^\d+ {re.escape(vendor)} ", line))
        total, *flags = line[line.index(vendor) + len(vendor):].split()[:4]
        rows.append((vendor, total, tuple(0 if f == "–" else int(f) for f in flags)))
    too_close = "TOO CLOSE TO CALL." in first  # page 1's warning band
    margin = re.search(r"\+(\d+\.\d) ", first)
    assert margin, first
    draws = re.search(r"of (\S+) weighting scenarios won", first)
    assert draws, first
    if too_close:
        assert f"points apart, less than {CLOSE_CALL_POINTS:g}." in " ".join(first.split())
        assert f"differ by less than {CLOSE_CALL_POINTS:g} points" in " ".join(everything.split())
    return Says(rows, too_close, margin.group(1), draws.group(1))


def onto_the_boundaries(ws: Workspace) -> None:
    """One open flag acknowledged; the leader's scale answers lowered, one at a time, until the
    top two are less than CLOSE_CALL_POINTS apart (but not tied)."""
    results = evaluations.score(ws, DEMO_EVALUATION)
    runner_up = results.runner_up
    assert runner_up is not None
    flag = next(f for f in results.flags[runner_up.vendor] if not f.acknowledged and f.severity.value == "high")
    evaluations.acknowledge_flag(ws, DEMO_EVALUATION, runner_up.vendor, flag.rule, "Priced in; see the quote")
    leader = results.contenders[0].vendor
    snap = results.snapshot
    scales = [q.id for q in snap.bank.questions if q.type is QuestionType.SCALE and q.knockout_min is None]
    for qid in scales:
        for e in snap.evaluators:
            evaluations.record_answer(ws, DEMO_EVALUATION, leader, e.name, qid, "2")
        margin = evaluations.score(ws, DEMO_EVALUATION).sensitivity.margin
        assert margin is not None
        if 0 < margin < CLOSE_CALL_POINTS:
            return
    pytest.fail("could not bring the top two within the close-call threshold")


@pytest.mark.parametrize("case", ["demo", "boundaries"])
def test_cli_compare_and_pdf_agree(case: str, qtbot: Any, demo: Workspace, demo_path: Path, tmp_path: Path) -> None:
    if case == "boundaries":
        onto_the_boundaries(demo)
    results = evaluations.score(demo, DEMO_EVALUATION)
    expected = domain_says(results)
    page = open_compare(qtbot, demo)
    try:
        gui = compare_says(page)
    finally:
        wait_for_workers()
    cli = cli_says(demo_path)
    pdf = tmp_path / "report.pdf"
    evaluation_report(demo, DEMO_EVALUATION, pdf)
    paper = pdf_says(pdf, [v for v, _t, _f in expected.rows])

    # The case is what it claims to be.
    assert expected.too_close is (case == "boundaries")
    all_flags = [sum(1 for f in results.flags.get(v.vendor, []) if f.severity.value == "high") for v in results.ranking]
    assert (all_flags != [f[1] for _v, _t, f in expected.rows]) is (case == "boundaries")
    assert sum(sum(f) for _v, _t, f in expected.rows) > 0

    # Every surface shows the domain's facts: ranking, totals, open flags, the lead, whether it
    # is too close to call, and the draws the win share rests on.
    assert cli == expected
    assert gui == expected
    assert paper == expected
