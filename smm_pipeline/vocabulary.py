"""The words of the report language, as data.

The grammar (grammar.py) is written against word classes, not sentences: a change verb and its sign,
a comparison marker (MoM, YoY, "on the month", "from a year earlier"), a metric noun, a segment cue, a
forecast cue. A phrasing the engine has not seen usually needs one more entry here, not new code.
Each table maps a phrase (a regex fragment, matched case-insensitively on word boundaries) to its
meaning. Longer phrases win over shorter ones that they contain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
BOTH = 9
"""Direction marker for words that state MoM and YoY at once."""

# --- change words: sign of the change they introduce -------------------------------------------------
INCREASE = (
    r"increas(?:e|ed|es|ing)", r"ris(?:e|es|ing)", r"rose", r"grow(?:s|ing|th)?", r"grew",
    r"(?<!made )(?<!make )(?<!makes )(?<!making )up", r"climb(?:ed|s|ing)?", r"surg(?:e|ed|es|ing)",
    r"jump(?:ed|s|ing)?", r"rebound(?:ed|s|ing)?",
    r"gain(?:ed|s)?", r"add(?:ed|s|ing)", r"expand(?:ed|s|ing)", r"higher", r"advanc(?:e|ed|es|ing)",
    r"edg(?:e|ed|es|ing) up", r"pick(?:ed|s)? up", r"recover(?:ed|s|y)?", r"bounced? back",
    r"increment", r"upturn",
    r"ramp(?:ed)? up", r"soar(?:ed|s|ing)?", r"spik(?:e|ed)", r"boost(?:ed)?",
)
DECREASE = (
    r"decreas(?:e|ed|es|ing)", r"declin(?:e|ed|es|ing)", r"drop(?:s|ped|ping)?(?: back)?", r"fell",
    r"fall(?:s|ing)?", r"down", r"dipp?(?:ed|s)?", r"slid(?:e|es|ing)?", r"slipp?(?:ed|s)?", r"lower",
    r"contract(?:ed|s|ing|ion)?", r"shr[iau]nk(?:s|ing)?", r"pull(?:ed|s|ing)? back", r"eas(?:e|ed|ing)",
    r"reduc(?:e|ed|es|ing|tion)", r"cut(?:s)?", r"plung(?:e|ed|es|ing)", r"plummet(?:ed|s)?",
    r"tumbl(?:e|ed|es)", r"retreat(?:ed|s)?", r"los(?:e|t|s|ing)", r"shortfall",
    r"negative growth", r"dual decline", r"decrement", r"downturn", r"sank", r"shed(?:s|ding)?", r"sink(?:s|ing)?",
    r"weaken(?:ed|s)?", r"slump(?:ed|s)?",
)
"""Words that introduce a change and give its sign ("surged by 39,400 mt", "down 0.38 percentage points")."""

CHANGE_NOUNS: dict[str, int] = {
    "increase": 1, "rise": 1, "growth": 1, "gain": 1, "jump": 1, "surge": 1, "rebound": 1, "increment": 1,
    "higher": 1, "more": 1, "above": 1, "up": 1,
    "decline": -1, "decrease": -1, "drop": -1, "fall": -1, "dip": -1, "reduction": -1, "contraction": -1,
    "slide": -1, "shortfall": -1, "lower": -1, "less": -1, "below": -1, "down": -1,
}
"""Words after a number that make it a change, with its sign ("a 3.47% increase", "1.72 percentage points
lower", "2.06% above last February's level")."""
COMPARATIVES = ("higher", "lower", "more", "less", "above", "below")

CHANGE_FILLER = (
    r"by", r"of", r"slightly", r"significantly", r"sharply", r"substantially", r"markedly", r"marginally",
    r"modestly", r"further", r"again", r"only", r"just", r"a", r"an", r"the", r"some", r"approximately",
    r"around", r"about", r"nearly", r"roughly", r"over", r"more\s+than", r"estimated", r"mere", r"modest", r"MoM",
    r"YoY", r"month[- ]on[- ]month", r"year[- ]on[- ]year", r"rate", r"growth\s+rate", r"at\s+a\s+rate",
    r"expanding\s+to", r"widening\s+to", r"narrowing\s+to", r"slowing\s+to", r"accelerating\s+to", r"cumulative",
    r"projected", r"anticipated", r"expected", r"significant", r"slight", r"notable", r"considerable", r"strong",
    r"sharp", r"steep", r"total", r"overall", r"combined", r"respectively", r"in\s+total", r"still", r"even",
    r"close\s+to", r"almost", r"exceeding", r"exceeded", r"exceed",
)
"""Words that may stand between a change word and its number ("decreased significantly by over 20%")."""

# Comparisons with what the previous report expected for this month (FACTS.md basis:vs_expected).
EXPECTATIONS = (r"(?:(?:the|market|our|SMM's|SMM’s|previous|earlier|its|initial)\s+){0,2}"
                r"(?:expectations?|forecasts?|estimates?)")
BEAT = (r"beat(?:s|ing)?", r"exceed(?:ed|s|ing)?", r"surpass(?:ed|es|ing)?", r"topp?(?:ed|s)?",
        r"outperform(?:ed|s)?", r"(?:came|come|was|were|is) (?:in )?above")
MISS = (r"miss(?:ed|es)?", r"(?:fell|falls|fall|came|come|was|were) short of", r"short of", r"undershot",
        r"(?:came|come|was|were|is) (?:in )?below", r"lagg?(?:ed|s)? behind")
INCREASE += (r"(?:" + "|".join(BEAT) + r") " + EXPECTATIONS,)  # "beat expectations by 5,200 mt"
DECREASE += (r"(?:" + "|".join(MISS) + r") " + EXPECTATIONS,)  # "fell short of expectations by 2,000 mt"
THAN_EXPECTED = (r"(?:than\s+)?(?:(?:the|SMM's|SMM’s|our)\s+)?(?:expected|forecast|projected|anticipated)|"
                 + EXPECTATIONS)
"""After "above", "below", "higher", "more" ...: the comparison is with the expectation ("7,300 mt above the
expected 1.0261 million mt", "3,000 mt lower than expected")."""
EXPECTED_LEVEL_BEFORE = (
    r"\b(?:the|its|SMM's|SMM’s|our|an?)\s+(?:previously\s+|earlier\s+|originally\s+|initially\s+)?"
    r"(?:expected|forecast|projected|anticipated)\s+(?:level\s+of\s+|figure\s+of\s+|output\s+of\s+)?"
    r"|\bexpectations?\s+of\s+")
EXPECTED_LEVEL_AFTER = (
    r"(?:that\s+|which\s+)?(?:SMM|we|the market|analysts|it)\s+(?:had\s+)?(?:previously\s+|earlier\s+|initially\s+)?"
    r"(?:expected|forecast|projected|anticipated)\b")
"""Words around a level that make it the expectation itself: "the expected 1.0261 million mt", "the
290,000-300,000 mt SMM expected a month earlier"."""

# --- comparison markers ---------------------------------------------------------------------------
MOM = (
    r"MoM", r"M/M", r"m-o-m", r"month[- ]on[- ]month", r"on (?:the |a )?month", r"on-month", r"on a monthly basis",
    r"over the previous month",
    r"(?:compared|relative) (?:to|with) the previous month", r"from the previous month",
    r"than the previous month", r"(?:from|than) a month (?:earlier|ago|before)",
    r"from last month", r"over last month", r"(?:compared|relative) (?:to|with) last month",
    r"sequentially", r"month over month", r"from the prior month", r"than the prior month",
)
YOY = (
    r"YoY", r"Y/Y", r"y-o-y", r"year[- ]on[- ]year", r"on (?:the |a )?year(?!-end)", r"on-year",
    r"on an? (?:yearly|annual) basis",
    r"from a year earlier", r"than a year earlier",
    r"(?:the (?:level|figure|output|production) )?(?:of|in) a year (?:earlier|ago|before)",
    r"(?:from|than|on) (?:the )?(?:same month )?(?:a )?year (?:earlier|ago|before)", r"from last year",
    r"from a year ago", r"than a year ago", r"(?:compared|relative) (?:to|with) a year (?:earlier|ago)",
    r"from the same (?:period|month) (?:a year (?:before|earlier|ago)|last year|of (?:last|the previous) year)",
    r"(?:compared|relative) (?:to|with) the same (?:period|month) (?:a year (?:before|earlier|ago)|last year|"
    r"of (?:last|the previous) year)",
    r"than the same (?:period|month) (?:a year (?:before|earlier|ago)|last year)", r"year over year",
    r"over the same period (?:last year|a year (?:before|earlier))",
)
QOQ = (r"QoQ", r"quarter[- ]on[- ]quarter", r"WoW", r"week[- ]on[- ]week")
"""Comparisons that are no panel measure (quarter on quarter, week on week)."""
BASE_MONTH = (r"(?:from|compared (?:to|with)|than(?: in)?|over|versus|vs\.?|relative to|above|below)\s+"
              r"(?:that (?:of|in)\s+)?(?:the\s+)?(?:(?:revised|previous|prior|adjusted|final)\s+)?(?P<last>last\s+)?")
"""Words before a month that make it the base of a comparison ("up 5.02% from April", "from the revised
January level", "2.06% above last February's level"); `last` means the latest such month before this one."""

# --- metric nouns ---------------------------------------------------------------------------------
METRIC_NOUNS: dict[str, str] = {
    r"operating rates?": "operating_rate", r"capacity utili[sz]ation(?: rates?)?": "operating_rate",
    r"utili[sz]ation(?: rates?)? of (?:[\w-]+ ){0,4}capacity": "operating_rate", r"utili[sz]ation": "operating_rate",
    r"utili[sz]ation rates?": "operating_rate", r"run rates?": "operating_rate",
    r"(?:ran|run|runs|running|operated|operates|operating) at": "operating_rate",
    r"operating capacity": "operating_capacity", r"capacity in operation": "operating_capacity",
    r"running capacity": "operating_capacity", r"operating (?:\w+ ){1,2}capacity": "operating_capacity",
    r"(?:existing|installed|nameplate|built|total)? ?capacity": "capacity",
    r"(?:shares?|proportions?|ratio) of (?:the )?(?:[\w-]+ ){0,3}?(?:output|production)": "share",
    r"proportions?": "share", r"shares?": "share", r"market shares?": "share",
    r"accounted for": "share", r"accounting for": "share", r"accounts for": "share", r"ratio": "share",
    r"(?:made|make|makes|making) up": "share",
    r"coverage rate": "share",
    r"production(?: schedules?)?": "production", r"output": "production", r"supply": "production",
    r"produced": "production", r"volume": "production", r"production volume": "production",
    r"yield": "production",
    r"inventor(?:y|ies)": "inventory", r"stocks?": "inventory", r"stockpiles?": "inventory",
    r"prices?": "price", r"premiums?": "price", r"spot price": "price",
    r"TCs?": "treatment_charge", r"treatment charges?": "treatment_charge",
    r"(?:concentrate )?index": "treatment_charge",
    r"imports?": "imports", r"import volume": "imports", r"imported": "imports",
}
BLOCKER_NOUNS = (
    r"demand", r"consumption", r"sales", r"orders?", r"trading volumes?", r"transactions?",
    r"circulation", r"exports?", r"profits?", r"profitability", r"losses", r"margins?", r"costs?",
    r"deliver(?:y|ies)", r"shipments?", r"purchases?", r"procurement", r"inquir(?:y|ies)",
    r"installations?", r"tender volumes?", r"power", r"revenue",
    r"(?:daily|weekly) (?:average )?(?:[\w-]+ ){0,2}?(?:output|production|operating rates?)",
)
"""Subjects whose changes are context, not facts of the production panel."""

# --- segments --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SegmentCue:
    """A phrase that puts a figure into a breakdown; `groups` limits it to some product groups."""

    pattern: str
    segment: str
    groups: tuple[str, ...] = ()
    metric: str | None = None


PRODUCERS = r"(?:smelters|refineries|enterprises|plants|producers|mills|companies|ones|factories)"
SUSPENDED_HYPHEN = r"-(?=(?:,\s*\d+-)*,?\s*(?:and|or)\s+\d+[- ]series)"
"""The "200-" and "300-" of "the 200-, 300- and 400-series": each names its own series."""

SEGMENT_CUES: tuple[SegmentCue, ...] = (
    SegmentCue(r"(?P<size>large|medium|small)(?:[- ]sized)?\s+" + PRODUCERS, "size:{size}"),
    SegmentCue(r"major\s+" + PRODUCERS, "size:large"),
    SegmentCue(r"large(?:[- ]sized)?(?=\s*(?:,|and)\s+(?:medium|small))", "size:large"),
    SegmentCue(r"(?:(?<=, )|(?<=and )|(?<=; ))(?P<size>medium|small)(?:[- ]sized)?(?=\s*(?:,|and\b|\d))",
               "size:{size}"),  # "..., medium-sized 85.62% and small 67.28%"
    SegmentCue(r"medium[- ]sized", "size:medium"),
    SegmentCue(r"not using (?:copper )?concentrates?|using copper scrap|scrap-fed|non-concentrate",
               "feed:non_concentrate"),
    SegmentCue(r"(?:running|run|ran|relying|rely|relies|fed) on (?:copper )?(?:scrap|anodes?|blister)"
               r"(?: or (?:copper )?(?:scrap|anodes?|blister(?: copper)?))?", "feed:non_concentrate"),
    SegmentCue(r"using (?:copper )?concentrates?|concentrate-fed|fed (?:with|on) (?:copper )?concentrates?",
               "feed:concentrate"),
    SegmentCue(r"metal content|(?:in|on a) metal (?:basis|tonnage|terms)|nickel content|Ni (?:metal|content)",
               "content:metal"),
    SegmentCue(r"physical content|(?:in|on a) physical (?:basis|tonnage|terms)|gross weight",
               "content:physical"),
    SegmentCue(r"(?P<n>\d{3})(?:[- ]series|" + SUSPENDED_HYPHEN + ")", "series:{n}", ("steel_alloys",)),
    SegmentCue(r"(?P<n>\d)(?:[- ]series|" + SUSPENDED_HYPHEN + ")", "series:{n}", ("battery_materials",)),
    SegmentCue(r"high[- ](?:grade|NPI)", "grade:high_grade", ("nickel",)),
    SegmentCue(r"low[- ](?:grade|NPI)", "grade:low_grade", ("nickel",)),
    SegmentCue(r"(?P<a>\d+)%\s*-\s*(?P<b>\d+)%", "grade:{a}_{b}pct", ("minor_metals",)),
    SegmentCue(r"(?:derived )?from spodumene|spodumene(?:[- ]derived|(?=[- ](?:based )?(?:output|production)))",
               "source:spodumene", ("lithium",)),
    SegmentCue(r"(?:derived )?from lepidolite|lepidolite(?:[- ]derived|(?=[- ](?:based )?(?:output|production)))",
               "source:lepidolite", ("lithium",)),
    SegmentCue(r"(?:derived )?from salt lakes?|salt[- ]lake(?:[- ]derived)?(?= output| production)|"
               r"salt[- ]lake[- ]derived", "source:salt_lake", ("lithium",)),
    SegmentCue(r"(?:derived )?from recycling|recycling(?:[- ]derived|(?= output| production))|from recycled materials?|"
               r"recycled lithium (?:carbonate|hydroxide)|(?:derived )?from (?:battery )?scrap|scrap[- ]derived|"
               r"scrap[- ]based",
               "source:recycling", ("lithium",)),
    SegmentCue(r"smelting sector", "stage:smelting", ("lithium",)),
    SegmentCue(r"causticisation sector|causticization sector", "stage:causticisation", ("lithium",)),
    SegmentCue(r"casting (?:alumini?um )?ingots?", "form:casting_ingot", ("aluminum",)),
    SegmentCue(r"liquid alumini?um|alumini?um liquid", "form:liquid_aluminum", ("aluminum",)),
    SegmentCue(r"Pr-Nd oxide|PrNd oxide", "form:pr_nd_oxide", ("rare_earths",)),
    SegmentCue(r"Pr-Nd alloy|PrNd alloy|Pr-Nd metal", "form:pr_nd_alloy", ("rare_earths",)),
    SegmentCue(r"secondary refined lead", "form:refined_lead", ("lead",)),
    SegmentCue(r"zinc alloy", "form:zinc_alloy", ("zinc",)),
    SegmentCue(r"cobalt intermediate(?: products?)?", "raw:cobalt_intermediate", ("cobalt",), "share"),
    SegmentCue(r"MHP", "raw:mhp", ("cobalt",), "share"),
    SegmentCue(r"recycled materials?|recycling materials?", "raw:recycled_materials", ("cobalt",), "share"),
    SegmentCue(r"toll processing", "mode:toll_processing", (), "share"),
    SegmentCue(r"before (?:the )?(?:sample )?adjustment", "sample:before_adjustment"),
    SegmentCue(r"after (?:the )?(?:sample )?adjustment", "sample:after_adjustment"),
    SegmentCue(r"in the (?:SMM )?database", "sample:database"),
    SegmentCue(r"capacity of the survey(?: samples?)?", "sample:surveyed", (), "capacity"),
    SegmentCue(r"surveyed|survey respondents|sample capacity|in (?:our|the) (?:survey )?sample",
               "sample:surveyed"),
    SegmentCue(r"average (?:nickel )?grade", "item:average_nickel_grade", ("nickel",), "share"),
    SegmentCue(r"imported copper concentrates? index", "item:imported_copper_concentrate_index", ("copper",),
               "treatment_charge"),
    SegmentCue(r"port inventor(?:y|ies)|inventor(?:y|ies) (?:of (?:copper )?concentrates? )?at (?:[\w-]+ ){0,3}ports",
               "item:copper_concentrate_port_inventory",
               ("copper",), "inventory"),
    SegmentCue(r"imports? of tin concentrates?|tin concentrate imports?", "item:tin_concentrate_imports",
               ("tin",), "imports"),
    SegmentCue(r"imported ore pb60|pb60", "item:imported_ore_pb60", ("lead",), "treatment_charge"),
    SegmentCue(r"electrodeposited nickel", "item:electrodeposited_nickel_premium", ("nickel",), "price"),
)

REGIONS = (
    "north China", "south China", "east China", "central China", "southwest China", "south-west China",
    "northwest China", "north-west China", "northeast China", "north-east China", "southern China",
    "northern China", "southern regions", "northern regions", "other regions", "other areas",
    "Xinjiang", "Sichuan", "Yunnan", "Inner Mongolia", "Ningxia", "Gansu", "Qinghai", "Shaanxi", "Shanxi",
    "Shandong", "Henan", "Hebei", "Hubei", "Hunan", "Guangxi", "Guangdong", "Guizhou", "Jiangxi", "Jiangsu",
    "Zhejiang", "Anhui", "Fujian", "Liaoning", "Jilin", "Heilongjiang", "Chongqing", "Tibet", "Hainan",
    "Tianjin", "Shanghai", "Beijing",
)
"""Regions a breakdown can name; `region:<snake_case>` follows from the name ("Sichuan and Yunnan")."""

KNOWN_CAPITALISED = (
    r"SMM", r"China(?:'s|’s)?", r"Chinese", r"MoM", r"YoY", r"QoQ", r"YTD", r"NPI", r"PV", r"EVA", r"DMC", r"TCs?",
    r"GW", r"LFP", r"LCO", r"LMO", r"LMFP", r"NEV", r"ESS", r"MHP", r"APT", r"EMD", r"EMM", r"SiMn", r"NdFeB",
    r"Pr-Nd", r"HJT", r"DRC", r"Indonesian?", r"Philippines", r"India", r"Australia", r"Brazil", r"Africa", r"Asia",
    r"Europe", r"US", r"Myanmar", r"Among", r"In", r"The", r"Overall", r"According", r"Looking", r"Entering",
    r"Based", r"However", r"Meanwhile", r"Additionally", r"Moreover", r"Specifically", r"Currently", r"Specially",
    r"Total", r"Domestic", r"Q[1-4]", r"H[12]", r"Co3O4", r"Mn3O4", r"MnO2", r"I", r"II", r"III", r"IV", r"3C",
    r"SS", r"CIF", r"Secondary", r"Primary", r"Before", r"After", r"Please", r"Note", r"Survey",
    r"Copper", r"Alumini?um", r"Alumina", r"Nickel", r"Zinc", r"Lead", r"Tin", r"Cobalt", r"Lithium", r"Silicon",
    r"Magnesium", r"Manganese", r"Antimony", r"Bismuth", r"Molybdenum", r"Titanium", r"Silver", r"Steel",
    r"Stainless", r"Cathodes?", r"Concentrates?", r"Ingots?", r"Blister", r"Anodes?", r"Imported", r"Index",
    r"Spot", r"RCs?", r"Prices?", r"Premiums?", r"Monthly", r"Weekly", r"Daily", r"Capacity", r"Changes",
    r"Production", r"Output", r"Forecast", r"Outlook", r"Operating",
    r"Spring Festival", r"(?:Chinese|Lunar) New Year", r"National Day", r"Dragon Boat Festival", r"Mid-Autumn",
    r"Golden Week", r"Pb\d+", r"Zn\d+", r"Sn\d+",
)
"""Capitalised words that are not a company or plant: a figure next to any other capitalised name
("Jinchuan's output") is about that company, not the national panel (grammar._foreign_name)."""

# --- context: figures that are not the national panel ------------------------------------------------
CONTEXT_WORDS = (r"futures", r"contract", r"tender", r"SHFE", r"LME", r"most-traded", r"bid", r"deals?", r"QoQ")
"""A price after these words is an exchange or tender price."""
CHANGED_NOUN_BY = (
    r"(?:\s+(?:the|its|their|total|combined|overall|sample|survey))*\s+"
    r"(?:capacity|production|output|operating rates?|inventor(?:y|ies))"
    r"(?:\s+(?:of|at|in)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,2}?)?"
    r"\s+by(?:\s+(?:a|an|the|combined|total|approximately|around|about|nearly|over|some))*\s*")
"""After a change verb, the noun it changes and "by": "increased capacity of the survey samples by a
combined 90,000 mt" is a change of that noun."""
CONTRIBUTION_WORDS = (r"contribut(?:e|es|ed|ing)(?: to)?(?: an?)?(?: additional| extra)?",
                      r"(?:bring|brings|bringing|brought|add|adds|adding|added)(?: an?)? "
                      r"(?:additional|extra|incremental)",
                      r"an? (?:additional|extra|incremental)")
"""A figure right after these words is one part's contribution to a change ("smelters resumed
production, contributing an additional 51,400 mt"), not a level or a change of the total."""
PLANT_NOUNS = (r"smelter", r"refinery", r"plant", r"mine", r"project", r"production line", r"company", r"factory",
               r"mill")
COMPANY_WORDS = (r"Group", r"Corp", r"Co\.", r"Ltd", r"Inc", r"Company")
"""With a determiner or a name before them ("a smelter in Yunnan", "Rio Tinto's refinery"), or alone
("HBIS Group"), these make a figure one plant's or company's."""
AGGREGATE_WORDS = (r"overall", r"total", r"nationwide", r"national", r"domestic", r"China's", r"industry", r"whole")
"""Words that keep a figure national even next to a plant ("the industry's operating rate")."""

# --- direction-only statements ---------------------------------------------------------------------
PRODUCTION_SUBJECTS = (r"production(?: schedules?)?", r"output", r"supply", r"produc(?:e|ing|ed)")
DIRECTION_WORDS: tuple[tuple[str, int], ...] = (
    (r"stop(?:ped)? falling and rebound(?:ed)?", 1),
    (r"remain(?:ed|s|ing)? (?:largely |basically |relatively )?(?:stable|flat|unchanged|steady)"
     r"(?: or (?:\w+ ){0,3}(?:decline|drop|decrease)\w*(?: slightly)?)?", 0),
    (r"(?:stable|flat) or (?:\w+ ){0,3}(?:decline|drop|decrease)\w*(?: slightly)?", 0),
    (r"(?:have|has|had|having) difficulty (?:growing|increasing|rising)", 0),
    (r"difficult (?:\w+ ){0,5}to (?:grow|increase|rise)", 0),
    (r"stabili[sz]e(?:d|s)?(?: and slightly rebound)?", 0), (r"hold(?:s)? steady|held steady", 0),
    (r"fluctuated rangebound|little changed|(?:basically |largely |roughly |virtually |essentially )?"
     r"(?:flat|unchanged)", 0),
    (r"upward trend", 1), (r"downward trend", -1), (r"dual decline", -1),
    (r"(?:increase|decrease|decline|drop|fall|rise)d? both (?:MoM|month[- ]on[- ]month) and "
     r"(?:YoY|year[- ]on[- ]year)", BOTH),
    (r"(?:positive|negative) growth", BOTH), (r"accelerate production", 1),
    (r"(?:an? )?(?:increas(?:e|es|ed|ing)|ris(?:e|es|en|ing)|rose|grow(?:s|n|ing|th)?|grew|climb(?:s|ed|ing)?|"
     r"rebound(?:s|ed|ing)?|recover(?:s|ed|ing|y)?|expan(?:d|ds|ded|ding|sion)|pick(?:s|ed|ing)? up|"
     r"ramp(?:s|ed|ing)? up|edg(?:e|es|ed|ing) (?:up|higher)|higher|jump(?:s|ed|ing)?|surg(?:e|es|ed|ing)|"
     r"soar(?:s|ed|ing)?)", 1),
    (r"(?:an? )?(?:decreas(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|drop(?:s|ped|ping)?(?: back)?|fall(?:s|ing|en)?|"
     r"fell|(?<!term )(?<!futures )(?<!a )(?<!the )contract(?:ed|ing|ion)?\b(?!s)|shr(?:ink|inks|ank|inking)|"
     r"dip(?:s|ped|ping)?|pull(?:s|ed|ing)? back|slid(?:e|es|ing)?|eas(?:e|es|ed|ing)(?: back)?|"
     r"edg(?:e|es|ed|ing) (?:down|lower)|lower|slip(?:s|ped|ping)?|plung(?:e|es|ed|ing)|tumbl(?:e|es|ed|ing)|"
     r"slump(?:s|ed|ing)?)", -1),
    (r"(?:enterprises|producers|smelters|plants|mills|factories) (?:\w+ ){0,2}expect (?:further )?production cuts",
     -1),
)
"""Direction words of production with their direction (1 up, 0 flat, -1 down). Earlier entries claim
their words first; BOTH takes its sign from the words and gives MoM and YoY at once ("a decrease both
MoM and YoY")."""
NEGATIONS = (
    r"possibility of\b.*\b(?:is|was) (?:relatively |very )?(?:small|low|slim)",
    r"no (?:\w+ ){0,2}(?:intention|plans?|news)",
    r"unlikely", r"not (?:expected|likely)", r"no (?:sign|significant)",
)
"""A chunk with one of these states no direction ("the possibility of a rebound ... is relatively small")."""

# --- counts of producers ---------------------------------------------------------------------------
PRODUCER_STATUS: tuple[tuple[str, str], ...] = (
    (r"halted production|in shutdown status|were shut down|(?:have|had) halted|halted", "status:halted"),
    (r"experienced production cuts|cut production|production cuts", "status:production_cut"),
    (r"maintained normal production", "status:normal"),
    (r"(?:in a state of )?shutdown or commissioning", "status:shutdown_or_commissioning"),
    (r"(?:saw|with|experienced) a significant (?:decline|decrease) in production", "status:significant_decrease"),
    (r"(?:saw|with|experienced) a significant increase in production", "status:significant_increase"),
    (r"(?:experienced|saw) a (?:certain )?increase in production", "status:increase"),
    (r"underwent shutdown maintenance|shutdown maintenance", "status:shutdown_maintenance"),
    (r"plan(?:ned|s)? to (?:conduct )?maintenance", "status:planned_maintenance"),
    (r"resumed production|(?:expected to )?resume production|restarted", "status:resumed"),
    (r"a slight decrease in production", "status:slight_decrease"),
)
"""What a count of producers is broken down by ("17 producers halted production")."""

# --- time -----------------------------------------------------------------------------------------
FORECAST_CUES = (
    r"will", r"(?:is|are|was|were) (?:\w+ )?(?:expected|projected|forecast|anticipated|estimated|set|likely|"
    r"poised|predicted|scheduled) to", r"expects?", r"expected to", r"forecasts?", r"projected",
    r"anticipat(?:es?|ed)", r"looking ahead", r"outlook", r"predicts?", r"is projected at",
    r"estimates? that", r"plans? to", r"next month", r"likely to",
    r"(?<!\bin )(?<!\bof )(?<!\bfrom )(?<!\bsince )(?<!\bto )(?<!\bby )(?<!\bend of )may(?![ ,.;]*\d)(?!\s*[,.;)])",
    r"might", r"should", r"could",
)
"""Words of the future tense. The matching is on lower-cased text, so "may" must not be the month
("in May, down 3 percentage points" is not a forecast)."""
OUTLOOK_OPENERS = (
    r"looking ahead", r"outlook", r"forecast", r"production forecast", r"in the coming month", r"next month",
    r"entering", r"as we enter", r"it is expected", r"smm expects", r"smm forecasts",
)
"""A paragraph opening with one of these talks about next month until it names another."""
YTD_CUES = (
    r"cumulative(?:ly)?", r"YTD", r"year[- ]to[- ]date", r"so far this year", r"accumulated",
    r"in total this year", r"since the start of the year", r"since January",
)
LEVEL_CUES = (
    r"was", r"were", r"is", r"are", r"to", r"at", r"reached", r"reaching", r"reach", r"hit", r"hitting",
    r"stood at", r"came in at", r"totall?ed", r"totall?ing", r"amounted to", r"added up to", r"of",
    r"remained at", r"stayed at", r"recorded", r"registered", r"be", r"equivalent to", r"as high as", r"mark of",
    r"mark", r"exceeded", r"surpassed", r"exceeding", r"within", r"is projected at", r"projected at",
    r"forecast at", r"estimated at", r"seen at",
)
"""Words right before a figure that make it a level, not a change ("reached 1.2 million mt")."""
LEVEL_MODIFIERS = (
    r"approximately", r"around", r"about", r"nearly", r"roughly", r"over", r"more than", r"below", r"less than",
    r"the", r"a", r"an", r"only", r"just", r"still", r"some", r"an estimated", r"under",
)


def longest_first(phrases: Sequence[str]) -> str:
    """The phrases as one regex alternation, longest first so that containing phrases win."""
    return "|".join(sorted(phrases, key=len, reverse=True))


def alternation(phrases: Sequence[str]) -> str:
    """A word-bounded regex alternation of phrases, longest first."""
    return r"\b(?:" + longest_first(phrases) + r")\b"


# --- matching on lowered text ----------------------------------------------------------------------
# Every sentence is scanned by every word class, so the scan is the engine's hot loop. Case-insensitive
# regexes fold each character they compare; lowering the sentence once and matching lower-case patterns
# on it is about three times faster and finds the same spans.

_CASED = re.compile(r"\\.|\(\?P[<=]\w+>?|[A-Z]")


def lowered(text: str) -> str:
    """`text` in lower case with every character at its own offset, so spans found in it index `text`."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def compile_lowered(pattern: str) -> re.Pattern[str]:
    """A case-insensitive `pattern` compiled to match `lowered` text (escapes and group names kept)."""
    return re.compile(_CASED.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else m.group(0).lower(), pattern))


def compile_words(phrases: Sequence[str]) -> re.Pattern[str]:
    """A regex for any of the phrases, to run on `lowered` text."""
    return compile_lowered(alternation(phrases))


class WordClass(Generic[T]):
    """A table of phrases and their meanings, scanned as one alternation on `lowered` text.

    The alternation keeps the table's order (an earlier phrase wins where two match at one place);
    which entry matched is looked up only for the few matches, not tried at every position.
    """

    def __init__(self, table: Mapping[str, T]) -> None:
        self.regex = compile_lowered(r"\b(?:" + "|".join(f"(?:{p})" for p in table) + r")\b")
        self._entries = [(compile_lowered(p), meaning) for p, meaning in table.items()]
        self._known: dict[str, T] = {}

    def meaning(self, phrase: str) -> T:
        """The meaning of the first entry that matches all of `phrase` (a lowered match)."""
        if phrase not in self._known:
            self._known[phrase] = next(meaning for regex, meaning in self._entries if regex.fullmatch(phrase))
        return self._known[phrase]


class PatternSet:
    """Several regexes found in one scan, with the matches each would find on its own.

    One lookahead alternation finds the places where any of them can start; each regex is then tried
    only there. The result is what `finditer` of each would give, at the cost of about one scan.
    """

    def __init__(self, patterns: Sequence[str], lead: str = r"\b") -> None:
        self.regexes = [compile_lowered(lead + f"(?:{p})") for p in patterns]
        anonymous = [re.sub(r"\(\?P<\w+>", "(?:", p) for p in patterns]
        self._any = compile_lowered(lead + "(?=" + "|".join(f"(?:{p})" for p in anonymous) + ")")

    def matches(self, low: str) -> list[list[re.Match[str]]]:
        """For each regex, its non-overlapping matches in `low`, in order."""
        starts = [m.start() for m in self._any.finditer(low)]
        found: list[list[re.Match[str]]] = []
        for regex in self.regexes:
            own: list[re.Match[str]] = []
            after = 0
            for position in starts:
                if position >= after and (m := regex.match(low, position)):
                    own.append(m)
                    after = max(m.end(), position + 1)
            found.append(own)
        return found
