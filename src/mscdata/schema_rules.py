# Generated from schemas/mscdata.yaml by scripts/regenerate.py: do not edit by hand.
"""What schemas/mscdata.yaml says beyond the records' shapes, as plain constants.

Read from the schema's annotations and patterns by :mod:`mscdata.schema_rules_generator`
(the comment above ``classes:`` in the schema says what each annotation means); the code
imports these instead of restating them. Light on purpose: no LinkML, no pydantic.
"""

from __future__ import annotations

# Article slot -> its merge group (annotation merge_group)
MERGE_GROUPS: dict[str, str] = {
    "id": "identity",
    "pmid": "bibliographic",
    "pmid_version": "bibliographic",
    "doi": "bibliographic",
    "pmcid": "bibliographic",
    "title": "bibliographic",
    "vernacular_title": "content",
    "abstract": "content",
    "record_type": "bibliographic",
    "journal": "bibliographic",
    "journal_title": "bibliographic",
    "journal_issn": "bibliographic",
    "journal_issn_linking": "bibliographic",
    "nlm_unique_id": "bibliographic",
    "book_title": "bibliographic",
    "publisher": "bibliographic",
    "publisher_location": "bibliographic",
    "isbns": "bibliographic",
    "publication_year": "bibliographic",
    "publication_month": "bibliographic",
    "publication_day": "bibliographic",
    "publication_date_text": "bibliographic",
    "electronic_date": "bibliographic",
    "volume": "bibliographic",
    "issue": "bibliographic",
    "pages": "bibliographic",
    "publication_types": "bibliographic",
    "publication_type_uis": "bibliographic",
    "languages": "bibliographic",
    "citation_status": "bibliographic",
    "license": "full_text",
    "record_complete": "bibliographic",
    "authors_complete": "content",
    "abstract_complete": "content",
    "keywords_complete": "content",
    "figures_complete": "full_text",
    "references_complete": "full_text",
    "authors": "content",
    "investigators": "bibliographic",
    "editors": "bibliographic",
    "abstract_sections": "content",
    "keywords": "content",
    "figures": "full_text",
    "references": "full_text",
    "mesh_headings": "bibliographic",
    "substances": "bibliographic",
    "grants": "bibliographic",
    "linked_articles": "bibliographic",
    "identifiers": "identity",
    "accessions": "bibliographic",
    "provenance": "identity",
    "msc_facts": "identity",
}

# Article list slot -> the *_complete flag that covers it (covers)
COMPLETENESS_FLAGS: dict[str, str] = {
    "authors": "authors_complete",
    "abstract_sections": "abstract_complete",
    "keywords": "keywords_complete",
    "figures": "figures_complete",
    "references": "references_complete",
}

# slot -> the slot its value is computed from (derived_from)
DERIVED_FROM: dict[str, str] = {
    "abstract": "abstract_sections",
}

# table -> the name of its licence (table_license of its class)
TABLE_LICENSES: dict[str, str] = {
    "articles": "NLM-PubMed-terms",
    "authors": "NLM-PubMed-terms",
    "affiliations": "NLM-PubMed-terms",
    "investigators": "NLM-PubMed-terms",
    "editors": "NLM-PubMed-terms",
    "abstract_sections": "publisher-copyright",
    "keywords": "NLM-PubMed-terms",
    "figures": "publisher-copyright",
    "references": "NLM-PubMed-terms",
    "mesh_headings": "NLM-PubMed-terms",
    "substances": "NLM-PubMed-terms",
    "grants": "NLM-PubMed-terms",
    "linked_articles": "NLM-PubMed-terms",
    "identifiers": "NLM-PubMed-terms",
    "accessions": "NLM-PubMed-terms",
    "provenance": "CC0-1.0",
    "msc_facts": "CC0-1.0",
}

# slot -> its pattern (as the JSON Schema, Table Schemas and models have it)
PATTERNS: dict[str, str] = {
    "descriptor_ui": "^D[0-9]{6,9}$",
    "doi": r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$",
    "electronic_date": "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
    "id": r"^(pmid:[1-9][0-9]{0,8}|doi:10\.[0-9]{4,9}(\.[0-9]+)*/\S+|pmc:PMC[1-9][0-9]*)$",
    "journal_issn": "^[0-9]{4}-[0-9]{3}[0-9X]$",
    "journal_issn_linking": "^[0-9]{4}-[0-9]{3}[0-9X]$",
    "orcid": "^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$",
    "pmcid": "^PMC[1-9][0-9]*$",
    "pmid": "^[1-9][0-9]{0,8}$",
    "qualifier_ui": "^Q[0-9]{6,9}$",
    "source_sha256": "^[0-9a-f]{64}$",
}
