"""Shared fixtures. Append-only: other test modules rely on what is here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE_REPORTS = {month: REPO / "data" / "samples" / f"smm_{month}_production_overview.txt"
                  for month in ("2025-01", "2025-02", "2025-03")}
SAMPLE_GOLD = {month: REPO / "smm_pipeline_tests" / "fixtures" / "sample_gold" / f"{month}.csv"
               for month in SAMPLE_REPORTS}


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (the seed report, its gold and the scorer); the test is skipped where it is absent."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} (seed report and gold) is not next to this checkout")
    return SHARED


@pytest.fixture
def read_when_asked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The vintages the VintageReaders read when asked (tables.map_each's items), as a growing list: a
    vintage read ahead, or by an earlier ask, is not in it."""
    from smm_pipeline import tables

    items: list[object] = []
    real_map = tables.map_each

    def counted_map(work: Callable, vintages: Sequence, seconds: float) -> list:
        items.extend(vintages)
        return real_map(work, vintages, seconds)

    monkeypatch.setattr(tables, "map_each", counted_map)
    return items


@pytest.fixture
def pages_built_when_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The months whose brief pages were built when the brief asked for them (brief.map_each's parts), as a
    growing list: a page built ahead is not in it."""
    from smm_pipeline import brief

    months: list[str] = []
    real_map = brief.map_each

    def counted_map(work: Callable, parts: Sequence, seconds: float) -> list:
        months.extend(month for part in parts for month in part.months)
        return real_map(work, parts, seconds)

    monkeypatch.setattr(brief, "map_each", counted_map)
    return months
