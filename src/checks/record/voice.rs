//! voice (issue 16), record level: a record about a person with none of their own
//! words; a child's record that does not say the child was seen or spoken to; a
//! family member written only as a role ("Mum said", "NOK agreed").
//!
//! Whose words a quote or a "told me" are is read from the sentence: words said by
//! someone the `other-speaker` list names before them ("his daughter said:", "the
//! school told me") are not the person's.

use super::{BlockSignals, RecordView, MIN_WORDS};
use crate::checks::Context;
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;

const CAT: Category = Category::Voice;

/// Most words between a speaker ("his daughter") and what they said.
const SPEAKER_GAP: usize = 6;

/// Fewest words before a record's lack of the person's words is a finding.
const MIN_RECORD_WORDS: u32 = 80;

pub(super) fn read_sentence(cx: &Context, si: usize, s: &mut BlockSignals, rel: &dyn Fn((usize, usize)) -> (u32, u32)) {
    let doc = cx.doc;
    let sentence = &doc.sentences[si];
    let other = LangRules::signal_set(CAT, "other-speaker");
    // Someone else named just before a quote or a "said" is its speaker ("his
    // daughter, Karen, said:"): within a few words, in the same clause.
    let others: Vec<(usize, usize)> = cx.unquoted_hits(si, other).map(|h| (h.end, cx.span(h).1)).collect();
    let said_by_other = |at: usize| {
        // Tokens before byte `at`.
        let before = doc.tokens[sentence.tokens.clone()].partition_point(|t| t.start < at) + sentence.tokens.start;
        others.iter().any(|&(end_token, end_byte)| end_byte <= at && before.saturating_sub(end_token) <= SPEAKER_GAP && !doc.text[end_byte..at].contains(';'))
    };
    let mut sentence_speaker: Option<Speaker> = None;
    for h in cx.unquoted_hits(si, LangRules::signal_set(CAT, "persons-words")) {
        if !said_by_other(cx.span(h).0) {
            let speaker = speaker_of(doc, sentence, h.start, h.end);
            credit(s, &speaker);
            sentence_speaker.get_or_insert(speaker);
        }
    }
    // The sentence's quotes, found by bisection (quotes are in text order).
    let first = doc.quotes.partition_point(|q| q.start < sentence.start);
    for q in doc.quotes[first..].iter().take_while(|q| q.start < sentence.end) {
        // A quote of a few words may be a term ("so-called 'respite'"), not speech.
        let words = doc.text[q.start..q.end].split_whitespace().count();
        if words >= 3 && !said_by_other(q.start) {
            // "Siân: “…”" names its speaker before a colon.
            let speaker = sentence_speaker.clone().unwrap_or_else(|| named_before_colon(&doc.text[sentence.start..q.start]));
            credit(s, &speaker);
        }
    }
    s.child_seen |= cx.has(si, LangRules::signal_set(CAT, "child-seen"));
    if s.role_name.is_none() {
        for h in cx.unquoted_hits(si, LangRules::signal_set(CAT, "role-name")) {
            let (a, z) = cx.span(h);
            let word = &doc.text[a..z];
            // "Mum", "Dad", "NOK" as a name: capitalised, with no "his", "her",
            // "the" before it, and no name after it ("Mum, Sharon,", "Dad (Ryan)").
            let capital = word.chars().next().is_some_and(char::is_uppercase);
            let before = doc.text[sentence.start..a].split_whitespace().last().unwrap_or("").to_lowercase();
            let determined = matches!(
                before.trim_matches(|c: char| !c.is_alphanumeric()),
                "his" | "her" | "their" | "my" | "your" | "our" | "the" | "a" | "ei" | "eu" | "fy" | "dy" | "ein" | "eich" | "y" | "yr" | "'r" | "i" | "of"
            ) || before.ends_with("'s") || before.ends_with("’s");
            let after = doc.text[z..sentence.end].trim_start_matches([',', ' ', '(', '–', '-']);
            let named = after.chars().next().is_some_and(char::is_uppercase)
                && !after.split_whitespace().next().is_some_and(|w| matches!(w.trim_matches(|c: char| !c.is_alphanumeric()), "I" | "And" | "A" | "Ac"));
            if capital && !determined && !named {
                s.role_name = Some(rel((a, z)));
                break;
            }
        }
    }
}

/// Who said something: unnamed (a pronoun, or no speaker given: taken as the
/// person), or a name, which is the person's only if the title names them.
#[derive(Clone, Debug)]
enum Speaker {
    Unnamed,
    Named(String),
}

fn credit(s: &mut BlockSignals, speaker: &Speaker) {
    match speaker {
        Speaker::Unnamed => s.persons_words = true,
        Speaker::Named(name) => {
            if !s.speakers.contains(name) {
                s.speakers.push(name.clone());
            }
        }
    }
}

/// Pronouns and words that are not names though they may be capitalised.
const NOT_NAMES: &[&str] = &[
    "he", "she", "they", "i", "we", "him", "her", "them", "it", "hi", "e", "o", "fe", "fo", "nhw", "ef", "hithau", "yntau", "mr", "mrs", "ms", "miss",
    "dr", "the", "a", "when", "then", "and", "but", "later", "also", "today", "yesterday", "pan", "wedyn", "a", "ac", "ond", "hefyd", "heddiw", "ddoe",
];

/// The speaker of a speech verb at tokens `start..end`: in English the name just
/// before it ("Kai told me"), in Welsh the word just after ("Dywedodd Leanne").
fn speaker_of(doc: &crate::document::Document, sentence: &crate::document::Sentence, start: usize, end: usize) -> Speaker {
    let text = doc.text;
    let word = |t: usize| &text[doc.tokens[t].start..doc.tokens[t].end];
    let name_at = |t: usize| {
        let w = word(t);
        let lower = w.to_lowercase();
        if NOT_NAMES.contains(&lower.as_str()) || !w.chars().next().is_some_and(char::is_uppercase) {
            None
        } else {
            Some(lower)
        }
    };
    let candidates: Vec<usize> = if sentence.lang == crate::language::Lang::Cy {
        (end..(end + 2).min(sentence.tokens.end)).collect()
    } else {
        (sentence.tokens.start.max(start.saturating_sub(2))..start).rev().collect()
    };
    for t in candidates {
        // Not into the quote or past a colon ("Dywedodd: “Bore da”").
        let between = if t >= end { &text[doc.tokens[end - 1].end..doc.tokens[t].start] } else { &text[doc.tokens[t].end..doc.tokens[start].start] };
        if doc.tokens[t].quoted || between.contains([':', '"', '“', '”', '‘', '’']) {
            break;
        }
        let lower = word(t).to_lowercase();
        if let Some(name) = name_at(t) {
            return Speaker::Named(name);
        }
        if NOT_NAMES.contains(&lower.as_str()) {
            return Speaker::Unnamed;
        }
    }
    Speaker::Unnamed
}

/// "Siân:" or "Gwilym –" just before a quote.
fn named_before_colon(before: &str) -> Speaker {
    let trimmed = before.trim_end().trim_end_matches([':', '–', '-']).trim_end();
    if trimmed.len() + 1 < before.trim_end().len() || before.trim_end().ends_with(':') {
        if let Some(last) = trimmed.split_whitespace().last() {
            let last = last.trim_matches(|c: char| !c.is_alphanumeric());
            if last.chars().next().is_some_and(char::is_uppercase) && !NOT_NAMES.contains(&last.to_lowercase().as_str()) {
                return Speaker::Named(last.to_lowercase());
            }
        }
    }
    Speaker::Unnamed
}

/// The names in a block's first three lines, if they are short enough to be a
/// title and its details ("Child: Corey Lang, 7"): to know the person's words from
/// another's ("Dywedodd Leanne" in a record about Kai).
pub(super) fn read_title(text: &str, from: usize, end: usize, s: &mut BlockSignals) {
    for line in text[from..end].lines().take(3) {
        if line.split_whitespace().count() <= 15 {
            s.title_names.extend(capitalised(line).into_iter().map(str::to_lowercase));
        }
    }
}

/// Capitalised words of a line.
fn capitalised(line: &str) -> Vec<&str> {
    line.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() > 1)
        .collect()
}

pub(super) fn run(view: &RecordView, out: &mut Vec<Finding>) {
    let lang = view.lang();
    let severity = crate::checks::default_severity(CAT);
    // A record with a title (a form, a visit note, a summary), not a paragraph.
    if view.words() >= MIN_RECORD_WORDS && !view.is_brief() && view.has_title() {
        // Words of the person: unnamed speech, or speech by a name in the title.
        let title: Vec<&String> = view.title_blocks(2).flat_map(|s| s.title_names.iter()).collect();
        let words = view.signals.iter().any(|s| s.persons_words || s.speakers.iter().any(|n| title.contains(&n)));
        let seen = view.signals.iter().any(|s| s.child_seen);
        if let (false, Some(span)) = (words, view.title_span()) {
            if view.is_child() && !seen {
                out.push(view.finding(CAT, "child-not-seen", severity, "child-not-seen", span, lang));
            } else {
                out.push(view.finding(CAT, "no-words", severity, "no-words", span, lang));
            }
        }
    }
    // One finding for the first role written as a name, in a record long enough
    // to be judged (a one-line note about "Mum" is not).
    if view.words() < MIN_WORDS {
        return;
    }
    if let Some((b, span)) = view.signals.iter().enumerate().find_map(|(b, s)| s.role_name.map(|r| (b, r))) {
        let abs = view.absolute(b, span);
        out.push(view.finding(CAT, "role-name", severity, "role-name", abs, lang));
    }
}
