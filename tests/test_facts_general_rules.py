"""mscdata.facts.extract on rules meant for MSC abstracts at large (not one record):
conditions by MeSH name with their classes, weak words, prospects and asides; study
designs of editorials, reviews, assays and named models; routes only for cells given;
knockout genotypes; MSCs found in a tissue; animals before a model a few words on; methods
made, calculations alone, implicit cell culture; MSCs of a tumour; other hyphens; the
opening of a research abstract; sources listed; cases and outcomes of patients; chart
reviews; shares counted in a study."""

from __future__ import annotations

from stated_facts import facts


def test_a_disease_class_counts_only_where_no_disease_is_named():
    classes = facts(
        "Mesenchymal stem cells as immunosuppressants",
        "MSCs have been considered for the treatment of autoimmune and inflammatory diseases.",
    )
    assert classes["conditions"] == ["Autoimmune Diseases", "Inflammation"]
    disease = facts(
        "Mesenchymal stem cells in lupus",
        "Systemic lupus erythematosus is an autoimmune disease; MSCs were given to mice.",
    )
    assert disease["conditions"] == ["Lupus Erythematosus, Systemic"]


def test_wound_healing_counts_in_the_title_or_twice_not_once_in_passing():
    once = facts(
        "Exosomes of umbilical cord MSCs promote fibroblast migration",
        "Exosomes of MSCs raised fibroblast migration, a step of wound healing.",
        keywords=["wound healing"],
    )
    assert once["conditions"] == []
    titled = facts("Dermal mesenchymal stem cells accelerate wound healing", "")
    assert titled["conditions"] == ["Wounds and Injuries"]


def test_conditions_of_prospects_and_asides_do_not_count():
    prospect = facts(
        "Mesenchymal stem cells on collagen membranes",
        "MSCs grew on the membranes. The membranes may be used to treat burns.",
    )
    assert prospect["conditions"] == []
    aside = facts(
        "Adipose-derived stem cells as a model of adipocytes",
        "Obesity is common worldwide today. Adipose-derived stem cells (ADSCs) were "
        "differentiated into adipocytes. ADSCs took up glucose.",
    )
    assert aside["conditions"] == []


def test_specific_conditions_win_over_their_general_names():
    chemical = facts(
        "Adipose MSCs in corneal alkali burn",
        "Adipose MSCs healed chemical burns and limbal stem cell deficiency in rats.",
    )
    assert chemical["conditions"] == ["Burns, Chemical", "Limbal Stem Cell Deficiency"]
    liver = facts(
        "Bone marrow MSCs in CCl4-induced liver injury",
        "MSCs reduced CCl4-induced liver injury in mice. MSCs lowered ALT after "
        "CCl4-induced liver injury.",
    )
    assert liver["conditions"] == ["Chemical and Drug Induced Liver Injury"]
    fibrosis = facts(
        "Bone marrow MSCs in CCl4-induced liver injury",
        "MSCs reduced CCl4-induced liver injury and liver fibrosis in rats.",
    )
    assert fibrosis["conditions"] == ["Liver Cirrhosis"]
    tendon = facts("Umbilical cord MSC exosomes heal tendon injuries", "")
    assert tendon["conditions"] == ["Tendon Injuries"]


def test_an_editorial_did_no_study_of_its_own():
    found = facts(
        "In this issue",
        "We learn that mesenchymal stem cells were given to patients in vitro and in vivo.",
        publication_types=["Editorial"],
    )
    assert found["study_design"] == ["other"]


def test_reviews_by_what_they_say_they_do_and_by_their_titles():
    chapter = facts(
        "Apoptotic mesenchymal stem cells",
        "In this chapter, we summarized current knowledge on apoptotic MSCs in vitro.",
    )
    assert chapter["study_design"] == ["review"]
    titled = facts("Recent progress in mesenchymal stem cell therapy", "")
    assert titled["study_design"] == ["review"]
    research = facts(
        "Mesenchymal stem cells and cytokines",
        "Here we report that MSCs secrete IL-6 in vitro; this extends current knowledge.",
    )
    assert research["study_design"] == ["in_vitro"]


def test_assays_and_named_models_give_their_designs():
    found = facts(
        "Bone marrow MSCs on a scaffold",
        "Alkaline phosphatase activity and adipogenic differentiation of MSCs were "
        "measured. Ovariectomized animals received the scaffolds.",
    )
    assert found["study_design"] == ["animal_in_vivo", "in_vitro"]


def test_a_route_is_the_cells_route_not_a_cell_free_implant_or_a_recruitment():
    cell_free = facts(
        "Mesenchymal stem cells on a membrane",
        "hMSCs grew on the membrane. Rat subcutaneous implantation of the membranes "
        "caused no reaction.",
    )
    assert cell_free["routes"] == []
    recruited = facts(
        "Endogenous cartilage repair",
        "Resident mesenchymal stem cells are recruited into the injured sites.",
    )
    assert recruited["routes"] == []
    given = facts(
        "Mesenchymal stem cells in spinal cord injury",
        "MSCs were injected into the lesion of rats.",
    )
    assert given["routes"] == ["local_implant"]


def test_knockout_genotypes_modify_the_cells_a_serum_brand_does_not():
    genotype = facts(
        "Dermal mesenchymal stem cells in wounds",
        "Wounds healed more slowly with Prx II-/- DMSCs than with Prx II+/+ DMSCs.",
    )
    assert "genetically_modified_cells" in genotype["cell_products"]
    brand = facts(
        "Umbilical cord mesenchymal stem cells in spheroids",
        "MSCs were grown in medium with KnockOut serum replacement.",
    )
    assert "genetically_modified_cells" not in brand["cell_products"]


def test_msc_found_in_a_tissue_and_a_bracketed_abbreviation_between():
    resident = facts(
        "Neural crest",
        "These cells constitute the mesenchymal stem cells in bone marrow (BM) of children.",
    )
    assert resident["cell_sources"] == ["bone_marrow"]
    in_repair = facts("MSCs", "We study mesenchymal stem cells in skin repair.")
    assert in_repair["cell_sources"] == []
    bracketed = facts("Bone marrow (BM)-derived mesenchymal stem cells in sepsis", "")
    assert bracketed["cell_sources"] == ["bone_marrow"]


def test_an_animal_before_a_model_a_few_words_on_and_more_people():
    found = facts(
        "Mesenchymal stem cells in bone repair",
        "MSCs were tested in a rat calvarial defect model.",
    )
    assert found["species"] == ["rat"] and "animal_in_vivo" in found["study_design"]
    people = facts("Sleep", "We asked 300 adolescents about their sleep.")
    assert people["species"] == ["human"]
    cell_model = facts("MSCs", "MSCs were made. A mouse cell culture model was studied.")
    assert "mouse" not in cell_model["species"]


def test_msc_named_in_the_aim_and_once_more_are_a_main_subject():
    aim = facts(
        "Collagen nanofibres for skin repair",
        "Nanofibres were spun. The main goal was to evaluate their effect on human "
        "mesenchymal stem cells (hMSCs). Calcium was released. hMSCs differentiated.",
    )
    assert aim["msc_topic"] == "primary"
    aside = facts(
        "Collagen nanofibres for skin repair",
        "Nanofibres were spun. They suit human mesenchymal stem cells (hMSCs). "
        "Calcium was released. hMSCs differentiated.",
    )
    assert aside["msc_topic"] == "mentioned"


def test_an_editorial_is_no_review_but_a_commented_review_is():
    editorial = facts(
        "Progress in mesenchymal stem cell therapy",
        "This issue reviews mesenchymal stem cells.",
        publication_types=["Editorial"],
    )
    assert editorial["study_design"] == ["other"]
    review = facts(
        "Mesenchymal stem cells in sepsis",
        "We review MSC therapy.",
        publication_types=["Comment", "Review"],
    )
    assert review["study_design"] == ["review"]


def test_an_implanted_scaffold_is_the_cells_route():
    found = facts(
        "Calvarial regeneration by bone marrow mesenchymal stem cells on a scaffold",
        "The construct was implanted into skull defects in rats.",
    )
    assert found["routes"] == ["local_implant"]


def test_making_a_method_is_protocol_or_method_but_not_making_a_model():
    method = facts(
        "Profiling mesenchymal stem cells",
        "We developed an automated image analysis pipeline to score MSC colonies.",
    )
    assert "protocol_or_method" in method["study_design"]
    scheme = facts("Establishment of a robust scheme for counting stromal cells in marrow", "")
    assert scheme["study_design"] == ["protocol_or_method"]
    model = facts(
        "Bone marrow MSCs in colitis",
        "We developed a mouse model of colitis and gave the mice BM-MSCs intravenously.",
    )
    assert "protocol_or_method" not in model["study_design"]


def test_calculations_alone_are_other_beside_experiments_not():
    alone = facts(
        "Adsorption of a peptide on titanium",
        "Density functional theory and DFT calculations of the adsorption energy were run.",
    )
    assert alone["study_design"] == ["other"]
    beside = facts(
        "Scaffolds for MSCs",
        "Finite element analysis predicted the strain; MSCs were cultured on them in vitro.",
    )
    assert beside["study_design"] == ["in_vitro"]


def test_effects_on_cultured_cells_are_in_vitro_work():
    knocked = facts(
        "Rac1 in human MSCs",
        "Silencing Rac1 by siRNA in human MSCs disrupted their actin fibres.",
    )
    assert "in_vitro" in knocked["study_design"]
    layered = facts(
        "MSC capsules and macrophages",
        "Capsules holding MSCs were placed on a 2D culture of macrophages.",
    )
    assert "in_vitro" in layered["study_design"]


def test_msc_of_a_tumour_or_the_vessel_wall_come_from_another_tissue():
    tumour = facts(
        "MSCs of gastric cancer",
        "MSCs were isolated from gastric tumor tissues and grown in vitro.",
    )
    assert tumour["cell_sources"] == ["other_tissue"]
    aortic = facts("Senescence of aortic mesenchymal stromal cells", "")
    assert aortic["cell_sources"] == ["other_tissue"]


def test_a_non_breaking_hyphen_or_an_en_dash_links_a_tissue_to_the_msc():
    for dash in ("\u2011", "\u2013"):
        found = facts(f"Human bone marrow{dash}derived mesenchymal stem cells in glioma", "")
        assert found["cell_sources"] == ["bone_marrow"], dash


def test_the_opening_of_a_research_abstract_gives_no_animal_model_nor_condition():
    cited = facts(
        "Human MSC-derived exosomes inhibit Th2 differentiation",
        "Human MSC-derived exosomes have been implicated in allergic inflammation in a mouse "
        "asthma model. The present study aimed to investigate MSC exosomes in allergic "
        "rhinitis. Exosomes of MSCs lowered Th2 cells of patients with allergic rhinitis.",
    )
    assert cited["species"] == ["human"]  # the MSCs' own, named in the opening
    assert "mouse" not in cited["species"]
    assert "animal_in_vivo" not in cited["study_design"]
    assert cited["conditions"] == ["Rhinitis, Allergic"]
    # a review reports others' work: its first sentences are not an opening
    reviewed = facts(
        "MSC exosomes in allergy: a review",
        "MSC exosomes eased inflammation in a mouse asthma model. Here we review their uses.",
    )
    assert "mouse" in reviewed["species"]


def test_sources_listed_as_the_tissues_msc_are_found_in():
    listed = facts(
        "Mesenchymal stromal cells for muscle regeneration",
        "Mesenchymal stromal cells (MSCs) are multipotent cells found in different tissues: "
        "bone marrow, peripheral blood, adipose tissues, skeletal muscle and dental pulp. "
        "In this review, we discuss MSCs in muscle repair.",
    )
    assert sorted(listed["cell_sources"]) == [
        "adipose_tissue",
        "bone_marrow",
        "dental",
        "muscle",
        "peripheral_blood",
    ]


def test_cases_described_and_outcomes_of_patients_analysed_are_observational():
    case = facts(
        "Mucoacinar carcinoma of the parotid",
        "We now report 11 cases of carcinoma with acinar differentiation. Seven patients "
        "were female.",
    )
    assert case["study_design"] == ["clinical_observational"]
    aged = facts("", "We report a case of a 42-years-old male with testicular swelling.")
    assert aged["species"] == ["human"]
    outcome = facts(
        "PDZD11 in hepatocellular carcinoma",
        "PDZD11 was overexpressed in HCC cell lines. High PDZD11 expression was correlated "
        "with poor overall survival in patients with HCC.",
    )
    assert sorted(outcome["study_design"]) == ["clinical_observational", "in_vitro"]
    # a trial's patients' survival is the trial's outcome, not another study
    trial = facts(
        "MSCs in GvHD",
        "In this phase II trial, patients received MSCs. Response was associated with "
        "overall survival of patients (P=0.01).",
    )
    assert trial["study_design"] == ["clinical_interventional"]
    # background about patients' prognosis names no analysis
    background = facts("", "Patients with HCC have a poor prognosis. HCC cell lines were cultured.")
    assert background["study_design"] == ["in_vitro"]


def test_a_chart_review_is_no_review_of_the_literature():
    chart = facts(
        "Corneal perforation in ocular GvHD",
        "We reviewed the case records of 405 patients with chronic ocular GvHD.",
    )
    assert chart["study_design"] == ["clinical_observational"]
    literature = facts("", "We reviewed the literature on patients given MSCs for GvHD.")
    assert literature["study_design"] == ["review"]


def test_a_share_counted_in_the_study_is_no_background_statistic():
    counted = facts(
        "", "We sequenced BAP1 in 105 HCC patients and found mutations in 6 (5.7%) patients."
    )
    assert counted["species"] == ["human"]
    statistic = facts("", "Liver cancer affects 5% of patients worldwide. HCC cells were cultured.")
    assert statistic["species"] == []
    outlook = facts(
        "", "HCC cells were cultured. TP53TG1 is a therapeutic target for patients with HCC."
    )
    assert outlook["species"] == []


def test_a_term_found_by_looking_back_wins_over_the_shorter_term_inside_it():
    # "acute lung injury" is found from "injury", after "lung injury" from "lung"
    found = facts("Cord MSC exosomes attenuate acute lung injury", "")
    assert found["conditions"] == ["Acute Lung Injury"]


def test_the_opening_ends_in_the_first_paragraph_and_not_at_a_conclusion():
    structured = facts(
        "MSCs in asthma",
        "Asthma is common. MSCs may help.\n\nA rat asthma model was induced and MSCs were "
        "given.\n\nMSCs reduced airway inflammation. This study supports MSC therapy.",
    )
    assert "rat" in structured["species"]
    assert "animal_in_vivo" in structured["study_design"]
    assert structured["conditions"] == ["Asthma"]
    summed_up = facts(
        "MSCs in asthma",
        "MSCs lowered inflammation in a mouse asthma model. Taken together, this study "
        "supports MSC therapy.",
    )
    assert "mouse" in summed_up["species"]


def test_others_models_in_the_opening_give_no_animal_nor_design():
    cited = facts(
        "MSC exosomes in colitis",
        "MSC exosomes eased colitis in a rat model of colitis. Induced colitis was eased "
        "in a DSS-induced mouse colitis model. Here we cultured MSCs with macrophages.",
    )
    assert cited["species"] == []
    assert cited["study_design"] == ["in_vitro"]


def test_a_look_back_term_starts_a_word():
    inside = facts(
        "",
        "HCC cells were cultured. In 80 patients, X predicted survival; chemotherapeutic "
        "targets were studied.",
    )
    assert inside["species"] == ["human"]


def test_case_and_outcome_words_where_they_say_something_else():
    for text in (
        "We present a brief, patient-reported outcome measure for 200 adults.",
        "We report a protective effect in male mice.",
        "We present a recent case study of the hairpin of RNA 7SK.",
    ):
        assert "clinical_observational" not in facts("", text)["study_design"], text
    aged = facts("", "In an open-label trial, children aged 2-5 years old were randomized.")
    assert aged["study_design"] == ["clinical_interventional"]
    background = facts(
        "",
        "High X is associated with poor prognosis in patients with gastric cancer. Here, "
        "we cultured gastric cancer cell lines.",
    )
    assert background["study_design"] == ["in_vitro"]


def test_a_trial_beside_outcomes_is_read_the_same_in_either_order():
    outcome = "Overall survival of 40 patients was analysed and correlated with X. "
    trial = "The patients were treated in a phase II trial. "
    chart = "We also reviewed the medical records of 40 patients. "
    assert facts("", outcome + chart + trial) == facts("", trial + chart + outcome)
    assert "clinical_observational" in facts("", outcome + chart + trial)["study_design"]


def test_knockdown_counts_as_cell_work_only_in_cells():
    in_mice = facts("", "Gene X was knocked down in the gastrocnemius of mice.")
    assert "in_vitro" not in in_mice["study_design"]
    in_cells = facts("", "Knockdown of X in HCT116 cells lowered invasion.")
    assert "in_vitro" in in_cells["study_design"]
    birds = facts("", "Migratory birds were tracked over two seasons.")
    assert "in_vitro" not in birds["study_design"]


def test_reviews_of_advances_and_of_reported_cases_stay_reviews():
    advances = facts("", "We reviewed recent advances in patients with GvHD given MSCs.")
    assert advances["study_design"] == ["review"]
    reported = facts("", "We present a review of 120 cases reported in the literature.")
    assert reported["study_design"] == ["review"]


def test_an_outlook_far_in_the_sentence_leaves_the_people_studied():
    far = facts(
        "",
        "In 120 patients with gastric cancer, high X predicted poor survival in our cohort, "
        "suggesting X as a prognostic marker.",
    )
    assert far["species"] == ["human"]


def test_an_aim_of_its_own_paragraph_ends_the_opening():
    structured = facts(
        "MSC vesicles polarise macrophages",
        "MSC exosomes eased colitis in rat colitis models. Their mechanism is unclear.\n\n"
        "We sought to test whether MSC-EVs polarize macrophages in vitro.\n\n"
        "Macrophages were cultured with EVs.\n\nEVs induced M2 polarization.",
    )
    assert structured["species"] == []
    assert "animal_in_vivo" not in structured["study_design"]


def test_a_conclusion_or_earlier_work_does_not_end_the_opening():
    concluded = facts(
        "MSCs in osteoarthritis",
        "Osteoarthritis (OA) is a degenerative joint disease. Intra-articular MSCs were "
        "tested in a rabbit model of OA. Cartilage repair improved at 12 weeks. Our results "
        "indicate that MSCs are effective in OA.",
    )
    assert concluded["species"] == ["rabbit"]
    assert "animal_in_vivo" in concluded["study_design"]
    earlier = facts(
        "",
        "Oral cancer is common. Recently, we reported that IL-17F correlates with better "
        "survival in OTSCC patients (P=0.01). Here, we cultured OTSCC cells with IL-17F.",
    )
    assert "clinical_observational" not in earlier["study_design"]
    overall = facts(
        "",
        "Hepatocellular carcinoma (HCC) is common. X is overexpressed in HCC. Overall "
        "survival of 60 patients was analysed and correlated with X expression (P<0.01).",
    )
    assert "clinical_observational" in overall["study_design"]
    animals = facts("", "MSCs are effective in animal models of colitis. Here, we cultured MSCs.")
    assert animals["study_design"] == ["in_vitro"]


def test_survival_of_cells_is_no_outcome_of_patients():
    cells = facts(
        "",
        "Survival of MSCs from elderly patients was analysed by annexin V staining and "
        "correlated with ROS.",
    )
    assert "clinical_observational" not in cells["study_design"]


def test_chart_reviews_with_reports_or_studies_stay_observational():
    for text in (
        "We reviewed the medical records and pathology reports of 40 patients with sarcoma.",
        "We reviewed the records of 80 patients who underwent imaging studies.",
    ):
        assert facts("", text)["study_design"] == ["clinical_observational"], text


def test_knockdown_in_msc_is_cell_work_and_ages_of_animals_are_no_people():
    msc = facts("", "Knockdown of HIF-1a in BMSCs reduced their migration.")
    assert "in_vitro" in msc["study_design"]
    rats = facts("", "Two-year-old male Sprague-Dawley rats received MSCs after MCAO.")
    assert rats["species"] == ["rat"]
    assert "clinical_observational" not in rats["study_design"]
    trial = facts("", "We report a randomized trial in 40 patients given MSCs.")
    assert "clinical_observational" not in trial["study_design"]
