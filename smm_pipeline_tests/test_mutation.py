"""The mutation harness on the consistent sample reports and the seed (see mutation.py for how mutants
are made): numeric rewrites and direction flips."""

import csv
import json

import pytest

from smm_pipeline.consistency import stated_facts
from smm_pipeline.settings import PROJECT_ROOT
from smm_pipeline_tests import mutation
from smm_pipeline_tests.factories import fact as factory_fact
from smm_pipeline_tests.factories import facts

SAMPLES = sorted((PROJECT_ROOT / "data" / "samples").glob("smm_*_production_overview.txt"))
DOCUMENTED_ODDITIES = {  # data/samples/README.md: the two oddities the samples contain on purpose
    ("smm_2025-02_production_overview.txt", "refined_tin", "restatement"),
    ("smm_2025-03_production_overview.txt", "primary_lead", "level_estimates"),
}
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="module")
def harness() -> dict[str, tuple[list[mutation.Mutant], list[dict]]]:
    results, previous = {}, None
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        results[sample.name] = mutation.run(text, sample.name, previous)
        previous = mutation.previous_facts(text, sample.name)
    return results


@pytest.fixture(scope="module")
def flipped() -> list[mutation.Mutant]:
    found, previous = [], None
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        found += mutation.run_flips(text, sample.name, previous)
        previous = mutation.previous_facts(text, sample.name)
    return found


def test_at_least_80_percent_of_direction_flips_are_flagged(flipped: list[mutation.Mutant]) -> None:
    caught = [m for m in flipped if m.caught]
    assert len(flipped) >= 50, "the samples should give the harness enough sign words of compared changes"
    assert len(caught) / len(flipped) >= 0.80, [f"line {m.line}: {m.original} -> {m.mutated}" for m in flipped
                                                if not m.caught]


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared (the seed and its flags) is not next to "
                                                           "this checkout")
def test_the_seed_mutants_are_flagged_and_its_unmutated_alarms_are_its_flags() -> None:
    text = (SHARED / "seeds" / "smm_2025-07_production_overview.txt").read_text(encoding="utf-8")
    numeric, serious = mutation.run(text, "seed.txt", None)
    flips = mutation.run_flips(text, "seed.txt", None)
    assert sum(m.caught for m in numeric) / len(numeric) >= 0.95
    assert sum(m.caught for m in flips) / len(flips) >= 0.80
    with (SHARED / "eval" / "seed_flags.csv").open(newline="", encoding="utf-8") as handle:
        flagged = {(r["product"], r["line"]) for r in csv.DictReader(handle) if r["expect"] in ("must", "may")}
    beyond = [row for row in serious
              if not any((row["product"], line) in flagged for line in str(row["lines"]).split(";"))]
    assert beyond == []


def test_unmutated_samples_raise_no_warning_or_error_beyond_their_documented_oddities(harness: dict) -> None:
    raised = {(name, row["product"], row["rule"]) for name, (_, serious) in harness.items() for row in serious}
    assert raised == DOCUMENTED_ODDITIES


def test_at_least_95_percent_of_contradicting_mutants_are_flagged(harness: dict) -> None:
    mutants = [m for mutants, _ in harness.values() for m in mutants]
    caught = [m for m in mutants if m.caught]
    missed = [m for m in mutants if not m.caught]
    rate = len(caught) / len(mutants)
    summary = {"mutants": len(mutants), "flagged": len(caught), "rate": round(rate, 4),
               "per_report": {name: {"mutants": len(ms), "flagged": sum(m.caught for m in ms)}
                              for name, (ms, _) in harness.items()},
               "missed": [f"{m.product} line {m.line}: {m.original} -> {m.mutated}" for m in missed]}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "mutation.json").write_text(json.dumps(summary, indent=2))
    print(f"\nmutation harness: {len(caught)} of {len(mutants)} mutants flagged ({rate:.1%}); missed: "
          f"{summary['missed'] or 'none'}")
    assert len(mutants) >= 100, "the samples should give the harness enough cross-checked numbers"
    assert rate >= 0.95


@pytest.mark.parametrize(("written", "like"), [("1,117,400", ","), ("2.48", "."), ("16.3", "."), ("300", "")])
def test_mutants_keep_the_way_numbers_are_written(written: str, like: str) -> None:
    (fact,) = stated_facts(facts(factory_fact(value=float(written.replace(",", "")), text=written)))
    mutated = mutation.mutate_equal(fact, (), written)
    assert mutated != written
    assert ("," in mutated) == ("," in written) and ("." in mutated) == ("." in written)
    assert float(mutated.replace(",", "")) > float(written.replace(",", "")) * 1.29
