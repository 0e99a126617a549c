"""Inputs the fuzzer starts from: real files, when ../shared is beside the checkout, and
the project's own fixtures plus a few small hand-written records, so a bare clone fuzzes
every format too."""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("MSCDATA_SHARED", ROOT.parent / "shared"))
MAX_SEED_BYTES = 256 << 10  # larger real files are cut to their first records

_PUBMED_RECORD = (
    b"<PubmedArticle><MedlineCitation Status='MEDLINE' Owner='NLM'><PMID Version='1'>%d</PMID>"
    b"<Article PubModel='Print'><Journal><ISSN IssnType='Print'>0000-0000</ISSN><JournalIssue>"
    b"<Volume>2</Volume><Issue>4</Issue><PubDate><Year>2013</Year><Month>Oct</Month><Day>23</Day>"
    b"</PubDate></JournalIssue><Title>J Clin Med</Title>"
    b"<ISOAbbreviation>J Clin Med</ISOAbbreviation>"
    b"</Journal><ArticleTitle>Mesenchymal <i>stromal</i> cells<sup>2</sup>.</ArticleTitle>"
    b"<Pagination><MedlinePgn>201-13</MedlinePgn></Pagination><Abstract><AbstractText Label='AIM'>"
    b"Bone marrow MSCs.</AbstractText></Abstract><AuthorList CompleteYN='Y'><Author ValidYN='Y'>"
    b"<LastName>Doe</LastName><ForeName>Jane</ForeName><Initials>J</Initials><Identifier "
    b"Source='ORCID'>0000-0002-1825-0097</Identifier><AffiliationInfo><Affiliation>Lab, City."
    b"</Affiliation></AffiliationInfo></Author></AuthorList><Language>eng</Language></Article>"
    b"<KeywordList Owner='NOTNLM'><Keyword MajorTopicYN='N'>MSC</Keyword></KeywordList>"
    b"</MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType='pubmed'>%d</ArticleId>"
    b"<ArticleId IdType='doi'>10.3390/jcm2040201</ArticleId></ArticleIdList>"
    b"<ReferenceList><Reference><Citation>Ref one.</Citation><ArticleIdList><ArticleId "
    b"IdType='pubmed'>123</ArticleId></ArticleIdList></Reference></ReferenceList></PubmedData>"
    b"</PubmedArticle>"
)
_JATS = (
    b'<?xml version="1.0" encoding="UTF-8"?><article article-type="research-article"><front>'
    b"<journal-meta><journal-title-group><journal-title>J Clin Med</journal-title>"
    b"</journal-title-group></journal-meta><article-meta><article-id pub-id-type='pmid'>26237144"
    b"</article-id><article-id pub-id-type='pmc'>PMC4470236</article-id><article-id "
    b"pub-id-type='doi'>10.3390/jcm2040201</article-id><title-group><article-title>MSCs"
    b"</article-title></title-group><contrib-group><contrib contrib-type='author'><name>"
    b"<surname>Doe</surname><given-names>Jane</given-names></name></contrib></contrib-group>"
    b"<pub-date pub-type='epub'><day>23</day><month>10</month><year>2013</year></pub-date>"
    b"<abstract><sec><title>Aim</title><p>Bone <italic>marrow</italic>.</p></sec></abstract>"
    b"<kwd-group><kwd>MSC</kwd></kwd-group></article-meta></front><body><sec><p>Text."
    b"<fig id='f1'><label>Figure 1</label><caption><title>T.</title><p>Cap.</p></caption></fig>"
    b"</p></sec></body><back><ref-list><ref id='r1'><element-citation><person-group><name>"
    b"<surname>Roe</surname><given-names>R</given-names></name></person-group><article-title>"
    b"X</article-title><source>Cell</source><year>2008</year><pub-id pub-id-type='pmid'>1"
    b"</pub-id></element-citation></ref></ref-list></back></article>"
)
_MEDLINE = (
    b"PMID- 26237144\nOWN - NLM\nSTAT- PubMed-not-MEDLINE\nDP  - 2013 Oct 23\n"
    b"TI  - Mesenchymal Stromal Cells: Updates and Therapeutic Outlook in Rheumatic\n"
    b"      Diseases.\nPG  - 201-13\nAB  - Mesenchymal stromal cells (MSCs) are multipotent.\n"
    b"FAU - Doe, Jane\nAU  - Doe J\nAD  - Lab, City.\nLA  - eng\nPT  - Journal Article\n"
    b"OT  - MSC\nTA  - J Clin Med\nJT  - Journal of clinical medicine\n"
    b"AID - 10.3390/jcm2040201 [doi]\nSO  - J Clin Med. 2013 Oct 23;2(4):201-13.\n"
)


@dataclass(frozen=True)
class Seed:
    """One starting input: a name to report and its bytes."""

    name: str
    data: bytes


def _builtin() -> list[Seed]:
    records = b"".join(_PUBMED_RECORD % (n, n) for n in (26237144, 26237145))
    deletion = b"<DeleteCitation><PMID Version='1'>1</PMID></DeleteCitation>"
    pubmed = b'<?xml version="1.0"?>\n<PubmedArticleSet>' + records + deletion
    pubmed += b"</PubmedArticleSet>\n"
    return [
        Seed("builtin/pubmed.xml", pubmed),
        Seed("builtin/pubmed.xml.gz", gzip.compress(pubmed, mtime=0)),
        Seed("builtin/jats.xml", _JATS),
        Seed("builtin/medline.txt", _MEDLINE),
    ]


def _cut(data: bytes, name: str) -> bytes:
    """The first records of a large file, still a whole document where that is cheap."""
    if name.endswith(".gz"):
        with gzip.open(SHARED / name) as stream:
            data = stream.read(MAX_SEED_BYTES)
    if len(data) <= MAX_SEED_BYTES:
        return data
    head = data[:MAX_SEED_BYTES]
    end = head.rfind(b"</PubmedArticle>")
    if end > 0:
        return head[: end + len(b"</PubmedArticle>")] + b"\n</PubmedArticleSet>\n"
    return head


def _files(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    return sorted(p for pattern in patterns for p in folder.glob(pattern) if p.is_file())


def load_seeds() -> list[Seed]:
    """Every seed, in a fixed order (a campaign's cases depend on it)."""
    seeds = _builtin()
    own = [
        *_files(ROOT / "tests" / "data" / "pages", ("*.txt",)),
        *_files(ROOT / "tests" / "data" / "html", ("*.html",)),
        ROOT / "sources" / "pubmed-page-26237144.txt",
    ]
    seeds += [Seed(str(p.relative_to(ROOT)), p.read_bytes()) for p in own]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        shared = _files(
            corpus / "peers",
            ("pubmed-xml/*.xml", "pubmed-xml/*excerpt*.gz", "pmc-jats/*", "medline-txt/*"),
        ) + _files(corpus / "pubmed-html", ("*.html",))
        for path in shared:
            name = str(path.relative_to(SHARED))
            seeds.append(Seed(name, _cut(path.read_bytes(), name)))
    return seeds
