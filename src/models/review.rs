//! How model signals join the rules' findings. Rules come first and keep what they
//! are good at: exact spans, suggestions, quick fixes. Then, per sentence, the heads'
//! probability for each category can
//! - add a sentence-level finding (`<category>/model`) where no rule found that
//!   category in the sentence and the probability reaches the category's `add`
//!   threshold, and
//! - veto the rules' findings of a category in a sentence where the probability is
//!   below the category's `veto` threshold.
//!
//! The thresholds come from `cofnod train`: cross-validation over the train and
//! validation splits, never the test split (see `train.rs`).

use crate::document::Document;
use crate::finding::{Category, Finding};
use crate::language::Lang;

use super::heads::{Heads, Thresholds};
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
    thresholds: &[Thresholds; 6],
    enabled: &dyn Fn(Category) -> bool,
    make: &dyn Fn(Category, &SentenceScore, f32) -> Finding,
) {
    let mut added = Vec::new();
    for s in scores {
        for cat in Category::ALL {
            if !enabled(cat) {
                continue;
            }
            let t = thresholds[cat.index()];
            let p = s.p[cat.index()];
            let in_sentence = |f: &Finding| f.category == cat && f.start < s.end && f.end > s.start;
            let ruled = findings.iter().any(in_sentence);
            if ruled {
                if t.veto.is_some_and(|v| p < v) {
                    findings.retain(|f| !in_sentence(f));
                }
            } else if t.add.is_some_and(|a| p >= a) {
                added.push(make(cat, s, p));
            }
        }
    }
    findings.extend(added);
    findings.sort_by_key(|f| (f.start, f.end, f.category));
}
