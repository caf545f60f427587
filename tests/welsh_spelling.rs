//! Every word cofnod puts into a Welsh note is a real Welsh form (issue 15): the Welsh
//! word lists' replacements, and the Welsh fixes as applied to their examples (mutated
//! forms included), checked against the Welsh Hunspell dictionary (techiaith/hunspell-cy,
//! LGPL-3.0-or-later, in `tests/data/hunspell-cy`; used by the tests only, not shipped),
//! read with the `spellbook` crate.

use cofnod::{Engine, Lang};

fn dictionary() -> spellbook::Dictionary {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hunspell-cy");
    let read = |name: &str| {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        text.trim_start_matches('\u{feff}').to_string()
    };
    spellbook::Dictionary::new(&read("cy_GB.aff"), &read("cy_GB.dic")).expect("the Welsh dictionary parses")
}

/// The words of `text` to check: no numbers, no words in capitals (acronyms, names).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()) && !w.chars().next().is_some_and(char::is_uppercase))
        .map(|w| w.replace('’', "'"))
        .collect()
}

/// A word the dictionary knows, as written or in the form it lists ("'r" joined to
/// the word before is a clitic, checked alone).
/// A mutated form the dictionary lacks counts by its radical ("fer", the soft form of
/// "ber" after a feminine noun).
fn known(dict: &spellbook::Dictionary, word: &str) -> bool {
    let one = |w: &str| cofnod::welsh::radical_forms(&w.to_lowercase()).iter().any(|r| dict.check(r));
    one(word) || word.split('\'').filter(|p| !p.is_empty() && *p != "r" && *p != "n" && *p != "i").all(one)
}

#[test]
fn every_word_of_every_welsh_replacement_is_a_welsh_word() {
    let dict = dictionary();
    let engine = Engine::new();
    let mut unknown = Vec::new();
    let mut checked = 0;
    for term in &engine.rules().lang(Lang::Cy).terms {
        for s in term.suggest.iter().chain(&term.passive) {
            for w in words(s) {
                checked += 1;
                if !known(&dict, &w) {
                    unknown.push(format!("{}: {w} (in “{s}”)", term.rule));
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} words checked");
    assert!(unknown.is_empty(), "not in the Welsh dictionary:\n{}", unknown.join("\n"));
}

#[test]
fn every_welsh_fix_in_the_examples_reads_as_welsh_words() {
    let dict = dictionary();
    let engine = Engine::new();
    let mut unknown = Vec::new();
    for term in &engine.rules().lang(Lang::Cy).terms {
        for [_, after] in &term.examples {
            for w in words(after) {
                if !known(&dict, &w) {
                    unknown.push(format!("{}: {w} (in “{after}”)", term.rule));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "not in the Welsh dictionary:\n{}", unknown.join("\n"));
}

#[test]
fn the_dictionary_knows_mutated_forms_and_refuses_a_wrong_one() {
    let dict = dictionary();
    for w in ["gofal", "ofal", "chyfarfod", "gyfarfod", "nhîm"] {
        assert!(dict.check(w), "{w}");
    }
    // The radical left after a trigger is a real word too: the dictionary checks
    // spelling, so mutation after a trigger is pinned by tests/fixes.rs instead.
    assert!(!dict.check("cyfarfodd"), "a misspelling is refused");
}
