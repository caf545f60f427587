//! The embedded rule data: every file loads, every term can match the text it
//! describes, messages and explanations exist in both languages, and phrases avoid
//! the mistake that bit us most (alternatives that were meant as groups).

use cofnod::document::Document;
use cofnod::finding::Category;
use cofnod::rulebook::pattern::{self, PatToken};
use cofnod::rulebook::{LangRules, RuleBook, ScanScratch, EMBEDDED_RULES};
use cofnod::Lang;

/// The literal text a pattern describes: first alternatives, optional words
/// included, wildcards filled in.
fn example_text(tokens: &[PatToken]) -> String {
    fn words(t: &PatToken, out: &mut Vec<String>) {
        match t {
            PatToken::Word { alts, exact } => out.push(alts.first().or(exact.first()).cloned().unwrap_or_default()),
            PatToken::Any => out.push("xyz".into()),
            PatToken::Name => out.push("Zed".into()),
            PatToken::Optional(inner) => words(inner, out),
            PatToken::Choice(options) => options[0].iter().for_each(|t| words(t, out)),
        }
    }
    let mut list = Vec::new();
    tokens.iter().for_each(|t| words(t, &mut list));
    let mut text = String::new();
    for w in list {
        // Clitics attach to the word before them ("rwy'n").
        if !text.is_empty() && !w.starts_with('\'') {
            text.push(' ');
        }
        text.push_str(&w);
    }
    text
}

#[test]
fn every_term_matches_the_text_it_describes() {
    let book = RuleBook::embedded();
    let mut failures = Vec::new();
    for lang in [Lang::En, Lang::Cy] {
        let rules = book.lang(lang);
        for (entry, term) in rules.terms.iter().enumerate() {
            for phrase in &term.phrases {
                let parsed = pattern::parse(phrase, lang).unwrap();
                let text = example_text(&parsed.tokens);
                let doc = Document::build_in(&text, &book.labels, lang);
                let mut hits = Vec::new();
                let mut scratch = ScanScratch::default();
                for sentence in &doc.sentences {
                    rules.lexicon.scan(lang, &doc, sentence, &mut scratch, &mut hits);
                }
                let set = LangRules::terms_set(term.category);
                let covered = hits.iter().any(|h| {
                    h.set == set && (h.entry as usize == entry || (h.start == 0 && h.end == doc.tokens.len()))
                });
                if !covered {
                    failures.push(format!("{lang} {}: \"{phrase}\" does not match its own text \"{text}\"", term.rule));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} patterns cannot match:\n{}", failures.len(), failures.join("\n"));
}

/// Every phrase string of a rule file (terms and signals).
fn phrases(source: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(source).unwrap();
    let mut out = Vec::new();
    let strings = |v: &toml::Value, out: &mut Vec<String>| {
        if let Some(a) = v.as_array() {
            out.extend(a.iter().filter_map(|s| s.as_str().map(String::from)));
        }
    };
    for term in value.get("terms").and_then(|t| t.as_array()).into_iter().flatten() {
        for key in ["match", "unless"] {
            if let Some(v) = term.get(key) {
                strings(v, &mut out);
            }
        }
    }
    for (_, list) in value.get("signals").and_then(|s| s.as_table()).into_iter().flatten() {
        strings(list, &mut out);
    }
    out
}

/// Small words that, as an alternative next to the same word outside it, show a
/// phrase meant as a group: "a lot of|lots of items" reads as "a lot (of|lots) of
/// items"; it should be "(a lot of|lots of) items".
const SMALL_WORDS: &[&str] = &[
    "of", "a", "the", "to", "in", "at", "on", "is", "was", "were", "been", "an", "with", "for", "it", "lot", "not",
    "be", "has", "have", "had", "i", "we", "you", "by", "i", "y", "yr", "yn", "o", "ar", "am", "â", "ei", "eu", "fy",
    "wedi", "bod", "ni", "hi", "e", "mae", "roedd",
];

#[test]
fn alternatives_are_not_half_of_an_ungrouped_phrase() {
    let mut suspicious = Vec::new();
    for (file, source) in EMBEDDED_RULES {
        for phrase in phrases(source) {
            let mut flat = String::new();
            let mut depth = 0;
            for c in phrase.chars() {
                match c {
                    '(' | '[' => depth += 1,
                    ')' | ']' => depth -= 1,
                    _ if depth == 0 => flat.push(c),
                    _ => {}
                }
            }
            let chunks: Vec<&str> = flat.split_whitespace().collect();
            for (i, chunk) in chunks.iter().enumerate() {
                if !chunk.contains('|') {
                    continue;
                }
                let alts: Vec<String> = chunk.split('|').map(str::to_lowercase).collect();
                let neighbours: Vec<String> =
                    [i.checked_sub(1).map(|j| chunks[j]), chunks.get(i + 1).copied()].into_iter().flatten().map(str::to_lowercase).collect();
                if alts.iter().any(|a| SMALL_WORDS.contains(&a.as_str()) && neighbours.contains(a)) {
                    suspicious.push(format!("{file}: \"{phrase}\""));
                }
            }
        }
    }
    assert!(suspicious.is_empty(), "group these alternatives with (...):\n{}", suspicious.join("\n"));
}

#[test]
fn messages_and_explanations_exist_in_both_languages() {
    let book = RuleBook::embedded();
    for cat in Category::ALL {
        for key in book.messages.keys(cat) {
            for lang in [Lang::En, Lang::Cy] {
                assert!(!book.messages.get(cat, lang, key).is_empty(), "{cat}.{lang}.{key} is empty");
            }
        }
        for lang in [Lang::En, Lang::Cy] {
            let e = book.messages.explanation(cat, lang);
            assert!(![&e.title, &e.principle, &e.why, &e.bad, &e.good].iter().any(|s| s.is_empty()), "{cat}.{lang} explanation");
        }
        // Welsh explanations are Welsh, not copies of the English.
        assert_ne!(book.messages.explanation(cat, Lang::En).principle, book.messages.explanation(cat, Lang::Cy).principle);
    }
}

#[test]
fn every_category_has_terms_in_both_languages() {
    let book = RuleBook::embedded();
    for lang in [Lang::En, Lang::Cy] {
        // The six established checks; issue 16's have no word lists yet.
        for cat in Category::JUDGED {
            let n = book.lang(lang).terms.iter().filter(|t| t.category == cat).count();
            assert!(n >= 5, "{lang} {cat}: only {n} terms");
        }
    }
}

#[test]
fn terms_for_a_check_that_reads_only_signals_are_refused() {
    use cofnod::rulebook::RuleSource;
    let text = "language = \"en\"\ncategory = \"risk\"\nterms = [{ id = \"low\", match = [\"risk is low\"] }]\n";
    let err = RuleBook::with_extra(&[RuleSource { name: "team-risk.toml".into(), text: text.into() }]).err().expect("refused");
    let shown = err.to_string();
    assert!(shown.contains("team-risk.toml") && shown.contains("risk reads no terms") && shown.contains("risk-claim"), "{shown}");
    // Its id is known everywhere else: settings, explanations.
    assert_eq!(Category::from_id("late-entry"), Some(Category::LateEntry));
    assert!(!Category::Risk.is_established() && Category::Rationale.is_established());
    // Its signal lists can be added to.
    let text = "language = \"en\"\ncategory = \"risk\"\n[signals]\nrisk-claim = [\"red-flagged\"]\n";
    let book = RuleBook::with_extra(&[RuleSource { name: "team-risk.toml".into(), text: text.into() }]).expect("signals accepted");
    let engine = cofnod::Engine::with_rules(&[RuleSource { name: "team-risk.toml".into(), text: text.into() }], Default::default()).expect("loads");
    drop(book);
    let found = engine.analyse("The house is red-flagged.").findings;
    assert!(found.iter().any(|f| f.rule == "risk/bare-rating"), "{:?}", found.iter().map(|f| &f.rule).collect::<Vec<_>>());
}
