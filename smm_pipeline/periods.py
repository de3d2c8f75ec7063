"""Calendar arithmetic on the `YYYY-MM` keys the panel uses.

Reading months out of sentences is the time-expression reader's work (timex.py); this module only knows
the calendar: month names (from the lexicon, so no second copy of them), shifting a key by months, and
which year a month named without one means in a given report.
"""

from __future__ import annotations

from smm_pipeline.lexicon import lexicon


def month_names() -> list[str]:
    """Every month name and abbreviation the lexicon knows, longest first (for matching file names)."""
    return sorted({sense.phrase for sense in lexicon().senses("MONTH")}, key=len, reverse=True)


def month_number(name: str) -> int:
    """1-12 for a month name or abbreviation as the lexicon spells it ('July', 'Jul', 'jul.')."""
    wanted = name.rstrip(".").lower()
    for sense in lexicon().senses("MONTH"):
        if sense.phrase.lower() == wanted:
            return int(sense.get("value"))
    raise KeyError(f"not a month name: {name!r}")


def month_key(name: str, year: int) -> str:
    """'2025-07' for ('July', 2025)."""
    return f"{year:04d}-{month_number(name):02d}"


def shift_month(key: str, months: int) -> str:
    """The month `months` after `key` (negative goes back)."""
    year, month = int(key[:4]), int(key[5:7])
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def span_label(months: list[str] | tuple[str, ...]) -> str:
    """'2025-01' for one month, '2015-01..2024-12' for several (first and last as given), '' for none."""
    if not months:
        return ""
    return months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"


def basis_between(base: str, period: str) -> str:
    """The comparison a change of `period` against month `base` is: "mom" for the month before, "yoy"
    for the same month a year earlier, "" for any other month."""
    return {shift_month(period, -1): "mom", shift_month(period, -12): "yoy"}.get(base, "")


def months_between(first: str, last: str) -> int:
    """How many months `last` is after `first`."""
    return (int(last[:4]) * 12 + int(last[5:7])) - (int(first[:4]) * 12 + int(first[5:7]))


def nearest(month: int, around: str, year: int | None = None) -> str:
    """The key of calendar month `month` nearest to `around` (or in `year` when it is stated)."""
    if year is None:
        year, difference = int(around[:4]), month - int(around[5:7])
        if difference >= 6:  # "June" in a January report is last June (a tie goes to the past)
            year -= 1
        elif difference < -6:  # "January" in a December report is next January
            year += 1
    return f"{year:04d}-{month:02d}"
