"""Migrations that run on both engines: SQLite (a folder workspace) and PostgreSQL (a team one).

The frozen DDL of the early revisions is SQLite's; `run` hands it to SQLite unchanged and to
PostgreSQL with the few words the two spell differently (an auto-numbered `id`, DATETIME,
boolean literals). Parts that only one engine has (SQLite's FTS5 tables and their triggers,
for instance) go through `sqlite_only` / `postgresql_only`, so a revision can hold both.
"""

from __future__ import annotations

import re

from alembic import op


def dialect() -> str:
    return str(op.get_bind().dialect.name)


def for_dialect(sql: str, name: str) -> str:
    """SQLite DDL as `name` spells it; unchanged for SQLite."""
    if name == "sqlite":
        return sql
    if name != "postgresql":
        raise NotImplementedError(f"Diligence's migrations do not know the {name} database")
    # Every table's first column `id INTEGER NOT NULL` with PRIMARY KEY (id): numbered by the server.
    sql = re.sub(r"(\(\s*)id INTEGER NOT NULL\b", r"\1id SERIAL NOT NULL", sql)
    sql = re.sub(r"\bDATETIME\b", "TIMESTAMP WITHOUT TIME ZONE", sql)
    sql = re.sub(r"(\bBOOLEAN NOT NULL DEFAULT )1\b", r"\1true", sql)
    sql = re.sub(r"(\bBOOLEAN NOT NULL DEFAULT )0\b", r"\1false", sql)
    return sql


def run(sql: str) -> None:
    """Execute DDL written for SQLite on whichever engine the workspace uses."""
    op.execute(for_dialect(sql, dialect()))


def sqlite_only(sql: str) -> None:
    if dialect() == "sqlite":
        op.execute(sql)


def postgresql_only(sql: str) -> None:
    if dialect() == "postgresql":
        op.execute(sql)
