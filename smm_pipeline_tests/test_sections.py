"""Product sections: known headings, loose spellings, unknown headings reported, not dropped."""

from __future__ import annotations

from smm_pipeline.catalogue import get, heading_key, match_heading, products
from smm_pipeline.reports import parse_report
from smm_pipeline.sections import looks_like_heading, split_sections

TITLE = "SMM Exclusive: Overview of China Metal Production in July 2025 and Forecast for August\n"


def split(body: str):
    return split_sections(parse_report((TITLE + body).encode(), "t.txt"))


def test_headings_start_sections_with_their_lines() -> None:
    sections, findings = split("Copper Cathode\nOutput rose 2%.\n\nAluminium\nOutput fell 1%.\n")
    assert [(s.product, s.heading_line, [line.number for line in s.lines]) for s in sections] == [
        ("copper_cathode", 2, [3]), ("primary_aluminum", 5, [6])]
    assert findings == []


def test_a_section_body_is_its_text_and_offsets_index_the_report() -> None:
    report = parse_report((TITLE + "Copper Cathode\nOutput rose 2%.\nIt was high.\n").encode(), "t.txt")
    (section,), _ = split_sections(report)
    assert section.body == "Output rose 2%.\nIt was high."
    assert all(report.text[line.offset:line.offset + len(line.text)] == line.text for line in section.lines)


def test_an_unknown_heading_is_a_finding_with_its_line_and_keeps_its_text_apart() -> None:
    sections, findings = split("Copper Cathode\nOutput rose 2%.\nGallium Ingot\nGallium output rose 5%.\n")
    assert [s.product for s in sections] == ["copper_cathode", None]
    (finding,) = findings
    assert (finding.line, finding.rule, finding.severity) == (4, "unknown_heading", "warning")
    assert "Gallium Ingot" in finding.message and str(finding).startswith("t.txt:4: warning:")
    assert sections[0].body == "Output rose 2%."


def test_a_report_without_any_known_heading_is_an_error_finding() -> None:
    sections, findings = split("Some Heading\nOutput rose 2%.\n")
    assert sections == [] and [(f.rule, f.severity, f.line) for f in findings] == [("no_sections", "error", 1)]
    assert "'Some Heading'" in findings[0].message


def test_the_methodology_note_ends_the_last_section() -> None:
    sections, _ = split("Copper Cathode\nOutput rose 2%.\n*Survey Methodology\nWe survey 300 smelters.\n")
    assert sections[-1].body == "Output rose 2%."


def test_sentences_and_numbers_do_not_look_like_headings() -> None:
    assert looks_like_heading("Copper Cathode") and looks_like_heading("NdFeB")
    assert not looks_like_heading("Output rose 2%.") and not looks_like_heading("Capacity: 45,000 mt")
    assert not looks_like_heading("")


def test_catalogue_headings_match_their_own_products_in_any_spelling() -> None:
    for product in products():
        assert match_heading(product.heading) == product
        assert match_heading(product.heading.upper() + "  ") == product
    assert heading_key("Nickel Sulfate") == heading_key("nickel sulphate")
    assert match_heading("Primary Aluminium") == get("primary_aluminum")
