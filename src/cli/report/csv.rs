//! CSV for Excel and Power BI: a row per finding, with the record's row, id, group
//! and date, and a row for each file or record that could not be checked. Cells
//! that a spreadsheet would read as a formula (starting `=`, `+`, `-`, `@`) are
//! written with a leading apostrophe, so a note cannot put a formula into a
//! manager's workbook.

use std::io::Write;
use std::sync::Mutex;

use super::{FileReport, Pseudonyms, Reporter, Summary};

pub struct Csv {
    state: Mutex<State>,
}

struct State {
    pseudonyms: Pseudonyms,
    started: bool,
}

const HEADER: [&str; 18] = [
    "path", "row", "id", "group", "date", "language", "category", "rule", "severity", "line", "column", "end_line", "end_column", "excerpt",
    "message", "suggestion", "error", "encoding",
];

impl Csv {
    pub fn new(anonymise: bool) -> Csv {
        Csv { state: Mutex::new(State { pseudonyms: Pseudonyms::new(anonymise), started: false }) }
    }
}

/// A cell a spreadsheet shows as text, never as a formula.
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

impl Reporter for Csv {
    fn render(&self, _file: &FileReport) -> Vec<u8> {
        // Written in order by `begin_file`, so that --anonymise numbers in order.
        Vec::new()
    }

    fn begin_file(&self, out: &mut dyn Write, file: &FileReport) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut w = csv::WriterBuilder::new().flexible(false).from_writer(Vec::new());
        if !state.started {
            state.started = true;
            out.write_all(b"\xEF\xBB\xBF")?; // Excel reads UTF-8 only with its mark.
            w.write_record(HEADER)?;
        }
        let record = file.record.as_ref().map(|r| state.pseudonyms.record(r, "Group", "Record"));
        let row = record.as_ref().map(|r| r.row.to_string()).unwrap_or_default();
        let (id, group, date) = record.as_ref().map_or((String::new(), String::new(), String::new()), |r| {
            (r.id.clone().unwrap_or_default(), r.group.clone().unwrap_or_default(), r.date.clone().unwrap_or_default())
        });
        let fixed = [cell(&file.path), row, cell(&id), cell(&group), cell(&date), file.language.to_string()];
        let encoding = file.encoding.unwrap_or_default().to_string();
        if let Some(error) = &file.error {
            let mut line: Vec<String> = fixed.to_vec();
            line.extend(std::iter::repeat_n(String::new(), 10));
            line.extend([cell(error), encoding.clone()]);
            w.write_record(&line)?;
        }
        for f in &file.findings {
            let suggestion = f.suggestions.iter().find_map(|s| s.replacement.clone()).or_else(|| f.suggestions.first().map(|s| s.description.clone()));
            let mut line: Vec<String> = fixed.to_vec();
            line.extend([
                f.category.id().to_string(),
                f.rule.clone(),
                f.severity.as_str().to_string(),
                f.start.line.to_string(),
                f.start.column.to_string(),
                f.end.line.to_string(),
                f.end.column.to_string(),
                cell(&f.excerpt),
                cell(&f.message),
                cell(&suggestion.unwrap_or_default()),
                String::new(),
                encoding.clone(),
            ]);
            w.write_record(&line)?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        out.write_all(&bytes)
    }

    fn finish(&self, out: &mut dyn Write, _summary: &Summary) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.started {
            state.started = true;
            out.write_all(b"\xEF\xBB\xBF")?;
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(HEADER)?;
            out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
        }
        Ok(())
    }
}
