"""Whole reports: accuracy against hand gold, provenance of every fact, and nothing dropped silently."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import pytest

from smm_pipeline.extraction import Extraction, extract
from smm_pipeline.facts import CONTRACT_COLUMNS, facts_frame
from smm_pipeline.numbers import lex
from smm_pipeline.reports import parse_report, read_report
from smm_pipeline_tests.conftest import SAMPLE_GOLD, SAMPLE_REPORTS

KEY = ("report_month", "product", "segment", "metric", "period", "measure")


def _same_value(gold: str, pred: float) -> bool:
    return math.isclose(float(gold), pred, rel_tol=1e-6, abs_tol=1e-9)


def _headline(row: dict) -> bool:
    return row["metric"] == "production" and (row["segment"] == "" or row["segment"].startswith("content:"))


def matched(gold: list[dict[str, str]], extraction: Extraction, headline_only: bool) -> tuple[int, int, int]:
    """(matches, predictions, gold rows) as ../shared/eval/score_facts.py counts them: a fact matches a
    gold row with its key and value; outside the headline, only predictions whose product, metric and
    period the gold covers count."""
    predicted = facts_frame(extraction.facts).to_dict("records")
    if headline_only:
        gold, predicted = [g for g in gold if _headline(g)], [p for p in predicted if _headline(p)]
    else:
        scope = {(g["report_month"], g["product"], g["metric"], g["period"]) for g in gold}
        predicted = [p for p in predicted if (p["report_month"], p["product"], p["metric"], p["period"]) in scope]
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for p in predicted:
        by_key[tuple(str(p[k]) for k in KEY)].append(p)
    hits = 0
    for g in gold:
        candidates = by_key.get(tuple(g[k] for k in KEY), [])
        match = next((p for p in candidates if _same_value(g["value"], p["value"])), None)
        if match is not None:
            candidates.remove(match)
            hits += 1
    return hits, len(predicted), len(gold)


def f1_of(hits: int, predicted: int, gold: int) -> float:
    precision, recall = hits / max(predicted, 1), hits / max(gold, 1)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def f1(gold: list[dict[str, str]], extraction: Extraction, headline_only: bool) -> float:
    """The F1 of ../shared/eval/score_facts.py (see `matched`)."""
    return f1_of(*matched(gold, extraction, headline_only))


def load_gold(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def samples() -> dict[str, Extraction]:
    return {month: extract(read_report(path)) for month, path in SAMPLE_REPORTS.items()}


# Just under what the engine reaches; a drop below is a regression to look at.
@pytest.mark.parametrize(("month", "headline", "everything"), [
    ("2025-01", 0.99, 0.95), ("2025-02", 0.99, 0.97), ("2025-03", 0.99, 0.99),
])
def test_samples_against_their_gold(samples: dict[str, Extraction], month: str, headline: float,
                                    everything: float) -> None:
    gold = load_gold(SAMPLE_GOLD[month])
    assert f1(gold, samples[month], headline_only=True) >= headline
    assert f1(gold, samples[month], headline_only=False) >= everything


def test_seed_against_its_gold(shared_dir: Path) -> None:
    extraction = extract(read_report(shared_dir / "seeds" / "smm_2025-07_production_overview.txt"))
    gold = load_gold(shared_dir / "eval" / "seed_gold.csv")
    assert f1(gold, extraction, headline_only=True) >= 0.99
    assert f1(gold, extraction, headline_only=False) >= 0.95


def _dev2(shared_dir: Path) -> list[tuple[Path, Path]]:
    reports = sorted((shared_dir / "eval" / "dev2" / "reports").glob("*.txt"))
    if not reports:
        pytest.skip("../shared/eval/dev2 is not next to this checkout")
    return [(path, shared_dir / "eval" / "dev2" / "gold" / f"{path.stem}.csv") for path in reports]


@pytest.fixture(scope="module")
def dev2(shared_dir: Path) -> list[tuple[Extraction, list[dict[str, str]]]]:
    return [(extract(read_report(report)), load_gold(gold)) for report, gold in _dev2(shared_dir)]


def test_dev2_months_in_other_words(dev2: list[tuple[Extraction, list[dict[str, str]]]]) -> None:
    """Twelve months in three house styles the engine was not written for (issue 9's bar: pooled headline
    F1 >= 0.95, all facts >= 0.85, every report's headline >= 0.90)."""
    pooled = {True: [0, 0, 0], False: [0, 0, 0]}
    for extraction, gold in dev2:
        for headline in (True, False):
            counts = matched(gold, extraction, headline)
            pooled[headline] = [a + b for a, b in zip(pooled[headline], counts, strict=True)]
            if headline:
                assert f1_of(*counts) >= 0.90, extraction.report.source
    assert f1_of(*pooled[True]) >= 0.95
    assert f1_of(*pooled[False]) >= 0.85


def test_no_unparsed_sentence_of_dev2_carries_a_headline_figure(
        dev2: list[tuple[Extraction, list[dict[str, str]]]]) -> None:
    """`extract --unparsed` must not list a headline figure: each one is read (a misread is counted by
    the F1 above), never left unread."""
    for extraction, gold in dev2:
        headline = defaultdict(set)
        for g in gold:
            if _headline(g) and g["unit"] != "dir":
                headline[int(g["line"])].add(abs(float(g["value"])))
        unread = [(item.line, item.value_text, item.reason) for item in extraction.unparsed
                  if any(math.isclose(abs(q.value), value, rel_tol=1e-6) for q in lex(item.value_text)
                         for value in headline[item.line])]
        assert unread == [], f"{extraction.report.source}: {unread}"
