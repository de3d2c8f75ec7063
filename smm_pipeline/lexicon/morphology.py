"""English inflection for lexicon entries: a verb is written once ("increase") and matched in every form
("increases", "increased", "increasing"), a noun in the singular and the plural.

The rules are the regular ones of English spelling; morphology.toml lists the exceptions (irregular
past forms, doubled consonants). A phrasal verb inflects its first word ("edge up" -> "edged up").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_VOWELS = frozenset("aeiou")
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh", "o")


@dataclass(frozen=True, slots=True)
class Morphology:
    """The exception tables of morphology.toml."""

    irregular: dict[str, tuple[str, ...]]
    doubling: frozenset[str]
    keep_e: frozenset[str]

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> Morphology:
        """From the parsed morphology.toml."""
        return cls(irregular={k: tuple(v) for k, v in table.get("irregular", {}).items()},
                   doubling=frozenset(table.get("doubling", {}).get("verbs", [])),
                   keep_e=frozenset(table.get("keep_e", {}).get("verbs", [])))

    def verb_forms(self, phrase: str) -> list[tuple[str, str]]:
        """(form, kind) for every form of a verb phrase; kind is base, present, past or ing."""
        head, _, rest = phrase.partition(" ")
        tail = f" {rest}" if rest else ""
        forms = [(head, "base"), (self._present(head), "present"), (self._past(head), "past"),
                 (self._ing(head), "ing")]
        forms += [(form, "past") for form in self.irregular.get(head, ())]
        seen: dict[str, str] = {}
        for form, kind in forms:
            seen.setdefault(form + tail, kind)
        return list(seen.items())

    def noun_forms(self, phrase: str) -> list[tuple[str, bool]]:
        """(form, plural?) of a noun phrase: its last word in the singular and the plural."""
        head, _, last = phrase.rpartition(" ")
        lead = f"{head} " if head else ""
        plural = self.plural(last)
        return [(phrase, False)] + ([(lead + plural, True)] if plural != last else [])

    def _present(self, verb: str) -> str:
        if verb.endswith("y") and len(verb) > 1 and verb[-2] not in _VOWELS:
            return verb[:-1] + "ies"
        if verb.endswith(_SIBILANT_ENDINGS):
            return verb + "es"
        return verb + "s"

    def _past(self, verb: str) -> str:
        if verb in self.doubling:
            return verb + verb[-1] + "ed"
        if verb.endswith("e"):
            return verb + "d"
        if verb.endswith("y") and len(verb) > 1 and verb[-2] not in _VOWELS:
            return verb[:-1] + "ied"
        return verb + "ed"

    def _ing(self, verb: str) -> str:
        if verb in self.doubling:
            return verb + verb[-1] + "ing"
        if verb.endswith("e") and not verb.endswith("ee") and verb not in self.keep_e:
            return verb[:-1] + "ing"
        return verb + "ing"

    @staticmethod
    def plural(noun: str) -> str:
        """The plural of a noun ("smelter" -> "smelters", "refinery" -> "refineries")."""
        if not noun or not noun[-1].isalpha() or (noun.endswith("s") and not noun.endswith("ss")):
            return noun  # a symbol, or already plural ("sales", "inventories")
        if noun.endswith("y") and len(noun) > 1 and noun[-2] not in _VOWELS:
            return noun[:-1] + "ies"
        if noun.endswith(("s", "x", "z", "ch", "sh")):
            return noun + "es"
        return noun + "s"
