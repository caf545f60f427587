//! How model signals join the rules' findings. Rules come first and keep what they
//! are good at: exact spans, suggestions, quick fixes. Then, per sentence, the
//! judge's probability for each category can
//! - add a finding (`<category>/model`, on the words that carry it where the judge
//!   can name them, else the sentence) in a sentence where no rule found anything
//!   and the probability reaches the category's `add` threshold for the sentence's
//!   language, and
//! - veto the rules' findings of a category in a sentence where the probability is
//!   below the category's `veto` threshold for that language.
//!
//! The thresholds come from `cofnod train`: chosen on the records' validation
//! split, never the test split (see `finetune.rs`).

use crate::finding::{Category, Finding};
use crate::language::Lang;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug)]
pub struct SentenceScore {
    pub start: usize,
    pub end: usize,
    pub lang: Lang,
    /// Probability per category, in `Category::JUDGED` order.
    pub p: [f32; 6],
    /// Per category, the words that carry it (byte range in the note), where the
    /// model can name them; otherwise the finding marks the sentence.
    pub carrier: [Option<(usize, usize)>; 6],
}

/// What the model may do for one category.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Add a sentence-level finding where no rule found this category and the
    /// model's probability is at least this. Absent: the model adds nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<f32>,
    /// Drop the rules' findings of this category in a sentence where the model's
    /// probability is below this. Absent: the model never vetoes a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto: Option<f32>,
}

/// A category's thresholds for each language: a head can be precise enough to add
/// findings in one language and not in the other.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ByLang {
    #[serde(default)]
    pub en: Thresholds,
    #[serde(default)]
    pub cy: Thresholds,
}

impl ByLang {
    pub fn get(&self, lang: Lang) -> Thresholds {
        match lang {
            Lang::En => self.en,
            Lang::Cy => self.cy,
        }
    }

    pub fn set(&mut self, lang: Lang, t: Thresholds) {
        match lang {
            Lang::En => self.en = t,
            Lang::Cy => self.cy = t,
        }
    }
}

/// The findings (indices) that overlap `start..end`. `by_start` holds every finding's
/// index sorted by start, and `reach[i]` the furthest end among the first `i + 1` of
/// them, so the search looks only at findings that can overlap: a linear pass over
/// a note's sentences, not sentences times findings.
fn overlapping<'a>(findings: &'a [Finding], by_start: &'a [usize], reach: &'a [usize], start: usize, end: usize) -> impl Iterator<Item = usize> + 'a {
    let upto = by_start.partition_point(|&i| findings[i].start < end);
    // The first finding (in start order) whose prefix reaches past `start`.
    let from = reach[..upto].partition_point(|&r| r <= start);
    by_start[from..upto].iter().copied().filter(move |&i| findings[i].end > start)
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
    let mut by_start: Vec<usize> = (0..findings.len()).collect();
    by_start.sort_by_key(|&i| findings[i].start);
    let reach: Vec<usize> = by_start
        .iter()
        .scan(0, |furthest, &i| {
            *furthest = (*furthest).max(findings[i].end);
            Some(*furthest)
        })
        .collect();
    let mut added = Vec::new();
    let mut vetoed = vec![false; findings.len()];
    for s in scores {
        let here: Vec<usize> = overlapping(findings, &by_start, &reach, s.start, s.end).collect();
        // The model adds only where the rules raised nothing at all: a sentence they
        // flagged is being reworked anyway, and out of fold a model finding of another
        // category there was mostly the same problem under a second name.
        let ruled_sentence = !here.is_empty();
        for cat in Category::JUDGED {
            if !enabled(cat) {
                continue;
            }
            let t = thresholds[cat.index()].get(s.lang);
            let p = s.p[cat.index()];
            let ruled: Vec<usize> = here.iter().copied().filter(|&i| findings[i].category == cat).collect();
            if !ruled.is_empty() {
                if t.veto.is_some_and(|v| p < v) {
                    ruled.into_iter().for_each(|i| vetoed[i] = true);
                }
            } else if !ruled_sentence && t.add.is_some_and(|a| p >= a) {
                added.push(make(cat, s, p));
            }
        }
    }
    let mut k = 0;
    findings.retain(|_| {
        k += 1;
        !vetoed[k - 1]
    });
    findings.extend(added);
    findings.sort_by_key(|f| (f.start, f.end, f.category));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

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
        SentenceScore { start, end, lang, p, carrier: [None; 6] }
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
    fn a_veto_drops_the_rules_findings_of_its_category_in_that_sentence_only() {
        let mut t = thresholds();
        t[Category::Vague.index()].en.veto = Some(0.5);
        let scores = [score(0, 40, Lang::En, 0.0), score(41, 80, Lang::En, 0.0)];
        let mut findings = vec![finding(Category::Vague, 10, 20), finding(Category::Rationale, 12, 30), finding(Category::Vague, 50, 60)];
        let mut high = scores.clone();
        high[1].p[Category::Vague.index()] = 0.9;
        combine(&high, &mut findings, &t, &|_| true, &|cat, s, _| finding(cat, s.start, s.end));
        let kept: Vec<(Category, usize)> = findings.iter().map(|f| (f.category, f.start)).collect();
        assert_eq!(kept, vec![(Category::Rationale, 12), (Category::Vague, 50)]);
    }

    #[test]
    fn below_the_threshold_nothing_is_added() {
        assert!(combined(&[score(0, 40, Lang::En, 0.98)], Vec::new()).is_empty());
    }
}
