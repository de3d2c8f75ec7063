"""Consistency rules: contradictions are raised, rounding alone is at most info."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline import consistency
from smm_pipeline.consistency import check_facts, check_report
from smm_pipeline.extraction import Extraction, extract
from smm_pipeline.facts import FactsFileError, read_csv
from smm_pipeline.intervals import Interval, apply, interval_of
from smm_pipeline.reports import parse_report
from smm_pipeline.settings import PROJECT_ROOT
from smm_pipeline_tests.factories import SHA_B, fact, facts
from smm_pipeline_tests.flags import judge

SHARED = PROJECT_ROOT.parent / "shared"


def serious(frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in check_facts(frame, previous).findings if f.severity != "info"]


def infos(frame: pd.DataFrame) -> list[str]:
    return [f.rule for f in check_facts(frame).findings if f.severity == "info"]


def test_a_mom_percentage_that_contradicts_its_own_tonnage_is_an_error() -> None:
    frame = facts(fact(value=300_600, text="300,600 mt"), fact(measure="mom_abs", value=18_500, text="18,500 mt"),
                  fact(measure="mom_pct", value=8.57, unit="%", text="8.57%"))
    assert ("level_estimates", "error") in serious(frame)


def test_differences_rounding_explains_are_info_only() -> None:
    """The seed's copper line: 39,400 mt MoM, 3.47%; August -6,000 mt, -0.51% (the implied July bases
    1,174,847 and 1,176,471 differ, but both come from rounded figures)."""
    frame = facts(fact(measure="mom_abs", value=39_400, text="39,400 mt"),
                  fact(measure="mom_pct", value=3.47, unit="%", text="3.47%"),
                  fact(period="2025-08", measure="mom_abs", value=-6_000, text="6,000 mt"),
                  fact(period="2025-08", measure="mom_pct", value=-0.51, unit="%", text="0.51%"))
    assert serious(frame) == []
    assert "level_estimates" in infos(frame)


def test_rate_chain_in_percentage_points_is_rounding_aware() -> None:
    """Small smelters: 67.28% - 0.94 pp = 66.34% against a stated 66.33% is rounding, not an error."""
    rate = {"metric": "operating_rate", "unit": "%", "segment": "size:small"}
    frame = facts(fact(value=67.28, text="67.28%", **rate),
                  fact(period="2025-08", value=66.33, text="66.33%", **rate),
                  fact(period="2025-08", measure="mom_pp", value=-0.94, text="0.94 percentage points",
                       **{**rate, "unit": "pp"}))
    assert serious(frame) == []
    wrong = frame.copy()
    wrong.loc[1, ["value", "value_text"]] = [65.9, "65.9%"]
    assert ("level_estimates", "error") in serious(wrong)


def test_percentage_points_for_a_tonnage_change_is_unit_misuse() -> None:
    frame = facts(fact(measure="mom_pct", value=-1.49, unit="%", text="1.49 percentage points"))
    assert serious(frame) == [("unit_misuse", "error")]


def test_a_rate_change_in_percent_is_flagged_as_ambiguous() -> None:
    frame = facts(fact(metric="operating_rate", measure="mom_pct", value=-0.8, unit="%", text="0.8%"))
    assert serious(frame) == [("unit_misuse", "warning")]


def test_a_total_outside_the_range_of_its_parts() -> None:
    parts = [fact(segment=f"series:{n}", measure="mom_pct", value=v, unit="%", text=f"{abs(v)}%")
             for n, v in ((200, -1.97), (300, -0.03), (400, -3.45))]
    inside = facts(fact(measure="mom_pct", value=-1.21, unit="%", text="1.21%"), *parts)
    outside = facts(fact(measure="mom_pct", value=-4.5, unit="%", text="4.5%"), *parts)
    assert serious(inside) == []
    assert ("parts_vs_whole", "error") in serious(outside)


def test_shares_of_one_breakdown_cannot_pass_100_percent() -> None:
    shares = [fact(segment=f"series:{n}", metric="share", value=v, unit="%", text=f"{v}%")
              for n, v in ((5, 15.65), (6, 42.89), (8, 27.39), (9, 19.96))]
    assert ("parts_vs_whole", "error") in serious(facts(*shares))
    assert serious(facts(*shares[:3])) == []


def test_metal_physical_and_grade_changes_must_compose() -> None:
    """The seed's NPI: physical +2.11%, metal -8.10% imply the grade fell ~10%, not 0.4%."""
    frame = facts(fact(product="npi", segment="content:physical", measure="mom_pct", value=2.11, unit="%"),
                  fact(product="npi", segment="content:metal", measure="mom_pct", value=-8.10, unit="%"),
                  fact(product="npi", segment="item:average_nickel_grade", metric="share", measure="mom_pct",
                       value=-0.4, unit="%"))
    assert ("content_grade", "error") in serious(frame)


def test_ytd_chain_across_the_forecast_month() -> None:
    """975,600 - 820,800 = 154,800 = August's YoY change in the seed; a different August figure is not."""
    rows = [fact(measure="ytd_yoy_abs", value=820_800, text="820,800 mt"),
            fact(period="2025-08", measure="ytd_yoy_abs", value=975_600, text="975,600 mt")]
    assert serious(facts(*rows, fact(period="2025-08", measure="yoy_abs", value=154_800, text="154,800 mt"))) == []
    assert ("ytd_chain", "error") in serious(
        facts(*rows, fact(period="2025-08", measure="yoy_abs", value=184_800, text="184,800 mt")))


def test_tonnage_and_percentage_of_one_change_must_share_a_sign() -> None:
    frame = facts(fact(measure="mom_abs", value=-20_500, text="20,500 mt"),
                  fact(measure="mom_pct", value=1.84, unit="%", text="1.84%"))
    assert ("sign_mismatch", "error") in serious(frame)


def test_a_month_restated_differently_by_the_next_report() -> None:
    earlier = facts(fact(product="refined_tin", report_month="2025-01", period="2025-01", value=14_800,
                         text="14,800 mt"))
    later = facts(fact(product="refined_tin", report_month="2025-02", period="2025-01", value=15_300,
                       text="15,300 mt", sha256=SHA_B))
    assert serious(later, earlier) == [("restatement", "warning")]


def test_a_rate_above_100_percent_is_out_of_bounds() -> None:
    assert serious(facts(fact(metric="operating_rate", value=116.75, unit="%", text="116.75%"))) == [
        ("bounds", "error")]


@given(st.decimals(min_value=0, max_value=10**7, places=2).filter(lambda d: d == d.quantize(1) or True))
def test_an_exact_figure_lies_inside_its_rounding_interval(value) -> None:  # type: ignore[no-untyped-def]
    text = f"{value:,.2f}%"
    interval = interval_of(float(value), text, "%", "exact")
    assert interval.contains(float(value))
    assert interval.high - interval.low == pytest.approx(0.01)


@given(st.floats(1, 1e6), st.floats(0.01, 1e4), st.floats(0.1, 50), st.floats(0.01, 5))
def test_interval_arithmetic_contains_every_point_result(a: float, da: float, r: float, dr: float) -> None:
    change, pct = Interval(a - da, a + da), Interval(r, r + dr)
    implied = apply(lambda x, p: x * (1 + 100 / p), change, pct)
    assert implied is not None
    for x in (change.low, a, change.high):
        for p in (pct.low, pct.high):
            assert implied.low - 1e-6 <= x * (1 + 100 / p) <= implied.high + 1e-6


def test_a_ratio_by_a_range_through_zero_concludes_nothing() -> None:
    assert apply(lambda a, r: a / r, Interval(1, 2), Interval(-0.5, 0.5)) is None


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (seed and scorer) is not next to this checkout")
def test_seed_flags_every_must_and_no_rounding_only_difference(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    assert subprocess.run([sys.executable, "-m", "smm_pipeline.cli", "check",
                           str(SHARED / "seeds" / "smm_2025-07_production_overview.txt"), "--csv", str(out)],
                          capture_output=True, text=True, check=False).returncode == 0
    with out.open() as handle:
        assert next(iter(csv.DictReader(handle))).keys() >= {"report_month", "product", "rule", "severity", "line",
                                                          "lines"}
    scored = json.loads(subprocess.run(
        [sys.executable, str(SHARED / "eval" / "score_flags.py"), str(SHARED / "eval" / "seed_flags.csv"),
         "--pred", str(out), "--json"], capture_output=True, text=True, check=True).stdout)
    assert scored["must"]["raised"] == scored["must"]["of"], scored["must"]["missed"]
    assert scored["false_alarms_on_rounding"] == []
    assert scored["may"]["raised"] >= 7


def _dev2_reports() -> list[Path]:
    return sorted((SHARED / "eval" / "dev2" / "reports").glob("*.txt"))


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (seed, dev2 and their flags) is not next to this checkout")
@pytest.mark.parametrize("name", ["seed", *(p.stem for p in _dev2_reports())])
def test_on_gold_facts_every_must_flag_is_raised_and_nothing_outside_the_flags(name: str) -> None:
    """The rules judged apart from the extraction: on hand-checked facts, every contradiction the flags
    files call `must` is found, and no warning or error falls outside their rows."""
    if name == "seed":
        report, gold, flags = (SHARED / "seeds" / "smm_2025-07_production_overview.txt",
                               SHARED / "eval" / "seed_gold.csv", SHARED / "eval" / "seed_flags.csv")
    else:
        report = SHARED / "eval" / "dev2" / "reports" / f"{name}.txt"
        gold, flags = SHARED / "eval" / "dev2" / "gold" / f"{name}.csv", SHARED / "eval" / "dev2" / "flags.csv"
    judged = judge(report, flags, gold)
    assert judged.missed_musts == []
    assert [f.message for f in judged.outside] == []


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (seed and its flags) is not next to this checkout")
def test_on_extracted_facts_the_seed_keeps_its_flags() -> None:
    judged = judge(SHARED / "seeds" / "smm_2025-07_production_overview.txt", SHARED / "eval" / "seed_flags.csv")
    assert judged.missed_musts == []
    assert judged.may_raised >= 7
    assert judged.rounding_alarms == []


def test_a_facts_file_with_a_bad_row_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "facts.csv"
    bad.write_text("report_month,product,segment,metric,period,measure,value,unit,qualifier,value_high,line\n"
                   "2025-07,copper_cathode,,production,2025-07,level,lots,mt,exact,,3\n", encoding="utf-8")
    with pytest.raises(FactsFileError, match=r"facts.csv:2: value"):
        read_csv(bad)


def _report(body: str, month: str = "July", following: str = "August") -> Extraction:
    text = f"SMM Exclusive: Overview of China Metal Production in {month} 2025 and Forecast for {following}\n{body}"
    return extract(parse_report(text.encode(), "report.txt"))


def _text_rules(body: str) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(f.rule, f.severity, f.lines) for f in check_report(_report(body), "c" * 64).findings
            if f.severity != "info"]


def test_a_change_without_a_basis_is_unlabelled() -> None:
    body = "Silicon Metal\nSilicon metal production in July 2025 increased by 3.2% YoY but decreased by 30.6%.\n"
    assert ("unlabelled_change", "warning", (3,)) in _text_rules(body)


def test_a_context_figure_changing_without_a_basis_is_unlabelled_too() -> None:
    body = "Refined Tin\nThe circulation of secondary materials in the market decreased by over 30%.\n"
    assert ("unlabelled_change", "warning", (3,)) in _text_rules(body)


def test_a_heading_not_in_the_catalogue_is_a_finding() -> None:
    body = "Copper Cathode\nOutput rose 3% MoM.\nGallium Metal\nOutput rose 5% MoM.\n"
    rules = [(f.rule, f.lines) for f in check_report(_report(body), "c" * 64).findings]
    assert ("unknown_heading", (4,)) in rules


def test_a_new_vintage_that_changes_a_figure_is_a_restatement() -> None:
    first = facts(fact(value=1_003_400, text="1,003,400 mt"))
    second = facts(fact(value=1_012_700, text="1,012,700 mt", sha256=SHA_B))
    findings = check_facts(second, older_vintages=[first]).findings
    assert [(f.rule, f.severity) for f in findings] == [("restatement", "warning")]
    assert "earlier vintage" in findings[0].message


def test_an_unlabelled_direction_beside_differing_mom_and_yoy_directions_is_a_conflict() -> None:
    body = ("SiMn alloy\nIn July 2025, China's total production of SiMn alloy increased significantly, with a slight "
            "MoM increase and a YoY decline.\n")
    assert ("direction_conflict", "warning", (3,)) in _text_rules(body)
    agreeing = "SiMn alloy\nIn July 2025, SiMn alloy production rose, with a slight MoM increase and a YoY increase.\n"
    assert all(rule != "direction_conflict" for rule, _, _ in _text_rules(agreeing))


def test_words_about_another_product_are_checked_against_that_products_figures() -> None:
    body = ("NPI\nIn July, downstream stainless steel production increased, lifting NPI demand.\n"
            "Stainless Steel\nStainless steel production in July 2025 decreased by 1.21% MoM.\n")
    conflicts = [(f.product, f.lines) for f in check_report(_report(body), "c" * 64).findings
                 if f.rule == "direction_conflict"]
    assert conflicts == [("stainless_steel", (3, 5))]


# --- the arithmetic rules, one table: facts in, the rule that must (or must not) fire out ---------------

def _rules(*rows: dict) -> set[str]:
    return {f.rule for f in check_facts(facts(*rows)).findings if f.severity != "info"}


ARITHMETIC = [
    ("expectation", [fact(value=1_003_400, text="1,003,400 mt"),
                     fact(segment="basis:expected", value=990_000, text="990,000 mt"),
                     fact(segment="basis:vs_expected", value=13_400, text="13,400 mt")], True),
    ("expectation", [fact(value=1_003_400, text="1,003,400 mt"),
                     fact(segment="basis:expected", value=990_000, text="990,000 mt"),
                     fact(segment="basis:vs_expected", value=30_000, text="30,000 mt")], False),
    ("ytd_triplet", [fact(measure="ytd_level", value=7_500_000, text="7.5 million mt"),
                     fact(measure="ytd_yoy_abs", value=500_000, text="500,000 mt"),
                     fact(measure="ytd_yoy_pct", value=7.14, unit="%", text="7.14%")], True),
    ("ytd_triplet", [fact(measure="ytd_level", value=7_500_000, text="7.5 million mt"),
                     fact(measure="ytd_yoy_abs", value=500_000, text="500,000 mt"),
                     fact(measure="ytd_yoy_pct", value=9.5, unit="%", text="9.5%")], False),
    ("operating_rate", [fact(metric="operating_rate", value=81.6, unit="%", text="81.6%"),
                        fact(metric="operating_capacity", value=90_020_000, unit="mt/year", text="90.02 million mt"),
                        fact(metric="capacity", value=110_320_000, unit="mt/year", text="110.32 million mt")], True),
    ("operating_rate", [fact(metric="operating_rate", value=85.0, unit="%", text="85.0%"),
                        fact(metric="operating_capacity", value=90_020_000, unit="mt/year", text="90.02 million mt"),
                        fact(metric="capacity", value=110_320_000, unit="mt/year", text="110.32 million mt")], False),
    ("daily_average", [fact(value=3_720_000, text="3.72 million mt"),
                       fact(segment="item:daily_output", value=120_000, text="120,000 mt")], True),
    ("daily_average", [fact(value=3_720_000, text="3.72 million mt"),
                       fact(segment="item:daily_output", value=125_000, text="125,000 mt")], False),
    ("parts_add_up", [fact(metric="share", segment="region:guangxi", value=39, unit="%", text="39%"),
                      fact(metric="share", segment="region:ningxia", value=27, unit="%", text="27%"),
                      fact(metric="share", segment="region:other_regions", value=34, unit="%", text="34%")], True),
    ("parts_add_up", [fact(metric="share", segment="region:guangxi", value=39, unit="%", text="39%"),
                      fact(metric="share", segment="region:ningxia", value=27, unit="%", text="27%"),
                      fact(metric="share", segment="region:other_regions", value=39, unit="%", text="39%")], False),
    ("parts_add_up", [fact(measure="mom_abs", value=-25_000, text="25,000 mt"),
                      fact(segment="region:yunnan", measure="mom_abs", value=-24_000, text="24,000 mt"),
                      fact(segment="region:other_regions", measure="mom_abs", value=-1_000, text="1,000 mt")], True),
    ("parts_add_up", [fact(measure="mom_abs", value=-19_500, text="19,500 mt"),
                      fact(segment="region:yunnan", measure="mom_abs", value=-24_000, text="24,000 mt"),
                      fact(segment="region:other_regions", measure="mom_abs", value=-1_000, text="1,000 mt")], False),
]


@pytest.mark.parametrize(("rule", "rows", "consistent"), ARITHMETIC,
                         ids=[f"{r}-{'ok' if ok else 'contradiction'}" for r, _, ok in ARITHMETIC])
def test_arithmetic_rules(rule: str, rows: list[dict], consistent: bool) -> None:
    raised = _rules(*rows)
    finding = "parts_vs_whole" if rule == "parts_add_up" else rule
    assert (finding not in raised) == consistent, raised


def test_a_direction_against_its_own_figure_in_one_sentence_is_a_conflict() -> None:
    body = ("Refined Zinc\nRefined zinc output slipped on the month to 506,800 mt in July, a 2.1% advance on "
            "June's 496,200 mt.\n")
    assert ("direction_conflict", "warning", (3,)) in _text_rules(body)
    agreeing = ("Refined Zinc\nRefined zinc output rose on the month to 506,800 mt in July, a 2.1% advance on "
                "June's 496,200 mt.\n")
    assert all(rule != "direction_conflict" for rule, _, _ in _text_rules(agreeing))


def test_the_readme_table_is_the_rulebook() -> None:
    """The rules are declared once: the README shows the rulebook's own table."""
    assert consistency.rules_table() in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_an_asset_check_and_has_its_explanation_in_the_brief() -> None:
    from smm_pipeline import brief
    from smm_pipeline.defs.checks import consistency_checks

    names = {rule.name for rule in consistency.RULEBOOK}
    checks = {key.name for key in consistency_checks.check_keys}
    assert checks == names
    assert set(brief.rule_explanations()) == names and all(brief.rule_explanations().values())


@pytest.mark.parametrize(("body", "rule"), [
    ("Gallium Ingot\nGallium output rose 5% MoM in July.\n", "no_sections"),
    ("Copper Cathode\nOutput rose 5% MoM in July.\nGallium Ingot\nGallium output rose 5% MoM.\n", "unknown_heading"),
])
def test_check_on_a_report_without_known_products_names_the_finding(tmp_path: Path, body: str, rule: str) -> None:
    report = tmp_path / "report.txt"
    report.write_text("Overview of China Metal Production in July 2025 and Forecast for August\n" + body,
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "smm_pipeline.cli", "check", str(report)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert rule in done.stdout


@pytest.mark.parametrize(("sentence", "conflict"), [
    ("Copper cathode output ended three months of growth in July, rising 1.2% MoM.", True),
    ("Copper cathode output extended its growth in July, rising 1.2% MoM.", False),
    ("Copper cathode output posted a second straight monthly fall in July, rising 1.2% MoM.", True),
    ("Copper cathode output posted a second straight monthly fall in July, down 1.2% MoM.", False),
])
def test_turning_points_and_streaks_against_the_figures(sentence: str, conflict: bool) -> None:
    rules = [rule for rule, _, _ in _text_rules(f"Copper Cathode\n{sentence}\n")]
    assert ("direction_conflict" in rules) == conflict, rules


def test_a_total_falling_while_every_part_rose_is_a_conflict() -> None:
    body = ("Copper Cathode\nCopper cathode output fell in July. Output of large smelters rose 2.1% MoM, medium-sized "
            "smelters 1.4% MoM and small smelters 0.8% MoM.\n")
    assert any(rule == "direction_conflict" for rule, _, _ in _text_rules(body))
    agreeing = body.replace("output fell", "output rose")
    assert all(rule != "direction_conflict" for rule, _, _ in _text_rules(agreeing))


def test_a_report_cut_off_mid_sentence_is_a_warning_not_a_silent_green() -> None:
    assert ("truncated", "warning", (3,)) in _text_rules("Copper Cathode\nOutput rose 3.47% MoM in July to 1,17")
    assert all(rule != "truncated" for rule, _, _ in _text_rules("Copper Cathode\nOutput rose 3.47% MoM in July.\n"))


def test_far_fewer_products_than_last_month_is_a_warning() -> None:
    previous = facts(*(fact(product=p, report_month="2025-06", period="2025-06", value=1000, text="1,000")
                       for p in ("copper_cathode", "primary_aluminum", "alumina", "primary_lead", "refined_zinc",
                                 "refined_tin", "refined_nickel", "npi")))
    extraction = _report("Copper Cathode\nOutput rose 3.47% MoM in July.\n")
    rules = {f.rule for f in check_report(extraction, "c" * 64, previous).findings}
    assert "fewer_sections" in rules


def test_the_previous_months_a_run_reads_from_the_warehouse_and_those_it_lacks() -> None:
    from smm_pipeline import tables

    months = ["2025-03", "2025-04", "2025-06"]
    assert tables.previous_months_outside(months) == ["2025-02", "2025-05"]
    earlier = pd.DataFrame({"report_month": ["2025-05"]})
    assert tables.months_without_previous(months, earlier) == ["2025-03"]
    assert tables.months_without_previous(months, None) == ["2025-03", "2025-06"]


def test_findings_of_one_rule_on_the_same_lines_are_one_entry_that_keeps_every_message() -> None:
    text = ("SMM Exclusive: Overview of China Metal Production in July 2025 and Forecast for August\nCopper Cathode\n"
            "In July, the operating rate of copper smelters was 80%, up 2% MoM and up 3% YoY.\n")
    extraction = extract(parse_report(text.encode(), "t.txt"))
    (finding,) = [f for f in check_report(extraction, extraction.report.sha256).findings if f.rule == "unit_misuse"]
    assert finding.lines == (3,) and "+2%" in finding.message and "+3%" in finding.message
    assert {f.measure for f in finding.facts} == {"mom_pct", "yoy_pct"}
