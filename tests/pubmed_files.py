"""Hand-made PubMed XML files (baseline and update files) for the update-stream tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Citation:
    """One PubmedArticle: a PMID (with its version), a title, an abstract if any."""

    pmid: str
    title: str = "A title."
    version: int | str | None = 1  # a string for a malformed one
    abstract: str | None = None
    doi: str | None = None

    def xml(self) -> str:
        version = "" if self.version is None else f' Version="{self.version}"'
        abstract = (
            f"<Abstract><AbstractText>{escape(self.abstract)}</AbstractText></Abstract>"
            if self.abstract
            else ""
        )
        ids = f'<ArticleId IdType="pubmed">{self.pmid}</ArticleId>'
        if self.doi:
            ids += f'<ArticleId IdType="doi">{escape(self.doi)}</ArticleId>'
        return (
            '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
            f"<PMID{version}>{self.pmid}</PMID>"
            '<Article PubModel="Print"><Journal><JournalIssue><PubDate><Year>2020</Year>'
            "</PubDate></JournalIssue><Title>Journal of Tests</Title>"
            "<ISOAbbreviation>J Tests</ISOAbbreviation></Journal>"
            f"<ArticleTitle>{escape(self.title)}</ArticleTitle>{abstract}</Article>"
            "</MedlineCitation>"
            f"<PubmedData><ArticleIdList>{ids}</ArticleIdList></PubmedData></PubmedArticle>\n"
        )


def pubmed_file(
    folder: Path, name: str, citations: list[Citation] = (), deleted: list[str] = ()
) -> Path:
    """A PubMed XML file ``folder/name`` holding ``citations`` then one DeleteCitation
    of ``deleted`` (when any), as NLM's update files are laid out."""
    body = "".join(c.xml() for c in citations)
    if deleted:
        pmids = "".join(f'<PMID Version="1">{pmid}</PMID>\n' for pmid in deleted)
        body += f"<DeleteCitation>\n{pmids}</DeleteCitation>\n"
    path = folder / name
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n',
        encoding="utf-8",
    )
    return path
