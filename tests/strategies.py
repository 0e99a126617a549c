"""Hypothesis strategies for valid mscdata records."""

from __future__ import annotations

from hypothesis import strategies as st

from mscdata.models import (
    AbstractSection,
    Accession,
    Affiliation,
    Article,
    ArticleIdentifier,
    Author,
    Figure,
    Grant,
    Keyword,
    LinkedArticle,
    LinkRelation,
    MeshHeading,
    Provenance,
    Reference,
    SourceFormat,
    Substance,
)

# printable text without the surrogates and control characters no CSV cell carries,
# stripped and non-empty (an empty string is never data: sources give null instead)
_ALPHABET = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|")
text = st.text(_ALPHABET, min_size=1, max_size=40).map(str.strip).filter(bool)
paragraph = st.lists(text, min_size=1, max_size=3).map(" ".join)
maybe = st.none() | text
pmid = st.integers(1, 999_999_999).map(str)
doi = st.builds(
    lambda registrant, suffix: f"10.{registrant}/{suffix}",
    st.integers(1000, 99999),
    st.text(
        st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="-._;()/<>:"),
        min_size=1,
        max_size=20,
    ),
)
pmcid = st.integers(1, 99_999_999).map(lambda n: f"PMC{n}")
flag = st.none() | st.booleans()
sha256 = st.text("0123456789abcdef", min_size=64, max_size=64)


def _numbered(model, **fields):
    item = st.fixed_dictionaries(fields)
    return st.lists(item, max_size=3).map(
        lambda items: [model(position=i, **f) for i, f in enumerate(items, start=1)]
    )


@st.composite
def articles(draw) -> Article:
    ids = {
        "pmid": draw(st.none() | pmid),
        "doi": draw(st.none() | doi),
        "pmcid": draw(st.none() | pmcid),
    }
    if not any(ids.values()):
        ids["pmid"] = draw(pmid)
    key = (
        f"pmid:{ids['pmid']}"
        if ids["pmid"]
        else f"doi:{ids['doi']}"
        if ids["doi"]
        else f"pmc:{ids['pmcid']}"
    )
    year = draw(st.none() | st.integers(1800, 2100))
    month = draw(st.none() | st.integers(1, 12)) if year else None
    sections = draw(
        _numbered(
            AbstractSection,
            label=maybe,
            text=paragraph,
            complete=st.booleans(),
            abstract_type=st.none() | st.just("plain-language-summary"),
        )
    )
    article = Article(
        id=key,
        **ids,
        title=draw(maybe),
        abstract="\n\n".join(s.text for s in sections if s.abstract_type is None) or None,
        journal=draw(maybe),
        publication_year=year,
        publication_month=month,
        publication_day=draw(st.none() | st.integers(1, 28)) if month else None,
        publication_date_text=draw(maybe),
        volume=draw(maybe),
        pages=draw(maybe),
        publication_types=draw(st.lists(text, max_size=3)),
        languages=draw(st.lists(text, max_size=2)),
        record_complete=draw(flag),
        authors_complete=draw(flag),
        abstract_complete=draw(flag),
        references_complete=draw(flag),
        authors=draw(
            _numbered(
                Author,
                full_name=maybe,
                fore_name=maybe,
                last_name=maybe,
                collective_name=maybe,
                equal_contribution=flag,
                affiliations=_numbered(Affiliation, text=text),
            )
        ),
        identifiers=draw(_numbered(ArticleIdentifier, id_type=text, value=text)),
        accessions=draw(_numbered(Accession, databank=text, accession_number=text)),
        abstract_sections=sections,
        keywords=draw(_numbered(Keyword, term=text, complete=st.booleans())),
        figures=draw(_numbered(Figure, label=maybe, caption=maybe, complete=st.booleans())),
        references=draw(
            _numbered(
                Reference,
                citation=text,
                doi=st.none() | doi,
                pmid=st.none() | pmid,
                complete=st.booleans(),
            )
        ),
        mesh_headings=draw(_numbered(MeshHeading, descriptor=text, descriptor_major_topic=flag)),
        substances=draw(_numbered(Substance, name=text)),
        grants=draw(_numbered(Grant, text=text, grant_id=maybe)),
        linked_articles=draw(
            _numbered(
                LinkedArticle,
                relation=st.sampled_from(list(LinkRelation)),
                citation=text,
                pmid=st.none() | pmid,
            )
        ),
        provenance=draw(
            _numbered(
                Provenance,
                source_format=st.sampled_from(list(SourceFormat)),
                source_file=maybe,
                source_sha256=sha256,
            )
        ),
    )
    # a list flagged complete holds no item marked cut short (mscdata.validate checks it)
    for items, flag_name in (
        (article.keywords, "keywords_complete"),
        (article.figures, "figures_complete"),
        (article.references, "references_complete"),
        (article.abstract_sections, "abstract_complete"),
    ):
        if getattr(article, flag_name) and not all(i.complete for i in items):
            setattr(article, flag_name, False)
    return article


@st.composite
def article_sets(draw) -> list[Article]:
    """Articles with distinct keys."""
    found = draw(st.lists(articles(), min_size=1, max_size=4))
    unique = {a.id: a for a in found}
    return list(unique.values())
