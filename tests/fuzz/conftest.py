"""Hypothesis profiles for fuzzing the importers, and a shared workspace to import into.

`make test` uses the small, derandomised profile (a few hundred cases across the importers);
`make fuzz` sets HYPOTHESIS_PROFILE=fuzz for thousands of cases with fresh randomness.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.network_guard import network_guard

__all__ = ["network_guard"]

_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
          HealthCheck.filter_too_much]
settings.register_profile("fuzz-small", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("fuzz", max_examples=1500, deadline=None, database=None,
                          suppress_health_check=_QUIET, print_blob=True)

FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
PROFILE = settings.get_profile("fuzz" if FUZZING else "fuzz-small")
if FUZZING:
    settings.load_profile("fuzz")

TABLES = ("organization", "use_case", "data_source", "success_metric", "bank", "bank_version", "question",
          "evaluation", "evaluator", "vendor", "reference", "milestone", "answer", "flag_ack", "engagement",
          "engagement_metric", "monthly_review", "review_actual", "audit_log")


def row_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        names = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608 - fixed names
                for t in TABLES if t in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def fuzz_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One demo workspace per module: imports that succeed pile up, which is fine for fuzzing."""
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.workspace import open_workspace

    ws = open_workspace(tmp_path_factory.mktemp("fuzz") / "ws")
    ensure_default_bank(ws)
    load_demo(ws)
    yield ws
    ws.close()


class Counter:
    """Counts the cases each fuzz test ran, printed at the end of the session."""

    cases: dict[str, int] = {}

    @classmethod
    def tick(cls, name: str) -> None:
        cls.cases[name] = cls.cases.get(name, 0) + 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if Counter.cases:
        total = sum(Counter.cases.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(Counter.cases.items()))
        terminalreporter.write_line(f"fuzz cases run: {total} ({detail})")
