//! output-as-outcome: a service, referral, piece of equipment or activity written
//! where the person's outcome belongs.
//!
//! An outcome is recognised by its label ("Outcome:", "What matters:", "Canlyniad:",
//! a "## Outcomes" section) or by its phrasing ("needs a ...", "would benefit from",
//! "eisiau ..."). It is flagged when what it names is a service and nothing says
//! what the service is for: no reason ("so that", "because", "er mwyn"), no goal of
//! the person's before it ("to feel confident using ..."), no quoted words of theirs.

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::document::LabelKind;
use crate::finding::{Category, Finding};
use crate::rulebook::{Hit, LangRules};

pub const SIGNALS: &[&str] = &["outcome-phrase", "reason", "person-goal", "outcome-statement", "not-object", "negation"];

/// How many words may stand between "needs" and the service ("needs a new care package").
const MAX_GAP: usize = 3;

pub struct OutputAsOutcome;

impl Check for OutputAsOutcome {
    fn category(&self) -> Category {
        Category::OutputAsOutcome
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::OutputAsOutcome;
        let services = LangRules::terms_set(cat);
        let phrase = LangRules::signal_set(cat, "outcome-phrase");
        let reason = LangRules::signal_set(cat, "reason");
        let goal = LangRules::signal_set(cat, "person-goal");
        let statement = LangRules::signal_set(cat, "outcome-statement");
        let not_object = LangRules::signal_set(cat, "not-object");
        let negation = LangRules::signal_set(cat, "negation");
        for si in 0..cx.doc.sentences.len() {
            let sentence = cx.sentence(si);
            let labelled = cx.opens_labelled(si, LabelKind::Outcome);
            // "needs a care package": the service is the object of the need, with no
            // preposition between ("wants her family at her review" is not).
            let phrased = |svc: &Hit| {
                cx.unquoted_hits(si, phrase).any(|p| {
                    // "No need for a carer's assessment" is not a need.
                    let negated = cx.hits(si, negation).any(|n| n.end == p.start || n.end + 1 == p.start);
                    !negated
                        && p.end <= svc.start
                        && svc.start - p.end <= MAX_GAP
                        && !cx.hits(si, not_object).any(|n| n.start >= p.end && n.start < svc.start)
                })
            };
            // "Her outcome is ...": everything after it is the outcome.
            let stated = |svc: &Hit| cx.unquoted_hits(si, statement).any(|p| p.end <= svc.start);
            let Some(service) = cx.unquoted_hits(si, services).find(|s| labelled || phrased(s) || stated(s)) else { continue };
            let for_a_reason = cx.has_unquoted(si, reason)
                || cx.unquoted_hits(si, goal).any(|g| g.start < service.start)
                || cx.doc.sentence_has_quote(sentence);
            if for_a_reason {
                continue;
            }
            let term = cx.term(service);
            let message = term_message(cx, term, "message", cx.text(service));
            let suggestions = vec![prompt(cx, cat, term.lang)];
            out.push(cx.finding(si, cx.span(service), RuleRef::Term(term), term.severity, message, suggestions));
        }
    }
}
