//! own-words: a personal outcome or a person's view written in professional or
//! standardised words ("to maintain independence", "reported no issues of concern").
//!
//! Only outcomes and views are checked: text under an outcome or views label, or a
//! sentence phrased as one ("wants to", "I want", "reported", "dywedodd"). Quoted
//! words are the person's own and are never flagged. Terms marked `anywhere` (stock
//! report phrases) are flagged wherever they stand.

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::document::LabelKind;
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["view-phrase"];

pub struct OwnWords;

impl Check for OwnWords {
    fn category(&self) -> Category {
        Category::OwnWords
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::OwnWords;
        let terms = LangRules::terms_set(cat);
        let view = LangRules::signal_set(cat, "view-phrase");
        for si in 0..cx.doc.sentences.len() {
            let in_context = matches!(cx.context(si), Some(LabelKind::Outcome | LabelKind::View));
            for hit in cx.unquoted_hits(si, terms) {
                let term = cx.term(hit);
                let phrased = cx.unquoted_hits(si, view).any(|v| v.start < hit.start);
                if !(in_context || phrased || term.anywhere) {
                    continue;
                }
                let message = term_message(cx, term, "message", cx.text(hit));
                out.push(cx.finding(si, cx.span(hit), RuleRef::Term(term), term.severity, message, vec![prompt(cx, cat, term.lang)]));
            }
        }
    }
}
