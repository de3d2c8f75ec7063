"""Directions stated without a figure: "a slight MoM increase", "will remain stable", "is expected to
continue rising slightly" (FACTS.md mom_dir / yoy_dir).

A direction word (a change verb or noun, a word of stability, a trend) is a direction of the product's
production when its subject is production with no breakdown (or with none named at all), it governs no
figure, and nothing negates it ("is not expected to rise", "no recovery in sight"). Its comparison is
the marker beside it ("a slight MoM increase", "a decrease both MoM and YoY"); a direction with none
is against the month before, as the reports use it. Its month is read like a figure's. A direction
verb that leads to a level ("slid to 3,190 mt") states a direction only for a forecast: an actual
level says more than its verb.

Report-level rules (which direction stands where several are said, and none where a figure states the
change) are in extraction.py.
"""

from __future__ import annotations

from smm_pipeline.attach import Scope, clause_bounds, forecast_cue_before, time_of
from smm_pipeline.chunks import Chunk, Sentence
from smm_pipeline.lexicon import lexicon
from smm_pipeline.periods import basis_between, shift_month
from smm_pipeline.reader import Reading
from smm_pipeline.roles import Slot
from smm_pipeline.timex import When

AMBIGUOUS = "a direction with no MoM/YoY label beside MoM and YoY directions that differ"
"""Why a direction is not read: which of the two changes does it mean?"""


def ambiguous(found: list[Reading]) -> list[Reading]:
    """Directions of a sentence with no label, where the sentence's labelled MoM and YoY directions differ
    ("increased significantly, with a slight MoM increase and a YoY decline")."""
    signs = {r.measure: r.value for r in found if not r.unlabelled}
    if signs.get("mom_dir") is None or signs.get("yoy_dir") is None or signs["mom_dir"] == signs["yoy_dir"]:
        return []
    return [r for r in found if r.unlabelled]


def directions(sentence: Sentence, slots: list[Slot], scope: Scope) -> list[Reading]:
    """The direction-only readings of a sentence."""
    chunks = sentence.chunks
    covered = {i for slot in slots if not {"level_after_to", "level_cue"} & set(slot.frames) for i in range(*slot.span)}
    covered |= {slot.sign_chunk for slot in slots if slot.role != "level"}
    found: list[Reading] = []
    for d, chunk in enumerate(chunks):
        if chunk.code not in "CNfK" or d in covered or chunk.depth or _after_flat(chunks, d):
            continue
        point = _point_after(chunks, d)
        if chunk.code == "K" and point is None:
            continue  # a comparative states a direction only against a point: "higher than a year earlier"
        sign = chunk.attr("sign")
        if sign == 0 and chunk.tag != "FLAT" and not _negated(chunks, d):
            continue  # "the change": no direction ("unlikely to change much" is one)
        governs = _governs_figure(chunks, d) and chunk.tag != "FLAT"  # "hold at 70,500 mt" leads to a level
        if sign is None or governs or _attributive(chunks, d):
            continue
        negated = _negated(chunks, d)
        if negated:
            sign = 0  # "is not expected to rise", "unlikely to pick up": no change, as the reports mean it
        elif _ends_streak(chunks, d):
            sign = -sign  # "ended three months of growth": it did not grow
        subject = d if chunk.attr("names_production") else _subject(chunks, d)
        if subject is None or _breakdown_or_company_before(chunks, d):
            continue
        named, product = (False, scope.product) if subject == d else _about_product(chunks, subject, scope)
        if product is None:
            continue
        period = time_of(sentence, d, scope, verb_form=str(chunk.attr("form", "") or ""), later=True)
        bases, explicit = _bases(chunks, d, point, period, scope)
        if not bases:
            continue
        to_level = _leads_to_level(chunks, d) or (chunk.tag == "FLAT" and _governs_figure(chunks, d))
        said_only = to_level and not (period > scope.report_month or forecast_cue_before(chunks, d))
        unlabelled = not explicit and point is None
        for basis in bases:
            found.append(Reading(product, "", "production", period, f"{basis}_dir", float(sign), "dir", "exact",
                                 None, chunk.start, chunk.end, chunk.text,
                                 f"direction:{chunk.tag.lower()}{'+negated' if negated else ''}"
                                 f"{'+unlabelled' if unlabelled else ''}{'+to_level' if said_only else ''}",
                                 direction=True, explicit=(explicit or named) and not negated,
                                 unlabelled=unlabelled, to_level=said_only))
    return found


def _governs_figure(chunks: list[Chunk], d: int) -> bool:
    """"increased by 3%", "a 3% increase", "an increase of 3%": the numeric reading has it."""
    j = d + 1
    while j < len(chunks) and chunks[j].code in "FBOM":
        j += 1
    if j < len(chunks) and chunks[j].code in "Qz":
        return True
    k = d - 1
    while k >= 0 and chunks[k].code in "FM":
        k -= 1
    return k >= 0 and chunks[k].code in "Qz"


def _attributive(chunks: list[Chunk], d: int) -> bool:
    """A direction word that states no direction: a modifier ("steady growth trend", "production increase
    plans"), a reference to a change already stated ("the increase in production came from ..."), or a
    verb whose object is the output ("some producers reduced output": what some producers did)."""
    chunk = chunks[d]
    following = chunks[d + 1] if d + 1 < len(chunks) else None
    if following is None:
        return False
    if chunk.code == "f" and chunk.tag == "FLAT" and following.code in "fNF":
        return True
    definite = d > 0 and chunks[d - 1].text.lower() in lexicon().words("DEFINITE")
    if chunk.code == "N" and (following.code == "w" or definite):
        return True  # "production increase plans"; "the increase in production" refers to one stated
    if chunk.code in "CK" and following.code in "wHS" and not chunk.attr("form"):
        return True  # "facing higher winter power tariffs": an adjective
    return chunk.code == "C" and following.code == "U"


def _breakdown_or_company_before(chunks: list[Chunk], d: int) -> bool:
    """A breakdown or a company named in the direction's phrase before it ("A small amount of capacity
    maintenance in Gansu also led to a decrease", "with BALCO continuing to ramp up production"); not
    before a verb that opens the direction's own clause ("restarts in Yunnan mean output will climb")."""
    stops = ",;vk" if chunks[d].code == "C" else ",;"  # a verb's subject is its own clause; a noun's is not
    c0 = d
    while c0 > 0 and chunks[c0 - 1].code not in stops:
        c0 -= 1
    for i in range(c0, d):
        chunk = chunks[i]
        if chunk.code == "S" and chunk.segment is not None and not chunk.segment.segment.startswith("sample:"):
            return True
        if chunk.quantity is not None and chunk.quantity.unit == "count":
            return True  # "Five producers saw output drop": some producers
        if chunk.code == "D" and not chunk.attr("plural", False):
            j = i - 1
            while j >= c0 and chunks[j].code in "wSPv":  # "Another lead smelter" ("lead" read as a verb)
                j -= 1
            if j >= c0 and chunks[j].text.lower() in lexicon().words("DETERMINER"):
                return True  # "Another lead smelter experienced a decline in silver production": one producer
        named = chunk.code == "w" and chunk.text[:1].isupper() and (chunk.first > 0 or chunk.text.isupper())
        if chunk.code == "c" or named:
            return True
    return False


def _ends_streak(chunks: list[Chunk], d: int) -> bool:
    """"ended three months of growth", "snapped a run of declines": a word that ends the streak the change
    noun names stands before it."""
    j = d - 1
    while j >= 0 and d - j <= 6 and chunks[j].code in "FwQO#TYyqn":
        j -= 1
    return j >= 0 and chunks[j].code == "j"


def _negated(chunks: list[Chunk], d: int) -> bool:
    """A negation in the direction word's phrase (between commas)."""
    start, end = d, d
    while start > 0 and chunks[start - 1].code not in ",;":
        start -= 1
    while end < len(chunks) and chunks[end].code not in ",;":
        end += 1
    return any(chunks[i].code == "Z" for i in range(start, end))


def _subject(chunks: list[Chunk], d: int) -> int | None:
    """The production noun the direction is about: before it in its clause, or right after it ("an
    increase in production")."""
    c0, c1 = clause_bounds(chunks, d)
    j = d + 1
    while j < c1 and chunks[j].code in "FM":
        j += 1
    if chunks[d].code in "Nf" and j < c1 and chunks[j].code in "VO":  # "a rebound in the industry's operating rate"
        k = j + 1
        while k < c1 and chunks[k].code in "F'PS":
            k += 1
        if k < c1 and chunks[k].code in "UH":
            return k if chunks[k].attr("metric") == "production" else None
    if j < c1 and chunks[j].code in "UH" and chunks[d].code in "Nf":
        return j if chunks[j].attr("metric") == "production" else None
    boundary = False
    for i in range(d - 1, c0 - 1, -1):
        code = chunks[i].code
        if code == "U":
            return i if chunks[i].attr("metric") == "production" else None
        if code in "A,":
            boundary = True  # "output rose 3.4% MoM and was clearly higher YoY": a clause of the same subject
        if code in "Hnk" or (code in "Qz" and not boundary):
            return None
    return None


def _about_product(chunks: list[Chunk], u: int, scope: Scope) -> tuple[bool, str | None]:
    """(named, product): whether the subject names the product or the total, and whose production it
    is; product None when the subject is a breakdown, a side subject or another product's in passing."""
    named = False
    product = scope.product
    i = u - 1
    while i >= 0 and chunks[i].code in "FSPwD'T-":
        chunk = chunks[i]
        if chunk.code == "S" and chunk.segment is not None and scope.product and not chunk.segment.segment.startswith(
                "sample:"):
            return named, None
        if chunk.code == "w" and chunk.text[:1].islower():
            return named, None  # an unknown modifier: some breakdown
        if chunk.code == "P":
            other = str(chunk.attr("product"))
            if other != scope.product:
                if not chunk.attr("specific"):
                    return named, None
                product = other
            named = True
        if chunk.text.lower() in lexicon().words("AGGREGATE"):
            named = True
        i -= 1
    j = u + 1
    while j < len(chunks) and chunks[j].code in "OVFSPwT":
        chunk = chunks[j]
        if chunk.code == "S" and chunk.segment is not None and not chunk.segment.segment.startswith("sample:"):
            return named, None
        if chunk.code == "P":
            other = str(chunk.attr("product"))
            if other != scope.product:
                if not (chunk.attr("specific") and j == u + 2 and chunks[u + 1].code == "O"):
                    return named, None  # another product named in passing ("... for stainless steel and ...")
                product = other
            named = True
        j += 1
    if i >= 0 and chunks[i].code == "H":
        return named, None
    return named, product


def _after_flat(chunks: list[Chunk], d: int) -> bool:
    """"stay stable or drift slightly lower": after "stable or", a change word only softens the stability."""
    k = d - 1
    while k >= 0 and chunks[k].code in "Fwv":
        k -= 1
    return k >= 1 and chunks[k].text.lower() in lexicon().words("ALTERNATIVE") and chunks[k - 1].code == "f" \
        and chunks[k - 1].attr("sign") == 0


def _point_after(chunks: list[Chunk], d: int) -> When | None:
    """A comparison point after a direction word: "increased markedly from April", "higher than a year
    earlier", "above the level of a year earlier"."""
    j = d + 1
    while j < len(chunks) and chunks[j].code == "F":
        j += 1
    if j < len(chunks) and chunks[j].code in "Wm":
        j += 1
    elif chunks[d].code != "K":
        return None
    while j < len(chunks) and chunks[j].code in "FOV":
        j += 1
    if j < len(chunks) and chunks[j].code == "T" and chunks[j].when is not None:
        return chunks[j].when
    return None


def _bases(chunks: list[Chunk], d: int, point: When | None, period: str, scope: Scope) -> tuple[list[str], bool]:
    """The comparisons a direction word states: a marker right after it or right before it; "both MoM
    and YoY" gives both; a comparison point gives the one its date makes; none is MoM."""
    if point is not None:
        if point.kind == "relative":
            base = shift_month(period, point.offset) if not point.cumulative else shift_month(period, -12)
        else:
            base = point.base or point.month
        basis = basis_between(base, period)
        return ([basis] if basis else []), True
    found: list[str] = []
    j = d + 1
    while j < len(chunks) and chunks[j].code in "F":
        j += 1
    while j < len(chunks) and chunks[j].code in "MA":
        if chunks[j].code == "M":
            found.append(str(chunks[j].attr("basis")))
        j += 1
    k = d - 1
    while k >= 0 and chunks[k].code == "F":
        k -= 1
    if not found and k >= 0 and chunks[k].code == "M":
        found.append(str(chunks[k].attr("basis")))
    found = [b for b in found if b in ("mom", "yoy")]
    if not found:
        return ["mom"], False
    return list(dict.fromkeys(found)), True


def _leads_to_level(chunks: list[Chunk], d: int) -> bool:
    """"slid to 3,190 mt", "held steady at around 128,000 mt": the direction verb leads to a level."""
    j = d + 1
    while j < len(chunks) and chunks[j].code in "F":
        j += 1
    if j < len(chunks) and chunks[j].code in "tL":
        j += 1
        while j < len(chunks) and chunks[j].code in "F":
            j += 1
    return j < len(chunks) and (chunks[j].code in "Qz" or chunks[d].text.lower().endswith(" at")
                                or any(chunks[x].code == "t" for x in range(d + 1, j)))
