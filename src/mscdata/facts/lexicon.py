"""The lexicons (``lexicons/*.yaml``) compiled into one trigger scan and anchored terms.

A lexicon file names its facet and lists entries; an entry has a ``value`` (a vocabulary
value, or a MeSH descriptor name for conditions), an optional ``curie`` and ``terms``,
and may carry more keys that the rules read (``kind``, ``group``, ``tissue``…). A term
is written as the words it matches:

- case is ignored, unless the term starts with ``=`` (``=EVs``: exactly so);
- a space between words matches any run of spaces and hyphens, a hyphen matches a
  hyphen, a space or nothing (``co-culture`` matches co-culture, co culture, coculture);
- ``(s)`` (any letters in brackets) after a word makes them optional; a word ending in
  ``*`` matches any continuation of letters; an apostrophe matches ' or ’ or nothing;
- every other character is itself, and a term ends at the end of a word.

Speed: the text is lowered once, every character but a-z and 0-9 made a space, and
scanned in one pass by an Aho-Corasick automaton (pyahocorasick, in C) of every term's
trigger, its longest word that is not a common one (:data:`COMMON`), with the spaces
around it; each term is then tried only where its trigger stands. The facets of the
article as a whole (MSC mentions, species, design) have a scan of their own, run on every
article; the facets of the MSCs (:data:`CELL_FACETS`) are scanned only in articles naming MSCs.
See :func:`compile_lexicons`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).with_name("lexicons")
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_SEPARATOR = f"[\\s{_DASHES}]+"
_HYPHEN = f"[\\s{_DASHES}]?"
_WORD = re.compile(r"[a-z0-9]+(?:\([a-z]+\))?\*?")
WORD_AT = re.compile(r"[a-z0-9]*")  # a word's letters and digits, from where it starts
# words too common in abstracts to trigger a term: a term's longest other word does,
# or, when all its words are common, its last word that is no function word
_FUNCTION_WORDS = """
    the in a an of to for and or with from by at on into this that these our their its we were
    was is are be been here herein has have had it can could may might would should will each
    per well
    """
_COMMON_WORDS = """
    new novel first type over single multiple large acute chronic primary term older self case
    study studies clinical cell cells stem non induced human patients patient disease model
    models method methods s h i c v p m 6 use used improved potential present current control
    medical further known year years overall therapeutic progression
    """
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
COMMON = frozenset(_COMMON_WORDS.split()) | FUNCTION_WORDS
# facets read only in articles that name MSCs
CELL_FACETS = frozenset(
    ("tissue", "cell_products", "routes", "donor_relation", "conditions", "isct_criteria")
)
# lexicon facets named otherwise in the schema
SCHEMA_FACETS = {"tissue": "cell_sources"}


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: its facet, value, ontology term and the rule name it fires as."""

    facet: str
    value: str
    curie: str
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def rule(self) -> str:
        return f"{self.facet}:{self.value}"

    @functools.cached_property
    def _keys(self) -> dict[str, Any]:
        return dict(self.extra)

    def get(self, key: str, default: Any = None) -> Any:
        return self._keys.get(key, default)


@dataclass
class Term:
    """A compiled term: its pattern, its entry, and how far before its trigger it may
    start (0: it starts with its trigger)."""

    entry: Entry
    pattern: re.Pattern[str]
    text: str
    reach: int = 0
    parts: frozenset[str] | None = None  # the parts it is read in (None: every part)
    # with a reach: the pattern as group 1, after at most ``reach`` characters, the fewest
    # first (a match from a place tries the places a search would, up to reach only)
    behind: re.Pattern[str] | None = None


@dataclass
class Scanner:
    """Some lexicons' terms, reachable from the trigger words one scan finds."""

    # an ahocorasick.Automaton of " word " (a trigger) and " prefix" (a trigger ending in
    # ``*``), each giving (the key's length, the word, its terms_at; None, None for a prefix)
    automaton: Any
    exact: dict[str, list[Term]]
    prefixes: dict[str, list[Term]]
    known: dict[str, list[Term]] = field(default_factory=dict)  # terms_at's answers so far

    def hits(self, scanned: str) -> Iterator[tuple[int, str | None, list[Term]]]:
        """Each trigger word of ``scanned`` (a :func:`~mscdata.facts.parts.scanned_text`)
        as (the place of the space before it, the word or None for a word a prefix
        found, its terms), in order."""
        if not self.exact and not self.prefixes:
            return  # no trigger (a lexicon folder without this scanner's facets)
        last = -1
        for end, (size, word, terms) in self.automaton.iter(scanned):
            place = end - size + 1
            if place == last:  # a longer trigger of a word a prefix has found
                continue
            last = place
            if terms is None:  # a prefix: the terms of the whole word
                terms = self.terms_at(WORD_AT.match(scanned, place + 1)[0])
            yield place, word, terms

    def words(self, scanned: str) -> Iterator[tuple[int, str]]:
        """Each trigger word of ``scanned`` as (the place of the space before it, the
        whole word), in order (:meth:`hits` without the terms)."""
        for place, word, _ in self.hits(scanned):
            yield place, word or WORD_AT.match(scanned, place + 1)[0]

    def terms_at(self, word: str) -> list[Term]:
        """The terms whose trigger is ``word`` (exact or a prefix ending in ``*``)."""
        found = self.known.get(word)
        if found is None:
            found = list(self.exact.get(word, ()))
            for prefix, terms in self.prefixes.items():
                if word.startswith(prefix):
                    found += terms
            if len(self.known) < 100_000:  # the words a scan can find are few
                self.known[word] = found
        return found


@dataclass
class Compiled:
    """Every lexicon: the scanner of the article's facets, that of the MSCs' facets,
    and each facet's entries."""

    article: Scanner
    cells: Scanner
    entries: dict[str, list[Entry]]


def term_regex(term: str) -> tuple[str, list[str], bool, int]:
    """A term's regular expression, its trigger words (prefixes end in ``*``), whether
    case counts, and where in the term the trigger starts. ValueError for a term that
    does not start with a word."""
    exact_case = term.startswith("=")
    body = term[1:] if exact_case else term
    if not body[:1].isalnum():
        raise ValueError(f"term {term!r} must start with a letter or digit")
    parts: list[str] = []
    i = 0
    lowered = body.lower()
    while i < len(body):
        char = body[i]
        word = _WORD.match(lowered, i)
        if word:
            text = body[word.start() : word.end()]
            star = text.endswith("*")
            text = text.rstrip("*")
            stem, _, optional = text.partition("(")
            parts.append(re.escape(stem))
            if optional:
                parts.append(f"(?:{re.escape(optional.rstrip(')'))})?")
            if star:
                parts.append("[a-z]*" if not exact_case else "[A-Za-z]*")
            i = word.end()
        elif char == " ":
            parts.append(_SEPARATOR)
            i += 1
        elif char == "-":
            parts.append(_HYPHEN)
            i += 1
        elif char in "'’":
            parts.append("['’]?")
            i += 1
        else:
            parts.append(re.escape(char))
            i += 1
    words = list(_WORD.finditer(lowered))

    def bare(word: re.Match[str]) -> str:
        return word.group().rstrip("*").split("(")[0]

    chosen = words[0]
    if bare(chosen) in COMMON:
        uncommon = [w for w in words if bare(w) not in COMMON]
        content = [w for w in words if bare(w) not in FUNCTION_WORDS] or words
        chosen = max(uncommon, key=lambda w: len(w.group())) if uncommon else content[-1]
    trigger = chosen.group()
    stem, _, optional = trigger.rstrip("*").partition("(")
    star = "*" if trigger.endswith("*") else ""
    triggers = [stem + star]
    if optional:
        triggers.append(stem + optional.rstrip(")") + star)
    if body[-1].isalnum() or body.endswith(")"):
        parts.append("(?![A-Za-z0-9])")
    return "".join(parts), triggers, exact_case, chosen.start()


def load_lexicon(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """A lexicon file's facet and entries (ValueError naming the file when malformed)."""
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ValueError(f"{path.name}: a lexicon is a mapping with facet and entries")
    facet = document.get("facet")
    if not isinstance(facet, str):
        raise ValueError(f"{path.name}: no facet")
    for number, entry in enumerate(document["entries"], 1):
        if not isinstance(entry, dict) or "value" not in entry:
            raise ValueError(f"{path.name}: entry {number} has no value")
    return facet, document["entries"]


@functools.lru_cache(maxsize=1)
def compile_lexicons(folder: str | None = None) -> Compiled:
    """Every lexicon of ``folder`` (default: the package's) compiled once per process."""
    terms: dict[bool, list[tuple[str, Term]]] = {False: [], True: []}
    entries: dict[str, list[Entry]] = {}
    for path in sorted(Path(folder or LEXICON_DIR).glob("*.yaml")):
        facet, items = load_lexicon(path)
        for item in items:
            extra = tuple(
                (k, tuple(v) if isinstance(v, list) else v)
                for k, v in sorted(item.items())
                if k not in ("value", "curie", "terms")
            )
            entry = Entry(facet, str(item["value"]), _term(path, facet, item), extra)
            entries.setdefault(facet, []).append(entry)
            for text in item.get("terms") or ():
                try:
                    regex, words, exact_case, offset = term_regex(str(text))
                except ValueError as error:
                    raise ValueError(f"{path.name}: {error}") from None
                flags = 0 if exact_case else re.IGNORECASE
                term = Term(entry, re.compile(regex, flags), str(text), offset and offset * 3 + 10)
                terms[facet in CELL_FACETS] += [(word, term) for word in words]
    return Compiled(_scanner(terms[False]), _scanner(terms[True]), entries)


def _term(path: Path, facet: str, item: dict[str, Any]) -> str:
    """An entry's ontology term: the schema's meaning of its value where the facet has a
    vocabulary (schemas/mscdata.yaml, one source of truth: a lexicon that names its own
    term, or a value the vocabulary lacks, is refused); else the lexicon's (MeSH ids)."""
    from mscdata.schema_rules import FACETS, FACT_TERMS

    facet = SCHEMA_FACETS.get(facet, facet)
    if not FACETS.get(facet):
        return str(item.get("curie") or "")
    key = f"{facet}:{item['value']}"
    if key not in FACT_TERMS:
        raise ValueError(f"{path.name}: {item['value']!r} is no value of {FACETS[facet]}")
    if "curie" in item:
        raise ValueError(f"{path.name}: {item['value']}: the schema gives its term, not a lexicon")
    return FACT_TERMS[key]


def _scanner(terms: list[tuple[str, Term]]) -> Scanner:
    grouped: dict[tuple[str, Entry, bool, int], list[Term]] = {}
    for word, term in terms:  # one pattern per trigger, entry and case: fewer tries per hit
        flags = term.pattern.flags & re.IGNORECASE
        grouped.setdefault((word, term.entry, term.reach > 0, flags), []).append(term)
    exact: dict[str, list[Term]] = {}
    prefixes: dict[str, list[Term]] = {}
    for (word, entry, _, flags), members in grouped.items():
        members.sort(key=lambda m: len(m.pattern.pattern), reverse=True)  # longest first
        alternatives = "|".join(f"(?:{m.pattern.pattern})" for m in members)
        parts = entry.get("parts")
        reach = max(m.reach for m in members)
        term = Term(
            entry,
            re.compile(alternatives, flags),
            " | ".join(m.text for m in members),
            reach,
            frozenset(parts) if parts else None,
            re.compile(rf"[\s\S]{{0,{reach}}}?({alternatives})", flags) if reach else None,
        )
        target = prefixes if word.endswith("*") else exact
        target.setdefault(word.rstrip("*"), []).append(term)
    import ahocorasick

    scanner = Scanner(ahocorasick.Automaton(), exact, prefixes)
    for word in sorted({word for word, _ in terms}):
        if word.endswith("*"):  # a prefix: any word it starts
            scanner.automaton.add_word(f" {word[:-1]}", (len(word), None, None))
        else:  # a whole word: spaces (scanned_text's word ends) around it
            scanner.automaton.add_word(f" {word} ", (len(word) + 2, word, scanner.terms_at(word)))
    if exact or prefixes:  # an automaton needs a word (words() finds none without)
        scanner.automaton.make_automaton()
    return scanner
