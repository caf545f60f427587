//! vague: wording that hides what happened ("in a terrible state", "inappropriate
//! behaviour"). Not flagged when the specifics follow in the same sentence ("such
//! as ...", a colon or a bracket with the detail) or open the next one ("For example").

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["specifics", "log-stock"];

/// A log line this short made of a stock phrase ("All ok.", "Settled.", "Dim
/// pryderon.") tells the next reader nothing; in a longer sentence the same words
/// usually come with what happened.
const TERSE_WORDS: usize = 6;
/// A following sentence this long gives the detail a terse line lacks.
const EXPLAINED_BY_WORDS: usize = 12;

pub struct Vague;

impl Check for Vague {
    fn category(&self) -> Category {
        Category::Vague
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::Vague;
        let terms = LangRules::terms_set(cat);
        let specifics = LangRules::signal_set(cat, "specifics");
        let unless = LangRules::unless_set(cat);
        let stock = LangRules::signal_set(cat, "log-stock");
        for si in 0..cx.doc.sentences.len() {
            let sentence = cx.sentence(si);
            // A longer sentence after it, in the same paragraph, is read as its detail
            // ("Seemed settled. She showed me her room and ..."); a person's view in
            // stock words is own-words' to judge.
            let detail_follows = cx.next_in_block(si).is_some_and(|n| cx.sentence(n).tokens.len() >= EXPLAINED_BY_WORDS);
            // Quoted words do not make a stock line longer: "Said \"I'm fine\", all ok."
            // is as terse as "All ok.".
            let own_words = cx.doc.tokens[sentence.tokens.clone()].iter().filter(|t| !t.quoted).count();
            let terse = own_words <= TERSE_WORDS
                && !detail_follows
                && cx.context(si) != Some(crate::document::LabelKind::View)
                && !cx.has_unquoted(si, terms);
            if terse {
                // The stock phrase must end the line: "No change to the plan" is a
                // decision, "No change." says nothing.
                if let Some(hit) = cx.unquoted_hits(si, stock).find(|h| h.end == sentence.tokens.end) {
                    let message = cx.render(cat, sentence.lang, "terse", &[("text", cx.text(hit))]);
                    let rule = RuleRef::Named(cat, "terse-log");
                    out.push(cx.finding(si, cx.span(hit), rule, super::default_severity(cat), message, vec![prompt(cx, cat, sentence.lang)]));
                }
            }
            let next_gives_detail = cx
                .next_in_block(si)
                .is_some_and(|n| cx.hits(n, specifics).any(|h| cx.position_in_sentence(n, h) == 0));
            for hit in cx.unquoted_hits(si, terms) {
                let (start, end) = cx.span(hit);
                let specified = next_gives_detail
                    || cx.hits(si, unless).any(|h| h.entry == hit.entry && h.lang == hit.lang)
                    || cx.has_hit_from(si, specifics, hit.end)
                    || cx.elaborated_after(si, end, 3)
                    || cx.bracket_follows(end);
                if specified {
                    continue;
                }
                let term = cx.term(hit);
                let message = term_message(cx, term, "message", cx.text(hit));
                out.push(cx.finding(si, (start, end), RuleRef::Term(term), term.severity, message, vec![prompt(cx, cat, term.lang)]));
            }
        }
    }
}
