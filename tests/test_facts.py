"""mscdata.facts.extract, facet by facet, on short sentences of our own: what counts,
what does not (negation, background, another graft), abbreviations followed, CM read in
context, trial ids normalised, PROSPERO left out; and every fact's span is its text."""

from __future__ import annotations

import pytest
from stated_facts import facts

from mscdata.facts import extract
from mscdata.models import Article


def test_no_msc_no_cell_facts_but_the_article_facts():
    found = facts(
        "Aspirin in older adults",
        "We enrolled 120 patients in a randomized, double-blind, placebo-controlled trial.",
    )
    assert found["msc_topic"] == "none"
    assert found["cell_sources"] == found["routes"] == found["cell_products"] == []
    assert found["species"] == ["human"]
    assert found["study_design"] == ["clinical_interventional"]


def test_topic_primary_from_the_title_and_mentioned_from_one_sentence():
    assert facts("Mesenchymal stromal cells in sepsis")["msc_topic"] == "primary"
    mentioned = facts(
        "Fibroblasts and collagen",
        "Fibroblasts descend from mesenchymal stem cells. Collagen was measured.",
    )
    assert mentioned["msc_topic"] == "mentioned"
    assert facts("Fibroblasts", "Collagen was measured.")["msc_topic"] == "none"


def test_named_variants_are_msc_with_their_tissue():
    found = facts("Dental pulp stem cells (DPSCs) and SHED in pulp repair")
    assert found["msc_topic"] == "primary" and found["cell_sources"] == ["dental"]
    assert facts("hUCMSC secretome", "")["cell_sources"] == ["umbilical_cord"]
    assert facts("BM-MSCs and AD-MSCs compared")["cell_sources"] == [
        "adipose_tissue",
        "bone_marrow",
    ]


def test_a_tissue_counts_before_the_cells_or_after_a_derivation_not_as_a_target():
    found = facts(
        "MSCs in cartilage repair",
        "MSCs isolated from the synovial membrane were injected into the knee joint.",
    )
    assert found["cell_sources"] == ["synovium"]
    assert found["routes"] == ["intra_articular"]
    into_marrow = facts("MSCs home", "Human MSCs were transplanted into the bone marrow of mice.")
    assert "bone_marrow" not in into_marrow["cell_sources"]


def test_contrast_names_both_sources():
    found = facts(
        "Adipose MSCs",
        "Unlike bone marrow-derived MSCs, adipose tissue-derived MSCs proliferated faster.",
    )
    assert found["cell_sources"] == ["adipose_tissue", "bone_marrow"]


def test_a_list_of_sources_after_a_derivation():
    found = facts(
        "MSC sources",
        "MSCs can be obtained from sources such as bone marrow, adipose tissue, "
        "umbilical cord and dental pulp.",
    )
    assert found["cell_sources"] == ["adipose_tissue", "bone_marrow", "dental", "umbilical_cord"]


def test_an_abbreviation_defined_in_the_text_is_followed():
    found = facts(
        "Stem cells for wounds",
        "We isolated adipose-derived stem cells (ASCs) from lipoaspirates. "
        "ASCs were injected subcutaneously around the wound in rats.",
    )
    assert found["msc_topic"] == "primary"
    assert found["cell_sources"] == ["adipose_tissue"]
    assert "subcutaneous_intradermal" in found["routes"]
    undefined = facts("Inflammasome", "ASC specks formed in macrophages. ASC was cleaved.")
    assert undefined["msc_topic"] == "none"


def test_an_msc_like_abbreviation_defined_as_another_thing_is_no_msc():
    found = facts(
        "Surgery of skin cancer",
        "Nonmelanoma skin cancer (NMSC) is common. NMSC was excised in 80 patients.",
    )
    assert found["msc_topic"] == "none"
    assert facts("SCAP overexpression in smooth muscle")["msc_topic"] == "none"
    defined = facts(
        "Dental stem cells",
        "Stem cells from the apical papilla (SCAP) were cultured. SCAP formed nodules.",
    )
    assert defined["msc_topic"] == "primary" and defined["cell_sources"] == ["dental"]


def test_cm_is_conditioned_medium_only_where_the_text_says_so():
    defined = facts(
        "MSC secretome in stroke",
        "Conditioned medium (CM) from human MSCs was collected. "
        "Rats received intracerebroventricular CM after stroke.",
    )
    assert "conditioned_medium" in defined["cell_products"]
    assert defined["routes"] == ["cns"]
    complete = facts(
        "Dental pulp stem cells on biomaterials",
        "Dental pulp stem cells were cultured in CM with or without extracts. "
        "Cells in CM alone were the control.",
    )
    assert "conditioned_medium" not in complete["cell_products"]
    assert "conditioned_medium" in facts("MSC-CM heals skin")["cell_products"]


def test_vesicles_count_only_when_they_come_from_the_msc():
    found = facts(
        "Exosomes from bone marrow MSCs protect neurons",
        "Exosomes derived from BMSCs reduced apoptosis of neurons in vitro.",
    )
    assert found["cell_products"] == ["extracellular_vesicles"]
    tumour = facts(
        "Tumour exosomes",
        "Exosomes from melanoma cells were taken up by macrophages. "
        "Mesenchymal stem cells were also studied. MSCs were cultured.",
    )
    assert "extracellular_vesicles" not in tumour["cell_products"]


def test_cells_and_their_vesicles_compared():
    found = facts(
        "MSCs versus their extracellular vesicles",
        "We compared MSCs and their EVs (MSC-EVs) in mice with colitis.",
    )
    assert found["cell_products"] == ["cells", "extracellular_vesicles"]


def test_genetic_modification_of_the_msc():
    found = facts(
        "Engineered MSCs",
        "MSCs were transfected with a miR-21 inhibitor before injection into mice.",
    )
    assert "genetically_modified_cells" in found["cell_products"]


@pytest.mark.parametrize(
    ("sentence", "routes"),
    [
        ("MSCs were given intravenously to mice.", ["intravenous"]),
        ("MSCs were injected via the tail vein of rats.", ["intravenous"]),
        ("MSCs were not given intravenously but into the knee joint.", ["intra_articular"]),
        ("Mice received an infusion of MSCs.", []),
        ("MSCs were injected into mice.", []),
        ("Patients received intramyocardial injections of MSCs.", ["cardiac"]),
        ("MSCs were delivered intranasally to the mice.", ["airway"]),
        ("MSCs were transplanted into the striatum.", ["cns"]),
        ("MSCs were injected locally into the lesion.", ["local_implant"]),
        ("Mice with or without MSCs were treated intraperitoneally.", ["intraperitoneal"]),
    ],
)
def test_routes(sentence, routes):
    assert facts("Mesenchymal stem cells", sentence)["routes"] == routes


def test_a_route_of_another_drug_is_not_the_msc_route():
    found = facts(
        "Mesenchymal stem cells and erythropoietin",
        "Erythropoietin was administered intraperitoneally. MSCs were injected locally.",
    )
    assert found["routes"] == ["local_implant"]


def test_donor_relation_of_the_msc_not_of_another_graft():
    assert facts("Autologous MSCs for knee pain")["donor_relation"] == ["autologous"]
    found = facts(
        "MSCs improve allogeneic bone marrow transplantation",
        "Mesenchymal stem cells were co-infused.",
    )
    assert found["donor_relation"] == []
    donors = facts("MSCs", "MSCs from healthy donors were expanded.")
    assert donors["donor_relation"] == ["allogeneic"]


def test_species_patients_and_animals_but_not_background_or_cell_lines():
    found = facts(
        "MSCs in a rat model of arthritis",
        "Arthritis affects 50 million people worldwide, 3% of patients. "
        "Rat MSCs were co-cultured with mouse RAW264.7 cells.",
    )
    assert found["species"] == ["rat"]
    assert facts("Murine MSCs", "Murine MSCs were cultured.")["species"] == ["mouse"]
    assert facts("hMSCs", "hMSCs were cultured.")["species"] == ["human"]


@pytest.mark.parametrize(
    ("title", "abstract", "types", "design"),
    [
        ("MSCs in osteoarthritis", "We summarize recent advances.", ["Review"], ["review"]),
        (
            "MSCs",
            "We searched five databases.",
            ["Systematic Review", "Review"],
            ["systematic_review_meta_analysis"],
        ),
        ("MSCs in mice", "MSCs were injected into mice with colitis.", [], ["animal_in_vivo"]),
        ("MSCs", "MSCs were cultured in vitro with IL-1.", [], ["in_vitro"]),
        (
            "MSCs",
            "A retrospective cohort of 80 patients was analysed.",
            [],
            ["clinical_observational"],
        ),
        ("MSCs", "Here we present a protocol for isolating MSCs.", [], ["protocol_or_method"]),
        ("MSCs", "In vivo studies are needed.", [], []),
    ],
)
def test_study_design(title, abstract, types, design):
    assert facts(title, abstract, publication_types=types)["study_design"] == design


def test_a_review_is_its_design_not_the_studies_it_reviews():
    found = facts(
        "MSC therapy for stroke: a review",
        "In vitro and in vivo studies and clinical trials in patients are reviewed.",
    )
    assert found["study_design"] == ["review"]


def test_conditions_as_mesh_descriptors_with_their_models():
    found = facts(
        "MSCs ameliorate collagen-induced arthritis",
        "MSCs reduced paw swelling in collagen-induced arthritis (CIA). CIA scores fell.",
    )
    assert found["conditions"] == ["Arthritis, Rheumatoid"]
    fibrosis = facts("Bone marrow MSCs reverse CCl4-induced liver fibrosis in rats")
    assert fibrosis["conditions"] == ["Liver Cirrhosis"]
    assert facts("MSCs for bone regeneration")["conditions"] == []


def test_a_general_condition_gives_way_to_a_specific_one():
    found = facts(
        "MSCs in diabetic cardiomyopathy",
        "Diabetic db/db mice with type 2 diabetes and diabetic cardiomyopathy got MSCs.",
    )
    assert found["conditions"] == ["Diabetic Cardiomyopathies"]


def test_a_condition_from_the_mesh_headings_has_the_record_descriptor_id():
    article = {
        "title": "Mesenchymal stem cells in disease",
        "mesh_headings": [{"descriptor": "Osteoarthritis", "descriptor_ui": "D010003"}],
    }
    [fact] = [f for f in extract(article) if f.facet == "conditions"]
    assert (fact.value, fact.curie, fact.part) == ("Osteoarthritis", "MESH:D010003", "mesh")


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Registered at ClinicalTrials.gov (NCT 01234567).", ["NCT01234567"]),
        ("Trial registration: ChiCTR2000029990.", ["ChiCTR2000029990"]),
        ("ChiCTR-IOR-17011234 was the registration.", ["ChiCTR-IOR-17011234"]),
        (
            "ISRCTN 12345678 and EudraCT number: 2012-000123-45.",
            ["EudraCT 2012-000123-45", "ISRCTN12345678"],
        ),
        (
            "ACTRN12612000123456; CTRI/2020/05/025214.",
            ["ACTRN12612000123456", "CTRI/2020/05/025214"],
        ),
        ("PROSPERO registration: CRD42020123456.", []),
        ("The NCT123 trial.", []),
    ],
)
def test_trial_registrations_normalised(text, ids):
    assert facts("A study", text)["trial_registrations"] == ids


def test_trial_registrations_from_the_accessions():
    article = {
        "title": "A trial",
        "accessions": [{"databank": "ClinicalTrials.gov", "accession_number": "NCT00000042"}],
    }
    [fact] = extract(article)
    assert (fact.facet, fact.value, fact.part) == (
        "trial_registrations",
        "NCT00000042",
        "accession",
    )


def test_isct_criteria_named_or_by_the_marker_panel():
    named = facts(
        "MSCs", "Cells met the minimal criteria of the International Society for Cellular Therapy."
    )
    assert named["isct_criteria"] is True
    not_met = facts("MSCs", "The cells did not fulfil the ISCT criteria.")
    assert not_met["isct_criteria"] is True
    panel = facts("MSCs", "Cells were CD73+, CD90+ and CD105+ and lacked CD34 and CD45.")
    assert panel["isct_criteria"] is True
    vague = facts("MSCs", "Cells expressed positive and negative markers.")
    assert vague["isct_criteria"] is False


def test_an_article_model_reads_like_its_dict(seed_article):
    dumped = seed_article.model_dump()
    assert [f.model_dump() for f in extract(seed_article)] == [
        f.model_dump() for f in extract(dumped)
    ]
    assert isinstance(seed_article, Article)


def test_facts_are_numbered_and_validate_as_msc_facts():
    from mscdata.models import MscFact

    found = extract(
        {"title": "Bone marrow MSCs given intravenously to patients with GvHD (NCT01234567)"}
    )
    assert [f.position for f in found] == list(range(1, len(found) + 1))
    for fact in found:
        validated = MscFact.model_validate(fact.model_dump())
        assert validated == fact and validated.model_dump() == fact.model_dump()
        assert type(fact.facet) is str and type(fact.part) is str  # as validated models hold them
