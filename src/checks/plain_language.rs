//! plain-language: jargon, acronyms and officialese, with a plainer word as a quick fix.
//!
//! Not flagged: quoted speech; a term explained in the same sentence (a bracket after
//! it, its expansion nearby, "which means ..."); a term that is part of a name
//! ("Signpost Cymru", "Llys Respite Centre").

use super::{prompt, term_message, Check, Context, RuleRef};
use crate::finding::{Category, Finding, Suggestion};
use crate::rulebook::LangRules;

pub const SIGNALS: &[&str] = &["explained", "everyday-abbreviation", "initials-before"];

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
        let defined = definitions(cx.doc.text);
        for si in 0..cx.doc.sentences.len() {
            let sentence_end = cx.sentence(si).end;
            for hit in cx.unquoted_hits(si, terms) {
                let (start, end) = cx.span(hit);
                let term = cx.term(hit);
                // An acronym on a list is explained where this note spells it out (here
                // or before), not merely by standing in brackets: "Sian Jones (IRO)"
                // names a role without saying what it is.
                let spelled_out = match acronym_letters(&cx.doc.text[start..end]) {
                    Some(letters) => defined.get(&letters).is_some_and(|&at| at <= sentence_end),
                    None => in_brackets(cx.doc.text, start, end),
                };
                let explained = cx.bracket_follows(end)
                    || spelled_out
                    || cx.hits(si, unless).any(|h| h.entry == hit.entry && h.lang == hit.lang)
                    || cx.hits(si, explainers).any(|h| h.start >= hit.end && h.start <= hit.end + EXPLANATION_WINDOW);
                if explained || is_part_of_name(cx, si, hit) {
                    continue;
                }
                let text = cx.text(hit);
                let lang = term.lang;
                // Each replacement fitted to the sentence (its frame, article, capital,
                // mutation); one that cannot fit is not offered.
                let mut suggestions: Vec<Suggestion> = super::fixes::replacements(cx.doc, si, start, term)
                    .iter()
                    .filter_map(|r| {
                        let fix = super::fixes::fit(cx.doc, si, start, end, r, term)?;
                        // The fluency gate: no fix that breaks what the sentence got right.
                        if !super::fixes::reads_as_well(cx.doc, si, &fix, lang) {
                            return None;
                        }
                        let description = cx.render(cat, lang, "replace", &[("replacement", &fix.text)]);
                        Some(Suggestion { replacement: Some(fix.text), description, around: (start - fix.start, fix.end - end) })
                    })
                    .collect();
                if let Some(hint) = &term.hint {
                    suggestions.push(Suggestion { replacement: None, description: hint.clone(), around: (0, 0) });
                }
                if suggestions.is_empty() {
                    suggestions.push(prompt(cx, cat, lang));
                }
                let message = term_message(cx, term, "message", text);
                out.push(cx.finding(si, (start, end), RuleRef::Term(term), term.severity, message, suggestions));
            }
        }
        undefined_acronyms(cx, &defined, out);
    }
}

/// Acronyms not on any word list: a word of two to six capital letters (an `&`
/// and a plural `s` allowed) that this note never spells out, is not an everyday
/// abbreviation (GP, NHS, TV: the `everyday-abbreviation` signal) and is not a
/// writer's initials (a signature line, "Staff: DP", "RJ / BM").
fn undefined_acronyms(cx: &Context, defined: &std::collections::HashMap<String, usize>, out: &mut Vec<Finding>) {
    let cat = Category::PlainLanguage;
    let doc = cx.doc;
    let terms = LangRules::terms_set(cat);
    let everyday = LangRules::signal_set(cat, "everyday-abbreviation");
    let initials_before = LangRules::signal_set(cat, "initials-before");
    let explainers = LangRules::signal_set(cat, "explained");
    let mut reported = std::collections::HashSet::new();
    for si in 0..doc.sentences.len() {
        let sentence = cx.sentence(si);
        let tokens = &doc.tokens[sentence.tokens.clone()];
        // A signature, a heading or a list of initials.
        if tokens.len() <= 3 || tokens.iter().filter(|t| acronym_letters(&doc.text[t.start..t.end]).is_some()).count() * 2 > tokens.len() {
            continue;
        }
        for (k, t) in tokens.iter().enumerate() {
            let ti = sentence.tokens.start + k;
            let word = &doc.text[t.start..t.end];
            let Some(letters) = acronym_letters(word) else { continue };
            // A heading in capitals ("PERSON CENTRED PLAN"), not acronyms.
            let shouted = |j: usize| tokens.get(j).is_some_and(|n| {
                let w = &doc.text[n.start..n.end];
                w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && w.chars().all(|c| !c.is_lowercase())
            });
            if letters.chars().count() >= 4 && (beside_capitals(k, &shouted)) {
                continue;
            }
            if t.quoted {
                continue;
            }
            let covered = |set| cx.hits(si, set).any(|h: &crate::rulebook::Hit| h.start <= ti && ti < h.end);
            if covered(terms) || covered(everyday) {
                continue;
            }
            if cx.hits(si, explainers).any(|h| h.start > ti && h.start <= ti + 1 + EXPLANATION_WINDOW) {
                continue;
            }
            // Initials: after "by", "Staff:", "gan", or either side of a slash.
            if cx.hits(si, initials_before).any(|h| h.end == ti) {
                continue;
            }
            let around = |a: usize, b: usize| doc.text[a..b].contains('/');
            if (k > 0 && around(tokens[k - 1].end, t.start)) || (k + 1 < tokens.len() && around(t.end, tokens[k + 1].start)) {
                continue;
            }
            if defined.get(&letters).is_some_and(|&at| at <= sentence.end) || !reported.insert(letters.clone()) {
                continue;
            }
            let message = cx.render(cat, sentence.lang, "undefined_acronym", &[("text", word)]);
            let description = cx.render(cat, sentence.lang, "spell_out", &[("text", word)]);
            let suggestions = vec![Suggestion { replacement: None, description, around: (0, 0) }];
            out.push(cx.finding(si, (t.start, t.end), RuleRef::Named(cat, "undefined-acronym"), crate::finding::Severity::Info, message, suggestions));
        }
    }
}

/// Is the word at `k` next to another word in capitals?
fn beside_capitals(k: usize, shouted: &dyn Fn(usize) -> bool) -> bool {
    (k > 0 && shouted(k - 1)) || shouted(k + 1)
}

/// The capital letters of an acronym-shaped word ("MDT", "A&E", "PAs"), or None.
fn acronym_letters(word: &str) -> Option<String> {
    // Most words start in lower case, or go on in it ("Mr", "Sara"): no acronym.
    let mut chars = word.chars();
    if !chars.next().is_some_and(|c| c.is_uppercase() || c == '&') || chars.next().is_some_and(char::is_lowercase) && word.chars().count() > 2 {
        return None;
    }
    let core = word.strip_suffix('s').filter(|c| c.chars().all(|ch| ch.is_uppercase() || ch == '&')).unwrap_or(word);
    let letters: String = core.chars().filter(|c| c.is_uppercase()).collect();
    let shaped = core.chars().all(|c| c.is_uppercase() || c == '&') && (2..=6).contains(&letters.chars().count());
    // Roman numerals are not acronyms.
    let roman = core.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    (shaped && !roman).then_some(letters)
}

/// Words too small to give an acronym its letter ("Child in Need": CIN keeps the
/// "in"; "Department of Health": DH drops the "of"): both readings are tried.
const SMALL: &[&str] = &["of", "and", "for", "the", "in", "on", "to", "a", "&", "y", "yr", "ac", "o", "i", "ar", "am", "gyda", "dros"];

/// Longest bracket, and most text before it, read for a definition.
const BRACKET_MAX: usize = 200;
const BEFORE_MAX: usize = 300;

/// Acronyms this text spells out, each with where it is first spelled out:
/// "multi-disciplinary team (MDT)", "MDT (multi-disciplinary team)", "Arolygiaeth
/// Gofal Cymru (AGC)". The words beside the brackets must give the letters, so a name
/// before a bracket ("Mrs Jones (SU)") does not define it. One pass over the text,
/// reading a bounded stretch at each bracket.
fn definitions(text: &str) -> std::collections::HashMap<String, usize> {
    let mut out = std::collections::HashMap::new();
    let mut open_at = None;
    for (close, b) in text.bytes().enumerate() {
        match b {
            b'(' => open_at = Some(close),
            b')' => {
                let Some(open) = open_at.take() else { continue };
                if close - open > BRACKET_MAX {
                    continue;
                }
                let inside = text[open + 1..close].trim();
                let mut from = open.saturating_sub(BEFORE_MAX);
                while !text.is_char_boundary(from) {
                    from += 1;
                }
                let before: Vec<&str> = text[from..open].split_whitespace().collect();
                let letters = if let Some(letters) = acronym_letters(inside) {
                    // "words (ACR)"
                    let last = &before[before.len().saturating_sub(12)..];
                    initials_match(last, &letters, true).then_some(letters)
                } else {
                    // "ACR (words)"
                    before.last().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&')).and_then(acronym_letters).filter(|letters| {
                        let inner: Vec<&str> = inside.split_whitespace().collect();
                        initials_match(&inner, letters, false)
                    })
                };
                if let Some(letters) = letters {
                    out.entry(letters).or_insert(open);
                }
            }
            _ => {}
        }
    }
    out
}

/// Do the words' first letters (hyphenated parts counted apart) spell `letters`,
/// from the end of `words` (`from_end`) or from their start? Small words may count
/// or not.
fn initials_match(words: &[&str], letters: &str, from_end: bool) -> bool {
    let parts: Vec<String> = words
        .iter()
        .flat_map(|w| w.split(['-', '/']))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&').to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let want: Vec<char> = letters.chars().map(|c| c.to_ascii_lowercase()).collect();
    let firsts = |keep_small: bool| -> Vec<char> {
        parts
            .iter()
            .filter(|w| keep_small || !SMALL.contains(&w.to_lowercase().as_str()))
            .filter_map(|w| w.chars().next())
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect()
    };
    [true, false].into_iter().any(|keep| {
        let f = firsts(keep);
        if f.len() < want.len() {
            return false;
        }
        if from_end { f[f.len() - want.len()..] == want[..] } else { f[..want.len()] == want[..] }
    })
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
