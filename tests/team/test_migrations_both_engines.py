"""Every migration runs on both engines and yields the same schema on SQLite and PostgreSQL.

Step by step from an empty database to the head, after each revision, the two schemas are
compared column by column (generic type, nullability, default), with their keys, foreign
keys (and what a delete does), unique constraints and indexes. Tables only SQLite has (FTS5
search tables and their shadow tables) are left out of the comparison. Downgrades run where a
revision supports them; where it refuses, both databases are left exactly as they were.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, String, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

from app.store.server import make_server_engine, parse_address
from app.store.workspace import HEAD, MIGRATIONS, make_engine


def _chain() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return [s.revision for s in reversed(list(script.walk_revisions("base", "heads")))]


def _config(con: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = con
    return cfg


def _upgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as con:
        command.upgrade(_config(con), revision)


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as con:
        command.downgrade(_config(con), revision)


def _kind(t: Any) -> str:
    if isinstance(t, TypeDecorator):  # SQLModel's AutoString is a VARCHAR
        t = t.impl
    for cls, name in ((JSON, "json"), (Boolean, "boolean"), (DateTime, "datetime"), (Date, "date"),
                      (Float, "float"), (Integer, "integer"), (String, "string"), (LargeBinary, "binary")):
        if isinstance(t, cls):
            return name
    return type(t).__name__.lower()


def _default(value: str | None) -> str | None:
    if value is None or value.startswith("nextval("):
        return None
    value = re.sub(r"::[a-z ]+(\[\])?$", "", value.strip())
    value = value.strip("'\"")
    return {"true": "1", "false": "0"}.get(value.lower(), value)


def _sqlite_only_tables(engine: Engine) -> set[str]:
    if engine.dialect.name != "sqlite":
        return set()
    with engine.connect() as con:
        virtual = [r[0] for r in con.exec_driver_sql(
            "select name from sqlite_master where type='table' and sql like 'CREATE VIRTUAL TABLE%'")]
        names = [r[0] for r in con.exec_driver_sql("select name from sqlite_master where type='table'")]
    return {n for n in names for v in virtual if n == v or n.startswith(v + "_")}


# The server's own parts of the evidence schema (0009): documents' bytes and the pages' tsvector
# (SQLite keeps files and an FTS5 index instead, skipped above).
POSTGRESQL_ONLY_TABLES = {"evidence_blob_data"}
POSTGRESQL_ONLY_COLUMNS = {("evidence_page", "words"), ("evidence_page", "word_count")}


def schema(engine: Engine) -> dict[str, Any]:
    """The schema as a comparable value, engine-specific spellings normalised away."""
    skip = _sqlite_only_tables(engine) | {"alembic_version"}
    if engine.dialect.name == "postgresql":
        skip |= POSTGRESQL_ONLY_TABLES
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(set(insp.get_table_names()) - skip):
        columns = {c["name"]: (_kind(c["type"]), bool(c["nullable"]), _default(c.get("default")))
                   for c in insp.get_columns(table) if (table, c["name"]) not in POSTGRESQL_ONLY_COLUMNS}
        fks = sorted((tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]),
                      (fk.get("options") or {}).get("ondelete", "NO ACTION").upper())
                     for fk in insp.get_foreign_keys(table))
        uniques = sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table))
        indexes = sorted((i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                         for i in insp.get_indexes(table) if not i.get("duplicates_constraint")
                         and not {(table, str(c)) for c in i["column_names"]} & POSTGRESQL_ONLY_COLUMNS)
        out[table] = {"columns": columns, "primary_key": tuple(insp.get_pk_constraint(table)["constrained_columns"]),
                      "foreign_keys": fks, "unique": uniques, "indexes": indexes}
    return out


@pytest.fixture
def engines(tmp_path: Path, pg_url: str) -> Any:
    sqlite = make_engine(tmp_path / "diligence.sqlite")
    pg = make_server_engine(parse_address(pg_url))
    yield sqlite, pg
    sqlite.dispose()
    pg.dispose()


def test_every_revision_gives_the_same_schema_on_sqlite_and_postgresql(engines: tuple[Engine, Engine]) -> None:
    sqlite, pg = engines
    chain = _chain()
    assert chain[-1] == HEAD
    for revision in chain:
        _upgrade(sqlite, revision)
        _upgrade(pg, revision)
        lite, server = schema(sqlite), schema(pg)
        assert set(lite) == set(server), f"after {revision}: tables differ"
        for table in lite:
            assert lite[table] == server[table], f"after {revision}: table {table} differs"
    # The last schema is the one the code's tables describe.
    from sqlmodel import SQLModel

    import app.store.tables  # noqa: F401 - registers the tables

    final = schema(pg)
    for table in SQLModel.metadata.sorted_tables:
        assert table.name in final, f"{table.name} is in the code but no migration creates it"
        assert {c.name: _kind(c.type) for c in table.columns} == {
            n: kind for n, (kind, _null, _default) in final[table.name]["columns"].items()}, table.name


def test_server_numbers_new_rows_itself(engines: tuple[Engine, Engine]) -> None:
    """An `id` the server hands out (SERIAL), so rows added without one get one, as on SQLite."""
    sqlite, pg = engines
    for engine in (sqlite, pg):
        _upgrade(engine, HEAD)
        with engine.begin() as con:
            con.exec_driver_sql("insert into bank (name, created_at) values ('a', '2026-11-27 10:00:00')")
            con.exec_driver_sql("insert into bank (name, created_at) values ('b', '2026-11-27 10:00:00')")
            assert [r[0] for r in con.exec_driver_sql("select id from bank order by id")] == [1, 2]


def test_downgrades_run_where_supported_and_otherwise_change_nothing(engines: tuple[Engine, Engine]) -> None:
    sqlite, pg = engines
    chain = _chain()
    for engine in (sqlite, pg):
        _upgrade(engine, HEAD)
    for revision, previous in reversed(list(zip(chain, ["base", *chain[:-1]], strict=True))):
        before = (schema(sqlite), schema(pg))
        outcomes = []
        for engine in (sqlite, pg):
            try:
                _downgrade(engine, previous)
                outcomes.append("done")
            except NotImplementedError:
                outcomes.append("refused")
        assert outcomes[0] == outcomes[1], f"downgrade from {revision}: {outcomes}"
        if outcomes[0] == "refused":
            assert (schema(sqlite), schema(pg)) == before, f"a refused downgrade from {revision} changed the schema"
            return
        assert schema(sqlite) == schema(pg), f"after downgrading {revision}"

