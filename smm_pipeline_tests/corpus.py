"""A generated corpus of monthly reports, for scaling benchmarks and soak runs (not for accuracy).

Each month is one of the bundled samples with every month name and year shifted consistently, so its
title, its "in March" and its "Jan-Feb" all name the new month and the pipeline reads it as a real
report for that month.
"""

from __future__ import annotations

import re
from pathlib import Path

from smm_pipeline.periods import month_number, months_between, shift_month
from smm_pipeline.settings import PROJECT_ROOT

SAMPLES = sorted((PROJECT_ROOT / "data" / "samples").glob("smm_*_production_overview.txt"))
_FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"]
_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH = re.compile(r"\b(?P<name>" + "|".join(_FULL + [s for s in _SHORT if s != "May"]) + r")\b"
                    r"(?P<year>\s+20\d\d)?")


def redate(text: str, months: int) -> str:
    """The report text with every month name (and the year after it) moved `months` later."""

    def move(m: re.Match[str]) -> str:
        name = m.group("name")
        number = month_number(name)
        year = int(m.group("year")) if m.group("year") else 2001
        key = shift_month(f"{year:04d}-{number:02d}", months)
        names = _FULL if name in _FULL else _SHORT
        new_name = names[int(key[5:]) - 1]
        return new_name + (f" {key[:4]}" if m.group("year") else "")

    return _MONTH.sub(move, text)


def write_corpus(folder: Path, count: int, first_month: str = "2015-01") -> list[Path]:
    """`count` consecutive monthly reports starting at `first_month`, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        sample = SAMPLES[index % len(SAMPLES)]
        sample_month = re.search(r"smm_(\d{4}-\d{2})_", sample.name).group(1)
        target = shift_month(first_month, index)
        text = redate(sample.read_text(encoding="utf-8"), months_between(sample_month, target))
        path = folder / f"smm_{target}_production_overview.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
