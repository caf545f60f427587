//! rationale: a decision, recommendation or closure with no reason recorded.
//!
//! A decision is recognised by its phrasing (practice decisions: "it was agreed",
//! "case closed", "decided not to", "penderfynwyd", "dim camau pellach") or by a
//! "Decision:" label. The person's own choices ("Sam decided to stay in bed") are not
//! in the lists. A reason may be in the same sentence ("because", "so that",
//! "therefore", "oherwydd", "gan fod"), open the next sentence ("This is because"),
//! or follow under a "Reason:" label.

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::document::LabelKind;
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["reason", "reason-next"];

pub struct Rationale;

impl Check for Rationale {
    fn category(&self) -> Category {
        Category::Rationale
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::Rationale;
        let terms = LangRules::terms_set(cat);
        let reason = LangRules::signal_set(cat, "reason");
        let reason_next = LangRules::signal_set(cat, "reason-next");
        let doc = cx.doc;
        for si in 0..doc.sentences.len() {
            let sentence = cx.sentence(si);
            let block = doc.block_of(si);
            let labelled = cx.first_in_block(si) && block.label.is_some_and(|l| l.kind == LabelKind::Decision);
            let hit = cx.unquoted_hits(si, terms).next();
            if hit.is_none() && !labelled {
                continue;
            }
            let opens_with_reason = |n: usize| {
                cx.hits(n, reason_next).any(|h| cx.position_in_sentence(n, h) <= 1)
                    || cx.hits(n, reason).any(|h| cx.position_in_sentence(n, h) == 0)
            };
            // The sentence after, in this block or (at a block's end) the next block.
            let following = cx.next_in_block(si).or_else(|| (si + 1 < doc.sentences.len()).then_some(si + 1));
            let reason_follows = following.is_some_and(|n| {
                let under_reason_label = doc.sentences[n].block != sentence.block && doc.block_of(n).context == Some(LabelKind::Reason);
                opens_with_reason(n) || under_reason_label
            });
            let block_has_reason = labelled && doc.block_sentences[sentence.block].clone().any(|s| cx.has_unquoted(s, reason));
            if cx.has_unquoted(si, reason) || reason_follows || block_has_reason {
                continue;
            }
            let lang = sentence.lang;
            let suggestions = vec![prompt(cx, cat, lang)];
            let finding = match hit {
                Some(hit) => {
                    let term = cx.term(si, hit);
                    let message = term_message(cx, term, lang, "message", cx.text(hit));
                    cx.finding(cat, si, cx.span(hit), RuleRef::Term(term), term.severity, message, suggestions)
                }
                None => {
                    let text = doc.sentence_text(sentence);
                    let message = cx.rules.messages.render(cat, lang, "message", &[("text", text)]);
                    let severity = super::default_severity(cat);
                    cx.finding(cat, si, (sentence.start, sentence.end), RuleRef::Named("decision-without-reason"), severity, message, suggestions)
                }
            };
            out.push(finding);
        }
    }
}
