"""Frame templates (lexicon/frames.toml) compiled to regular expressions over a sentence's chunk codes.

A template is written with names ("CHANGE:s FILL* BY? FILL* QTY:q"); each name stands for a set of
one-letter chunk codes (chunks.CODES), so a template becomes an ordinary regular expression over the
sentence's code string, run by the regex engine, and a capture maps back to the chunk at that offset.
The patterns hold no English: the words are in the lexicon, the shapes here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from smm_pipeline.chunks import CODES

_PIECE = re.compile(r"\s*(?:(?P<open>\()|(?P<close>\))(?P<cq>[?*+]?)|(?P<bar>\|)|"
                    r"(?P<name>[A-Z]+)(?::(?P<label>[a-z]+))?(?P<q>[?*+]?))")


@dataclass(frozen=True, slots=True)
class Frame:
    """A compiled frame."""

    name: str
    doc: str
    regex: re.Pattern[str]
    groups: dict[str, str]
    """Regex group name -> capture label (a label may be captured at several places of a pattern)."""
    role: str = ""
    link: str = ""
    marker: bool = False
    pairs_only: bool = False
    """Its time point counts only when it is a pair of months ("from October to November")."""


@dataclass(frozen=True, slots=True)
class Match:
    """A frame's match: the chunk index of each capture."""

    frame: Frame
    captures: dict[str, int]
    start: int
    end: int
    """The chunks [start, end) the match covers."""


def compile_pattern(pattern: str) -> tuple[str, dict[str, str]]:
    """A template as a regex over chunk codes, and its capture groups."""
    out: list[str] = []
    groups: dict[str, str] = {}
    pos = 0
    while pos < len(pattern):
        m = _PIECE.match(pattern, pos)
        if m is None or m.end() == pos:
            if pattern[pos:].strip():
                raise ValueError(f"frame pattern {pattern!r}: cannot read {pattern[pos:]!r}")
            break
        pos = m.end()
        if m.group("open"):
            out.append("(?:")
        elif m.group("close"):
            out.append(")" + m.group("cq"))
        elif m.group("bar"):
            out.append("|")
        else:
            name = m.group("name")
            if name not in CODES:
                raise ValueError(f"frame pattern {pattern!r}: unknown name {name}")
            codes = CODES[name]
            piece = re.escape(codes) if len(codes) == 1 else "[" + "".join(re.escape(c) for c in codes) + "]"
            label = m.group("label")
            if label:
                group = f"{label}_{len(groups)}"
                groups[group] = label
                piece = f"(?P<{group}>{piece})"
            out.append(piece + m.group("q"))
    return "".join(out), groups


@cache
def frames() -> tuple[Frame, ...]:
    """Every frame, in file order."""
    source = resources.files("smm_pipeline.lexicon").joinpath("frames.toml")
    table = tomllib.loads(source.read_text(encoding="utf-8"))
    out = []
    for entry in table.get("frame", []):
        regex, groups = compile_pattern(entry["pattern"])
        out.append(Frame(entry["name"], entry.get("doc", ""), re.compile(regex), groups, entry.get("role", ""),
                         entry.get("link", ""), bool(entry.get("marker", False)), bool(entry.get("pairs_only", False))))
    return tuple(out)


def find(codes: str) -> list[Match]:
    """Every match of every frame in a code string, frames in file order, each frame's matches left to
    right (overlapping matches of one frame are found by restarting one chunk after each match's start)."""
    found: list[Match] = []
    for frame in frames():
        pos = 0
        while pos < len(codes):
            m = frame.regex.search(codes, pos)
            if m is None:
                break
            captures: dict[str, int] = {}
            for group, label in frame.groups.items():
                if m.group(group) is not None and label not in captures:
                    captures[label] = m.start(group)
            found.append(Match(frame, captures, m.start(), m.end()))
            pos = m.start() + 1
    return found
