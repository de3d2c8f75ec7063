"""What the brief's tests and benchmark share: its inputs built without Dagster, a generated 54-product
month, a sample warehouse materialised once per process, a hostile report, and headless Chromium.

Chromium is Debian's package (`apt-get install -y chromium`, done by .ci/run), driven by Playwright's
Python client; a browser Playwright downloads is never used.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from smm_pipeline import catalogue, consistency, indicators, panel, tables
from smm_pipeline.archive import Archive
from smm_pipeline.brief import BriefInputs, BriefTables
from smm_pipeline.defs import assets
from smm_pipeline.defs.brief import monthly_brief
from smm_pipeline.defs.partitions import report_months
from smm_pipeline.defs.resources import pipeline_resources
from smm_pipeline.periods import shift_month
from smm_pipeline.settings import PROJECT_ROOT, Paths
from smm_pipeline_tests.corpus import SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PER_MONTH = [assets.raw_reports, assets.report_sections, assets.metric_facts, assets.data_quality_findings]

SCRIPT_SENTENCE = ("According to SMM's survey, China's copper cathode output stood at 1,117,400 mt in January 2025",
                   "According to <script>window.__pwned = 'script'</script> SMM's survey, China's copper cathode "
                   "output stood at 1,117,400 mt in January 2025")
IMG_SENTENCE = ("China's primary aluminum output in January 2025 (31 days) reached 3.72 million mt",
                "China's primary aluminum output in January 2025 (31 days) <img src=x onerror=\"window.__pwned = "
                "'img'\"> reached 3.72 million mt")

SVG_HEADING = "Mystery <svg onload=\"window.__pwned = 'svg'\">"
"""An unknown heading: it reaches report_sections, a finding's message and the UI metadata."""


def inputs_from_reports(paths: Sequence[Path], month: str) -> BriefInputs:
    """The brief's inputs for `month`, built from report files with the functions the assets call."""
    with tempfile.TemporaryDirectory(prefix="smm-brief-inputs-") as folder:
        archive = Archive(Path(folder) / "archive")
        for path in paths:
            archive.add_file(path)
        facts, findings, previous, reader = [], [], None, tables.VintageReader()
        for report_month in archive.months():
            raw = tables.raw_report_rows(archive, [report_month])
            month_facts = tables.fact_rows(raw, reader)
            findings.append(tables.finding_rows(raw, month_facts, previous, reader))
            facts.append(month_facts)
            previous = month_facts
    all_facts = pd.concat(facts, ignore_index=True)
    all_findings = pd.concat(findings, ignore_index=True)
    built = panel.build_panel(all_facts)
    return BriefInputs(month=month, panel=built, indicators=indicators.build_indicators(built),
                       findings=all_findings[all_findings["report_month"] == month],
                       facts=all_facts[all_facts["report_month"].isin([shift_month(month, -1), month])])


def _generated_facts(month: str, index: int, product: catalogue.Product, sha256: str) -> list[dict[str, Any]]:
    """One product's month: a sentence with the level, MoM in tonnes and %, and YoY %, and one with a
    forecast for next month; figures vary by product and month, the changes roughly consistent."""
    number = int(month[5:])
    level = round(1000.0 * (20 + (index * 37) % 900) * (1 + 0.02 * ((number + index) % 5 - 2)), -2)
    pct = round(((index * 7 + number * 3) % 21 - 10) / 2, 2)
    change = round(level - level / (1 + pct / 100), -2)
    yoy, ahead = round(((index + number) % 9 - 4) * 1.7, 2), round(((index * 3 + number) % 11 - 5) * 0.8, 2)
    unit = product.unit if product.unit in {"mt", "GW"} else "mt"
    sentences = [
        (month, [("", f"China's {product.heading} output reached "), ("level", f"{level:,.0f} {unit}"),
                 ("", f" in {month}, a change of "), ("mom_abs", f"{change:,.0f} {unit}"), ("", " or "),
                 ("mom_pct", f"{pct:.2f}%"), ("", " MoM and "), ("yoy_pct", f"{yoy:.2f}%"), ("", " YoY.")]),
        (shift_month(month, 1), [("", "Output is expected to change by "), ("mom_pct", f"{ahead:.2f}%"),
                                 ("", " MoM next month.")]),
    ]
    values = {"level": level, "mom_abs": change, "mom_pct": pct, "yoy_pct": yoy}
    rows = []
    for line, (period, pieces) in enumerate(sentences, start=3 * index + 4):
        evidence = "".join(text for _, text in pieces)
        offset = 200 * line
        for measure, text in pieces:
            if measure:
                rows.append({
                    "report_month": month, "product": product.product, "segment": "", "metric": "production",
                    "period": period, "measure": measure, "value": float(values[measure] if period == month else ahead),
                    "unit": "%" if measure.endswith("_pct") else unit, "qualifier": "exact", "value_high": None,
                    "tier": 1, "section": index + 1, "line": line, "char_start": offset, "char_end": offset + len(text),
                    "value_text": text, "evidence": evidence, "statement": 1, "frame": "generated",
                    "sha256": sha256,
                    "file_name": f"smm_{month}_generated.txt", "received_at": pd.Timestamp(f"{month}-28", tz="UTC")})
            offset += len(text)
    return rows


def _generated_frame(months: int, last: str) -> pd.DataFrame:
    """The facts of every catalogue product (54) over `months` months to `last`."""
    rows = []
    for step in range(months):
        month = shift_month(last, step - months + 1)
        sha256 = f"{step:064x}"
        for index, product in enumerate(catalogue.products()):
            rows += _generated_facts(month, index, product, sha256)
    return pd.DataFrame(rows).astype({"value": "float64", "value_high": "float64",
                                      "received_at": "datetime64[us, UTC]"})


def generated_inputs(months: int = 24, last: str = "2025-07") -> BriefInputs:
    """Every catalogue product (54) over `months` months: a worst case for the brief's size and render time
    that needs no seed report."""
    facts = _generated_frame(months, last)
    built = panel.build_panel(facts)
    latest = facts[facts["report_month"] == last]
    previous = facts[facts["report_month"] == shift_month(last, -1)]
    findings = consistency.findings_frame(consistency.check_facts(latest, previous).findings)
    return BriefInputs(month=last, panel=built, indicators=indicators.build_indicators(built), findings=findings,
                       facts=pd.concat([previous, latest], ignore_index=True))


def generated_tables(months: int, last: str = "2025-07") -> BriefTables:
    """What the pages of `months` generated months read, as the warehouse would give it."""
    facts = _generated_frame(months, last)
    built = panel.build_panel(facts)
    by_month = dict(tuple(facts.groupby("report_month")))
    findings = consistency.findings_frame([
        finding for month, frame in by_month.items()
        for finding in consistency.check_facts(frame, by_month.get(shift_month(month, -1))).findings])
    return BriefTables.of(list(by_month), built, indicators.build_indicators(built), findings, facts)


@dataclass(frozen=True)
class Materialised:
    """A warehouse built by Dagster from some reports, with the brief of every month."""

    paths: Paths
    months: list[str]
    results: list[dg.ExecuteInProcessResult]

    def brief(self, month: str) -> Path:
        """The page the monthly_brief asset wrote for `month`."""
        return self.paths.briefs / f"{month}.html"


def materialise(data_dir: Path, reports: Sequence[Path]) -> Materialised:
    """Archive the reports and materialise, in-process, the per-month assets, the panel and indicators,
    then every month's brief (the dbt marts are not needed by the brief)."""
    where = Paths(data_dir=data_dir, warehouse=data_dir / "warehouse.duckdb")
    archive = Archive(where.archive)
    for report in reports:
        archive.add_file(report)
    months = archive.months()
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(report_months.name, months)
    resources = pipeline_resources(data_dir, where.warehouse)
    everything = [*assets.core_assets, monthly_brief]
    results = [dg.materialize(everything, selection=PER_MONTH, partition_key=m, instance=instance,
                              resources=resources) for m in months]
    all_months = [assets.monthly_panel, assets.derived_indicators]
    results.append(dg.materialize(everything, selection=all_months, instance=instance, resources=resources))
    results += [dg.materialize(everything, selection=[monthly_brief], partition_key=m, instance=instance,
                               resources=resources) for m in months]
    return Materialised(where, months, results)


_BUILT: dict[Path, Materialised] = {}


def sample_warehouse(folders: pytest.TempPathFactory) -> Materialised:
    """The three samples materialised once per test session, whichever module asks first."""
    session = folders.getbasetemp()
    if session not in _BUILT:
        _BUILT[session] = materialise(folders.mktemp("brief-samples") / "data", SAMPLES)
    return _BUILT[session]


def hostile_report() -> bytes:
    """The January sample with a <script> and an <img onerror> inside sentences that state numbers, and an
    <svg onload> section heading before its cobalt section."""
    text = SAMPLES[0].read_text(encoding="utf-8")
    cobalt = ("\nCobalt sulphate\n", f"\n{SVG_HEADING}\nNothing to extract here.\nCobalt sulphate\n")
    for plain, hostile in (SCRIPT_SENTENCE, IMG_SENTENCE, cobalt):
        assert plain in text, f"the January sample no longer says {plain!r}"
        text = text.replace(plain, hostile)
    return text.encode("utf-8")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class RenderFigures:
    """How long a page takes to show in the browser (ms), over several fresh loads."""

    load_event_ms: list[float]
    first_paint_ms: list[float]
    wall_ms: list[float]

    def line(self) -> str:
        """One line for the benchmark output."""
        def stat(values: list[float]) -> str:
            return f"median {statistics.median(values):.0f} ms, max {max(values):.0f} ms"
        return (f"load event {stat(self.load_event_ms)}; first contentful paint {stat(self.first_paint_ms)}; "
                f"goto() wall {stat(self.wall_ms)}")


def render_figures(browser: Any, page_path: Path, runs: int = 10, warmup: int = 2) -> RenderFigures:
    """Open the page in a fresh tab `warmup + runs` times; keep the navigation timings of the last `runs`."""
    loads, paints, walls = [], [], []
    for attempt in range(warmup + runs):
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        started = time.perf_counter()
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        wall = (time.perf_counter() - started) * 1000
        timing = page.evaluate("""async () => {
            await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
            const nav = performance.getEntriesByType('navigation')[0];
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return [nav.loadEventEnd, paint ? paint.startTime : nav.loadEventEnd];
        }""")
        page.close()
        if attempt >= warmup:
            loads.append(float(timing[0]))
            paints.append(float(timing[1]))
            walls.append(wall)
    return RenderFigures(loads, paints, walls)
