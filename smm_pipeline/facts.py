"""The metric fact: one stated number of a report, as the FACTS.md contract defines it.

This is where a fact's shape is fixed. Every fact keeps its provenance (section, line, character span
in the report text, the sentence that states it and the number as written), because an analyst must be
able to go from any number in the panel back to the words that said it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CONTRACT_COLUMNS = ("report_month", "product", "segment", "metric", "period", "measure", "value", "unit",
                    "qualifier", "value_high")
"""The columns of ../shared/eval/FACTS.md, in its order."""

PROVENANCE_COLUMNS = ("tier", "section", "line", "char_start", "char_end", "value_text", "evidence", "statement",
                      "frame")
"""Where and how the fact was stated: `statement` is 1 for the first statement of its key and 2, 3 ... for
a later one with another value (the contract keeps both); `frame` names the frames and rules that read it."""
FACT_COLUMNS = CONTRACT_COLUMNS + PROVENANCE_COLUMNS

METRICS = ("production", "operating_rate", "capacity", "operating_capacity", "share", "inventory", "price",
           "treatment_charge", "imports", "producer_count")
MEASURES = ("level", "mom_abs", "yoy_abs", "mom_pct", "yoy_pct", "mom_pp", "yoy_pp", "ytd_level",
            "ytd_yoy_abs", "ytd_yoy_pct", "mom_dir", "yoy_dir")
UNITS = ("mt", "mt/year", "%", "pp", "GW", "yuan/mt", "usd/mt", "usd/dmt", "yuan/mtu", "count", "dir", "sqm")
QUALIFIERS = ("exact", "approx", "over", "under", "range")
DIRECTION_MEASURES = ("mom_dir", "yoy_dir")


@dataclass(frozen=True, slots=True)
class Fact:
    """One stated number (or direction) with where it was stated."""

    report_month: str
    product: str
    segment: str
    metric: str
    period: str
    measure: str
    value: float
    unit: str
    qualifier: str
    value_high: float | None
    tier: int
    section: int
    line: int
    char_start: int
    char_end: int
    value_text: str
    evidence: str
    statement: int = 1
    frame: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        """What the fact is about; two facts with one key state the same figure."""
        return (self.report_month, self.product, self.segment, self.metric, self.period, self.measure)


def tier_of(metric: str, segment: str) -> int:
    """FACTS.md's tier: 1 (headline) for the product's total production, every measure, actual and
    forecast; 2 for everything else."""
    return 1 if metric == "production" and (segment == "" or segment.startswith("content:")) else 2


def write_csv(facts: Iterable[Fact], path: str | Path) -> None:
    """Facts as CSV, FACTS.md columns first (no pandas: the command line writes this on its fast path)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FACT_COLUMNS)
        row = attrgetter(*FACT_COLUMNS)
        for fact in facts:
            writer.writerow([_cell(v) for v in row(fact)])


class FactsFileError(ValueError):
    """A facts CSV that cannot be read, naming the file and the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source, self.message, self.line = source, message, line
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")


def read_csv(path: str | Path, report_month: str | None = None) -> list[Fact]:
    """Facts from a CSV in the FACTS.md columns plus `line` (a gold file, or figures keyed by hand), so the
    consistency rules can judge given facts apart from extracted ones. The number as written is found in
    the row's evidence where it can be (its rounding is what the rules allow for); else the value stands
    as written in the CSV. With `report_month`, only that month's rows (a gold file holds many reports)."""
    from smm_pipeline.numbers import lex

    source = str(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise FactsFileError(source, f"cannot read the facts file ({err})") from None
    missing = [c for c in (*CONTRACT_COLUMNS, "line") if rows and c not in rows[0]]
    if missing:
        raise FactsFileError(source, f"missing columns: {', '.join(missing)}", 1)
    facts: list[Fact] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows, start=2):
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        try:
            value = float(cells["value"])
            high = float(cells["value_high"]) if cells["value_high"] else None
            line = int(cells["line"])
        except ValueError:
            raise FactsFileError(source, "value, value_high and line must be numbers", number) from None
        for column, allowed in (("metric", METRICS), ("measure", MEASURES), ("unit", UNITS),
                                ("qualifier", QUALIFIERS)):
            if cells[column] not in allowed:
                raise FactsFileError(source, f"{column} {cells[column]!r} is not one of FACTS.md's", number)
        evidence = cells.get("evidence", "")
        written = next((q.text for q in lex(evidence) if abs(abs(q.value) - abs(value)) <= 1e-6 * max(1, abs(value))),
                       _as_written(cells["value"], cells["unit"]))
        key = tuple(cells[c] for c in ("report_month", "product", "segment", "metric", "period", "measure"))
        seen[key] = seen.get(key, 0) + 1
        tier = tier_of(cells["metric"], cells["segment"])
        facts.append(Fact(cells["report_month"], cells["product"], cells["segment"], cells["metric"], cells["period"],
                          cells["measure"], value, cells["unit"], cells["qualifier"], high, tier, 1, line, 0,
                          len(written), written, evidence or written, seen[key], "given"))
    return [f for f in facts if report_month is None or f.report_month == report_month]


def _as_written(value: str, unit: str) -> str:
    return value + ("%" if unit == "%" else "" if unit in ("dir", "count") else f" {unit}")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return value


def facts_frame(facts: list[Fact]) -> pd.DataFrame:
    """Facts as a DataFrame with the contract columns first and stable dtypes (empty-safe)."""
    import pandas as pd

    row = attrgetter(*FACT_COLUMNS)  # not dataclasses.asdict, which deep-copies every field of every fact
    frame = pd.DataFrame([row(f) for f in facts], columns=list(FACT_COLUMNS))
    return frame.astype({
        "report_month": "string", "product": "string", "segment": "string", "metric": "string",
        "period": "string", "measure": "string", "value": "float64", "unit": "string",
        "qualifier": "string", "value_high": "float64", "tier": "int64", "section": "int64",
        "line": "int64", "char_start": "int64", "char_end": "int64", "value_text": "string",
        "evidence": "string", "statement": "int64", "frame": "string",
    })
