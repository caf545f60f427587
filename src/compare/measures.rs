//! The recording-quality figures a trainer looks at, for one draft: counted per
//! sentence from the findings and the sentence facts (`checks::facts`), so each
//! figure can be explained in a line ("a decision without a reason is a sentence
//! where the rationale check found one").

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks::facts::SentenceFacts;
use crate::finding::{Category, Finding};
use crate::language::Lang;

/// Cymraeg Clir's limit on a sentence; used for English too, where plain-English
/// guidance asks for an average of 15 to 20 words.
pub const LONG_SENTENCE_WORDS: usize = 25;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Measures {
    pub words: usize,
    pub sentences: usize,
    /// Words per sentence, to one decimal place.
    pub average_sentence_words: f64,
    pub longest_sentence_words: usize,
    /// Sentences over `LONG_SENTENCE_WORDS` words, all languages.
    pub long_sentences: usize,
    /// Of those, Welsh sentences (Cymraeg Clir's limit).
    pub long_welsh_sentences: usize,
    /// Words inside quotation marks: the person's (or someone's) own words.
    pub quoted_words: usize,
    /// Sentences where the writer owns a view ("I think ... because ...") and no
    /// opinion-as-fact finding remains.
    pub opinions_owned_and_evidenced: usize,
    /// Sentences with an owned view but an opinion-as-fact finding (no basis given).
    pub opinions_owned_without_basis: usize,
    /// Judgements stated as fact: opinion-as-fact findings in sentences with no owner.
    pub opinions_as_fact: usize,
    /// Sentences recording a decision with no rationale finding left.
    pub decisions_with_reason: usize,
    /// Rationale findings: each a decision, recommendation or closure with no reason.
    pub decisions_without_reason: usize,
    /// Outcome sentences with no output-as-outcome or own-words finding.
    pub outcomes_in_persons_words: usize,
    /// Outcome sentences with an own-words finding (professional or stock words).
    pub outcomes_in_professional_words: usize,
    /// Sentences with an output-as-outcome finding: a service where an outcome belongs.
    pub outcomes_as_service: usize,
    /// Findings by category id, every category present (zero when none).
    pub findings: BTreeMap<&'static str, usize>,
}

/// A measure in the reports: its field name (the label key is `measure-<id>`),
/// how to read a change, and its value.
pub struct Measure {
    pub id: &'static str,
    /// `Some(true)` when more is better, `Some(false)` when less is, `None` when neither.
    pub more_is_better: Option<bool>,
    pub value: fn(&Measures) -> f64,
}

/// The measures, in report order.
pub const MEASURES: [Measure; 15] = [
    Measure { id: "words", more_is_better: None, value: |m| m.words as f64 },
    Measure { id: "sentences", more_is_better: None, value: |m| m.sentences as f64 },
    Measure { id: "average_sentence_words", more_is_better: Some(false), value: |m| m.average_sentence_words },
    Measure { id: "longest_sentence_words", more_is_better: Some(false), value: |m| m.longest_sentence_words as f64 },
    Measure { id: "long_sentences", more_is_better: Some(false), value: |m| m.long_sentences as f64 },
    Measure { id: "long_welsh_sentences", more_is_better: Some(false), value: |m| m.long_welsh_sentences as f64 },
    Measure { id: "quoted_words", more_is_better: Some(true), value: |m| m.quoted_words as f64 },
    Measure { id: "opinions_owned_and_evidenced", more_is_better: Some(true), value: |m| m.opinions_owned_and_evidenced as f64 },
    Measure { id: "opinions_owned_without_basis", more_is_better: Some(false), value: |m| m.opinions_owned_without_basis as f64 },
    Measure { id: "opinions_as_fact", more_is_better: Some(false), value: |m| m.opinions_as_fact as f64 },
    Measure { id: "decisions_with_reason", more_is_better: Some(true), value: |m| m.decisions_with_reason as f64 },
    Measure { id: "decisions_without_reason", more_is_better: Some(false), value: |m| m.decisions_without_reason as f64 },
    Measure { id: "outcomes_in_persons_words", more_is_better: Some(true), value: |m| m.outcomes_in_persons_words as f64 },
    Measure { id: "outcomes_in_professional_words", more_is_better: Some(false), value: |m| m.outcomes_in_professional_words as f64 },
    Measure { id: "outcomes_as_service", more_is_better: Some(false), value: |m| m.outcomes_as_service as f64 },
];

/// The index of the sentence holding byte `offset`, if any (sentences in text order).
pub fn sentence_at(facts: &[SentenceFacts], offset: usize) -> Option<usize> {
    let i = facts.partition_point(|s| s.start <= offset);
    i.checked_sub(1).filter(|&i| offset < facts[i].end.max(facts[i].start + 1))
}

pub fn measure(facts: &[SentenceFacts], findings: &[Finding]) -> Measures {
    // The six established checks always; a newer one where it is found.
    let mut m = Measures { findings: Category::JUDGED.iter().map(|c| (c.id(), 0)).collect(), ..Measures::default() };
    // Which categories were found in each sentence, and how many opinion findings.
    let mut found = vec![[0usize; Category::ALL.len()]; facts.len()];
    for f in findings {
        *m.findings.entry(f.category.id()).or_default() += 1;
        // A record-level prompt (Why 2: no options weighed) is not a decision with
        // no reason: the sentence measures count the sentence checks' findings.
        if let (Some(si), false) = (sentence_at(facts, f.start), crate::checks::record::is_record_rule(&f.rule)) {
            found[si][f.category.index()] += 1;
        }
    }
    let has = |si: usize, cat: Category| found[si][cat.index()] > 0;
    for (si, s) in facts.iter().enumerate() {
        m.words += s.words;
        m.quoted_words += s.quoted_words;
        if s.words > 0 {
            m.sentences += 1;
            m.longest_sentence_words = m.longest_sentence_words.max(s.words);
        }
        if s.words > LONG_SENTENCE_WORDS {
            m.long_sentences += 1;
            if s.lang == Lang::Cy {
                m.long_welsh_sentences += 1;
            }
        }
        let opinions = found[si][Category::OpinionAsFact.index()];
        match (s.owned_view, opinions) {
            (true, 0) => m.opinions_owned_and_evidenced += 1,
            (true, _) => m.opinions_owned_without_basis += 1,
            (false, n) => m.opinions_as_fact += n,
        }
        m.decisions_without_reason += found[si][Category::Rationale.index()];
        if s.decision && !has(si, Category::Rationale) {
            m.decisions_with_reason += 1;
        }
        if has(si, Category::OutputAsOutcome) {
            m.outcomes_as_service += 1;
        } else if s.outcome && has(si, Category::OwnWords) {
            m.outcomes_in_professional_words += 1;
        } else if s.outcome {
            m.outcomes_in_persons_words += 1;
        }
    }
    if m.sentences > 0 {
        m.average_sentence_words = (m.words as f64 / m.sentences as f64 * 10.0).round() / 10.0;
    }
    m
}
