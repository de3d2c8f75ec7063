"""The mutation harness: change one stated number so it contradicts another, and see if a rule notices.

The consistent sample reports are checked once; every exact or approximate fact that took part in a
comparison (CheckResult.compared) is a candidate, rewritten so that it contradicts the facts it was
compared with: 30% off for an equality, out of its parts' range for a total, past 100% for a share.
The mutated report is extracted and checked again, and the mutant counts as caught when a warning or
error finding cites its line. Parts of a range comparison are not mutated: moving one part cannot
push the total out of the range, so no contradiction would exist to catch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from smm_pipeline.consistency import Comparison, Stated, check_report
from smm_pipeline.extraction import extract
from smm_pipeline.facts import facts_frame
from smm_pipeline.reports import parse_report

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Mutant:
    """One rewritten number and whether the rules caught it."""

    product: str
    line: int
    original: str
    mutated: str
    caught: bool
    rules: tuple[str, ...]


def _written(value: float, like: str) -> str:
    """A magnitude written like `like`: same decimals, same thousands separators."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    return f"{abs(value):,.{decimals}f}" if "," in like else f"{abs(value):.{decimals}f}"


def _step(written: str) -> float:
    decimals = len(written.split(".")[1]) if "." in written else 0
    return 10.0 ** -decimals


def mutate_equal(fact: Stated, others: tuple[Stated, ...], written: str) -> str:
    """For an equality (level vs changes): 30% larger, and for a % or pp change at least 3 or 1 points
    more (a 30% error in "up 4.00%" moves the level by only 1.2%), doubled when an approximate figure
    ("about 318,400 mt", +/-2%) is among the others."""
    value = float(written.replace(",", ""))
    floor = {"%": 3.0, "pp": 1.0}.get(fact.unit, 0.0) * (2 if any(o.qualifier == "approx" for o in others) else 1)
    return _written(value + max(value * 0.3, floor) + 3 * _step(written), written)


def mutate_total_out_of_range(total: Stated, parts: tuple[Stated, ...], written: str) -> str | None:
    """For a total within its parts' range: a magnitude that puts the total above the highest part
    (or below the lowest), with the sign the text already gives it."""
    high = max(p.interval.high for p in parts)
    low = min(p.interval.low for p in parts)
    margin = max(high - low, 1.0) + 3 * _step(written)
    target = high + margin if total.value >= 0 else low - margin
    if (target >= 0) != (total.value >= 0):
        return None  # leaving the range would need a sign the wording cannot carry
    return _written(target, written)


def mutate_share_over_100(share: Stated, parts: tuple[Stated, ...], written: str) -> str:
    """For shares of one breakdown: this share large enough that the breakdown passes 100%."""
    others = sum(p.value for p in parts if p is not share)
    return _written(100 - others + 5 + share.value * 0.1, written)


def planned(compared: list[Comparison], sha256: str) -> list[tuple[Stated, Callable[[str], str | None]]]:
    """One contradicting rewrite per fact of this report that a comparison rests on (point values only)."""
    plans: dict[tuple[int, int], tuple[Stated, Callable[[str], str | None]]] = {}
    for comparison in compared:
        facts = comparison.facts
        if comparison.kind == "range":
            total, parts = comparison.left[0], comparison.right
            targets = [(total, lambda w, t=total, p=parts: mutate_total_out_of_range(t, p, w))]
        elif comparison.kind == "sum":
            targets = [(f, lambda w, f=f, p=facts: mutate_share_over_100(f, p, w)) for f in facts]
        elif any(f.qualifier in {"over", "under", "range"} for f in facts):
            continue  # a bound is one-sided: only a rewrite in one direction would contradict it
        else:
            targets = [(f, lambda w, f=f, o=facts: mutate_equal(f, tuple(x for x in o if x is not f), w))
                       for f in comparison.one_sided]
        for fact, rewrite in targets:
            if fact.sha256 == sha256 and fact.qualifier in {"exact", "approx"} and not fact.measure.endswith("dir"):
                plans.setdefault((fact.line, fact.char_start), (fact, rewrite))
    return list(plans.values())


def run(text: str, name: str, previous: pd.DataFrame | None) -> tuple[list[Mutant], list[dict]]:
    """Every mutant of one report, and the warnings/errors of the unmutated report."""
    report = parse_report(text.encode("utf-8"), name)
    baseline = check_report(extract(report), report.sha256, previous)
    serious = [f.row() for f in baseline.findings if f.severity != "info"]
    mutants = []
    for fact, rewrite in planned(baseline.compared, report.sha256):
        number = _NUMBER.search(text, fact.char_start, fact.char_start + len(fact.value_text))
        replacement = rewrite(number.group(0)) if number else None
        if number is None or replacement is None or replacement == number.group(0):
            continue
        changed = text[:number.start()] + replacement + text[number.end():]
        mutated = parse_report(changed.encode("utf-8"), name)
        findings = check_report(extract(mutated), mutated.sha256, previous).findings
        hits = tuple(sorted({f.rule for f in findings if f.severity != "info" and fact.line in f.lines}))
        mutants.append(Mutant(fact.product, fact.line, number.group(0), replacement, bool(hits), hits))
    return mutants, serious


def previous_facts(text: str, name: str) -> pd.DataFrame:
    """The facts of a report, as the previous month for the rules across months."""
    report = parse_report(text.encode("utf-8"), name)
    return facts_frame(extract(report).facts).assign(sha256=report.sha256)
