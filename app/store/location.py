"""Where a workspace is: the variable that names it, and the addresses that put it on a server.

Kept apart from app.store.workspace so that the command line can tell a team workspace's address
from a folder before it loads anything else (app/store/server_ahead.py).
"""

from __future__ import annotations

from typing import TypeGuard

ENV_VAR = "DILIGENCE_WORKSPACE"
# A workspace given as one of these addresses lives on a PostgreSQL server (app.store.server).
SERVER_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_location(target: object) -> TypeGuard[str]:
    """Whether `target` (an option's value, or DILIGENCE_WORKSPACE's) names a team workspace on a server."""
    return isinstance(target, str) and target.strip().lower().startswith(SERVER_SCHEMES)
