//! The fluency gate: a fix or rewrite is shown only if it reads at least as well as
//! the sentence it replaces. With no model installed this is the whole gate, in both
//! languages: a list of the ways a swapped phrase breaks a sentence (each seen in a
//! fix that once broke one), counted in the original and in the candidate. A
//! candidate with a breakage the original did not have is refused. With the
//! generator installed, English rewrites also face its likelihood
//! (`models::rewrite`).
//!
//! The list is deliberately of things that are never right, so that it cannot refuse
//! a good fix: "to to", "a the", "told about to the", "an" before a consonant, "been
//! seemed", a sentence that loses its capital; in Welsh "â" before a vowel, "â â",
//! and a radical form straight after a word that always mutates the next ("i tîm",
//! "â cyfarfod").

use crate::language::Lang;
use crate::welsh;

/// Word pairs a fix has produced and that are never right in a record.
const EN_NEVER: &[&str] = &[
    "of to", "to of", "with to", "for to", "at to", "about to the", "about to a", "about to an", "details of to", "with with", "to to", "of of",
    "about about", "the a", "a the", "an the", "the an", "a a", "an an", "the the", "a an", "an a", "up it", "up them",
];
/// Forms of "be" that never come straight before these.
const EN_BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];
const EN_NOT_AFTER_BE: &[&str] = &["seemed", "seems", "looks", "has", "had", "have"];
/// Words a doubling of is grammatical ("had had", "that that").
const EN_MAY_DOUBLE: &[&str] = &["had", "that", "is"];

/// The breakages of `text`, each named by the words that show it.
pub fn breakages(text: &str, lang: Lang) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace())
        .map(|w| w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-')))
        .filter(|w| !w.is_empty())
        .collect();
    // Words split by punctuation ("care. The") are not a pair.
    let raw: Vec<&str> = text.split_whitespace().collect();
    let joined = |i: usize| raw.get(i).is_some_and(|w| !w.ends_with([',', '.', ';', ':', '!', '?', ')', '—', '–']));
    let mut out = Vec::new();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let pairs_ok = words.len() == raw.len();
    for i in 0..lower.len().saturating_sub(1) {
        if pairs_ok && !joined(i) {
            continue;
        }
        let (a, b) = (&lower[i], &lower[i + 1]);
        let pair = format!("{a} {b}");
        match lang {
            Lang::En => {
                let triple = lower.get(i + 2).map(|c| format!("{pair} {c}"));
                if EN_NEVER.contains(&pair.as_str()) || triple.as_deref().is_some_and(|t| EN_NEVER.contains(&t)) {
                    out.push(pair.clone());
                } else if a == b && a.chars().all(char::is_alphabetic) && !EN_MAY_DOUBLE.contains(&a.as_str()) {
                    out.push(pair.clone());
                } else if EN_BE.contains(&a.as_str()) && EN_NOT_AFTER_BE.contains(&b.as_str()) && !(a == "is" && b == "has") {
                    out.push(pair.clone());
                } else if (a == "a" || a == "an") && b.chars().all(char::is_lowercase) && words[i + 1].chars().all(|c| !c.is_uppercase()) {
                    // "a" before a vowel sound, "an" before a consonant (lowercase
                    // words only: "an MDT" is said "an em-dee-tee").
                    if super::fixes::article_for(b) != a {
                        out.push(pair.clone());
                    }
                }
            }
            Lang::Cy => {
                let doubled = a == b && a.chars().all(char::is_alphabetic) && !["bod", "yn", "na", "nad"].contains(&a.as_str());
                let two_preps = ["â", "gyda", "efo"].contains(&a.as_str()) && ["â", "gyda", "efo", "â'r", "â’r"].contains(&b.as_str());
                let a_before_vowel = a == "â" && welsh::starts_with_vowel(b);
                // A radical straight after a word that always mutates the next: the
                // mutation was lost ("i tîm"). Only p, t, c, ll and rh tell: a word
                // in b, d, g or m may be a mutated form already ("i gymorth"). Names
                // and English words keep their capital, and are left out; "a" is
                // "and" (aspirate) or the relative (soft), so it is left out too.
                let word = words[i + 1];
                let radical = {
                    let w = b.as_str();
                    (w.starts_with(['p', 't', 'c']) && !w.starts_with("ph") && !w.starts_with("th") && !w.starts_with("ch"))
                        || w.starts_with("ll")
                        || w.starts_with("rh")
                };
                let lost = a != "a"
                    && radical
                    && !word.starts_with(char::is_uppercase)
                    && welsh::mutation_after(a).is_some_and(|m| welsh::mutate(word, m) != word);
                if doubled || two_preps || a_before_vowel || lost {
                    out.push(pair.clone());
                }
            }
        }
    }
    // A sentence starts with a capital.
    if let Some(first) = text.trim_start().chars().find(|c| c.is_alphabetic()) {
        if first.is_lowercase() {
            out.push("a sentence with no capital".to_string());
        }
    }
    out
}

/// The breakages `candidate` has that `original` does not (empty if it reads at
/// least as well, by this measure).
pub fn new_breakages(original: &str, candidate: &str, lang: Lang) -> Vec<String> {
    let mut before = breakages(original, lang);
    let mut out = Vec::new();
    for b in breakages(candidate, lang) {
        if let Some(i) = before.iter().position(|x| *x == b) {
            before.swap_remove(i);
        } else {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breakages_fixes_once_made_are_caught() {
        assert_eq!(new_breakages("Mrs Jones was signposted to the falls service.", "Mrs Jones was told about to the falls service.", Lang::En), ["about to"]);
        assert_eq!(new_breakages("She presents with low mood.", "She has been seemed low mood.", Lang::En), ["been seemed"]);
        assert_eq!(new_breakages("He has a package of care.", "He has a care and support.", Lang::En), Vec::<String>::new(), "not on the never-list: the frames handle it");
        assert_eq!(new_breakages("An MDT was held.", "An team meeting was held.", Lang::En), ["an team"]);
        assert_eq!(new_breakages("Case closed.", "case closed.", Lang::En), ["a sentence with no capital"]);
        assert_eq!(new_breakages("Mae ganddi becyn gofal.", "Mae ganddi cymorth.", Lang::Cy), ["ganddi cymorth"]);
        assert_eq!(new_breakages("Aeth i MDT.", "Aeth i tîm.", Lang::Cy), ["i tîm"]);
        assert_eq!(new_breakages("Siaradodd â'r tîm.", "Siaradodd â â'r tîm.", Lang::Cy), ["â â'r"]);
        assert_eq!(new_breakages("Siaradodd â Mr Hughes.", "Siaradodd â ymwelydd.", Lang::Cy), ["â ymwelydd"]);
    }

    #[test]
    fn what_reads_well_is_not_refused() {
        for (o, c) in [
            ("I signposted Mrs Ali to the carers centre.", "I gave Mrs Ali details of the carers centre."),
            ("He had had a fall.", "He had had a fall."),
            ("She is about to move.", "She is about to move."),
            ("An MDT was held.", "A team meeting was held."),
            ("Care. The plan.", "Care. The plan."),
        ] {
            assert!(new_breakages(o, c, Lang::En).is_empty(), "{c}");
        }
        for (o, c) in [
            ("Mae ganddi becyn gofal.", "Mae ganddi ofal a chymorth."),
            ("Aeth i Gaerdydd i'r MDT.", "Aeth i Gaerdydd i'r cyfarfod tîm."),
            ("Gwelwyd bod Dad yn flin.", "Gwelais i fod Dad yn flin."),
            ("Trafodwyd yr honiadau.", "Trafodon ni'r honiadau."),
            ("Cynigiwyd ymyrraeth i'r teulu.", "Cynigiais i gymorth i'r teulu."),
            ("Aeth i MDT.", "Aeth i gyfarfod tîm."),
        ] {
            assert!(new_breakages(o, c, Lang::Cy).is_empty(), "{c}: {:?}", new_breakages(o, c, Lang::Cy));
        }
    }
}
