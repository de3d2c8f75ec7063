"""Roles: what each figure of a sentence is (a level, a change, an expectation, the gap to it, the level
of a comparison month), with the sign of a change and what it is compared with.

The frames (frames.toml) propose; this module disposes, in a fixed order:
1. the first role frame that captures a figure gives its role and sign, each frame recorded;
2. links: a figure that restates another ("39,400 mt, representing 3.47%") shares its comparison, a
   coordinated one ("1.05% YoY and 3.11% MoM") its role and sign, a gapped one ("MHP about 18%") its
   role and metric;
3. comparisons: a marker (MoM, YoY) or a time point ("from June", "a year earlier") found by the
   marker frames; a time point is settled by date arithmetic later (attach.py), against the figure's
   own period;
4. the rules of the language that frames cannot see: a bound after a change verb is a level ("fell
   below 5,000 mt"), percentage points are a change.
A figure no frame gives a role is a level; `frames` says so ("bare").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smm_pipeline.chunks import Chunk, Sentence, subclause_start
from smm_pipeline.frames import Match
from smm_pipeline.numbers import Quantity
from smm_pipeline.timex import When

LEVEL_UNITS = frozenset({"mt", "mt/year", "GW", "sqm", "count"})
"""Units of a level (a bound in one of these after a change verb is a level: "fell below 5,000 mt")."""


@dataclass(slots=True)
class Slot:
    """One figure of a sentence and what has been settled about it."""

    index: int
    """Its chunk index in the sentence."""
    q: Quantity
    role: str = ""
    sign: int = 0
    """The change's direction from its words: 1, -1, or 0 when no word says (the figure's own sign)."""
    basis: str = ""
    """mom, yoy or other, from a marker."""
    point: When | None = None
    """A time point the figure is compared with ("from June")."""
    link: tuple[str, int] | None = None
    """(how, index of the slot it restates or continues)."""
    frames: list[str] = field(default_factory=list)
    verb_form: str = ""
    """The form of the change verb that governs it (past, base, ...): a past tense is no forecast."""
    sign_chunk: int = -1
    """The chunk whose word gave the change its sign (it states no direction of its own)."""
    span: tuple[int, int] = (0, 0)
    """The chunks of the frame that gave the role (their words state no direction of their own)."""
    # settled by attach.py
    metric: str = ""
    segment: str = ""
    product: str = ""
    period: str = ""
    ytd: bool = False
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_change(self) -> bool:
        return self.role == "change"


def slots_of(sentence: Sentence) -> list[Slot]:
    """A slot for every quantity chunk, and for the multiples ("doubled") that state a change."""
    out: list[Slot] = []
    for index, chunk in enumerate(sentence.chunks):
        if chunk.quantity is not None:
            out.append(Slot(index, chunk.quantity))
        elif chunk.code == "x":
            out.append(Slot(index, _multiple(sentence.chunks, index)))
    return out


def _multiple(chunks: list[Chunk], index: int) -> Quantity:
    """"doubled" is +100%, "more than doubled" over +100%, "halved" -50%."""
    chunk = chunks[index]
    value = float(chunk.attr("value", 100))
    previous = chunks[index - 1] if index else None
    qualifier = next((str(s.get("qualifier")) for s in previous.senses if s.tag == "QUALIFIER"),
                     "exact") if previous is not None else "exact"  # "more than doubled"
    return Quantity(value, "%", qualifier, chunk.start, chunk.end, chunk.text, 1.0, word=True)


def assign(sentence: Sentence, slots: list[Slot], matches: list[Match]) -> None:
    """Roles, signs, links and comparisons of a sentence's slots from its frame matches."""
    by_index = {slot.index: slot for slot in slots}
    chunks = sentence.chunks
    for m in matches:
        q = by_index.get(m.captures.get("q", -1))
        if q is None:
            continue
        frame = m.frame
        if frame.marker:
            _comparison(q, m, chunks)
            continue
        if frame.role == "link":
            antecedent = by_index.get(m.captures.get("a", -1))
            if antecedent is not None and q.link is None and antecedent is not q:
                q.link = (frame.link, slots.index(antecedent))
                q.frames.append(frame.name)
            continue
        if q.role:
            continue
        q.role = frame.role
        q.frames.append(frame.name)
        q.span = (m.start, m.end)
        if frame.name == "level_after_to":
            verb = m.start - 1
            while verb >= 0 and chunks[verb].code in "QzMFB":
                verb -= 1
            if verb >= 0 and chunks[verb].code == "C":
                q.verb_form = str(chunks[verb].attr("form", "") or "")  # "fell 6.5% MoM to ..." is past
        if "s" in m.captures or "n" in m.captures:
            s = chunks[m.captures.get("n", m.captures.get("s", -1))]
            q.sign = int(s.attr("sign", 0) or 0)
            q.verb_form = str(s.attr("form", "") or "")
            q.sign_chunk = m.captures.get("n", m.captures.get("s", -1))
        if "p" in m.captures and q.point is None:
            q.point = chunks[m.captures["p"]].when
        if "m" in m.captures and not q.basis:
            q.basis = str(chunks[m.captures["m"]].attr("basis"))
        if not q.basis and ("s" in m.captures or "n" in m.captures):
            q.basis = str(chunks[m.captures.get("n", m.captures.get("s", -1))].attr("basis", "") or "")
        base = by_index.get(m.captures.get("base", -1))
        if base is not None and not base.role:
            base.role = "base"
            base.frames.append(frame.name)
    _follow_links(slots, chunks)
    _respective_markers(chunks, slots)
    for n, slot in enumerate(slots):
        if not slot.role:
            slot.role = "level"
            slot.frames.append("bare")
        if slot.role == "change" and not slot.sign and not slot.q.signed:
            earlier = [s for s in slots[:n] if s.role == "change" and s.sign]
            if earlier:  # "increased by 186,000 mt from June, and by 412,000 mt from a year earlier"
                slot.sign = earlier[-1].sign
                slot.frames.append("sign_of_the_change_before")
        _language_rules(slot, chunks)


def _respective_markers(chunks: list[Chunk], slots: list[Slot]) -> None:
    """"declined by 2.9% and 1.1% MoM and YoY, respectively": the n-th figure takes the n-th marker."""
    for r, chunk in enumerate(chunks):
        if chunk.code != "r":
            continue
        markers: list[int] = []
        j = r - 1
        while j >= 0 and chunks[j].code in "MA,":
            if chunks[j].code == "M":
                markers.insert(0, j)
            j -= 1
        figures = [s for s in slots if s.index < (markers[0] if markers else r) and s.index >= j - 2 * len(markers)]
        figures = figures[-len(markers):] if markers else []
        if len(markers) >= 2 and len(figures) == len(markers):
            for slot, marker in zip(figures, markers, strict=True):
                slot.basis = str(chunks[marker].attr("basis"))
                slot.frames.append("respective_markers")


def _comparison(slot: Slot, m: Match, chunks: list[Chunk]) -> None:
    """A marker or a time point for a change (the first one found stands)."""
    if "m" in m.captures and not slot.basis:
        slot.basis = str(chunks[m.captures["m"]].attr("basis"))
        slot.frames.append(m.frame.name)
    elif "p" in m.captures and slot.point is None and not slot.basis:
        when = chunks[m.captures["p"]].when
        if m.frame.pairs_only and (when is None or when.kind != "pair"):
            return
        slot.point = when
        slot.frames.append(m.frame.name)


def change_behind(slots: list[Slot], chunks: list[Chunk], index: int) -> Slot | None:
    """The change that led to the level slots[index] ("rose 260 mt from October to 7,180 mt"), in the
    same coordinated clause: not one before a ", and" ("..., still 59.7% above January 2025, and
    full-year output ... at 1.0126 million mt, up 42.2% on 2024")."""
    level = slots[index]
    for other in reversed(slots[:index]):
        if subclause_start(chunks, other.index, level.index) > other.index:  # a ", and" lies between them
            return None
        if other.role == "change":
            return other
    return None


def _follow_links(slots: list[Slot], chunks: list[Chunk]) -> None:
    """Linked figures take what they lack from the figure they restate or continue (in order, so a
    chain of links carries through)."""
    for slot in slots:
        if slot.link is None:
            continue
        how, index = slot.link
        other = slots[index]
        if how in ("coordinate", "gap") and other.q.unit != slot.q.unit:
            # "258,900 mt in physical content, down 2.43%, and 28,600 mt in metal content": the conjunct
            # parallels the last figure of its own kind, not the change between them
            other = next((s for s in reversed(slots[:index]) if s.q.unit == slot.q.unit), other)
        if not slot.role and other.role in ("change", "level", "expected", "vs_expected", "share_of_producers"):
            slot.role, slot.sign = other.role, other.sign
            slot.verb_form = slot.verb_form or other.verb_form
        elif slot.role == "change" and not slot.sign:
            slot.sign = other.sign
        if how == "restate" and not slot.basis and slot.point is None:
            source = other
            if slot.role == "change" and other.role != "change":
                # "grew by 5,600 mt from March to 64,900 mt, a 9.4% gain": the % restates the change
                source = change_behind(slots, chunks, index) or other
            slot.basis, slot.point = source.basis, source.point
    for slot in reversed(slots):  # "up 124,600 mt or 12.41% YoY": the marker after the restatement
        if slot.link is not None and slot.link[0] in ("restate", "coordinate"):
            other = slots[slot.link[1]]
            trailing = "marker_after" in slot.frames and other.q.unit == slot.q.unit  # "... and 6.0% ... on the month"
            if not other.basis and other.point is None and other.role == slot.role \
                    and (slot.link[0] == "restate" or slot.point is not None or trailing):
                # "up 4.8% in physical and 2.3% in metal content from February"
                other.basis, other.point = slot.basis, slot.point


def _language_rules(slot: Slot, chunks: list[Chunk]) -> None:
    q = slot.q
    if slot.role == "change" and q.bound and q.unit in LEVEL_UNITS and "change_by" in slot.frames \
            and not _by_before(chunks, slot.index):
        slot.role = "level"  # "fell below 5,000 mt", "rose above 1 million mt": a bound on the level
        slot.frames.append("bound_after_change_verb")
    if q.unit == "pp" and slot.role == "level":
        slot.role = "change"  # percentage points are always a change of a rate
        slot.frames.append("pp_is_change")


def _by_before(chunks: list[Chunk], index: int) -> bool:
    k = index - 1
    while k >= 0 and chunks[k].code == "F":
        k -= 1
    return k >= 0 and chunks[k].code == "B"
