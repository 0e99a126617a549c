"""The extractor's fast paths give what their plain definitions give: sentence ends
found per mark, the scanned text lowered as a whole, the trigger words an Aho-Corasick
automaton finds, a reaching term tried from the places before its trigger only, and
MscFact rows made without model_construct."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mscdata.facts.extraction import _fact_maker
from mscdata.facts.lexicon import compile_lexicons
from mscdata.facts.matching import _around
from mscdata.facts.parts import SENTENCE_MARK_END, Part, lowered, scanned_text

texts = st.lists(
    st.one_of(
        st.sampled_from([". ", "! ", "? ", ".\n", " A", "(", "1", "\n", "Σ", "İ", "K", "x"]),
        st.text(max_size=6),
    ),
    max_size=30,
).map("".join)


@given(text=texts)
def test_sentence_starts_are_those_of_one_pattern_for_every_mark(text):
    ends = [m.end() for m in re.finditer(r"[.!?]" + SENTENCE_MARK_END, text)]
    lines = [m.end() for m in re.finditer("\n", text)]
    assert Part("abstract", text).sentence_starts() == sorted({0, *ends, *lines})


@given(parts=st.lists(texts, min_size=1, max_size=4))
def test_scanned_text_has_the_letters_of_each_part_lowered(parts):
    read = [Part("abstract", text) for text in parts]
    each = "\n" + "\n".join(lowered(text) for text in parts) + "\n"
    whole = scanned_text(read)
    assert len(whole) == len(each)
    ascii_word = re.compile(r"[a-z0-9]")
    for scanned, own in zip(whole, each, strict=True):
        assert scanned == (own if ascii_word.match(own) else " ")


def _trigger_words(scanner, text: str) -> list[tuple[int, str]]:
    """The trigger words of ``text`` by their definition: each whole word of letters
    a-z and digits of the lowered text that is a trigger or starts with a prefix one,
    with the place of the character before it in the text a space was put before."""
    return [
        (found.start() - 1, found[0])
        for found in re.finditer(r"(?<![a-z0-9])[a-z0-9]+", " " + lowered(text))
        if found[0] in scanner.exact or any(found[0].startswith(p) for p in scanner.prefixes)
    ]


TRIGGERS = sorted(
    {w for s in (compile_lexicons().article, compile_lexicons().cells) for w in s.exact}
    | {w + "x" for w in compile_lexicons().cells.prefixes}
)


@given(
    words=st.lists(
        st.one_of(
            st.sampled_from(TRIGGERS),
            st.sampled_from(TRIGGERS).map(str.upper),
            st.sampled_from([" ", "-", "\n", "é", "\u212a", "İ", "1", "s", "(", "Σ"]),
            st.text(max_size=4),
        ),
        max_size=12,
    )
)
def test_the_scanners_find_the_trigger_words_their_definition_names(words):
    text = "".join(words)
    scanned = scanned_text([Part("abstract", text)])
    for scanner in (compile_lexicons().article, compile_lexicons().cells):
        assert list(scanner.words(scanned)) == _trigger_words(scanner, text)


def _searched(term, text: str, start: int) -> re.Match[str] | None:
    """A reaching term's match as first written: searched from its reach to the window,
    starting a word."""
    low, window = max(0, start - term.reach), start + 120
    while True:
        found = term.pattern.search(text, low, window)
        if found is None or found.start() > start:
            return None
        whole = term.pattern.match(text, found.start())
        starts_word = found.start() == 0 or not text[found.start() - 1].isalnum()
        if whole is not None and whole.end() > start and starts_word:
            return whole
        low = found.start() + 1


REACHING = [
    (word, term)
    for word, terms in sorted(compile_lexicons().article.exact.items())
    for term in terms
    if term.reach
]


@given(
    chosen=st.sampled_from(REACHING),
    before=st.lists(
        st.sampled_from(["it", "has", "been", "may", "be", "case", "-", " ", "a", "chemo", "x"])
    ),
    glued=st.booleans(),
    after=st.text(max_size=20),
)
def test_a_reaching_term_matches_as_a_search_would(chosen, before, after, glued):
    word, term = chosen
    head = " ".join(before) + ("" if glued else " ")
    text = head + word + after
    for start in (len(head), len(head) - 1, 0):
        found, searched = _around(term, text, start), _searched(term, text, start)
        assert (found and found.span()) == (searched and searched.span())


def test_fact_rows_are_those_model_construct_makes():
    from mscdata.models import MscFact

    values = {
        "position": 1,
        "facet": "species",
        "value": "human",
        "curie": None,
        "part": "title",
        "start": 0,
        "end": 5,
        "text": "Human",
        "rule": "species:human",
    }
    made, constructed = _fact_maker()(**values), MscFact.model_construct(**values)
    assert type(made) is MscFact
    assert made == constructed
    assert made.model_dump() == constructed.model_dump()
    assert made.model_dump_json() == constructed.model_dump_json()
    assert made.model_fields_set == constructed.model_fields_set
    assert made.__pydantic_extra__ is None and made.__pydantic_private__ is None
