//! rationale: a decision, recommendation or closure with no reason recorded.
//!
//! A decision is recognised by its phrasing (practice decisions: "it was agreed",
//! "case closed", "decided not to", "penderfynwyd", "dim camau pellach") or by a
//! "Decision:" label. The person's own choices ("Sam decided to stay in bed") are not
//! in the lists. A reason may be in the same sentence ("because", "so that",
//! "therefore", "oherwydd", "gan fod"), or after a colon; in the next sentence, opening
//! it ("This is because") or as an explanation of its own (see `EXPLANATION_WORDS`);
//! or under a "Reason:" label below.

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::document::LabelKind;
use crate::finding::{Category, Finding, Suggestion};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["reason", "reason-next", "follow-up", "title", "big-decision", "alternatives"];

/// A line this short, with no full stop and a word that names a document ("summary",
/// "crynodeb"), is a record's title ("Case Closure Summary"), not a decision.
const TITLE_WORDS: usize = 8;

/// A sentence after a decision, in the same paragraph, of at least this many words,
/// that is not itself a decision or a follow-up action, is read as its reason
/// ("Case closed. Mr Ahmed is back at work and told me he no longer wants visits.").
const EXPLANATION_WORDS: usize = 8;

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
        let follow_up = LangRules::signal_set(cat, "follow-up");
        let title = LangRules::signal_set(cat, "title");
        let doc = cx.doc;
        // The block whose first statement's end is known, and that end.
        let mut field_end: Option<(usize, usize)> = None;
        for si in 0..doc.sentences.len() {
            let sentence = cx.sentence(si);
            // A decision by label: the first sentence under "Decision:", a "Decisions:"
            // line, or a "## Decision" heading.
            let labelled = cx.opens_labelled(si, LabelKind::Decision);
            // A service under an outcome label is output-as-outcome's to judge. A label
            // on the block's own first line ("Outcome: referral made.") covers its first
            // statement: a sentence after it ("Case closed." on the next line) is the
            // note going on.
            if cx.context(si) == Some(LabelKind::Outcome) {
                // Worked out once per block (sentences come in order), so a long
                // labelled block costs one pass.
                let block = doc.block_of(si);
                if field_end.is_none_or(|(b, _)| b != sentence.block) {
                    field_end = Some((sentence.block, block.first_statement_end(doc.text)));
                }
                let after_field = block.label.is_some() && field_end.is_some_and(|(_, end)| sentence.start >= end);
                if !after_field {
                    continue;
                }
            }
            let hit = cx.unquoted_hits(si, terms).next();
            if hit.is_none() && !labelled {
                continue;
            }
            // Headings and titles name what follows; they decide nothing.
            let text = doc.sentence_text(sentence).trim_end();
            let block = doc.block_of(si);
            let before = doc.text[..sentence.start].trim_end_matches([' ', '\t']);
            let after = doc.text[sentence.end..].trim_start_matches([' ', '\t']);
            let one_line = !text.contains('\n') && (before.is_empty() || before.ends_with('\n')) && (after.is_empty() || after.starts_with(['\n', '\r']));
            let titled = one_line
                && sentence.tokens.len() <= TITLE_WORDS
                && !text.ends_with(['.', '!', '?'])
                && cx.has_unquoted(si, title);
            if block.kind == crate::document::BlockKind::Heading || titled {
                continue;
            }
            // "Agreed at the meeting:" introduces a list; its items carry the reasons.
            if doc.sentence_text(sentence).trim_end().ends_with(':') {
                continue;
            }
            // The sentence after, in this block or (at a block's end) the next block.
            let next_in_block = cx.next_in_block(si);
            let explains = |n: usize| {
                let s = &doc.sentences[n];
                s.tokens.len() >= EXPLANATION_WORDS
                    && !cx.has(n, terms)
                    && !cx.has(n, follow_up)
            };
            let reason_follows = match next_in_block {
                Some(n) => {
                    cx.has_unquoted(n, reason) || cx.hits(n, reason_next).any(|h| cx.position_in_sentence(n, h) <= 1) || explains(n)
                }
                None => (si + 1 < doc.sentences.len()) && {
                    let n = si + 1;
                    doc.block_of(n).context == Some(LabelKind::Reason) || cx.hits(n, reason_next).any(|h| cx.position_in_sentence(n, h) <= 1)
                },
            };
            let block_has_reason = labelled && doc.block_sentences[sentence.block].clone().any(|s| cx.has_unquoted(s, reason));
            let end = hit.map_or(sentence.start, |h| cx.span(h).1);
            if cx.has_unquoted(si, reason) || reason_follows || block_has_reason || cx.elaborated_after(si, end, 4) {
                continue;
            }
            // The question, then a place to answer it: " because …" after the decision.
            let with_template = |span: (usize, usize), lang| {
                let mut suggestions = vec![prompt(cx, cat, lang)];
                if let Some(mut fix) = super::fixes::reason_template(doc, si, span.0, sentence.lang) {
                    // The edit covers at least the finding (a sentence-level finding
                    // runs to the full stop, which stays after the template).
                    if fix.end < span.1 {
                        fix.text.push_str(&doc.text[fix.end..span.1]);
                        fix.end = span.1;
                    }
                    let shown = fix.text.trim_end_matches(['.', '!', '?']).trim().to_string();
                    let description = cx.render(cat, sentence.lang, "template", &[("text", &shown)]);
                    suggestions.push(Suggestion { replacement: Some(fix.text), description, around: (0, fix.end - span.1) });
                }
                suggestions
            };
            let finding = match hit {
                Some(hit) => {
                    let term = cx.term(hit);
                    let message = term_message(cx, term, "message", cx.text(hit));
                    let suggestions = with_template(cx.span(hit), term.lang);
                    cx.finding(si, cx.span(hit), RuleRef::Term(term), term.severity, message, suggestions)
                }
                None => {
                    let text = doc.sentence_text(sentence);
                    let message = cx.render(cat, sentence.lang, "message", &[("text", text)]);
                    let span = (sentence.start, sentence.end);
                    let suggestions = with_template(span, sentence.lang);
                    let rule = RuleRef::Named(cat, "decision-without-reason");
                    cx.finding(si, span, rule, super::default_severity(cat), message, suggestions)
                }
            };
            out.push(finding);
        }
    }
}

