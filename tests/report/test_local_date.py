"""The report is dated in the reader's own calendar, not in UTC."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from app.services.reports import local_day


@pytest.fixture
def los_angeles(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_an_evening_edit_in_california_is_dated_that_evening(los_angeles) -> None:  # type: ignore[no-untyped-def]
    # 17:30 on 26 November in Los Angeles is already 27 November in UTC.
    stored = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
    assert local_day(stored) == date(2026, 11, 26)
    assert local_day(stored.replace(tzinfo=None)) == date(2026, 11, 26)  # SQLite's naive text means UTC
