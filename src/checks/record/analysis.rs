//! analysis (issue 16), record level: a record of a kind that should say what its
//! facts mean (an assessment, a review, a visit, a summary) that is description
//! only: no owned judgement ("I think … because"), no "this means", no conclusion.

use super::RecordView;
use crate::finding::{Category, Finding};

const CAT: Category = Category::Analysis;

/// Sentences and words of description before their lack of meaning is a finding:
/// a short review of one score says what it needs to in its figures and quotes.
const MIN_SENTENCES: u16 = 5;
const MIN_WORDS: u32 = 100;

pub(super) fn run(view: &RecordView, out: &mut Vec<Finding>) {
    if view.words() < MIN_WORDS || view.is_brief() {
        return;
    }
    let long = view.title_blocks(3).any(|s| s.long_record);
    let sentences: u16 = view.signals.iter().map(|s| s.sentences).sum();
    let judged = view.signals.iter().any(|s| s.judgement);
    if long && sentences >= MIN_SENTENCES && !judged {
        if let Some(span) = view.title_span() {
            out.push(view.finding(CAT, "description-only", crate::checks::default_severity(CAT), "description-only", span, view.lang()));
        }
    }
}
