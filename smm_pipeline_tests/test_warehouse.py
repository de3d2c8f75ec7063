"""DuckDB writes: one transaction per partition, nothing loaded before is lost on failure."""

from pathlib import Path

import pandas as pd
import pytest

from smm_pipeline import warehouse


def _frame(month: str, values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"report_month": [month] * len(values), "value": values})


def test_replacing_a_partition_leaves_other_months_alone(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    warehouse.write_table(db, "t", _frame("2025-01", [1, 2]), ["2025-01"])
    warehouse.write_table(db, "t", _frame("2025-02", [3]), ["2025-02"])
    warehouse.write_table(db, "t", _frame("2025-01", [9]), ["2025-01"])
    frame = warehouse.read_table(db, "t").sort_values("report_month")
    assert frame["value"].tolist() == [9, 3]
    assert warehouse.read_table(db, "t", ["2025-02"])["value"].tolist() == [3]


def test_a_failed_write_rolls_back_and_keeps_what_was_loaded(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    warehouse.write_table(db, "t", _frame("2025-01", [1]), ["2025-01"])
    bad = pd.DataFrame({"report_month": ["2025-01"], "value": ["not a number"]})
    with pytest.raises(Exception):  # noqa: B017 - DuckDB raises its own conversion error type
        warehouse.write_table(db, "t", bad, ["2025-01"])
    assert warehouse.read_table(db, "t")["value"].tolist() == [1]


def test_an_empty_frame_still_creates_the_table_with_its_columns(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    warehouse.write_table(db, "t", _frame("2025-01", []).astype({"value": "float64"}), ["2025-01"])
    frame = warehouse.read_table(db, "t")
    assert frame is not None and list(frame.columns) == ["report_month", "value"] and frame.empty


def test_new_columns_are_added_to_an_existing_partitioned_table(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    warehouse.write_table(db, "t", _frame("2025-01", [1]), ["2025-01"])
    wider = _frame("2025-02", [2]).assign(extra="x")
    warehouse.write_table(db, "t", wider, ["2025-02"])
    frame = warehouse.read_table(db, "t").sort_values("report_month")
    assert frame["extra"].isna().tolist() == [True, False]


def test_reading_a_missing_warehouse_or_table_gives_none(tmp_path: Path) -> None:
    assert warehouse.read_table(tmp_path / "none.duckdb", "t") is None
    warehouse.write_table(tmp_path / "w.duckdb", "t", _frame("2025-01", [1]))
    assert warehouse.read_table(tmp_path / "w.duckdb", "other") is None
    assert warehouse.table_counts(tmp_path / "w.duckdb") == {"t": 1}
