//! Output of `cofnod check`: text for people (colour only on a terminal) and JSON
//! version 1 for programs. Both stream file by file, so memory stays flat on
//! large runs.

use anstyle::{AnsiColor, Style};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

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
            findings: Vec::new(),
        }
    }
}

#[derive(Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub errors: usize,
    pub skipped: usize,
    pub by_category: BTreeMap<&'static str, usize>,
    pub by_severity: BTreeMap<&'static str, usize>,
}

impl Summary {
    pub fn add(&mut self, file: &FileReport) {
        self.files += 1;
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
/// formatting runs in parallel); `begin_file` and `finish` write on the main thread,
/// in order.
pub trait Reporter: Sync {
    fn render(&self, file: &FileReport) -> Vec<u8>;
    fn begin_file(&self, out: &mut dyn Write) -> std::io::Result<()>;
    fn finish(&self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()>;
}

/// Text for people. `colour` is decided once (a terminal, and NO_COLOR unset), so
/// piped output is written plainly instead of being filtered afterwards.
pub struct Text {
    pub colour: bool,
}

impl Text {
    fn style(&self, s: Style) -> Style {
        if self.colour {
            s
        } else {
            Style::new()
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
        Severity::Hint => Style::new().dimmed(),
    }
}

impl Reporter for Text {
    fn render(&self, file: &FileReport) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = self.write_file(&mut out, file);
        out
    }

    fn begin_file(&self, _out: &mut dyn Write) -> std::io::Result<()> {
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        self.write_summary(out, s)
    }
}

impl Text {
    fn write_file(&self, out: &mut dyn Write, file: &FileReport) -> std::io::Result<()> {
        let bold = self.style(Style::new().bold());
        let dim = self.style(Style::new().dimmed());
        // Names, messages and suggestions are shown with control characters escaped:
        // a note or a file name must not be able to drive the terminal.
        let safe = crate::safe_text::for_terminal;
        let path = safe(&file.path);
        if let Some(error) = &file.error {
            let red = self.style(AnsiColor::Red.on_default().bold());
            return writeln!(out, "{bold}{path}{bold:#}: {red}error{red:#}: {}", safe(error));
        }
        if file.empty {
            return writeln!(out, "{bold}{path}{bold:#}: {dim}empty file; nothing to check{dim:#}");
        }
        for f in &file.findings {
            let sev = self.style(severity_style(f.severity));
            writeln!(out, "{bold}{path}:{}:{}{bold:#}: {sev}{}{sev:#}: {}", f.start.line, f.start.column, f.category, safe(&f.message))?;
            let number = f.start.line.to_string();
            let pad = " ".repeat(number.len());
            if let Some(shown) = &f.shown {
                writeln!(out, "  {dim}{number} |{dim:#} {}", shown.line)?;
                writeln!(out, "  {pad} {dim}|{dim:#} {}{sev}{}{sev:#}", " ".repeat(shown.caret), "^".repeat(shown.width.max(1)))?;
            }
            let replacements: Vec<String> =
                f.suggestions
                    .iter()
                    .filter_map(|s| s.replacement.as_ref().map(|r| (r, &s.replaced_text)))
                    .map(|(r, replaced)| match replaced {
                        // The fix reaches beyond the finding: say what it replaces.
                        Some(old) => format!("“{}” → “{}”", safe(old), safe(r)),
                        None => format!("“{}”", safe(r)),
                    })
                    .collect();
            if !replacements.is_empty() {
                writeln!(out, "  {pad} {dim}={dim:#} try: {}", replacements.join(", "))?;
            }
            for s in f.suggestions.iter().filter(|s| s.replacement.is_none()) {
                writeln!(out, "  {pad} {dim}={dim:#} {}", safe(&s.description))?;
            }
        }
        Ok(())
    }

    fn write_summary(&self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        let files = if s.files == 1 { "1 file" } else { &format!("{} files", s.files) };
        let mut line = if s.findings == 0 {
            format!("{files} checked: no findings")
        } else {
            let parts: Vec<String> = s.by_category.iter().map(|(c, n)| format!("{c} {n}")).collect();
            let noun = if s.findings == 1 { "finding" } else { "findings" };
            format!("{files} checked: {} {noun} ({})", s.findings, parts.join(", "))
        };
        if s.errors > 0 {
            line.push_str(&format!("; {} could not be checked", s.errors));
        }
        if s.skipped > 0 {
            line.push_str(&format!("; {} skipped (not .txt or .md)", s.skipped));
        }
        let bold = self.style(Style::new().bold());
        writeln!(out, "{bold}{line}{bold:#}")
    }
}

/// JSON version 1: `{"version":1,"files":[...],"summary":{...},"explanations":{...}}`,
/// written as it goes. `explanations` holds, for each category that has findings,
/// its explanation in English and Welsh (principle, why it matters, a bad and a good
/// example), once rather than in every finding.
pub struct Json {
    started: std::sync::atomic::AtomicBool,
    messages: crate::rulebook::Messages,
}

impl Json {
    pub fn new(messages: crate::rulebook::Messages) -> Json {
        Json { started: Default::default(), messages }
    }
}

impl Reporter for Json {
    fn render(&self, file: &FileReport) -> Vec<u8> {
        serde_json::to_vec(file).expect("a file report serialises")
    }

    fn begin_file(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let started = self.started.swap(true, std::sync::atomic::Ordering::Relaxed);
        out.write_all(if started { b"," } else { b"{\"version\":1,\"files\":[" })
    }

    fn finish(&self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        if !self.started.load(std::sync::atomic::Ordering::Relaxed) {
            out.write_all(b"{\"version\":1,\"files\":[")?;
        }
        out.write_all(b"],\"summary\":")?;
        serde_json::to_writer(&mut *out, summary)?;
        let explanations: BTreeMap<&str, BTreeMap<&str, &crate::rulebook::Explanation>> = summary
            .by_category
            .keys()
            .filter_map(|id| Category::from_id(id))
            .map(|cat| {
                let langs = [Lang::En, Lang::Cy].into_iter().map(|l| (l.code(), self.messages.explanation(cat, l))).collect();
                (cat.id(), langs)
            })
            .collect();
        out.write_all(b",\"explanations\":")?;
        serde_json::to_writer(&mut *out, &explanations)?;
        out.write_all(b"}\n")
    }
}
