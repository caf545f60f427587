//! Issue 16's checks on notes written for these tests: exact findings, what must not
//! be flagged, and short clean notes of each kind (which must get no new finding).

use cofnod::{Engine, Lang};

fn rules(text: &str) -> Vec<(String, String)> {
    Engine::new().analyse(text).findings.into_iter().map(|f| (f.rule.clone(), text[f.start..f.end].to_string())).collect()
}

fn has(text: &str, rule: &str) -> bool {
    rules(text).iter().any(|(r, _)| r == rule)
}

fn new_checks(text: &str) -> Vec<(String, String)> {
    let established = ["plain-language", "opinion-as-fact", "vague", "output-as-outcome", "own-words"];
    rules(text)
        .into_iter()
        .filter(|(r, _)| !established.iter().any(|c| r.starts_with(c)) && !r.starts_with("rationale/") || r == "rationale/no-alternatives")
        .collect()
}

const DEFICITS_ONLY: &str = "Care and support assessment – Mr Tudor Pryce, 81
Date of visit: 2 June 2025   Date recorded: 2 June 2025
Mr Pryce cannot climb the stairs and is unable to stand at the sink for long. He cannot open jars because of arthritis and he is not able to read his letters. He refuses the frame the physiotherapist left.
He told me: \"My legs have had enough of me.\"
Analysis
I think Mr Pryce needs help with meals and post, because he cannot stand long enough to cook and cannot read his letters.";

#[test]
fn a_record_made_only_of_deficits_is_flagged_on_its_title() {
    assert_eq!(new_checks(DEFICITS_ONLY), vec![("strengths/deficits-only".to_string(), "Care and support assessment – Mr Tudor Pryce, 81".to_string())]);
    // The same record with what he can do and enjoys: nothing.
    let balanced = DEFICITS_ONLY.replace("He refuses the frame the physiotherapist left.", "He still makes his own breakfast and enjoys the racing on the radio; his neighbour Alun helps with the bins.");
    assert_eq!(new_checks(&balanced), vec![]);
    // "not able to" is a deficit, not an ability.
    assert!(has("Review – Mrs Jane Ellis, 90\nMrs Ellis is not able to cook. She is unable to walk to the shop and she cannot manage the stairs. She cannot hear the doorbell and refuses a hearing test. Her daughter visits on Sundays and takes her washing home. We talked about the winter, the coal delivery and the heating, which the landlord has promised to look at before December.\n", "strengths/deficits-only"));
}

#[test]
fn a_record_with_none_of_the_persons_words_is_flagged() {
    let text = "Home visit – Mr Ifan Morgan, 77
Date of visit: 3 March 2025   Date recorded: 3 March 2025
Mr Morgan was in the kitchen when I arrived. The house was warm and there was food in the fridge. His daughter, Sara Morgan, said he has been eating better since the lunch club started. The carers' log shows no missed calls this month. He walks to the shop each morning with his stick.
I think the plan is working, because he is eating, warm and out each day.";
    assert_eq!(new_checks(text), vec![("voice/no-words".to_string(), "Home visit – Mr Ifan Morgan, 77".to_string())]);
    // His own words, said by him (not his daughter's): nothing.
    let quoted = text.replace("He walks to the shop", "He told me: \"The lunch club is the best part of my week.\" He walks to the shop");
    assert_eq!(new_checks(&quoted), vec![]);
    // "Dywedodd Sara" in a record about Ifan is not his words; "Dywedodd Ifan" is.
    let cy = "Ymweliad – Mr Ifan Morgan, 77
Dyddiad yr ymweliad: 03/03/2025   Dyddiad cofnodi: 03/03/2025
Roedd Mr Morgan yn y gegin pan gyrhaeddais. Roedd y tŷ yn gynnes ac roedd bwyd yn yr oergell. Mae'r gofalwyr yn dod ddwywaith y dydd, am wyth y bore ac am chwech y nos, ac mae'r log yn dangos dim galwadau wedi'u colli ers mis Ionawr. Mae o'n cerdded i'r siop bob bore gyda'i ffon ac yn prynu'r papur. Dywedodd Sara: \"Mae o'n bwyta'n well ers y clwb cinio.\"
Rwy'n credu bod y cynllun yn gweithio, oherwydd mae'n bwyta ac yn gynnes.";
    assert!(has(cy, "voice/no-words"));
    assert!(!has(&cy.replace("Dywedodd Sara:", "Dywedodd Ifan:"), "voice/no-words"));
}

#[test]
fn a_family_member_written_as_a_role_is_flagged_once() {
    let text = "Child in need visit – Ellis Ward, 6
Date of visit: 5 May 2025   Date recorded: 5 May 2025
I saw Ellis alone in his bedroom. He said: \"I like my new bike.\" Mum said the school runs are easier now. Mum and Dad both came to the meeting last week.
I think Ellis is settled, because he is at school every day and talks about home happily.";
    let found = new_checks(text);
    assert_eq!(found, vec![("voice/role-name".to_string(), "Mum".to_string())]);
    // "his mum", and "Mum, Kelly Ward," with her name, are fine.
    let named = text.replace("Mum said", "His mum said").replace("Mum and Dad both", "His parents, Kelly and Dean Ward, both");
    assert_eq!(new_checks(&named), vec![]);
}

#[test]
fn a_long_record_of_description_only_needs_analysis() {
    let text = "Review of care and support – Mrs Olwen Price, 84
Date of review: 12 May 2025   Date recorded: 12 May 2025
Mrs Price has carers twice a day, at eight in the morning and at six in the evening. She has had one fall since March, in the garden, when she tripped on the step by the shed. She goes to the chapel coffee morning on Thursdays with her friend Nan. Her son, Rhys Price, does her shopping on Saturdays. She told me: \"I want to keep going to chapel.\" The carers' log shows two late calls in April, both on Sundays. She has started using her frame in the house, and she keeps it by her chair at night. The district nurse visits on Mondays to dress her leg.";
    assert_eq!(new_checks(text), vec![("analysis/description-only".to_string(), "Review of care and support – Mrs Olwen Price, 84".to_string())]);
    let analysed = format!("{text}\nWhat this tells me: the two calls meet her needs, because she has had no fall indoors since the frame and she is out each week.");
    assert_eq!(new_checks(&analysed), vec![]);
}

#[test]
fn a_record_written_days_after_the_visit_must_say_so() {
    let late = "Home visit
Date of visit: 3 March 2025
Date recorded: 11 March 2025
Mrs Enid Howells told me: \"The carers are kind but always rushing.\" She was dressed and sitting by the fire with her cat.";
    assert_eq!(new_checks(late), vec![("late-entry/unmarked".to_string(), "11 March 2025".to_string())]);
    assert_eq!(new_checks(&late.replace("Date recorded: 11 March 2025", "Date recorded: 11 March 2025 (late entry: I was on leave from 4 March)")), vec![]);
    assert_eq!(new_checks(&late.replace("11 March", "3 March")), vec![]);
    // Welsh dates, and an empty field.
    assert!(has("Ymweliad cartref\nDyddiad yr ymweliad: 3 Mawrth 2025\nDyddiad cofnodi: 14/03/2025\nDywedodd Mrs Howells: \"Mae'r gofalwyr yn garedig.\"", "late-entry/unmarked"));
    assert!(has("Phone call\nDate of call: 14/04/2025\nDate recorded:\nMrs Roberts rang to say her father is in hospital.", "late-entry/missing-date"));
    // A care log with an entry added out of its day's place.
    let log = "Care log: Mrs Nora Jenkins\nFri 07/03/2025 08:00 – Nora up and dressed.\nTue 04/03/2025 18:00 – Fish pie for tea.\nFri 07/03/2025 12:30 – Soup and a roll.";
    assert!(has(log, "late-entry/unmarked"));
    assert!(!has(&log.replace("Tue 04/03/2025 18:00 – Fish pie", "Fri 07/03/2025 10:15 – LATE ENTRY for Tue 04/03/2025 18:00: fish pie"), "late-entry/unmarked"));
    // A score is not a date.
    assert!(!has("Review\nDate: 12 June 2025\nScore today 6/10, up from 4/10 at the start; she said ten is walking to the shop.", "late-entry/unmarked"));
}

#[test]
fn a_bare_risk_is_flagged_and_a_reasoned_one_is_not() {
    assert_eq!(new_checks("Risk of neglect."), vec![("risk/bare-rating".to_string(), "Risk".to_string())]);
    assert!(has("Property is a fire risk.", "risk/bare-rating"));
    assert!(has("Mae Kayden mewn perygl o gamfanteisio.", "risk/bare-rating"));
    assert!(!has("I think the risk of another fall is high, because she fell twice this week on the way to the toilet.", "risk/bare-rating"));
    assert!(!has("He fell twice this month at night. I judge the risk of another fall as high.", "risk/bare-rating"));
    assert!(!has("Mae'r risg o gwympo yn uchel oherwydd mae hi wedi syrthio ddwywaith yr wythnos hon.", "risk/bare-rating"));
}

#[test]
fn a_big_decision_with_a_reason_but_no_options_gets_a_gentle_prompt() {
    let text = "Decision record – Mrs Joan Thomas, 83
Date: 20 February 2025
Joan said: \"I can manage my own lunch now.\" Her son, Keith Thomas, agreed and will phone her at lunchtime for the first week. Joan has made her own sandwich every day since the reablement team finished, and she showed me how she keeps the bread on the low shelf.
Decision: the lunchtime care visit will stop from 3 March, because Joan now makes her own lunch and did so safely while I was there.";
    let found: Vec<_> = Engine::new().analyse(text).findings.into_iter().filter(|f| f.rule == "rationale/no-alternatives").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, cofnod::Severity::Info);
    let weighed = text.replace("while I was there.", "while I was there. We considered a shorter lunchtime check instead, but Joan does not want one.");
    assert!(!has(&weighed, "rationale/no-alternatives"));
}

#[test]
fn welsh_records_get_welsh_messages() {
    let text = "Asesiad – Mr Gerallt Owen, 72
Dyddiad yr asesiad: 20/02/2024   Dyddiad cofnodi: 20/02/2024
Mae Gerallt yn byw ar ei ben ei hun. Nid yw'n gallu mynd i'r bath. Mae'n methu coginio. Nid yw'n gallu darllen ei lythyrau. Mae'n gwrthod help gyda'r siopa. Mae ganddo boen yn ei gefn.
Rwy'n credu bod angen help arno gyda bwyd, oherwydd nid yw'n gallu sefyll yn ddigon hir i goginio.";
    let f = Engine::new().analyse(text).findings;
    let s = f.iter().find(|f| f.rule == "strengths/deficits-only").expect("deficits only");
    assert_eq!(s.lang, Lang::Cy);
    assert!(s.message.contains("disgrifio"), "{}", s.message);
}

/// Short notes of each kind a practitioner writes, clean by any reading: none of
/// issue 16's checks may find anything in them.
#[test]
fn short_clean_notes_get_no_new_findings() {
    for note in [
        "Phone call, 10:20. Lowri Pugh rang to say the walking frame arrived. The physiotherapist will set its height on Friday.",
        "Galwad ffôn, 10:20. Ffoniodd Lowri Pugh i ddweud bod y ffrâm wedi cyrraedd. Bydd y ffisiotherapydd yn ei gosod ddydd Gwener.",
        "Tuesday 8 April, 08:05–08:35. Helped Mr Rees wash and dress. Porridge, ate it all. He said, \"Don't fuss, it's only an ankle.\"",
        "Visit cancelled: Mrs Ellis is at the optician with her daughter. Rebooked for Thursday at 2pm.",
        "Email from the school: Jac's attendance this term is 98%. Filed.",
        "Mum rang to say Ellis has chickenpox and will miss school this week.",
        "Case closed at Mr Hughes's request; he knows how to contact us.",
        "Risk assessment form sent to the team manager for signing.",
        "E-bost gan yr ysgol: presenoldeb Jac y tymor hwn yw 98%.",
        "Ymweliad wedi'i ganslo: mae Mrs Ellis at yr optegydd gyda'i merch. Ymweliad newydd ddydd Iau am 2.",
        "Outcome: \"To get back to the bowls club on Tuesdays.\" Score today 4/10, up from 2/10 in March; she said 10 is playing every week.",
    ] {
        assert_eq!(new_checks(note), vec![], "{note}");
    }
}

#[test]
fn a_review_that_scores_outcomes_needs_their_end_scores() {
    let text = "Review – Mrs Alwen Parry
Date of review: 4 August 2025   Date recorded: 4 August 2025
Present: Alwen and her daughter, Sara Parry.
Outcome 1 – \"Getting to the hairdresser every fortnight.\" Start score: 2. Alwen said, \"Sara takes me on her day off.\"
Outcome 2 – \"Eating a hot dinner every day.\" Start score: 4. The frozen meals are delivered on Mondays.
I think both outcomes are moving the right way, because she has been to the hairdresser four times since June.";
    assert_eq!(new_checks(text), vec![("outcome-score/no-end-score".to_string(), "Review – Mrs Alwen Parry".to_string())]);
    let scored = text.replace("Start score: 2.", "Start score: 2. Now: 8.").replace("Start score: 4.", "Start score: 4. Now: 6.");
    assert_eq!(new_checks(&scored), vec![]);
    // A review that does not score outcomes at all is not asked for end scores.
    let unscored = text.replace(" Start score: 2.", "").replace(" Start score: 4.", "");
    assert!(!has(&unscored, "outcome-score/no-end-score"));
}
