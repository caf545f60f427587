//! The labelled corpus: precision and recall per category and language, against
//! stated floors. Run with `-- --show-output` to see the table.
//!
//! Floors (full corpus, rules alone): per language, precision ≥ 0.90 and recall
//! ≥ 0.80 for English, ≥ 0.85 and ≥ 0.70 for Welsh (issue 2); per category, the same
//! precision floor and recall ≥ 0.65 in both languages. The category recall floor was
//! 0.70 until issue 4 added 466 independently written cases (`fresh-c`, `newydd-a`,
//! `newydd-b`) that the rules were not tuned on, so that the models' gain on unseen
//! phrasing could be measured; tests/models.rs floors rules and models together.
//! The held-out `test` split is reported, not floored: rules are tuned on train and
//! validation only (see corpus/README.md).

use cofnod::corpus::{self, Split};
use cofnod::{Category, Engine, Lang};
use std::path::PathBuf;

struct Floor {
    lang: Lang,
    precision: f64,
    recall: f64,
    category_recall: f64,
}

const FLOORS: [Floor; 2] = [
    Floor { lang: Lang::En, precision: 0.90, recall: 0.80, category_recall: 0.65 },
    Floor { lang: Lang::Cy, precision: 0.85, recall: 0.70, category_recall: 0.65 },
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

#[test]
fn corpus_meets_precision_and_recall_floors() {
    let cases = corpus::load(&corpus_dir()).unwrap();
    let engine = Engine::new();
    let report = corpus::evaluate(&engine, &cases);
    println!("{}", report.table());
    let mut failures = Vec::new();
    for floor in FLOORS {
        let total = report.total(floor.lang);
        if total.precision() < floor.precision || total.recall() < floor.recall {
            failures.push(format!(
                "{}: precision {:.3} (floor {}), recall {:.3} (floor {})",
                floor.lang,
                total.precision(),
                floor.precision,
                total.recall(),
                floor.recall
            ));
        }
        for cat in Category::JUDGED {
            let c = report.counts[&(floor.lang, cat)];
            if c.precision() < floor.precision || c.recall() < floor.category_recall {
                failures.push(format!(
                    "{} {cat}: precision {:.3} (floor {}), recall {:.3} (floor {})",
                    floor.lang,
                    c.precision(),
                    floor.precision,
                    c.recall(),
                    floor.category_recall
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "below the floor:\n{}\n\nmisses (train and validation):\n{}",
        failures.join("\n"),
        report.misses_text(&cases)
    );
}

#[test]
fn corpus_is_large_balanced_and_split() {
    let cases = corpus::load(&corpus_dir()).unwrap();
    for (lang, min) in [(Lang::En, 400), (Lang::Cy, 200)] {
        let of_lang: Vec<_> = cases.iter().filter(|c| c.lang == lang).collect();
        let clean = of_lang.iter().filter(|c| c.expect.is_empty()).count();
        assert!(of_lang.len() >= min, "{lang}: {} cases, need {min}", of_lang.len());
        // At least a third must-not-flag cases (the issue 4 sets lean to the categories).
        assert!(clean * 3 >= of_lang.len(), "{lang}: {clean} of {} clean, need a third", of_lang.len());
        // The six established checks; issue 16's get their cases and floors with
        // their checks (their cases wait in corpus/new-checks).
        for cat in Category::JUDGED {
            let n = of_lang.iter().filter(|c| c.expect.contains(&cat)).count();
            assert!(n >= 20, "{lang} {cat}: only {n} flagged cases");
        }
        for split in [Split::Train, Split::Validation, Split::Test] {
            let n = of_lang.iter().filter(|c| c.split() == split).count();
            assert!(n * 10 >= of_lang.len(), "{lang}: the {} split has only {n} cases", split.name());
        }
    }
}

#[test]
fn splits_are_pinned() {
    // A case's split must never change, or the test split stops being held out.
    // These values pin the hash; changing `Split::of` fails here first.
    let pinned: Vec<&str> = ["a", "b", "c", "d", "e", "f", "g", "h"].map(|id| Split::of(id).name()).to_vec();
    assert_eq!(pinned, PINNED_SPLITS);
}

const PINNED_SPLITS: [&str; 8] = ["validation", "test", "test", "train", "train", "train", "train", "train"];

// ---- Whole records, labelled sentence by sentence (issue 14) ---------------------

use cofnod::corpus::records;

/// Floors for the rules alone on the records' train and validation splits (the test
/// split is reported by `cofnod corpus --read-test`, never floored or tuned on). Set
/// just under the figures of 2026-12-06 (docs/QUALITY.md), to catch a rule change
/// that makes the tool worse on text nobody here wrote.
struct RecordFloor {
    lang: Lang,
    precision: f64,
    macro_f1: f64,
    category_f1: f64,
}

const RECORD_FLOORS: [RecordFloor; 2] = [
    RecordFloor { lang: Lang::En, precision: 0.45, macro_f1: 0.42, category_f1: 0.28 },
    RecordFloor { lang: Lang::Cy, precision: 0.49, macro_f1: 0.52, category_f1: 0.40 },
];

#[test]
fn records_are_many_and_their_labels_are_placed() {
    let recs = records::load_records(&corpus_dir()).unwrap();
    let labelled = records::load_labels(&corpus_dir(), &recs).unwrap();
    for (lang, min) in [(Lang::En, 5000), (Lang::Cy, 3000)] {
        let of_lang: Vec<_> = labelled.iter().filter(|l| recs[l.record].lang == lang).collect();
        let real = of_lang.iter().filter(|l| recs[l.record].source.is_real()).count();
        assert!(of_lang.len() >= min, "{lang}: {} labelled sentences, need {min}", of_lang.len());
        assert!(real >= 300, "{lang}: only {real} sentences of real public text");
        // Every labelled sentence was found inside its record.
        for l in &of_lang {
            assert!(l.start < l.end && l.end <= recs[l.record].text.len(), "{}", l.id);
        }
    }
}

/// The blind set is whole as the issue asked (its results are read once, by hand,
/// with `cofnod corpus --read-blind`; this test reads only its shape, never a score).
#[test]
fn the_blind_set_is_whole_and_its_marks_are_placed() {
    let blind = corpus_dir().join("blind");
    let recs = records::load_records(&blind).unwrap();
    let labelled = records::load_labels(&blind, &recs).unwrap();
    let welsh = labelled.iter().filter(|l| recs[l.record].lang == Lang::Cy).count();
    let real = labelled.iter().filter(|l| recs[l.record].source.is_real()).count();
    assert!(labelled.len() >= 600, "{} blind sentences", labelled.len());
    assert!(welsh * 3 >= labelled.len(), "{welsh} of {} blind sentences are Welsh", labelled.len());
    assert!(real * 2 >= labelled.len(), "{real} of {} blind sentences are real text", labelled.len());
    // No blind record is also a training record.
    let train: std::collections::HashSet<String> = records::load_records(&corpus_dir()).unwrap().into_iter().map(|r| r.text).collect();
    assert!(recs.iter().all(|r| !train.contains(&r.text)));
    let (full, marked) = records::load_full(&blind, &Engine::new()).unwrap();
    assert!(full.len() >= 12 && full.iter().filter(|r| r.lang == Lang::Cy).count() >= 4, "{} full records", full.len());
    assert!(marked.iter().filter(|l| !l.must.is_empty()).count() >= 100, "the educators' marks are placed in sentences");
}

#[test]
fn records_meet_their_floors_with_the_rules_alone() {
    let recs = records::load_records(&corpus_dir()).unwrap();
    let labelled = records::load_labels(&corpus_dir(), &recs).unwrap();
    let engine = Engine::new();
    let report = records::evaluate(&|t: &str| engine.analyse(t).findings, &recs, &labelled);
    let seen = [Split::Train, Split::Validation];
    println!("{}", report.table(&seen));
    let mut failures = Vec::new();
    for floor in RECORD_FLOORS {
        let keep = |l: Lang, s: Split| l == floor.lang && seen.contains(&s);
        let total = report.sum(&|l, _, _, s| keep(l, s));
        let macro_f1 = report.macro_f1(&|l, _, s| keep(l, s));
        if total.precision() < floor.precision || macro_f1 < floor.macro_f1 {
            failures.push(format!("{}: precision {:.3} (floor {}), macro-F1 {macro_f1:.3} (floor {})", floor.lang, total.precision(), floor.precision, floor.macro_f1));
        }
        for cat in Category::JUDGED {
            let c = report.sum(&|l, c, _, s| c == cat && keep(l, s));
            if c.f1() < floor.category_f1 {
                failures.push(format!("{} {cat}: F1 {:.3} (floor {})", floor.lang, c.f1(), floor.category_f1));
            }
        }
    }
    assert!(failures.is_empty(), "below the floor:\n{}", failures.join("\n"));
}
