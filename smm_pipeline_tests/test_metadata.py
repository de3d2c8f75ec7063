"""UI metadata: report text shown as written, and each month of a backfill described by its own rows."""

from __future__ import annotations

import html

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline.defs.metadata import (
    MARKDOWN_SPECIALS,
    escape_markdown,
    in_order,
    markdown_table,
    most_first,
    rows_by_month,
)


@given(st.text(alphabet=st.sampled_from("ab |`*_[]()#!~&<>\"'\\x\n"), max_size=40))
def test_escaping_is_html_escaping_then_a_backslash_before_each_markdown_special(text: str) -> None:
    expected = html.escape(text, quote=True)
    for char in MARKDOWN_SPECIALS:
        expected = expected.replace(char, "\\" + char)
    assert escape_markdown(text) == expected


def test_a_preview_cell_cannot_break_the_table_or_link() -> None:
    frame = pd.DataFrame({"product": ["lead | [x](http://e.vil)", None], "value": [1.5, float("nan")]})
    table = markdown_table(frame, ["product", "value"])
    assert table.splitlines()[2] == "| lead \\| \\[x\\]\\(http://e.vil\\) | 1.5 |"
    assert table.splitlines()[3] == "|  |  |"


def test_each_month_gets_its_own_rows_and_a_month_without_rows_an_empty_frame() -> None:
    frame = pd.DataFrame({"report_month": ["2025-01", "2025-02", "2025-01"], "n": [1, 2, 3]})
    months = rows_by_month(frame, ["2025-01", "2025-02", "2025-03"])
    assert months["2025-01"]["n"].tolist() == [1, 3] and months["2025-02"]["n"].tolist() == [2]
    assert months["2025-03"].empty and list(months["2025-03"].columns) == ["report_month", "n"]


def test_counts_come_most_frequent_first_and_ties_alphabetically() -> None:
    assert list(most_first(["zinc", "lead", "zinc", "tin", "lead", "alumina"]).items()) == [
        ("lead", 2), ("zinc", 2), ("alumina", 1), ("tin", 1)]


def test_counts_in_order_come_alphabetically() -> None:
    assert list(in_order(["zinc", "lead", "zinc"]).items()) == [("lead", 1), ("zinc", 2)]
