//! Output of `cofnod check`: text for people (colour only on a terminal) and JSON
//! version 1 for programs. Both stream file by file, so memory stays flat on
//! large runs.

use anstyle::{AnsiColor, Style};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

use crate::finding::{Category, Finding, Severity, Suggestion};
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
    pub suggestions: Vec<Suggestion>,
    /// The line the finding starts on, for the text view.
    #[serde(skip)]
    line_text: String,
}

impl ReportedFinding {
    /// `with_line`: keep the finding's line for the text view (JSON does not need it).
    pub fn new(f: Finding, text: &str, index: &LineIndex, with_line: bool) -> Self {
        let start = index.position(f.start);
        let end = index.position(f.end);
        let line_text = if with_line {
            let line_start = text[..f.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[f.start..].find('\n').map_or(text.len(), |i| f.start + i);
            text[line_start..line_end].trim_end_matches('\r').to_string()
        } else {
            String::new()
        };
        ReportedFinding {
            category: f.category,
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            lang: f.lang,
            start,
            end,
            excerpt: text[f.start..f.end].to_string(),
            suggestions: f.suggestions,
            line_text,
        }
    }
}

#[derive(Serialize)]
pub struct FileReport {
    pub path: String,
    pub language: &'static str,
    /// How the bytes were decoded, when the file could be read.
    pub encoding: Option<&'static str>,
    pub error: Option<String>,
    pub findings: Vec<ReportedFinding>,
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
    fn begin_file(&mut self, out: &mut dyn Write) -> std::io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()>;
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

    fn begin_file(&mut self, _out: &mut dyn Write) -> std::io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        self.write_summary(out, s)
    }
}

impl Text {
    fn write_file(&self, out: &mut dyn Write, file: &FileReport) -> std::io::Result<()> {
        let bold = self.style(Style::new().bold());
        let dim = self.style(Style::new().dimmed());
        if let Some(error) = &file.error {
            let red = self.style(AnsiColor::Red.on_default().bold());
            return writeln!(out, "{bold}{}{bold:#}: {red}error{red:#}: {error}", file.path);
        }
        for f in &file.findings {
            let sev = self.style(severity_style(f.severity));
            writeln!(out, "{bold}{}:{}:{}{bold:#}: {sev}{}{sev:#}: {}", file.path, f.start.line, f.start.column, f.category, f.message)?;
            let number = f.start.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(out, "  {dim}{number} |{dim:#} {}", f.line_text)?;
            let before = f.start.column - 1;
            let width = if f.end.line == f.start.line { (f.end.column - f.start.column).max(1) } else { f.line_text.chars().count().saturating_sub(before).max(1) };
            writeln!(out, "  {pad} {dim}|{dim:#} {}{sev}{}{sev:#}", " ".repeat(before), "^".repeat(width))?;
            let replacements: Vec<String> = f.suggestions.iter().filter_map(|s| s.replacement.as_ref()).map(|r| format!("“{r}”")).collect();
            if !replacements.is_empty() {
                writeln!(out, "  {pad} {dim}={dim:#} try: {}", replacements.join(", "))?;
            }
            for s in f.suggestions.iter().filter(|s| s.replacement.is_none()) {
                writeln!(out, "  {pad} {dim}={dim:#} {}", s.description)?;
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
    started: bool,
    messages: crate::rulebook::Messages,
}

impl Json {
    pub fn new(messages: crate::rulebook::Messages) -> Json {
        Json { started: false, messages }
    }
}

impl Reporter for Json {
    fn render(&self, file: &FileReport) -> Vec<u8> {
        serde_json::to_vec(file).expect("a file report serialises")
    }

    fn begin_file(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(if self.started { b"," } else { b"{\"version\":1,\"files\":[" })?;
        self.started = true;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        if !self.started {
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
