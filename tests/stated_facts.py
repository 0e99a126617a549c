"""The facts ``mscdata.facts.extract`` reads in a short text of a test's own, each
checked to be read where it says (its span holds its text)."""

from __future__ import annotations

from mscdata.facts import extract, part_texts, summary


def facts(title: str = "", abstract: str = "", **more) -> dict:
    """``summary`` of the facts of an article of ``title``, ``abstract`` and ``more``
    parts; fails when a fact's span does not hold its text."""
    article = {"title": title, "abstract": abstract, **more}
    found = extract(article)
    texts = part_texts(article)
    for fact in found:  # every fact is read where it says
        assert texts[fact.part][fact.start : fact.end] == fact.text
    return summary(found)
