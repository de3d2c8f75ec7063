"""The paraphrase suite: each kind of statement the reports make, reworded, with the facts it must give.

The cases are data (phrasings/*.toml, format in phrasings/README.md); the bar is the issue's: at least
95% of rewordings give exactly their expected facts, no more and no fewer.
"""

from __future__ import annotations

from collections import Counter

import pytest

from smm_pipeline import catalogue
from smm_pipeline.facts import MEASURES, METRICS, QUALIFIERS, UNITS
from smm_pipeline_tests.phrasings import Case, cases, expected, extracted

CASES = cases()


def test_the_suite_covers_at_least_25_kinds_with_five_rewordings_each() -> None:
    kinds = Counter(case.kind for case in CASES)
    assert len(kinds) >= 25
    assert min(kinds.values()) >= 5, [kind for kind, n in kinds.items() if n < 5]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_facts_speak_the_contract(case: Case) -> None:
    products = {p.product for p in catalogue.products()}
    for product, _, metric, period, measure, _, unit, qualifier, high in case.facts:
        assert product in products and metric in METRICS and measure in MEASURES and unit in UNITS
        assert qualifier in QUALIFIERS and (high is not None) == (qualifier == "range")
        assert len(period) == 7 and period[4] == "-"


def test_at_least_95_percent_of_rewordings_give_exactly_their_facts() -> None:
    failures = []
    for case in CASES:
        got, want = extracted(case), expected(case)
        if got != want:
            failures.append(f"{case.kind} ({case.file}): {case.text}\n  missing {sorted(want - got, key=str)}"
                            f"\n  extra {sorted(got - want, key=str)}")
    rate = 1 - len(failures) / len(CASES)
    assert rate >= 0.95, f"{rate:.3f} of {len(CASES)} rewordings read exactly; failures:\n" + "\n".join(failures)
