//! Output of `cofnod check`, a module per format: text for people, JSON version 1
//! and JSON Lines for programs, CSV for spreadsheets, SARIF for code-scanning
//! dashboards, and an HTML dashboard for managers. All but the dashboard stream
//! file by file (or record by record), so memory stays flat on large runs; the
//! dashboard keeps only counts and a few short examples.

mod csv;
mod html;
mod json;
mod sarif;
mod text;

pub use self::csv::Csv;
pub use html::Dashboard;
pub use json::{Json, Jsonl};
pub use sarif::Sarif;
pub use text::Text;

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

use crate::export::RecordInfo;
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
    shown: Option<Shown>,
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
    replaced_text: Option<String>,
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
struct Shown {
    line: String,
    caret: usize,
    width: usize,
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

#[derive(Serialize)]
pub struct FileReport {
    /// The file's name as text (any bytes that are not UTF-8 shown as U+FFFD).
    pub path: String,
    /// The file's name as bytes, when it is not valid UTF-8, so that a program can
    /// find the file `path` names only approximately.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<Vec<u8>>,
    pub language: &'static str,
    /// How the bytes were decoded, when the file could be read.
    pub encoding: Option<&'static str>,
    /// Why the file could not be checked.
    pub error: Option<String>,
    /// The file was read and has no text: nothing to check, and not an error.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub empty: bool,
    /// For a record of an export: where it is in the export (`path` is the export's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordInfo>,
    pub findings: Vec<ReportedFinding>,
}

impl FileReport {
    /// A report for `path` with nothing in it yet.
    pub fn new(path: &std::path::Path) -> FileReport {
        let name = path.as_os_str();
        #[cfg(unix)]
        let path_bytes = {
            use std::os::unix::ffi::OsStrExt;
            name.to_str().is_none().then(|| name.as_bytes().to_vec())
        };
        #[cfg(not(unix))]
        let path_bytes = None;
        FileReport {
            path: path.display().to_string(),
            path_bytes,
            language: "unknown",
            encoding: None,
            error: None,
            empty: false,
            record: None,
            findings: Vec::new(),
        }
    }

    /// The file's name as reports show it: for a record, with its row and id
    /// ("visits.csv row 12 (id R-104)"). Control characters are escaped.
    pub fn name(&self) -> String {
        let path = crate::safe_text::for_terminal(&self.path);
        match &self.record {
            None => path.into_owned(),
            Some(r) => match &r.id {
                None => format!("{path} row {}", r.row),
                Some(id) => format!("{path} row {} (id {})", r.row, crate::safe_text::for_terminal(id)),
            },
        }
    }
}

#[derive(Default, Serialize)]
pub struct Summary {
    /// Reports: files, and records of exports.
    pub files: usize,
    /// How many of the reports are records of exports.
    pub records: usize,
    pub findings: usize,
    pub errors: usize,
    pub skipped: usize,
    pub by_category: BTreeMap<&'static str, usize>,
    pub by_severity: BTreeMap<&'static str, usize>,
}

impl Summary {
    pub fn add(&mut self, file: &FileReport) {
        self.files += 1;
        self.records += usize::from(file.record.is_some());
        if file.error.is_some() {
            self.errors += 1;
        }
        for f in &file.findings {
            self.findings += 1;
            *self.by_category.entry(f.category.id()).or_default() += 1;
            *self.by_severity.entry(f.severity.as_str()).or_default() += 1;
        }
    }
}

/// Renders a run. `render` is called for each file on the worker threads (so
/// formatting runs in parallel); `begin_file` (just before the file's rendering is
/// written) and `finish` are called one at a time, in the files' order.
pub trait Reporter: Sync {
    fn render(&self, file: &FileReport) -> Vec<u8>;
    fn begin_file(&self, out: &mut dyn Write, file: &FileReport) -> std::io::Result<()>;
    fn finish(&self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()>;
}

/// `--anonymise`: each group (an author, a team) becomes a number in the order first
/// met, and each record id the record's number in the run. Used by the reports that
/// are read one record at a time in order (`begin_file`), so the numbers do not
/// depend on which thread finished first.
#[derive(Default)]
pub struct Pseudonyms {
    on: bool,
    groups: std::collections::HashMap<String, usize>,
    records: usize,
}

impl Pseudonyms {
    pub fn new(on: bool) -> Pseudonyms {
        Pseudonyms { on, ..Pseudonyms::default() }
    }

    /// The record's details as the report shows them; `group_word` and
    /// `record_word` name the numbers ("Group 3", "Record 17").
    pub fn record(&mut self, info: &RecordInfo, group_word: &str, record_word: &str) -> RecordInfo {
        if !self.on {
            return info.clone();
        }
        self.records += 1;
        let n = self.groups.len() + 1;
        let group = info.group.as_ref().map(|g| format!("{group_word} {}", *self.groups.entry(g.clone()).or_insert(n)));
        let id = info.id.as_ref().map(|_| format!("{record_word} {}", self.records));
        RecordInfo { row: info.row, id, group, date: info.date.clone() }
    }
}
