"""The product catalogue: canonical ids, the headings reports use for them, group and unit.

Reports spell headings loosely from month to month ("Aluminum", "Aluminium", "Primary Aluminum"),
so a heading is matched on a normalised key against the canonical heading and its aliases; anything
else is reported as an unknown heading rather than guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Product:
    """One catalogue entry."""

    product: str
    heading: str
    group: str
    unit: str
    aliases: tuple[str, ...]


_SPELLING = (("aluminium", "aluminum"), ("sulfate", "sulphate"), ("ise", "ize"))


def heading_key(text: str) -> str:
    """A spelling- and punctuation-insensitive key for a heading line."""
    key = text.strip().lower().replace("’", "'")
    for british, american in _SPELLING:
        key = key.replace(british, american)
    key = re.sub(r"[^a-z0-9]+", " ", key)
    return " ".join(key.split())


@cache
def products() -> tuple[Product, ...]:
    """All catalogue products in report order."""
    source = resources.files("smm_pipeline.reference").joinpath("products.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Product(product=row["product"], heading=row["heading"], group=row["group"], unit=row["unit"],
                    aliases=tuple(a for a in row["aliases"].split("|") if a))
            for row in csv.DictReader(handle)
        )


@cache
def _by_key() -> dict[str, Product]:
    table: dict[str, Product] = {}
    for product in products():
        for name in (product.heading, *product.aliases):
            table.setdefault(heading_key(name), product)
    return table


def match_heading(line: str) -> Product | None:
    """The product whose heading (or alias) this line is, if any."""
    return _by_key().get(heading_key(line))


def product_ids() -> frozenset[str]:
    """Every canonical product id."""
    return frozenset(p.product for p in products())


def get(product_id: str) -> Product:
    """The catalogue entry of a product id (KeyError names the id when it is unknown)."""
    for product in products():
        if product.product == product_id:
            return product
    raise KeyError(f"unknown product id {product_id!r}")
