"""Line and section machinery shared by the PubMed page text renderings.

A page is a list of lines plus one fact: whether the text stopped inside its last
line (no final newline). Real copies are often cut at a fixed length, so every reader
here treats any point as a possible end, and says so through ``complete`` flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mscdata.identifiers import dois_in_text
from mscdata.parsers.limits import MAX_CHILD_ROWS, check_rows

BULLET = re.compile(r"^\s*[•\-*]\s+")
LINKED_HEADINGS = {
    "Comment in": "comment_in",
    "Comment on": "comment_on",
    "Erratum in": "erratum_in",
    "Erratum for": "erratum_for",
    "Retraction in": "retraction_in",
    "Retraction of": "retraction_of",
    "Retracted publication": "retraction_of",
    "Update in": "update_in",
    "Update of": "update_of",
    "Updated version": "update_in",
    "Republished in": "republished_in",
    "Republished from": "republished_from",
    "Expression of concern in": "expression_of_concern_in",
    "Expression of concern for": "expression_of_concern_for",
}
HEADINGS = {
    "Abstract",
    "PubMed Disclaimer",
    "Conflict of interest statement",
    "Figures",
    "Similar articles",
    "Cited by",
    "References",
    "Publication types",
    "MeSH terms",
    "Substances",
    "Grants and funding",
    "Associated data",
    "Related information",
    "LinkOut - more resources",
    *LINKED_HEADINGS,
}
# "Keywords:", "Key Words:", "KEYWORDS:", "Key words:" (journals print all of them)
KEYWORDS_LABEL = re.compile(r"^key ?words\s*:", re.IGNORECASE)
_KEYWORDS_SPELLINGS = ("keywords:", "key words:")
MIN_HEADING_PREFIX = 4  # a shorter cut word ("A", "Fi") may as well start ordinary text
_LINK_LABELS = ("DOI", "PMC", "PubMed", "Free PMC article", "Free article")
_CUT_LINK_LABELS = {"", "D", "DO", "P", "PM", "Pu", "Pub", "PubM", "PubMe"}
_CUT_FREE_LABEL = re.compile(r"Free(?: \w*)*")
_REF_ENTRY = re.compile(r"^\s*\d+\.(?:\s+(.*))?$")
_PMID_IN_TEXT = re.compile(r"\bPMID:\s*([1-9][0-9]{0,8})\b")


@dataclass
class Page:
    """The lines of a page; ``cut`` is True when the text stops inside its last line."""

    lines: list[str]
    cut: bool

    @classmethod
    def from_text(cls, text: str) -> Page:
        text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
        cut = not text.endswith("\n")
        lines = text.split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
            cut = False
        return cls(lines, cut and bool(lines))

    def line_complete(self, index: int) -> bool:
        """False only for the last line of a text that stops inside it."""
        return not (self.cut and index == len(self.lines) - 1)


@dataclass
class Section:
    """A heading (None for text before any heading) and the lines under it."""

    heading: str | None
    start: int
    body: list[tuple[int, str]] = field(default_factory=list)
    closed: bool = False  # another heading followed: nothing of this section was cut

    def paragraphs(self, page: Page, *, per_line: bool = False) -> list[tuple[str, bool]]:
        """Paragraphs (blank-line separated, or one a line), each with whether it is whole."""
        result: list[tuple[str, bool]] = []
        chunk: list[tuple[int, str]] = []
        for index, line in [*self.body, (-1, "")]:
            if line.strip():
                chunk.append((index, line.strip()))
            if chunk and (per_line or not line.strip()):
                text = " ".join(t for _, t in chunk)
                result.append((text, page.line_complete(chunk[-1][0])))
                chunk = []
                if len(result) > MAX_CHILD_ROWS:
                    check_rows(len(result), "paragraphs")
        return result

    def bullets(self, page: Page) -> list[str]:
        """Bulleted entries (``  • text``), continuation lines joined to their entry.

        An entry the text stops inside is left out: these lists have no per-item flag,
        and a cut entry (``R`` for ``Review``) must not pass for a whole one.
        """
        entries: list[tuple[int, str]] = []
        for index, line in self.body:
            if not line.strip():
                continue
            if BULLET.match(line):
                entries.append((index, BULLET.sub("", line).strip()))
                if len(entries) > MAX_CHILD_ROWS:
                    check_rows(len(entries), f"entries under {self.heading or 'a heading'}")
            elif entries:
                entries[-1] = (index, f"{entries[-1][1]} {line.strip()}")
        return [text for index, text in entries if text and page.line_complete(index)]


def is_keywords_prefix(line: str) -> bool:
    """True for the start of a keywords label cut short (``Keywo``, ``Key W``, ``KEY``)."""
    text = line.strip().lower()
    return bool(text) and any(s.startswith(text) for s in _KEYWORDS_SPELLINGS)


def is_heading_prefix(line: str, extra: tuple[str, ...] = ()) -> bool:
    """True for a cut heading such as ``Keywo`` or ``PubMed Discl`` (or a cut ``extra`` line)."""
    text = line.strip()
    if not text:
        return False
    return is_keywords_prefix(text) or any(h.startswith(text) for h in [*HEADINGS, *extra])


def split_sections(page: Page, start: int, *, headings: set[str] = HEADINGS) -> list[Section]:
    """Split ``page.lines[start:]`` at known headings and at the ``Keywords:`` line.

    A last line cut inside a heading word is dropped; see the comment below for when
    the section before it counts as complete.
    """
    sections = [Section(None, start)]
    last = len(page.lines) - 1
    for index in range(start, len(page.lines)):
        line = page.lines[index]
        text = line.strip()
        if text in headings and line == line.lstrip():
            sections[-1].closed = True
            sections.append(Section(text, index))
        elif KEYWORDS_LABEL.match(text) and line == line.lstrip():
            sections[-1].closed = True
            sections.append(Section("Keywords", index, [(index, text)]))
            sections.append(Section(None, index + 1))
        elif index == last and not page.line_complete(index) and is_heading_prefix(line):
            # A cut line such as "Keywo" is dropped. It ends the section before it only
            # when it cannot be that section's own text going on: several letters, after
            # the blank line that precedes every heading.
            body = sections[-1].body
            sections[-1].closed = (
                len(text) >= MIN_HEADING_PREFIX
                and bool(body)
                and not body[-1][1].strip()
                and any(t.strip() for _, t in body)
            )
        else:
            sections[-1].body.append((index, line))
    return [s for s in sections if s.heading is not None or any(t.strip() for _, t in s.body)]


def natural_end(page: Page, final_line: str) -> bool:
    """True when the page's last line is the rendering's fixed last line."""
    return bool(page.lines) and page.lines[-1].strip() == final_line


# ---------------------------------------------------------------- section readers


def read_abstract(
    section: Section, page: Page, *, per_line: bool = False
) -> tuple[list[dict[str, Any]], bool]:
    """Abstract paragraphs as sections (structured ones labelled), and whether it is whole."""
    paragraphs = section.paragraphs(page, per_line=per_line)
    structured = len(paragraphs) > 1
    sections = []
    for text, complete in paragraphs:
        label = None
        if structured and (m := _LABEL.match(text)):
            label = m.group(1)
        sections.append({"label": label, "text": text, "complete": complete})
    whole = section.closed and all(s["complete"] for s in sections)
    return sections, whole


_LABEL = re.compile(r"^([A-Z][A-Za-z]*(?:[ /&,-]+[A-Za-z]+){0,5}):\s+\S")


def section_label(text: str) -> str | None:
    """The ``Label`` of a ``Label: text`` abstract paragraph, or None."""
    m = _LABEL.match(text)
    return m.group(1) if m else None


def read_keywords(section: Section, page: Page) -> tuple[list[dict[str, Any]], bool]:
    """``Keywords: a; b; c.`` as keyword items; the last is marked cut if the line was."""
    index, line = section.body[0]
    return keyword_items(KEYWORDS_LABEL.sub("", line, count=1), index, page)


def keyword_items(text: str, index: int, page: Page) -> tuple[list[dict[str, Any]], bool]:
    """``a; b; c.`` on line ``index`` as keyword items, and whether the list is whole."""
    text = text.strip()
    line_whole = page.line_complete(index) or text.endswith(".")
    if text.endswith("."):
        text = text[:-1]
    check_rows(text.count(";") + 1, "keywords")
    terms = [t.strip() for t in re.split(r";\s*", text) if t.strip()]
    items = [{"term": t, "complete": True} for t in terms]
    if items and not line_whole:
        items[-1]["complete"] = False
    return items, line_whole and bool(items)


def read_figures(section: Section, page: Page) -> tuple[list[dict[str, Any]], bool]:
    """``Figure 1`` / ``Figure 1`` / caption triples; count distinct labels, not lines.

    Captions are one line. When the text stops in the list, a label left without its
    second copy (``Fi``, or ``Figure 3`` alone) is dropped and the list marked partial.
    """
    body = [(i, t.strip()) for i, t in section.body if t.strip()]
    figures: list[dict[str, Any]] = []
    whole = section.closed
    k = 0
    while k < len(body):
        index, text = body[k]
        following = body[k + 1] if k + 1 < len(body) else None
        if following and following[1] == text and len(text) <= 60:
            figures.append({"label": text, "lines": []})
            k += 2
            continue
        at_end = k == len(body) - 1 or (
            k == len(body) - 2
            and following is not None
            and not page.line_complete(following[0])
            and text.startswith(following[1])
        )
        if at_end and not section.closed and (not figures or figures[-1]["lines"]):
            whole = False  # a label whose second copy (or more) was cut away
            break
        if figures:
            figures[-1]["lines"].append((index, text))
        k += 1
    for figure in figures:
        lines = figure.pop("lines")
        figure["caption"] = " ".join(t for _, t in lines) or None
        cut = not lines or not page.line_complete(lines[-1][0])
        figure["complete"] = not (cut and not section.closed and figure is figures[-1])
    return figures, whole and all(f["complete"] for f in figures)


def read_references(section: Section, page: Page) -> tuple[list[dict[str, Any]], bool]:
    """``    1. citation - DOI - PubMed`` entries without the link labels."""
    entries: list[tuple[int, str]] = []
    for index, line in section.body:
        if not line.strip():
            continue
        m = _REF_ENTRY.match(line)
        if m:
            if m.group(1):
                entries.append((index, m.group(1)))
                if len(entries) > MAX_CHILD_ROWS:
                    check_rows(len(entries), "references")
        elif not page.line_complete(index) and re.match(r"^\s+\d+$", line):
            continue  # cut inside the next entry's number
        elif entries:
            entries[-1] = (index, f"{entries[-1][1]} {line.strip()}")
    check_rows(len(entries), "references")
    references = []
    for index, text in entries:
        labels_at = _link_labels_start(text)
        has_suffix = labels_at < len(text)
        citation = text[:labels_at].strip()
        complete = page.line_complete(index) or has_suffix
        if not complete:  # cut inside the link labels: drop what is left of them
            citation = citation[: _cut_label_start(citation)]
            citation = citation[: _link_labels_start(citation)].strip()
        dois = dois_in_text(citation)
        references.append(
            {"citation": citation, "doi": dois[0] if dois else None, "complete": complete}
        )
    return references, section.closed and all(r["complete"] for r in references)


def _spaces_before(text: str, end: int) -> int:
    """Where the run of white space that ends at ``end`` starts."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _link_labels_start(text: str) -> int:
    r"""Where a reference's trailing `` - DOI - PubMed`` link labels start (else len(text)).

    Read backwards, label by label, so each character is looked at once (the regex
    ``(?:\s+-\s+(?:DOI|…))+\s*$`` retried at every dash: quadratic time).
    """
    start = len(text)
    end = _spaces_before(text, start)
    while label := next((x for x in _LINK_LABELS if text.endswith(x, 0, end)), None):
        gap = _spaces_before(text, end - len(label))
        dash = gap - 1
        if gap == end - len(label) or dash < 0 or text[dash] != "-":
            break
        before = _spaces_before(text, dash)
        if before == dash:
            break
        start = end = before
    return start


def _cut_label_start(text: str) -> int:
    """Where a link label cut short (`` -``, `` - Pu``, `` - Free PM``) starts (else len(text))."""
    dash = text.rfind("-")
    if dash < 1 or not text[dash - 1].isspace():
        return len(text)
    after = text[dash + 1 :]
    rest = after.lstrip()
    if after and (
        rest == after or not (rest in _CUT_LINK_LABELS or _CUT_FREE_LABEL.fullmatch(rest))
    ):
        return len(text)
    return _spaces_before(text, dash)


def read_linked(section: Section, page: Page) -> list[dict[str, Any]]:
    """Entries of a ``Comment in`` / ``Erratum in`` block, with their PMID and DOI."""
    relation = LINKED_HEADINGS[section.heading or ""]
    linked = []
    for entry in section.bullets(page):
        pmid = _PMID_IN_TEXT.search(entry)
        dois = dois_in_text(entry)
        linked.append(
            {
                "relation": relation,
                "citation": entry,
                "pmid": pmid.group(1) if pmid else None,
                "doi": dois[0] if dois else None,
            }
        )
    return linked


def read_mesh(entries: list[str]) -> list[dict[str, Any]]:
    """``Descriptor* / Qualifier*`` bullets as one heading per descriptor/qualifier pair."""
    headings = []
    for entry in entries:
        parts = [p.strip() for p in entry.split(" / ")]
        descriptor = parts[0]
        d_major = descriptor.endswith("*")
        descriptor = descriptor.rstrip("*").strip()
        qualifiers = parts[1:] or [None]
        for qualifier in qualifiers:
            q_major = None
            if qualifier is not None:
                q_major = qualifier.endswith("*")
                qualifier = qualifier.rstrip("*").strip()
            headings.append(
                {
                    "descriptor": descriptor,
                    "descriptor_major_topic": d_major,
                    "qualifier": qualifier,
                    "qualifier_major_topic": q_major,
                }
            )
    return headings


_GRANT = re.compile(
    r"^(?P<grant_id>[^/]+?)/(?:(?P<acronym>[^/]*)/)?(?P<agency>[^/]+)/(?P<country>[^/]+)$"
)


def read_grants(entries: list[str]) -> list[dict[str, Any]]:
    """``R01 NS106907/NS/NINDS NIH HHS/United States`` bullets as grants."""
    grants = []
    for entry in entries:
        m = _GRANT.match(entry)
        grant: dict[str, Any] = {"text": entry}
        if m:
            grant.update(
                grant_id=m.group("grant_id"),
                acronym=m.group("acronym") or None,
                agency=m.group("agency"),
                country=m.group("country"),
            )
        grants.append(grant)
    return grants


def split_mesh_and_substances(section: Section, page: Page) -> tuple[list[str], list[str]]:
    """MeSH bullets, and the substance bullets that follow them when the heading was lost.

    The plain rendering sometimes drops the ``Substances`` heading, leaving two blank
    lines between the MeSH list and the substance list.
    """
    groups: list[list[tuple[int, str]]] = [[]]
    blanks = 0
    for index, line in section.body:
        if not line.strip():
            blanks += 1
            continue
        if blanks >= 2 and groups[-1]:
            groups.append([])
        blanks = 0
        groups[-1].append((index, line))
    mesh = Section(None, 0, groups[0]).bullets(page)
    substances = [b for g in groups[1:] for b in Section(None, 0, g).bullets(page)]
    return mesh, substances
