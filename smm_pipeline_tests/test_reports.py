"""Reading a report file: every kind of bad input is a ReportError naming the file (and line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smm_pipeline.reports import ReportError, decode, find_title, parse_report, read_report

TITLE = "SMM Exclusive: Overview of China Metal Production in July 2025 and Forecast for August"
BODY = f"Intro line.\n{TITLE}\nCopper Cathode\nOutput rose 3.47% MoM.\n"


def test_a_good_report_reads_its_months_and_title_line() -> None:
    report = parse_report(BODY.encode(), "july.txt")
    assert (report.report_month, report.forecast_month, report.title_line) == ("2025-07", "2025-08", 2)
    assert report.size == len(BODY.encode()) and len(report.sha256) == 64 and not report.converted_from_html


def test_crlf_and_bom_are_normalised() -> None:
    report = parse_report(b"\xef\xbb\xbf" + BODY.replace("\n", "\r\n").encode(), "bom.txt")
    assert "\r" not in report.text and report.text.startswith("Intro")


def test_utf16_with_a_byte_order_mark_is_decoded() -> None:
    assert parse_report(BODY.encode("utf-16"), "wide.txt").report_month == "2025-07"


def test_utf16_without_a_byte_order_mark_is_a_binary_file_error() -> None:
    with pytest.raises(ReportError, match="binary file"):
        parse_report(BODY.encode("utf-16-le"), "wide.txt")


def test_december_forecasts_january_of_the_next_year() -> None:
    text = "SMM Exclusive: Overview of China Metal Production in December 2024 and Forecast for January\n"
    assert parse_report(text.encode(), "dec.txt").forecast_month == "2025-01"


def test_html_pasted_from_the_website_is_converted() -> None:
    page = (f"<html><head><script>var x = 1;</script></head><body><h1>{TITLE}</h1>"
            "<h2>Copper Cathode</h2><p>Output rose 3.47% MoM.</p></body></html>")
    report = parse_report(page.encode(), "page.html")
    assert report.converted_from_html and report.report_month == "2025-07"
    assert report.lines == [TITLE, "Copper Cathode", "Output rose 3.47% MoM."]


@pytest.mark.parametrize(("data", "words", "line"), [
    (b"", "empty file", None),
    (b"  \n\t\n", "empty file", None),
    (b"%PDF-1.7\n...", "PDF", None),
    (b"abc\ndef\x00\x01\x02", "binary", 2),
    (("Intro\n" + TITLE + "\ncaf\u00e9 output").encode("latin-1"), "not UTF-8", 3),
    (b"Intro\nOutput rose 3% in July.\n", "no title line", None),
    (TITLE.replace("August", "October").encode(), "forecast month", 1),
    (bytes(range(1, 32)) * 40, "binary", None),
])
def test_bad_input_is_a_report_error_naming_the_file(data: bytes, words: str, line: int | None) -> None:
    with pytest.raises(ReportError) as caught:
        parse_report(data, "bad.txt")
    error = caught.value
    assert words in error.message and error.source == "bad.txt" and error.line == line
    assert str(error).startswith("bad.txt:" if line is None else f"bad.txt:{line}:")


def test_a_missing_file_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read"):
        read_report(tmp_path / "absent.txt")


def test_read_report_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "smm_2025-07.txt"
    path.write_text(BODY, encoding="utf-8")
    assert read_report(path).source == "smm_2025-07.txt"


def test_decode_and_find_title_are_usable_alone() -> None:
    assert decode(b"a\r\nb", "x") == "a\nb"
    assert find_title(f"x\n{TITLE}", "x") == ("2025-07", "2025-08", 2)
