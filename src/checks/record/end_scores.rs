//! outcome-score, the review half (issue 16): a review or closing record that names
//! the person's outcomes but gives no end score against them ("scores have gone up",
//! "outcomes achieved", "end scores to follow"). A score counts as an end score when
//! its sentence says so ("now 6", "today: 7/10", "end score 8") or names no starting
//! point or goal. Only records that use scores at all are read: not every review
//! scores outcomes.

use super::{BlockSignals, RecordView, MIN_WORDS};
use crate::checks::Context;
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

const CAT: Category = Category::OutcomeScore;

pub(super) fn read_sentence(cx: &Context, si: usize, s: &mut BlockSignals) {
    let set = |name| LangRules::signal_set(CAT, name);
    let doc = cx.doc;
    let sentence = &doc.sentences[si];
    if si == doc.block_sentences[sentence.block].start {
        s.review_title |= cx.has(si, set("review-record"));
    }
    s.outcome_named |= cx.has(si, set("outcome-word")) || doc.block_of(si).context == Some(crate::document::LabelKind::Outcome);
    // Scores are numbers: a sentence with no digit has none (most sentences).
    if !doc.text[sentence.start..sentence.end].bytes().any(|b| b.is_ascii_digit()) {
        s.scoring |= cx.has_unquoted(si, set("score-word"));
        return;
    }
    // "Now: 9", "End: 7", "heddiw … (10)": a number from 0 to 10 just after an end word.
    let number = |t: usize| doc.tokens.get(t).is_some_and(|t| doc.text[t.start..t.end].parse::<u32>().is_ok_and(|n| n <= 10));
    if cx.hits(si, set("end-word")).any(|h| (h.end..(h.end + 3).min(sentence.tokens.end)).any(number)) {
        s.end_score = true;
    }
    let worded = cx.unquoted_hits(si, set("score-word")).next().map(|h| cx.span(h).0);
    s.scoring |= worded.is_some();
    if crate::checks::outcome_score::score_in(doc.text, sentence.start, sentence.end, worded).is_some() {
        let start_or_goal = cx.has(si, set("baseline-goal"));
        s.end_score |= cx.has(si, set("end-word")) || !start_or_goal;
    }
}

pub(super) fn run(view: &RecordView, out: &mut Vec<Finding>) {
    if view.words() < MIN_WORDS || !view.title_blocks(2).any(|s| s.review_title) {
        return;
    }
    // Only where the record scores outcomes at all: not every review uses the scale.
    let outcomes = view.signals.iter().any(|s| s.outcome_named);
    let scoring = view.signals.iter().any(|s| s.scoring);
    let scored = view.signals.iter().any(|s| s.end_score);
    if outcomes && scoring && !scored {
        if let Some(span) = view.title_span() {
            out.push(view.finding(CAT, "no-end-score", crate::checks::default_severity(CAT), "no-end-score", span, view.lang()));
        }
    }
}
