"""The mutation harness: change one stated number so it contradicts another, and see if a rule notices.

The consistent sample reports are checked once; every exact or approximate fact that took part in a
comparison (CheckResult.compared) is a candidate, rewritten so that it contradicts the facts it was
compared with: 30% off for an equality, out of its parts' range for a total, past 100% for a share.
The mutated report is extracted and checked again, and the mutant counts as caught when a warning or
error finding cites its line. Parts of a range comparison are not mutated: moving one part cannot
push the total out of the range, so no contradiction would exist to catch.

Direction flips are the other kind of mutant: a word that gives a compared change its sign ("rose",
"higher", "down") becomes a word of the opposite sign in the same form, from the lexicon ("rose" ->
"decreased", "higher" -> "lower"), so that the words contradict the report's other figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from smm_pipeline.chunks import Sentence, sentence_bounds
from smm_pipeline.consistency import Comparison, Stated, check_report
from smm_pipeline.extraction import extract
from smm_pipeline.facts import facts_frame
from smm_pipeline.lexicon import Sense, lexicon
from smm_pipeline.reports import Report, parse_report
from smm_pipeline.tokens import tokenize

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


def opposite(sense: Sense) -> str | None:
    """A one-word phrase of the same tag and form with the opposite sign ("rose" -> "decreased")."""
    sign = sense.get("sign")
    if sign not in (1, -1):
        return None
    for other in lexicon().senses(sense.tag):
        if other.get("sign") == -sign and other.get("form") == sense.get("form") and " " not in other.phrase \
                and "-" not in other.phrase and not other.get("metric") and not other.get("basis"):
            return other.phrase
    return None


def flips(report: Report, figures: list[Stated]) -> list[tuple[int, int, int, str, str]]:
    """(line, start, end, word, flipped) for the sign word of each compared change figure ("rose 3.2%",
    "3.2% higher"): its flip makes the words contradict the figures the change was compared with."""
    offsets = [0]
    for line in report.lines:
        offsets.append(offsets[-1] + len(line) + 1)
    found: dict[tuple[int, int], tuple[int, int, int, str, str]] = {}
    for fact in figures:
        text, offset = report.lines[fact.line - 1], offsets[fact.line - 1]
        tokens = tokenize(text)
        for first, last in sentence_bounds(tokens):
            sentence = Sentence(tokens[first:last], text, report.report_month, "")
            chunks = sentence.chunks
            at = fact.char_start - offset
            k = next((i for i, c in enumerate(chunks) if c.quantity is not None and c.start == at), None)
            if k is None:
                continue
            sign = _sign_word(chunks, k)
            word = opposite(chunks[sign].sense) if sign is not None and chunks[sign].sense is not None else None
            if word is not None:
                chunk = chunks[sign]
                flipped = word if chunk.text[:1].islower() else word.capitalize()
                found[(fact.line, chunk.start)] = (fact.line, offset + chunk.start, offset + chunk.end, chunk.text,
                                                   flipped)
    return list(found.values())


def _sign_word(chunks: list, k: int) -> int | None:
    """The one-word change or comparative that gives the figure at k its sign: before it ("rose by 3.2%",
    "up 3.2%") or right after it ("3.2% higher")."""
    j = k - 1
    while j >= 0 and chunks[j].code in "FBq":
        j -= 1
    if j >= 0 and chunks[j].code in "CK" and chunks[j].last - chunks[j].first == 1:
        return j
    j = k + 1
    while j < len(chunks) and chunks[j].code in "FM":
        j += 1
    if j < len(chunks) and chunks[j].code == "K" and chunks[j].last - chunks[j].first == 1:
        return j
    return None


def run_flips(text: str, name: str, previous: pd.DataFrame | None) -> list[Mutant]:
    """Every direction-flip mutant of one report."""
    report = parse_report(text.encode("utf-8"), name)
    baseline = check_report(extract(report), report.sha256, previous)
    figures = list({(f.line, f.char_start): f for c in baseline.compared if c.kind == "equal" for f in c.one_sided
                    if f.sha256 == report.sha256 and f.measure.endswith(("_pct", "_abs", "_pp"))}.values())
    base = report.text
    mutants = []
    for number, start, end, word, flipped in flips(report, figures):
        changed = base[:start] + flipped + base[end:]
        mutated = parse_report(changed.encode("utf-8"), name)
        findings = check_report(extract(mutated), mutated.sha256, previous).findings
        hits = tuple(sorted({f.rule for f in findings if f.severity != "info" and number in f.lines}))
        product = next((f.product for c in baseline.compared for f in c.facts if f.line == number), "")
        mutants.append(Mutant(product, number, word, flipped, bool(hits), hits))
    return mutants


def previous_facts(text: str, name: str) -> pd.DataFrame:
    """The facts of a report, as the previous month for the rules across months."""
    report = parse_report(text.encode("utf-8"), name)
    return facts_frame(extract(report).facts).assign(sha256=report.sha256)
