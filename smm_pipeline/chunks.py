"""A sentence as a row of chunks: quantities, time expressions, segments and lexicon phrases, each with
a one-letter code, so that frames (frames.py) can be matched over the codes as over a string.

The cascade, each stage reading the one before (TokensRegex's stages): tokens -> phrases (tagger) ->
time expressions (timex) -> series names, quantities, composed segments -> chunks. A phrase with several
senses gets the code its position gives it: "above" absorbed into a quantity is its qualifier, after a
quantity it is a comparative; "increase" after "a" is a noun, before a figure a verb.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from smm_pipeline import numbers, segments, timex
from smm_pipeline.lexicon import Sense, lexicon
from smm_pipeline.numbers import NotQuantity, Quantity
from smm_pipeline.segments import SegmentChunk
from smm_pipeline.tagger import Tag, match
from smm_pipeline.timex import When
from smm_pipeline.tokens import Token

CODES: dict[str, str] = {
    "QTY": "Qz", "SIGNED": "z", "CHANGE": "C", "CHNOUN": "N", "CMP": "K", "MULT": "x", "FLAT": "f", "MARK": "M",
    "CMPWITH": "Wm", "FROM": "m", "TIME": "T", "SPAN": "Y", "PART": "y", "DATE": "Ty", "EXPECT": "E", "BEAT": "X",
    "LEVEL": "L",
    "TO": "t", "BY": "B", "OF": "O", "LINK": "R", "AND": "A", "FILL": "F", "NEG": "Z", "EX": "e", "RESP": "r",
    "NUMOF": "n", "VERB": "v", "METRIC": "U", "SIDE": "H", "PRODUCER": "D", "COMPANY": "c", "SEG": "S",
    "PROD": "P", "FUT": "G", "AT": "V", "SINCE": "s", "RANGE": "g", "QUAL": "q", "WORD": "w", "NUMX": "#",
    "COMMA": ",", "SEMI": ";", "LP": "(", "RP": ")", "COLON": ":", "POSS": "'", "DASH": "-", "STOP": ".",
    "STATUS": "u", "CLAUSE": "k", "ENDS": "j", "OTHER": "~",
}
"""Frame names of chunk codes (frames.toml writes patterns with the names)."""

_TAG_CODES = {
    "CHANGE": "C", "CHANGE_NOUN": "N", "COMPARATIVE": "K", "MULTIPLE": "x", "FLAT": "f", "TREND": "f",
    "MARKER": "M", "COMPARE_WITH": "W", "FROM": "m", "EXPECTATION": "E", "BEAT": "X", "LEVEL": "L", "TO": "t",
    "BY": "B", "OF": "O", "LINK": "R", "AND": "A", "FILLER": "F", "NEUTRAL": "F", "NEGATION": "Z",
    "EXAMPLES": "e", "RESPECTIVELY": "r", "NUMBER_OF": "n", "VERB": "v", "FEED_VERB": "v", "METRIC": "U",
    "SIDE": "H", "PRODUCER": "D", "COMPANY": "c", "PRODUCT": "P", "FUTURE": "G", "AT_TIME": "V", "SINCE": "s",
    "RANGE": "g", "QUALIFIER": "q", "STATUS": "u", "SIZE": "F", "ORDINAL": "F", "CLAUSE": "k", "ENDS": "j",
}
_PRIORITY = ("PRODUCT", "METRIC", "MARKER", "CHANGE", "CHANGE_NOUN", "COMPARATIVE", "MULTIPLE", "FLAT", "TREND",
             "FROM", "COMPARE_WITH", "EXPECTATION", "BEAT", "FUTURE", "LEVEL", "TO", "BY", "OF", "LINK", "AND",
             "SIDE", "PRODUCER", "COMPANY", "STATUS", "NEGATION", "EXAMPLES", "RESPECTIVELY", "NUMBER_OF", "RANGE",
             "AT_TIME", "SINCE", "CLAUSE", "ENDS", "VERB", "FEED_VERB", "NEUTRAL", "FILLER", "SIZE", "ORDINAL",
             "QUALIFIER")
_MARK_CODES = {",": ",", ";": ";", "(": "(", "[": "(", ")": ")", "]": ")", ":": ":", "'s": "'", "-": "-", "–": "-",
               "—": "-", ".": ".", "!": ".", "?": "."}


@dataclass(slots=True)
class Chunk:
    """One unit a frame reads: its code, token range [first, last) in the sentence, character span in
    the paragraph, and what it is."""

    code: str
    first: int
    last: int
    start: int
    end: int
    text: str
    sense: Sense | None = None
    quantity: Quantity | None = None
    when: When | None = None
    segment: SegmentChunk | None = None
    depth: int = 0
    """Bracket depth: words in brackets are an aside."""
    other: NotQuantity | None = None
    senses: tuple[Sense, ...] = ()
    """Every sense of the phrase (the chosen one is `sense`)."""

    @property
    def tag(self) -> str:
        """The chosen sense's tag ("" for a plain word or mark)."""
        return self.sense.tag if self.sense is not None else ""

    def attr(self, key: str, default: object = None) -> object:
        """An attribute of the chosen sense."""
        return self.sense.get(key, default) if self.sense is not None else default

    def __repr__(self) -> str:
        return f"{self.code}:{self.text}"


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(lexicon().phrases("ABBREVIATION"))


def sentence_bounds(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token ranges of the sentences of a paragraph. A full stop ends a sentence when a capital, a digit
    or an opening bracket follows after a space, unless it ends an abbreviation (cues.toml)."""
    bounds: list[tuple[int, int]] = []
    start, n = 0, len(tokens)
    abbreviations = _abbreviations()
    for k, token in enumerate(tokens):
        if token.text not in ".!?" or k + 1 >= n:
            continue
        j = k + 1
        while j < n and tokens[j].text in ")\"”’]" and not tokens[j].space:
            j += 1
        if j >= n or not tokens[j].space:
            continue
        head = tokens[j].text[:1]
        if not (head.isupper() or head.isdigit() or head in "(\"“[*"):
            continue
        before = tokens[k - 1] if k else None
        if before is not None and not token.space and (before.text in abbreviations or (
                before.kind == "word" and len(before.text) == 1 and before.text.isupper())):
            continue
        if j > start:
            bounds.append((start, j))
        start = j
    if start < n:
        bounds.append((start, n))
    return [piece for bound in bounds for piece in _pieces(tokens, *bound)]


MAX_SENTENCE_TOKENS = 300
"""Longer than any sentence of prose (the longest of the reports runs to about 120 tokens): text this long
without a full stop is a table or a page flattened onto one line. It is read in pieces cut at a semicolon
or comma, so the time to read a line stays linear in its length."""


def _pieces(tokens: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_SENTENCE_TOKENS:
        limit = start + MAX_SENTENCE_TOKENS
        cut = next((k + 1 for k in range(limit - 1, start + MAX_SENTENCE_TOKENS // 2, -1)
                    if tokens[k].text in ";,"), limit)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


class Sentence:
    """A sentence's tokens, tags and chunks, and its code string."""

    def __init__(self, tokens: list[Token], paragraph: str, report_month: str, group: str) -> None:
        self.tokens = tokens
        self.start = tokens[0].start if tokens else 0
        self.end = tokens[-1].end if tokens else 0
        self.text = paragraph[self.start:self.end]
        self.tags = match(tokens)
        self.chunks = _chunks(tokens, self.tags, paragraph, report_month, group)
        self.codes = "".join(c.code for c in self.chunks)

    def __repr__(self) -> str:
        return f"Sentence({self.text[:60]!r})"


def _chunks(tokens: list[Token], tags: list[Tag | None], paragraph: str, report_month: str,
            group: str) -> list[Chunk]:
    n = len(tokens)
    taken = [False] * n
    at: dict[int, Chunk] = {}

    def claim(first: int, last: int, chunk: Chunk) -> None:
        for k in range(first, last):
            taken[k] = True
        at[first] = chunk

    def span(first: int, last: int) -> tuple[int, int, str]:
        start, end = tokens[first].start, tokens[last - 1].end
        return start, end, paragraph[start:end]

    for t in timex.read(tokens, tags, report_month):
        start, end, text = span(t.start, t.end)
        code = {"month": "T", "relative": "T", "pair": "T", "span": "Y"}.get(t.when.kind, "y")
        claim(t.start, t.end, Chunk(code, t.start, t.end, start, end, text, when=t.when))
    for seg in segments.series(tokens):
        if not any(taken[seg.first:seg.last]):
            start, end, text = span(seg.first, seg.last)
            claim(seg.first, seg.last, Chunk("S", seg.first, seg.last, start, end, text, segment=seg))
    quantities, others = numbers.read(tokens, tags, taken)
    for q in quantities:
        grade = segments.percent_grade(q, tokens, tags)
        if grade is not None:
            start, end, text = span(grade.first, grade.last)
            claim(grade.first, grade.last, Chunk("S", grade.first, grade.last, start, end, text, segment=grade))
            continue
        q = q._replace(text=paragraph[q.start:q.end])
        claim(q.first, q.last, Chunk("z" if q.signed else "Q", q.first, q.last, q.start, q.end, q.text, quantity=q))
    for other in others:
        start, end, text = span(other.first, other.last)
        claim(other.first, other.last, Chunk("#", other.first, other.last, start, end, text, other=other))
    for seg in segments.compose(tokens, tags, taken, group):
        start, end, text = span(seg.first, seg.last)
        claim(seg.first, seg.last, Chunk("S", seg.first, seg.last, start, end, text, segment=seg))
    chunks: list[Chunk] = []
    i = 0
    while i < n:
        if i in at:
            chunk = at[i]
            i = chunk.last
        elif taken[i]:
            i += 1
            continue
        else:
            tag = tags[i]
            if tag is not None and tag.start == i and not any(taken[tag.start:tag.end]):
                sense = _choose(tag, chunks, tokens, tags, tag.end)
                start, end, text = span(i, tag.end)
                code = _TAG_CODES.get(sense.tag, "w") if sense is not None else "w"
                chunk = Chunk(code, i, tag.end, start, end, text, sense=sense, senses=tuple(tag.senses))
                i = tag.end
            else:
                token = tokens[i]
                code = _MARK_CODES.get(token.norm, "~") if token.kind in ("mark", "poss") else "w"
                chunk = Chunk(code, i, i + 1, token.start, token.end, token.text)
                i += 1
        chunks.append(chunk)
    _set_depths(chunks)
    return chunks


def _choose(tag: Tag, before: list[Chunk], tokens: list[Token], tags: list[Tag | None], after: int) -> Sense | None:
    """The sense a phrase has here (see the module docstring)."""
    senses = {s.tag: s for s in tag.senses}
    if len(senses) == 1:
        return tag.senses[0]
    words = lexicon().words
    determiners = words("DETERMINER")
    previous = next((c for c in reversed(before) if c.code != "F" or c.text.lower() in determiners), None)
    prev_code = previous.code if previous is not None else ""
    last = before[-1].text.lower() if before else ""
    following = tags[after] if after < len(tokens) and tags[after] is not None and tags[after].start == after else None
    governs = (after < len(tokens) and tokens[after].kind == "num") or (
        following is not None and following.has("TO", "BY"))  # "cut output by 7.4%", "rose to 82.4%"
    adverb = "COMPARATIVE" in senses and bool(senses["COMPARATIVE"].get("adverb"))
    after_figure = prev_code in ("Q", "z", "M") or (not adverb and _after_restated_figure(before, tokens, tags, after))
    if "COMPARATIVE" in senses and after_figure:
        return senses["COMPARATIVE"]
    if "CHANGE_NOUN" in senses and "CHANGE" in senses:
        noun = last in determiners or (following is not None and following.has("OF", "AT_TIME")) or (
            prev_code in ("F", "M", "Q", "z", "U", ")") and not governs)
        return senses["CHANGE_NOUN"] if noun else senses["CHANGE"]
    if "STATUS" in senses and "CHANGE" in senses:  # "cut output by 7.4%" / "three smelters cut output"
        return senses["CHANGE"] if governs else senses["STATUS"]
    if "PRODUCER" in senses and "FUTURE" in senses:  # "SMM projects 165,500 mt" / "new projects"
        noun = bool(before) and (last in determiners or before[-1].code in "FSw")
        source = before[-1].text.lower() in words("DATELINE_SOURCE") if before else False
        return senses["PRODUCER"] if noun and not source else senses["FUTURE"]
    if "EXPECTATION" in senses and "FUTURE" in senses:
        noun = bool(before) and (last in determiners | words("EARLIER")
                                 or before[-1].code in "WmKOX")  # "the forecast", "than forecast"
        return senses["EXPECTATION"] if noun else senses["FUTURE"]
    for name in _PRIORITY:
        if name in senses and name != "QUALIFIER":
            return senses[name]
    return tag.senses[0]


def _after_restated_figure(before: list[Chunk], tokens: list[Token], tags: list[Tag | None], after: int) -> bool:
    """"512,600 mt, or 10.47%, higher": a comparative after a figure and a comma, with no figure of its own."""
    following = tags[after] if after < len(tokens) else None
    governs = after < len(tokens) and (tokens[after].kind == "num" or (
        following is not None and following.has("BY", "CURRENCY")))
    return not governs and len(before) >= 2 and before[-1].code == "," and before[-2].code in ("Q", "z")


def _set_depths(chunks: list[Chunk]) -> None:
    depth = 0
    for chunk in chunks:
        if chunk.code == "(":
            chunk.depth = depth
            depth += 1
        elif chunk.code == ")":
            depth = max(0, depth - 1)
            chunk.depth = depth
        else:
            chunk.depth = depth


def subclause_start(chunks: list[Chunk], c0: int, k: int) -> int:
    """Where the coordinated clause of chunk `k` starts, within the clause from `c0`: after the last ", and"
    / ", while" / ", but" before it (`c0` when there is none)."""
    start = c0
    for i in range(c0, k - 1):
        if chunks[i].code == "," and chunks[i + 1].code == "A":
            start = i + 2
    return start
