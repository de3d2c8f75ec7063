"""One phrase matcher over the lexicon: which phrases a paragraph's tokens spell.

The overlap policy is spaCy's `filter_spans`, applied left to right: at each token the longest lexicon
phrase that starts there wins, and the tokens it covers are not matched again. A phrase keeps every
sense the lexicon gives it ("above" is a qualifier before a figure and a comparative after it); the
stages after this choose by position.
"""

from __future__ import annotations

from smm_pipeline.lexicon import Sense, lexicon
from smm_pipeline.tokens import Token


class Tag:
    """A matched phrase: tokens [start, end) and its senses."""

    __slots__ = ("end", "names", "senses", "start")

    def __init__(self, start: int, end: int, senses: list[Sense], names: frozenset[str] | None = None) -> None:
        self.start, self.end, self.senses = start, end, senses
        self.names = names if names is not None else frozenset(sense.tag for sense in senses)

    def sense(self, *tags: str) -> Sense | None:
        """The first sense with one of these tags."""
        for sense in self.senses:
            if sense.tag in tags:
                return sense
        return None

    def has(self, *tags: str) -> bool:
        """Whether the phrase has a sense with one of these tags."""
        return not self.names.isdisjoint(tags)

    def __repr__(self) -> str:
        return f"Tag({self.start}:{self.end} {'/'.join(s.tag for s in self.senses)})"


def _case_ok(sense: Sense, tokens: list[Token], start: int, end: int) -> bool:
    if not sense.case:
        return True
    first = tokens[start].text
    if sense.case == "title":
        return first[:1].isupper()
    if sense.case == "lower":
        return first[:1].islower()
    written = "".join(t.text for t in tokens[start:end])
    return written == sense.phrase.replace(" ", "").replace("-", "")


def match(tokens: list[Token]) -> list[Tag | None]:
    """For each token, the tag of the phrase covering it (the same object for all its tokens), or None."""
    trie = lexicon().trie
    norms = [t.norm for t in tokens]
    out: list[Tag | None] = [None] * len(tokens)
    i, n = 0, len(tokens)
    while i < n:
        if norms[i] not in trie:
            i += 1  # most tokens start no phrase
            continue
        found = _longest(trie, tokens, norms, i)
        if found is None:
            i += 1
            continue
        for j in range(found.start, found.end):
            out[j] = found
        i = found.end
    return out


def _longest(trie: dict, tokens: list[Token], norms: list[str], i: int) -> Tag | None:
    """The longest phrase starting at token i whose senses fit its written case."""
    node = trie.get(norms[i])
    ends: list[tuple[int, tuple[list[Sense], frozenset[str], bool]]] = []
    j = i + 1
    while node is not None:
        if None in node:
            ends.append((j, node[None]))
        node = node.get(norms[j]) if j < len(norms) else None
        j += 1
    for end, (senses, names, cased) in reversed(ends):
        if not cased:
            return Tag(i, end, senses, names)  # no sense cares how it is written (most phrases)
        fitting = [s for s in senses if _case_ok(s, tokens, i, end)]
        exact = [s for s in fitting if s.case == "exact"]
        fitting = exact or fitting  # "Mt" is a million tonnes, not the "mt" every case of it matches
        if fitting:
            return Tag(i, end, fitting)
    return None
