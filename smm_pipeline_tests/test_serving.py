"""The published copy: complete or absent, never half-written; a reader in another process never blocks
the pipeline and keeps a consistent view across a publication."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from smm_pipeline import serving, warehouse

READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    count = lambda: con.execute("select count(*) from fct_monthly_panel").fetchone()[0]
    print(count(), flush=True)
    sys.stdin.readline()          # the pipeline publishes meanwhile
    print(count(), flush=True)    # the same snapshot: the old file stays open under its inode
    con.close()
    print(duckdb.connect(sys.argv[1], read_only=True).execute("select count(*) from fct_monthly_panel").fetchone()[0])
""")


def load(db: Path, months: list[str]) -> None:
    """A small warehouse: raw_reports by month, two marts and a view, as the pipeline leaves it."""
    panel = pd.DataFrame({"product_id": ["copper_cathode"] * len(months), "month": months,
                          "level": [1_000.0 + i for i in range(len(months))]})
    with warehouse.connect(db) as con:
        warehouse.write_table(con, "raw_reports", pd.DataFrame({"report_month": months}))
        warehouse.write_table(con, "fct_monthly_panel", panel)
        warehouse.write_table(con, "dim_product", pd.DataFrame({"product_id": ["copper_cathode"]}))
        con.execute("create or replace view stg_smm__monthly_panel as select * from main.fct_monthly_panel")


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "warehouse.duckdb", tmp_path / "serving"


def test_publish_copies_tables_views_and_writes_parquet_of_the_marts(folders: tuple[Path, Path]) -> None:
    db, out = folders
    load(db, ["2025-01", "2025-02"])
    published = serving.publish(db, out, lambda: warehouse.connect(db))
    assert published.report_months == ["2025-01", "2025-02"]
    assert published.parquet == ["dim_product.parquet", "fct_monthly_panel.parquet"]
    with duckdb.connect(str(out / "smm.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from stg_smm__monthly_panel").fetchone()[0] == 2
        assert con.execute("select max(level) from fct_monthly_panel").fetchone()[0] == 1_001.0
    parquet = out / "marts" / "fct_monthly_panel.parquet"
    assert duckdb.connect().execute(f"select count(*) from read_parquet('{parquet}')").fetchone()[0] == 2
    manifest = json.loads((out / "published.json").read_text())
    assert manifest["tables"]["fct_monthly_panel"] == 2 and manifest["warehouse"] == str(db)
    assert sorted(p.name for p in out.iterdir()) == ["marts", "published.json", "smm.duckdb", "versions"]


def test_a_reader_in_another_process_keeps_its_snapshot_and_never_blocks_a_publication(
        folders: tuple[Path, Path]) -> None:
    db, out = folders
    load(db, ["2025-01"])
    serving.publish(db, out, lambda: warehouse.connect(db))
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out / "smm.duckdb")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "1"
    load(db, ["2025-01", "2025-02", "2025-03"])  # the warehouse is written while the copy is open elsewhere
    serving.publish(db, out, lambda: warehouse.connect(db))
    reader.stdin.write("go\n")
    reader.stdin.flush()
    rest, errors = reader.communicate(timeout=60)
    assert reader.returncode == 0, errors
    assert rest.split() == ["1", "3"]


def test_old_parquet_versions_are_pruned_and_the_link_moves_atomically(folders: tuple[Path, Path]) -> None:
    db, out = folders
    load(db, ["2025-01"])
    for _ in range(5):
        serving.publish(db, out, lambda: warehouse.connect(db))
    versions = sorted(p.name for p in (out / "versions").iterdir())
    assert len(versions) == serving.KEEP_VERSIONS
    assert (out / "marts").is_symlink() and (out / "marts").resolve().name == versions[-1]


def test_a_failed_publication_leaves_the_previous_copy_whole(folders: tuple[Path, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db, out = folders
    load(db, ["2025-01"])
    serving.publish(db, out, lambda: warehouse.connect(db))
    before = (out / "smm.duckdb").read_bytes(), (out / "marts").resolve()
    load(db, ["2025-01", "2025-02"])

    def broken(source: Path, database_tmp: Path, parquet_dir: Path) -> None:
        database_tmp.write_bytes(b"half a database")
        (parquet_dir / "fct_monthly_panel.parquet").write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serving, "_snapshot", broken)
    with pytest.raises(OSError, match="No space left"):
        serving.publish(db, out, lambda: warehouse.connect(db))
    assert ((out / "smm.duckdb").read_bytes(), (out / "marts").resolve()) == before
    assert not list(out.glob(".*")) and not list((out / "versions").glob(".*"))


def test_publishing_without_a_warehouse_says_so(folders: tuple[Path, Path]) -> None:
    db, out = folders
    with pytest.raises(FileNotFoundError, match="load a report first"):
        serving.publish(db, out, lambda: warehouse.connect(db))
