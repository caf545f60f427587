//! `cofnod compare` on the workshop pairs in corpus/compare: exact expected reports
//! (text and JSON, pinned in tests/compare/), agreement with the pairs' human labels
//! (corpus/compare/README.md) up to a listed set of known misses, and bad input.
//!
//! The pinned reports change whenever a rule or a message changes. To accept a
//! change after reading its diff: `COFNOD_BLESS=1 cargo test --release --test compare`.

use cofnod::checks::record;
use cofnod::finding::Category;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn cofnod() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cofnod"));
    // The rules alone: these tests pin exact findings (tests/models.rs covers models).
    c.env("NO_COLOR", "1").env("COFNOD_MODELS", "off").current_dir(ROOT);
    c
}

fn run(args: &[&str]) -> Output {
    cofnod().args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The workshops: a name for the pinned files, and the --pairs argument.
const GROUPS: [(&str, &str); 4] = [
    ("workshop-en", "corpus/compare/workshop-en"),
    ("workshop-cy", "corpus/compare/workshop-cy"),
    ("mixed", "corpus/compare/mixed"),
    ("workshop-csv", "corpus/compare/workshop.csv"),
];

fn expect_pinned(file: &str, actual: &str) {
    let path = Path::new(ROOT).join("tests/compare").join(file);
    if std::env::var_os("COFNOD_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (COFNOD_BLESS=1 writes it)", path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{file} differs from the pinned report at line {}:\n  pinned: {:?}\n  now:    {:?}\n(read the change; COFNOD_BLESS=1 accepts it)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

#[test]
fn group_reports_match_the_pinned_text_and_json() {
    for (name, pairs) in GROUPS {
        for (format, ext) in [("text", "txt"), ("json", "json")] {
            let o = run(&["compare", "--pairs", pairs, "--format", format]);
            assert_eq!(o.status.code(), Some(0), "{name} {format}: {}", text(&o.stderr));
            expect_pinned(&format!("{name}.{ext}"), &text(&o.stdout));
        }
    }
}

#[test]
fn a_welsh_report_has_welsh_labels_and_messages() {
    let o = run(&["compare", "--pairs", "corpus/compare/mixed", "--lang", "cy"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    expect_pinned("mixed.cy.txt", &text(&o.stdout));
    let out = text(&o.stdout);
    for welsh in ["Crynodeb y grŵp", "Wedi gwella", "I weithio arno o hyd", "Problemau newydd", "Mesurau cofnodi", "Saesneg → Cymraeg"] {
        assert!(out.contains(welsh), "missing {welsh:?}");
    }
    for english in ["Summary", "Improved", "Still to work on", "New problems", "Recording measures", "English"] {
        assert!(!out.contains(english), "English label {english:?} in a Welsh report");
    }
}

/// The pairs' labels (corpus/compare/README.md): categories in the before and in
/// the after, and which were kept and introduced.
struct Labelled {
    before: BTreeSet<String>,
    after: BTreeSet<String>,
    kept: BTreeSet<String>,
    introduced: BTreeSet<String>,
}

fn labels() -> BTreeMap<(String, String), Labelled> {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("corpus/compare/README.md")).unwrap();
    let cats = |t: &str| -> BTreeSet<String> {
        if t == "clean" {
            BTreeSet::new()
        } else {
            t.split(',').map(|c| c.trim().to_string()).collect()
        }
    };
    let stage = |changed: &str, word: &str| -> BTreeSet<String> {
        changed
            .split(&format!("{word} "))
            .skip(1)
            .filter_map(|rest| rest.split_once(':').map(|(c, _)| c.to_string()))
            .filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'))
            .collect()
    };
    let mut out = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| workshop") || l.starts_with("| mixed")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let folder = if cells[0] == "workshop.csv" { "workshop-csv" } else { cells[0] };
        out.insert(
            (folder.to_string(), cells[1].to_string()),
            Labelled { before: cats(cells[4]), after: cats(cells[5]), kept: stage(cells[6], "kept"), introduced: stage(cells[6], "introduced") },
        );
    }
    out
}

/// Where the rules and the human labels part: (group, pair, what, category), with
/// why. Each is a miss of the rules on a real note; a fixed one must leave the list.
const KNOWN_MISSES: &[(&str, &str, &str, &str, &str)] = &[
    ("workshop-en", "carys-bevan", "before", "rationale", "services listed with no reason are not decisions to the rules"),
    ("workshop-en", "dev-sharma", "before", "rationale", "\"Sitting service to be arranged\" is not a decision to the rules"),
    ("workshop-en", "dev-sharma", "before", "vague", "\"behaviour at night is challenging\" is not in the list"),
    ("workshop-en", "jess-okafor", "before", "opinion-as-fact", "\"twice weekly\" in the next sentence reads as evidence"),
    ("workshop-en", "jess-okafor", "before", "rationale", "\"reduce night staffing\" is not a decision to the rules"),
    ("workshop-en", "jess-okafor", "kept", "opinion-as-fact", "missed in the before, so new in the after"),
    ("workshop-en", "owen-price", "before", "vague", "\"limited social contact\" is not in the list"),
    ("workshop-en", "rhys-mathias", "before", "vague", "\"raised issues about the stairs\" is not in the list"),
    ("workshop-en", "tom-griffiths", "after", "own-words", "\"improve her parenting capacity\" is not in the list"),
    ("workshop-en", "tom-griffiths", "introduced", "own-words", "missed in the after"),
    ("workshop-cy", "dafydd-owen", "before", "opinion-as-fact", "\"Mae dan straen\" is not in the list"),
    ("workshop-cy", "elin-wyn", "before", "opinion-as-fact", "\"Nid oedd ... yn fodlon ymgysylltu\" is not matched in this word order"),
    ("workshop-cy", "iwan-roberts", "after", "vague", "\"amgylchedd y cartref yn foddhaol\" is not in the list"),
    ("workshop-cy", "iwan-roberts", "introduced", "vague", "missed in the after"),
    ("workshop-cy", "mererid-jenkins", "before", "opinion-as-fact", "\"i gael sylw\" is not in the list"),
    ("workshop-cy", "mererid-jenkins", "after", "opinion-as-fact", "\"i gael sylw\" is not in the list"),
    ("workshop-cy", "mererid-jenkins", "kept", "opinion-as-fact", "missed in both drafts"),
    ("mixed", "aled-pugh", "before", "own-words", "\"happy in placement, no concerns\" is not in the list"),
    ("mixed", "aled-pugh", "after", "rationale", "\"bydd Kai yn gweld ei dad unwaith y mis\" is not a decision to the rules"),
    ("mixed", "aled-pugh", "kept", "rationale", "missed in the after"),
    ("workshop-csv", "ffion-baker", "before", "rationale", "\"Safeguarding referral made.\" is not a decision to the rules"),
    ("workshop-csv", "beca-nash", "after", "rationale", "\"was signposted to\" is not a decision to the rules"),
    ("workshop-csv", "beca-nash", "after", "opinion-as-fact", "\"over-reliant on Jade\" is not in the list"),
    ("workshop-csv", "beca-nash", "after", "vague", "\"significant caring responsibilities\" is not in the list"),
    ("workshop-csv", "beca-nash", "kept", "rationale", "missed in both drafts"),
    ("workshop-csv", "beca-nash", "introduced", "opinion-as-fact", "missed in the after"),
    ("workshop-csv", "beca-nash", "introduced", "vague", "missed in the after"),
    ("workshop-csv", "rhodri-llywelyn", "before", "vague", "\"ymddygiad anarferol gyda'r nos\" is not in the list"),
    ("workshop-csv", "gwenno-parri", "before", "vague", "\"problemau gyda'i chyfoedion\" is not in the list"),
];

/// Flagged by the rules but not by the labels: (group, pair, what, category, why).
const KNOWN_FALSE_ALARMS: &[(&str, &str, &str, &str, &str)] = &[
    ("workshop-en", "jess-okafor", "introduced", "opinion-as-fact", "missed in the before (a known miss), so the kept judgement looks new"),
    ("workshop-csv", "rhodri-llywelyn", "before", "opinion-as-fact", "“Mae ei mab yn bryderus”: his worry stated with no source; defensible, but not labelled"),
];

#[test]
fn reports_agree_with_the_human_labels_except_known_misses() {
    let labels = labels();
    assert_eq!(labels.len(), 21, "corpus/compare/README.md should label 21 pairs");
    let mut disagreements = BTreeSet::new();
    let mut false_alarms = BTreeSet::new();
    for (group, pairs) in GROUPS {
        let o = run(&["compare", "--pairs", pairs, "--format", "json"]);
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for pair in report["pairs"].as_array().unwrap() {
            let name = pair["name"].as_str().unwrap();
            let label = labels.get(&(group.to_string(), name.to_string())).unwrap_or_else(|| panic!("{group}/{name} has no label row"));
            let cats = |draft: &str, status: Option<&str>| -> BTreeSet<String> {
                pair[draft]["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| status.is_none_or(|s| f["status"] == s))
                    // The labels (corpus/compare/README.md) judge the six established
                    // checks' sentence findings; issue 16's are measured on corpus/new-checks.
                    .filter(|f| !record::is_record_rule(f["rule"].as_str().unwrap()))
                    .map(|f| f["category"].as_str().unwrap().to_string())
                    .filter(|c| Category::from_id(c).is_some_and(|c| c.is_established()))
                    .collect()
            };
            for (what, got, want) in [
                ("before", cats("before", None), &label.before),
                ("after", cats("after", None), &label.after),
                ("kept", cats("before", Some("still-present")), &label.kept),
                ("introduced", cats("after", Some("introduced")), &label.introduced),
            ] {
                for c in want.difference(&got) {
                    disagreements.insert((group, name.to_string(), what, c.clone()));
                }
                for c in got.difference(want) {
                    false_alarms.insert((group, name.to_string(), what, c.clone()));
                }
            }
        }
    }
    let listed: BTreeSet<_> = KNOWN_MISSES.iter().map(|m| (m.0, m.1.to_string(), m.2, m.3.to_string())).collect();
    // A miss listed as "kept" or "introduced" can also show up as the other (a
    // finding missed in the before turns a kept one into a new one): both are listed.
    let unexpected: Vec<_> = disagreements.difference(&listed).collect();
    let fixed: Vec<_> = listed.difference(&disagreements).collect();
    assert!(unexpected.is_empty(), "new misses against the labels: {unexpected:?}");
    assert!(fixed.is_empty(), "known misses now found (take them off KNOWN_MISSES): {fixed:?}");
    let alarms_listed: BTreeSet<_> = KNOWN_FALSE_ALARMS.iter().map(|m| (m.0, m.1.to_string(), m.2, m.3.to_string())).collect();
    assert_eq!(false_alarms, alarms_listed, "findings the labels do not have");
}

#[test]
fn good_rewrites_come_out_clean_and_worse_ones_introduce_findings() {
    let o = run(&["compare", "--pairs", "corpus/compare/workshop-en", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pair = |name: &str| report["pairs"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap().clone();
    for good in ["carys-bevan", "owen-price", "nia-hughes", "dev-sharma"] {
        let p = pair(good);
        // Clean by the six established checks, which the rewrites were written for
        // (the record-level checks of issue 16 may still ask for more).
        let established = |f: &&serde_json::Value| {
            Category::from_id(f["category"].as_str().unwrap()).is_some_and(|c| c.is_established()) && !record::is_record_rule(f["rule"].as_str().unwrap())
        };
        assert_eq!(p["after"]["findings"].as_array().unwrap().iter().filter(established).count(), 0, "{good}: {}", p["after"]["findings"]);
        let still: Vec<_> = p["before"]["findings"].as_array().unwrap().iter().filter(established).filter(|f| f["status"] == "still-present").collect();
        assert!(still.is_empty(), "{good}: {still:?}");
        assert!(!p["summary"]["improved"].as_array().unwrap().is_empty(), "{good}");
    }
    let tom = pair("tom-griffiths");
    let introduced: Vec<&str> = tom["after"]["findings"].as_array().unwrap().iter().filter(|f| f["status"] == "introduced").map(|f| f["excerpt"].as_str().unwrap()).collect();
    for jargon in ["presented as", "DNA'd", "signposted", "facilitate", "MDT"] {
        assert!(introduced.contains(&jargon), "{jargon} not introduced: {introduced:?}");
    }
    assert!(tom["after"]["measures"]["quoted_words"].as_u64() < tom["before"]["measures"]["quoted_words"].as_u64());
    let class = &report["class"];
    assert_eq!(class["compared"], 8);
    assert_eq!(class["could_not_compare"], 0);
}

#[test]
fn a_single_pair_from_files_or_text() {
    let o = run(&[
        "compare",
        "--before-text",
        "The SU presented as hostile. Case closed.",
        "--after-text",
        "Mr Evans shouted at me to leave. Case closed.",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert!(report["class"].is_null());
    let pair = &report["pairs"][0];
    let statuses: Vec<(String, String)> = pair["before"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["status"].as_str().unwrap().to_string()))
        .collect();
    assert!(statuses.contains(&("rationale/case-closed".to_string(), "still-present".to_string())), "{statuses:?}");
    assert!(statuses.iter().any(|(r, s)| r.starts_with("plain-language/") && s == "resolved"), "{statuses:?}");
    assert_eq!(pair["summary"]["still"][0], "1 decision still has no reason");
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cofnod-compare-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bad_input_is_named_and_the_rest_of_the_group_is_compared() {
    let dir = scratch("bad");
    let good = "corpus/compare/workshop-en/rhys-mathias";
    std::fs::copy(Path::new(ROOT).join(format!("{good}.before.txt")), dir.join("ann.before.txt")).unwrap();
    std::fs::copy(Path::new(ROOT).join(format!("{good}.after.txt")), dir.join("ann.after.txt")).unwrap();
    std::fs::write(dir.join("bryn.before.txt"), "Case closed.").unwrap();
    std::fs::write(dir.join("bryn.after.txt"), "").unwrap(); // empty
    std::fs::write(dir.join("cai.before.txt"), b"\x00\x01\x02PK binary").unwrap();
    std::fs::write(dir.join("cai.after.txt"), "Case closed because Cai asked me to.").unwrap();
    std::fs::write(dir.join("dewi.after.txt"), "Dewi's rewrite, with no before.").unwrap(); // unmatched
    std::fs::write(dir.join("notes.docx"), "not a draft").unwrap();
    let before: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();

    let d = dir.to_str().unwrap();
    let o = run(&["compare", "--pairs", d]);
    assert_eq!(o.status.code(), Some(1), "some pairs failed: exit 1");
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert!(err.contains(&format!("{}: empty file; nothing to check", dir.join("bryn.after.txt").display())), "{err}");
    assert!(err.contains(&format!("{}: binary file (not text); not checked", dir.join("cai.before.txt").display())), "{err}");
    assert!(err.contains(&format!("{}: no matching dewi.before.txt to compare it with", dir.join("dewi.after.txt").display())), "{err}");
    assert!(err.contains("passed over 1 file(s)"), "{err}");
    assert!(out.contains("Pairs compared: 1"), "{out}");
    assert!(out.contains("3 pairs could not be compared"), "{out}");
    assert!(out.contains("== ann =="), "{out}");
    assert!(out.contains("rationale/case-closed"), "ann's pair is still reported: {out}");
    // The HTML report is still made, and names the problems.
    let html = run(&["compare", "--pairs", d, "--format", "html"]);
    assert_eq!(html.status.code(), Some(1));
    let page = text(&html.stdout);
    assert!(page.contains("dewi.after.txt: no matching dewi.before.txt"), "the unmatched file is named in the page");
    // Nothing in the folder was changed.
    let after: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();
    assert_eq!(before, after);

    // A single pair: a missing file stops the run, naming it.
    let o = run(&["compare", "no-such-draft.txt", &format!("{good}.after.txt")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no-such-draft.txt: no such file"), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Could not compare: no-such-draft.txt: no such file"), "{}", text(&o.stdout));

    // A CSV without the columns, and a report written over a draft, are refused.
    std::fs::write(dir.join("pairs.csv"), "name,first,second\nx,a,b\n").unwrap();
    let o = run(&["compare", "--pairs", dir.join("pairs.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("pairs.csv: the header needs a \"before\" and an \"after\" column"), "{}", text(&o.stderr));
    let draft = dir.join("ann.before.txt");
    let kept = std::fs::read(&draft).unwrap();
    let o = run(&["compare", draft.to_str().unwrap(), dir.join("ann.after.txt").to_str().unwrap(), "--out", draft.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("is one of the drafts"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&draft).unwrap(), kept);
    // Nor over a draft of a workshop folder.
    let o = run(&["compare", "--pairs", d, "--out", dir.join("bryn.before.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.join("bryn.before.txt")).unwrap(), "Case closed.");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn anonymised_reports_carry_no_names_or_file_names() {
    for format in ["text", "json", "html"] {
        let o = run(&["compare", "--pairs", "corpus/compare/workshop.csv", "--anonymise", "--format", format]);
        assert_eq!(o.status.code(), Some(0));
        let out = text(&o.stdout);
        for name in ["ffion-baker", "ieuan-clarke", "beca-nash", "rhodri-llywelyn", "gwenno-parri", "workshop.csv"] {
            assert!(!out.contains(name), "{format}: {name} in an anonymised report");
        }
        assert!(out.contains("Participant 5"), "{format}");
    }
    let o = run(&["compare", "--pairs", "corpus/compare/workshop.csv", "--anonymise", "--lang", "cy"]);
    assert!(text(&o.stdout).contains("== Cyfranogwr 1 =="));
    // A problem is reported without the file name, which names the participant.
    let dir = scratch("anon");
    std::fs::write(dir.join("siwan-hughes.after.txt"), "Rewrite with no first draft.").unwrap();
    std::fs::write(dir.join("owain.before.txt"), "Case closed.").unwrap();
    std::fs::write(dir.join("owain.after.txt"), "Case closed because Owain asked me to.").unwrap();
    let o = run(&["compare", "--pairs", dir.to_str().unwrap(), "--anonymise", "--format", "html"]);
    assert_eq!(o.status.code(), Some(1));
    let page = text(&o.stdout);
    assert!(!page.contains("siwan") && !page.contains("owain"), "a name in an anonymised report");
    assert!(page.contains("no matching Participant 2.before.txt"), "the problem is still said");
    let _ = std::fs::remove_dir_all(&dir);
}
