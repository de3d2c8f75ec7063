"""Judging the consistency rules against the flags files of ../shared (FACTS.md, section Flags).

A flag counts as raised when a warning or error of the same report month and product names its line; a
finding is "outside" when none of its lines is a line the flags file lists for that product (with
`must` or `may`). The same counting as ../shared/eval/score_flags.py, per report."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from smm_pipeline.consistency import Finding, check_report
from smm_pipeline.extraction import extract
from smm_pipeline.facts import read_csv
from smm_pipeline.reports import read_report


@dataclass(frozen=True, slots=True)
class Judged:
    """How one report's findings meet its flags."""

    month: str
    missed_musts: list[str]
    outside: list[Finding]
    rounding_alarms: list[Finding]
    may_raised: int


def judge(report: Path, flags: Path, gold: Path | None = None) -> Judged:
    """The report's findings (on the gold's facts when `gold` is given, else on extracted ones)."""
    extraction = extract(read_report(report))
    month = extraction.report.report_month
    given = read_csv(gold, month) if gold is not None else None
    findings = check_report(extraction, extraction.report.sha256, given=given).findings
    with flags.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["report_month"] == month]
    serious = [f for f in findings if f.severity in ("warning", "error")]
    raised = {(f.product or "", str(line)) for f in serious for line in f.lines}
    real = {(r["product"], r["line"]) for r in rows if r["expect"] in ("must", "may")}
    calm = {(r["product"], r["line"]) for r in rows if r["expect"] == "not_an_error"}
    outside = [f for f in serious if not any((f.product or "", str(line)) in real for line in f.lines)]
    mays = [r for r in rows if r["expect"] == "may"]
    return Judged(
        month=month,
        missed_musts=[f"{r['product']}:{r['line']} {r['kind']}" for r in rows
                      if r["expect"] == "must" and (r["product"], r["line"]) not in raised],
        outside=outside,
        rounding_alarms=[f for f in outside if any((f.product or "", str(line)) in calm for line in f.lines)],
        may_raised=sum((r["product"], r["line"]) in raised for r in mays),
    )
