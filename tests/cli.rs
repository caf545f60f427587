//! `cofnod check`, `explain` and `corpus` as a user runs them: exit codes, output
//! formats, bad input, configuration, and never touching the user's files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn cofnod() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cofnod"));
    // The rules alone: these tests pin exact findings (tests/models.rs covers models).
    c.env("NO_COLOR", "1").env("COFNOD_MODELS", "off");
    c
}

fn run(args: &[&str], dir: &Path) -> Output {
    cofnod().args(args).current_dir(dir).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// Every file under `dir` with its bytes, to prove a run changed nothing.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir).into_iter().map(|p| {
        let bytes = std::fs::read(&p).unwrap_or_default();
        (p, bytes)
    }).collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn notes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("visit.txt"), "Visit 12/03/2025.\r\nMum is hostile.\r\nCase closed.\r\n").unwrap();
    std::fs::create_dir(d.join("cymraeg")).unwrap();
    std::fs::write(d.join("cymraeg/nodyn.md"), "# Ymweliad\n\nRoedd y tŷ mewn cyflwr ofnadwy.\n").unwrap();
    std::fs::write(d.join("clean.txt"), "I counted 14 bags of rubbish in the front room.\n").unwrap();
    std::fs::write(d.join("letter.pdf"), b"%PDF-1.7").unwrap();
    std::fs::create_dir(d.join(".git")).unwrap();
    std::fs::write(d.join(".git/HEAD.txt"), "Case closed.").unwrap();
    dir
}

#[test]
fn text_output_names_file_line_and_column_and_ends_with_a_summary() {
    let dir = notes();
    let out = run(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("./visit.txt:2:8: opinion-as-fact: “hostile” is a judgement written as a fact. What did you see or hear?\n  2 | Mum is hostile.\n    |        ^^^^^^^\n"), "{text}");
    assert!(text.contains("./visit.txt:3:1: rationale: “Case closed”: no reason is recorded for this decision."), "{text}");
    assert!(text.contains("./cymraeg/nodyn.md:3:12: vague: Dydy “mewn cyflwr ofnadwy” ddim yn dweud beth ddigwyddodd."), "{text}");
    assert!(!text.contains(".git"), "hidden folders are not checked: {text}");
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
    assert_eq!(
        text.lines().last().unwrap(),
        "3 files checked: 3 findings (opinion-as-fact 1, rationale 1, vague 1); 1 skipped (not a note, a Word document or an export)"
    );
}

#[test]
fn json_output_is_version_1_with_byte_offsets_lines_and_columns() {
    let dir = notes();
    let out = run(&["check", "--format", "json", "visit.txt", "clean.txt"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["version"], 1);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "visit.txt");
    assert_eq!(files[0]["language"], "en");
    assert_eq!(files[0]["error"], serde_json::Value::Null);
    let f = &files[0]["findings"][0];
    assert_eq!(f["category"], "opinion-as-fact");
    assert_eq!(f["rule"], "opinion-as-fact/hostile");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["start"], serde_json::json!({"offset": 26, "line": 2, "column": 8}));
    assert_eq!(f["end"], serde_json::json!({"offset": 33, "line": 2, "column": 15}));
    assert_eq!(f["excerpt"], "hostile");
    assert!(f["suggestions"][0]["replacement"].is_null());
    assert_eq!(files[1]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(v["summary"]["findings"], 2);
    assert_eq!(v["summary"]["by_category"]["rationale"], 1);
    // Each category found comes with its explanation, in both languages.
    assert_eq!(v["explanations"]["rationale"]["en"]["title"], "The reason for a decision");
    assert_eq!(v["explanations"]["rationale"]["cy"]["title"], "Y rheswm dros benderfyniad");
    assert!(v["explanations"]["opinion-as-fact"]["cy"]["good"].as_str().unwrap().contains("Rwy’n credu"));
    assert!(v["explanations"].get("vague").is_none());
}

#[test]
fn exit_codes_are_0_clean_1_findings_2_usage_or_missing_path() {
    let dir = notes();
    assert_eq!(run(&["check", "clean.txt"], dir.path()).status.code(), Some(0));
    assert_eq!(run(&["check", "visit.txt"], dir.path()).status.code(), Some(1));
    let missing = run(&["check", "clean.txt", "nowhere.txt"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nowhere.txt: no such file or folder"));
    assert_eq!(run(&["check"], dir.path()).status.code(), Some(2));
    assert_eq!(run(&["check", "--format", "xml", "clean.txt"], dir.path()).status.code(), Some(2));
}

#[test]
fn bad_files_get_a_per_file_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a-binary.txt"), b"\x00\x01\x02PK binary").unwrap();
    std::fs::write(d.join("b-empty.txt"), b"").unwrap();
    std::fs::write(d.join("c-cp1252.txt"), b"Caf\xe9 visit \x96 Mum is hostile.").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("gone"), d.join("d-broken-link.txt")).unwrap();
    std::fs::write(d.join("e-good.txt"), "Case closed.").unwrap();
    let out = run(&["check", "--format", "json", "."], d);
    // Files that could not be checked make the run exit 3, whatever was found.
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out);
    let by_name: BTreeMap<String, serde_json::Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().trim_start_matches("./").to_string(), f.clone()))
        .collect();
    assert_eq!(by_name["a-binary.txt"]["error"], "binary file (not text); not checked");
    // An empty file is read and has nothing to check: not an error.
    assert!(by_name["b-empty.txt"]["error"].is_null());
    assert_eq!(by_name["b-empty.txt"]["empty"], true);
    #[cfg(unix)]
    assert_eq!(v["summary"]["errors"], 2, "the binary file and the broken link");
    assert_eq!(by_name["c-cp1252.txt"]["encoding"], "windows-1252");
    assert_eq!(by_name["c-cp1252.txt"]["findings"][0]["excerpt"], "hostile");
    #[cfg(unix)]
    assert!(by_name["d-broken-link.txt"]["error"].as_str().unwrap().starts_with("could not read the file"));
    assert_eq!(by_name["e-good.txt"]["findings"][0]["rule"], "rationale/case-closed");
    // Errors never quote the note.
    assert!(!stderr(&out).contains("hostile"));
}

#[test]
fn checking_never_modifies_or_creates_files_next_to_the_notes() {
    let dir = notes();
    std::fs::write(dir.path().join("cofnod.toml"), "[rules]\ndisable = [\"vague\"]\n").unwrap();
    let before = snapshot(dir.path());
    for format in ["text", "json"] {
        run(&["check", "--format", format, "."], dir.path());
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let mut child = cofnod()
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all("Penderfynwyd cau’r achos.".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let v = json(&out);
    assert_eq!(v["files"][0]["path"], "-");
    assert_eq!(v["files"][0]["language"], "cy");
    let rules: Vec<&str> = v["files"][0]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, vec!["plain-language/berf-amhersonol", "rationale/achos-ar-gau"]);
}

#[test]
fn cofnod_toml_next_to_the_notes_disables_rules_and_changes_severity() {
    let dir = notes();
    std::fs::write(
        dir.path().join("cofnod.toml"),
        "[rules]\ndisable = [\"rationale\"]\n[severity]\n\"opinion-as-fact/hostile\" = \"error\"\n",
    )
    .unwrap();
    let v = json(&run(&["check", "--format", "json", "visit.txt"], dir.path()));
    let findings = v["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["severity"], "error");
    // --no-config ignores it.
    let v = json(&run(&["check", "--no-config", "--format", "json", "visit.txt"], dir.path()));
    assert_eq!(v["files"][0]["findings"].as_array().unwrap().len(), 2);
}

#[test]
fn a_bad_cofnod_toml_warns_once_and_falls_back_to_the_defaults() {
    let dir = notes();
    std::fs::write(dir.path().join("cofnod.toml"), "[rules]\ndisable = [\"jargon\"]\n").unwrap();
    let out = run(&["check", "."], dir.path());
    let err = stderr(&out);
    assert_eq!(err.matches("cofnod.toml").count(), 1, "{err}");
    assert!(err.contains("cofnod.toml:2:12: rules.disable: not a category or rule id; using the default rules"), "{err}");
    assert_eq!(out.status.code(), Some(1));
    // Given explicitly, a bad configuration is a usage error.
    assert_eq!(run(&["check", "--config", "cofnod.toml", "."], dir.path()).status.code(), Some(2));
}

#[test]
fn an_organisations_rule_file_adds_words_without_recompiling() {
    let dir = notes();
    std::fs::write(
        dir.path().join("ours.toml"),
        "language = \"en\"\ncategory = \"plain-language\"\nterms = [\n  { id = \"pop-in\", match = [\"pop-in\", \"pop in\"], suggest = [\"short visit\"] },\n]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("pop.txt"), "Carers will do a pop-in at lunchtime.").unwrap();
    let v = json(&run(&["check", "--rules", "ours.toml", "--format", "json", "pop.txt"], dir.path()));
    let f = &v["files"][0]["findings"][0];
    assert_eq!(f["rule"], "plain-language/pop-in");
    assert_eq!(f["suggestions"][0]["replacement"], "short visit");
    // The same file named from cofnod.toml.
    std::fs::write(dir.path().join("cofnod.toml"), "[rules]\nfiles = [\"ours.toml\"]\n").unwrap();
    let v = json(&run(&["check", "--format", "json", "pop.txt"], dir.path()));
    assert_eq!(v["files"][0]["findings"][0]["rule"], "plain-language/pop-in");
    // A broken rule file names itself and the problem.
    std::fs::write(dir.path().join("bad.toml"), "language = \"fr\"\ncategory = \"vague\"\n").unwrap();
    let out = run(&["check", "--rules", "bad.toml", "pop.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml:1:12: language must be \"en\" or \"cy\""), "{}", stderr(&out));
}

#[test]
fn explain_prints_the_principle_in_english_or_welsh() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["explain", "opinion-as-fact"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("Opinion written as fact (opinion-as-fact)\n"), "{text}");
    assert!(text.contains("Not like this:\n  Mr Hughes is aggressive"), "{text}");
    let cy = stdout(&run(&["explain", "plain-language/hwyluso", "--lang", "cy"], dir.path()));
    assert!(cy.starts_with("plain-language/hwyluso\n  Geiriau mae’n chwilio amdanyn nhw (cy): hwyluso"), "{cy}");
    assert!(cy.contains("Iaith glir (plain-language)"), "{cy}");
    // Issue 16's checks are explained before they raise anything.
    let late = stdout(&run(&["explain", "late-entry", "--lang", "cy"], dir.path()));
    assert!(late.starts_with("Cofnodion hwyr (late-entry)\n"), "{late}");
    let unknown = run(&["explain", "jargon"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no check or rule called \"jargon\""));
}

#[test]
fn corpus_command_measures_the_shipped_corpus() {
    let out = run(&["corpus"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // COFNOD_MODELS=off (as every test here): the rules alone, and it says so first.
    assert!(text.starts_with("measured with the rules alone (--models off)\nlang category"), "{text}");
    assert!(text.contains("cy   all"), "{text}");
}

#[test]
fn corpus_uses_the_models_by_default_like_check_and_says_when_there_are_none() {
    // No --models and no COFNOD_MODELS: auto, as `cofnod check`. With no models
    // installed, both say so once on stderr and go on with the rules.
    let empty = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cofnod"))
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("COFNOD_MODELS")
            .env("COFNOD_MODELS_DIR", empty.path())
            .current_dir(root)
            .output()
            .unwrap()
    };
    let corpus = run(&["corpus"]);
    assert_eq!(corpus.status.code(), Some(0), "{}", stderr(&corpus));
    assert!(stdout(&corpus).starts_with("measured with the rules alone (--models off)\n"), "{}", stdout(&corpus));
    let said = stderr(&corpus);
    assert_eq!(said.matches("no models installed").count(), 1, "{said}");
    assert!(said.contains("measuring with the embedded rules only"), "{said}");
    let check = run(&["check", "corpus/samples"]);
    assert!(stderr(&check).contains("no models installed; checking with the embedded rules only"), "{}", stderr(&check));
}

#[test]
fn the_readme_example_output_is_what_cofnod_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = readme.split("```text\n").nth(1).and_then(|s| s.split("```").next()).expect("README has a text example");
    let out = stdout(&run(&["check", "corpus/samples"], root));
    let lines: Vec<&str> = out.lines().collect();
    for line in example.lines() {
        assert!(lines.contains(&line), "README line not in the output: {line:?}\n\noutput:\n{out}");
    }
}

#[test]
fn a_welsh_finding_labels_its_fix_in_welsh_unless_messages_are_set_to_english() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nodyn.txt"), "Cafodd Mr Jones ei gyfeirio at y tîm. Penderfynwyd peidio â chynnig seibiant ar hyn o bryd.\n").unwrap();
    std::fs::write(dir.path().join("note.txt"), "Case closed.\n").unwrap();
    let text = stdout(&run(&["check", "nodyn.txt", "note.txt"], dir.path()));
    assert!(text.contains("= cynnig: “Penderfynwyd peidio â chynnig seibiant ar hyn o bryd” → “"), "{text}");
    assert!(text.contains("note.txt:1:1: rationale: “Case closed”") && text.contains("= try: "), "English keeps “try”: {text}");
    std::fs::write(dir.path().join("cofnod.toml"), "[messages]\nlanguage = \"en\"\n").unwrap();
    let text = stdout(&run(&["check", "nodyn.txt"], dir.path()));
    assert!(text.contains("= try: “Penderfynwyd") && !text.contains("cynnig:"), "{text}");
}

#[test]
fn rewrite_without_models_names_the_install_command_for_each_model() {
    // The generator is an opt-in extra: plain `cofnod models install` does not fetch it.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cofnod"))
        .args(["rewrite", "Mrs Jones was signposted to the falls service on 3 May."])
        .env("NO_COLOR", "1")
        .env_remove("COFNOD_MODELS")
        .env("COFNOD_MODELS_DIR", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("the encoder is not installed; `cofnod models install` adds it"), "{said}");
    assert!(said.contains("the generator is not installed; `cofnod models install generator` adds it"), "{said}");
    assert!(stdout(&out).starts_with("Mrs Jones was given details of the falls service on 3 May."), "{}", stdout(&out));
}
