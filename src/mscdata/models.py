# Generated from schemas/mscdata.yaml by scripts/regenerate.py: do not edit by hand.
from __future__ import annotations

import re
import sys
from datetime import (
    date,
    datetime,
    time
)
from decimal import Decimal
from enum import Enum
from typing import (
    Any,
    ClassVar,
    Literal,
    Optional,
    Union
)

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer
)


metamodel_version = "1.12.0"
version = "0.3.0"


class ConfiguredBaseModel(BaseModel):
    model_config = ConfigDict(
        serialize_by_alias = True,
        validate_by_name = True,
        validate_assignment = True,
        validate_default = False,
        extra = "forbid",
        arbitrary_types_allowed = True,
        use_enum_values = True,
        strict = False,
    )




class LinkMLMeta(RootModel):
    root: dict[str, Any] = {}
    model_config = ConfigDict(frozen=True)

    def __getattr__(self, key:str):
        return getattr(self.root, key)

    def __getitem__(self, key:str):
        return self.root[key]

    def __setitem__(self, key:str, value):
        self.root[key] = value

    def __contains__(self, key:str) -> bool:
        return key in self.root


linkml_meta = None

class SourceFormat(str, Enum):
    """
    Formats mscdata reads.
    """
    pubmed_page_chrome = "pubmed_page_chrome"
    """
    Text of a pubmed.ncbi.nlm.nih.gov article page with the site's header ("Skip to main page content").
    """
    pubmed_page_plain = "pubmed_page_plain"
    """
    Text of the body of a pubmed.ncbi.nlm.nih.gov article page (title first, then the citation line).
    """
    pubmed_page_compact = "pubmed_page_compact"
    """
    Compact text rendering of a PubMed page that prints PMID, PMCID and DOI as fields.
    """
    pubmed_page_legacy = "pubmed_page_legacy"
    """
    Text of a legacy (pre-2020) www.ncbi.nlm.nih.gov/pubmed article page.
    """
    pmc_page = "pmc_page"
    """
    Text of a PMC article page (starting "Skip to main content").
    """
    pubmed_xml = "pubmed_xml"
    """
    PubMed XML (PubmedArticleSet from efetch, baseline and update files).
    """
    medline_text = "medline_text"
    """
    MEDLINE/PubMed text format (efetch rettype=medline, .nbib exports).
    """
    pmc_jats = "pmc_jats"
    """
    JATS or NLM archiving XML of a PMC article (.nxml, efetch db=pmc).
    """
    pubmed_html = "pubmed_html"
    """
    HTML of a legacy www.ncbi.nlm.nih.gov/pubmed article page.
    """
    html_meta = "html_meta"
    """
    HTML of an article page read through its citation_* / Dublin Core / JSON-LD metadata.
    """


class RecordType(str, Enum):
    """
    Kinds of records.
    """
    journal_article = "journal_article"
    """
    An article in a journal (PubmedArticle).
    """
    book = "book"
    """
    A whole book (PubmedBookArticle without a chapter).
    """
    book_chapter = "book_chapter"
    """
    A chapter or section of a book (PubmedBookArticle of a part).
    """


class IdentifierOrigin(str, Enum):
    """
    Places in a source where an article identifier is given.
    """
    article_id_list = "article_id_list"
    """
    PubMed's ArticleIdList, or JATS article-id elements.
    """
    elocation_id = "elocation_id"
    """
    An ELocationID of the article (electronic location, e.g. a DOI or PII).
    """
    citation = "citation"
    """
    Printed with the citation (a page's DOI line or identifier fields).
    """


class LinkRelation(str, Enum):
    """
    Relations between articles as PubMed names them.
    """
    comment_in = "comment_in"
    """
    This article is commented on in the linked article.
    """
    comment_on = "comment_on"
    """
    This article is a comment on the linked article.
    """
    erratum_in = "erratum_in"
    """
    An erratum to this article is published in the linked article.
    """
    erratum_for = "erratum_for"
    """
    This article is an erratum for the linked article.
    """
    retraction_in = "retraction_in"
    """
    This article is retracted by the linked article.
    """
    retraction_of = "retraction_of"
    """
    This article retracts the linked article.
    """
    update_in = "update_in"
    """
    This article is updated by the linked article.
    """
    update_of = "update_of"
    """
    This article is an update of the linked article.
    """
    republished_in = "republished_in"
    """
    This article is republished as the linked article.
    """
    republished_from = "republished_from"
    """
    This article is a republication of the linked article.
    """
    expression_of_concern_in = "expression_of_concern_in"
    """
    An expression of concern about this article is published in the linked article.
    """
    expression_of_concern_for = "expression_of_concern_for"
    """
    This article is an expression of concern about the linked article.
    """
    summary_for_patients_in = "summary_for_patients_in"
    """
    A summary for patients of this article is the linked article.
    """
    original_report_in = "original_report_in"
    """
    This article is a summary of the linked original report.
    """
    reprint_in = "reprint_in"
    """
    This article is reprinted as the linked article.
    """
    reprint_of = "reprint_of"
    """
    This article is a reprint of the linked article.
    """
    partial_retraction_in = "partial_retraction_in"
    """
    This article is partly retracted by the linked article.
    """
    partial_retraction_of = "partial_retraction_of"
    """
    This article partly retracts the linked article.
    """
    retracted_and_republished_in = "retracted_and_republished_in"
    """
    This article was retracted and republished as the linked article.
    """
    retracted_and_republished_from = "retracted_and_republished_from"
    """
    This article republishes the linked, retracted article.
    """
    corrected_and_republished_in = "corrected_and_republished_in"
    """
    This article was corrected and republished as the linked article.
    """
    corrected_and_republished_from = "corrected_and_republished_from"
    """
    This article republishes the linked article with corrections.
    """
    associated_dataset = "associated_dataset"
    """
    The linked record is a data set associated with this article.
    """
    associated_publication = "associated_publication"
    """
    The linked record is a publication associated with this article.
    """


class Facet(str, Enum):
    """
    The facets of the MSC facts, named as the annotation guide names its fields.
    """
    msc_topic = "msc_topic"
    """
    Whether MSCs are a main subject of the article (one value, MscTopic).
    """
    cell_sources = "cell_sources"
    """
    The tissues the MSCs come from (CellSource).
    """
    species = "species"
    """
    Organisms the MSCs come from and organisms studied in vivo (Species).
    """
    donor_relation = "donor_relation"
    """
    Autologous, allogeneic or xenogeneic use, when stated (DonorRelation).
    """
    study_design = "study_design"
    """
    What the article did (StudyDesign).
    """
    cell_products = "cell_products"
    """
    What was made from or with the MSCs and studied or given (CellProduct).
    """
    routes = "routes"
    """
    How MSC products were given to an organism (Route).
    """
    conditions = "conditions"
    """
    Diseases or injuries the MSC products target, as MeSH descriptor names.
    """
    trial_registrations = "trial_registrations"
    """
    Trial registry ids the record states, normalised.
    """
    isct_criteria = "isct_criteria"
    """
    The article refers to the ISCT minimal criteria or characterises the cells by the ISCT marker panel; a boolean facet, stated by a fact of value true (no fact: false), so that every fact has its evidence.
    """


class RecordPart(str, Enum):
    """
    The parts of a record facts are read from. A part made of a list (keywords, MeSH headings…) is read as its items' text, one item per line (mscdata.facts.part_texts).
    """
    title = "title"
    """
    The article's title.
    """
    abstract = "abstract"
    """
    The whole abstract, sections separated by a blank line (the abstract slot).
    """
    keyword = "keyword"
    """
    The keywords' terms, one per line.
    """
    mesh = "mesh"
    """
    The distinct MeSH descriptor names of the headings, one per line, in order.
    """
    substance = "substance"
    """
    The substances' names, one per line.
    """
    accession = "accession"
    """
    The data bank accessions, one per line as "databank accession_number".
    """
    publication_type = "publication_type"
    """
    The publication types, one per line.
    """
    figure_caption = "figure_caption"
    """
    The figure captions of a full-text (JATS) source, each as "label caption" (the label left out when there is none), separated by a blank line.
    """
    body = "body"
    """
    The body text of a full-text (JATS) source: each body section as its title, a line end and its text (either alone when the other is empty), sections separated by a blank line. Read only for an article whose other parts make MSCs its primary topic, and it only adds facts to theirs.
    """


class MscTopic(str, Enum):
    """
    Whether MSCs are a subject of the article. No ontology has terms for these judgements, so the values have no meaning; the MSCs themselves are CL:0000134.
    """
    primary = "primary"
    """
    MSCs or their products are a main subject (no ontology term).
    """
    mentioned = "mentioned"
    """
    MSCs are named but the article is about something else (no ontology term).
    """
    none = "none"
    """
    MSCs are not named (no ontology term; never a fact, the absence of one).
    """


class CellSource(str, Enum):
    """
    Tissues MSCs come from, as UBERON terms. MSCs made from pluripotent cells and tissues outside the list have no tissue term.
    """
    bone_marrow = "bone_marrow"
    """
    Bone marrow.
    """
    adipose_tissue = "adipose_tissue"
    """
    Adipose tissue (fat, lipoaspirate).
    """
    umbilical_cord = "umbilical_cord"
    """
    Umbilical cord, incl. Wharton's jelly.
    """
    cord_blood = "cord_blood"
    """
    Umbilical cord blood.
    """
    placenta = "placenta"
    """
    Placenta, incl. chorion and decidua.
    """
    amnion = "amnion"
    """
    Amnion, membrane or amniotic fluid.
    """
    dental = "dental"
    """
    Dental tissues: pulp, periodontal ligament, exfoliated deciduous teeth, apical papilla, gingiva (the term is tooth, the nearest to all of them).
    """
    synovium = "synovium"
    """
    Synovial membrane or synovial fluid.
    """
    endometrium = "endometrium"
    """
    Endometrium, incl. menstrual blood.
    """
    peripheral_blood = "peripheral_blood"
    """
    Peripheral blood (the term is blood).
    """
    skin = "skin"
    """
    Skin, dermis.
    """
    muscle = "muscle"
    """
    Muscle tissue.
    """
    ipsc_derived = "ipsc_derived"
    """
    Derived from induced pluripotent stem cells; a cell line, no tissue term.
    """
    esc_derived = "esc_derived"
    """
    Derived from embryonic stem cells; a cell line, no tissue term.
    """
    other_tissue = "other_tissue"
    """
    Any other tissue named (tonsil, olfactory mucosa, breast milk, …); no one term.
    """


class Species(str, Enum):
    """
    Organisms, as NCBITaxon terms. sheep_goat names the subfamily Caprinae; non_human_primate names Primates (no taxon leaves out humans); other has no term.
    """
    human = "human"
    """
    Homo sapiens (patients, women, volunteers count).
    """
    mouse = "mouse"
    """
    Mus musculus (murine, unless rat is named).
    """
    rat = "rat"
    """
    Rattus norvegicus.
    """
    rabbit = "rabbit"
    """
    Oryctolagus cuniculus.
    """
    pig = "pig"
    """
    Sus scrofa (pig, swine, minipig, porcine).
    """
    dog = "dog"
    """
    Canis lupus familiaris (canine).
    """
    horse = "horse"
    """
    Equus caballus (equine).
    """
    sheep_goat = "sheep_goat"
    """
    Sheep or goat (Caprinae).
    """
    non_human_primate = "non_human_primate"
    """
    Monkeys and apes (the term is Primates).
    """
    other = "other"
    """
    Any other organism (no one term).
    """


class DonorRelation(str, Enum):
    """
    How the MSCs' donor relates to the recipient, as MeSH transplantation descriptors.
    """
    autologous = "autologous"
    """
    From the recipient's own tissue (Transplantation, Autologous).
    """
    allogeneic = "allogeneic"
    """
    From another individual of the species (Transplantation, Homologous).
    """
    xenogeneic = "xenogeneic"
    """
    From another species (Transplantation, Heterologous).
    """


class StudyDesign(str, Enum):
    """
    What an article did, as MeSH descriptors and publication types; protocol_or_method and other have no one term.
    """
    in_vitro = "in_vitro"
    """
    Cell culture experiments (In Vitro Techniques).
    """
    animal_in_vivo = "animal_in_vivo"
    """
    Animal models (Models, Animal).
    """
    clinical_interventional = "clinical_interventional"
    """
    Patients treated in a trial of any phase, incl. single-arm (Clinical Trial).
    """
    clinical_observational = "clinical_observational"
    """
    Case reports, case series, cohorts (Observational Study).
    """
    review = "review"
    """
    Narrative review (Review).
    """
    systematic_review_meta_analysis = "systematic_review_meta_analysis"
    """
    Systematic review or meta-analysis (Systematic Review).
    """
    protocol_or_method = "protocol_or_method"
    """
    A trial protocol or a technical method (no one term).
    """
    other = "other"
    """
    Anything else (no term).
    """


class CellProduct(str, Enum):
    """
    What was made from or with the MSCs and studied or given.
    """
    cells = "cells"
    """
    The cells themselves, primed or preconditioned included (mesenchymal stem cell).
    """
    extracellular_vesicles = "extracellular_vesicles"
    """
    Exosomes, microvesicles, EVs (extracellular vesicle).
    """
    conditioned_medium = "conditioned_medium"
    """
    Conditioned medium, secretome (Culture Media, Conditioned).
    """
    genetically_modified_cells = "genetically_modified_cells"
    """
    Cells modified genetically (transfection, knockdown, overexpression, immortalisation); no ontology term names modified cells in general.
    """


class Route(str, Enum):
    """
    How MSC products were given, as NCIt route of administration terms; a value that groups routes names its most common member's term (said in its description).
    """
    intravenous = "intravenous"
    """
    Intravenous (Intravenous Route).
    """
    intra_articular = "intra_articular"
    """
    Into a joint (Intraarticular Route).
    """
    intramuscular = "intramuscular"
    """
    Into a muscle (Intramuscular Route).
    """
    cardiac = "cardiac"
    """
    Intramyocardial, intracoronary, transendocardial (the term is Intracardiac Route).
    """
    cns = "cns"
    """
    Intrathecal, intracerebral, intracerebroventricular, intraspinal, into the brain (the term is Intrathecal Route).
    """
    subcutaneous_intradermal = "subcutaneous_intradermal"
    """
    Subcutaneous or intradermal (the term is Subcutaneous Route).
    """
    intraperitoneal = "intraperitoneal"
    """
    Intraperitoneal (Intraperitoneal Route).
    """
    airway = "airway"
    """
    Intratracheal, intranasal, inhaled (the term is Respiratory (Inhalation) Route).
    """
    local_implant = "local_implant"
    """
    Into a lesion, with a scaffold, topical, intradiscal, intrauterine, periurethral, locally (the term is Intralesional Route).
    """
    other = "other"
    """
    Any other route stated (no one term).
    """



class Article(ConfiguredBaseModel):
    """
    One scholarly article (or book or chapter), identified by a CURIE: pmid:<n> when the PMID is known, else doi:<doi>, else pmc:PMC<n>.
    """
    id: str = Field(default=..., description="""The article's key, a CURIE: pmid:<n> when the PMID is known, else doi:<doi>, else pmc:PMC<n>.""", pattern=r"^(pmid:[1-9][0-9]{0,8}|doi:10\.[0-9]{4,9}(\.[0-9]+)*/\S+|pmc:PMC[1-9][0-9]*)$")
    pmid: Optional[str] = Field(default=None, description="""PubMed identifier, as stated by the source (never guessed).""", pattern=r"^[1-9][0-9]{0,8}$")
    pmid_version: Optional[int] = Field(default=None, description="""Version of the PubMed record, the Version attribute of its PMID in PubMed XML. NLM numbers the versions of a versioned citation (PMID.version, e.g. the revisions of a Wellcome Open Research article) and counts every other citation as version 1; a build keeps the latest version of each PMID it reads. Empty when the PubMed record kept states none (MEDLINE text) or no PubMed record was read.""", strict=True, ge=1, le=999)
    doi: Optional[str] = Field(default=None, description="""Digital Object Identifier without any \"doi:\" or https://doi.org/ prefix.""", pattern=r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$")
    pmcid: Optional[str] = Field(default=None, description="""PubMed Central identifier, with its PMC prefix.""", pattern=r"^PMC[1-9][0-9]*$")
    title: Optional[str] = Field(default=None, description="""Title of the article as published (English title in PubMed), inline markup stripped.""")
    vernacular_title: Optional[str] = Field(default=None, description="""Title in the original language of a non-English article, as published.""")
    abstract: Optional[str] = Field(default=None, description="""The whole abstract as text; paragraphs (sections of a structured abstract) are separated by a blank line. Section labels appear here where the source prints them inline (\"Methods: …\"); abstract_sections holds every label. In the data package it is not a column: it is rebuilt from the abstract_sections table, which carries the publishers' licence apart from the bibliographic metadata.""")
    record_type: Optional[RecordType] = Field(default=None, description="""Kind of record, when the source says (a journal article, a book, a book chapter).""")
    journal: Optional[str] = Field(default=None, description="""Abbreviated journal title (NLM ISO abbreviation, e.g. J Clin Med).""")
    journal_title: Optional[str] = Field(default=None, description="""Full journal title, when the source states it.""")
    journal_issn: Optional[str] = Field(default=None, description="""ISSN of the journal as the source gives it (print or electronic).""", pattern=r"^[0-9]{4}-[0-9]{3}[0-9X]$")
    journal_issn_linking: Optional[str] = Field(default=None, description="""Linking ISSN (ISSN-L) of the journal, when the source gives it.""", pattern=r"^[0-9]{4}-[0-9]{3}[0-9X]$")
    nlm_unique_id: Optional[str] = Field(default=None, description="""NLM unique identifier of the journal (NlmUniqueID).""")
    book_title: Optional[str] = Field(default=None, description="""Title of the book a book or chapter record belongs to.""")
    publisher: Optional[str] = Field(default=None, description="""Name of the publisher, for books and chapters.""")
    publisher_location: Optional[str] = Field(default=None, description="""Place of the publisher, for books and chapters.""")
    isbns: Optional[list[str]] = Field(default_factory=list, description="""ISBNs of a book, as printed.""")
    publication_year: Optional[int] = Field(default=None, description="""Year of publication, when the source states a single year.""", strict=True, ge=1000, le=2999)
    publication_month: Optional[int] = Field(default=None, description="""Month of publication (1-12), only when the source states one month.""", strict=True, ge=1, le=12)
    publication_day: Optional[int] = Field(default=None, description="""Day of the month of publication, only when the source states it.""", strict=True, ge=1, le=31)
    publication_date_text: Optional[str] = Field(default=None, description="""The publication date exactly as the source prints it (e.g. 2013 Oct 23, 1998 Jan-Feb, 2013 Spring), so that no precision is lost or invented.""")
    electronic_date: Optional[str] = Field(default=None, description="""Date of electronic publication (Epub) as a partial ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD, at the precision the source states.""", pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")
    volume: Optional[str] = Field(default=None, description="""Journal volume as printed (may hold a supplement, e.g. 8 Suppl 2).""")
    issue: Optional[str] = Field(default=None, description="""Journal issue as printed (may be a range, e.g. 1-2).""")
    pages: Optional[str] = Field(default=None, description="""Pages or article number as printed (e.g. 201-13, 6690, CD013342).""")
    publication_types: Optional[list[str]] = Field(default_factory=list, description="""Publication types as PubMed names them (e.g. Review, Journal Article).""")
    publication_type_uis: Optional[list[str]] = Field(default_factory=list, description="""MeSH unique identifiers of the publication types, in the order of publication_types (empty when the source does not give them).""")
    languages: Optional[list[str]] = Field(default_factory=list, description="""Languages of the article as the source names them (e.g. eng, Chinese).""")
    citation_status: Optional[str] = Field(default=None, description="""Indexing status of the PubMed record (MEDLINE, PubMed-not-MEDLINE, In-Data-Review, In-Process, Publisher, …), when the source says.""")
    license: Optional[str] = Field(default=None, description="""The article's own licence (URL or text) when the source states it; null when the source says nothing.""")
    record_complete: Optional[bool] = Field(default=None, description="""True when the source text reached its natural end; False when it stops early (a copy of a page cut off), so later parts of the record may be missing.""", strict=True)
    authors_complete: Optional[bool] = Field(default=None, description="""True when the author list is complete; False when the source shows only part of it (e.g. \"First Author et al.\"); null when the source cannot tell.""", strict=True)
    abstract_complete: Optional[bool] = Field(default=None, description="""True when the abstract is whole; False when the source text ends inside it; null when the article has no abstract in the source.""", strict=True)
    keywords_complete: Optional[bool] = Field(default=None, description="""True when the keyword list is whole; False when the source text ends inside it; null when the source shows no keywords.""", strict=True)
    figures_complete: Optional[bool] = Field(default=None, description="""True when every figure the source lists is present; False when the source text ends inside the figure list; null when the source shows no figures.""", strict=True)
    body_complete: Optional[bool] = Field(default=None, description="""True when every section of the body text the source holds is present; False when the source text ends inside the body; null when the source shows no body text.""", strict=True)
    references_complete: Optional[bool] = Field(default=None, description="""True when the reference list is known to be whole; False when the source shows only part of it; null when the source cannot tell (PubMed pages may show only the first references).""", strict=True)
    authors: Optional[list[Author]] = Field(default_factory=list, description="""Authors in the order printed.""")
    investigators: Optional[list[Contributor]] = Field(default_factory=list, description="""Investigators credited in the record (members of a collective author's study group), in the order listed; they are not the article's authors.""")
    editors: Optional[list[Contributor]] = Field(default_factory=list, description="""Editors of the book a book or chapter record belongs to, in the order listed.""")
    abstract_sections: Optional[list[AbstractSection]] = Field(default_factory=list, description="""Paragraphs or labelled sections of the abstract, in order.""")
    keywords: Optional[list[Keyword]] = Field(default_factory=list, description="""Keywords in the order published.""")
    figures: Optional[list[Figure]] = Field(default_factory=list, description="""Figures in the order printed.""")
    body_sections: Optional[list[BodySection]] = Field(default_factory=list, description="""Sections of the article's body text (full text, from PMC JATS), in the order printed.""")
    references: Optional[list[Reference]] = Field(default_factory=list, description="""Reference list entries in order.""")
    mesh_headings: Optional[list[MeshHeading]] = Field(default_factory=list, description="""MeSH headings in the order listed.""")
    substances: Optional[list[Substance]] = Field(default_factory=list, description="""Substances (chemicals) in the order listed.""")
    grants: Optional[list[Grant]] = Field(default_factory=list, description="""Grants and funding in the order listed.""")
    linked_articles: Optional[list[LinkedArticle]] = Field(default_factory=list, description="""Comments, errata, retractions and updates linked to the article.""")
    identifiers: Optional[list[ArticleIdentifier]] = Field(default_factory=list, description="""Every identifier of the article the source gives.""")
    accessions: Optional[list[Accession]] = Field(default_factory=list, description="""Data bank and registry accession numbers linked to the article.""")
    provenance: Optional[list[Provenance]] = Field(default_factory=list, description="""The sources this record was read from.""")
    msc_facts: Optional[list[MscFact]] = Field(default_factory=list, description="""What the article states about the mesenchymal stromal/stem cells it studies (tissue sources, species, donors, study design, products, routes, conditions, trial registrations, ISCT criteria), each fact with its evidence; read from the record by mscdata.facts.extract when a package is built, and read again after a merge.""")

    

    

    

    

    

    

    


class Author(ConfiguredBaseModel):
    """
    An author of an article, a person or a collective (group) name, in the order printed.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    full_name: Optional[str] = Field(default=None, description="""The author's name exactly as the source prints it (e.g. Yves-Marie Pers).""")
    fore_name: Optional[str] = Field(default=None, description="""Given name(s) or initials of a person, as printed.""")
    last_name: Optional[str] = Field(default=None, description="""Surname of a person, including particles such as van or Le.""")
    initials: Optional[str] = Field(default=None, description="""Initials of the given names, when the source states them.""")
    suffix: Optional[str] = Field(default=None, description="""Name suffix such as Jr or 3rd, when the source states it.""")
    collective_name: Optional[str] = Field(default=None, description="""Name of a group author (consortium, committee, study group).""")
    orcid: Optional[str] = Field(default=None, description="""ORCID iD of a person, as the 16-character identifier without the https://orcid.org/ prefix.""", pattern=r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")
    person_identifiers: Optional[list[str]] = Field(default_factory=list, description="""Identifiers of the person other than ORCID (e.g. ISNI), each as SOURCE:value as the source gives them.""")
    equal_contribution: Optional[bool] = Field(default=None, description="""True when the source marks the author as an equal contributor.""", strict=True)
    affiliations: Optional[list[Affiliation]] = Field(default_factory=list, description="""The author's affiliations, in the order printed.""")

    


class Contributor(ConfiguredBaseModel):
    """
    A person or group credited other than as an author: an investigator of a study group, or an editor of a book.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    full_name: Optional[str] = Field(default=None, description="""The author's name exactly as the source prints it (e.g. Yves-Marie Pers).""")
    fore_name: Optional[str] = Field(default=None, description="""Given name(s) or initials of a person, as printed.""")
    last_name: Optional[str] = Field(default=None, description="""Surname of a person, including particles such as van or Le.""")
    initials: Optional[str] = Field(default=None, description="""Initials of the given names, when the source states them.""")
    suffix: Optional[str] = Field(default=None, description="""Name suffix such as Jr or 3rd, when the source states it.""")
    collective_name: Optional[str] = Field(default=None, description="""Name of a group author (consortium, committee, study group).""")
    orcid: Optional[str] = Field(default=None, description="""ORCID iD of a person, as the 16-character identifier without the https://orcid.org/ prefix.""", pattern=r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")
    affiliation_texts: Optional[list[str]] = Field(default_factory=list, description="""Affiliations of a contributor as printed, in order.""")

    


class Affiliation(ConfiguredBaseModel):
    """
    One affiliation of an author, as printed (an author may have several).
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    text: str = Field(default=..., description="""Text of the item as printed.""")
    affiliation_identifiers: Optional[list[str]] = Field(default_factory=list, description="""Identifiers of an affiliation's organisation (e.g. ROR, GRID, ISNI), each as SOURCE:value as the source gives them.""")


class AbstractSection(ConfiguredBaseModel):
    """
    One paragraph of an article's abstract; in a structured abstract each section is one paragraph with its label (e.g. Background, Methods).
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    label: Optional[str] = Field(default=None, description="""A label as printed (a figure label such as Figure 1, or an abstract section label such as Methods).""")
    nlm_category: Optional[str] = Field(default=None, description="""NLM's category of a structured abstract section (BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS, UNASSIGNED), when the source gives it.""")
    abstract_type: Optional[str] = Field(default=None, description="""Kind of abstract this section belongs to when it is not the article's main abstract (e.g. Publisher, plain-language-summary, summary); null for the main abstract.""")
    text: str = Field(default=..., description="""Text of the item as printed.""")
    complete: bool = Field(default=..., description="""False when the source text ends inside this item, so its text may be cut short; True otherwise.""", strict=True)


class Keyword(ConfiguredBaseModel):
    """
    A keyword chosen by the authors or the publisher, in the order published.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    term: str = Field(default=..., description="""The keyword as published, case kept.""")
    owner: Optional[str] = Field(default=None, description="""Who assigned the keyword (NLM, NOTNLM for authors' keywords, PIP, KIE, …).""")
    major_topic: Optional[bool] = Field(default=None, description="""True when the keyword is marked as a major topic.""", strict=True)
    complete: bool = Field(default=..., description="""False when the source text ends inside this item, so its text may be cut short; True otherwise.""", strict=True)


class Figure(ConfiguredBaseModel):
    """
    A figure of the article with its label and caption as the source prints them.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    figure_id: Optional[str] = Field(default=None, description="""The figure's identifier within its article, when the source gives one (JATS fig/@id).""")
    label: Optional[str] = Field(default=None, description="""A label as printed (a figure label such as Figure 1, or an abstract section label such as Methods).""")
    caption: Optional[str] = Field(default=None, description="""The figure caption as printed.""")
    graphic: Optional[str] = Field(default=None, description="""Reference to the figure's image as the source gives it (JATS graphic/@xlink:href).""")
    complete: bool = Field(default=..., description="""False when the source text ends inside this item, so its text may be cut short; True otherwise.""", strict=True)


class BodySection(ConfiguredBaseModel):
    """
    One section of the article's body text (JATS body), in the order printed: every sec element is a row of its own, nested ones after the section holding them, with its level (1 for a top-level section); text under body outside any section is an untitled section of level 1. The text is the section's own paragraphs, lists and quotes, not those of its subsections; inline markup (italic, links, citations) is kept as its text, while figures (their captions are in figures), tables and display formulas are left out.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    label: Optional[str] = Field(default=None, description="""The section's label as printed (e.g. 2.1), when the source gives one.""")
    title: Optional[str] = Field(default=None, description="""The section's title as printed (e.g. Cell culture), inline markup stripped.""")
    level: int = Field(default=..., description="""Depth of a body section: 1 for a top-level section, 2 for a section within it, and so on; a section's parent is the nearest row before it of one level less. At most 255: XML parsers refuse elements nested deeper than 256.""", strict=True, ge=1, le=255)
    text: Optional[str] = Field(default=None, description="""The section's own text: its paragraphs (and lists, quotes, boxed text) in order, separated by a blank line, each with its whitespace normalised; empty when the section holds only subsections, figures or tables.""")
    complete: bool = Field(default=..., description="""False when the source text ends inside this item, so its text may be cut short; True otherwise.""", strict=True)


class Reference(ConfiguredBaseModel):
    """
    One entry of the article's reference list, in the order of the list.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    citation: str = Field(default=..., description="""The citation text as printed, without link labels such as \"- DOI - PubMed\"; a citation the source gives only as parts (a JATS element-citation or nlm-citation, or a mixed-citation with no text between its parts) is written in one NLM/Vancouver-like style: \"Akhter M, Inoue M. Title. Source. 2008;17(6):515-524. doi:…\", six authors then et al.""")
    doi: Optional[str] = Field(default=None, description="""Digital Object Identifier without any \"doi:\" or https://doi.org/ prefix.""", pattern=r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$")
    pmid: Optional[str] = Field(default=None, description="""PubMed identifier, as stated by the source (never guessed).""", pattern=r"^[1-9][0-9]{0,8}$")
    pmcid: Optional[str] = Field(default=None, description="""PubMed Central identifier, with its PMC prefix.""", pattern=r"^PMC[1-9][0-9]*$")
    author_list: Optional[str] = Field(default=None, description="""Authors of the cited work when the source gives them as parts of the citation: every author as \"Surname Given-names\" as printed, joined by \", \", ending with \"et al.\" when the source does.""")
    publication_year: Optional[int] = Field(default=None, description="""Year of the cited work, when the source gives it as a part of the citation (JATS year; a letter that tells apart works of one year, as in 2008a, is left out here and kept in the citation text).""", strict=True, ge=1000, le=2999)
    title: Optional[str] = Field(default=None, description="""Title of the cited article, chapter or work, when the source gives it as a part of the citation (JATS article-title, chapter-title, part-title or data-title).""")
    source: Optional[str] = Field(default=None, description="""The journal, book or other work the cited item appeared in, as printed (JATS source), when the source gives it as a part of the citation.""")
    volume: Optional[str] = Field(default=None, description="""Volume of the cited work as printed, when the source gives it as a part of the citation.""")
    issue: Optional[str] = Field(default=None, description="""Issue of the cited work as printed, when the source gives it as a part of the citation.""")
    first_page: Optional[str] = Field(default=None, description="""First page of the cited work as printed (JATS fpage), when the source gives it as a part of the citation.""")
    last_page: Optional[str] = Field(default=None, description="""Last page of the cited work as printed (JATS lpage), when the source gives it as a part of the citation.""")
    complete: bool = Field(default=..., description="""False when the source text ends inside this item, so its text may be cut short; True otherwise.""", strict=True)

    

    

    


class MeshHeading(ConfiguredBaseModel):
    """
    A MeSH heading assigned by NLM indexers: a descriptor, optionally with one qualifier (one row per descriptor/qualifier pair, as PubMed lists them).
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    descriptor: str = Field(default=..., description="""MeSH descriptor name.""")
    descriptor_ui: Optional[str] = Field(default=None, description="""MeSH unique identifier of the descriptor (D followed by digits).""", pattern=r"^D[0-9]{6,9}$")
    descriptor_major_topic: Optional[bool] = Field(default=None, description="""True when the descriptor is a major topic of the article (marked * by PubMed).""", strict=True)
    qualifier: Optional[str] = Field(default=None, description="""MeSH qualifier (subheading) name, when the heading has one.""")
    qualifier_ui: Optional[str] = Field(default=None, description="""MeSH unique identifier of the qualifier (Q followed by digits).""", pattern=r"^Q[0-9]{6,9}$")
    qualifier_major_topic: Optional[bool] = Field(default=None, description="""True when the qualifier is a major topic of the article; null without a qualifier.""", strict=True)

    

    


class Substance(ConfiguredBaseModel):
    """
    A chemical substance or other registered substance indexed for the article.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    name: str = Field(default=..., description="""Name as printed.""")
    registry_number: Optional[str] = Field(default=None, description="""Registry number of a substance (CAS or EC number, or 0 when none), as given.""")
    ui: Optional[str] = Field(default=None, description="""MeSH unique identifier of the substance's concept, when given.""")


class Grant(ConfiguredBaseModel):
    """
    A grant or other funding support acknowledged for the article.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    grant_id: Optional[str] = Field(default=None, description="""Grant number as printed.""")
    acronym: Optional[str] = Field(default=None, description="""Acronym of the funding institute, as given (e.g. NS for NINDS).""")
    agency: Optional[str] = Field(default=None, description="""Funding agency as printed.""")
    country: Optional[str] = Field(default=None, description="""Country of the funding agency as printed.""")
    text: str = Field(default=..., description="""Text of the item as printed.""")


class LinkedArticle(ConfiguredBaseModel):
    """
    Another article linked to this one by PubMed (a comment, an erratum, a retraction, an update), as printed in the source.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    relation: LinkRelation = Field(default=..., description="""How the linked article relates to this one.""")
    citation: str = Field(default=..., description="""The citation text as printed, without link labels such as \"- DOI - PubMed\".""")
    pmid: Optional[str] = Field(default=None, description="""PubMed identifier, as stated by the source (never guessed).""", pattern=r"^[1-9][0-9]{0,8}$")
    doi: Optional[str] = Field(default=None, description="""Digital Object Identifier without any \"doi:\" or https://doi.org/ prefix.""", pattern=r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$")

    

    


class ArticleIdentifier(ConfiguredBaseModel):
    """
    Every identifier a source gives for the article (DOI, PII, PMCID, PMID, book accession, …), where it gave it, so that none is lost when one is chosen as the key.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    id_type: str = Field(default=..., description="""Kind of identifier, as the source names it (doi, pii, pmc, pubmed, mid, …).""")
    value: str = Field(default=..., description="""The identifier's value as given.""")
    origin: Optional[IdentifierOrigin] = Field(default=None, description="""Where in the source the identifier was given.""")


class Accession(ConfiguredBaseModel):
    """
    An accession number in a data bank or registry linked to the article (e.g. a ClinicalTrials.gov NCT number, a GenBank accession).
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    databank: str = Field(default=..., description="""Name of the data bank or registry (e.g. ClinicalTrials.gov, GENBANK).""")
    accession_number: str = Field(default=..., description="""The accession number in that data bank.""")


class Provenance(ConfiguredBaseModel):
    """
    Where an article record came from: one row per source the record was read from.
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    source_format: SourceFormat = Field(default=..., description="""Format of the source the record was read from.""")
    source_file: Optional[str] = Field(default=None, description="""File name of the source (no directories), when read from a file.""")
    source_url: Optional[str] = Field(default=None, description="""URL the source was retrieved from, when known.""")
    source_sha256: str = Field(default=..., description="""SHA-256 of the source bytes, as 64 lower-case hexadecimal digits.""", pattern=r"^[0-9a-f]{64}$")

    


class MscFact(ConfiguredBaseModel):
    """
    One fact an article states about the mesenchymal stromal/stem cells (MSCs) it studies, as defined by the annotation guide (docs/msc-facts.md of the shared corpus): a facet, its vocabulary value and ontology term, and the evidence: the part of the record it was read from, the character span there, the matched text and the lexicon entry or rule that fired (read by mscdata.facts.extract). The article it belongs to is the article that holds it (as a table: its article_id).
    """
    position: int = Field(default=..., description="""1-based position of the item in its list, in the order of the source.""", strict=True, ge=1)
    facet: Facet = Field(default=..., description="""Which facet of the MSC facts a fact states.""")
    value: str = Field(default=..., description="""The fact's value: a permissible value of the facet's enum (MscTopic, CellSource, Species, DonorRelation, StudyDesign, CellProduct, Route), a MeSH descriptor name for conditions, a registry id normalised as the guide prints it for trial_registrations, or true for isct_criteria.""")
    curie: Optional[str] = Field(default=None, description="""The value's ontology term as a CURIE (UBERON, NCBITaxon, CL, GO, NCIT, MeSH), from the enum's meaning or, for a condition, its MeSH descriptor id; empty when none fits.""")
    part: RecordPart = Field(default=..., description="""The part of the record a fact was read from.""")
    start: int = Field(default=..., description="""Offset of the evidence's first character in the part's text (mscdata.facts.part_texts gives each part's text; Python str offsets, counting code points from 0).""", strict=True, ge=0)
    end: int = Field(default=..., description="""Offset just after the evidence's last character in the part's text (exclusive).""", strict=True, ge=0)
    text: str = Field(default=..., description="""The matched text, exactly as the part's text holds it between start and end.""")
    rule: str = Field(default=..., description="""The lexicon entry or rule that fired, as lexicon:entry (e.g. routes:intravenous) or rule:name (e.g. rule:abbreviation).""")


# Model rebuild
# see https://pydantic-docs.helpmanual.io/usage/models/#rebuilding-a-model
Article.model_rebuild()
Author.model_rebuild()
Contributor.model_rebuild()
Affiliation.model_rebuild()
AbstractSection.model_rebuild()
Keyword.model_rebuild()
Figure.model_rebuild()
BodySection.model_rebuild()
Reference.model_rebuild()
MeshHeading.model_rebuild()
Substance.model_rebuild()
Grant.model_rebuild()
LinkedArticle.model_rebuild()
ArticleIdentifier.model_rebuild()
Accession.model_rebuild()
Provenance.model_rebuild()
MscFact.model_rebuild()
