//! plain-language: jargon, acronyms and officialese, with a plainer word as a quick fix.
//!
//! Not flagged: quoted speech; a term explained in the same sentence (a bracket after
//! it, its expansion nearby, "which means ..."); a term that is part of a name
//! ("Signpost Cymru", "Llys Respite Centre").

use super::{match_case, prompt, term_message, Check, Context, RuleRef};
use crate::finding::{Category, Finding, Suggestion};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["explained"];

/// How many words after a term an explanation signal may start.
const EXPLANATION_WINDOW: usize = 3;

pub struct PlainLanguage;

impl Check for PlainLanguage {
    fn category(&self) -> Category {
        Category::PlainLanguage
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::PlainLanguage;
        let terms = LangRules::terms_set(cat);
        let unless = LangRules::unless_set(cat);
        let explainers = LangRules::signal_set(cat, "explained");
        for si in 0..cx.doc.sentences.len() {
            for hit in cx.unquoted_hits(si, terms) {
                let (start, end) = cx.span(hit);
                let term = cx.term(hit);
                let explained = cx.bracket_follows(end)
                    || in_brackets(cx.doc.text, start, end)
                    || cx.hits(si, unless).any(|h| h.entry == hit.entry && h.lang == hit.lang)
                    || cx.hits(si, explainers).any(|h| h.start >= hit.end && h.start <= hit.end + EXPLANATION_WINDOW);
                if explained || is_part_of_name(cx, si, hit) {
                    continue;
                }
                let text = cx.text(hit);
                let lang = term.lang;
                let mut suggestions: Vec<Suggestion> = term
                    .suggest
                    .iter()
                    .map(|r| {
                        let replacement = match_case(text, r);
                        let description = cx.render(cat, lang, "replace", &[("replacement", &replacement)]);
                        Suggestion { replacement: Some(replacement), description }
                    })
                    .collect();
                if let Some(hint) = &term.hint {
                    suggestions.push(Suggestion { replacement: None, description: hint.clone() });
                }
                if suggestions.is_empty() {
                    suggestions.push(prompt(cx, cat, lang));
                }
                let message = term_message(cx, term, "message", text);
                out.push(cx.finding(si, (start, end), RuleRef::Term(term), term.severity, message, suggestions));
            }
        }
    }
}

/// "multi-disciplinary team (MDT)": the short form in brackets after its expansion.
fn in_brackets(text: &str, start: usize, end: usize) -> bool {
    text[..start].trim_end().ends_with('(') && text[end..].trim_start().starts_with(')')
}

/// A term whose first or last word is capitalised and stands next to another
/// capitalised word is part of a name ("referred to Signpost Cymru", "Llys Respite
/// Centre"). Only the ends count: a wildcard in the middle may cover a person's name
/// ("Cyfeiriais Mrs Owen ymlaen"). At the start of a sentence every word is
/// capitalised, and a jargon verb before a name is common ("Signposted Mrs Ali to
/// ..."), so there the term must be all capitalised words.
fn is_part_of_name(cx: &Context, si: usize, hit: &crate::rulebook::Hit) -> bool {
    let doc = cx.doc;
    let sentence = cx.sentence(si);
    let capitalised = |i: usize| {
        let t = &doc.tokens[i];
        let w = &doc.text[t.start..t.end];
        w.chars().next().is_some_and(char::is_uppercase) && w != "I"
    };
    let all_caps = |i: usize| {
        let t = &doc.tokens[i];
        doc.text[t.start..t.end].chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
    };
    // Acronyms are capitalised by nature; they are never taken for names.
    if (hit.start..hit.end).all(all_caps) || !(hit.start..hit.end).any(capitalised) {
        return false;
    }
    if hit.start == sentence.tokens.start {
        return hit.end - hit.start >= 2 && (hit.start..hit.end).all(capitalised);
    }
    [hit.start, hit.end - 1].into_iter().filter(|&i| capitalised(i)).any(|i| {
        let before = i > sentence.tokens.start + 1 && capitalised(i - 1);
        let after = i + 1 < sentence.tokens.end && capitalised(i + 1);
        before || after
    })
}
