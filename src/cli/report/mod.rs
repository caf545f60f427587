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

pub use crate::reported::ReportedFinding;
use crate::export::RecordInfo;
use crate::language::Lang;

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
    /// The language of the messages when the configuration fixes one (else each
    /// finding's); the text view labels its suggestions in it.
    #[serde(skip)]
    pub message_lang: Option<Lang>,
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
            message_lang: None,
            findings: Vec::new(),
        }
    }

    /// The file's name as reports show it: for a record, with its row and id
    /// ("visits.csv row 12 (id R-104)"). Control characters are escaped.
    pub fn name(&self) -> String {
        name_of(&self.path, self.record.as_ref())
    }
}

/// A file, or a record of an export, as reports name it: "visits.csv row 12 (id
/// R-104)". Control characters are escaped.
pub fn name_of(path: &str, record: Option<&RecordInfo>) -> String {
    let path = crate::safe_text::for_terminal(path);
    match record {
        None => path.into_owned(),
        Some(r) => match &r.id {
            None => format!("{path} row {}", r.row),
            Some(id) => format!("{path} row {} (id {})", r.row, crate::safe_text::for_terminal(id)),
        },
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
