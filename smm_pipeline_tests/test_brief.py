"""The monthly brief page, without a browser: what it lists, where its links lead, what it escapes, what it
weighs; the asset's metadata and the `brief` command."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import pytest

from smm_pipeline import brief, cli, consistency, warehouse
from smm_pipeline.brief import Brief, BriefInputs
from smm_pipeline.citations import align
from smm_pipeline_tests.benchmarks import SEED
from smm_pipeline_tests.brief_support import (
    SAMPLES,
    Materialised,
    generated_inputs,
    generated_tables,
    hostile_report,
    inputs_from_reports,
    sample_warehouse,
)

MAX_BYTES = 2 * 1024 * 1024


class Page(HTMLParser):
    """The parts of a brief the tests look at: element ids, number links, table rows, evidence sentences."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[dict[str, str]] = []
        self.rows: dict[str, str] = {}
        self.marks: dict[str, str] = {}
        self.sentence_of_mark: dict[str, str] = {}
        self.sentences: dict[str, str] = {}
        self.urls: list[str] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        self.urls += [attributes[k] for k in ("href", "src") if k in attributes]
        if tag in {"a", "mark", "p", "th"}:
            self._open.append((tag, attributes, []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            return
        _, attributes, pieces = self._open.pop()
        text = "".join(pieces)
        if tag == "a" and "n" in attributes.get("class", "").split():
            self.links.append({**attributes, "text": text})
        elif tag == "mark":
            self.marks[attributes["id"]] = text
            sentence = next((a["id"] for t, a, _ in reversed(self._open) if t == "p" and "id" in a), "")
            self.sentence_of_mark[attributes["id"]] = sentence
        elif tag == "p" and attributes.get("class") == "ev":
            self.sentences[attributes["id"]] = text

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"a", "mark", "p", "th"}:
            self._open.pop()


@pytest.fixture(scope="module")
def march() -> tuple[BriefInputs, Brief, Page]:
    inputs = inputs_from_reports(SAMPLES, "2025-03")
    page = brief.build(inputs)
    return inputs, page, Page(page.html)


def test_every_product_of_the_month_has_a_row(march: tuple[BriefInputs, Brief, Page]) -> None:
    inputs, page, parsed = march
    reported = set(inputs.facts.loc[inputs.facts["report_month"] == "2025-03", "product"])
    rows = {i for i in parsed.ids if i.startswith("p-")}
    assert {brief.row_anchor(p, "") for p in reported} - rows <= {
        brief.row_anchor(p, "") for p in ("npi", "nickel_sulphate")}  # reported as metal content only
    assert brief.row_anchor("npi", "content:metal") in rows
    assert page.products == len(reported) == 18


def test_every_number_link_lands_on_that_number_in_its_sentence(march: tuple[BriefInputs, Brief, Page]) -> None:
    _, page, parsed = march
    assert len(parsed.links) > 80
    for link in parsed.links:
        target = link["href"].removeprefix("#")
        assert parsed.marks[target] == link["data-text"]
        assert link["data-text"] in parsed.sentences[parsed.sentence_of_mark[target]]
    assert page.sentences == len(parsed.sentences)


def test_copper_row_shows_the_reports_figures_and_the_miss(march: tuple[BriefInputs, Brief, Page]) -> None:
    _, page, parsed = march
    stated = next(link for link in parsed.links if link["data-text"] == "1,128,000 mt")
    forecast = next(link for link in parsed.links if link["text"] == "1,120,700")
    assert stated["text"] == "1,128,000" and "smm_2025-03" in stated["title"]
    assert "copper cathode output rose to 1,128,000 mt in March" in parsed.sentences[
        parsed.sentence_of_mark[stated["href"][1:]]]
    assert forecast["data-text"] == "1.1207 million mt" and "smm_2025-02" in forecast["title"]  # February's
    miss = (1_128_000 / 1_120_700 - 1) * 100
    assert f'title="forecast error: (actual level - forecast level) / forecast level">+{miss:.2f}%' in page.html


def test_align_finds_the_occurrence_the_extraction_read() -> None:
    sentence = "Output rose 5% MoM and 5% YoY to 5,000 mt."
    assert align(sentence, [(1023, "5%"), (1012, "5%"), (1033, "5,000 mt")]) == {1012: 12, 1023: 23, 1033: 33}
    assert align(sentence, [(1023, "5%"), (1033, "5,000 mt")]) == {1023: 23, 1033: 33}  # the YoY 5%, not the MoM
    assert align("Output rose 5% MoM.", [(7, "5%"), (40, "MoM")]) == {7: 12, 40: 15}  # no single offset fits


def test_findings_explain_their_rule_in_the_words_of_the_rulebook(march: tuple[BriefInputs, Brief, Page]) -> None:
    _, page, parsed = march
    explanation = brief.rule_explanations()["level_estimates"]
    assert explanation == consistency.RULES["level_estimates"].explanation
    assert "Every way the report pins down one month&#x27;s level" in page.html
    flag = page.html.split('class="flag error" href="#')[1].split('"')[0]
    assert flag in parsed.ids and page.findings["error"] == 2


@pytest.mark.parametrize("reports, month", [
    (SAMPLES, "2025-01"), (SAMPLES, "2025-03"),
    pytest.param([SEED], "2025-07", marks=pytest.mark.skipif(not SEED.exists(), reason=f"no seed report {SEED}"))])
def test_every_link_in_the_page_has_its_target(reports: list[Path], month: str) -> None:
    parsed = Page(brief.build(inputs_from_reports(reports, month)).html)
    anchors = {url[1:] for url in parsed.urls if url.startswith("#")}
    assert anchors and anchors <= parsed.ids


def test_the_page_needs_no_network(march: tuple[BriefInputs, Brief, Page]) -> None:
    _, page, parsed = march
    assert all(url.startswith(("#", "../archive/originals/")) for url in parsed.urls)
    assert "<link" not in page.html and "@import" not in page.html and "url(" not in page.html
    assert "default-src 'none'" in page.html and "script-src 'sha256-" in page.html


def test_report_text_is_shown_as_text_never_as_markup(tmp_path: Path) -> None:
    hostile = tmp_path / "smm_2025-01_production_overview.txt"
    hostile.write_bytes(hostile_report())
    page = brief.build(inputs_from_reports([hostile], "2025-01")).html
    assert "&lt;script&gt;window.__pwned = &#x27;script&#x27;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned" in page
    assert "<script>window" not in page and "<img" not in page


def test_a_54_product_month_over_two_years_weighs_under_2_mb() -> None:
    page = brief.build(generated_inputs(months=24))
    assert page.products == 54
    assert len(page.html.encode("utf-8")) < MAX_BYTES


def test_a_backfills_pages_are_the_same_however_its_months_are_cut_for_the_workers() -> None:
    """A worker gets a run of months with only the rows their pages show, and makes the pages it would
    make from every row."""
    tables = generated_tables(months=27)
    whole = [brief.build(inputs).html for inputs in tables.inputs()]
    for count in (4, 27, 40):
        parts = tables.parts(count)
        assert len(parts) <= count and [month for part in parts for month in part.months] == list(tables.months)
        assert all(part.indicators["month"].nunique() <= len(part.months) + brief.CHART_MONTHS - 1 for part in parts)
        assert [brief.build(inputs).html for part in parts for inputs in part.inputs()] == whole


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed report {SEED} is not next to this checkout")
def test_the_seed_month_weighs_under_2_mb() -> None:
    page = brief.build(inputs_from_reports([SEED], "2025-07"))
    assert page.products == 54
    assert len(page.html.encode("utf-8")) < MAX_BYTES


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Materialised:
    return sample_warehouse(tmp_path_factory)


def test_the_asset_writes_each_months_page_and_links_it(samples: Materialised) -> None:
    assert all(result.success for result in samples.results)
    for month in samples.months:
        events = [e for r in samples.results for e in r.get_asset_materialization_events()
                  if e.asset_key == dg.AssetKey("monthly_brief") and e.partition == month]
        metadata = events[0].materialization.metadata
        assert Path(metadata["path"].value) == samples.brief(month) and samples.brief(month).exists()
        assert metadata["url"].value == samples.brief(month).resolve().as_uri()
        assert metadata["products"].value >= 16
        assert "Biggest rises MoM" in metadata["at_a_glance"].value


def test_a_brief_run_of_several_months_describes_each_months_page_on_its_own_materialisation(
        samples: Materialised) -> None:
    from smm_pipeline.defs import assets
    from smm_pipeline.defs.brief import monthly_brief
    from smm_pipeline.defs.partitions import range_tags, report_months
    from smm_pipeline.defs.resources import pipeline_resources

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(report_months.name, samples.months)
    result = dg.materialize([*assets.core_assets, monthly_brief], selection=[monthly_brief], instance=instance,
                            resources=pipeline_resources(samples.paths.data_dir, samples.paths.warehouse),
                            tags=range_tags(samples.months))
    assert result.success
    single = {e.partition: e.materialization.metadata for r in samples.results
              for e in r.get_asset_materialization_events() if e.asset_key == dg.AssetKey("monthly_brief")}
    for event in result.get_asset_materialization_events():
        metadata, month = event.materialization.metadata, event.partition
        assert Path(metadata["path"].value) == samples.brief(month)
        assert metadata["months_in_run"].value == len(samples.months)
        for key in ("errors", "warnings", "products", "sentences_cited"):
            assert metadata[key].value == single[month][key].value, (month, key)
    assert metadata["errors_in_run"].value == sum(single[m]["errors"].value for m in samples.months)


def test_every_table_materialisation_has_a_row_count_and_a_preview(samples: Materialised) -> None:
    for result in samples.results:
        for event in result.get_asset_materialization_events():
            metadata = event.materialization.metadata
            if event.asset_key != dg.AssetKey("monthly_brief"):
                assert {"dagster/row_count", "preview"} <= set(metadata), event.asset_key
            if event.asset_key == dg.AssetKey("metric_facts"):
                assert "| copper\\_cathode |" in metadata["facts_per_product"].value


def test_cli_brief_builds_the_page_or_says_why_not(samples: Materialised, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SMM_DATA_DIR", str(samples.paths.data_dir))
    monkeypatch.delenv("SMM_WAREHOUSE", raising=False)
    target = samples.brief("2025-02")
    target.unlink()
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert cli.main(["brief", "2025-02", "--open"]) == 0
    assert capsys.readouterr().out.strip() == str(target) and target.exists()
    assert opened == [target.as_uri()]
    assert cli.main(["brief", "2025-09"]) == 2
    error = capsys.readouterr().err
    assert "no report for 2025-09" in error and "months loaded: 2025-01, 2025-02, 2025-03" in error
    assert cli.main(["brief", "March"]) == 2
    assert "write it as YYYY-MM" in capsys.readouterr().err


def test_pages_built_ahead_are_taken_only_for_the_tables_they_were_built_from(samples: Materialised) -> None:
    database = str(samples.paths.warehouse)
    with warehouse.connect(database, read_only=True) as con:
        tables = brief.tables_for(con, samples.months, database)
        ahead, idle, outdated = (brief.PagesAhead(samples.months), brief.PagesAhead(),
                                 brief.PagesAhead(samples.months))
        for pages in (ahead, idle, outdated):
            pages.start(con, database)
    built = [[page.html for page in part] for part in ahead.pages(tables) or []]
    assert built and [html for part in built for html in part] == [
        brief.build(inputs).html for inputs in tables.inputs()]
    assert ahead.pages(tables) is None  # taken once
    assert idle.pages(tables) is None  # no months named: nothing was built ahead
    restated = replace(tables, findings=tables.findings.iloc[1:])
    assert outdated.pages(restated) is None


@pytest.mark.parametrize("changed", ["months", "panel", "indicators", "findings", "facts"])
def test_pages_built_ahead_are_not_taken_when_any_table_changed(samples: Materialised, changed: str) -> None:
    database = str(samples.paths.warehouse)
    with warehouse.connect(database, read_only=True) as con:
        tables = brief.tables_for(con, samples.months, database)
        ahead = brief.PagesAhead(samples.months)
        ahead.start(con, database)
    assert len(getattr(tables, changed)) > 1
    assert ahead.pages(replace(tables, **{changed: getattr(tables, changed)[1:]})) is None


def test_a_month_with_no_figure_read_is_said_so_however_the_months_are_cut() -> None:
    tables = generated_tables(months=4)
    first = tables.months[0]
    bare = replace(tables, facts=tables.facts[tables.facts["report_month"] != first])
    for count in (1, 2, 4):
        with pytest.raises(brief.BriefError, match=f"no figure of {first} was read"):
            [brief.build(inputs) for part in bare.parts(count) for inputs in part.inputs()]
