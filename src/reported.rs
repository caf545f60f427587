//! Findings as every front reports them: the `findings` of JSON version 1, which
//! `cofnod check`, its other report formats and the Python package all give, so
//! that a finding is the same whichever front found it.

use serde::Serialize;

use crate::finding::{Category, Finding, Severity};
use crate::language::Lang;
use crate::position::{LineIndex, Position};

#[derive(Serialize)]
pub struct ReportedFinding {
    pub category: Category,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub lang: Lang,
    pub start: Position,
    pub end: Position,
    pub excerpt: String,
    pub suggestions: Vec<ReportedSuggestion>,
    /// The stretch of the finding's line the text view shows.
    #[serde(skip)]
    pub(crate) shown: Option<Shown>,
}

/// A suggestion as reported: where its replacement goes when that is more than the
/// finding's own words (an article or a verb's object and preposition with it).
#[derive(Serialize)]
pub struct ReportedSuggestion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Replaces>,
    /// The words the replacement takes the place of, when more than the finding's.
    #[serde(skip)]
    pub(crate) replaced_text: Option<String>,
}

#[derive(Serialize)]
pub struct Replaces {
    pub start: Position,
    pub end: Position,
}

/// A window of a line around a finding: a whole line when it is short, else some
/// words either side (a note on one long line must not print its whole line for
/// every finding). Control characters are escaped; `caret` is where the finding
/// starts in the shown text and `width` how long it is, both in characters.
pub(crate) struct Shown {
    pub(crate) line: String,
    pub(crate) caret: usize,
    pub(crate) width: usize,
}

/// Lines up to this many characters are shown whole.
const WHOLE_LINE_CHARS: usize = 120;
/// Otherwise, this many characters either side of the finding...
const CONTEXT_CHARS: usize = 50;
/// ...and at most this many of the finding itself.
const TARGET_CHARS: usize = 80;

/// Up to `n` characters of `s` from its end (`from_end`) or start, and whether some
/// were left out.
fn take_chars(s: &str, n: usize, from_end: bool) -> (&str, bool) {
    let cut = if from_end { s.char_indices().rev().nth(n.saturating_sub(1)).map(|(i, _)| i) } else { s.char_indices().nth(n).map(|(i, _)| i) };
    match (cut, from_end) {
        (Some(i), true) if i > 0 => (&s[i..], true),
        (Some(i), false) => (&s[..i], true),
        _ => (s, false),
    }
}

impl Shown {
    fn new(text: &str, index: &LineIndex, start: &Position, f: &Finding) -> Shown {
        let line = index.line_range(start.line);
        let target_end = f.end.min(line.end).max(f.start);
        let (before, target, after) = (&text[line.start..f.start], &text[f.start..target_end], &text[target_end..line.end]);
        // Cheap bounds first: a long line is never counted whole.
        let short = line.len() <= WHOLE_LINE_CHARS * 4 && text[line.clone()].chars().count() <= WHOLE_LINE_CHARS;
        let (before, target, after): (std::borrow::Cow<str>, std::borrow::Cow<str>, std::borrow::Cow<str>) = if short {
            (before.into(), target.into(), after.into())
        } else {
            // A character is at most 4 bytes: look at no more bytes than that allows.
            let (b, cut_b) = take_chars(&before[ceil_boundary(before, before.len().saturating_sub(CONTEXT_CHARS * 4))..], CONTEXT_CHARS, true);
            let (t, cut_t) = take_chars(&target[..crate::safe_text::floor_boundary(target, TARGET_CHARS * 4 + 4)], TARGET_CHARS, false);
            let (a, cut_a) = take_chars(&after[..crate::safe_text::floor_boundary(after, CONTEXT_CHARS * 4 + 4)], CONTEXT_CHARS, false);
            let cut_b = cut_b || b.len() < before.len();
            let cut_a = cut_a || a.len() < after.len();
            (
                format!("{}{b}", if cut_b { "…" } else { "" }).into(),
                format!("{t}{}", if cut_t { "…" } else { "" }).into(),
                format!("{a}{}", if cut_a { "…" } else { "" }).into(),
            )
        };
        let safe = crate::safe_text::for_terminal;
        let (before, target, after) = (safe(&before), safe(&target), safe(&after));
        let (caret, width) = (before.chars().count(), target.chars().count());
        Shown { line: [before, target, after].concat(), caret, width }
    }
}

/// The character boundary of `s` at or after byte `at`.
fn ceil_boundary(s: &str, mut at: usize) -> usize {
    while at < s.len() && !s.is_char_boundary(at) {
        at += 1;
    }
    at.min(s.len())
}

impl ReportedFinding {
    /// `for_text`: keep what the text view shows of the finding's line (JSON does not
    /// need it).
    pub fn new(f: Finding, text: &str, index: &LineIndex, for_text: bool) -> Self {
        let start = index.position(f.start);
        let end = index.position(f.end);
        let shown = for_text.then(|| Shown::new(text, index, &start, &f));
        let suggestions = f
            .suggestions
            .iter()
            .map(|s| {
                let (a, b) = f.edit_range(s);
                let replaces = (s.around != (0, 0)).then(|| Replaces { start: index.position(a), end: index.position(b) });
                let replaced_text = replaces.as_ref().map(|_| text[a..b].to_string());
                ReportedSuggestion { replacement: s.replacement.clone(), description: s.description.clone(), replaces, replaced_text }
            })
            .collect();
        ReportedFinding {
            category: f.category,
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            lang: f.lang,
            start,
            end,
            excerpt: text[f.start..f.end].to_string(),
            suggestions,
            shown,
        }
    }
}

/// The findings of one text, and the language it was read as.
pub struct Checked {
    pub language: &'static str,
    pub findings: Vec<ReportedFinding>,
}

/// Checks a text with the engine (and the models, when given), and reports its
/// findings. `for_text` keeps what the text view shows of each finding's line.
pub fn check_text(engine: &crate::Engine, text: &str, models: Option<&crate::models::Models>, for_text: bool) -> Checked {
    let analysis = match models {
        Some(models) => engine.analyse_with_models(text, models),
        None => engine.analyse(text),
    };
    let index = LineIndex::new(text);
    let findings = analysis.findings.into_iter().map(|f| ReportedFinding::new(f, text, &index, for_text)).collect();
    Checked { language: analysis.language.code(), findings }
}
