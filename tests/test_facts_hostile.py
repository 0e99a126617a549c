"""The extractor on hostile texts (a full text or a crafted abstract naming MSCs
thousands of times, one "sentence" of a megabyte, thousands of abbreviations): its
time grows linearly with the text, and every fact still points at its evidence."""

from __future__ import annotations

import gc
import time

import pytest

from mscdata.facts import extract
from mscdata.facts.parts import part_texts
from mscdata.models import Article

_SENTENCE = (
    "Bone marrow-derived mesenchymal stem cells (BM-MSCs) from healthy donors were "
    "injected intravenously into mice with colitis (DSS). "
)
SHAPES = {
    # many short sentences, each naming MSCs, a tissue, a route, a species, a condition
    "sentences": lambda n: _SENTENCE * n,
    # the same without a capital after the full stops: the whole text one sentence
    "one sentence": lambda n: _SENTENCE.lower() * n,
    "negated routes": lambda n: "MSCs were not given intravenously, " * (4 * n),
    "abbreviations": lambda n: " ".join(f"adipose stem cells (ASC{i})" for i in range(5 * n)),
    "tissue lists": lambda n: "MSCs from bone marrow, adipose tissue, cord and " * (3 * n),
    "products": lambda n: "MSC-derived exosomes and conditioned medium (CM) with CM, " * (3 * n),
    "cues": lambda n: "MSCs may be needed in the future as background; " * (3 * n),
    "trial ids": lambda n: " ".join(f"NCT{i:08d}" for i in range(10 * n)),
    "no spaces": lambda n: "mesenchymal-stem-cells-" * (6 * n),
    # outcome and trial words in sentences apart from the people named
    "outcomes": lambda n: "Prognosis was analysed. " * (8 * n) + "Patients were seen. " * (8 * n),
    "trial words": lambda n: (
        "A phase II trial was run. " * (8 * n) + "Patients and mice were seen. " * (8 * n)
    ),
    "knockdowns": lambda n: "Knockdown of X in cells of mice. " * (8 * n),
    # an opening's end looked for among many words of one long sentence
    "opening words": lambda n: (
        "MSCs were studied in a rat model. Background\n"
        + " " * (100 * n)
        + "overall"
        + " here" * (20 * n)
    ),
}


def _article(text: str) -> Article:
    return Article(id="pmid:1", pmid="1", title="Mesenchymal stem cells", abstract=text)


def _seconds(article: Article) -> float:
    """CPU seconds of this process extracting ``article``'s facts (not wall time)."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        extract(article)
        return time.process_time() - started
    finally:
        gc.enable()


@pytest.mark.parametrize("shape", list(SHAPES))
def test_time_grows_linearly_with_the_text(shape):
    """Doubling ~30 kB of a hostile text at most multiplies the time by 2.5 (CPU time,
    the least of two runs each, up to three times while a busy machine makes them
    disagree; 30 ms of slack for timer noise). A quadratic rule takes 4x, and minutes
    on a megabyte."""
    build = SHAPES[shape]
    small, large = _article(build(250)), _article(build(500))
    extract(small)  # the lexicons compiled before timing
    small_seconds = large_seconds = float("inf")
    for _ in range(3):
        small_seconds = min(small_seconds, *(_seconds(small) for _ in range(2)))
        large_seconds = min(large_seconds, *(_seconds(large) for _ in range(2)))
        if large_seconds <= 2.5 * small_seconds + 0.03:
            break
    assert large_seconds <= 2.5 * small_seconds + 0.03, (small_seconds, large_seconds)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_facts_of_a_hostile_text_point_at_their_evidence(shape):
    article = _article(SHAPES[shape](200))
    texts = part_texts(article)
    facts = extract(article)
    assert [f.position for f in facts] == list(range(1, len(facts) + 1))
    assert len({(f.facet, f.value) for f in facts}) == len(facts)
    for fact in facts:
        assert texts[fact.part][fact.start : fact.end] == fact.text


def test_a_sentence_is_read_near_its_place_only():
    """Rules read a sentence at most SENTENCE_REACH characters either side of a match:
    in a text without sentence marks, a route far from any MSC is no route."""
    from mscdata.facts.parts import SENTENCE_REACH, Part

    filler = "and the tissue was examined " * (SENTENCE_REACH // 10)
    far = _article(f"mesenchymal stem cells were studied {filler} injected intravenously")
    near = _article(f"{filler} mesenchymal stem cells were injected intravenously")
    assert "routes" not in {f.facet for f in extract(far)}
    assert ("routes", "intravenous") in {(f.facet, f.value) for f in extract(near)}
    part = Part("abstract", "x" * (5 * SENTENCE_REACH))
    assert part.sentence(2 * SENTENCE_REACH) == (SENTENCE_REACH, 3 * SENTENCE_REACH)
    assert part.sentence(10) == (0, 10 + SENTENCE_REACH)
