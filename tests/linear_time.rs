//! Hostile and huge input, part 1: the engine's time grows in proportion to the
//! text, whatever its shape (issue 13). Each shape below once took time that grew
//! with the square of its length (or worse): a long sentence with many findings, a
//! note on one long line, a very long "word", many suppression comments, unclosed
//! backticks, a phrase with many optional words.
//!
//! These are not speed measurements (those are in benches/ and
//! docs/PERFORMANCE.md): each test times a shape at one size and at eight times that
//! size and asserts the larger took less than 24 times as long. Linear work gives
//! about 8; quadratic work gives about 64, so the test fails clearly on the old
//! code and passes on a busy machine. The best of three runs is taken at each size.

use cofnod::position::{LineIndex, PositionEncoding};
use cofnod::rulebook::RuleSource;
use cofnod::{Engine, Settings};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let e = Engine::new();
        e.analyse("warm up lingua's models with a sentence that has no marker words at all in it whatsoever today");
        e
    })
}

/// `piece` repeated to `bytes` (cut at a character boundary).
fn repeat(piece: &str, bytes: usize) -> String {
    let mut s = piece.repeat(bytes / piece.len() + 1);
    let mut cut = bytes.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

fn best_of_three(f: &dyn Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

const SMALL: usize = 48 * 1024;
const FACTOR: usize = 8;
/// Linear time gives about `FACTOR`; quadratic about `FACTOR²`.
const MAX_RATIO: f64 = 24.0;

/// Times `work` on the text `make(SMALL)` and `make(SMALL * FACTOR)`.
fn assert_linear(name: &str, make: &dyn Fn(usize) -> String, work: &dyn Fn(&str)) {
    let (small, large) = (make(SMALL), make(SMALL * FACTOR));
    let t_small = best_of_three(&|| work(&small));
    let t_large = best_of_three(&|| work(&large));
    // Below a few milliseconds the clock, not the work, decides the ratio.
    let floor = Duration::from_millis(3);
    let ratio = t_large.as_secs_f64() / t_small.max(floor).as_secs_f64();
    eprintln!("{name}: {} KB {:?}, {} KB {:?}, ratio {ratio:.1}", small.len() / 1024, t_small, large.len() / 1024, t_large);
    assert!(
        ratio < MAX_RATIO,
        "{name}: {} KB took {:?} but {} KB took {:?} ({ratio:.1} times; linear would be about {FACTOR})",
        small.len() / 1024,
        t_small,
        large.len() / 1024,
        t_large
    );
}

fn analyse(text: &str) {
    std::hint::black_box(engine().analyse(text));
}

/// Analysis, then every finding's line and column and LSP position, as the
/// command line and the language server compute them.
fn analyse_and_locate(text: &str) {
    let analysis = engine().analyse(text);
    let index = LineIndex::new(text);
    for f in &analysis.findings {
        std::hint::black_box(index.position(f.start));
        std::hint::black_box(index.position(f.end));
        let p = index.lsp_position(f.start, PositionEncoding::Utf16);
        std::hint::black_box(index.offset_of(p, PositionEncoding::Utf16));
    }
}

#[test]
fn a_long_sentence_with_many_findings_is_checked_in_linear_time() {
    // No full stop: every finding's check once re-read the whole sentence.
    for (name, piece) in [
        ("opinions", "Mr Smith is hostile and lazy and "),
        ("opinions with colons", "she is hostile: and "),
        ("jargon", "the MDT signposted him as per plan and "),
        ("vague words", "in a terrible state and regularly and "),
        ("services as needs", "needs a care package and "),
        ("Welsh", "Mae Mam yn elyniaethus ac mae hi'n hwyluso "),
        ("quoted and unquoted", "“hostile” and she is hostile and "),
        ("words and punctuation", "hostile ,,,,,,,,,,,,,,,,,,,,:::::: ------ "),
    ] {
        assert_linear(&format!("one sentence of {name}"), &|n| repeat(piece, n), &analyse);
    }
}

#[test]
fn acronyms_and_brackets_are_read_in_linear_time() {
    // Every "(" once searched to the end of the text for its ")", and read every word
    // before it; every acronym was compared with every spelled-out one.
    for (name, piece) in [
        ("open brackets", "( "),
        ("open brackets with no spaces", "(((((((((x"),
        ("open brackets closed at the end", "( "),
        ("short brackets", "(a) "),
        ("acronyms spelled out", "Quiet Zone Team (QZT) met. The QZT said so today. "),
        ("unknown acronyms", "Seen by the QZT and the PLM today. "),
    ] {
        let make = |n: usize| if name.ends_with("at the end") { repeat(piece, n) + ")" } else { repeat(piece, n) };
        assert_linear(&format!("text of {name}"), &make, &analyse);
    }
}

#[test]
fn findings_on_one_long_line_are_located_in_linear_time() {
    // Columns and LSP positions were counted from the start of the line each time.
    for (name, piece) in [
        ("sentences", "She is hostile. The MDT met. "),
        ("Welsh letters and emoji", "Mae Mam yn elyniaethus 😀 ŵ. "),
        ("lone carriage returns", "She is hostile.\r"),
    ] {
        assert_linear(&format!("one line of {name}"), &|n| repeat(piece, n), &analyse_and_locate);
    }
}

#[test]
fn a_very_long_word_is_given_a_language_in_linear_time() {
    // Lingua's time grew with the square of a word's length.
    let base = "cat dog fish bird tree house car road lamp door wall roof chair desk ";
    assert_linear("a long word among unclear words", &|n| format!("{base}{}{base}", repeat("abcdefgh", n)), &analyse);
    assert_linear("a long Welsh word", &|n| repeat("aŵ", n), &analyse);
}

#[test]
fn markup_and_suppression_comments_are_read_in_linear_time() {
    for (name, piece) in [
        ("disable and enable comments", "<!-- cofnod-disable rationale vague --> hostile <!-- cofnod-enable vague --> "),
        ("unclosed disable comments", "<!-- cofnod-disable x --> in a terrible state "),
        ("next-line comments on one line", "<!-- cofnod-disable-next-line vague -->"),
        ("web addresses with no spaces", "(www.x"),
        ("URLs and findings", "see https://example.org/a she is hostile "),
    ] {
        assert_linear(name, &|n| repeat(piece, n), &analyse);
    }
    // Backtick runs of growing length, none closed: each once searched to the end.
    assert_linear(
        "unclosed backticks",
        &|n| {
            let mut s = String::new();
            let mut k = 1;
            while s.len() < n {
                s.push_str(&"`".repeat(k % 300 + 1));
                s.push_str(" x hostile ");
                k += 1;
            }
            s
        },
        &analyse,
    );
}

fn engine_with(phrase: &str) -> Result<Engine, String> {
    let rules = format!("language = \"en\"\ncategory = \"vague\"\nterms = [{{ id = \"x\", match = [{phrase:?}] }}]\n");
    Engine::with_rules(&[RuleSource { name: "ours.toml".into(), text: rules }], Settings::default()).map_err(|e| e.to_string())
}

#[test]
fn a_phrase_with_many_optional_words_matches_in_linear_time() {
    // 26 optional words made 2^26 ways through one phrase (1.5 s on one sentence of
    // 26 of them, doubling with each word more).
    let phrase = format!("she {}went", "[very|really|quite] ".repeat(26));
    let engine = engine_with(&phrase).expect("a phrase of 28 items is allowed");
    let sentence = format!("she {} went home.", "very ".repeat(13));
    let worst = format!("she {} stayed home.", "very ".repeat(26));
    let started = Instant::now();
    std::hint::black_box(engine.analyse(&worst));
    assert!(started.elapsed() < Duration::from_millis(500), "the worst sentence took {:?}", started.elapsed());
    let started = Instant::now();
    let findings = engine.analyse(&sentence).findings;
    assert!(findings.iter().any(|f| f.rule == "vague/x"), "the phrase still matches");
    assert!(started.elapsed() < Duration::from_secs(2), "one sentence took {:?}", started.elapsed());
    let text_of = |n: usize| repeat(&format!("{sentence} "), n);
    assert_linear("a long note against a phrase of 26 optional words", &text_of, &|t| {
        std::hint::black_box(engine.analyse(t));
    });
    // Gaps and groups nested inside optional parts are memoised the same way.
    let phrase = format!("she {}went", "[(very much|really) [*] [*]] ".repeat(8));
    let engine = engine_with(&phrase).expect("allowed");
    let started = Instant::now();
    std::hint::black_box(engine.analyse(&format!("she {} went.", "very much x ".repeat(8))));
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[test]
fn large_groups_in_a_rule_file_load_in_bounded_time_and_memory() {
    // Two lists of single-word alternatives at the start of a phrase once made one
    // index key per pair (a 73 KB file took 2.6 GB to load); now a phrase is at
    // most 4 KB and past 1,024 pairs the index falls back to the first word.
    let firsts: Vec<String> = (0..350).map(|i| format!("a{i}")).collect();
    let seconds: Vec<String> = (0..350).map(|i| format!("b{i}")).collect();
    let phrase = format!("{} {}", firsts.join("|"), seconds.join("|"));
    let started = Instant::now();
    let engine = engine_with(&phrase).expect("350 × 350 alternatives load");
    assert!(started.elapsed() < Duration::from_secs(2), "loading took {:?}", started.elapsed());
    let found = engine.analyse("It was a349 b17 today.").findings;
    assert!(found.iter().any(|f| f.rule == "vague/x"), "{found:?}");
    let e = engine_with(&"a|".repeat(3000)).err().expect("a phrase over 4 KB");
    assert!(e.contains("longer than 4096 bytes"), "{e}");
    // Groups of several-word alternatives are bounded, with a clear error that
    // names the file and never quotes it.
    let options: Vec<String> = (0..40).map(|i| format!("secret{i} word")).collect();
    let e = engine_with(&format!("({}) x", options.join("|"))).err().expect("too many alternatives");
    assert!(e.starts_with("ours.toml:") && e.contains("alternatives") && !e.contains("secret"), "{e}");
}

#[test]
fn outcome_scores_are_read_in_linear_time() {
    // A score's line was searched back to the start of the text for its label, and
    // each number's word before it read from the start of its sentence.
    for (name, piece) in [
        ("scores on one line", "Outcome 1: 6/10. Score: 3. "),
        ("numbers in one sentence", "score 12 14 6/10 on 6/10 4 out of 10 "),
        ("scores in paragraphs", "Outcome: 7/10.\n\n"),
        ("blocks with no sentences", "---\n\n"),
    ] {
        assert_linear(&format!("text of {name}"), &|n| repeat(piece, n), &analyse);
    }
}

#[test]
fn record_level_checks_and_the_review_are_linear() {
    // Dates, quotes, speakers, roles and empty date fields on one long line, in
    // paragraphs, and as a log: each date's line was once searched back to its start.
    for (name, piece) in [
        ("dates on one line", "Fri 07/03/2025 08:00 visited on 3 March 2025, Mum said \"fine by me now\" and Dywedodd Sara: \"iawn wir\". Date recorded:   "),
        ("a log", "Tue 04/03/2025 18:00 – Fish pie. Risk of neglect.\n"),
        ("paragraphs", "Home visit – Mr Ifan Morgan, 77\nDate of visit: 3 March 2025   Date recorded: 11 March 2025\nHe cannot cook. Decision: case closed, because he is well.\n\n"),
    ] {
        assert_linear(&format!("record checks: {name}"), &|n| repeat(piece, n), &analyse);
    }
    let principles = cofnod::review::Principles::embedded();
    assert_linear(
        "review scorecard",
        &|n| repeat("He said the same thing again and again today. Welsh was mentioned.\n", n),
        &|text: &str| {
            let draft = cofnod::compare::Draft::analyse(engine(), None, text);
            std::hint::black_box(cofnod::review::score(&draft, &principles, cofnod::Lang::En));
        },
    );
}
