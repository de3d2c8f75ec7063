"""Attachment: of what, which breakdown, which product and which month each figure is.

Everything is read from the figure's clause (sentences split at semicolons), in chunks, never in
characters:
- the subject: the metric noun before the figure (production, operating rate, ...), or after it for
  "a 1.81% drop in operating rates" and "a 42.89% share"; with its noun phrase (the words around that
  noun up to the verb: "the operating rate of large smelters"). A clause with no metric noun of its
  own ("Sichuan and Yunnan added 2,600 mt") takes the one of the clause before it;
- the breakdown: a segment right after the figure ("29,100 mt in metal content"), the figure's own
  words in a list ("MHP about 18%"), its place in a "respectively" list, its subject's noun phrase, the
  clause's opening phrase ("In the causticisation sector, ..."), the line's label ("Lithium carbonate
  derived from spodumene: ..."). An unknown word in the subject's noun phrase is an unknown breakdown:
  the figure is left unread, with the word, rather than taken for the national figure;
- the product: the section's, unless the subject names another catalogue product specifically
  ("stainless steel production" in the NPI section);
- the month: a time right after the figure, in the subject, in the clause's opening, the future tense
  (next month), else the paragraph's month. A month that is a comparison point ("from June") never
  dates the figure; a year-to-date span in the subject makes it cumulative.
- context: a daily figure, demand, one company's plant, a quarter's figure: not the panel, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from smm_pipeline import catalogue
from smm_pipeline.chunks import Chunk, Sentence, subclause_start
from smm_pipeline.lexicon import lexicon, plural
from smm_pipeline.numbers import SIDE_UNITS
from smm_pipeline.periods import shift_month
from smm_pipeline.roles import Slot
from smm_pipeline.segments import snake
from smm_pipeline.timex import When

NO_SUBJECT = "no subject"
"""The reason of a figure whose words name no metric (a change of it may also lack its comparison)."""
_NP_CODES = frozenset("FSPwD'TYy-cHu#")
"""Codes that may stand inside a noun phrase."""
_PRODUCER_AXES = ("size:", "feed:", "series:")
"""Breakdowns of producers: in the clause's subject they apply to the rate or share its object names
("Large smelters recorded an operating rate of 88.6%")."""
_RATE_METRICS = frozenset({"operating_rate", "share"})
_TONNAGE_METRICS = frozenset({"production", "capacity", "operating_capacity", "inventory", "imports"})
_AXIS_ORDER = ("item:", "status:", "sample:", "basis:", "grade:", "series:", "form:", "stage:", "source:", "raw:",
               "mode:", "size:", "feed:", "region:", "content:")
"""When a noun phrase names several breakdowns, the more specific axis wins ("the metal content of
high-grade NPI production" is the high-grade breakdown)."""


@dataclass(slots=True)
class Scope:
    """What is known before reading a sentence: the report, the section, and the paragraph so far."""

    report_month: str
    forecast_month: str
    product: str
    group: str
    period: str
    """The month the paragraph is talking about so far."""
    label_segment: str = ""
    """A breakdown the line's label or a sub-heading set ("Yunnan region:", "Lithium carbonate derived
    from spodumene:")."""
    metric: str = ""
    """The metric of the last figure read in the paragraph (a clause with no subject of its own)."""
    bases: dict[tuple[str, str], str] = field(default_factory=dict)
    """(metric, kind of change) -> the comparison of the first labelled change in the paragraph."""
    last_basis: dict[str, str] = field(default_factory=dict)
    """metric -> the comparison of the paragraph's latest labelled change (what "the rise" refers to)."""
    last_segment: dict[tuple[str, str], str] = field(default_factory=dict)
    """(metric, comparison) -> the breakdown of the paragraph's latest change ("The 6.9% monthly gain" of
    a product reported in cobalt content is that content's)."""


def clause_bounds(chunks: list[Chunk], k: int) -> tuple[int, int]:
    """The clause (chunks between semicolons outside brackets) that holds chunk k."""
    start = k
    while start > 0 and not (chunks[start - 1].code == ";" and chunks[start - 1].depth == 0):
        start -= 1
    end = k
    while end < len(chunks) and not (chunks[end].code == ";" and chunks[end].depth == 0):
        end += 1
    return start, end


def attach(sentence: Sentence, slots: list[Slot], scope: Scope) -> None:
    """Metric, segment, product, period and context of every slot (see the module docstring)."""
    chunks = sentence.chunks
    skipped = _examples(chunks)
    topic = _topic_product(chunks, scope)
    for slot in slots:
        _attach_one(sentence, slot, slots, scope, skipped)
        if topic and not slot.reason and slot.product == scope.product:
            slot.product = topic
    respective_products(chunks, slots)
    _share_content_basis(chunks, slots)


def _attach_one(sentence: Sentence, slot: Slot, slots: list[Slot], scope: Scope, skipped: set[int]) -> None:
    chunks = sentence.chunks
    k = slot.index
    c0, c1 = clause_bounds(chunks, k)
    q = slot.q
    if q.unit in SIDE_UNITS:
        slot.reason = f"context: {SIDE_UNITS[q.unit]}, not a panel figure"
        return
    total_share = _share_of_total(chunks, k, q.unit)
    if total_share:  # "1.02 million mt, or about 31% of the total": a share, not a restatement
        slot.role, slot.link = "level", None
        slot.frames.append("share_of_total")
    np, head, adjacent = _subject(chunks, k, c0, c1, q.unit, skipped)
    linked = slots[slot.link[1]].index if slot.link is not None else None
    bracketed = chunks[k].depth > 0 and linked is not None and chunks[linked].depth < chunks[k].depth
    listed = any(chunks[i].code == "r" for i in range(k, c1))
    if (not adjacent or bracketed) and not listed and slot.link is not None \
            and slot.link[0] in ("coordinate", "restate", "continue"):
        _inherit(slot, slots, sentence, scope, c0)
        return
    side = _side_subject(chunks, k, c0, head, np) or _daily(chunks, k, c0, c1)
    if side:
        slot.reason = f"context: {side}"
        return
    if _company(chunks, np, c0, k):
        slot.reason = "context: a single plant or company, not the national panel"
        return
    if _some_producers(chunks, np, c0, k):
        slot.reason = "context: some producers, not the national panel"
        return
    slot.metric = "share" if total_share else _metric(chunks, head, np, slot, scope)
    _period(sentence, slot, slots, scope, np, c0)
    if slot.reason:
        return
    slot.product = _product(chunks, head, np, scope, k)
    slot.segment = _segment(sentence, slot, slots, head, np, c0, scope, skipped)
    _fit_unit(slot, chunks, slots)


def _topic_product(chunks: list[Chunk], scope: Scope) -> str:
    """A sentence that opens by naming another catalogue product as its topic ("Secondary lead went the
    other way: recyclers raised output ...") is about that product."""
    colon = next((i for i, c in enumerate(chunks) if c.code == ":"), None)
    if colon is None or colon > 8:
        return ""
    named = [c for c in chunks[:colon] if c.code == "P"]
    if len(named) == 1 and named[0].attr("specific") and str(named[0].attr("product")) != scope.product \
            and not _names_section(named[0].text, scope.product) and not any(c.code in "QzU" for c in chunks[:colon]):
        return str(named[0].attr("product"))
    return ""


def _inherit(slot: Slot, slots: list[Slot], sentence: Sentence, scope: Scope, c0: int) -> None:
    """A figure with no subject of its own that restates or continues another ("rose by 13.96% MoM and
    1.28% YoY") is about the same thing; only a breakdown right after it is its own."""
    assert slot.link is not None
    other = slots[slot.link[1]]
    slot.reason = other.reason
    slot.metric, slot.product, slot.segment = other.metric, other.product, other.segment
    _period(sentence, slot, slots, scope, [], c0)
    if not slot.reason:
        slot.segment = _segment_after(sentence.chunks, slot.index, slot.metric, scope.group) or slot.segment
        _fit_unit(slot, sentence.chunks, slots)


# --- the subject ----------------------------------------------------------------------------------------

_VERB_GROUP = frozenset("GCBFvLtZXMOqKNVf")
"""Codes between a subject and its figure ("... production will decrease by", "... was", "... of")."""


def _examples(chunks: list[Chunk]) -> set[int]:
    """Chunks in an example list ("southern regions such as Sichuan, Guizhou, and Guangxi"): no subject."""
    skipped: set[int] = set()
    for i, chunk in enumerate(chunks):
        if chunk.code != "e":
            continue
        j = i + 1
        while j < len(chunks):
            code = chunks[j].code
            if code in "SPwF-" or (code in ",A" and j + 1 < len(chunks) and chunks[j + 1].code in "SPwF"):
                skipped.add(j)
                j += 1
                continue
            break
    return skipped


def _subject(chunks: list[Chunk], k: int, c0: int, c1: int, unit: str,
             skipped: set[int]) -> tuple[list[int], int | None, bool]:
    """(the subject's noun phrase, its metric noun, whether the phrase is the figure's own) of the
    figure at k.

    The subject is the noun phrase right before the figure's verb group ("the metal content will
    increase by", "large smelters was", "MHP about"); a phrase without a metric noun takes the nearest
    one before it for its metric (attach._metric). A figure whose words lead to a noun after it ("a
    1.81% drop in operating rates", "a 42.89% share") has that noun. Failing both, the nearest metric
    noun before it in the clause."""
    after = _noun_after(chunks, k, c1, unit)
    if after is not None:
        return _phrase(chunks, after, k if k > after else len(chunks)), after, True
    i = k - 1
    while i >= c0 and chunks[i].code in _VERB_GROUP:
        i -= 1
    if any(chunks[j].text.lower() in lexicon().words("PRONOUN") for j in range(i + 1, k)):
        head = next((j for j in range(c0, k) if chunks[j].code == "U" and chunks[j].depth == chunks[k].depth), None)
        if head is not None:
            # "..., but it remained 20.89% below": the sentence's metric noun, with the breakdown its own
            # clause names ("while in south China it fell by 50,000 mt")
            own = max(subclause_start(chunks, c0, k), i + 1 if chunks[i].code == "," else c0)
            return [head, *(j for j in range(own, k) if chunks[j].code == "S")], head, False
    if i >= c0 and chunks[i].code == "," and i - 1 in skipped:  # "the southern regions, including ..., posted"
        while i >= c0 and (i - 1 in skipped or chunks[i - 1].code == "e"):
            i -= 1
        i -= 2
    if i >= c0 and chunks[i].code == ")":
        depth = chunks[i].depth
        i -= 1
        while i >= c0 and not (chunks[i].code == "(" and chunks[i].depth == depth):
            i -= 1
        i -= 1
    if i >= c0 and chunks[i].code in "SPUwDT'H" and i not in skipped:
        members = _walk_left(chunks, i, c0)
        heads = [m for m in members if chunks[m].code == "U"]
        if heads:
            head = _outer_head(chunks, heads[0])
            return sorted(set(members) | set(_phrase(chunks, head, k))), head, True
        if any(chunks[m].code in "SPD" for m in members):
            return members, None, True
    depth = chunks[k].depth
    phrase = next((j + 1 for j in range(k - 1, c0 - 1, -1) if chunks[j].code == "," and chunks[j].depth == depth), c0)
    if phrase > c0 and not any(chunks[j].code in "UQz" for j in range(phrase, k)):
        own = _clause_subject(chunks, phrase, k)  # ", the 6-series product kept the lead with 44.1%,"
        if any(chunks[j].code in "SPD" and j not in skipped for j in own):
            return own, None, False
    sub = subclause_start(chunks, c0, k)
    if sub > c0:  # ", while small smelters, squeezed by ..., slipped 0.8 points": the sub-clause's own subject
        for j in range(k - 1, sub - 1, -1):
            if j not in skipped and chunks[j].code == "U" and chunks[j].depth <= depth:
                head = _outer_head(chunks, j)
                return _phrase(chunks, head, k), head, False
        subject = [i for i in _clause_subject(chunks, sub, k) if chunks[i].code in "SPD"]
        if subject:
            return _clause_subject(chunks, sub, k), None, False
    for j in range(k - 1, c0 - 1, -1):
        if j not in skipped and chunks[j].code == "U" and chunks[j].depth <= depth:
            head = _outer_head(chunks, j)
            return _phrase(chunks, head, k), head, False
    subject = [i for i in _clause_subject(chunks, c0, k) if chunks[i].code in "SPD"]
    if subject:  # "Large smelters led the way at 88.4%": a subject with no metric noun
        return _clause_subject(chunks, c0, k), None, False
    comma = next((j for j in range(k + 1, c1) if chunks[j].code == "," and chunks[j].depth == depth), None)
    if comma is not None:  # "At 53,600 mt, lithium carbonate production was ...": the subject after the opening
        j = comma + 1
        while j < c1 and chunks[j].code in "FSPwT'":
            j += 1
        if j < c1 and chunks[j].code == "U":
            return _phrase(chunks, j, c1), j, True
    return [], None, False


def _share_of_total(chunks: list[Chunk], k: int, unit: str) -> bool:
    """"about 31% of the total", "40% of national output", "took 47.2% of output": a percentage of the
    whole is a share."""
    if unit != "%" or k + 1 >= len(chunks) or chunks[k + 1].code != "O":
        return False
    aggregate = lexicon().words("AGGREGATE")
    j = k + 2
    while j < len(chunks) and chunks[j].code == "F" and chunks[j].text.lower() not in aggregate:
        j += 1
    if j < len(chunks) and chunks[j].text.lower() in aggregate:
        j += 1
        if j >= len(chunks) or chunks[j].code != "P":
            return True  # "31% of the total" (not "of the total copper ...", a product's)
    # "took 47.2% of output", "supplied 39% of national production" (a metric noun that names a whole)
    return j < len(chunks) and chunks[j].code == "U" and bool(chunks[j].attr("whole"))


def _noun_after(chunks: list[Chunk], k: int, c1: int, unit: str) -> int | None:
    """"a 1.81% drop in operating rates", "a 42.89% share", "29.06% and 17.37% market shares": a metric
    noun the figure's own words lead to."""
    if unit not in ("%", "pp"):
        j = k + 2
        while j < c1 and j <= k + 3 and chunks[j].code in "Fw":
            j += 1  # "1.1 million mt of annual capacity"
        if k + 1 < c1 and chunks[k + 1].code == "O" and j < c1 and chunks[j].code == "U":
            return j  # "five smelters with 1.62 million mt of capacity"
        return None
    j = k + 1
    before = k - 1
    while before >= 0 and chunks[before].code in "FO":
        before -= 1
    changed = before >= 0 and chunks[before].code == "N"  # "an increase of 1-2% MoM in July polysilicon output"
    while j < c1:
        code = chunks[j].code
        if code in "MF":
            j += 1
        elif code in "NK":
            changed = True
            j += 1
        elif code in "VTPS" and changed:
            j += 1
        elif code == "A" and j + 1 < c1 and chunks[j + 1].code in "Qz":
            j += 2
        else:
            break
    if j < c1 and chunks[j].code == "U" and (changed or chunks[j].attr("metric") in _RATE_METRICS):
        return j
    return None


def _walk_left(chunks: list[Chunk], i: int, c0: int) -> list[int]:
    """A noun phrase ending at chunk i: its words back to the phrase's start, through "of" and "in"
    ("the operating rate of large smelters", "production in July")."""
    members = []
    while i >= c0:
        code = chunks[i].code
        if code in _NP_CODES or code == "U":
            members.append(i)
            i -= 1
        elif (code in "OVA" or _at_word(chunks[i])) and members and i > c0 and chunks[i - 1].code in _NP_CODES | {"U"}:
            if code == "A" and _trails_a_figure(chunks, i - 1, c0):
                break  # "up 0.91% MoM in physical content and metal content will rise": a new subject
            members.append(i)
            i -= 1
        else:
            break
    return sorted(members)


def _trails_a_figure(chunks: list[Chunk], i: int, c0: int) -> bool:
    """Whether the noun phrase ending at i follows a figure or its marker ("0.91% MoM in physical content")."""
    while i >= c0 and chunks[i].code in _NP_CODES | {"U"}:
        i -= 1
    return i >= c0 and chunks[i].code in "QzM"


def _at_word(chunk: Chunk) -> bool:
    """"at" inside a noun phrase ("the operating rate at large smelters"), tagged as a level cue."""
    return chunk.code == "L" and bool(chunk.attr("preposition"))


def _outer_head(chunks: list[Chunk], i: int) -> int:
    """"the share of the 6-series in total output": the noun whose phrase holds this one."""
    j = i - 1
    while j >= 0 and chunks[j].code in "FSPwD'-":
        j -= 1
    if j >= 1 and chunks[j].code in "OV" and chunks[j - 1].code == "U" \
            and chunks[j - 1].attr("metric") in _RATE_METRICS:
        return j - 1
    return i


def _phrase(chunks: list[Chunk], head: int, limit: int) -> list[int]:
    """The noun phrase of the subject at `head`: its modifiers before it, and after it up to the verb
    (or the figure at `limit`); an aside in brackets is skipped."""
    members = [head]
    i = head - 1
    while i >= 0:
        code = chunks[i].code
        if code in _NP_CODES:
            members.append(i)
            i -= 1
        elif code == "O" and i >= 1 and chunks[i - 1].code == "S":
            members.append(i - 1)  # "the metal content of NPI production"
            i -= 2
        else:
            break
    i = head + 1
    while i < min(limit, len(chunks)):
        code = chunks[i].code
        if code in _NP_CODES or code in "OV" or (code == "U" and i == head + 1) or (
                _at_word(chunks[i]) and i + 1 < limit and chunks[i + 1].code in "FSDPw") or (
                code in "Wm" and i + 1 < limit and chunks[i + 1].code == "Y"):  # "output over January-July"
            members.append(i)
            i += 1
        elif code == "(":
            depth = chunks[i].depth
            while i < len(chunks) and not (chunks[i].code == ")" and chunks[i].depth == depth):
                i += 1
            i += 1
        else:
            break
    return sorted(members)


def _side_subject(chunks: list[Chunk], k: int, c0: int, head: int | None, np: list[int]) -> str:
    """Why the figure is about something other than the panel: a side subject (demand, daily output, a
    contribution) in its noun phrase or between its metric noun and it."""
    for m in np:
        if chunks[m].code == "H" and (head is None or m < head or m == head - 1):
            return str(chunks[m].attr("reason"))
    j = k + 1
    if head is None and j < len(chunks) and chunks[j].code == "O":  # "consumes about 10% of the state's power"
        j += 1
        while j < len(chunks) and chunks[j].code in "wFSP'~":
            j += 1
        if j < len(chunks) and chunks[j].code == "H":
            return str(chunks[j].attr("reason"))
    start = max(head if head is not None else (np[-1] if np else c0), subclause_start(chunks, c0, k) - 1)
    for i in range(k - 1, start, -1):
        if chunks[i].code == "H" and chunks[i].depth == chunks[k].depth:
            return str(chunks[i].attr("reason"))
    return ""


def _daily(chunks: list[Chunk], k: int, c0: int, c1: int) -> str:
    """A daily figure: "2,000 mt a day", or an average in a clause about days ("Measured per day the drop
    was milder: output averaged 205,100 mt")."""
    following = chunks[k + 1] if k + 1 < c1 else None
    daily = "a daily or weekly figure, not the month's"
    if following is not None and following.code == "H" and following.attr("reason") == daily:
        return daily
    averaged = any(chunks[i].code == "L" and chunks[i].attr("average") for i in range(max(c0, k - 3), k))
    if averaged and any(chunks[i].code == "H" and chunks[i].attr("reason") == daily for i in range(c0, c1)):
        return daily
    opening = next((i for i in range(c0, k) if chunks[i].code == ","), None)
    adverbial = opening is not None and not any(chunks[i].code in "CLvGKf" for i in range(c0, opening))
    if adverbial and any(chunks[i].code == "H" and chunks[i].attr("reason") == daily for i in range(c0, opening)):
        return daily  # "On a daily basis, output slipped to 194,400 mt" (not "Daily output edged higher, and ...")
    return ""


def _company(chunks: list[Chunk], np: list[int], c0: int, k: int) -> bool:
    """Whether the figure is one plant's or company's: its subject, or the subject of its clause, names
    one by a name (a capitalised word the lexicon does not know), a company word, or a single producer
    after a determiner or a name ("a smelter in Yunnan", "the Alumar smelter"), and the figure's own
    subject is not an aggregate ("the industry's", "China's", "total")."""
    if any(chunks[m].text.lower() in lexicon().words("AGGREGATE") for m in np):
        return False
    if any(chunks[m].code == "U" for m in np if m < k):
        return _names_company(chunks, np)  # a subject with its own metric noun speaks for itself
    return _names_company(chunks, np) or _names_company(chunks, _clause_subject(chunks, c0, k))


def _some_producers(chunks: list[Chunk], np: list[int], c0: int, k: int) -> bool:
    """"some mainstream producers have planned to implement a 30% production cut": producers counted as a
    part of the industry are the subject of the figure's clause (and its own subject names no total)."""
    if any(chunks[m].text.lower() in lexicon().words("AGGREGATE") for m in np):
        return False
    partitive = lexicon().words("PARTITIVE")
    phrase = next((j + 1 for j in range(k - 1, c0 - 1, -1) if chunks[j].code in ",:;"), c0)
    for i in _clause_subject(chunks, max(phrase, subclause_start(chunks, c0, k)), k):
        if chunks[i].code == "D" and chunks[i].attr("plural", True):
            j = i - 1
            while j >= c0 and chunks[j].code in "FSPw" and chunks[j].text.lower() not in partitive:
                j -= 1
            if j >= c0 and chunks[j].text.lower() in partitive:
                return True
    return False


def _names_company(chunks: list[Chunk], members: list[int]) -> bool:
    for i in members:
        chunk = chunks[i]
        if chunk.code == "c":
            return True
        if chunk.code == "D" and not chunk.attr("plural", False) and i > 0 and (
                chunks[i - 1].text.lower() in lexicon().words("DETERMINER")
                or _name(chunks, i - 1)):
            return True
        if _name(chunks, i):
            return True
    return False


def _clause_subject(chunks: list[Chunk], c0: int, k: int) -> list[int]:
    """The noun phrase before the first verb of the clause (after an opening phrase and its comma)."""
    verb = next((i for i in range(c0, k) if chunks[i].code in "CLGvXtN"), k)
    start = c0
    for i in range(c0, verb):
        if chunks[i].code == ",":
            start = i + 1
    return [i for i in range(start, verb) if chunks[i].code in _NP_CODES | {"U", "O", "V"}]


def _name(chunks: list[Chunk], i: int) -> bool:
    """A capitalised word the lexicon does not know: a company or plant name. At a sentence's start a
    capital proves nothing, unless a possessive, a comma or another name follows ("Tomago, located ...")."""
    if i < 0 or chunks[i].code != "w":
        return False
    text = chunks[i].text
    if not text[:1].isupper():
        return False
    if chunks[i].first > 0:
        return True
    following = chunks[i + 1] if i + 1 < len(chunks) else None
    return following is not None and (following.code in "',c"
                                      or (following.code == "w" and following.text[:1].isupper()))


def _metric(chunks: list[Chunk], head: int | None, members: list[int], slot: Slot, scope: Scope) -> str:
    """The metric of the subject noun; an item breakdown names its own ("port inventory"); with no
    noun, the metric of the nearest noun before it, or of the paragraph's last figure."""
    for m in members:
        segment = chunks[m].segment
        if segment is not None and segment.metric:
            return segment.metric
    if head is not None and chunks[head].code == "U":
        return str(chunks[head].attr("metric"))
    if any(chunks[m].code == "P" or (chunks[m].segment is not None and chunks[m].segment.segment.startswith("content:"))
           for m in members):
        return "production"  # "the physical content of Indonesian NPI will rise": the product's own output
    earlier = next((c for c in reversed(chunks[:slot.index]) if c.code == "U"), None)
    if earlier is not None:
        return str(earlier.attr("metric"))
    return scope.metric


# --- the month ---------------------------------------------------------------------------------------------

def compared(chunks: list[Chunk], i: int) -> bool:
    """Whether the time chunk at i is a comparison point ("from June", "than a year earlier"); a span
    never is ("over January-July")."""
    if chunks[i].code != "T":
        return False
    j = i - 1
    while j >= 0 and chunks[j].code in "FOV":
        j -= 1
    return j >= 0 and chunks[j].code in "WmsXKx"


def _attached_time(chunks: list[Chunk], k: int, c1: int) -> int | None:
    """A time right after the figure ("11,911 mt in June 2025", "68.9% in May", "at May-end"), past a
    marker, its breakdown and an aside in brackets."""
    j = k + 1
    while j < c1:
        code = chunks[j].code
        if code in "MFS":
            j += 1
        elif code == "O" and j + 1 < c1 and chunks[j + 1].code in "SPw":
            j += 2  # "12,480 mt of tin concentrate in March 2025" (not "of the March level": a comparison)
        elif code == "(":
            depth = chunks[j].depth
            j += 1
            while j < c1 and not (chunks[j].code == ")" and chunks[j].depth == depth):
                j += 1
            j += 1
        elif code in "VLB":
            j += 1
        else:
            break
    if j < c1 and chunks[j].code in "TYy" and not compared(chunks, j):
        return j
    return None


def _period(sentence: Sentence, slot: Slot, slots: list[Slot], scope: Scope, members: list[int], c0: int) -> None:
    chunks = sentence.chunks
    k = slot.index
    _, c1 = clause_bounds(chunks, k)
    candidates: list[int] = []
    attached = _attached_time(chunks, k, c1)
    if attached is not None:
        candidates.append(attached)
    sub = subclause_start(chunks, c0, k)
    subject_times = [m for m in members if chunks[m].code in "TYy" and not compared(chunks, m)]
    candidates += [m for m in subject_times if m >= sub]
    own = set(candidates)
    """Times that date the figure itself: a quarter or half-year among them makes it no monthly figure;
    one in an opening phrase ("With plants planning year-end shutdowns, ...") does not."""
    if slot.q.unit == "count":  # "Six smelters plan maintenance shutdowns in July"
        j = k + 1
        relative = _relative_clause(chunks, k, c1)
        while j < c1 and chunks[j].code not in ",;":
            if chunks[j].code == "T" and not compared(chunks, j) and j not in relative:
                candidates.append(j)
            j += 1
    # ", and in July it was 759 mt": the figure's own phrase dates it before a subject carried over from
    # the clause before
    candidates += _phrase_times(chunks, c0, k) if sub > c0 else []
    candidates += [m for m in subject_times if m < sub]
    own |= set(subject_times)
    candidates += _opening_times(chunks, c0, k)
    candidates += _phrase_times(chunks, c0, k)
    when = None
    span = None
    for i in candidates:
        w = chunks[i].when
        if w is None:
            continue
        if w.kind == "part":
            if i in own:
                slot.reason = "context: a figure of a quarter or half-year, not of a month"
                return
            continue
        if w.kind == "span":
            if span is None or (not span.month and w.month):
                span = w  # a span that names its end ("January-November") over "cumulative"
            continue
        if w.kind == "year":
            if _whole_year_reported(w.month, scope):
                span = span or When("span", w.month)  # "output totalled 9.3 million mt in 2020" in a December report
            continue
        when = when or w
    period = _month_of(when, scope) if when is not None else ""
    if when is not None and when.kind == "pair":
        slot.point = slot.point or When("month", when.base)
    if not period:
        future = slot.verb_form != "past" and forecast_cue_before(chunks, k)
        period = scope.forecast_month if future else scope.period
    if span is not None:
        slot.ytd = True
        period = span.month or period
    link = slots[slot.link[1]] if slot.link is not None and slot.link[0] == "restate" else None
    if link is not None and link.role == "base":
        # "fell to 56.84 GW in June from 61.27 GW in May, a 7.2% drop": the change from the base is the
        # change to the level the clause reached
        link = next((s for s in slots if s.role == "level" and s.index < link.index), None)
    if link is not None and attached is None and not any(chunks[m].code in "TY" for m in members):
        period, slot.ytd = link.period or period, link.ytd or slot.ytd
    slot.period = period


def _whole_year_reported(december: str, scope: Scope) -> bool:
    """Whether a year's figure is that year's year-to-date total: the report covers its December (or the
    January or February after it, which recall the year just ended), or forecasts it (a November report's
    outlook for December speaks of the whole year)."""
    return scope.report_month == december or shift_month(december, 1) == scope.report_month \
        or shift_month(december, 2) == scope.report_month or scope.forecast_month == december


def named_month(sentence: Sentence, scope: Scope) -> str:
    """The last month a sentence names as its own (not a comparison point, not in brackets): the month
    the paragraph talks about after it ("... for bismuth producers nationwide in August will ...")."""
    chunks = sentence.chunks
    for i in range(len(chunks) - 1, -1, -1):
        when = chunks[i].when
        if when is not None and when.kind in ("month", "relative") and not chunks[i].depth and not compared(chunks, i):
            return _month_of(when, scope)
    return ""


def _month_of(when: When, scope: Scope) -> str:
    if when.kind == "relative":
        return shift_month(scope.report_month, when.offset if when.date_offset is None else when.date_offset)
    return when.month


def _opening_times(chunks: list[Chunk], c0: int, k: int) -> list[int]:
    """Times in the opening phrase of the figure's clause or sentence ("In July,", "Looking ahead to
    August,", "As of the end of July,", "It is expected that in August 2025, ...")."""
    found = []
    for start in sorted({0, c0}):
        end = start
        while end < k and chunks[end].code not in ",;":
            end += 1
        if end >= k:
            continue
        found += [i for i in range(start, end) if chunks[i].code in "TYy" and not compared(chunks, i)
                  and not (i + 1 < end and chunks[i + 1].code in "CLvG" and chunks[i - 1].code != "V")]
        # "February had been cut short" is about February; "production in September will decline" dates it
    return found


def _phrase_times(chunks: list[Chunk], c0: int, k: int) -> list[int]:
    """Times in the figure's own comma-phrase, before it ("output in August will ...")."""
    start = k
    while start > c0 and chunks[start - 1].code not in ",;:":
        start -= 1
    return [i for i in range(start, k) if chunks[i].code in "TYy" and not compared(chunks, i)
            and chunks[i].depth == chunks[k].depth]


def forecast_cue_before(chunks: list[Chunk], k: int) -> bool:
    """Whether a future cue ("will", "is expected to", "SMM forecasts") stands before chunk k in its
    sentence, outside brackets: what it governs is next month's (unless its verb is in the past tense)."""
    return any(chunks[i].code == "G" and chunks[i].depth == 0 for i in range(k))


def time_of(sentence: Sentence, k: int, scope: Scope, verb_form: str = "", later: bool = False) -> str:
    """The month of what chunk k states, by the rules of `_period` without a subject noun phrase (for a
    direction word, whose month may also follow it in its phrase when `later`: "a further MoM increase is
    expected in October")."""
    chunks = sentence.chunks
    c0, c1 = clause_bounds(chunks, k)
    candidates = []
    attached = _attached_time(chunks, k, c1)
    if attached is not None:
        candidates.append(attached)
    if later:
        j = k + 1
        while j < c1 and chunks[j].code not in ",;":
            if chunks[j].code == "T" and not compared(chunks, j):
                candidates.append(j)
            j += 1
    candidates += _phrase_times(chunks, c0, k) + _opening_times(chunks, c0, k)
    for i in candidates:
        when = chunks[i].when
        if when is not None and when.kind in ("month", "relative", "pair"):
            return _month_of(when, scope)
    if verb_form != "past" and forecast_cue_before(chunks, k):
        return scope.forecast_month
    return scope.period


# --- product and breakdown -----------------------------------------------------------------------------

def _product(chunks: list[Chunk], head: int | None, np: list[int], scope: Scope, k: int = -1) -> str:
    """The section's product, unless the subject names another one specifically, next to its noun, or
    the figure is "of" one ("turned out about 3.13 million mt of primary aluminium")."""
    if 0 <= k < len(chunks) - 2 and chunks[k + 1].code == "O" and chunks[k + 2].code == "P":
        named = chunks[k + 2]
        if named.attr("specific") and str(named.attr("product")) != scope.product \
                and not _names_section(named.text, scope.product):
            return str(named.attr("product"))
    if head is None or chunks[head].code != "U":
        return scope.product
    for m in np:
        chunk = chunks[m]
        if chunk.code != "P":
            continue
        product = str(chunk.attr("product"))
        if product == scope.product:
            return scope.product
        adjacent = m == head - 1 or (m == head + 2 and chunks[head + 1].code == "O")
        if adjacent and chunk.attr("specific") and not _names_section(chunk.text, scope.product):
            return product  # "stainless steel production" in the NPI section
    return scope.product


def _names_section(name: str, product: str) -> bool:
    """Whether a name is part of the section product's own name ("NPI" in the Indonesian NPI section)."""
    entry = catalogue.get(product)
    return any(name.lower() in own.lower() for own in (entry.heading, *entry.aliases))


def _segment(sentence: Sentence, slot: Slot, slots: list[Slot], head: int | None, np: list[int], c0: int,
             scope: Scope, skipped: set[int]) -> str:
    chunks = sentence.chunks
    k = slot.index
    if slot.q.unit == "count" or slot.role == "share_of_producers":
        return _count_segment(chunks, slots, slot, c0)
    after = _segment_after(chunks, k, slot.metric, scope.group)
    if after:
        return after
    listed = _respectively(chunks, slots, slot, c0)
    if listed:
        return listed
    named = _best([chunks[m] for m in np if chunks[m].code == "S" and m not in skipped], slot.metric)
    if named:
        return named
    unknown = _unknown_modifiers(chunks, head, np)
    if unknown:
        slot.reason = f"a breakdown the lexicon does not know ({unknown!r}): not the national figure"
        return ""
    opening = _opening_segment(chunks, c0, k, skipped)
    if opening is not None:
        named = _best([chunks[opening]], slot.metric)
        if named:
            return named
    referred = head is not None and head > 0 and chunks[head - 1].text.lower() in lexicon().words("POSSESSIVE")
    produced = head is not None and bool(chunks[head].attr("verb"))  # "causticisation ... produced 6,050 mt"
    subject = [i for i in _clause_subject(chunks, subclause_start(chunks, c0, k), k)
               if chunks[i].code == "S" and i not in skipped and chunks[i].segment is not None
               and (referred or produced or chunks[i].segment.segment.startswith(_PRODUCER_AXES))]
    # "High-grade NPI provided the gain, its nickel content rising 4.73%": "its" names the clause's subject
    named = _best([chunks[i] for i in subject], slot.metric)
    if named:
        return named  # "Large smelters recorded an operating rate of 88.6%"
    sample = _best([c for c in chunks if c.segment is not None and c.segment.segment.startswith("sample:")],
                   slot.metric)
    if sample:
        return sample  # "Before the adjustment, production in June was 680 mt, and in July it was 759 mt"
    if slot.metric == "capacity" and _maintenance_counted(chunks):
        return "item:capacity_under_maintenance"  # "five smelters with 1.62 million mt of capacity plan maintenance"
    names_product = any(chunks[m].code == "P" for m in np)
    if scope.label_segment and not names_product:
        return scope.label_segment
    return ""


def _maintenance_counted(chunks: list[Chunk]) -> bool:
    """Whether the sentence counts producers by maintenance (a status or an item about maintenance)."""
    for chunk in chunks:
        name = chunk.segment.segment if chunk.segment is not None else (
            f"status:{chunk.attr('value')}" if chunk.code == "u" else "")
        if any(word in name for word in lexicon().words("MAINTENANCE")):
            return True
    return False


def _count_segment(chunks: list[Chunk], slots: list[Slot], slot: Slot, c0: int) -> str:
    """What a count of producers (or a share of them) is broken down by: their status ("17 producers
    halted production"), the survey ("33 surveyed producers"), what they have ("the number of smelters
    with maintenance plans", "one smelter had a maintenance plan"); a change of a count is of the count
    before it."""
    k = slot.index
    if slot.role == "change":
        earlier = [s for s in slots if s.index < k and s.metric == "producer_count" and s.role != "change"]
        if earlier:
            return earlier[-1].segment
    _, c1 = clause_bounds(chunks, k)
    items = [c.segment.segment for c in chunks[c0:c1] if c.segment is not None and c.segment.metric == "producer_count"]
    if items:
        return items[0]  # "the number of smelters with maintenance plans", "one smelter had scheduled maintenance"
    j = k + 1
    while j < c1 and chunks[j].code in "FSPwOqD":
        if chunks[j].code == "S" and chunks[j].segment is not None and chunks[j].segment.segment == "sample:surveyed":
            return "sample:surveyed"
        if chunks[j].code == "D":
            if j + 1 < c1 and chunks[j + 1].code == "S" and chunks[j + 1].segment is not None \
                    and chunks[j + 1].segment.segment == "sample:surveyed":
                return "sample:surveyed"  # "the 33 producers surveyed by SMM"
            break
        j += 1
    phrase_end = j
    while phrase_end < c1 and chunks[phrase_end].code not in ",;":
        phrase_end += 1
    relative = _relative_clause(chunks, k, c1)
    for i in list(range(j, phrase_end)) + list(range(k - 1, c0 - 1, -1)):
        if chunks[i].code == "u" and i not in relative:
            return f"status:{chunks[i].attr('value')}"
    for i in range(j, phrase_end):
        if chunks[i].code == "S" and chunks[i].segment is not None:
            return chunks[i].segment.segment
    number_of = next((i for i in range(k - 1, c0 - 1, -1) if chunks[i].code == "n"), None)
    if number_of is not None:
        verb = next((x for x in range(number_of + 1, k) if chunks[x].code in "CLvt"), k)
        words = [c.text for c in chunks[number_of + 1:verb] if c.text.lower() not in lexicon().words("DETERMINER")]
        return "item:" + snake(" ".join(words))
    if j < c1 and chunks[j].code == "D" and j + 1 < c1 and chunks[j + 1].text.lower() in lexicon().words("HAVE"):
        owned = [c.text for c in chunks[j + 2:phrase_end] if c.code in "wS" or c.code == "v"]
        if owned:
            things = snake(" ".join([*owned[:-1], plural(owned[-1].lower())]))
            return f"item:{plural(chunks[j].text.lower())}_with_{things}"
    if any(c.segment is not None and c.segment.segment == "sample:surveyed" for c in chunks):
        return "sample:surveyed"
    return ""


def _best(chunks: list[Chunk], metric: str) -> str:
    segments = [c.segment for c in chunks if c.segment is not None and metric not in c.segment.neutral_for]
    if not segments:
        return ""
    for axis in _AXIS_ORDER:
        for s in segments:
            if s.segment.startswith(axis):
                return s.segment
    return segments[-1].segment


def _segment_after(chunks: list[Chunk], k: int, metric: str = "", group: str = "") -> str:
    """"29,100 mt in metal content", "2.11% MoM in physical content", "12,480 mt of tin concentrate": a
    breakdown right after the figure (an item only if it is of the figure's metric)."""
    j = k + 1
    while j < len(chunks) and chunks[j].code in "MF":
        j += 1
    if j + 1 < len(chunks) and chunks[j].code == "O" and chunks[j + 1].text.lower() in _elements(group):
        return "content:metal"  # "32,560 mt of nickel"
    if j + 1 < len(chunks) and chunks[j].code == "O" and chunks[j + 1].code == "P":
        j += 2  # "43.7 kt of NPI (in Ni metal)"
    if j < len(chunks) and chunks[j].code == "(":
        j += 1
    if j < len(chunks) and chunks[j].code in "KWm":  # "... below the year-ago figure in cobalt terms"
        x = j + 1
        while x < len(chunks) and chunks[x].code in "FOVW":
            x += 1
        if x < len(chunks) and chunks[x].code == "T" and x + 1 < len(chunks) and chunks[x + 1].code == "S":
            j = x + 1
    if j < len(chunks) and chunks[j].code in "VO":
        j += 1
    if j < len(chunks) and chunks[j].code == "S" and chunks[j].segment is not None:
        segment = chunks[j].segment
        if segment.segment.startswith(("content:", "grade:", "source:", "form:", "series:")) or (
                segment.metric and segment.metric == metric):
            return segment.segment
    return ""


@cache
def _elements(group: str) -> frozenset[str]:
    """Element names whose figures are a compound's metal content, in sections of this product group."""
    return frozenset(sense.phrase.lower() for sense in lexicon().senses("ELEMENT") if group in sense.get("groups", ()))


def _respectively(chunks: list[Chunk], slots: list[Slot], slot: Slot, c0: int) -> str:
    """"the 8-series and 9-series ... 27.39% and 9.96%, respectively": the n-th figure of a list goes to
    the n-th breakdown named before it."""
    _, c1 = clause_bounds(chunks, slot.index)
    if not any(chunks[i].code == "r" for i in range(slot.index, c1)):
        return ""
    c0 = subclause_start(chunks, c0, slot.index)
    listed = [s for s in slots if c0 <= s.index < c1 and s.q.unit == slot.q.unit]
    first = listed[0].index if listed else slot.index
    names = [chunks[i].segment.segment for i in range(c0, first) if chunks[i].code == "S"
             and chunks[i].segment is not None]
    if len(names) < len(listed):
        return ""
    names = names[-len(listed):]
    return names[listed.index(slot)] if slot in listed else ""


def respective_products(chunks: list[Chunk], slots: list[Slot]) -> None:
    """"Lithium carbonate and lithium hydroxide output fell 3.2% and 5.6% respectively": the n-th figure
    of the list is the n-th product's."""
    for r, chunk in enumerate(chunks):
        if chunk.code != "r":
            continue
        c0, _ = clause_bounds(chunks, r)
        listed = [s for s in slots if c0 <= s.index < r and not s.reason]
        if len(listed) < 2:
            continue
        first = listed[0].index
        products = [str(chunks[i].attr("product")) for i in range(c0, first) if chunks[i].code == "P"]
        if len(products) == len(listed) and len(set(products)) == len(products):
            for slot, product in zip(listed, products, strict=True):
                slot.product = product


def _opening_segment(chunks: list[Chunk], c0: int, k: int, skipped: set[int]) -> int | None:
    """A breakdown in the clause's opening phrase ("In the causticisation sector, ...", "while in
    southern regions such as Sichuan, ...", "Before the adjustment, ...")."""
    i = c0
    while i < k and chunks[i].code in "AF":
        i += 1
    topic = chunks[i].text.lower() in lexicon().words("TOPIC_OPENER") if i < k else False
    if i >= k or not (topic or (chunks[i].code == "S" and chunks[i + 1].code == ",")):
        return None
    end = i
    while end < k and chunks[end].code not in ",;":
        end += 1
    if end >= k:
        return None
    found = [j for j in range(i, end) if chunks[j].code == "S" and j not in skipped]
    return found[-1] if found else None


def _unknown_modifiers(chunks: list[Chunk], head: int | None, np: list[int]) -> str:
    """Lower-case words the lexicon does not know right before the subject noun (or before the product
    name before it): "alloy production", "by-product silver output". A breakdown that cannot be named."""
    if head is None or chunks[head].code != "U":
        return ""
    words = []
    i = head - 1
    while i >= 0 and i in np and chunks[i].code in "wP'":
        if chunks[i].code == "w" and chunks[i].text[:1].islower():
            words.append(chunks[i].text)
        i -= 1  # a determiner or a neutral word ("crude", "the") ends the modifiers
    return " ".join(reversed(words))


def _share_content_basis(chunks: list[Chunk], slots: list[Slot]) -> None:
    """Production figures of one clause about one content basis share it: "29,100 mt in metal content
    (equivalent to 132,200 mt in physical content) in July, up 17.30% MoM" are all metal content (the
    aside in brackets does not count)."""
    by_clause: dict[tuple[int, int], list[Slot]] = {}
    for slot in slots:
        if not slot.reason and slot.metric == "production":
            c0, c1 = clause_bounds(chunks, slot.index)
            by_clause.setdefault((subclause_start(chunks, c0, slot.index), c1), []).append(slot)
    for members in by_clause.values():
        bases = {s.segment for s in members if s.segment.startswith("content:") and chunks[s.index].depth == 0
                 and not (s.link is not None and s.link[0] == "restate" and s.role == "level")}
        if len(bases) == 1:
            (basis,) = bases
            for s in members:
                if s.segment == "":
                    s.segment = basis


def _fit_unit(slot: Slot, chunks: list[Chunk], slots: list[Slot]) -> None:
    """The metric a unit allows (an operating rate is never in mt), and the changes a unit implies."""
    unit, metric = slot.q.unit, slot.metric
    if unit == "count":
        _count(slot, chunks)
        return
    if not metric:
        slot.reason = NO_SUBJECT + ": the figure names no metric and follows none"
        return
    if unit in ("yuan/mt", "usd/mt", "usd/dmt", "yuan/mtu", "usd/mtu"):
        slot.metric = metric if metric in ("price", "treatment_charge") else "price"
        return
    if unit == "mt/year":
        if metric not in ("capacity", "operating_capacity"):
            slot.metric = "capacity" if metric != "production" else ""
            if not slot.metric:
                slot.reason = "an annual rate of production, not the month's"
        return
    if unit in ("%",) and slot.role == "level" and metric in _TONNAGE_METRICS:
        if slot.q.value_high is not None and slot.q.value < 0 < slot.q.value_high:
            slot.role = "change"  # "within ±2-3%": a change either way
            slot.frames.append("percent_of_tonnage_is_change")
            return
        sign = _nearest_sign(chunks, slot.index)
        if sign:
            slot.role, slot.sign = "change", sign
            slot.frames.append("percent_of_tonnage_is_change")
        else:
            slot.reason = f"a percentage of {metric} that states no change"
        return
    if unit in ("mt", "GW", "sqm") and metric in _RATE_METRICS:
        slot.metric = "production"


def _nearest_sign(chunks: list[Chunk], k: int) -> int:
    c0, _ = clause_bounds(chunks, k)
    for i in range(k - 1, c0 - 1, -1):
        if chunks[i].code in "CNf" and chunks[i].attr("sign"):
            return int(chunks[i].attr("sign"))
    return 0


def _relative_clause(chunks: list[Chunk], k: int, c1: int) -> set[int]:
    """A relative clause on the counted noun that a main verb follows ("three smelters that underwent
    maintenance in July are expected to resume production in August"): it describes the producers; the
    main verb says what is counted and when."""
    relatives = frozenset(lexicon().phrases("RELATIVE"))
    for i in range(k + 1, c1):
        if chunks[i].code in ",;":
            break
        if chunks[i].text.lower() in relatives and chunks[i - 1].code in "DPS":
            end = next((j for j in range(i + 1, c1) if chunks[j].code in "GLv,;"), c1)
            return set(range(i, end)) if end < c1 and chunks[end].code in "GLv" else set()
    return set()


def _count(slot: Slot, chunks: list[Chunk]) -> None:
    """A bare number counts producers when producers follow it; otherwise it is context."""
    k = slot.index
    j = k + 1
    while j < len(chunks) and j - k <= 6 and chunks[j].code in "FSPwOQL":
        j += 1  # "five smelters", "none of the 24 surveyed producers", "two were in shutdown"
    producers = j < len(chunks) and chunks[j].code in "Du"
    if producers or slot.role == "change" or (_number_of_before(chunks, k) and not _counts_other(chunks, k)):
        slot.metric = "producer_count"
        return
    slot.reason = "a bare number: no unit and nothing counted"
    if _counts_other(chunks, k):
        slot.reason = f"context: a count of {chunks[k + 1].text}, not of producers"


def _counts_other(chunks: list[Chunk], k: int) -> bool:
    """"distributed across 8 provinces": the number counts a noun that is no producer."""
    return k + 1 < len(chunks) and chunks[k + 1].code == "w" and chunks[k + 1].text.islower()


def _number_of_before(chunks: list[Chunk], k: int) -> bool:
    c0, _ = clause_bounds(chunks, k)
    return any(chunks[i].code == "n" for i in range(c0, k))
