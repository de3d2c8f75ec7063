"""Small builders for test frames, so each test states only the columns it is about."""

from __future__ import annotations

import pandas as pd

from smm_pipeline.facts import FACT_COLUMNS

SHA_A = "a" * 64
SHA_B = "b" * 64


def fact(product: str = "copper_cathode", period: str = "2025-07", measure: str = "level", value: float = 0.0,
         *, report_month: str = "2025-07", segment: str = "", metric: str = "production", unit: str = "mt",
         qualifier: str = "exact", value_high: float | None = None, sha256: str = SHA_A,
         received_at: str = "2025-07-31T10:00:00+00:00", line: int = 10, text: str | None = None) -> dict:
    """One metric_facts row; evidence is a sentence containing the number as written."""
    written = text or f"{value:g}"
    return {
        "report_month": report_month, "product": product, "segment": segment, "metric": metric, "period": period,
        "measure": measure, "value": value, "unit": unit, "qualifier": qualifier, "value_high": value_high,
        "tier": 1 if metric == "production" and segment == "" else 2, "section": 1, "line": line,
        "char_start": 0, "char_end": len(written), "value_text": written,
        "evidence": f"Production was {written} in the month.", "statement": 1, "frame": "test", "sha256": sha256,
        "file_name": f"smm_{report_month}.txt", "received_at": pd.Timestamp(received_at),
    }


def facts(*rows: dict) -> pd.DataFrame:
    """A metric_facts frame with the warehouse's columns and dtypes."""
    columns = [*FACT_COLUMNS, "sha256", "file_name", "received_at"]
    frame = pd.DataFrame(list(rows), columns=columns)
    return frame.astype({"value": "float64", "value_high": "float64", "tier": "int64", "section": "int64",
                         "line": "int64", "char_start": "int64", "char_end": "int64"})
