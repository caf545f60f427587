//! `cofnod review`: a record's scorecard against the recording principles, exact
//! statuses on records written for these tests, in English and Welsh, and the
//! summary over a folder.

use std::process::Command;

fn cofnod(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cofnod")).args(args).env("COFNOD_MODELS", "off").output().unwrap()
}

const GOOD: &str = "Care and support assessment – Mrs Eirlys Prosser, 79
Date of visit: 4 March 2025   Date recorded: 4 March 2025
Mrs Prosser chose to speak English; I offered the assessment in Welsh.
What matters to me: \"I want to stay in my own kitchen and bake for the chapel on Thursdays.\"
Mrs Prosser cannot get into the bath since her hip operation. She washes at the sink each morning and cooks a hot meal most days. Her neighbour, Huw Daniels, drives her to chapel.
She told me: \"It's the bath and the stairs that beat me, nothing else.\"
Analysis: I think her needs are limited to bathing and the stairs, because she showed me how she manages everything else.
Decision: a bath board and a second stair rail, because she wants to keep washing herself. We considered a care call each morning instead, but she does not want one.
";

const POOR: &str = "Review – Mr Tom Evans
Date of review: 3 March 2025
Date recorded: 14 March 2025
SU presented as unkempt. POC in place. MDT agreed to step down. Mr Evans is non-compliant with meds and refuses OT input. He cannot manage his finances and is unable to cook. He lacks insight. Risk of self-neglect is high. He cannot manage the stairs. He does not engage with the day centre and has poor hygiene. His son visits. The property is cluttered and the fridge was empty on the day of the visit. Carers report he is difficult. NFA.
";

fn statuses(json: &serde_json::Value, record: usize) -> Vec<(String, String)> {
    json["records"][record]["principles"].as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap().to_string(), p["status"].as_str().unwrap().to_string())).collect()
}

#[test]
fn a_good_and_a_poor_record_score_as_a_reader_would() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-good.txt"), GOOD).unwrap();
    std::fs::write(dir.path().join("b-poor.txt"), POOR).unwrap();
    let o = cofnod(&["review", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(
        statuses(&json, 0),
        s(&[
            ("outcomes", "met"),
            ("plain", "met"),
            ("fact-opinion", "met"),
            ("why", "met"),
            ("strengths-risks", "met"),
            ("voice", "met"),
            ("analysis", "met"),
            ("proportionate", "met"),
            ("timely", "met"),
            ("active-offer", "met"),
        ])
    );
    let poor = statuses(&json, 1);
    let of = |id: &str| poor.iter().find(|(p, _)| p == id).unwrap().1.clone();
    assert_eq!(of("plain"), "not-seen");
    assert_eq!(of("strengths-risks"), "not-seen");
    assert_eq!(of("voice"), "not-seen");
    assert_eq!(of("why"), "partly");
    assert_eq!(of("timely"), "partly");
    assert_eq!(of("active-offer"), "not-seen");
    // Evidence points at lines, and what to add is there when a principle falls short.
    let plain = &json["records"][1]["principles"][1];
    assert!(plain["evidence"].as_array().unwrap().iter().any(|e| e["line"] == 4 && e["rule"].as_str().unwrap().starts_with("plain-language/")));
    assert!(plain["add"].as_str().unwrap().contains("acronyms"));
    // The summary counts the two records.
    assert_eq!(json["summary"]["records"], 2);
    let row = json["summary"]["principles"].as_array().unwrap().iter().find(|r| r["id"] == "active-offer").unwrap();
    assert_eq!((row["met"].as_u64(), row["not-seen"].as_u64()), (Some(1), Some(1)));
}

#[test]
fn welsh_records_get_welsh_principle_names_and_html_has_no_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let cy = "Asesiad gofal a chymorth – Mrs Gwen Huws, 80\nDyddiad yr ymweliad: 04/03/2025   Dyddiad cofnodi: 04/03/2025\nDewisodd Mrs Huws siarad Cymraeg.\nDywedodd: \"Dw i isio aros yn fy nghartref.\" Mae hi'n coginio bob dydd ac yn mwynhau'r côr ar nos Fawrth.\n";
    let path = dir.path().join("cofnod.txt");
    std::fs::write(&path, cy).unwrap();
    let o = cofnod(&["review", path.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("Y Cynnig Rhagweithiol") && text.contains("wedi'i fodloni"), "{text}");
    let out = dir.path().join("review.html");
    let o = cofnod(&["review", "--format", "html", "--lang", "en", "--out", out.to_str().unwrap(), path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("default-src 'none'") && !html.contains("<script"));
    assert!(html.contains("<tr data-principle=\"active-offer\" data-status=\"met\">"), "{html}");
    // The report never overwrites a record.
    let o = cofnod(&["review", "--out", path.to_str().unwrap(), path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), cy);
}

#[test]
fn a_bad_file_is_named_and_the_others_are_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), GOOD).unwrap();
    std::fs::write(dir.path().join("b.txt"), [0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x9f, 0x00]).unwrap();
    let o = cofnod(&["review", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("b.txt"), "{err}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["records"].as_array().unwrap().len(), 1);
}
