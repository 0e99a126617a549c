"""The facts about the MSCs themselves: the tissues they come from, what was made of
them, how they were given, their donors and the ISCT criteria (the conditions treated
are :mod:`mscdata.facts.condition_facts`'s). Each reads the lexicons' matches near
the MSCs named (:mod:`mscdata.facts.reading`)."""

from __future__ import annotations

import functools
import itertools
import re

from mscdata.facts.lexicon import Entry
from mscdata.facts.matching import Match
from mscdata.facts.reading import (
    PROSE_PARTS,
    Mention,
    Reading,
    sentence_of,
    word_set,
    words_re,
)

# words that may stand between a tissue and the MSCs it names ("bone marrow-derived
# human MSCs"), or between MSCs and their product ("MSC-derived small EVs")
_PREMOD_WORDS = word_set(
    """
    tissue tissues derived origin resident isolated obtained sourced human rat mouse murine
    canine equine porcine ovine bovine caprine primary hypoxic normoxic cultured expanded fresh
    cryopreserved healthy adult fetal foetal neonatal aged young old donor matched autologous
    allogeneic allogenic xenogeneic multipotent undifferentiated proper lining pulp
    """
)
_CLAUSE_BREAK = words_re(
    "were|was|is|are|into|to|injected|transplanted|administered|infused|delivered|implanted|which|"
    "that|while|whereas|but|then"
)
_DERIVATION = re.compile(
    r"\s*(?:\([^()]{0,30}\)\s*)?,?\s*(?:(?:were|was|are|is|be|being|been|can|could|may|have"
    r"|has|had|mainly|mostly|commonly|usually)\s+){0,3}(?:(?:derived|isolated|obtained|harvested"
    r"|collected|sourced|prepared|expanded|generated|extracted|cultured|originat\w*|purified"
    r"|separated|established|taken)\s+)?(?:from|of|such\s+as|including|e\.g\.,?|like)\s+",
    re.IGNORECASE,
)
# characters a list's glue (_LIST_GLUE) is looked for in: a glue of more (a run of
# hundreds of spaces) links no products
_GLUE_REACH = 200
# MSCs found in a tissue: "MSCs in bone marrow", "MSCs residing in the adipose tissue",
# "cells found in different tissues: bone marrow, …"
_RESIDING = re.compile(
    r"\s*(?:\([^()]{0,30}\)\s*)?,?\s*(?:(?:that|which)\s+(?:reside|are|exist)\s+"
    r"|(?:(?:are|is)\s+(?:[A-Za-z\-]+\s+){0,2}cells\s+)?(?:residing|resident|present|found"
    r"|located)\s+)?(?:in|within)\s+(?:the\s+)?"
    r"(?:(?:different|various|many|several|multiple|numerous|diverse|most)\s+(?:adult\s+)?"
    r"(?:tissues|organs|sources)(?:\s*[:,]\s*|\s+(?:such\s+as|including|like)\s+))?"
    r"(?:human\s+|adult\s+)?",
    re.IGNORECASE,
)
# the end of a noun phrase right after a tissue (not "in skin repair")
_PHRASE_END = re.compile(
    r"\s*(?:tissues?\b\s*)?(?:[(),.;:]|$|(?:and|or|that|which|niche|niches|is|are|was|were|"
    r"of|as|to|by|with)\b)",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\([^()]{1,12}\)")
_LIST_GLUE = re.compile(
    r"\s*(?:tissues?\s*)?(?:\([^()]{0,30}\)\s*)?(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|and/or\s+"
    r"|/\s*|as\s+well\s+as\s+)(?:the\s+|from\s+|human\s+)?",
    re.IGNORECASE,
)
_PRODUCT_AFTER_MSC = re.compile(
    r"[\s\-\u2010-\u2013]*(?:\([^()]{0,25}\)[\s\-\u2010-\u2013]*)?(?:(?:derived|secreted|released|produced"
    r"|isolated|and|or|versus|vs\.?|their|its|small|large|purified|engineered|hypoxic|primed"
    r"|the|conditioned)[\s\-\u2010-\u2013]*){0,4}",
    re.IGNORECASE,
)
_MSC_AFTER_PRODUCT = re.compile(
    r"\s*(?:\([^()]{0,25}\)\s*)?(?:(?:derived|secreted|released|produced|isolated|obtained"
    r"|purified|collected|generated|harvested|shed|prepared)\s+)?(?:from|by|of)\s+[^.;]{0,45}",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"\b(?:and|or|versus|vs)\b", re.IGNORECASE)
_MORE_THAN = re.compile(
    r"\b(?:more|less|better|worse|greater|stronger|weaker|higher|lower|superior|inferior)\b"
    r"[^.;]{0,30}\b(?:than|to)\b",
    re.IGNORECASE,
)
_COMPARED = words_re(
    "versus|vs|compared|comparison|comparable|million|doses|dose|cells/kg|×10|x10|and their|"
    "or their|together with|combined with"
)
_USED = words_re(
    "in vitro|cultur*|co-cultur*|cocultur*|isolated|treated|transplant*|inject*|infus*|administ*|"
    "transfer|seeded|exposed|stimulated|incubated|induced|differentiat*|therapy|therapies|"
    "cell populations|normal human cells|co-transplant*|implant*|deliver*"
)
_CELLS_SAID = words_re(
    "cell|cells|stem cells|graft|grafts|transplant*|secretome|exosome*|vesicle*|EV|EVs|CM|implant*|"
    "scaffold|scaffolds|construct|constructs"
)
_DELIVERY = words_re(
    "inject*|administ*|transplant*|infus*|deliver*|implant*|graft*|given|applied|treated|instill*|"
    "route|routes|gavage"
)
_NEGATION = re.compile(
    r"(?<![A-Za-z])(?<!or )(?<!and )(?:not|no|never|without|rather than|instead of|neither|nor)"
    r"(?![A-Za-z])"
    r"(?:(?!\b(?:but|however|whereas)\b)[^.;]){0,40}$",  # a contrast ends the negation
    re.IGNORECASE,
)
_OTHER_GRAFT = words_re(
    "bone marrow|hematopoietic|haematopoietic|HSCT|BMT|organ|organs|kidney|renal|liver|hepatic|"
    "heart|islet|islets|skin|T|T-cell|T-cells|lymphocyte*|blood|transfusion|tumor*|tumour*|serum|"
    "plasma|engraftment|HSC|HSCs|cord blood|platelet*|fat graft*"
)
_CELL_HEADS = words_re(
    "cell|cells|transplant*|graft|grafts|grafting|therapy|use|setting|settings|source|sources|"
    "product|products|application*|donor|donors|cell-based|infusion|MSC|MSCs|approach*|manner|"
    "treatment"
)
_MARKERS = re.compile(r"CD73|CD90|CD105")
# a genotype of a gene knocked out: "Prx II-/-", "Sirt1−/−" (not "+/-")
_KNOCKOUT = re.compile("(?<=[A-Za-z0-9)])[-−]/[-−](?![A-Za-z0-9])")


@functools.cache
def fact_entry(facet: str, value: str, curie: str = "") -> Entry:
    """An entry standing for a fact a rule found (no lexicon term)."""
    return Entry(facet, value, curie)


def _same_sentence(a: Match, b: Match) -> bool:
    return a.part is b.part and a.part.sentence_index(a.start) == b.part.sentence_index(b.start)


def _premodifies(gap: str) -> bool:
    gap = _BRACKETED.sub(" ", gap)  # "bone marrow (BM)-derived MSCs"
    words = re.findall(r"[^\s\-\u2010-\u2013(),]+", gap)
    if len(gap) > 60 or len(words) > 4 or any(c in gap for c in ".;:"):
        return False
    return all(w.lower() in _PREMOD_WORDS for w in words)


def _derives(gap: str, after: str = "") -> bool:
    """Whether ``gap`` (from the MSCs to a tissue) says the tissue is theirs: derived
    from it, or found in it ("MSCs in bone marrow (BM)", not "MSCs in skin repair":
    ``after``, the text after the tissue, ends its phrase)."""
    found = _DERIVATION.match(gap)
    if not found:
        return bool(_RESIDING.fullmatch(gap)) and bool(_PHRASE_END.match(after))
    rest = gap[found.end() :]
    return len(rest) <= 50 and not any(c in rest for c in ".;:") and not _CLAUSE_BREAK.search(rest)


def mention_tissues(reading: Reading) -> dict[int, list[Match]]:
    """The tissue matches linked to each mention (by ``id``): the tissues named before
    the MSCs, after a derivation, or in a list with a tissue so linked."""
    linked: dict[int, list[Match]] = {}
    for part in reading.parts:
        if part.name not in PROSE_PARTS:
            continue
        tissues = [t for t in reading.of("tissue") if t.part is part and not _excluded(t)]
        mentions = [m for m in reading.mentions if m.match.part is part]
        if not tissues or not mentions:
            continue
        owner: dict[int, Mention] = {}
        text = part.text
        longest = max(m.match.end - m.match.start for m in mentions)
        for tissue in tissues:
            # the mentions that may cover the tissue or end up to 120 characters before it
            around = reading.mentions_in(part, tissue.start - 120 - longest, tissue.start + 1)
            if any(m.match.end > tissue.start for m in around):
                continue  # inside a named variant ("adipose-derived stem cells")
            after = reading.mentions_in(part, tissue.end, tissue.end + 61)
            before = [m for m in around if 0 <= tissue.start - m.match.end <= 120]
            if (
                after
                and _premodifies(text[tissue.end : after[0].match.start])
                and _same_sentence(tissue, after[0].match)
            ):
                owner[id(tissue)] = after[0]
                continue
            for mention in reversed(before):
                if _same_sentence(tissue, mention.match) and _derives(
                    text[mention.match.end : tissue.start], text[tissue.end : tissue.end + 12]
                ):
                    owner[id(tissue)] = mention
                    break
        for order in (tissues, tissues[::-1]):  # lists: "from bone marrow, fat and cord"
            for first, second in itertools.pairwise(order):
                held, free = (first, second) if id(first) in owner else (second, first)
                if id(held) not in owner or id(free) in owner:
                    continue
                left, right = sorted((first, second), key=lambda t: t.start)
                glue = _LIST_GLUE.fullmatch(text, left.end, right.start)
                if glue and _same_sentence(left, right):
                    owner[id(free)] = owner[id(held)]
        for tissue in tissues:
            if id(tissue) in owner:
                linked.setdefault(id(owner[id(tissue)]), []).append(tissue)
    return linked


def _excluded(match: Match) -> bool:
    before = match.part.text[max(0, match.start - 20) : match.start].lower().split()
    return bool(before) and before[-1] in (match.entry.get("not_after") or ())


def cell_sources(reading: Reading, curies: dict[str, str]) -> None:
    """The tissues the MSCs named come from."""
    for mention in reading.mentions:
        if mention.tissue:
            entry = fact_entry("cell_sources", mention.tissue, curies.get(mention.tissue, ""))
            reading.add(_as(mention.match, entry), rule=mention.match.rule or "rule:msc_name")
    linked = mention_tissues(reading)
    for mention in reading.mentions:
        for tissue in linked.get(id(mention), ()):
            entry = fact_entry("cell_sources", tissue.value, tissue.entry.curie)
            reading.add(_as(tissue, entry), rule=f"tissue:{tissue.value}")


def _as(match: Match, entry: Entry) -> Match:
    return Match(match.part, match.start, match.end, entry, match.rule)


def products(reading: Reading, topic: str) -> None:
    """Vesicles and conditioned medium of the MSCs, genetic modification, and the cells
    themselves (for a primary topic, or where a mention says the cells were used)."""
    sources: set[int] = set()  # mentions read as the source of a product
    coordinated = False
    linked: list[Match] = []
    for product in reading.of("cell_products"):
        if product.value == "genetically_modified_cells" or product.part.name not in PROSE_PARTS:
            continue
        text = product.part.text
        for mention in reading.mentions_in(product.part, *sentence_of(product)):
            end, start = mention.match.end, mention.match.start
            if end <= product.start:
                gap = _PRODUCT_AFTER_MSC.fullmatch(text, end, product.start)
            elif start >= product.end:
                gap = _MSC_AFTER_PRODUCT.fullmatch(text, product.end, start)
                gap = gap if gap and not _CLAUSE_BREAK.search(gap.group()) else None
            else:
                gap = None
            if gap is not None and product.text == "CM" and not product.rule:
                # CM: complete medium? Only a hyphen joins it to the MSCs
                gap = gap if gap.group() in ("-", "\u2010", "\u2011") else None
            if gap is not None:
                sources.add(id(mention))
                coordinated |= bool(_COORDINATED.search(gap.group()))
                linked.append(product)
                break
        else:
            if product.value == "conditioned_medium" and product.text == "CM" and not product.rule:
                continue
            # "MSC-derived conditioned medium or extracellular vesicles": the products
            # linked just before, in this part (the latest first, a glue being short)
            for held in reversed(linked):
                if held.part is not product.part or held.start < product.start - _GLUE_REACH:
                    break
                if 0 <= product.start - held.end <= _GLUE_REACH and _LIST_GLUE.fullmatch(
                    text, held.end, product.start
                ):
                    linked.append(product)
                    break
    for product in linked:
        reading.add(product)
    _modified(reading)
    _cells(reading, topic, sources, coordinated)


def _modified(reading: Reading) -> None:
    for cue in reading.of("cell_products"):
        if cue.value != "genetically_modified_cells" or cue.part.name not in PROSE_PARTS:
            continue
        if reading.mentions_in(cue.part, *sentence_of(cue)):
            reading.add(cue)
            return
    for part in reading.parts:  # a knockout written as a genotype: "Prx II-/- MSCs"
        if part.name not in PROSE_PARTS or ("/-" not in part.text and "/\u2212" not in part.text):
            continue
        for found in _KNOCKOUT.finditer(part.text):
            start, end = part.sentence(found.start())
            if reading.mentions_in(part, start, end):
                entry = _modified_entry()
                reading.add(
                    Match(part, found.start(), found.end(), entry, "rule:knockout_genotype")
                )
                return


@functools.cache
def _modified_entry() -> Entry:
    from mscdata.facts.lexicon import compile_lexicons

    entry = next(
        e
        for e in compile_lexicons().entries["cell_products"]
        if e.value == "genetically_modified_cells"
    )
    return fact_entry("cell_products", "genetically_modified_cells", entry.curie)


def _cells(reading: Reading, topic: str, sources: set[int], coordinated: bool) -> None:
    made = reading.has("cell_products", "extracellular_vesicles") or reading.has(
        "cell_products", "conditioned_medium"
    )
    entry = fact_entry("cell_products", "cells", "CL:0000134")
    for mention in reading.mentions:
        if mention.match.part.name not in PROSE_PARTS:
            continue
        start, end = sentence_of(mention.match)
        sentence = mention.match.part.text[start:end]
        if made:
            used = (id(mention) in sources and coordinated) or (
                id(mention) not in sources
                and (_COMPARED.search(sentence) or _MORE_THAN.search(sentence))
            )
        else:
            used = topic == "primary" or (
                bool(_USED.search(sentence))
                and not reading.cued(mention.match, "prospect", "needed")
            )
        if used:
            reading.add(_as(mention.match, entry), rule="rule:cells_used")
            return


def routes(reading: Reading) -> None:
    """Routes stated for cells in a sentence naming them, not negated."""
    for route in reading.of("routes"):
        if route.part.name not in PROSE_PARTS:
            continue
        start, end = sentence_of(route)
        text = route.part.text
        if _NEGATION.search(text, start, route.start):
            continue
        if not (
            reading.mentions_in(route.part, start, end)
            or _CELLS_SAID.search(text, start, route.start)  # not the route's own words
            or _CELLS_SAID.search(text, route.end, end)
        ):
            continue
        near = text[max(start, route.start - 40) : min(end, route.end + 40)]
        if route.entry.get("kind") == "delivery" and not _DELIVERY.search(near):
            continue  # "intrahepatic cholangiocarcinoma" is no route
        reading.add(route)


def donors(reading: Reading) -> None:
    """Autologous, allogeneic or xenogeneic, said of the MSCs."""
    for word in reading.of("donor_relation"):
        start, end = sentence_of(word)
        named = reading.mentions_in(word.part, start, end)
        if word.part.name in ("keyword", "mesh"):
            line_end = word.part.text.find("\n", word.end)
            rest = word.part.text[word.end : line_end if line_end >= 0 else None]
            if not _OTHER_GRAFT.search(rest):
                reading.add(word)
        elif word.entry.get("kind") == "phrase":
            if named:
                reading.add(word)
        elif any(0 <= m.match.start - word.end <= 50 for m in named):
            nearest = min(m.match.start for m in named if m.match.start >= word.end)
            if not _OTHER_GRAFT.search(word.part.text[word.end : nearest]):
                reading.add(word)
        else:
            following = " ".join(word.part.text[word.end : end].split()[:3])
            if _OTHER_GRAFT.search(following) or not _CELL_HEADS.search(following):
                continue
            if named or _CELLS_SAID.search(word.part.text[start:end]):
                reading.add(word)


def isct(reading: Reading) -> None:
    """The ISCT criteria named, or the marker panel CD73, CD90 and CD105 in one sentence."""
    for match in reading.of("isct_criteria"):
        if match.entry.get("kind") == "name" or reading.mentions:
            reading.add(match)
            return
    entry = fact_entry("isct_criteria", "true")
    for part in reading.parts:
        if "CD105" not in part.text or part.name not in PROSE_PARTS:
            continue
        for start, end in _sentences_with_markers(part):
            found = list(_MARKERS.finditer(part.text, start, end))
            if {m.group() for m in found} == {"CD73", "CD90", "CD105"}:
                match = Match(part, found[0].start(), found[-1].end(), entry, "rule:isct_markers")
                reading.add(match)
                return


def _sentences_with_markers(part) -> list[tuple[int, int]]:
    spans = {part.sentence(m.start()) for m in _MARKERS.finditer(part.text)}
    return sorted(spans)
