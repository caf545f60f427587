//! Exact expectations for each check: which words are flagged, under which rule,
//! with which suggestions and in which language, and what must not be flagged.

use cofnod::position::{LineIndex, LspPosition, PositionEncoding};
use cofnod::{Category, Engine, Finding, Lang, Severity};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

fn analyse(text: &str) -> Vec<Finding> {
    engine().analyse(text).findings
}

/// (rule, excerpt) of every finding, in text order.
fn flagged(text: &str) -> Vec<(String, String)> {
    analyse(text).into_iter().map(|f| (f.rule.clone(), f.excerpt(text).to_string())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(r, e)| (r.to_string(), e.to_string())).collect()
}

fn assert_clean(text: &str) {
    let found = flagged(text);
    assert!(found.is_empty(), "expected nothing flagged in {text:?}, got {found:?}");
}

// plain-language

#[test]
fn an_acronym_on_no_list_is_flagged_once_unless_the_note_spells_it_out() {
    let text = "Referred Mia to the IFSS team today. IFSS will call her on Monday.";
    assert_eq!(flagged(text), pairs(&[("plain-language/undefined-acronym", "IFSS")]));
    let found = analyse(text);
    assert_eq!(found[0].severity, Severity::Info);
    assert_eq!(found[0].suggestions[0].replacement, None, "no guess at what it stands for");
    // Spelled out before or in the same sentence, either way round.
    assert_clean("The Integrated Family Support Service (IFSS) will visit. IFSS staff will call on Monday.");
    assert_clean("IFSS (Integrated Family Support Service) will visit on Monday afternoon.");
    assert_clean("Arolygiaeth Gofal Cymru (AGC) oedd yno. Bydd AGC yn dychwelyd y mis nesaf.");
    // Welsh text gets the Welsh message.
    let cy = analyse("Bydd tîm IFSS yn ffonio Mia ddydd Llun nesaf.");
    assert_eq!(cy.len(), 1);
    assert_eq!((cy[0].rule.as_str(), cy[0].lang), ("plain-language/undefined-acronym", Lang::Cy));
    assert!(cy[0].message.contains("yn fyrfodd"), "{}", cy[0].message);
    // A name before a bracket does not spell it out.
    assert_eq!(
        flagged("Mrs Bevan (CSU) rang the office about the visit today."),
        pairs(&[("plain-language/undefined-acronym", "CSU")])
    );
}

#[test]
fn a_listed_acronym_is_explained_by_its_spelling_out_not_by_brackets_after_a_name() {
    // Spelled out once, it may be used after.
    assert_clean("The Community Mental Health Team (CMHT) will visit on Monday.\nCMHT to call on Friday.");
    // In brackets after a person's name it names a role, unexplained.
    let found = flagged("Sian Jones (CMHT) visited on Monday.");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "CMHT");
    let found = flagged("Cyfarfu Siân Parry (GC) gyda'r teulu ddydd Llun.");
    assert_eq!(found.iter().filter(|f| f.1 == "GC").count(), 1, "{found:?}");
}

#[test]
fn initials_everyday_abbreviations_and_capital_headings_are_not_acronyms() {
    assert_clean("Seen by her GP on Monday and the NHS dentist on Friday afternoon.");
    assert_clean("Carers on the call were RJ / BM and both signed the chart.");
    assert_clean("Medication given at tea time and recorded by KL on the chart.");
    assert_clean("Mr AB said he was happy with the visit and the new times.");
    assert_clean("Ysgrifennwyd y nodyn gan KL ar ôl yr ymweliad heddiw.");
    assert_clean("PERSON CENTRED PLAN for the coming six months agreed today.");
    assert_clean("She said “the DWP keep ringing me” and laughed about it.");
}

#[test]
fn plain_language_flags_jargon_with_replacements_in_matching_case() {
    let text = "Signposted Mrs Ali to the dementia café and will facilitate a meeting with the MDT.";
    assert_eq!(
        flagged(text),
        pairs(&[
            ("plain-language/signpost", "Signposted"),
            ("plain-language/facilitate", "facilitate"),
            ("plain-language/mdt", "MDT"),
        ])
    );
    let findings = analyse(text);
    let replacements: Vec<Option<&str>> = findings[0].suggestions.iter().map(|s| s.replacement.as_deref()).collect();
    // The verb takes its object and preposition with it (tests/fixes.rs), and the
    // advice stays for when no replacement fits.
    assert_eq!(replacements, vec![Some("Gave Mrs Ali details of"), Some("Told Mrs Ali about"), None]);
    assert_eq!(findings[0].edit_range(&findings[0].suggestions[0]), (0, "Signposted Mrs Ali to".len()));
    assert_eq!(findings[1].suggestions[0].replacement.as_deref(), Some("help with"));
    assert_eq!(findings[1].suggestions[0].description, "Replace with “help with”");
    assert!(findings.iter().all(|f| f.severity == Severity::Info && f.lang == Lang::En));
}

#[test]
fn plain_language_skips_explained_terms_quotes_and_names() {
    assert_clean("The MDT (the meeting of everyone who works with Mrs Ali) is on Friday.");
    assert_clean("The multi-disciplinary team (MDT) met on Friday.");
    assert_clean("Mrs Ali said “the MDT was a waste of time and they just signpost you”.");
    assert_clean("She was referred to Signpost Cymru and stays at the Llys Respite Centre.");
    assert_clean("There is no signpost to the farm, so I drew a map.");
    assert_clean("I helped Mr Evans and his son plan the week.");
    assert_clean("A DNA test is booked for Tuesday.");
}

#[test]
fn plain_language_welsh_undoes_mutation_and_flags_impersonal_verbs() {
    let text = "Gwnaethon ni hwyluso cyfarfod. Trafodwyd ei phecyn gofal.";
    assert_eq!(
        flagged(text),
        pairs(&[
            ("plain-language/hwyluso", "hwyluso"),
            ("plain-language/berf-amhersonol", "Trafodwyd"),
            ("plain-language/pecyn-gofal", "phecyn gofal"),
        ])
    );
    let findings = analyse(text);
    // "hwyluso" stands for too many things to swap: advice, in Welsh.
    assert!(findings[0].suggestions.iter().all(|s| s.replacement.is_none()));
    assert!(findings[0].suggestions[0].description.starts_with("Dywedwch beth wnaethoch chi"));
    assert_eq!(findings[2].suggestions[0].replacement.as_deref(), Some("gofal a chymorth"));
    assert_eq!(findings[2].suggestions[0].description, "Rhoi “gofal a chymorth” yn ei le");
    assert!(findings[1].message.starts_with("Berf amhersonol yw “Trafodwyd”"));
    // An impersonal verb gets advice: who did it is not in the sentence.
    assert!(findings[1].suggestions.iter().all(|s| s.replacement.is_none()));
    assert!(findings.iter().all(|f| f.lang == Lang::Cy));
}

#[test]
fn plain_language_welsh_skips_terms_explained_with_sef() {
    assert_clean("Bydd yr MDT, sef cyfarfod gyda phawb sy’n helpu Mrs Puw, ddydd Gwener.");
}

// opinion-as-fact

#[test]
fn a_bare_risk_level_is_a_judgement_without_reasons() {
    // Also a risk with no reasons (issue 16's risk check): a finding of each.
    assert_eq!(flagged("Falls risk high."), pairs(&[("risk/bare-rating", "risk"), ("opinion-as-fact/risk-level", "high")]));
    assert_eq!(flagged("Risk to others:\nlow."), pairs(&[("opinion-as-fact/risk-level", "low"), ("risk/bare-rating", "low")]));
    let cy = analyse("Mae Mrs Puw yn byw ar ei phen ei hun ers y gaeaf diwethaf.\nRisg cwympo: canolig.");
    assert_eq!((cy[0].rule.as_str(), cy[0].lang), ("opinion-as-fact/risk-level", Lang::Cy));
    assert!(cy[0].message.contains("heb resymau"), "{}", cy[0].message);
    // With its reasons it stands.
    assert_clean("Falls risk high because she fell twice this week.");
    assert_clean("Risg cwympo yn uchel oherwydd iddi gwympo ddwywaith yr wythnos hon.");
    // Levels that are not risks are not risk levels.
    assert_clean("The kettle was on a low shelf.");
}

#[test]
fn evidence_must_be_something_seen_or_heard_not_any_action() {
    // A judgement followed by an unrelated action is still unsupported.
    assert_eq!(flagged("Mum was hostile. She sat on the sofa."), pairs(&[("opinion-as-fact/hostile", "hostile")]));
    assert_eq!(flagged("Dad was aggressive at times."), pairs(&[("opinion-as-fact/aggressive", "aggressive"), ("vague/frequency", "at times")]));
    let cy = flagged("Mae Mam yn elyniaethus. Eisteddodd hi ar y soffa.");
    assert_eq!(cy.len(), 1, "{cy:?}");
    assert_eq!(cy[0].1, "elyniaethus");
    // What was seen or heard that supports it still does.
    assert_clean("Mum was hostile. She shouted at me to get out and slammed the door.");
    assert_clean("Roedd Mam yn elyniaethus. Gwaeddodd arna i i adael a slamiodd y drws.");
}

#[test]
fn a_basis_that_opens_the_sentence_backs_the_owned_view() {
    assert_clean("Based on the three visits he missed in May, my view is that Dan is disengaged.");
    assert_clean("Yn seiliedig ar y tri ymweliad a fethodd ym mis Mai, fy marn i yw bod Dan wedi ymddieithrio.");
    // The same view with nothing behind it is asked for its basis.
    assert_eq!(flagged("My view is that Dan is disengaged.").len(), 1);
}

#[test]
fn the_person_describing_themselves_in_their_own_section_is_not_the_writers_judgement() {
    assert_clean("About me\nI am stubborn and I like things done my way.");
    assert_clean("Amdanaf i\nDw i'n ystyfnig a dw i'n licio pethau fy ffordd i.");
    // The same words from the writer, outside such a section, are a judgement.
    assert_eq!(flagged("Visit notes\nMr Price is stubborn.").len(), 1);
}

#[test]
fn quoted_words_do_not_excuse_a_stock_log_phrase() {
    assert_eq!(flagged("He said \"I'm fine\" and all ok."), pairs(&[("vague/terse-log", "all ok")]));
}

#[test]
fn southern_welsh_reason_words_give_a_decision_its_reason() {
    assert_clean("Achos wedi cau gan taw Sioned sy moyn hynny.");
    assert_clean("Achos wedi cau achos mai dyna oedd dymuniad Sioned.");
    assert_eq!(flagged("Achos wedi cau.").len(), 1);
}

#[test]
fn opinion_as_fact_flags_unowned_judgements() {
    let text = "Peter did not want to engage. Mum is hostile and non-compliant.";
    assert_eq!(
        flagged(text),
        pairs(&[
            ("opinion-as-fact/not-engaging", "not want to engage"),
            ("opinion-as-fact/hostile", "hostile"),
            ("opinion-as-fact/non-compliant", "non-compliant"),
        ])
    );
    let f = &analyse(text)[1];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.message, "“hostile” is a judgement written as a fact. What did you see or hear?");
    assert_eq!(f.suggestions[0].replacement, None);
}

#[test]
fn opinion_owned_without_basis_gets_a_gentler_finding() {
    let findings = analyse("I think Mum is hostile.");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Info);
    assert_eq!(findings[0].message, "You give “hostile” as your view: add what it is based on.");
    let text = "I think Mr Jones is planning to move away.";
    let findings = analyse(text);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].rule, "opinion-as-fact/view-without-basis");
}

#[test]
fn opinion_owned_and_evidenced_or_observed_is_not_flagged() {
    assert_clean("I believe Sam is at risk because she has missed college three times this month.");
    assert_clean("Mum was hostile: she shouted and told me to leave.");
    assert_clean("Mum seemed angry. She shouted at me twice and slammed the door.");
    assert_clean("Her daughter told me she feels Mum is not coping.");
    assert_clean("He avoided eye contact and gave one-word answers.");
    assert_clean("Mr Price told me “they say I’m non-compliant but the tablets make me sick”.");
}

#[test]
fn opinion_as_fact_in_welsh() {
    let text = "Mae Mam yn elyniaethus. Dyw Peter ddim eisiau ymgysylltu.";
    assert_eq!(
        flagged(text),
        pairs(&[
            ("opinion-as-fact/gelyniaethus", "elyniaethus"),
            ("opinion-as-fact/ymgysylltu", "ddim eisiau ymgysylltu"),
            ("plain-language/ymgysylltu", "ymgysylltu"),
        ])
    );
    assert_eq!(analyse(text)[0].message, "Barn wedi’i hysgrifennu fel ffaith yw “elyniaethus”. Beth welsoch chi neu beth glywsoch chi?");
    assert_clean("Yn fy marn i, mae Mam yn elyniaethus oherwydd gwaeddodd hi arna i dair gwaith.");
    assert_clean("Dywedodd ei merch ei bod hi’n teimlo bod Mam yn elyniaethus.");
}

// vague

#[test]
fn a_terse_log_line_of_stock_words_is_vague_unless_detail_follows() {
    assert_eq!(
        flagged("Tea call 17:00.\nAll ok.\nFluids encouraged."),
        pairs(&[("vague/terse-log", "All ok"), ("vague/terse-log", "Fluids encouraged")])
    );
    assert_eq!(flagged("Galwad te.\nDim pryderon."), pairs(&[("vague/terse-log", "Dim pryderon")]));
    let cy = analyse("Noson aflonydd.");
    assert_eq!((cy[0].rule.as_str(), cy[0].lang), ("vague/terse-log", Lang::Cy));
    assert!(cy[0].message.contains("darllenydd nesaf"), "{}", cy[0].message);
    // The same words with what happened, or as part of a decision, are fine.
    assert_clean("Ava seemed settled. She showed me her bedroom and told me the name of the foster carers' dog.");
    assert_clean("She settled in the lounge with a cup of tea after we talked about her sister.");
    assert_clean("No change to the plan.");
    assert_clean("Dim newid i'r lleoliad.");
}

#[test]
fn vague_flags_wording_that_hides_what_happened() {
    assert_eq!(
        flagged("The front room was in a terrible state. There has been inappropriate behaviour."),
        pairs(&[("vague/bad-state", "in a terrible state"), ("vague/inappropriate", "inappropriate behaviour")])
    );
    assert_eq!(flagged("Roedd y tŷ mewn cyflwr ofnadwy."), pairs(&[("vague/cyflwr-gwael", "mewn cyflwr ofnadwy")]));
}

#[test]
fn vague_is_not_flagged_when_the_specifics_follow() {
    assert_clean("The front room was in a terrible state: 14 bags of rubbish and mouldy food on the floor.");
    assert_clean("He made inappropriate comments, such as asking a carer twice about her boyfriend.");
    assert_clean("I counted 14 full bin bags in the front room and about 20 takeaway boxes.");
    assert_clean("Roedd ymddygiad amhriodol, er enghraifft gofynnodd i’r gofalwr am ei chariad ddwywaith.");
}

// output-as-outcome

#[test]
fn output_as_outcome_flags_services_under_outcome_labels_and_needs() {
    assert_eq!(flagged("Outcome: referral to dementia café made."), pairs(&[("output-as-outcome/referral", "referral")]));
    assert_eq!(flagged("Outcome: walk-in shower fitted."), pairs(&[("output-as-outcome/equipment", "walk-in shower")]));
    assert_eq!(
        flagged("Mr Evans needs a care package."),
        pairs(&[("plain-language/package-of-care", "care package"), ("output-as-outcome/care-package", "care package")])
    );
    assert_eq!(
        flagged("## Outcomes\n- attend parenting group\n- pendant alarm"),
        pairs(&[("output-as-outcome/attend", "attend parenting group"), ("output-as-outcome/equipment", "pendant alarm")])
    );
    assert_eq!(flagged("Canlyniad: atgyfeiriad i’r clinig cof."), pairs(&[("output-as-outcome/atgyfeiriad", "atgyfeiriad")]));
}

#[test]
fn output_as_outcome_accepts_a_service_with_the_reason_it_serves() {
    assert_clean("Outcome: Mr Hughes goes to the lunch club on Tuesdays because he wants to “hold my head up again”.");
    assert_clean("Outcome: to feel confident using the walk-in shower on her own.");
    assert_clean("What matters: “I want to see my sister every week.” A taxi on Fridays will help.");
    assert_clean("Canlyniad: mynd i’r clwb cinio er mwyn “cael sgwrs iawn gyda phobl”.");
}

// own-words

#[test]
fn own_words_flags_stock_phrases_in_outcomes_and_views() {
    assert_eq!(
        flagged("What matters: Mrs Jones wants to maintain her independence."),
        pairs(&[("own-words/independence", "maintain her independence")])
    );
    assert_eq!(flagged("I want to feel safe."), pairs(&[("own-words/feel-safe", "feel safe")]));
    assert_eq!(flagged("He reported no issues of concern."), pairs(&[("own-words/no-concerns", "reported no issues of concern")]));
    assert_eq!(
        flagged("Canlyniad personol: cynnal ei hannibyniaeth."),
        pairs(&[("own-words/annibyniaeth", "cynnal ei hannibyniaeth")])
    );
}

#[test]
fn own_words_accepts_the_persons_words_and_ignores_other_contexts() {
    assert_clean("What matters: “I want to get back to my allotment”.");
    assert_clean("Outcome: I want to walk to the post office on my own again.");
    assert_clean("The team helps people keep their independence for six weeks after a fall.");
    assert_clean("Canlyniad: “Dw i eisiau mynd yn ôl i’r capel ar ddydd Sul”.");
}

// rationale

#[test]
fn cuts_continuations_and_bare_referrals_are_decisions_needing_reasons() {
    assert_eq!(flagged("Lunch call to be reduced to 15 min."), pairs(&[("rationale/plan-change", "to be reduced to")]));
    assert_eq!(flagged("Referral to the community connector."), pairs(&[("rationale/referral-made", "Referral to")]));
    assert_eq!(flagged("Mae Kai yn hapus yn yr ysgol.\nCyswllt â Dad i stopio."), pairs(&[("rationale/newid-cynllun", "Cyswllt â Dad i stopio")]));
    // With the reason, or under an outcome label (output-as-outcome's case), no finding here.
    assert_clean("Referral to the community connector because Mr Hale wants to get back to the bowls club.");
    assert!(!flagged("Outcome: referral to the memory clinic.").iter().any(|(r, _)| r.starts_with("rationale/")));
}

#[test]
fn titles_and_headings_are_not_decisions() {
    let body = "Mr Jones is walking to the shop again and told me he no longer wants visits.";
    assert_clean(&format!("Case Closure Summary\n\n{body}"));
    assert_clean(&format!("# Case closure\n\n{body}"));
    assert_clean("Crynodeb Cau Achos\nMae Mr Jones yn cerdded i’r siop eto ac mae e’n dweud nad oes angen ymweliadau arno.");
    // A bare decision on its own line is still one.
    assert_eq!(flagged("Case closed\nMr Jones is fine."), pairs(&[("rationale/case-closed", "Case closed")]));
}

#[test]
fn rationale_flags_decisions_without_a_reason() {
    assert_eq!(flagged("Case closed."), pairs(&[("rationale/case-closed", "Case closed")]));
    assert_eq!(flagged("Decided not to place Tom with his aunt."), pairs(&[("rationale/decided", "Decided")]));
    assert_eq!(flagged("Safeguarding referral not made."), pairs(&[("rationale/not-referred", "referral not made")]));
    assert_eq!(
        flagged("Decision: Mrs Pryce will move to a care home."),
        pairs(&[("rationale/decision-without-reason", "Mrs Pryce will move to a care home.")])
    );
    let findings = analyse("Penderfynodd y panel ddod â’r lleoliad i ben.");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].category, Category::Rationale);
    assert_eq!(findings[0].suggestions[0].description, "Pam wnaethoch chi benderfynu hyn? A pham wnaethoch chi beidio â dewis yr opsiynau eraill?");
}

#[test]
fn rationale_accepts_reasons_and_ignores_the_persons_own_choices() {
    assert_clean("Case closed because Mrs Jones now has the help she wants from her daughter.");
    assert_clean("Mrs Jones has moved in with her daughter, who helps her every day. Therefore the case was closed.");
    assert_clean("We decided not to place Tom with his aunt. This is because she works nights and Tom wants to stay at his school.");
    assert_clean("Sam decided to stay in bed.");
    assert_clean("Cytunon ni gau’r achos gan fod Mrs Puw wedi symud at ei merch.");
}

// The document model, through the engine

#[test]
fn labels_lists_and_crlf_are_understood() {
    let text = "Date: 12/03/2025\r\nPresent: Mr J. Davies, Dr Patel\r\n\r\n## Personal outcomes\r\n- referral to OT\r\n";
    assert_eq!(
        flagged(text),
        pairs(&[("output-as-outcome/referral", "referral"), ("plain-language/ot", "OT")])
    );
}

#[test]
fn positions_count_characters_and_utf16_units_past_emoji_and_welsh_letters() {
    let text = "Dŵr 😀 ŷd.\nWe liaised with the OT.";
    let findings = analyse(text);
    assert_eq!(findings.len(), 2);
    let index = LineIndex::new(text);
    let ot = &findings[1];
    assert_eq!(ot.excerpt(text), "OT");
    let pos = index.position(ot.start);
    assert_eq!((pos.line, pos.column), (2, 21));
    let one_line = "Dŵr 😀 ŷd. We liaised with the OT.";
    let start = analyse(one_line)[1].start;
    let index = LineIndex::new(one_line);
    // "Dŵr 😀 ŷd. We liaised with the " is 30 characters, 35 bytes and 31 UTF-16
    // units (the emoji takes two).
    assert_eq!(start, 35);
    assert_eq!(index.position(start).column, 31);
    assert_eq!(index.lsp_position(start, PositionEncoding::Utf16), LspPosition { line: 0, character: 31 });
    assert_eq!(index.offset_of(LspPosition { line: 0, character: 31 }, PositionEncoding::Utf16), Some(35));
}

#[test]
fn a_mixed_document_gets_each_paragraph_in_its_language() {
    let text = "Mrs Jones is hostile.\n\nMae Mrs Jones yn elyniaethus.";
    let analysis = engine().analyse(text);
    assert_eq!(analysis.language.code(), "mixed");
    let langs: Vec<Lang> = analysis.findings.iter().map(|f| f.lang).collect();
    assert_eq!(langs, vec![Lang::En, Lang::Cy]);
    assert!(analysis.findings[1].message.starts_with("Barn wedi’i hysgrifennu"));
}

// outcome-score (issue 16)

#[test]
fn a_bare_outcome_score_is_flagged_once_per_paragraph() {
    assert_eq!(flagged("Outcome 1 – 7/10.\nOutcome 2 – 4/10."), pairs(&[("outcome-score/bare-score", "7/10")]));
    assert_eq!(flagged("Aled – getting back to work.\nScore: 3."), pairs(&[("outcome-score/bare-score", "Score: 3")]));
    assert_eq!(flagged("Carer's outcome (a break from caring): 5 out of 10."), pairs(&[("outcome-score/bare-score", "5 out of 10")]));
    assert_eq!(flagged("Canlyniad 1: mynd i'r capel.\nSgôr: 6."), pairs(&[("outcome-score/bare-score", "Sgôr: 6")]));
    let f = analyse("Outcome 1 – 7/10.");
    assert_eq!(f[0].severity, cofnod::Severity::Info);
    assert!(f[0].suggestions[0].description.starts_with("What would 10 look like"));
}

#[test]
fn a_score_with_its_meaning_start_goal_or_the_persons_words_is_not_flagged() {
    assert_clean("Outcome 1, getting to chapel: 6/10. Mrs Evans said ten would be going every week without worrying about the steps.");
    assert_clean("Outcome 2: swimming on my own. Start score 2 in March, now 5.");
    assert_clean("Score today: 2. Goal: 6 by the autumn.");
    assert_clean("Outcome 3: 8/10. “It's not ten because the stairlift is slow, but I'm up there every night.”");
    assert_clean("Canlyniad 1: 6/10. Dywedodd Mair y byddai 10 yn golygu mynd i'r capel bob wythnos.");
    // Not outcome scores: dates, times, counts, clinical scales.
    assert_clean("Joint visit on 6/10 at 2pm to look at the bath.");
    assert_clean("Bydd hi'n mynd adref ddydd Gwener 10/10 am 11am.");
    assert_clean("Pain score 6/10 before her tablets.");
    assert_clean("Scores for 3 outcomes to be agreed at the review.");
}
