"""Breakdown words composed into segments (FACTS.md "Segments") over a sentence's tags.

Most segments are one lexicon phrase ("metal content", "liquid aluminum"). Some are built from parts,
the way a reader builds them:
- a size before producers: "large smelters", "medium-sized ones" -> size:large, size:medium;
- a feed: [not] using|fed with|running on + concentrate|scrap|anode ... -> feed:concentrate or
  feed:non_concentrate ("not using concentrates", "using scrap or anode");
- regions joined by "and": "Sichuan and Yunnan" -> region:sichuan_yunnan; "Inner Mongolia region";
- "<word>-grade": grade:<word> (GRADE_NAME renames: "high-grade" -> grade:high_grade);
- "<n>-series", and lists with a suspended hyphen: "the 200-, 300- and 400-series" -> series:200 ...;
- a percentage range before a product: "45%-50% molybdenum concentrate" -> grade:45_50pct.

Entries limited to product groups (`groups`) count only in sections of those groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from smm_pipeline.lexicon import lexicon
from smm_pipeline.numbers import Quantity
from smm_pipeline.tagger import Tag
from smm_pipeline.tokens import Token

_SNAKE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class SegmentChunk:
    """A breakdown over tokens [first, last)."""

    first: int
    last: int
    segment: str
    metric: str = ""
    """The metric the segment implies, if any (item segments: "port inventory" is an inventory)."""
    neutral_for: tuple[str, ...] = ()
    """Metrics for which the words are no breakdown ("in our survey sample" for production)."""


def snake(text: str) -> str:
    """snake_case of a phrase ("Inner Mongolia" -> inner_mongolia)."""
    return _SNAKE.sub("_", text.lower().replace("'s", "").replace("’s", "")).strip("_")


@cache
def _grade_names() -> dict[str, str]:
    return {snake(sense.phrase): sense.get("value") for sense in lexicon().senses("GRADE_NAME")}


def _coordinators() -> frozenset[str]:
    return lexicon().words("COORDINATOR")


@cache
def _series_nouns() -> frozenset[str]:
    return frozenset(lexicon().phrases("SERIES"))


def _applies(tag: Tag, name: str, group: str) -> bool:
    sense = tag.sense(name)
    return sense is not None and (not sense.get("groups") or group in sense.get("groups"))


def series(tokens: list[Token]) -> list[SegmentChunk]:
    """"300-series", "5-series", "the 200-, 300- and 400-series": series segments over number tokens
    (read before quantities, so that these numbers are not taken for figures)."""
    found: list[SegmentChunk] = []
    n = len(tokens)
    for i, token in enumerate(tokens):
        if token.kind != "num" or not token.text.isdigit():
            continue
        if i + 1 < n and tokens[i + 1].norm in _series_nouns():
            found.append(SegmentChunk(i, i + 2, f"series:{token.text}"))
            continue
        # a suspended hyphen: "200-" followed by ", 300-" ... "and 400-series"
        if i + 1 < n and tokens[i + 1].text in "-–" and not tokens[i + 1].space:
            j = i + 2
            while j < n and (tokens[j].norm == "," or tokens[j].norm in _coordinators()):
                j += 1
            if j < n and tokens[j].kind == "num" and _ends_in_series(tokens, j):
                found.append(SegmentChunk(i, i + 2, f"series:{token.text}"))
    return found


def _ends_in_series(tokens: list[Token], j: int) -> bool:
    n = len(tokens)
    while j < n and tokens[j].kind == "num":
        if j + 1 < n and tokens[j + 1].joined and tokens[j + 1].norm in _series_nouns():
            return True
        if j + 1 < n and tokens[j + 1].text in "-–":
            j += 2
            while j < n and (tokens[j].norm == "," or tokens[j].norm in _coordinators()):
                j += 1
            continue
        return False
    return False


_OPENING_TAGS = frozenset({"SIZE", "SEGMENT", "SOURCE", "NEGATION", "FEED_VERB", "REGION"})
"""Tags a composed segment can start with."""


def compose(tokens: list[Token], tags: list[Tag | None], taken: list[bool], group: str) -> list[SegmentChunk]:
    """The segments of a sentence (other than series), left to right, not overlapping."""
    found: list[SegmentChunk] = []
    n = len(tokens)
    i = 0
    while i < n:
        tag = tags[i]
        if taken[i] or ((tag is None or tag.start != i or tag.names.isdisjoint(_OPENING_TAGS))
                        and not (i + 1 < n and tokens[i + 1].joined)):
            i += 1  # no segment starts here ("battery-grade" starts at an untagged word)
            continue
        if not taken[i]:
            sizes = _sizes(tokens, tags, i)
            if sizes:
                found.extend(sizes)
                i = sizes[-1].last
                continue
        chunk = None if taken[i] else (_fixed(tags, i, group) or _feed(tokens, tags, i, group)
                                       or _region(tokens, tags, i) or _grade(tokens, tags, i))
        if chunk is None:
            i += 1
            continue
        found.append(chunk)
        i = chunk.last
    return found


def _at(tags: list[Tag | None], i: int, *names: str) -> Tag | None:
    if 0 <= i < len(tags):
        tag = tags[i]
        if tag is not None and tag.start == i and tag.has(*names):
            return tag
    return None


def _fixed(tags: list[Tag | None], i: int, group: str) -> SegmentChunk | None:
    tag = _at(tags, i, "SEGMENT", "SOURCE")
    if tag is None:
        return None
    if _applies(tag, "SEGMENT", group):
        sense = tag.sense("SEGMENT")
        return SegmentChunk(i, tag.end, sense.get("segment"), sense.get("metric", ""),
                            tuple(sense.get("neutral_for", ())))
    if _applies(tag, "SOURCE", group):
        return SegmentChunk(i, tag.end, f"source:{tag.sense('SOURCE').get('value')}")
    return None


def _sizes(tokens: list[Token], tags: list[Tag | None], i: int) -> list[SegmentChunk]:
    """Sizes before producers: "large smelters"; "large, medium-sized and small smelters" (each size its
    own segment, the last one with the noun)."""
    found: list[tuple[int, int, str]] = []
    j = i
    while True:
        tag = _at(tags, j, "SIZE")
        if tag is None:
            return []
        found.append((j, tag.end, str(tag.sense("SIZE").get("value"))))
        j = tag.end
        listed = j < len(tokens) and (tokens[j].norm == "," or tokens[j].norm in _coordinators())
        if listed and _at(tags, j + 1, "SIZE") is not None:
            j += 1
            continue
        if j + 1 < len(tokens) and tokens[j].norm == "," and tokens[j + 1].norm in _coordinators() \
                and _at(tags, j + 2, "SIZE") is not None:
            j += 2
            continue
        break
    while j < len(tokens) and _at(tags, j, "PRODUCT", "NEUTRAL") is not None:
        j = tags[j].end
    producer = _at(tags, j, "PRODUCER")
    if producer is None or not producer.sense("PRODUCER").get("plural", True):
        return []
    out = [SegmentChunk(first, last, f"size:{value}") for first, last, value in found[:-1]]
    first, _, value = found[-1]
    return [*out, SegmentChunk(first, producer.end, f"size:{value}")]


def _feed(tokens: list[Token], tags: list[Tag | None], i: int, group: str) -> SegmentChunk | None:
    start = i
    negated = _at(tags, i, "NEGATION") is not None and tokens[i].norm in lexicon().words("FEED_NEGATION")
    if negated:
        i = tags[i].end
    verb = _at(tags, i, "FEED_VERB")
    if verb is None:
        return None
    j = verb.end
    kinds: list[str] = []
    while j < len(tokens):
        while j < len(tokens) and _at(tags, j, "FEED") is None and tokens[j].norm in lexicon().words("FEED_MODIFIER"):
            j += 1
        feed = _at(tags, j, "FEED")
        if feed is None or not _applies(feed, "FEED", group):
            break
        kinds.append(feed.sense("FEED").get("value"))
        j = feed.end
        listed = j < len(tokens) and (tokens[j].norm == "," or tokens[j].norm in _coordinators())
        if listed and _next_feed(tokens, tags, j + 1, group):
            j += 1
            continue
        break
    if not kinds:
        return None
    kind = "non_concentrate" if negated or "non_concentrate" in kinds else "concentrate"
    if j < len(tokens) and tokens[j].norm in lexicon().words("FEED_CLOSER"):
        j += 1
    return SegmentChunk(start, j, f"feed:{kind}")


def _next_feed(tokens: list[Token], tags: list[Tag | None], j: int, group: str) -> bool:
    while j < len(tokens) and _at(tags, j, "FEED") is None and tokens[j].norm in lexicon().words("FEED_MODIFIER"):
        j += 1
    feed = _at(tags, j, "FEED")
    return feed is not None and _applies(feed, "FEED", group)


def _region_name(tag: Tag) -> str:
    sense = tag.sense("REGION")
    name = sense.get("name") or snake(sense.phrase)
    return name.removeprefix("the_")


def _region(tokens: list[Token], tags: list[Tag | None], i: int) -> SegmentChunk | None:
    tag = _at(tags, i, "REGION")
    if tag is None:
        return None
    names = [_region_name(tag)]
    j = tag.end
    while True:
        suffix = _at(tags, j, "REGION_SUFFIX")
        if suffix is not None:
            j = suffix.end
        if j < len(tokens) and tokens[j].norm in _coordinators() and _at(tags, j + 1, "REGION") is not None:
            names.append(_region_name(tags[j + 1]))
            j = tags[j + 1].end
            continue
        break
    if j < len(tokens) and tokens[j].norm == "'s":
        j += 1
    return SegmentChunk(i, j, "region:" + "_".join(names))


def _grade(tokens: list[Token], tags: list[Tag | None], i: int) -> SegmentChunk | None:
    """"battery-grade", "industrial-grade": a word joined to "grade"."""
    grade_nouns = lexicon().words("GRADE_NOUN")
    if i + 1 >= len(tokens) or tokens[i].kind != "word" or not (tokens[i + 1].joined
                                                                 and tokens[i + 1].norm in grade_nouns):
        return None
    if tags[i] is not None and tags[i].has("PRODUCT"):
        return None
    word = snake(tokens[i].text)
    return SegmentChunk(i, i + 2, f"grade:{_grade_names().get(word, word)}")


def percent_grade(quantity: Quantity, tokens: list[Token], tags: list[Tag | None]) -> SegmentChunk | None:
    """"45%-50% molybdenum concentrate", "the 99.99% grade": a percentage (range) that names a grade of
    the product after it is a breakdown, not a figure."""
    if quantity.unit != "%" or quantity.last >= len(tokens):
        return None
    after = tags[quantity.last]
    grade_noun = tokens[quantity.last].norm in lexicon().words("GRADE_NOUN")
    if not ((after is not None and after.has("PRODUCT")) or grade_noun):
        return None
    low = f"{quantity.value:g}".replace(".", "_")
    name = low if quantity.value_high is None else f"{low}_{f'{quantity.value_high:g}'.replace('.', '_')}"
    return SegmentChunk(quantity.first, quantity.last + grade_noun,
                        f"grade:{name}pct")
