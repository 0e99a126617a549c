"""PubMed XML records: the Article's fields from one ``PubmedArticle`` or
``PubmedBookArticle`` element.

A book's ``AuthorList Type="editors"`` gives editors, ``Type="authors"`` authors (a
chapter's own list, after ``Book``, wins over the book's).

Reading a whole ``PubmedArticleSet`` stream (chunking, workers, failures) is
:mod:`mscdata.parsers.pubmed_xml_stream`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mscdata.dates import publication_fields
from mscdata.identifiers import pick_ids
from mscdata.parsers.limits import MAX_CHILD_ROWS, check_rows
from mscdata.parsers.pubmed_xml_parts import (
    abstract_sections,
    author,
    chemicals,
    cited_reference,
    comments_corrections,
    contributor,
    flag,
    grant,
    mesh_headings,
    partial_date,
    text_of,
)

# elements whose whole text is one field of the record
_RECORD_TEXT = {
    "ArticleTitle": "title",
    "BookTitle": "book_title",
    "VernacularTitle": "vernacular_title",
    "Title": "journal_title",
    "ISOAbbreviation": "journal",
    "Volume": "volume",
    "Issue": "issue",
    "PublisherName": "publisher",
    "PublisherLocation": "publisher_location",
}


_CONTAINERS = {
    "MedlineCitation",
    "Article",
    "PubmedData",
    "BookDocument",
    "Book",
    "PubmedBookData",
    "Journal",
    "JournalIssue",
    "PublicationTypeList",
    "Publisher",
}


def _pick_ids(identifiers: list[dict[str, Any]]) -> dict[str, str | None]:
    """The DOI and PMCID the record's ELocationID and ArticleIdList give
    (:func:`mscdata.identifiers.pick_ids`); its PMID is its own ``<PMID>``."""
    picked = pick_ids((i["id_type"], i["value"]) for i in identifiers)
    return {"doi": picked.get("doi"), "pmcid": picked.get("pmcid")}


def _add_identifier(fields: dict[str, Any], element: Any, kind: str, origin: str) -> None:
    if value := text_of(element):
        fields["identifiers"].append(
            {"id_type": element.get(kind) or "unknown", "value": value, "origin": origin}
        )


def _version(value: str | None) -> int | None:
    """A PMID's ``Version`` attribute as a number (NLM: 1 unless the citation is versioned)."""
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"PMID Version {value!r} is not a version number")
    return int(value)


def _child(element: Any, tag: str) -> Any:
    """``element.find(tag)`` for a plain tag: its first child of that tag, or None
    (a loop costs a fraction of an ElementPath look-up)."""
    for child in element[:]:
        if child.tag == tag:
            return child
    return None


def _check_entries(element: Any) -> None:
    """ParseError when an element that holds a list (authors, MeSH headings ...) or a
    container has more than MAX_CHILD_ROWS children: before a row is built, so memory
    stays bounded."""
    if len(element) > MAX_CHILD_ROWS:
        check_rows(len(element), f"<{element.tag}> entries")


def _entries(element: Any) -> list[Any]:
    """The children of a list or container element, once :func:`_check_entries` passed."""
    _check_entries(element)
    return element[:]


def _read_children(children: list[Any], fields: dict[str, Any]) -> None:
    """Fill ``fields`` from one container element's children (and nested containers):
    one look-up of the child's reader by its tag (:data:`_READERS`)."""
    readers = _READERS
    for child in children:
        read = readers.get(child.tag)
        if read is not None:
            read(child, fields)


def _read(container: Any, fields: dict[str, Any]) -> None:
    """Read a container inside the record (MedlineCitation, Article, Journal ...)."""
    _read_children(_entries(container), fields)


def _book(child: Any, fields: dict[str, Any]) -> None:
    fields["_in_book"] = True
    _read(child, fields)
    fields.pop("_in_book")


def _pmid(child: Any, fields: dict[str, Any]) -> None:
    if "pmid" not in fields:  # the record's own PMID comes first
        fields["pmid"] = (text_of(child) or "").lstrip("0") or None
        fields["pmid_version"] = _version(child.get("Version"))


def _text_reader(name: str) -> Callable[[Any, dict[str, Any]], None]:
    def read(child: Any, fields: dict[str, Any]) -> None:
        fields[name] = text_of(child)

    return read


def _journal_info(child: Any, fields: dict[str, Any]) -> None:
    for part in child[:]:
        tag = part.tag
        if tag == "MedlineTA":
            fields.setdefault("_medline_ta", text_of(part))
        elif tag == "NlmUniqueID":
            fields["nlm_unique_id"] = text_of(part)
        elif tag == "ISSNLinking" and (issn := text_of(part)):
            fields["journal_issn_linking"] = issn.upper()


def _issn(child: Any, fields: dict[str, Any]) -> None:
    if issn := text_of(child):
        fields.setdefault("journal_issn", issn.upper())


def _pub_date(child: Any, fields: dict[str, Any]) -> None:
    fields.update(publication_fields(*partial_date(child)))


def _article_date(child: Any, fields: dict[str, Any]) -> None:
    if child.get("DateType", "Electronic") == "Electronic":
        fields.setdefault("electronic_date", partial_date(child)[0].iso())


def _pagination(child: Any, fields: dict[str, Any]) -> None:
    pages = {p.tag: text_of(p) for p in child[:]}
    start, end = pages.get("StartPage"), pages.get("EndPage")
    fields["pages"] = pages.get("MedlinePgn") or (f"{start}-{end}" if start and end else start)


def _elocation_id(child: Any, fields: dict[str, Any]) -> None:
    _add_identifier(fields, child, "EIdType", "elocation_id")


def _article_ids(child: Any, fields: dict[str, Any]) -> None:
    identifiers = fields["identifiers"]
    for article_id in _entries(child):  # _add_identifier, inlined: ~100,000 ids
        if value := text_of(article_id):
            id_type = article_id.get("IdType") or "unknown"
            identifiers.append({"id_type": id_type, "value": value, "origin": "article_id_list"})


def _abstract(child: Any, fields: dict[str, Any]) -> None:
    fields["abstract_sections"][:0] = abstract_sections(_entries(child), None)


def _other_abstract(child: Any, fields: dict[str, Any]) -> None:
    abstract_type = child.get("Type") or "other"
    fields["abstract_sections"] += abstract_sections(_entries(child), abstract_type)


def _author_list(child: Any, fields: dict[str, Any]) -> None:
    if child.get("Type") == "editors":
        fields["editors"] = [contributor(a) for a in _entries(child) if a.tag == "Author"]
    else:  # a Book's authors are the record's when no chapter lists its own
        key = "_book_authors" if fields.get("_in_book") else "authors"
        fields[key] = [author(a) for a in _entries(child) if a.tag == "Author"]
        fields[f"{key}_complete"] = flag(child.get("CompleteYN"), True)


def _investigators(child: Any, fields: dict[str, Any]) -> None:
    entries = _entries(child)
    fields["investigators"] = [contributor(i) for i in entries if i.tag == "Investigator"]


def _language(child: Any, fields: dict[str, Any]) -> None:
    if language := text_of(child):
        fields["languages"].append(language)


def _publication_type(child: Any, fields: dict[str, Any]) -> None:
    if name := text_of(child):
        fields["publication_types"].append(name)
        fields["publication_type_uis"].append(child.get("UI"))


def _data_banks(child: Any, fields: dict[str, Any]) -> None:
    for bank in _entries(child):
        name = bank.findtext("DataBankName")
        for number in bank.iterfind("AccessionNumberList/AccessionNumber"):
            if name and (value := text_of(number)):
                fields["accessions"].append({"databank": name.strip(), "accession_number": value})


def _grants(child: Any, fields: dict[str, Any]) -> None:
    fields["grants"] += [g for element in _entries(child) if (g := grant(element))]


def _chemicals(child: Any, fields: dict[str, Any]) -> None:
    fields["substances"] = chemicals(_entries(child))


def _mesh_headings(child: Any, fields: dict[str, Any]) -> None:
    fields["mesh_headings"] = mesh_headings(_entries(child))


def _keywords(child: Any, fields: dict[str, Any]) -> None:
    owner = child.get("Owner")
    for keyword in _entries(child):
        if term := text_of(keyword):
            item = {"term": term, "complete": True, "owner": owner}
            if (major := keyword.get("MajorTopicYN")) is not None:
                item["major_topic"] = major == "Y"
            fields["keywords"].append(item)


def _references(child: Any, fields: dict[str, Any]) -> None:
    _check_entries(child)  # the references of nested lists are read too
    for element in child.iter("Reference"):
        if reference := cited_reference(element):
            fields["references"].append(reference)


def _comments_corrections(child: Any, fields: dict[str, Any]) -> None:
    comments_corrections(_entries(child), fields)


def _isbn(child: Any, fields: dict[str, Any]) -> None:
    if isbn := text_of(child):
        fields["isbns"].append(isbn)


# the reader of each child element a record's fields come from; other children are
# passed over (DateCompleted, History, CitationSubset ...)
_READERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    **dict.fromkeys(_CONTAINERS - {"Book"}, _read),
    "Book": _book,
    "PMID": _pmid,
    **{tag: _text_reader(name) for tag, name in _RECORD_TEXT.items()},
    "MedlineJournalInfo": _journal_info,
    "ISSN": _issn,
    "PubDate": _pub_date,
    "ArticleDate": _article_date,
    "Pagination": _pagination,
    "ELocationID": _elocation_id,
    "ArticleIdList": _article_ids,
    "Abstract": _abstract,
    "OtherAbstract": _other_abstract,
    "AuthorList": _author_list,
    "InvestigatorList": _investigators,
    "Language": _language,
    "PublicationType": _publication_type,
    "DataBankList": _data_banks,
    "GrantList": _grants,
    "ChemicalList": _chemicals,
    "MeshHeadingList": _mesh_headings,
    "KeywordList": _keywords,
    "CommentsCorrectionsList": _comments_corrections,
    "ReferenceList": _references,
    "Isbn": _isbn,
}


def record_fields(record: Any) -> dict[str, Any]:
    """The Article's fields from a ``PubmedArticle`` or ``PubmedBookArticle`` element."""
    fields: dict[str, Any] = {
        "identifiers": [],
        "abstract_sections": [],
        "languages": [],
        "publication_types": [],
        "publication_type_uis": [],
        "accessions": [],
        "grants": [],
        "keywords": [],
        "references": [],
        "linked_articles": [],
        "isbns": [],
        "record_complete": True,
    }
    if record.tag == "PubmedArticle":
        citation = _child(record, "MedlineCitation")
        if citation is None or _child(citation, "Article") is None:
            raise ValueError("PubmedArticle without MedlineCitation/Article")
        fields["record_type"] = "journal_article"
        fields["citation_status"] = citation.get("Status")
    else:
        if _child(record, "BookDocument") is None:
            raise ValueError("PubmedBookArticle without BookDocument")
    # the cited references come after the own ones in PubmedData: read it last
    _read_children(record[:], fields)
    book_authors = fields.pop("_book_authors", None)
    book_authors_complete = fields.pop("_book_authors_complete", None)
    if book_authors is not None and "authors" not in fields:  # a whole book
        fields["authors"], fields["authors_complete"] = book_authors, book_authors_complete
    if record.tag == "PubmedBookArticle":
        fields["record_type"] = "book_chapter" if fields.get("title") else "book"
        fields["title"] = fields.get("title") or fields.get("book_title")
    medline_ta = fields.pop("_medline_ta", None)
    fields["journal"] = fields.get("journal") or medline_ta
    if None in fields["publication_type_uis"]:
        fields["publication_type_uis"] = []  # not aligned with the names: keep none
    fields.update(_pick_ids(fields["identifiers"]))
    if fields["abstract_sections"] and any(
        "abstract_type" not in s for s in fields["abstract_sections"]
    ):
        fields["abstract_complete"] = True
    if fields["keywords"]:
        fields["keywords_complete"] = True
    if fields["references"]:
        fields["references_complete"] = True
    return fields
