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

# MSC fact facet -> the enum of its vocabulary, '' for an open one (vocabulary)
FACETS: dict[str, str] = {
    "msc_topic": "MscTopic",
    "cell_sources": "CellSource",
    "species": "Species",
    "donor_relation": "DonorRelation",
    "study_design": "StudyDesign",
    "cell_products": "CellProduct",
    "routes": "Route",
    "conditions": "",
    "trial_registrations": "",
    "isct_criteria": "",
}

# 'facet:value' of every vocabulary -> the value's ontology term, '' for none
FACT_TERMS: dict[str, str] = {
    "msc_topic:primary": "",
    "msc_topic:mentioned": "",
    "msc_topic:none": "",
    "cell_sources:bone_marrow": "UBERON:0002371",
    "cell_sources:adipose_tissue": "UBERON:0001013",
    "cell_sources:umbilical_cord": "UBERON:0002331",
    "cell_sources:cord_blood": "UBERON:0012168",
    "cell_sources:placenta": "UBERON:0001987",
    "cell_sources:amnion": "UBERON:0000305",
    "cell_sources:dental": "UBERON:0001091",
    "cell_sources:synovium": "UBERON:0002018",
    "cell_sources:endometrium": "UBERON:0001295",
    "cell_sources:peripheral_blood": "UBERON:0000178",
    "cell_sources:skin": "UBERON:0000014",
    "cell_sources:muscle": "UBERON:0002385",
    "cell_sources:ipsc_derived": "",
    "cell_sources:esc_derived": "",
    "cell_sources:other_tissue": "",
    "species:human": "NCBITaxon:9606",
    "species:mouse": "NCBITaxon:10090",
    "species:rat": "NCBITaxon:10116",
    "species:rabbit": "NCBITaxon:9986",
    "species:pig": "NCBITaxon:9823",
    "species:dog": "NCBITaxon:9615",
    "species:horse": "NCBITaxon:9796",
    "species:sheep_goat": "NCBITaxon:9963",
    "species:non_human_primate": "NCBITaxon:9443",
    "species:other": "",
    "donor_relation:autologous": "MESH:D014182",
    "donor_relation:allogeneic": "MESH:D014184",
    "donor_relation:xenogeneic": "MESH:D014183",
    "study_design:in_vitro": "MESH:D066298",
    "study_design:animal_in_vivo": "MESH:D023421",
    "study_design:clinical_interventional": "MESH:D016430",
    "study_design:clinical_observational": "MESH:D064888",
    "study_design:review": "MESH:D016454",
    "study_design:systematic_review_meta_analysis": "MESH:D000078182",
    "study_design:protocol_or_method": "",
    "study_design:other": "",
    "cell_products:cells": "CL:0000134",
    "cell_products:extracellular_vesicles": "GO:1903561",
    "cell_products:conditioned_medium": "MESH:D018153",
    "cell_products:genetically_modified_cells": "",
    "routes:intravenous": "NCIT:C38276",
    "routes:intra_articular": "NCIT:C38223",
    "routes:intramuscular": "NCIT:C28161",
    "routes:cardiac": "NCIT:C38227",
    "routes:cns": "NCIT:C38267",
    "routes:subcutaneous_intradermal": "NCIT:C38299",
    "routes:intraperitoneal": "NCIT:C38258",
    "routes:airway": "NCIT:C38216",
    "routes:local_implant": "NCIT:C38250",
    "routes:other": "",
}
