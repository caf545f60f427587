//! rationale, Why 2 (issue 16), record level: a big decision (a closure, a
//! placement or a move into care, no further action, a cut or an end to support)
//! that gives its reason but shows no other option weighed anywhere in the record.
//! A gentle finding (info): the reason is there, and Why 1 (`rationale.rs`) already
//! asks for it where it is not.

use super::{BlockSignals, RecordView, MIN_WORDS};
use crate::checks::Context;
use crate::finding::{Category, Finding, Severity};
use crate::document::LabelKind;
use crate::rulebook::LangRules;

const CAT: Category = Category::Rationale;

pub(super) fn read_sentence(cx: &Context, si: usize, s: &mut BlockSignals, rel: &dyn Fn((usize, usize)) -> (u32, u32)) {
    s.alternatives |= cx.has_unquoted(si, LangRules::signal_set(CAT, "alternatives"));
    if s.decision.is_some() {
        return;
    }
    let Some(hit) = cx.unquoted_hits(si, LangRules::signal_set(CAT, "big-decision")).next() else {
        return;
    };
    let reason = LangRules::signal_set(CAT, "reason");
    // The reason in the sentence, or in the sentence after it in the block.
    let reasoned = cx.has_unquoted(si, reason) || cx.next_in_block(si).is_some_and(|n| cx.has_unquoted(n, reason) || cx.has(n, LangRules::signal_set(CAT, "reason-next")));
    if reasoned {
        let (a, z) = cx.span(hit);
        s.decision = Some(rel((a, z)));
    }
}

/// A block labelled as a decision, and whether a block gives a reason.
pub(super) fn read_block(cx: &Context, b: usize, s: &mut BlockSignals) {
    let doc = cx.doc;
    let block = &doc.blocks[b];
    let range = doc.block_sentences[b].clone();
    let reason = LangRules::signal_set(CAT, "reason");
    s.reason_label = block.context == Some(LabelKind::Reason) && !range.is_empty();
    s.has_reason = s.reason_label || range.clone().any(|si| cx.has_unquoted(si, reason));
    if block.label.is_some_and(|l| l.kind == LabelKind::Decision) && !range.is_empty() {
        let first = &doc.sentences[range.start];
        s.decision_label = Some(((first.start - block.start) as u32, (first.end - block.start) as u32));
    }
}

pub(super) fn run(view: &RecordView, out: &mut Vec<Finding>) {
    if view.words() < MIN_WORDS || view.signals.iter().any(|s| s.alternatives) {
        return;
    }
    // A big decision with its reason in its sentence; or any labelled decision with
    // a reason in its block or in a "Reason:" block after it.
    let with_words = |b: usize| (b + 1..view.signals.len()).find(|&n| view.signals[n].words > 0);
    let labelled = view.signals.iter().enumerate().find_map(|(b, s)| {
        let span = s.decision_label?;
        let reasoned = s.has_reason || with_words(b).is_some_and(|n| view.signals[n].reason_label);
        reasoned.then_some((b, span))
    });
    let found = view.signals.iter().enumerate().find_map(|(b, s)| s.decision.map(|d| (b, d)));
    let first = match (found, labelled) {
        (Some(a), Some(l)) => Some(if a.0 <= l.0 { a } else { l }),
        (a, l) => a.or(l),
    };
    if let Some((b, span)) = first {
        let lang = view.signals[b].lang().unwrap_or_else(|| view.lang());
        out.push(view.finding(CAT, "no-alternatives", Severity::Info, "no-alternatives", view.absolute(b, span), lang));
    }
}
