//! The manager's dashboard (`cofnod check --format html`) as a manager sees it:
//! opened in headless Chromium, screenshotted, with no console errors, and showing
//! per group and per month the counts that the JSON report of the same export
//! gives. In English and Welsh, and with `--anonymise` holding no team name or
//! record id.
//!
//! Without Chromium the tests are skipped, unless `CI` is set, when they fail.
//! `COFNOD_SCREENSHOTS=docs` refreshes the screenshots kept in docs/.

#[path = "support/chromium.rs"]
mod chromium;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chromium::{assert_png, chromium, keep_screenshot, open};
use serde_json::Value;

/// (id, team, date, text): three teams over three months, dates written three ways,
/// one record with no text.
const RECORDS: &[(&str, &str, &str, &str)] = &[
    ("N-01", "North", "2026-01-08", "Home visit. Mr Evans was very aggressive and I will commence a review of his care."),
    ("N-02", "North", "15/01/2026", "Phone call with Ann. She said, \"I want to stay at home.\" We agreed to add a lunchtime call."),
    ("N-03", "North", "2026-02-02", "Outcome: attend day centre twice a week. Client is non-compliant with medication."),
    ("N-04", "North", "3 March 2026", "Visited Mrs Lloyd, who appears confused. It was decided to increase calls. Signpost to the memory clinic."),
    ("N-05", "North", "2026-03-19", "Review meeting. Mr Patel told me, \"I am walking to the shop again.\" Goal met."),
    ("S-01", "South", "2026-01-21", "Risk: high. Family are difficult and engagement is poor."),
    ("S-02", "South", "2026-02-11", "Ymweliad cartref. Roedd Mr Jones yn ymosodol iawn. Byddaf yn cychwyn adolygiad."),
    ("S-03", "South", "2026-02-25", ""),
    ("S-04", "South", "2026-03-04", "Met Sian at the library as she asked. She chose the Tuesday group and said, \"I feel less alone there.\""),
    ("W-01", "West", "2026-01-30", "Canlyniad: mynychu'r ganolfan ddydd. Dywedodd Mrs Williams, \"Rydw i eisiau aros gartref.\""),
    ("W-02", "West", "2026-02-14", "Tom presented as agitated and was uncooperative. Refer to OT for assessment as per plan etc."),
    ("W-03", "West", "2026-03-27", "Visit went well. Sara made tea and showed me the garden she has planted."),
];

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cofnod-dashboard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_export(dir: &Path) {
    let mut w = csv::Writer::from_path(dir.join("contacts.csv")).unwrap();
    w.write_record(["Contact ID", "Team", "Contact date", "Case note"]).unwrap();
    for r in RECORDS {
        w.write_record([r.0, r.1, r.2, r.3]).unwrap();
    }
    w.flush().unwrap();
}

const COLUMNS: [&str; 6] = ["--id-column", "Contact ID", "--group-column", "Team", "--date-column", "Contact date"];

fn cofnod(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cofnod")).args(args).args(COLUMNS).arg("contacts.csv").env("COFNOD_MODELS", "off").current_dir(dir).output().unwrap()
}

/// Per team: (records checked, findings), from the JSON report.
fn counts_from_json(dir: &Path) -> BTreeMap<String, (u64, u64)> {
    let o = cofnod(dir, &["check", "--format", "json"]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut counts = BTreeMap::new();
    for f in report["files"].as_array().unwrap() {
        if !f["error"].is_null() {
            continue;
        }
        let team = f["record"]["group"].as_str().unwrap().to_string();
        let e: &mut (u64, u64) = counts.entry(team).or_default();
        e.0 += 1;
        e.1 += f["findings"].as_array().unwrap().len() as u64;
    }
    counts
}

/// Makes the dashboard, opens it, checks the screenshot and console, returns the DOM.
fn render(name: &str, extra: &[&str]) -> Option<(String, BTreeMap<String, (u64, u64)>)> {
    let chromium = chromium()?;
    let dir = scratch(name);
    write_export(&dir);
    let page = dir.join("dashboard.html");
    let mut args = vec!["check", "--format", "html", "--out", page.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = cofnod(&dir, &args);
    // Findings, and one record with no text: exit 3.
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "the report goes to --out");
    let shot = dir.join("dashboard.png");
    let r = open(&chromium, &page, &shot, &dir.join("profile"));
    assert!(r.console.is_empty(), "console messages: {:?}", r.console);
    assert_png(&shot);
    if name != "anonymised" {
        keep_screenshot(&shot, &format!("dashboard-{name}.png"));
    }
    let counts = counts_from_json(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    Some((r.dom, counts))
}

#[test]
fn the_dashboard_shows_the_counts_per_group_and_month_of_the_json_report() {
    let Some((dom, counts)) = render("en", &[]) else { return };
    assert!(dom.contains("<h1>Recording dashboard</h1>"), "{dom}");
    let findings: u64 = counts.values().map(|c| c.1).sum();
    assert!(dom.contains(&format!("12 records checked; {findings} findings; 1 could not be checked.")), "summary");
    assert_eq!(counts.len(), 3);
    assert_eq!(counts["North"].0, 5);
    assert_eq!(counts["South"].0, 3, "the empty record is not counted");
    for (team, (records, findings)) in &counts {
        let row = format!("<td class=\"name\">{team}</td><td class=\"n records\">{records}</td><td class=\"n findings\">{findings}</td>");
        assert!(dom.contains(&row), "{team}: {row}\n{dom}");
    }
    // Three months, whatever the date's format.
    assert_eq!(dom.matches("<tr class=\"month\">").count(), 3);
    for month in ["2026-01", "2026-02", "2026-03"] {
        assert!(dom.contains(&format!("<tr class=\"month\"><td>{month}</td>")), "{month}");
    }
    assert!(dom.contains("<svg role=\"img\""), "charts are inline SVG");
    assert!(dom.contains("no text in column \"Case note\""), "the record not checked is listed");
    // The most frequent findings show short examples and where they are.
    assert!(dom.contains("<q>aggressive</q> (N-01)"), "an example with its record id");
}

#[test]
fn the_dashboard_is_in_welsh_with_lang_cy() {
    let Some((dom, counts)) = render("cy", &["--lang", "cy"]) else { return };
    assert!(dom.contains("<html lang=\"cy\">"));
    assert!(dom.contains("<h1>Dangosfwrdd cofnodi</h1>"));
    assert!(dom.contains("Fesul grŵp") && dom.contains("Fesul mis"));
    let (records, findings) = counts["West"];
    assert!(dom.contains(&format!("<td class=\"name\">West</td><td class=\"n records\">{records}</td><td class=\"n findings\">{findings}</td>")));
}

#[test]
fn an_anonymised_dashboard_names_no_team_and_no_record() {
    let Some((dom, counts)) = render("anonymised", &["--anonymise"]) else { return };
    for (id, team, ..) in RECORDS {
        assert!(!dom.contains(id), "{id} is in the page");
        assert!(!dom.contains(&format!(">{team}<")), "{team} is in the page");
    }
    // Groups are numbered in the order met: North is Group 1.
    let (records, findings) = counts["North"];
    assert!(dom.contains(&format!("<td class=\"name\">Group 1</td><td class=\"n records\">{records}</td><td class=\"n findings\">{findings}</td>")), "{dom}");
    assert!(dom.contains("Groups and record ids are replaced with numbers."));
}
