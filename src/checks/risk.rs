//! risk (issue 16): a risk stated as a rating or a fact ("risk is low", "high risk
//! of falls", "not safe to be left", "RAG-rated amber", "no risks identified") with
//! nothing that makes it defensible: no reason or evidence ("because", "since she
//! fell twice") and nothing in place ("a pendant alarm is fitted", "the plan is").
//! Read a block at a time with the next block's first sentence, like the other
//! sentence checks (what the editor's cache re-checks together). A block's first
//! claim is read (one finding a block at most): a later claim in a block whose first
//! is supported is taken to share its reasons.

use super::{prompt, Check, Context, RuleRef};
use crate::document::LabelKind;
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["risk-claim", "risk-basis", "risk-plan", "risk-level", "risk-word"];

/// Most words in a short risk line ("Risk of neglect.", "Self-neglect risk ongoing.")
/// that is read as a claim whatever its words.
const SHORT_LINE: usize = 10;

/// Words after "risk" that make it the name of a form or a meeting ("Risk
/// assessment form sent"), not a risk.
const DOCUMENT_WORDS: &[&str] = &["assessment", "assessments", "form", "management", "panel", "meeting", "register", "plan", "matrix", "tool", "asesiad", "ffurflen", "cyfarfod", "cynllun", "panel", "gofrestr"];

/// Does the word at token `next` name a document or meeting?
fn names_a_document(doc: &crate::document::Document, next: usize) -> bool {
    doc.tokens.get(next).is_some_and(|t| DOCUMENT_WORDS.contains(&doc.text[t.start..t.end].to_lowercase().as_str()))
}

pub struct Risk;

impl Check for Risk {
    fn category(&self) -> Category {
        Category::Risk
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::Risk;
        let claim = LangRules::signal_set(cat, "risk-claim");
        let level = LangRules::signal_set(cat, "risk-level");
        let word = LangRules::signal_set(cat, "risk-word");
        let owned = LangRules::signal_set(Category::Analysis, "judgement");
        let support = [LangRules::signal_set(cat, "risk-basis"), LangRules::signal_set(cat, "risk-plan")];
        let doc = cx.doc;
        let next_first = cx.next_block_first_sentences();
        for (b, range) in doc.block_sentences.iter().enumerate() {
            if range.is_empty() {
                continue;
            }
            // "Risk to others: low" — a rating under a risk label.
            let labelled = doc.blocks[b].context == Some(LabelKind::Risk);
            let mut first = None;
            for si in range.clone() {
                // A short line that names a risk and nothing else is a claim too.
                let short = doc.sentences[si].tokens.len() <= SHORT_LINE && range.len() <= 2 && doc.blocks[b].kind != crate::document::BlockKind::Heading;
                let hit = cx
                    .unquoted_hits(si, claim)
                    .next()
                    .or_else(|| if labelled { cx.unquoted_hits(si, level).next() } else { None })
                    .or_else(|| if short { cx.unquoted_hits(si, word).find(|h| !names_a_document(doc, h.end)) } else { None });
                if let Some(h) = hit {
                    first = Some((si, cx.span(h)));
                    break;
                }
            }
            let Some((si, span)) = first else { continue };
            // A bare rating ("Risk: high") is also opinion stated as fact
            // (`opinion-as-fact/risk-level`): both findings stand, one asking for the
            // basis of the judgement, this one for what is known and what is in place.
            // Reasons or a plan in the claim's sentence, or opening the one after it
            // ("This is because…", "Plan: …"; the next block's first, at a block's end).
            // A later sentence with a "because" is about something else as often as not.
            let after = if si + 1 < range.end { Some(si + 1) } else { next_first[b] };
            let opens = |n: usize| {
                support.iter().any(|&set| cx.hits(n, set).any(|h| cx.position_in_sentence(n, h) <= 2))
                    || doc.blocks[doc.sentences[n].block].context.is_some_and(|k| matches!(k, LabelKind::Plan | LabelKind::Reason))
                        && doc.sentences[n].block != doc.sentences[si].block
            };
            let any = |n: usize| support.iter().any(|&set| cx.has_unquoted(n, set));
            // The evidence may come just before ("He fell twice this week. I think the
            // risk is high."), or after an owned judgement ("I judge it high. She has …").
            let before = (si > range.start).then(|| si - 1);
            let supported = any(si) || before.is_some_and(any) || after.is_some_and(opens) || (cx.has(si, owned) && after.is_some_and(any));
            if supported {
                continue;
            }
            let lang = doc.sentences[si].lang;
            let message = cx.render(cat, lang, "message", &[("text", &doc.text[span.0..span.1])]);
            out.push(cx.finding(si, span, RuleRef::Named(cat, "bare-rating"), super::default_severity(cat), message, vec![prompt(cx, cat, lang)]));
        }
    }
}
