"""The paraphrase suite as data: phrasings/*.toml hold, for each kind of statement the reports make,
rewordings with the facts each must give (format in phrasings/README.md). This module reads the cases and
runs one through the engine; test_phrasings.py asserts, benchmarks.py reports the pass rate."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from smm_pipeline import catalogue
from smm_pipeline.extraction import extract
from smm_pipeline.periods import month_key, shift_month
from smm_pipeline.reports import parse_report

FOLDER = Path(__file__).parent / "phrasings"
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")

Fact = tuple[str, str, str, str, str, float, str, str, float | None]
"""(product, segment, metric, period, measure, value, unit, qualifier, value_high)."""


@dataclass(frozen=True, slots=True)
class Case:
    """One rewording: the section it sits in, the report month, the paragraph and its facts."""

    file: str
    kind: str
    product: str
    report: str
    text: str
    facts: tuple[Fact, ...]

    @property
    def name(self) -> str:
        return f"{self.file}:{self.kind}:{self.text[:50]}"


def parse_fact(text: str, product: str) -> Fact:
    """"- production 2025-07 mom_pct 3.47 %" (see phrasings/README.md) as a fact tuple."""
    words = text.split()
    if words[0].startswith("@"):
        product, words = words[0][1:], words[1:]
    segment, metric, period, measure, value, unit, *rest = words
    qualifier = rest[0] if rest else "exact"
    high = None
    if ".." in value:
        low, high_text = value.split("..")
        value, high, qualifier = low, float(high_text), rest[0] if rest else "range"
    return (product, "" if segment == "-" else segment, metric, period, measure, float(value), unit, qualifier, high)


def cases() -> list[Case]:
    """Every case of every file, in file order."""
    out = []
    for path in sorted(FOLDER.glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in table.get("case", []):
            facts = tuple(parse_fact(f, case["product"]) for f in case["facts"])
            out.append(Case(path.stem, case["kind"], case["product"], case["report"], case["text"], facts))
    return out


def report_text(case: Case) -> str:
    """The case's paragraph as a report: a title naming its month, the product's heading, the paragraph."""
    year, month = int(case.report[:4]), int(case.report[5:7])
    following = _MONTH_NAMES[int(shift_month(case.report, 1)[5:7]) - 1]
    title = f"Overview of China Metal Production in {_MONTH_NAMES[month - 1]} {year} and Forecast for {following}"
    return f"{title}\n{catalogue.get(case.product).heading}\n{case.text}\n"


def extracted(case: Case) -> set[Fact]:
    """What the engine reads from the case."""
    report = parse_report(report_text(case).encode("utf-8"), f"{case.file}.txt")
    assert report.report_month == month_key(_MONTH_NAMES[int(case.report[5:7]) - 1], int(case.report[:4]))
    return {(f.product, f.segment, f.metric, f.period, f.measure, round(f.value, 6), f.unit, f.qualifier,
             None if f.value_high is None else round(f.value_high, 6)) for f in extract(report).facts}


def expected(case: Case) -> set[Fact]:
    """The case's facts, rounded like `extracted`."""
    return {(p, s, m, per, meas, round(v, 6), u, q, None if h is None else round(h, 6))
            for p, s, m, per, meas, v, u, q, h in case.facts}
