"""The published copy SQL consumers read: `serving/smm.duckdb` and Parquet of the marts.

The warehouse file belongs to the pipeline: DuckDB lets one process hold it read-write, and any other
process that opens it, even read-only, blocks the pipeline (or is blocked by it). So consumers never
open it. After each load the pipeline publishes a snapshot:

- `smm.duckdb`: the whole warehouse (tables and views), copied inside one DuckDB session with
  `COPY FROM DATABASE` into a temporary file beside it, then moved over the old copy with an atomic
  rename. A reader that has the old copy open keeps reading it (same inode) until it reconnects;
  a reader that connects sees either the old or the new copy, never a half-written one. The pipeline
  never opens the published file, so no reader can block it.
- `marts/<table>.parquet`: every mart (`fct_*`, `dim_*`). `marts` is a symlink to a version folder,
  swapped atomically, so a reader resolving it sees one consistent set of files; the last few versions
  are kept for readers still in the middle of an old one.
- `published.json`: when, from which warehouse, which report months, row counts per table.

Plain Python and DuckDB; the Dagster asset in defs/serving.py only calls `publish`.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from smm_pipeline import warehouse

DATABASE = "smm.duckdb"
MARTS = "marts"
MANIFEST = "published.json"
VERSIONS = "versions"
KEEP_VERSIONS = 3
"""Parquet versions kept: the current one and two older ones for readers that resolved the link earlier."""
MART_PREFIXES = ("fct_", "dim_")


@dataclass(frozen=True, slots=True)
class Publication:
    """What was published."""

    database: str
    marts: str
    published_at: str
    report_months: list[str]
    tables: dict[str, int]
    parquet: list[str]
    size_bytes: int


def publish(warehouse_path: Path, serving: Path,
            connection: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
            now: datetime | None = None) -> Publication:
    """Snapshot the warehouse into `serving` (see the module docstring); the previous copy stays until
    the new one is complete. `connection` opens the warehouse (Dagster passes its DuckDBResource's);
    FileNotFoundError when there is no warehouse yet."""
    if not warehouse_path.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse_path}: load a report first")
    now = now or datetime.now(UTC)
    version = f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
    versions = serving / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    database_tmp = serving / f".{DATABASE}.{version}.incoming"
    parquet_tmp = versions / f".{version}.incoming"
    parquet_tmp.mkdir()
    try:
        with connection() as con:
            tables, months, parquet = _snapshot(con, database_tmp, parquet_tmp)
        _fsync(database_tmp)
        os.replace(parquet_tmp, versions / version)
        os.replace(database_tmp, serving / DATABASE)
        _point(serving / MARTS, Path(VERSIONS) / version)
    finally:
        database_tmp.unlink(missing_ok=True)
        Path(f"{database_tmp}.wal").unlink(missing_ok=True)
        shutil.rmtree(parquet_tmp, ignore_errors=True)
    _prune(serving, keep=KEEP_VERSIONS)
    publication = Publication(database=str(serving / DATABASE), marts=str(serving / MARTS),
                              published_at=now.astimezone(UTC).isoformat(), report_months=months, tables=tables,
                              parquet=parquet, size_bytes=(serving / DATABASE).stat().st_size)
    _write_json(serving / MANIFEST, {**asdict(publication), "warehouse": str(warehouse_path)})
    return publication


def _snapshot(con: duckdb.DuckDBPyConnection, database_tmp: Path,
              parquet_dir: Path) -> tuple[dict[str, int], list[str], list[str]]:
    """Copy the warehouse and write the marts' Parquet in one session, so both are the same state."""
    con.execute("checkpoint")
    catalog = con.execute("select current_database()").fetchone()[0]
    con.execute(f"attach '{_sql_path(database_tmp)}' as serving_snapshot")
    try:
        con.execute(f'copy from database "{catalog}" to serving_snapshot')
    finally:
        con.execute("detach serving_snapshot")
    tables = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' and table_catalog = ?"
        " order by 1", [catalog]).fetchall()}
    marts = [name for name in tables if name.startswith(MART_PREFIXES)]
    for name in marts:
        con.execute(f"copy \"{name}\" to '{_sql_path(parquet_dir / f'{name}.parquet')}' (format parquet)")
    months = [row[0] for row in con.execute(
        "select distinct report_month from raw_reports order by 1").fetchall()] \
        if warehouse.table_exists(con, "raw_reports") else []
    return tables, months, [f"{name}.parquet" for name in marts]


def read_manifest(serving: Path) -> dict[str, object] | None:
    """The last publication's manifest, if anything was published."""
    path = serving / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _point(link: Path, target: Path) -> None:
    """Make `link` a symlink to `target` atomically (a new link renamed over the old one)."""
    temporary = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}")
    temporary.symlink_to(target, target_is_directory=True)
    try:
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)  # a real folder left by hand cannot be renamed over
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _prune(serving: Path, keep: int) -> None:
    """Drop Parquet versions older than the last `keep`, and temporaries of a publication that was killed
    (publications never overlap: the asset is in the warehouse pool)."""
    versions = serving / VERSIONS
    published = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in published[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in versions.glob(".*.incoming"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in serving.glob(f".{DATABASE}.*.incoming*"):
        stale.unlink(missing_ok=True)


def _write_json(path: Path, payload: dict[str, object]) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    temporary.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
