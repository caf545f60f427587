//! How model signals join the rules' findings. Rules come first and keep what they
//! are good at: exact spans, suggestions, quick fixes. Then, per sentence, the heads'
//! probability for each category can
//! - add a sentence-level finding (`<category>/model`) in a sentence where no rule
//!   found anything and the probability reaches the category's `add` threshold for
//!   the sentence's language, and
//! - veto the rules' findings of a category in a sentence where the probability is
//!   below the category's `veto` threshold for that language.
//!
//! The thresholds come from `cofnod train`: cross-validation over the train and
//! validation splits, never the test split (see `train.rs`).

use crate::document::Document;
use crate::finding::{Category, Finding};
use crate::language::Lang;

use super::heads::{ByLang, Heads};
use super::Models;

/// Sentences shorter than this many words carry too little for the encoder.
const MIN_WORDS: usize = 3;

#[derive(Clone, Debug)]
pub struct SentenceScore {
    pub start: usize,
    pub end: usize,
    pub lang: Lang,
    /// Probability per category, in `Category::ALL` order.
    pub p: [f32; 6],
}

/// The heads' probabilities for every sentence of the document with enough words.
pub fn score_sentences(models: &Models, heads: &Heads, doc: &Document) -> Result<Vec<SentenceScore>, candle_core::Error> {
    let chosen: Vec<_> = doc
        .sentences
        .iter()
        .filter(|s| doc.sentence_tokens(s).len() >= MIN_WORDS)
        .collect();
    let texts: Vec<&str> = chosen.iter().map(|s| doc.sentence_text(s).trim()).collect();
    let embeddings = models.embed(&texts)?;
    Ok(chosen
        .iter()
        .zip(embeddings)
        .map(|(s, e)| SentenceScore { start: s.start, end: s.end, lang: s.lang, p: heads.probabilities(&e) })
        .collect())
}

/// Apply the thresholds: veto weak rule findings, add confident model findings.
/// `make` builds the finding for (category, sentence, probability); `enabled` says
/// whether a category may be touched at all (settings can switch it off).
pub fn combine(
    scores: &[SentenceScore],
    findings: &mut Vec<Finding>,
    thresholds: &[ByLang; 6],
    enabled: &dyn Fn(Category) -> bool,
    make: &dyn Fn(Category, &SentenceScore, f32) -> Finding,
) {
    let mut added = Vec::new();
    for s in scores {
        // The model adds only where the rules raised nothing at all: a sentence they
        // flagged is being reworked anyway, and out of fold a model finding of another
        // category there was mostly the same problem under a second name.
        let ruled_sentence = findings.iter().any(|f| f.start < s.end && f.end > s.start);
        for cat in Category::ALL {
            if !enabled(cat) {
                continue;
            }
            let t = thresholds[cat.index()].get(s.lang);
            let p = s.p[cat.index()];
            let in_sentence = |f: &Finding| f.category == cat && f.start < s.end && f.end > s.start;
            let ruled = findings.iter().any(in_sentence);
            if ruled {
                if t.veto.is_some_and(|v| p < v) {
                    findings.retain(|f| !in_sentence(f));
                }
            } else if !ruled_sentence && t.add.is_some_and(|a| p >= a) {
                added.push(make(cat, s, p));
            }
        }
    }
    findings.extend(added);
    findings.sort_by_key(|f| (f.start, f.end, f.category));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::models::heads::Thresholds;

    fn finding(category: Category, start: usize, end: usize) -> Finding {
        Finding {
            category,
            rule: format!("{}/rule", category.id()),
            severity: Severity::Info,
            message: String::new(),
            start,
            end,
            lang: Lang::En,
            suggestions: Vec::new(),
        }
    }

    fn score(start: usize, end: usize, lang: Lang, own_words: f32) -> SentenceScore {
        let mut p = [0.0; 6];
        p[Category::OwnWords.index()] = own_words;
        SentenceScore { start, end, lang, p }
    }

    /// own-words may be added in English at 0.99 and in Welsh at 0.999 only.
    fn thresholds() -> [ByLang; 6] {
        let mut t = [ByLang::default(); 6];
        t[Category::OwnWords.index()] = ByLang {
            en: Thresholds { add: Some(0.99), veto: None },
            cy: Thresholds { add: Some(0.999), veto: None },
        };
        t
    }

    fn combined(scores: &[SentenceScore], rules: Vec<Finding>) -> Vec<(Category, usize, String)> {
        let mut findings = rules;
        combine(scores, &mut findings, &thresholds(), &|_| true, &|cat, s, _| Finding { rule: format!("{}/model", cat.id()), ..finding(cat, s.start, s.end) });
        findings.into_iter().map(|f| (f.category, f.start, f.rule)).collect()
    }

    #[test]
    fn adds_only_in_sentences_the_rules_left_alone() {
        // Sentence 0..40 has a rule's vague finding; sentence 41..80 has nothing.
        let scores = [score(0, 40, Lang::En, 0.995), score(41, 80, Lang::En, 0.995)];
        let got = combined(&scores, vec![finding(Category::Vague, 10, 20)]);
        assert_eq!(got, vec![(Category::Vague, 10, "vague/rule".to_string()), (Category::OwnWords, 41, "own-words/model".to_string())]);
    }

    #[test]
    fn each_language_has_its_own_threshold() {
        let scores = [score(0, 40, Lang::En, 0.995), score(41, 80, Lang::Cy, 0.995), score(81, 120, Lang::Cy, 0.9995)];
        let got: Vec<usize> = combined(&scores, Vec::new()).into_iter().map(|f| f.1).collect();
        assert_eq!(got, vec![0, 81], "0.995 is enough in English, not in Welsh");
    }

    #[test]
    fn below_the_threshold_nothing_is_added() {
        assert!(combined(&[score(0, 40, Lang::En, 0.98)], Vec::new()).is_empty());
    }
}
