"""PubMed XML: specific fields, and bad or hostile input (never a crash, never the network)."""

from __future__ import annotations

import gzip
import socket

import pytest

import mscdata


def record(pmid: str, title: str = "A title", extra: str = "") -> str:
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}'
        f'</PMID><Article><Journal><ISSN IssnType="Print">1234-567x</ISSN><JournalIssue>'
        f"<Volume>2</Volume><Issue>4</Issue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate>"
        f"</PubDate></JournalIssue><Title>Journal of Tests</Title><ISOAbbreviation>J Tests"
        f"</ISOAbbreviation></Journal><ArticleTitle>{title}</ArticleTitle>{extra}</Article>"
        f'</MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}'
        f"</ArticleId></ArticleIdList></PubmedData></PubmedArticle>"
    )


def document(*records: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> str:
    return prolog + "<PubmedArticleSet>\n" + "\n".join(records) + "\n</PubmedArticleSet>\n"


def test_fields_of_a_record():
    extra = (
        '<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Some <i>in vivo</i>'
        ' work<sup>2</sup>.</AbstractText><AbstractText Label="RESULTS">Done.</AbstractText>'
        '</Abstract><AuthorList CompleteYN="N"><Author ValidYN="Y" EqualContrib="Y"><LastName>'
        "Doe</LastName><ForeName>Jane Q</ForeName><Initials>JQ</Initials><Identifier "
        'Source="ORCID">https://orcid.org/0000000218250097</Identifier><AffiliationInfo>'
        "<Affiliation>Lab A.</Affiliation></AffiliationInfo><AffiliationInfo><Affiliation>Lab B."
        '</Affiliation></AffiliationInfo></Author><Author ValidYN="Y"><CollectiveName>MSC Study '
        "Group</CollectiveName></Author></AuthorList><Language>eng</Language><Language>fre"
        '</Language><PublicationTypeList><PublicationType UI="D016428">Journal Article'
        '</PublicationType></PublicationTypeList><ArticleDate DateType="Electronic"><Year>1998'
        "</Year><Month>11</Month><Day>30</Day></ArticleDate>"
        '<ELocationID EIdType="doi" ValidYN="Y">10.1000/xyz.1</ELocationID>'
    )
    [a] = mscdata.parse(document(record("123", "Title with <i>markup</i> kept", extra)).encode())
    assert a.id == "pmid:123" and a.title == "Title with markup kept"
    assert a.doi == "10.1000/xyz.1" and a.journal == "J Tests"
    assert a.journal_issn == "1234-567X" and a.journal_title == "Journal of Tests"
    assert (a.publication_year, a.publication_month) == (None, None)  # two years: none certain
    assert a.publication_date_text == "1998 Dec-1999 Jan"
    assert a.electronic_date == "1998-11-30"
    assert [(s.label, s.nlm_category, s.text) for s in a.abstract_sections] == [
        ("BACKGROUND", "BACKGROUND", "Some in vivo work2."),
        ("RESULTS", None, "Done."),
    ]
    first, group = a.authors
    assert (first.last_name, first.fore_name, first.initials) == ("Doe", "Jane Q", "JQ")
    assert first.orcid == "0000-0002-1825-0097" and first.equal_contribution is True
    assert [x.text for x in first.affiliations] == ["Lab A.", "Lab B."]
    assert group.collective_name == "MSC Study Group" and group.last_name is None
    assert a.authors_complete is False
    assert a.languages == ["eng", "fre"]
    assert (a.publication_types, a.publication_type_uis) == (["Journal Article"], ["D016428"])
    assert a.citation_status == "MEDLINE" and a.record_type == "journal_article"


def test_deletions_are_reported_not_dropped():
    text = document(
        record("5"),
        '<DeleteCitation><PMID Version="1">7</PMID><PMID Version="1">8</PMID></DeleteCitation>',
    )
    result = mscdata.read(text.encode())
    assert [a.pmid for a in result.articles] == ["5"]
    assert [d.pmid for d in result.deletions] == ["7", "8"]
    with pytest.warns(UserWarning, match="2 PMIDs are deleted"):
        mscdata.parse(text.encode())


def test_a_malformed_record_is_located_and_the_others_are_read(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text(
        document(record("1"), record("2", "broken <b>tag"), record("3")), encoding="utf-8"
    )
    result = mscdata.read(path)
    assert [a.pmid for a in result.articles] == ["1", "3"]
    [failure] = result.failures
    assert (failure.record, failure.pmid, failure.line) == (2, "2", 4)
    assert "malformed XML" in failure.reason and str(failure).startswith(f"{path}:4: record 2")
    with pytest.raises(mscdata.ParseError, match=r"record 2 PMID 2: malformed XML"):
        mscdata.parse(path)


def test_a_record_missing_required_parts():
    broken = "<PubmedArticle><PubmedData></PubmedData></PubmedArticle>"
    result = mscdata.read(document(record("1"), broken).encode())
    [failure] = result.failures
    assert failure.record == 2 and "without MedlineCitation" in failure.reason
    no_pmid = (
        record("1")
        .replace('<PMID Version="1">1</PMID>', "")
        .replace('<ArticleId IdType="pubmed">1</ArticleId>', "")
    )
    [failure] = mscdata.read(document(no_pmid).encode()).failures
    assert "no PMID, DOI or PMCID" in failure.reason


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    data = gzip.compress(document(*(record(str(n)) for n in range(1, 401))).encode())
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    result = mscdata.read(path)
    assert 0 < len(result.articles) < 400
    assert [a.pmid for a in result.articles] == [str(n) for n in range(1, len(result.articles) + 1)]
    [failure] = result.failures
    assert "ends early" in failure.reason or "truncated" in failure.reason


def test_truncated_xml_reports_the_cut():
    text = document(record("1"), record("2"))
    result = mscdata.read(text[: text.index("<PubmedArticle>", 100) + 40].encode())
    assert [a.pmid for a in result.articles] == ["1"]
    [failure] = result.failures
    assert failure.record == 2 and "ends inside a record" in failure.reason


def test_unknown_root_element():
    with pytest.raises(mscdata.ParseError, match=r"unknown root element <eSearchResult>"):
        mscdata.parse(b"<?xml version='1.0'?><eSearchResult><Count>1</Count></eSearchResult>")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
        '&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    ],
    ids=["xxe", "entity-bomb"],
)
def test_entity_declarations_are_refused(doctype):
    text = document(record("1", "&xxe;&c;"), prolog=f'<?xml version="1.0"?>\n{doctype}\n')
    with pytest.raises(mscdata.ParseError, match="declares entities") as caught:
        mscdata.parse(text.encode())
    assert caught.value.line == 2


def test_an_undeclared_entity_is_a_record_failure_not_an_expansion():
    result = mscdata.read(document(record("1", "x &passwd; y"), record("2")).encode())
    assert [a.pmid for a in result.articles] == ["2"]
    assert "passwd" in result.failures[0].reason


def test_no_network_even_with_a_remote_dtd(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("mscdata tried the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    prolog = (
        '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMed//EN" '
        '"http://127.0.0.1:9/pubmed.dtd">\n'
    )
    [a] = mscdata.parse(document(record("42"), prolog=prolog).encode())
    assert a.pmid == "42"


def test_a_declared_legacy_encoding_is_honoured():
    prolog = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    data = document(record("9", "Caf\u00e9 au lait"), prolog=prolog).encode("latin-1")
    [a] = mscdata.parse(data)
    assert a.title == "Caf\u00e9 au lait"


def test_bytes_that_are_not_the_declared_encoding_give_a_located_failure():
    data = document(record("1"), record("2", "bad \xff byte")).encode("latin-1")
    result = mscdata.read(data)
    assert [a.pmid for a in result.articles] == ["1"]
    [failure] = result.failures
    assert failure.record == 2 and failure.pmid == "2" and failure.line == 4
