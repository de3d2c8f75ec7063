"""The brief in a real browser (Debian's headless Chromium): the table, a number's way to its sentence,
sorting, a hostile report dropped into the drop folder, and the render time of a 54-product month.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from smm_pipeline import brief
from smm_pipeline_tests.benchmarks import SEED
from smm_pipeline_tests.brief_support import (
    ARTIFACTS,
    SVG_HEADING,
    Materialised,
    chromium,
    chromium_missing,
    generated_inputs,
    hostile_report,
    inputs_from_reports,
    render_figures,
    sample_warehouse,
)
from smm_pipeline_tests.drop_harness import DropHarness

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Materialised:
    return sample_warehouse(tmp_path_factory)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    tab = browser.new_page(viewport={"width": 1300, "height": 900})
    yield tab
    tab.close()


def _open(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri(), wait_until="load")


def _row_products(page: Any) -> list[str]:
    return page.eval_on_selector_all("#headline tr.p", "rows => rows.map(r => r.id)")


def test_the_table_lists_every_product_and_a_number_leads_to_its_sentence(samples: Materialised, page: Any) -> None:
    import duckdb

    with duckdb.connect(str(samples.paths.warehouse), read_only=True) as con:
        products = {row[0] for row in con.execute(
            "select distinct product from metric_facts where report_month = '2025-03'").fetchall()}
    _open(page, samples.brief("2025-03"))
    shown = {page.eval_on_selector(f"#{anchor} th", "th => th.dataset.v") for anchor in _row_products(page)}
    assert {brief.display_name(p, "").split(" · ")[0] for p in products} <= {s.split(" · ")[0] for s in shown}
    assert page.locator("#headline tr.p").count() == len(products)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "brief-2025-03.png"), full_page=True)

    link = page.locator("#p-copper-cathode td >> a.n").first
    number, written = link.inner_text(), link.get_attribute("data-text")
    assert number == "1,128,000"
    link.click()
    target = page.locator(":target")
    assert target.inner_text() == written
    sentence = target.evaluate("mark => mark.closest('p.ev').textContent")
    assert written in sentence and "copper cathode output rose to 1,128,000 mt" in sentence
    assert target.evaluate("mark => { const r = mark.getBoundingClientRect(); "
                           "return r.top >= 0 && r.bottom <= window.innerHeight; }")
    page.screenshot(path=str(ARTIFACTS / "brief-2025-03-evidence.png"))


def test_sorting_by_a_column_orders_rows_within_groups_or_across_them(samples: Materialised, page: Any) -> None:
    _open(page, samples.brief("2025-03"))
    page.locator("#headline thead button", has_text="MoM %").click()
    values = page.eval_on_selector_all(
        "#headline tbody.group", "bodies => bodies.map(b => [...b.querySelectorAll('tr.p')]"
        ".map(r => r.cells[2].dataset.v).filter(v => v !== '').map(Number))")
    assert all(group == sorted(group, reverse=True) for group in values)
    page.locator("#keep-groups").uncheck()
    flat = page.eval_on_selector_all("#headline tbody.flat tr.p", "rows => rows.map(r => r.cells[2].dataset.v)")
    numbers = [float(v) for v in flat if v]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] == pytest.approx(26.35)
    assert len(flat) == sum(len(g) for g in values) + flat.count("")
    assert page.locator("#headline tbody.group").first.is_hidden()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DropHarness, list[dg.ExecuteInProcessResult]]]:
    """A report with <script> and <img onerror> in its sentences, through the drop folder and report_job."""
    with dg.instance_for_test() as instance:
        harness = DropHarness(tmp_path_factory.mktemp("hostile") / "data", instance, as_of="2025-02-06")
        runs = harness.deliver("smm_2025-01_production_overview.txt", hostile_report())
        yield harness, runs


def test_a_hostile_report_renders_as_inert_text(hostile: tuple[DropHarness, list], page: Any) -> None:
    harness, runs = hostile
    assert len(runs) == 1 and runs[0].success
    page_path = harness.paths.briefs / "2025-01.html"
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open(page, page_path)
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None and dialogs == []
    assert page.locator("#evidence img, #evidence script, #findings img").count() == 0
    evidence = page.locator("#evidence").inner_text()
    assert "<script>window.__pwned = 'script'</script>" in evidence
    assert "<img src=x onerror=\"window.__pwned = 'img'\">" in evidence
    assert SVG_HEADING.split("=")[0] in page.locator("#findings").inner_text()  # "Mystery <svg onload"
    assert page.locator("#findings svg").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#evidence").screenshot(path=str(ARTIFACTS / "brief-hostile-evidence.png"))


def test_a_hostile_report_stays_text_in_the_ui_metadata(hostile: tuple[DropHarness, list]) -> None:
    _, runs = hostile
    texts = []
    for event in runs[0].all_events:
        data = getattr(event.event_specific_data, "materialization", None) or getattr(
            event.event_specific_data, "asset_check_evaluation", None)
        for value in (getattr(data, "metadata", None) or {}).values():
            if isinstance(value, dg.MarkdownMetadataValue | dg.TextMetadataValue):
                texts.append(value.value)
    assert any("pwned" in t for t in texts)  # the hostile sentences do reach the metadata...
    assert not any("<script" in t or "<img" in t for t in texts)  # ...as escaped text only


def test_a_54_product_month_renders_in_under_a_second(browser: Any, tmp_path: Path) -> None:
    inputs = inputs_from_reports([SEED], "2025-07") if SEED.exists() else generated_inputs()
    page_path = brief.write(brief.build(inputs), tmp_path)
    figures = render_figures(browser, page_path, runs=5, warmup=1)
    assert statistics.median(figures.load_event_ms) < 1000, figures.line()
    assert statistics.median(figures.first_paint_ms) < 1000, figures.line()
    assert page_path.stat().st_size < 2 * 1024 * 1024
