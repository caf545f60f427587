//! Exports from case management systems: spreadsheets, CSV and JSON files holding
//! one record per row or object, and Word documents, each checked as one note.
//!
//! A module per format reads the file and hands over its records one at a time, in
//! order, through a small bounded channel: a reader thread per export runs ahead of
//! the checking by at most [`CHANNEL_RECORDS`] records, so an export of gigabytes is
//! checked in bounded memory. A record that cannot be read (no text, bad encoding,
//! too large) is a per-record error and the run goes on; a file that cannot be read
//! at all, or stops being readable part-way, ends with one error for the file.
//!
//! Errors name columns, rows and problems, never a cell's content.
//!
//! - CSV and TSV: the `csv` crate, with UTF-16 and a byte order mark transcoded by
//!   `encoding_rs_io` (Excel's "Unicode text" export is UTF-16 with tabs).
//! - XLSX and ODS: `calamine`; XLSX rows are streamed (but the workbook's shared
//!   strings, where Excel keeps cells' text, are held whole), ODS sheets are read
//!   whole (calamine has no streaming reader for them), so ODS files have a size limit.
//! - JSON: an array of objects (streamed), one object, or JSON Lines.
//! - DOCX: `zip` and `quick-xml` (both already built for calamine and the model
//!   installer); see [`docx`].

mod csv;
pub mod docx;
mod json;
mod sheet;

use std::path::Path;
use std::sync::mpsc;

/// The kinds of export cofnod reads, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Csv,
    Tsv,
    Xlsx,
    Ods,
    Json,
    Jsonl,
}

impl Kind {
    /// The kind of export a file's extension names (any case), if any.
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Kind::Csv,
            "tsv" | "tab" => Kind::Tsv,
            "xlsx" | "xlsm" => Kind::Xlsx,
            "ods" => Kind::Ods,
            "json" => Kind::Json,
            "jsonl" | "ndjson" => Kind::Jsonl,
            _ => return None,
        })
    }
}

/// Is this a Word document (`.docx`), checked as one note?
pub fn is_docx(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("docx"))
}

/// Which columns (or JSON fields) hold what. The same for every format, from the
/// command line or `[export]` in `cofnod.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The text columns, joined as paragraphs; empty: detect one.
    pub columns: Vec<String>,
    pub id_column: Option<String>,
    pub group_column: Option<String>,
    pub date_column: Option<String>,
    /// The worksheet of a workbook (default: the first).
    pub sheet: Option<String>,
}

impl Options {
    /// These options, with any left unset taken from `fallback` (the configuration).
    pub fn or(&self, fallback: &Options) -> Options {
        Options {
            columns: if self.columns.is_empty() { fallback.columns.clone() } else { self.columns.clone() },
            id_column: self.id_column.clone().or_else(|| fallback.id_column.clone()),
            group_column: self.group_column.clone().or_else(|| fallback.group_column.clone()),
            date_column: self.date_column.clone().or_else(|| fallback.date_column.clone()),
            sheet: self.sheet.clone().or_else(|| fallback.sheet.clone()),
        }
    }
}

/// Where a record came from in its export, as JSON output reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecordInfo {
    /// Spreadsheets and CSV: the row as a spreadsheet numbers it (the header is row
    /// 1). JSON arrays: the object's place, from 1. JSON Lines: the line.
    pub row: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// One record of an export: where it is, and its text or why it has none.
#[derive(Debug)]
pub struct Record {
    pub info: RecordInfo,
    pub text: Result<String, String>,
    /// How the export's bytes were decoded.
    pub encoding: &'static str,
    /// Bytes of the export read so far, when the format knows (for progress).
    pub read_to: Option<u64>,
}

/// What an export's reader hands over: a record, or why the file cannot be read
/// (further). `Fatal` is always the last item.
#[derive(Debug)]
pub enum Item {
    Record(Record),
    Fatal(String),
}

/// Records of one export read ahead of the checking, at most.
pub const CHANNEL_RECORDS: usize = 64;

/// The records of an export, read on their own thread as they are taken.
pub struct Records {
    receiver: mpsc::Receiver<Item>,
}

impl Iterator for Records {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        self.receiver.recv().ok()
    }
}

/// Starts reading an export. Problems opening it, and a text column that cannot be
/// found, arrive as the first (and only) item.
pub fn open(path: &Path, kind: Kind, options: &Options, max_record_bytes: u64) -> Records {
    let (sender, receiver) = mpsc::sync_channel(CHANNEL_RECORDS);
    let (path, options) = (path.to_path_buf(), options.clone());
    let spawned = std::thread::Builder::new().name("cofnod-export".into()).spawn(move || {
        let limits = Limits { max_record_bytes };
        let mut emit = |item: Item| sender.send(item).is_ok();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match kind {
            Kind::Csv => csv::read(&path, None, &options, limits, &mut emit),
            Kind::Tsv => csv::read(&path, Some(b'\t'), &options, limits, &mut emit),
            Kind::Xlsx => sheet::read_xlsx(&path, &options, limits, &mut emit),
            Kind::Ods => sheet::read_ods(&path, &options, limits, &mut emit),
            Kind::Json => json::read(&path, false, &options, limits, &mut emit),
            Kind::Jsonl => json::read(&path, true, &options, limits, &mut emit),
        }));
        let problem = match result {
            Ok(Ok(())) => return,
            Ok(Err(problem)) => problem,
            Err(_) => "cofnod failed reading this export (an internal error; please report it)".to_string(),
        };
        emit(Item::Fatal(problem));
    });
    if let Err(e) = spawned {
        // No thread: the receiver sees the channel closed at once, so say why first.
        let (sender, receiver) = mpsc::sync_channel(1);
        let _ = sender.send(Item::Fatal(format!("could not start reading the export: {e}")));
        return Records { receiver };
    }
    Records { receiver }
}

#[derive(Clone, Copy)]
struct Limits {
    max_record_bytes: u64,
}

/// A header as compared: lower case, with runs of spaces, `_`, `-` and `.` as one
/// space ("Case_Note", "case-note" and "Case  note" are one name).
fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.trim().trim_start_matches('\u{feff}').split(|c: char| c.is_whitespace() || matches!(c, '_' | '-' | '.')).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// Column names that hold a note's text, best first, in English and Welsh.
const TEXT_NAMES: &[&str] = &[
    "note", "notes", "case note", "case notes", "casenote", "casenotes", "note text", "notes text", "text", "narrative", "case narrative",
    "contact note", "contact notes", "body", "details", "description", "entry", "record text", "observations", "comments",
    "nodyn", "nodiadau", "nodyn achos", "nodiadau achos", "testun", "naratif", "manylion", "disgrifiad", "sylwadau",
];
/// Words that, in a longer header, say it holds a note ("Contact narrative").
const TEXT_WORDS: &[&str] = &["note", "notes", "narrative", "casenote", "nodyn", "nodiadau", "naratif"];

/// The columns an export's records are read from, as indices into its headers.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Columns {
    text: Vec<usize>,
    id: Option<usize>,
    group: Option<usize>,
    date: Option<usize>,
    /// The text columns' names, for messages.
    text_names: Vec<String>,
}

/// Headers longer than this are not shown: the first row may be a record (an export
/// without a header), and errors never show a note's text.
const HEADER_CHARS_SHOWN: usize = 40;

/// The headers as a message lists them.
fn list(headers: &[String]) -> String {
    let shown: Vec<String> = headers
        .iter()
        .take(40)
        .map(|h| match h.trim() {
            h if h.chars().count() > HEADER_CHARS_SHOWN => {
                format!("(a cell of {} characters: is the first row a record, not a header?)", h.chars().count())
            }
            h => format!("\"{}\"", crate::safe_text::for_terminal(h)),
        })
        .collect();
    let more = if headers.len() > 40 { format!(" and {} more", headers.len() - 40) } else { String::new() };
    if shown.is_empty() {
        "none".to_string()
    } else {
        format!("{}{more}", shown.join(", "))
    }
}

impl Columns {
    /// Finds the columns `options` names (or detects the text column) among
    /// `headers`. The error names the columns there are.
    fn resolve(headers: &[String], options: &Options) -> Result<Columns, String> {
        Self::resolve_as(headers, options, ("column", "columns"))
    }

    /// As [`Columns::resolve`], calling them `noun` (singular, plural) in messages:
    /// JSON has fields.
    fn resolve_as(headers: &[String], options: &Options, noun: (&str, &str)) -> Result<Columns, String> {
        let (one, many) = noun;
        let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let find = |name: &str, what: &str| -> Result<usize, String> {
            let n = normalise(name);
            normal.iter().position(|h| *h == n).ok_or_else(|| {
                format!("no {what} {one} called \"{}\" (the {many} are {})", crate::safe_text::for_terminal(name), list(headers))
            })
        };
        let text = if options.columns.is_empty() {
            vec![Self::detect(&normal).ok_or_else(|| {
                format!("no {one} of note text found (the {many} are {}); name it with --column or `[export] columns` in cofnod.toml", list(headers))
            })?]
        } else {
            options.columns.iter().map(|c| find(c, "text")).collect::<Result<_, _>>()?
        };
        let text_names = text.iter().map(|&i| headers[i].trim().to_string()).collect();
        Ok(Columns {
            text,
            id: options.id_column.as_deref().map(|c| find(c, "id")).transpose()?,
            group: options.group_column.as_deref().map(|c| find(c, "group")).transpose()?,
            date: options.date_column.as_deref().map(|c| find(c, "date")).transpose()?,
            text_names,
        })
    }

    /// The text column when none is named: a well-known name, else the one header
    /// with a note word in it. Several such headers are ambiguous: none is chosen.
    fn detect(normal: &[String]) -> Option<usize> {
        for name in TEXT_NAMES {
            if let Some(i) = normal.iter().position(|h| h == name) {
                return Some(i);
            }
        }
        let with_word: Vec<usize> =
            (0..normal.len()).filter(|&i| normal[i].split(' ').any(|w| TEXT_WORDS.contains(&w))).collect();
        match with_word[..] {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Says on standard error which column was taken as the note text, when cofnod
    /// chose it (no `--column`).
    fn announce(&self, path: &Path, options: &Options) {
        if options.columns.is_empty() {
            eprintln!(
                "cofnod: {}: checking the column \"{}\" (choose others with --column)",
                crate::safe_text::path(path),
                crate::safe_text::for_terminal(&self.text_names.join("\", \""))
            );
        }
    }

    /// A record from its cells (by column index; a missing cell is empty).
    fn record(&self, row: u64, cell: impl Fn(usize) -> Option<String>, limits: Limits, encoding: &'static str, read_to: Option<u64>) -> Record {
        let field = |i: Option<usize>| i.and_then(&cell).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let info = RecordInfo { row, id: field(self.id), group: field(self.group), date: field(self.date) };
        let parts: Vec<String> = self.text.iter().filter_map(|&i| cell(i)).filter(|t| !t.trim().is_empty()).collect();
        let text = join_text(parts, &self.text_names, limits);
        Record { info, text, encoding, read_to }
    }
}

/// Text columns joined as paragraphs (a blank line between), or why there is none.
fn join_text(parts: Vec<String>, names: &[String], limits: Limits) -> Result<String, String> {
    if parts.is_empty() {
        let names: Vec<String> = names.iter().map(|n| format!("\"{}\"", crate::safe_text::for_terminal(n))).collect();
        return Err(format!("no text in {} {}", if names.len() == 1 { "column" } else { "columns" }, names.join(", ")));
    }
    let text = parts.join("\n\n");
    if text.len() as u64 > limits.max_record_bytes {
        return Err(crate::input::InputError::TooLarge(limits.max_record_bytes).to_string());
    }
    if text.contains('\0') {
        return Err("the text holds NUL characters (binary data, not text); not checked".to_string());
    }
    Ok(text)
}

/// Text cells as they arrive from a file that should be UTF-8: the text, or `None`
/// when the bytes are not UTF-8. A file whose earlier records were UTF-8 with
/// non-ASCII letters is UTF-8 with a bad record; one that has shown none is read
/// as Windows-1252 (older exports), from then on.
struct Decoder {
    seen_utf8: bool,
    windows_1252: bool,
}

impl Decoder {
    fn new() -> Decoder {
        Decoder { seen_utf8: false, windows_1252: false }
    }

    fn encoding(&self) -> &'static str {
        if self.windows_1252 {
            "windows-1252"
        } else {
            "UTF-8"
        }
    }

    /// Decodes one field, or `None` when it is bad for the file's encoding.
    fn decode(&mut self, bytes: &[u8]) -> Option<String> {
        if self.windows_1252 {
            return Some(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned());
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                self.seen_utf8 |= !s.is_ascii();
                Some(s.to_string())
            }
            Err(_) if !self.seen_utf8 => {
                self.windows_1252 = true;
                self.decode(bytes)
            }
            Err(_) => None,
        }
    }
}

/// The month a record's date falls in, as `YYYY-MM`: ISO dates ("2026-03-12",
/// "2026-03-12T09:30:00"), day-first dates ("12/03/2026") and dates in
/// words, in English or Welsh ("12 March 2026", "12fed o Fawrth 2026").
pub fn month_of(date: &str) -> Option<String> {
    let d = date.trim();
    let b = d.as_bytes();
    if b.len() >= 7 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/') && b[5..7].iter().all(u8::is_ascii_digit) {
        let month: u8 = d[5..7].parse().ok()?;
        return (1..=12).contains(&month).then(|| d[..7].replace('/', "-"));
    }
    let w = crate::checks::record::dates::find(d, 0).into_iter().find(|w| w.month.is_some() && w.year.is_some())?;
    let year = w.year?;
    let year = if year < 100 { 2000 + year } else { year };
    Some(format!("{year:04}-{:02}", w.month?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_text_column_is_found_by_its_name_or_a_note_word() {
        let o = Options::default();
        assert_eq!(Columns::resolve(&headers(&["ID", "Author", "Case Note"]), &o).unwrap().text, vec![2]);
        assert_eq!(Columns::resolve(&headers(&["rhif", "Nodyn"]), &o).unwrap().text, vec![1]);
        assert_eq!(Columns::resolve(&headers(&["id", "Contact narrative", "date"]), &o).unwrap().text, vec![1]);
        // "notes" is a known name and wins over a longer header with a note word.
        assert_eq!(Columns::resolve(&headers(&["Visit notes summary", "notes"]), &o).unwrap().text, vec![1]);
    }

    #[test]
    fn no_text_column_names_the_columns_there_are() {
        let e = Columns::resolve(&headers(&["ID", "Team", "Visit note", "Phone note"]), &Options::default()).unwrap_err();
        assert!(e.contains("no column of note text found") && e.contains("\"ID\", \"Team\", \"Visit note\", \"Phone note\""), "{e}");
        let o = Options { columns: vec!["Narrative".into()], ..Options::default() };
        let e = Columns::resolve(&headers(&["ID", "Note"]), &o).unwrap_err();
        assert_eq!(e, "no text column called \"Narrative\" (the columns are \"ID\", \"Note\")");
    }

    #[test]
    fn a_first_row_of_note_text_is_not_shown_in_the_error() {
        let first = "Visited Mrs Jones at home today; she was upset about her son";
        let e = Columns::resolve(&headers(&["17", first]), &Options::default()).unwrap_err();
        assert!(!e.contains("Mrs Jones") && e.contains("\"17\", (a cell of 60 characters: is the first row a record, not a header?)"), "{e}");
    }

    #[test]
    fn named_columns_match_whatever_their_case_and_spacing() {
        let o = Options {
            columns: vec!["case_note".into(), "Outcome".into()],
            id_column: Some("Record ID".into()),
            group_column: Some("team".into()),
            date_column: Some("DATE".into()),
            sheet: None,
        };
        let c = Columns::resolve(&headers(&["record-id", "Team", "Date", "Case Note", "outcome"]), &o).unwrap();
        assert_eq!((c.text, c.id, c.group, c.date), (vec![3, 4], Some(0), Some(1), Some(2)));
    }

    #[test]
    fn records_join_their_text_columns_and_report_an_empty_one() {
        let c = Columns { text: vec![0, 1], id: Some(2), group: None, date: None, text_names: vec!["a".into(), "b".into()] };
        let cells = ["First part.", "Second part.", " R-1 "];
        let limits = Limits { max_record_bytes: 1000 };
        let r = c.record(2, |i| cells.get(i).map(|s| s.to_string()), limits, "UTF-8", None);
        assert_eq!(r.text.unwrap(), "First part.\n\nSecond part.");
        assert_eq!(r.info, RecordInfo { row: 2, id: Some("R-1".into()), group: None, date: None });
        let r = c.record(3, |i| (i == 2).then(|| "R-2".to_string()), limits, "UTF-8", None);
        assert_eq!(r.text.unwrap_err(), "no text in columns \"a\", \"b\"");
        let r = c.record(4, |_| Some("x".repeat(600)), limits, "UTF-8", None);
        assert!(r.text.unwrap_err().starts_with("larger than"));
    }

    #[test]
    fn months_are_read_from_iso_day_first_and_worded_dates() {
        assert_eq!(month_of("2026-03-12").as_deref(), Some("2026-03"));
        assert_eq!(month_of("2026-03-12T09:30:00").as_deref(), Some("2026-03"));
        assert_eq!(month_of("12/03/2026").as_deref(), Some("2026-03"));
        assert_eq!(month_of("5 November 2025").as_deref(), Some("2025-11"));
        assert_eq!(month_of("5ed o Dachwedd 2025").as_deref(), Some("2025-11"));
        assert_eq!(month_of("soon"), None);
        assert_eq!(month_of("2026-13-01"), None);
    }

    #[test]
    fn a_file_of_windows_1252_is_read_as_such_but_a_utf8_file_keeps_its_encoding() {
        let mut d = Decoder::new();
        assert_eq!(d.decode(b"plain").as_deref(), Some("plain"));
        assert_eq!(d.decode(b"caf\xe9").as_deref(), Some("café"));
        assert_eq!(d.encoding(), "windows-1252");
        let mut d = Decoder::new();
        assert_eq!(d.decode("Dŵr".as_bytes()).as_deref(), Some("Dŵr"));
        assert_eq!(d.decode(b"caf\xe9"), None);
        assert_eq!(d.encoding(), "UTF-8");
    }
}
