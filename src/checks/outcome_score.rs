//! outcome-score (issue 16): a personal outcome's 0–10 score with nothing to read it
//! by. A score ("Score: 6/10", "scored it 4", "Sgôr: 6") is read by what its
//! block (and the first sentence after it) says around it: what 10 would mean to the person, a starting or goal
//! score ("started at 3", "aiming for 8", "up from 4"), or the person's own words (a
//! quote, "she said"). A block with a score and none of these gets one finding, at
//! its first score.
//!
//! Not yet: a review or closing summary that gives no end score against each
//! outcome (the other half of the check in DOMAIN.md).

use super::{prompt, Check, Context, RuleRef};
use crate::finding::{Category, Finding};
use crate::rulebook::LangRules;
use crate::safe_text::floor_boundary;

pub const SIGNALS: &[&str] = &["score-word", "scale-meaning", "baseline-goal", "persons-words", "other-scale", "review-record", "outcome-word", "end-word"];

/// Words that may follow a score's number ("scored 4 today", "6 ar hyn o bryd").
const AFTER_SCORE: &[&str] = &["today", "now", "in", "on", "at", "and", "by", "for", "out", "this", "when", "since", "heddiw", "nawr", "rŵan", "ar", "yn", "ym", "a", "ac", "erbyn", "ers", "allan"];

/// Most words between a score word and its number ("score for “feeling less
/// lonely” looked at today – now 6").
const MAX_GAP: usize = 10;

/// Words before a day/month date ("on 6/10").
const DATE_WORDS: &[&str] = &[
    "on", "from", "until", "till", "by", "since", "dated", "before", "after", "of", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "ar", "o", "tan", "erbyn", "ers", "cyn", "wedi", "dydd", "ddydd",
    "llun", "mawrth", "mercher", "iau", "gwener", "sadwrn", "sul",
    // An event before a day/month date ("Home visit 3/10").
    "visit", "visited", "seen", "call", "phoned", "rang", "appointment", "meeting", "session", "contact", "conference", "ymweliad", "galwad",
    "cyfarfod", "apwyntiad", "sesiwn", "cyswllt", "cynhadledd",
];

/// Bytes before a sentence searched for its line's label.
const LABEL_WINDOW: usize = 120;

/// Score words looked for in a line's label, which the sentence does not include.
const LABEL_SCORE_WORDS: &[&str] = &["score", "sgôr", "sgorau", "rating"];


pub struct OutcomeScore;

impl Check for OutcomeScore {
    fn category(&self) -> Category {
        Category::OutcomeScore
    }

    fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        let cat = Category::OutcomeScore;
        let score_word = LangRules::signal_set(cat, "score-word");
        let other_scale = LangRules::signal_set(cat, "other-scale");
        let readers = [
            LangRules::signal_set(cat, "scale-meaning"),
            LangRules::signal_set(cat, "baseline-goal"),
            LangRules::signal_set(cat, "persons-words"),
        ];
        let doc = cx.doc;
        let text = doc.text;
        // A block at a time (a paragraph, a list item, a labelled line), read with the
        // first sentence of the next block: what the editor's cache re-checks
        // together (engine.rs, `AnalysisCache`).
        let next_first = cx.next_block_first_sentences();
        for (b, range) in doc.block_sentences.iter().enumerate() {
            let next_first = next_first[b];
            let mut first_score = None;
            let mut read = false;
            for s in range.clone().chain(next_first) {
                let sentence = &doc.sentences[s];
                // A clinical scale ("pain score 6/10", "Waterlow 12") is not a
                // personal outcome's score.
                if first_score.is_none() && range.contains(&s) && !cx.has(s, other_scale) {
                    // The score word may be in the line's label ("Score: 3.", "Outcome
                    // scores: 1) 6"), which is not part of the sentence (within a
                    // bounded window: a note of one long line costs linear time).
                    let window = floor_boundary(text, sentence.start.saturating_sub(LABEL_WINDOW));
                    let line_start = text[window..sentence.start].rfind('\n').map_or(window, |i| window + i + 1);
                    let label = text[line_start..sentence.start].to_lowercase();
                    let in_label = LABEL_SCORE_WORDS.iter().filter_map(|w| label.find(w)).min().map(|i| line_start + i);
                    let worded = cx.unquoted_hits(s, score_word).next().map(|h| cx.span(h).0).or(in_label);
                    let from = if in_label.is_some() { line_start } else { sentence.start };
                    first_score = score_in(text, from, sentence.end, worded).map(|span| (s, span));
                }
                read = read || doc.sentence_has_quote(sentence) || readers.iter().any(|&set| cx.has(s, set));
            }
            if let (Some((s, span)), false) = (first_score, read) {
                let lang = doc.sentences[s].lang;
                let message = cx.render(cat, lang, "message", &[("text", &text[span.0..span.1])]);
                let suggestions = vec![prompt(cx, cat, lang)];
                out.push(cx.finding(s, span, RuleRef::Named(cat, "bare-score"), super::default_severity(cat), message, suggestions));
            }
        }
    }
}


/// A score in `text[start..end]`: "N/10" or "N out of 10", or, after a score word at
/// `worded`, the first number from 0 to 10 that is not part of a date or a time.
pub(crate) fn score_in(text: &str, start: usize, end: usize, worded: Option<usize>) -> Option<(usize, usize)> {
    let s = &text[start..end];
    let b = s.as_bytes();
    let number_at = |i: usize| -> Option<(usize, usize)> {
        // A run of one or two digits starting at i, standing alone.
        if i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'/' | b':' | b'.')) {
            return None;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == i || j - i > 2 {
            return None;
        }
        if j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b':' || (b[j] == b'.' && j + 1 < b.len() && b[j + 1].is_ascii_digit())) {
            return None;
        }
        Some((i, j))
    };
    for i in 0..b.len() {
        if let Some((a, z)) = number_at(i) {
            let rest = &s[z..];
            let slash = rest.trim_start().strip_prefix('/').map(str::trim_start);
            // "on 6/10 at 2pm" is a date: not after a word that introduces one.
            let look = floor_boundary(s, a.saturating_sub(24));
            let word_before = s[look..a].split_whitespace().last().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            let dated = DATE_WORDS.contains(&word_before.as_str());
            let in_scale = s[a..z].parse::<u32>().is_ok_and(|v| v <= 10);
            if !dated && in_scale && slash.is_some_and(|r| r.starts_with("10") && !r[2..].starts_with(|c: char| c.is_ascii_digit() || c == '/')) {
                let r = slash.unwrap_or_default();
                let stop = z + (rest.len() - r.len()) + 2;
                return Some((start + a, start + stop));
            }
            let lower = rest[..floor_boundary(rest, rest.len().min(16))].to_lowercase();
            for tail in [" out of 10", " out of ten", " allan o 10", " allan o ddeg"] {
                if lower.starts_with(tail) {
                    return Some((start + a, start + z + tail.len()));
                }
            }
        }
    }
    let from = worded?.checked_sub(start)?;
    for i in from..b.len() {
        if let Some((a, z)) = number_at(i) {
            // Within a few words of the score word, and not counting something ("3
            // outcomes"): a word after it may only be one of time or place.
            let gap = s[from..a].split_whitespace().take(MAX_GAP + 1).count();
            // Only a word straight after the number ("3 outcomes"), not one after a
            // bracket or a comma ("6 (given by her daughter)").
            let next = if s[z..].starts_with(' ') { s[z..].split_whitespace().next().unwrap_or("") } else { "" };
            let next = next.trim_end_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            let counts = next.chars().next().is_some_and(char::is_alphabetic) && !AFTER_SCORE.contains(&next.as_str());
            if gap <= MAX_GAP && !counts && s[a..z].parse::<u32>().is_ok_and(|v| v <= 10) {
                return Some((start + from, start + z));
            }
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(s: &str, worded: Option<usize>) -> Option<&str> {
        score_in(s, 0, s.len(), worded).map(|(a, z)| &s[a..z])
    }

    #[test]
    fn scores_are_found_and_dates_and_times_are_not() {
        assert_eq!(score("Outcome 1 – 7/10.", None), Some("7/10"));
        assert_eq!(score("She put it at 4 out of 10 today.", None), Some("4 out of 10"));
        assert_eq!(score("Score: 6", Some(0)), Some("Score: 6"));
        assert_eq!(score("Seen on 12/10/2025 at 10:30.", None), None);
        assert_eq!(score("Scores reviewed on 12/03.", Some(0)), None);
        assert_eq!(score("Score for 3 outcomes reviewed", Some(0)), None);
        assert_eq!(score("Scored it 4 today.", Some(0)), Some("Scored it 4"));
        assert_eq!(score("Joint visit on 6/10 at 2pm.", None), None);
        assert_eq!(score("Home visit 3/10", None), None);
        assert_eq!(score("Seen 14/10.", None), None);
        assert_eq!(score("Score: 6 (given by her daughter).", Some(0)), Some("Score: 6"));
    }
}
