"""The DuckDB warehouse: write a table or one report month of it in a single transaction, read it back.

The functions work on an open connection: Dagster code gets it from `dagster_duckdb.DuckDBResource`
(the one door to the warehouse, configured once from the environment), other code from `connect`.
DuckDB allows one writer per file, and a reader blocks writers, so a connection is held no longer than
one step's reads or one write: a write is one transaction, so a failed write rolls back and the months
loaded before stay as they were. SQL consumers never read this file; they read the published copy (see serving.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pandas as pd

PARTITION_COLUMN = "report_month"


@contextlib.contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed on exit; the parent folder is created for a new warehouse."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the main schema has this table."""
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?",
        [table]).fetchone()[0])


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Columns the incoming frame has and the stored table lacks (a newer code version) are added."""
    existing = {row[0] for row in con.execute(f'describe "{table}"').fetchall()}
    for column, sql_type, *_ in con.execute("describe select * from _incoming").fetchall():
        if column not in existing:
            sql_type = "VARCHAR" if sql_type == '"NULL"' else sql_type
            con.execute(f'alter table "{table}" add column "{column}" {sql_type}')


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                partitions: Sequence[str] | None = None) -> int:
    """Replace the whole table, or only the rows of `partitions` (report months), atomically.

    The table is created from the frame's dtypes even when the frame is empty, so downstream readers
    and dbt always find it.
    """
    con.register("_incoming", frame)
    try:
        con.execute("begin transaction")
        if partitions is None:
            con.execute(f'create or replace table "{table}" as select * from _incoming')
        else:
            if not table_exists(con, table):
                con.execute(f'create table "{table}" as select * from _incoming limit 0')
            _add_missing_columns(con, table)
            placeholders = ", ".join("?" for _ in partitions)
            con.execute(f'delete from "{table}" where "{PARTITION_COLUMN}" in ({placeholders})', list(partitions))
            con.execute(f'insert into "{table}" by name select * from _incoming')
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_incoming")
    return len(frame)


def read_table(con: duckdb.DuckDBPyConnection, table: str,
               partitions: Sequence[str] | None = None) -> pd.DataFrame | None:
    """The table (or some report months of it); None when the table does not exist."""
    if not table_exists(con, table):
        return None
    if partitions is None:
        return con.execute(f'select * from "{table}"').df()
    placeholders = ", ".join("?" for _ in partitions)
    return con.execute(f'select * from "{table}" where "{PARTITION_COLUMN}" in ({placeholders})',
                       list(partitions)).df()


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every table and view in the warehouse, for summaries."""
    names = [row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
    return {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}
