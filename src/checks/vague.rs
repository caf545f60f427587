//! vague: wording that hides what happened ("in a terrible state", "inappropriate
//! behaviour"). Not flagged when the specifics follow in the same sentence ("such
//! as ...", a colon or a bracket with the detail) or open the next one ("For example").

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["specifics"];

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
        for si in 0..cx.doc.sentences.len() {
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
