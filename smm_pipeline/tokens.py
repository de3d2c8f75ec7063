"""Tokens: the words, numbers and marks of a paragraph, each with its place in the text.

Everything after this reads tokens, never characters: the phrase matcher, the number reader, the time
reader, the frames. A token keeps its text as written (case matters for "Mt" and "May"), a normalised
form for matching (lower case, one spelling of "aluminium", one apostrophe) and its character span.

Two normalisations happen here because they are about writing, not language: a hyphen between two
words joins them ("month-on-month" matches "month on month"; the second word is marked `joined`), and a
decimal written with a stray space ("2. 7%") is one number.
"""

from __future__ import annotations

import re
from functools import cache

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<word>[^\W\d_][^\W_]*)"
    r"|(?P<poss>['’]s(?![^\W_]))"
    r"|(?P<mark>\S)"
)
_JOINERS = frozenset("-‐–")


class Token:
    """One token of a paragraph."""

    __slots__ = ("end", "joined", "kind", "norm", "space", "start", "text")

    def __init__(self, text: str, norm: str, start: int, end: int, kind: str, space: bool) -> None:
        self.text, self.norm, self.start, self.end, self.kind, self.space = text, norm, start, end, kind, space
        self.joined = False
        """Joined to the previous token by a hyphen ("on" and "month" in "month-on-month")."""

    def __repr__(self) -> str:
        return f"Token({self.text!r})"

    @property
    def capitalised(self) -> bool:
        """Whether the token starts with a capital letter."""
        return self.text[:1].isupper()


@cache
def _spelling() -> dict[str, str]:
    from smm_pipeline.lexicon import spelling

    return spelling()


@cache
def _percent_words() -> frozenset[str]:
    from smm_pipeline.lexicon import percent_words

    return percent_words()


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, with hyphen joiners folded into the word after them."""
    respell = _spelling().get
    raw: list[Token] = []
    append = raw.append
    previous_end = -1
    for m in _TOKEN.finditer(text):  # the hottest loop of the engine: locals only
        kind = m.lastgroup
        piece = m.group()
        start, end = m.span()
        if kind == "word":
            low = piece.lower()
            norm = respell(low, low)
        elif kind == "poss":
            norm = "'s"
        else:
            norm = respell(piece, piece)
        append(Token(piece, norm, start, end, kind, start != previous_end))
        previous_end = end
    return _fold(raw)


def _fold(raw: list[Token]) -> list[Token]:
    """Hyphens between words become joins; "2. 7%" becomes one number."""
    out: list[Token] = []
    i, n = 0, len(raw)
    while i < n:
        token = raw[i]
        if token.text in _JOINERS and out and i + 1 < n and not token.space and not raw[i + 1].space \
                and out[-1].kind in ("word", "num") and raw[i + 1].kind == "word":
            raw[i + 1].joined = True
            i += 1
            continue
        if token.kind == "num" and i + 3 < n and _stray_decimal(raw, i):
            whole = raw[i]
            fraction = raw[i + 2]
            merged = Token(f"{whole.text}.{fraction.text}", f"{whole.text}.{fraction.text}", whole.start,
                           fraction.end, "num", whole.space)
            out.append(merged)
            i += 3
            continue
        out.append(token)
        i += 1
    return out


def _stray_decimal(raw: list[Token], i: int) -> bool:
    """"2. 7%": a short whole number, a full stop against it, one space, digits, then a percent sign."""
    whole, stop, fraction, after = raw[i], raw[i + 1], raw[i + 2], raw[i + 3]
    return (whole.text.isdigit() and len(whole.text) <= 3 and stop.text == "." and not stop.space
            and fraction.kind == "num" and fraction.text.isdigit() and fraction.space
            and fraction.start - stop.end == 1 and after.norm in _percent_words())
