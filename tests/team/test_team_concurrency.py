"""Optimistic concurrency on a team workspace: the same checks as on a folder, on PostgreSQL.

The tests are tests/services/test_edit_conflicts.py's, run against the demo loaded into a
throwaway PostgreSQL database (READ COMMITTED: a save's read and its write are separate
statements, so the version check is what stops a save that was overtaken in between).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.services.test_edit_conflicts import (  # noqa: F401 - collected here too, on PostgreSQL
    test_a_save_overtaken_between_its_read_and_its_write_is_run_again_on_a_fresh_read,
    test_bank_drafts_merge_question_by_question_and_clash_on_the_same_field,
    test_claim_refuses_a_row_read_before_another_save,
    test_edits_of_different_fields_both_land_and_each_save_counts,
    test_engagement_fields,
    test_organization_profile,
    test_oversight_metric,
    test_the_same_field_saved_twice_is_refused_with_mine_and_theirs,
    test_use_case,
)


@pytest.fixture
def demo(pg_url: str) -> Iterator[Any]:
    """The demo workspace, on the server."""
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.server import open_server_workspace

    ws = open_server_workspace(pg_url)
    try:
        ensure_default_bank(ws)
        load_demo(ws)
        yield ws
    finally:
        ws.close()
