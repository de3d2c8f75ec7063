"""The report language as data: every word the engine knows, read from the TOML files beside this module.

Each file holds groups of phrases with one tag (CHANGE, MARKER, METRIC, SEGMENT ...) and the attributes
that tag means (a sign, a comparison basis, a metric id, a segment). Verbs are inflected and nouns
pluralised here (morphology.toml), so an entry is written once in its base form. The phrase matcher
(tagger.py), the number reader, the time reader, the consistency rules and the brief all read this one
lexicon: adding a phrasing is adding an entry, and no word is spelled in code.

`Sense` is one meaning of a phrase; a phrase may have several (the matcher keeps them all and the
frames choose by position: "above" before a figure is a qualifier, after it a comparative).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from smm_pipeline.lexicon.morphology import Morphology

_FILES = ("changes", "comparisons", "time", "metrics", "segments", "quantities", "cues")
_PHRASE_KEYS = ("words", "verbs", "nouns", "values")
_GROUP_KEYS = ("tag", "case", "tagged", "doc", "names", *_PHRASE_KEYS)


@dataclass(frozen=True, slots=True)
class Sense:
    """One meaning of a phrase: its tag, the attributes of its group, and how it was written."""

    tag: str
    attrs: dict[str, Any]
    phrase: str
    case: str = ""
    """"title" (must start with a capital), "lower" (must not) or "exact" (as written), else any case."""

    def get(self, key: str, default: Any = None) -> Any:
        """An attribute of the sense."""
        return self.attrs.get(key, default)


@dataclass(slots=True)
class Lexicon:
    """Every phrase of the language by its normalised tokens (groups marked `tagged = false` are read by
    a stage from `by_tag` and not matched in sentences)."""

    trie: dict[str | None, Any] = field(default_factory=dict)
    """Phrases by their normalised tokens, one level per token; the key None holds a phrase's senses, their
    tags, and whether any of them cares how the phrase is written (case)."""
    by_tag: dict[str, list[Sense]] = field(default_factory=lambda: defaultdict(list))
    text: dict[str, Any] = field(default_factory=dict)
    """text.toml: title words, body end markers, spellings."""
    mentions: dict[str, list[str]] = field(default_factory=dict)
    """products.toml: extra in-text names of products."""
    _words: dict[str, frozenset[str]] = field(default_factory=dict)
    _values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def phrases(self, tag: str) -> list[str]:
        """The phrases written for a tag, tagged or not (for the stages that read a plain list)."""
        return [sense.phrase for sense in self.by_tag.get(tag, [])]

    def senses(self, tag: str) -> list[Sense]:
        """Every sense with this tag."""
        return self.by_tag.get(tag, [])

    def values(self, tag: str) -> dict[str, Any]:
        """The phrases of a tag in lower case with their `value` (for groups written as `values`)."""
        found = self._values.get(tag)
        if found is None:
            found = self._values[tag] = {sense.phrase.lower(): sense.get("value") for sense in self.by_tag.get(tag, [])}
        return found

    def words(self, tag: str) -> frozenset[str]:
        """The phrases of a tag in lower case, for the stages that compare a token's normal form."""
        found = self._words.get(tag)
        if found is None:
            found = self._words[tag] = frozenset(sense.phrase.lower() for sense in self.by_tag.get(tag, []))
        return found


def _read(name: str) -> dict[str, Any]:
    source = resources.files(__name__).joinpath(f"{name}.toml")
    return tomllib.loads(source.read_text(encoding="utf-8"))


def plural(noun: str) -> str:
    """The plural of a noun, by the lexicon's morphology."""
    return Morphology.plural(noun)


@cache
def spelling() -> dict[str, str]:
    """Spelling variants and the form the lexicon writes them in ("aluminium" -> "aluminum")."""
    return dict(_read("text").get("spelling", {}))


@cache
def percent_words() -> frozenset[str]:
    """Words a percentage unit starts with (read by the tokenizer, before the lexicon is built)."""
    return frozenset(_read("text").get("percent", {}).get("words", []))


@cache
def lexicon() -> Lexicon:
    """The language, loaded once per process. Building it (inflecting, tokenizing every phrase) takes
    about 0.1 s, a third of a one-report command, so the built lexicon is kept on disk like bytecode,
    keyed by the contents of everything it is built from; any edit to a TOML file, products.csv, this
    package's code or the code the build calls (the tokenizer, the catalogue) builds it afresh."""
    path = _cache_dir() / f"lexicon-{_sources_digest()}.pickle"
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, Lexicon):
            return found
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass  # no cache yet, or one from another version: build
    built = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home: build each time
    return built


def _cache_dir() -> Path:
    root = os.environ.get("SMM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "smm_pipeline")
    return Path(root)


BUILT_WITH = ("tokens.py", "catalogue.py")
"""Modules outside this package whose code the build runs (a change to them changes the lexicon)."""


def _sources_digest() -> str:
    digest = hashlib.sha256()
    here = resources.files(__name__)
    sources = sorted((entry for entry in here.iterdir() if entry.name.endswith((".toml", ".py"))),
                     key=lambda entry: entry.name)
    sources.append(resources.files("smm_pipeline.reference").joinpath("products.csv"))
    # the build tokenizes every phrase and reads the catalogue: their code shapes the lexicon too
    sources += [resources.files("smm_pipeline").joinpath(name) for name in BUILT_WITH]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:20]


def _build() -> Lexicon:
    from smm_pipeline.tokens import tokenize

    morphology = Morphology.from_table(_read("morphology"))
    lex = Lexicon(text=_read("text"), mentions=_read("products").get("mentions", {}))
    entries: dict[tuple[str, ...], list[Sense]] = defaultdict(list)
    for name in _FILES:
        for group in _read(name).get("group", []):
            tag = group["tag"]
            attrs = {k: v for k, v in group.items() if k not in _GROUP_KEYS}
            case = group.get("case", "")
            written = list(_expand(group, morphology))
            tagged = group.get("tagged", True) is not False
            for phrase, extra in written:
                sense = Sense(tag, {**attrs, **extra}, phrase, case)
                lex.by_tag[tag].append(sense)
                if not tagged:
                    continue
                key = tuple(t.norm for t in tokenize(phrase))
                if key and sense not in entries[key]:
                    entries[key].append(sense)
    for sense in _product_senses(morphology):
        lex.by_tag[sense.tag].append(sense)
        key = tuple(t.norm for t in tokenize(sense.phrase))
        if key and sense not in entries[key]:
            entries[key].append(sense)
    for key, senses in entries.items():
        node = lex.trie
        for norm in key:
            node = node.setdefault(norm, {})
        node[None] = (senses, frozenset(sense.tag for sense in senses), any(sense.case for sense in senses))
    return lex


def _expand(group: dict[str, Any], morphology: Morphology) -> list[tuple[str, dict[str, Any]]]:
    """The phrases a group writes, with per-phrase attributes (a verb's form, a value, a region's name)."""
    out: list[tuple[str, dict[str, Any]]] = []
    names = group.get("names", {})
    for word in group.get("words", []):
        extra: dict[str, Any] = {"name": names[word]} if word in names else {}
        out.append((word, extra))
    for verb in group.get("verbs", []):
        out.extend((form, {"form": kind}) for form, kind in morphology.verb_forms(verb))
    for noun in group.get("nouns", []):
        out.extend((form, {"plural": plural}) for form, plural in morphology.noun_forms(noun))
    for phrase, value in group.get("values", {}).items():
        out.append((phrase, {"value": value}))
    return out


def _product_senses(morphology: Morphology) -> list[Sense]:
    """PRODUCT senses for every way a product is named: its heading, its aliases (products.csv) and its
    in-text mentions (products.toml), each also with its last word in the plural. A name is `specific`
    when it cannot be a plain element word of another product's sentence: the heading itself, a name of
    two words or more, or an acronym ("NPI", "Co3O4")."""
    from smm_pipeline import catalogue

    mentions = _read("products").get("mentions", {})
    senses: list[Sense] = []
    for product in catalogue.products():
        names = [product.heading, *product.aliases, *mentions.get(product.product, [])]
        for name in names:
            specific = name == product.heading or " " in name or "-" in name or not name[1:].islower()
            for form, _ in morphology.noun_forms(name):
                senses.append(Sense("PRODUCT", {"product": product.product, "specific": specific}, form))
    return senses
