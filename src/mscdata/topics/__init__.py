"""Topics as data: the records on one subject, defined once in a YAML file.

A topic file (``msc.yaml`` here, or any file following ``topic.schema.json``) lists MeSH
descriptors, text terms and exclusions. From it come:

* :meth:`Topic.query`: the PubMed (E-utilities) query: descriptors as ``[MeSH Terms]``
  (``[MeSH Major Topic]`` when ``major``, ``:noexp`` when not exploded), terms as
  ``[tiab]`` and ``[ot]``, exclusions after ``NOT``;
* :meth:`Topic.matches`: the same rules applied locally to a parsed record (an Article,
  its article data, or a parser's fields dict): a listed descriptor UI among its MeSH
  headings, or a term in its title, abstract (every section) or keywords, and no
  exclusion. Text is compared case-, accent- and punctuation-blind, word by word: a
  term matches whole words only, ``*`` any ending of its last word;
* :func:`mscdata.topics.selection.select`: bulk PubMed XML files filtered by a topic,
  the matching records copied byte for byte.

Where the query and the local filter differ (MeSH explosion, PubMed's own word
splitting), the README says.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mscdata.errors import TopicError

TOPICS_DIR = Path(__file__).parent
MIN_TRUNCATED_ROOT = 4  # PubMed truncates only words with at least four characters before *
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize(text: str) -> str:
    """Text as terms are compared: case folded, accents dropped, every run of
    punctuation or white space one space (``Wharton's jelly`` → ``wharton s jelly``)."""
    if text.isascii():
        folded = text.casefold()
    else:  # decomposed before and after folding: folding may compose, decomposing may fold
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return _NON_WORD.sub(" ", folded).strip()


def _term_pattern(term: str) -> str:
    """The regular expression of one term over normalized text: its words, in order,
    separated by one space; a final ``*`` lets the last word go on."""
    truncated = term.rstrip().endswith("*")
    words = normalize(term).split()
    parts = [re.escape(w) for w in words]
    if truncated:
        parts[-1] += "[^ \n]*"
    return " ".join(parts)


class _Terms:
    """Finds any of some terms as whole words in normalized text (fields are lines
    apart). A term is looked for only when the text holds its first word, so most
    records cost one set lookup per term."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.by_first_word: dict[str, list[re.Pattern[str]]] = {}
        self.always: list[re.Pattern[str]] = []  # a truncated first word: any ending
        for term in terms:
            pattern = re.compile(r"(?<![^ \n])" + _term_pattern(term) + r"(?![^ \n])")
            words = normalize(term).split()
            if len(words) == 1 and term.rstrip().endswith("*"):
                self.always.append(pattern)
            else:
                self.by_first_word.setdefault(words[0], []).append(pattern)

    def search(self, text: str, words: frozenset[str]) -> bool:
        """Whether the text (whose words are ``words``) holds any of the terms."""
        for word in words & self.by_first_word.keys():
            if any(p.search(text) for p in self.by_first_word[word]):
                return True
        return any(p.search(text) for p in self.always)


@dataclass(frozen=True)
class Descriptor:
    """A MeSH descriptor of a topic: its UI and name; ``major``: only as a major topic;
    ``explode``: whether PubMed's query includes narrower descriptors."""

    ui: str
    name: str
    major: bool = False
    explode: bool = True

    def query(self) -> str:
        """The descriptor as a PubMed search clause."""
        tag = "MeSH Major Topic" if self.major else "MeSH Terms"
        if not self.explode:
            tag = "majr:noexp" if self.major else "mh:noexp"
        return f'"{self.name}"[{tag}]'


@dataclass(frozen=True)
class RecordText:
    """What a topic looks at in a record: normalized title, abstract and keywords (one
    line each), MeSH descriptor UIs (all, and those that are a major topic) and
    publication types (case folded)."""

    text: str
    words: frozenset[str]
    mesh: frozenset[str]
    major_mesh: frozenset[str]
    publication_types: frozenset[str]


def _get(item: Any, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def record_text(record: Any) -> RecordText:
    """The parts of a record a topic reads; ``record`` is an Article, article data
    (``Article.model_dump()``) or a parser's fields dict."""
    sections = _get(record, "abstract_sections") or []
    abstract = [_get(s, "text") or "" for s in sections] or [_get(record, "abstract") or ""]
    keywords = [_get(k, "term") or "" for k in _get(record, "keywords") or []]
    lines = [_get(record, "title") or "", " ".join(abstract), " ; ".join(keywords)]
    mesh, major = set(), set()
    for heading in _get(record, "mesh_headings") or []:
        if ui := _get(heading, "descriptor_ui"):
            mesh.add(ui)
            if _get(heading, "descriptor_major_topic") or _get(heading, "qualifier_major_topic"):
                major.add(ui)
    types = {t.casefold() for t in _get(record, "publication_types") or [] if t}
    text = "\n".join(normalize(line) for line in lines)
    return RecordText(
        text,
        frozenset(text.split()),
        frozenset(mesh),
        frozenset(major),
        frozenset(types),
    )


@dataclass(frozen=True)
class Topic:
    """A topic read from its file (:func:`load_topic`)."""

    name: str
    title: str
    description: str
    mesh: tuple[Descriptor, ...]
    terms: tuple[str, ...]
    exclude_mesh: tuple[Descriptor, ...]
    exclude_terms: tuple[str, ...]
    exclude_publication_types: tuple[str, ...]
    path: Path
    sha256: str

    @functools.cached_property
    def _include(self) -> _Terms:
        return _Terms(self.terms)

    @functools.cached_property
    def _exclude(self) -> _Terms:
        return _Terms(self.exclude_terms)

    def matches(self, record: Any) -> bool:
        """Whether a record is on the topic (see the module's docstring)."""
        seen = record if isinstance(record, RecordText) else record_text(record)
        found = _mesh_match(self.mesh, seen) or self._include.search(seen.text, seen.words)
        return found and not self._excluded(seen)

    def _excluded(self, seen: RecordText) -> bool:
        if _mesh_match(self.exclude_mesh, seen):
            return True
        if self._exclude.search(seen.text, seen.words):
            return True
        return any(t.casefold() in seen.publication_types for t in self.exclude_publication_types)

    def explain(self, record: Any) -> list[str]:
        """Why a record matches or not: each rule it meets (``term 'x'``, ``MeSH D…``,
        ``excluded by …``); empty when it meets none."""
        seen = record if isinstance(record, RecordText) else record_text(record)
        reasons = [f"MeSH {d.ui} ({d.name})" for d in self.mesh if _mesh_match((d,), seen)]
        reasons += [f"term {t!r}" for t in self.terms if _Terms([t]).search(seen.text, seen.words)]
        excluded = [f"MeSH {d.ui}" for d in self.exclude_mesh if _mesh_match((d,), seen)]
        excluded += [
            f"term {t!r}" for t in self.exclude_terms if _Terms([t]).search(seen.text, seen.words)
        ]
        excluded += [
            f"publication type {t!r}"
            for t in self.exclude_publication_types
            if t.casefold() in seen.publication_types
        ]
        return reasons + [f"excluded by {e}" for e in excluded]

    def query(self) -> str:
        """The PubMed query of the topic, for E-utilities (``mscdata fetch --query``)."""
        include = [d.query() for d in self.mesh]
        include += [f'"{t}"[tiab]' for t in self.terms]
        include += [f'"{t}"[ot]' for t in self.terms]
        exclude = [d.query() for d in self.exclude_mesh]
        exclude += [f'"{t}"[tiab]' for t in self.exclude_terms]
        exclude += [f'"{t}"[ot]' for t in self.exclude_terms]
        exclude += [f'"{t}"[Publication Type]' for t in self.exclude_publication_types]
        query = "(" + " OR ".join(include) + ")"
        return f"{query} NOT (" + " OR ".join(exclude) + ")" if exclude else query


def _mesh_match(descriptors: Iterable[Descriptor], seen: RecordText) -> bool:
    return any(d.ui in (seen.major_mesh if d.major else seen.mesh) for d in descriptors)


def bundled_topics() -> list[str]:
    """The names of the topics shipped with mscdata."""
    return sorted(p.stem for p in TOPICS_DIR.glob("*.yaml"))


def topic_path(topic: str | os.PathLike) -> Path:
    """The file of a topic given by name (a bundled one) or as a path."""
    if isinstance(topic, str) and re.fullmatch(r"[a-z][a-z0-9_-]*", topic):
        path = TOPICS_DIR / f"{topic}.yaml"
        if path.is_file():
            return path
        if not Path(topic).is_file():
            known = ", ".join(bundled_topics())
            raise TopicError(f"unknown topic {topic!r}; bundled topics: {known} (or a topic file)")
    path = Path(topic)
    if not path.is_file():
        raise TopicError(f"{path}: no such topic file")
    return path


def load_topic(topic: str | os.PathLike | Topic) -> Topic:
    """A topic by name (``"msc"``), or from a topic file; checked against the topic
    schema (TopicError names the file and line of the first problems)."""
    if isinstance(topic, Topic):
        return topic
    path = topic_path(topic)
    stat = path.stat()
    return _load(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load(path: Path, mtime: int, size: int) -> Topic:
    from mscdata.topics.topic_file import locate, read_topic_file

    document, node = read_topic_file(path)
    if path.parent == TOPICS_DIR.resolve() and document["name"] != path.stem:
        raise locate(node, path, ("name",), f"a bundled topic is named after its file: {path.stem}")
    exclude = document.get("exclude") or {}
    for where in [("terms",), ("exclude", "terms")]:
        terms = document.get(where[0]) if len(where) == 1 else exclude.get("terms")
        _check_terms(terms or [], node, path, where)

    def descriptors(items: list[dict[str, Any]]) -> tuple[Descriptor, ...]:
        return tuple(
            Descriptor(d["ui"], d["name"].strip(), d.get("major", False), d.get("explode", True))
            for d in items
        )

    return Topic(
        name=document["name"],
        title=document["title"].strip(),
        description=" ".join((document.get("description") or "").split()),
        mesh=descriptors(document.get("mesh") or []),
        terms=tuple(" ".join(t.split()) for t in document.get("terms") or []),
        exclude_mesh=descriptors(exclude.get("mesh") or []),
        exclude_terms=tuple(" ".join(t.split()) for t in exclude.get("terms") or []),
        exclude_publication_types=tuple(exclude.get("publication_types") or []),
        path=path,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _check_terms(terms: list[str], node: Any, path: Path, where: tuple[str, ...]) -> None:
    """Rules on terms the schema cannot state: PubMed's truncation, no repeats."""
    from mscdata.topics.topic_file import locate

    seen: dict[str, int] = {}
    for number, term in enumerate(terms):
        key = normalize(term) + ("*" if term.rstrip().endswith("*") else "")
        if term.rstrip().endswith("*"):
            root = normalize(term).split()[-1]
            if len(root) < MIN_TRUNCATED_ROOT:
                raise locate(
                    node,
                    path,
                    (*where, number),
                    f"{term!r}: PubMed truncates (*) only words of at least "
                    f"{MIN_TRUNCATED_ROOT} characters before the *; list the forms instead",
                )
        if key in seen:
            raise locate(node, path, (*where, number), f"{term!r} repeats {where[-1]}[{seen[key]}]")
        seen[key] = number
