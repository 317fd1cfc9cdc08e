"""When the app deletes what removed documents left behind (`app.services.evidence_cleanup`).

Removing a document in the app keeps its file so that undo can bring it back. Only this window's
undo history can (the workspace lock keeps every other window read-only), so the files go when
that history cannot exist or is let go of: when a workspace has just been opened here (at start,
File ▸ Open, after a restore), before anything can be undone in it, and when this window lets go
of it (it opens another, or quits: before the closing backup, which then carries none of them).
"""

from __future__ import annotations

import logging

from app.store.workspace import Workspace

log = logging.getLogger(__name__)


def clean_up(ws: Workspace) -> None:
    """Delete the leftovers of removed documents that nothing needs; never fails the caller."""
    if ws.kind != "file" or ws.read_only:
        return
    from app.services.evidence_cleanup import clean_up as clean

    try:
        clean(ws)
    except Exception:  # noqa: BLE001 - leftovers stay for the next time; never block opening or quitting
        log.warning("could not delete what removed documents left in %s", ws.location, exc_info=True)
