//! opinion-as-fact: a judgement stated as fact, with no owner and no evidence.
//!
//! Opinions are welcome; the problem is one that reads as fact. A judgement is not
//! flagged when it comes with what was seen or heard (a reason after it, a quote, an
//! elaboration after a colon, or observation in the same or next sentence), or when
//! it is someone else's view, attributed ("her daughter feels ..."). An owned opinion
//! with no basis ("I think she is hostile.") gets a gentler finding asking for it.

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::document::LabelKind;
use crate::finding::{Category, Finding, Severity, Suggestion};
use crate::rulebook::{Hit, LangRules};

pub const SIGNALS: &[&str] = &["owner", "evidence", "observation", "attribution", "risk", "risk-level", "self"];

/// A risk level stated in a line this short ("Risk to others: low.", "Falls risk
/// high.", "Risg: canolig.") is a judgement with nothing to show for it.
const RISK_LINE_WORDS: usize = 8;

pub struct OpinionAsFact;

impl Check for OpinionAsFact {
    fn category(&self) -> Category {
        Category::OpinionAsFact
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::OpinionAsFact;
        let terms = LangRules::terms_set(cat);
        let owner = LangRules::signal_set(cat, "owner");
        let evidence = LangRules::signal_set(cat, "evidence");
        let observation = LangRules::signal_set(cat, "observation");
        let attribution = LangRules::signal_set(cat, "attribution");
        let risk = LangRules::signal_set(cat, "risk");
        let level = LangRules::signal_set(cat, "risk-level");
        let own_voice = LangRules::signal_set(cat, "self");
        for si in 0..cx.doc.sentences.len() {
            let sentence = cx.sentence(si);
            let doc = cx.doc;
            let observed_nearby = |s: usize| cx.has_unquoted(s, observation) || doc.sentence_has_quote(&doc.sentences[s]);
            let next = cx.next_in_block(si);
            let next_backs_it_up = next.is_some_and(|n| {
                observed_nearby(n) || cx.hits(n, evidence).any(|h| cx.position_in_sentence(n, h) == 0)
            });
            // A basis opening the sentence ("On the basis of what I saw, I think ...",
            // "Ar sail ..."), before the owner and the judgement.
            let basis_first = cx.unquoted_hits(si, evidence).any(|h| cx.position_in_sentence(si, h) == 0);
            // What was seen or heard, or a reason, after the opinion or near it.
            let backed = |opinion: &Hit| {
                basis_first
                    || cx.unquoted_hits(si, evidence).any(|h| h.start >= opinion.end)
                    || observed_nearby(si)
                    || cx.elaborated_after(si, cx.span(opinion).1, 3)
                    || next_backs_it_up
            };
            // In a section for the person's own views or outcomes, "I am stubborn" is
            // the person describing themselves.
            let their_section = matches!(cx.context(si), Some(LabelKind::View | LabelKind::Outcome));
            for hit in cx.unquoted_hits(si, terms) {
                let about_themselves = their_section && cx.unquoted_hits(si, own_voice).any(|h| h.start < hit.start);
                let attributed = about_themselves || cx.unquoted_hits(si, attribution).any(|h| h.start < hit.start);
                if attributed || backed(hit) {
                    continue;
                }
                let owned = cx.unquoted_hits(si, owner).any(|h| h.start < hit.start)
                    || cx.context(si) == Some(LabelKind::Analysis);
                let term = cx.term(hit);
                let text = cx.text(hit);
                let (key, severity) = if owned { ("message_owned", Severity::Info) } else { ("message", term.severity) };
                let message = term_message(cx, term, key, text);
                let mut suggestions = vec![prompt(cx, cat, term.lang)];
                // A place for the writer's view and its basis: "I think … because …".
                let (hs, he) = cx.span(hit);
                if let Some(fix) = (!owned).then(|| super::fixes::view_template(cx.doc, si, sentence.lang)).flatten().filter(|f| f.start <= hs && f.end >= he) {
                    let description = cx.render(cat, sentence.lang, "template", &[("text", &fix.text)]);
                    suggestions.push(Suggestion { replacement: Some(fix.text), description, around: (hs - fix.start, fix.end - he) });
                }
                out.push(cx.finding(si, (hs, he), RuleRef::Term(term), severity, message, suggestions));
            }
            // A risk level on its own: the risk named in the line, its label ("Risk to
            // self: low."), or the line before, with no reason given.
            if sentence.tokens.len() <= RISK_LINE_WORDS && !cx.has_unquoted(si, terms) {
                let named = cx.has(si, risk) || cx.context(si) == Some(LabelKind::Risk) || (si > 0 && cx.has(si - 1, risk));
                if let Some(hit) = cx.unquoted_hits(si, level).next().filter(|_| named) {
                    // Only reasons count here ("because she fell twice", "high: she fell
                    // twice"); any word of observation nearby does not support a level.
                    let reasoned = cx.unquoted_hits(si, evidence).any(|h| h.start >= hit.end)
                        || cx.elaborated_after(si, cx.span(hit).1, 3)
                        || next.is_some_and(|n| cx.hits(n, evidence).any(|h| cx.position_in_sentence(n, h) == 0));
                    if !reasoned && !cx.unquoted_hits(si, attribution).any(|h| h.start < hit.start) {
                        let owned = cx.unquoted_hits(si, owner).next().is_some() || cx.context(si) == Some(LabelKind::Analysis);
                        let severity = if owned { Severity::Info } else { super::default_severity(cat) };
                        let message = cx.render(cat, sentence.lang, "risk_level", &[("text", cx.text(hit))]);
                        let suggestions = vec![prompt(cx, cat, sentence.lang)];
                        out.push(cx.finding(si, cx.span(hit), RuleRef::Named(cat, "risk-level"), severity, message, suggestions));
                        continue;
                    }
                }
            }
            // An opinion the writer owns ("I think ...", "In my view ...") needs its
            // basis even when no judgement word is recognised.
            if cx.has_unquoted(si, terms) {
                continue;
            }
            let Some(view) = cx.unquoted_hits(si, owner).next() else { continue };
            if backed(view) {
                continue;
            }
            let message = cx.render(cat, sentence.lang, "view_without_basis", &[("text", cx.text(view))]);
            let suggestions = vec![prompt(cx, cat, sentence.lang)];
            out.push(cx.finding(si, cx.span(view), RuleRef::Named(cat, "view-without-basis"), Severity::Info, message, suggestions));
        }
    }
}
