"""DuckDB writes: one transaction per partition, nothing loaded before is lost on failure."""

from pathlib import Path

import pandas as pd
import pytest

from smm_pipeline import warehouse


def _frame(month: str, values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"report_month": [month] * len(values), "value": values})


def write(db: Path, table: str, frame: pd.DataFrame, partitions: list[str] | None = None) -> int:
    with warehouse.connect(db) as con:
        return warehouse.write_table(con, table, frame, partitions)


def read(db: Path, table: str, partitions: list[str] | None = None) -> pd.DataFrame | None:
    with warehouse.connect(db, read_only=True) as con:
        return warehouse.read_table(con, table, partitions)


def test_replacing_a_partition_leaves_other_months_alone(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    write(db, "t", _frame("2025-01", [1, 2]), ["2025-01"])
    write(db, "t", _frame("2025-02", [3]), ["2025-02"])
    write(db, "t", _frame("2025-01", [9]), ["2025-01"])
    frame = read(db, "t").sort_values("report_month")
    assert frame["value"].tolist() == [9, 3]
    assert read(db, "t", ["2025-02"])["value"].tolist() == [3]


def test_a_failed_write_rolls_back_and_keeps_what_was_loaded(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    write(db, "t", _frame("2025-01", [1]), ["2025-01"])
    bad = pd.DataFrame({"report_month": ["2025-01"], "value": ["not a number"]})
    with pytest.raises(Exception):  # noqa: B017 - DuckDB raises its own conversion error type
        write(db, "t", bad, ["2025-01"])
    assert read(db, "t")["value"].tolist() == [1]


def test_an_empty_frame_still_creates_the_table_with_its_columns(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    write(db, "t", _frame("2025-01", []).astype({"value": "float64"}), ["2025-01"])
    frame = read(db, "t")
    assert frame is not None and list(frame.columns) == ["report_month", "value"] and frame.empty


def test_new_columns_are_added_to_an_existing_partitioned_table(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    write(db, "t", _frame("2025-01", [1]), ["2025-01"])
    wider = _frame("2025-02", [2]).assign(extra="x")
    write(db, "t", wider, ["2025-02"])
    frame = read(db, "t").sort_values("report_month")
    assert frame["extra"].isna().tolist() == [True, False]


def test_reading_a_missing_table_gives_none(tmp_path: Path) -> None:
    write(tmp_path / "w.duckdb", "t", _frame("2025-01", [1]))
    assert read(tmp_path / "w.duckdb", "other") is None
    with warehouse.connect(tmp_path / "w.duckdb", read_only=True) as con:
        assert warehouse.table_counts(con) == {"t": 1}
