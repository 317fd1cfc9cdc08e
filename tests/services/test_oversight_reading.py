"""`diligence oversight` and `diligence review-report` read an engagement through app.store.reader,
without SQLAlchemy (docs/performance.md): the same text, JSON and PDF bytes as reading it through
the ORM, the way they read before, on the demo and on engagements with the edge cases (no review
yet, missing actuals, decisions, an acknowledged flag, promises, a production date). The team
tests run the same comparison on a server (tests/team/test_server_oversight.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.domain.conversations import Promises
from app.domain.flags import Acknowledgement
from app.domain.models import Direction, Milestone, SuccessMetric
from app.domain.oversight import Decision, Money, Review
from app.services import engagements
from app.services.engagements import EngagementSnapshot
from app.services.errors import NotFound
from app.store.workspace import Workspace
from tests.conftest import DEMO_ENGAGEMENT

EDGE = "Edge cases — «quotes» & ünïcode"
UNREVIEWED = "Nothing reviewed yet"
UP, DOWN = "Qualified leads per week", "Hours to first touch"


def add_edge_engagements(ws: Workspace) -> None:
    """Two engagements beside the demo's: one with every kind of review detail, one with none."""
    engagements.create_engagement(
        ws, EDGE, "Vendor \"Q\" & Co", date(2026, 1, 15),
        [SuccessMetric(UP, "leads", 10, 20, Direction.UP, date(2026, 12, 31), "CRM report", "Head of sales"),
         SuccessMetric(DOWN, "hours", 8.5, 2, Direction.DOWN, None, "", "")],
        promised_months=4.5, use_case_title="Score inbound leads",
        milestones=[Milestone("Data signed off", 1), Milestone("Pilot", 3), Milestone("Someday", None)],
        reached=[date(2026, 2, 10), None, None],
        promises=Promises(Money(100_000, "EUR"), 12.5, (("Is training included?", "No, billed apart"),), 0.05),
    )
    # Actuals typed in the other order than the metrics', one month with an actual missing, one
    # without any; decisions open, taken and without an owner or a due day; spend over the quote.
    engagements.save_review(ws, EDGE, Review(
        "2026-02", {DOWN: 8.0, UP: 11}, blockers="Data access", minutes=45, explained=False,
        spend=Money(45_000, "EUR"),
        decisions=(Decision("Fund the data feed", "CFO", date(2026, 3, 1)),
                   Decision("Pick the pilot pods", "", None, date(2026, 2, 20)))))
    engagements.save_review(ws, EDGE, Review("2026-03", {UP: 10.5, DOWN: None}, recovery_plan="",
                                              spend=Money(65_000.5, "EUR")))
    engagements.save_review(ws, EDGE, Review("2026-04", {}, decisions_needed="Whether to go on", minutes=20))
    engagements.set_production_date(ws, EDGE, date(2026, 4, 20))
    first = engagements.oversight(ws, EDGE, today=date(2026, 4, 30)).flags[0]
    engagements.acknowledge_flag(ws, EDGE, first.rule, "Known; the partner has a plan", by="Dana")
    engagements.create_engagement(ws, UNREVIEWED, "Solo Vendor", date(2026, 11, 1),
                                  [SuccessMetric("Tickets closed", "", 0, 100, Direction.UP)])


# ----- the ORM path, as `engagements` read before (the reference) ------------------------------


def orm_read(ws: Workspace, ref: str | int) -> tuple[EngagementSnapshot, dict[tuple[str, str], Acknowledgement]]:
    """The engagement and its acknowledgements read through SQLModel's tables, one ORM row at a time."""
    from sqlmodel import col, select

    from app.store import repo
    from app.store.tables import (
        EngagementMetricRow,
        EngagementMilestoneRow,
        MonthlyReviewRow,
        ReviewActualRow,
        ReviewDecisionRow,
    )

    with ws.session() as s:
        row = engagements._row(s, ref)
        metrics = s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == row.id)
                         .order_by(col(EngagementMetricRow.position))).all()
        by_id = {m.id: m.name for m in metrics}
        ms = s.exec(select(EngagementMilestoneRow).where(EngagementMilestoneRow.engagement_id == row.id)
                    .order_by(col(EngagementMilestoneRow.position))).all()
        reviews = []
        for r in s.exec(select(MonthlyReviewRow).where(MonthlyReviewRow.engagement_id == row.id)
                        .order_by(col(MonthlyReviewRow.month))).all():
            # By metric: the order SQLite's unique index on (review, metric) gave this query.
            actuals: dict[str, float | None] = {
                by_id[a.metric_id]: a.value for a in s.exec(select(ReviewActualRow).where(
                    ReviewActualRow.review_id == r.id).order_by(col(ReviewActualRow.metric_id))).all()
            }
            decisions = tuple(
                Decision(d.text, d.owner, d.due, d.decided_on)
                for d in s.exec(select(ReviewDecisionRow).where(ReviewDecisionRow.review_id == r.id)
                                .order_by(col(ReviewDecisionRow.position))).all()
            )
            spend = None if r.spend_amount is None else Money(r.spend_amount, r.spend_currency or "USD")
            reviews.append(Review(r.month, actuals, r.blockers, r.decisions_needed, r.recovery_plan,
                                  r.minutes, bool(r.explained), spend, decisions))
        quote = None if row.quote_amount is None else Money(row.quote_amount, row.quote_currency or "USD")
        promises = Promises(quote, row.cost_growth_pct,
                            tuple((str(a), str(b)) for a, b in (row.adoption_promises or [])), row.cost_threshold)
        snap = EngagementSnapshot(
            id=row.id or 0, name=row.name, vendor=row.vendor, use_case_title=row.use_case_title,
            kickoff=row.kickoff, promised_months=row.promised_months, production_date=row.production_date,
            metrics=[SuccessMetric(m.name, m.unit, m.baseline, m.target, Direction(m.direction), m.target_date,
                                   m.method, m.owner) for m in metrics],
            milestones=[(Milestone(m.name, m.month), m.reached_on) for m in ms],
            reviews=reviews, evaluation_id=row.evaluation_id, promises=promises,
        )
        return snap, repo.acknowledgements(s, engagement_id=row.id)


def read_through_the_orm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `engagements.load` and `engagements.oversight`, as the commands call them, read through the ORM."""
    def oversight(ws: Workspace, ref: str | int, today: date | None = None, month: str | None = None) -> Any:
        return engagements.oversight_of(ws, *orm_read(ws, ref), today, month)

    monkeypatch.setattr(engagements, "load", lambda ws, ref: orm_read(ws, ref)[0])
    monkeypatch.setattr(engagements, "oversight", oversight)


# ----- the commands' output, both ways -------------------------------------------------------

open_workspace_as_cli = cli._open

COMMANDS = [
    ["oversight", "{e}"], ["oversight", "{e}", "--json"],
    ["oversight", "{e}", "--month", "2026-02"], ["oversight", "{e}", "--month", "2026-03", "--json"],
    ["oversight", "{e}", "--month", "2026-09"], ["oversight", "{e}", "--month", "2026-10", "--json"],
    ["oversight", "{e}", "--month", "2031-13"],  # refused
    ["review-report", "{e}", "--out", "{out}"], ["review-report", "{e}", "--month", "2026-03", "--out", "{out}"],
    ["review-report", "{e}", "--month", "2026-09", "--out", "{out}"],
]


def command_outputs(location: str, engagement: str, out: Path, capsys: pytest.CaptureFixture[str]) -> list[Any]:
    """Each command's exit code, standard output and error, and the PDF it wrote (or None)."""
    found = []
    opened: list[Workspace] = []

    def open_and_keep(*args: Any, **kwargs: Any) -> Any:
        opened.append(open_workspace_as_cli(*args, **kwargs))
        return opened[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "_open", open_and_keep)  # to close each workspace the command opened
        for command in COMMANDS:
            out.unlink(missing_ok=True)
            code = cli.main([a.replace("{e}", engagement).replace("{out}", str(out)) for a in command]
                            + ["--workspace", location])
            while opened:
                opened.pop().close()
            printed = capsys.readouterr()
            found.append((command, code, printed.out, printed.err, out.read_bytes() if out.exists() else None))
    return found


def assert_same_both_ways(location: str, engagement: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch, ws: Workspace) -> list[Any]:
    new = command_outputs(location, engagement, tmp_path / "review.pdf", capsys)
    load, oversight = engagements.load(ws, engagement), engagements.oversight(ws, engagement)
    with monkeypatch.context() as orm:
        read_through_the_orm(orm)
        old = command_outputs(location, engagement, tmp_path / "review.pdf", capsys)
        orm_load, orm_oversight = engagements.load(ws, engagement), engagements.oversight(ws, engagement)
    for mine, theirs in zip(new, old, strict=True):
        assert mine == theirs, mine[0]
    # The same objects, down to each review's actuals in the same order (repr shows dict order).
    assert repr(load) == repr(orm_load)
    assert repr(oversight) == repr(orm_oversight)
    return new


@pytest.fixture
def edge_demo(demo: Workspace) -> Iterator[Workspace]:
    add_edge_engagements(demo)
    yield demo


@pytest.mark.parametrize("engagement", [DEMO_ENGAGEMENT, EDGE, UNREVIEWED])
def test_oversight_and_the_review_pdf_read_the_same_as_through_the_orm(
        edge_demo: Workspace, demo_path: Path, engagement: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = assert_same_both_ways(str(demo_path), engagement, tmp_path, capsys, monkeypatch, edge_demo)
    codes = {" ".join(c[1:]): code for c, code, *_ in outputs}
    if engagement == UNREVIEWED:  # no review: oversight says so, the PDF is refused the same way
        assert codes["{e}"] == 0 and codes["{e} --out {out}"] == 2
        assert "has no monthly review yet" in outputs[7][3]
    else:
        pdfs = [o[4] for o in outputs if o[4] is not None]
        assert len(pdfs) >= 2 and all(p.startswith(b"%PDF") for p in pdfs)
    assert codes["{e} --month 2031-13"] == 2


def test_the_edge_engagement_reads_as_recorded(edge_demo: Workspace) -> None:
    snap = engagements.load(edge_demo, EDGE)
    assert [list(r.actuals.items()) for r in snap.reviews] == [[(UP, 11.0), (DOWN, 8.0)], [(UP, 10.5)], []]
    assert snap.reviews[0].decisions == (Decision("Fund the data feed", "CFO", date(2026, 3, 1)),
                                         Decision("Pick the pilot pods", "", None, date(2026, 2, 20)))
    assert snap.reviews[0].spend == Money(45_000, "EUR") and snap.reviews[0].explained is False
    assert snap.reviews[2].minutes == 20 and snap.reviews[1].minutes is None
    assert snap.milestones == [(Milestone("Data signed off", 1), date(2026, 2, 10)), (Milestone("Pilot", 3), None),
                               (Milestone("Someday", None), None)]
    assert snap.production_date == date(2026, 4, 20) and snap.kickoff == date(2026, 1, 15)
    assert snap.promises == Promises(Money(100_000, "EUR"), 12.5, (("Is training included?", "No, billed apart"),),
                                     0.05)
    assert snap.metrics[1] == SuccessMetric(DOWN, "hours", 8.5, 2, Direction.DOWN, None, "", "")
    flags = engagements.oversight(edge_demo, EDGE, today=date(2026, 4, 30)).flags
    ack = flags[0].acknowledgement
    assert ack is not None and (ack.rationale, ack.by) == ("Known; the partner has a plan", "Dana") and ack.at
    assert not any(f.acknowledged for f in flags[1:])
    assert [e.name for e in [engagements.load(edge_demo, i) for i, *_ in engagements.list_engagements(edge_demo)]] \
        == [DEMO_ENGAGEMENT, EDGE, UNREVIEWED]


def test_an_engagement_is_found_by_its_number_or_its_name_and_a_missing_one_is_named(edge_demo: Workspace) -> None:
    number = next(i for i, name, _ in engagements.list_engagements(edge_demo) if name == EDGE)
    assert engagements.load(edge_demo, number) == engagements.load(edge_demo, str(number)) \
        == engagements.load(edge_demo, EDGE)
    with pytest.raises(NotFound, match="there is no engagement named 'Nope'"):
        engagements.oversight(edge_demo, "Nope")


@pytest.mark.parametrize("command", [
    ["oversight", DEMO_ENGAGEMENT],
    ["oversight", DEMO_ENGAGEMENT, "--json", "--month", "2026-09"],
    ["review-report", DEMO_ENGAGEMENT, "--out", "{out}"],
])
def test_oversight_and_the_review_pdf_load_neither_sqlalchemy_nor_alembic(demo_path: Path, tmp_path: Path,
                                                                          command: list[str]) -> None:
    args = [a.replace("{out}", str(tmp_path / "review.pdf")) for a in command]
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "app", *args, "--workspace", str(demo_path)],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0 and r.stdout.strip(), r.stderr[-800:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert {"app.domain.oversight", "app.store.reader", "app.domain.sensitivity"} <= modules  # read and scored
    assert not {"sqlalchemy", "sqlmodel", "alembic", "app.store.tables", "app.store.repo"} & modules


def test_setting_the_cost_threshold_writes_first_and_the_report_that_follows_reads_it(demo_path: Path) -> None:
    base = [sys.executable, "-m", "app", "oversight", EDGE, "--month", "2026-02", "--json",
            "--workspace", str(demo_path)]
    from app.store.workspace import open_workspace

    ws = open_workspace(demo_path)
    try:
        add_edge_engagements(ws)
    finally:
        ws.close()
    runs = {}
    for percent in ("5", "200"):
        r = subprocess.run([*base, "--cost-threshold", percent], capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, r.stderr
        runs[percent] = r.stdout
    assert '"rule": "cost_overrun"' in runs["5"] and '"rule": "cost_overrun"' not in runs["200"]
