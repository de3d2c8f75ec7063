"""Title lines: which line of a report is its title, and what month it reports.

Read over tokens with the lexicon (text.toml [title], time.toml months), so a new title form is a new
word there: "Overview of China Metal Production in July 2025 and Forecast for August", "Overview of basic
Metal production in China in May 2019", "Base Metal Production Overview in March 2021", "SMM China Metals
Output Overview: March 2021 and April Forecast", "China's Metal Production in January 2026 and the
February 2026 Forecast (SMM)", "SMM Exclusive: ...", "(Incomplete)".
"""

from __future__ import annotations

from functools import cache

from smm_pipeline.lexicon import lexicon
from smm_pipeline.periods import nearest
from smm_pipeline.tokens import Token, tokenize


@cache
def _words() -> tuple[frozenset[str], frozenset[str], int]:
    table = lexicon().text["title"]
    return frozenset(table["words"]), frozenset(table["forecast_words"]), int(table["max_words"])


@cache
def _months() -> dict[str, int]:
    return {sense.phrase.lower(): int(sense.get("value")) for sense in lexicon().senses("MONTH")}


def _month_at(tokens: list[Token], i: int) -> int | None:
    token = tokens[i]
    if token.kind != "word" or not token.capitalised:
        return None
    return _months().get(token.norm)


def _year_at(tokens: list[Token], i: int) -> int | None:
    if 0 <= i < len(tokens) and tokens[i].kind == "num" and len(tokens[i].text) == 4 and tokens[i].text.isdigit() \
            and tokens[i].text[:2] in ("19", "20"):
        return int(tokens[i].text)
    return None


def _year_after(tokens: list[Token], i: int) -> int | None:
    """A year right after a month (past a full stop, a comma or a day: "Jul. 2025", "July, 2025")."""
    j = i + 1
    while j < len(tokens) and j <= i + 3 and (
            tokens[j].text in ".," or (tokens[j].kind == "num" and len(tokens[j].text) <= 2)):
        j += 1
    return _year_at(tokens, j)


def read(line: str, published: str = "") -> tuple[str, str] | None:
    """(report month, forecast month or "") if the line is a title, else None."""
    tokens = tokenize(line)
    words = [t for t in tokens if t.kind == "word"]
    title_words, forecast_words, max_words = _words()
    if not words or len(words) > max_words or not any(t.norm in title_words for t in words):
        return None
    if line.rstrip().endswith(".") and len(words) > 12:
        return None  # a body sentence
    report = ""
    forecast = ""
    for i in range(len(tokens)):
        month = _month_at(tokens, i)
        if month is None:
            continue
        year = _year_after(tokens, i)
        near = tokens[max(0, i - 3):i + 4]
        is_forecast = any(t.norm in forecast_words for t in near) and report
        if is_forecast:
            forecast = forecast or f"{year or int(report[:4]):04d}-{month:02d}"
        elif not report:
            if year is not None:
                report = f"{year:04d}-{month:02d}"
            elif published:
                report = nearest(month, published) if nearest(month, published) <= published else ""
    if not report:
        return None
    return report, forecast


def date_in(line: str) -> str:
    """The month of a written date ("Nov 10, 2021", "Sep 8, 2020 13:50") in a line, as YYYY-MM, or ""."""
    tokens = tokenize(line)
    for i in range(len(tokens) - 2):
        month = _month_at(tokens, i)
        if month is None or tokens[i + 1].kind != "num" or len(tokens[i + 1].text) > 2:
            continue
        year = _year_after(tokens, i + 1) or _year_at(tokens, i + 2)
        if year is not None:
            return f"{year:04d}-{month:02d}"
    return ""
