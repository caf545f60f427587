//! Each test pins down a problem found and fixed, named after the problem.

use cofnod::Engine;

fn rules(text: &str) -> Vec<String> {
    Engine::new().analyse(text).findings.into_iter().map(|f| f.rule).collect()
}

#[test]
fn label_search_window_ending_inside_a_welsh_letter_does_not_panic() {
    // The 80-byte label window once cut "â" in half.
    let text = "Beth mae Alys eisiau: \"Dw i isio i Mam ddod i'r sioe Nadolig a pheidio bod yn sâl.\"";
    Engine::new().analyse(text);
}

#[test]
fn organisation_names_containing_jargon_are_not_flagged_after_a_lowercase_word() {
    assert!(rules("She was referred to Signpost Cymru.").is_empty());
}

#[test]
fn a_jargon_verb_starting_a_sentence_before_a_name_is_still_flagged() {
    assert_eq!(rules("Signposted Ffion to the food bank."), vec!["plain-language/signpost"]);
}

#[test]
fn signpost_the_noun_is_not_jargon() {
    assert!(rules("There is no signpost to the farm, so I drew a map.").is_empty());
}

#[test]
fn a_label_with_a_bracket_before_its_colon_is_still_a_label() {
    assert_eq!(rules("Outcome for Jac (4): parenting course completed."), vec!["output-as-outcome/course"]);
}

#[test]
fn a_dash_label_in_a_line_ending_with_a_full_stop_is_still_a_label() {
    assert_eq!(rules("Outcome – Mr Thomas to receive meals on wheels from Monday."), vec!["output-as-outcome/provision"]);
}

#[test]
fn a_persons_own_decision_is_not_a_rationale_gap() {
    assert!(rules("Mrs Griffiths decided not to go to her sister's this weekend.").is_empty());
}

#[test]
fn times_we_agreed_is_not_a_decision() {
    assert!(rules("Dad wrote down the feeding times we agreed.").is_empty());
}

#[test]
fn a_reason_introduced_by_as_and_a_name_counts() {
    assert!(rules("NFA as Kieran's mum has moved with the children to Swansea.").iter().all(|r| !r.starts_with("rationale")));
}

#[test]
fn a_short_welsh_line_without_function_words_gets_welsh_rules() {
    assert_eq!(rules("Defnyddiwr gwasanaeth: Mr Dafydd Rhys"), vec!["plain-language/defnyddiwr-gwasanaeth"]);
}

#[test]
fn an_acronym_in_an_undecided_sentence_is_reported_once() {
    assert_eq!(rules("OT visit."), vec!["plain-language/ot"]);
}

#[test]
fn drinking_a_lot_is_vague_now_that_patterns_can_group_words() {
    assert_eq!(rules("Mr Thomas drinks a lot."), vec!["vague/drinking"]);
}

#[test]
fn a_continuation_line_after_an_emoji_does_not_panic() {
    // The previous line was once sliced by an estimate of bytes from characters.
    Engine::new().analyse("needs a care package😀 \nMore text here\n😀\nNext");
}

#[test]
fn a_decision_heading_is_not_itself_a_decision() {
    assert_eq!(rules("## Penderfyniad\n\nMae Mrs Puw yn aros gartref oherwydd mae hi eisiau hynny."), Vec::<String>::new());
    assert_eq!(rules("## Decision\n\nMrs Pryce will move to a care home."), vec!["rationale/decision-without-reason"]);
}

#[test]
fn a_wildcard_covering_a_persons_name_does_not_make_the_term_a_name() {
    assert_eq!(rules("Cyfeiriais Mrs Owen ymlaen at y tîm gofal cartref ar ôl iddi syrthio."), vec!["plain-language/cyfeirbwyntio"]);
}

#[test]
fn a_need_that_is_denied_is_not_an_outcome() {
    assert!(!rules("Dim angen asesiad gofalwr i Mr Thomas ar hyn o bryd.").iter().any(|r| r.starts_with("output-as-outcome")));
    assert!(!rules("Mrs Jones does not need a care package now.").iter().any(|r| r.starts_with("output-as-outcome")));
}

#[test]
fn a_precise_smell_or_a_literal_on_and_off_is_not_vague() {
    assert!(rules("There was a strong smell of urine in the hall.").is_empty());
    assert!(rules("Mr Singh needs help to get on and off the toilet.").is_empty());
    assert_eq!(rules("There was a strong smell in the house."), vec!["vague/smell"]);
}

#[test]
fn alternatives_written_as_groups_match_whole_phrases() {
    // "so (we|I|the team)" once read as "so we|I|the" followed by "team".
    assert!(rules("The concern was about a dog, so we took no further action.").iter().all(|r| !r.starts_with("rationale")));
}

#[test]
fn welsh_at_is_not_english_at() {
    // "at" was an English marker; Welsh uses it constantly ("at y tîm").
    assert_eq!(rules("Cyfeiriais Mrs Bowen at sefydliadau'r trydydd sector am gymorth gyda'i dyledion."), vec!["plain-language/trydydd-sector"]);
}

#[test]
fn a_decision_on_the_line_after_an_outcome_label_is_its_own_statement() {
    // Found by following the README: "Case closed." right under "Outcome: …" was
    // taken as part of the outcome and never asked for its reason.
    let found = |text: &str| -> Vec<String> { rules(text).into_iter().filter(|r| r.starts_with("rationale/")).collect() };
    assert_eq!(found("Outcome: referral made to the falls team.\nCase closed."), vec!["rationale/case-closed"]);
    assert_eq!(found("Canlyniad: atgyfeiriad i'r tîm cwympiadau.\nAchos wedi cau."), vec!["rationale/achos-ar-gau"]);
    // Still the outcome's: a wrapped line of the same sentence, and the items under a
    // label-only line.
    assert!(found("Outcome: Mrs Jones wants to stay at home now that her case was\nclosed by the hospital team.").is_empty());
    assert!(found("Outcome:\nReferral made to the falls team.\nCase closed.").is_empty());
}
