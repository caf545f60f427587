//! Workbooks, with `calamine`: XLSX (and XLSM) streamed cell by cell, ODS read a
//! sheet at a time. The sheet is `--sheet`, else the workbook's first. The header
//! is the first row, among the first ten that are not empty, that has the columns
//! wanted (a title row above the table is passed over); the error, when none has,
//! names the columns of the first.

use std::path::Path;

use calamine::{Data, DataRef, Reader};

use super::{Columns, Item, Limits, Options};

/// The largest ODS file read: calamine reads an ODS sheet whole, at some tens of
/// times the file's size in memory.
const MAX_ODS_BYTES: u64 = 100 * crate::input::MB;

/// Non-empty rows looked at for the header.
const HEADER_ROWS_TRIED: usize = 10;

fn pick_sheet(names: &[String], options: &Options) -> Result<String, String> {
    match &options.sheet {
        None => names.first().cloned().ok_or_else(|| "the workbook has no sheets".to_string()),
        Some(wanted) => {
            let n = super::normalise(wanted);
            names.iter().find(|s| super::normalise(s) == n).cloned().ok_or_else(|| {
                format!("no sheet called \"{}\" (the sheets are {})", crate::safe_text::for_terminal(wanted), super::list(names))
            })
        }
    }
}

/// A date cell as an ISO date ("2026-03-12", or with the time when it has one).
fn excel_date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return d.as_f64().to_string();
    }
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    if (h, min, s) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02}T{h:02}:{min:02}:{s:02}")
    }
}

/// A number as a spreadsheet shows an id: 1001, not 1001.0.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// A cell as text (XLSX cells arrive as `DataRef`, converted with calamine's `From`).
fn cell(v: Data) -> Option<String> {
    Some(match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(f),
        Data::String(s) => s,
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(&d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Error(_) | Data::Empty => return None,
    })
}

fn unreadable(what: &str, e: impl std::fmt::Display) -> String {
    // calamine's messages name parts of the workbook, not cell contents.
    format!("not a readable {what} workbook ({})", crate::safe_text::for_terminal(&e.to_string()))
}

/// Hands over the rows after the header: `rows` gives (row index from 0, cells by
/// column), in order.
fn emit_rows(
    rows: &mut dyn FnMut() -> Result<Option<(u32, Vec<Option<String>>)>, String>,
    path: &Path,
    options: &Options,
    limits: Limits,
    emit: &mut dyn FnMut(Item) -> bool,
) -> Result<(), String> {
    // The header is the first row that has the columns wanted, among the first few
    // non-empty rows: exports often start with a title or the date of the export.
    let mut first_problem = None;
    let mut tried = 0;
    let columns = loop {
        let headers = match rows()? {
            None => return Err(first_problem.unwrap_or_else(|| "the sheet is empty; no header row".to_string())),
            Some((_, cells)) if cells.iter().all(Option::is_none) => continue,
            Some((_, cells)) => cells.into_iter().map(Option::unwrap_or_default).collect::<Vec<String>>(),
        };
        match Columns::resolve(&headers, options) {
            Ok(columns) => break columns,
            Err(problem) => {
                tried += 1;
                let problem = first_problem.get_or_insert(problem);
                if tried == HEADER_ROWS_TRIED {
                    return Err(problem.clone());
                }
            }
        }
    };
    columns.announce(path, options);
    while let Some((index, cells)) = rows()? {
        if cells.iter().all(|c| c.as_deref().is_none_or(|s| s.trim().is_empty())) {
            continue;
        }
        let record = columns.record(u64::from(index) + 1, |i| cells.get(i).cloned().flatten(), limits, "UTF-8", None);
        if !emit(Item::Record(record)) {
            break;
        }
    }
    Ok(())
}

pub(super) fn read_xlsx(path: &Path, options: &Options, limits: Limits, emit: &mut dyn FnMut(Item) -> bool) -> Result<(), String> {
    let (file, _) = crate::input::open_regular(path).map_err(|e| e.to_string())?;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::BufReader::new(file)).map_err(|e| unreadable("XLSX", e))?;
    let name = pick_sheet(&book.sheet_names(), options)?;
    let mut reader = book.worksheet_cells_reader(&name).map_err(|e| unreadable("XLSX", e))?;
    // Cells arrive row by row; a row is complete when the next row's first cell comes.
    let mut pending: Option<calamine::Cell<DataRef>> = None;
    let mut finished = false;
    let mut next_row = || -> Result<Option<(u32, Vec<Option<String>>)>, String> {
        let first = match pending.take() {
            Some(c) => c,
            None if finished => return Ok(None),
            None => match reader.next_cell().map_err(|e| unreadable("XLSX", e))? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        let row = first.get_position().0;
        let mut cells: Vec<Option<String>> = Vec::new();
        let mut put = |c: &calamine::Cell<DataRef>| {
            let col = c.get_position().1 as usize;
            // A stray cell far to the right must not make every row that wide.
            if col < 16_384 {
                if cells.len() <= col {
                    cells.resize(col + 1, None);
                }
                cells[col] = cell(Data::from(c.get_value().clone()));
            }
        };
        put(&first);
        loop {
            match reader.next_cell().map_err(|e| unreadable("XLSX", e))? {
                None => {
                    finished = true;
                    break;
                }
                Some(c) if c.get_position().0 == row => put(&c),
                Some(c) => {
                    pending = Some(c);
                    break;
                }
            }
        }
        Ok(Some((row, cells)))
    };
    emit_rows(&mut next_row, path, options, limits, emit)
}

pub(super) fn read_ods(path: &Path, options: &Options, limits: Limits, emit: &mut dyn FnMut(Item) -> bool) -> Result<(), String> {
    let (file, size) = crate::input::open_regular(path).map_err(|e| e.to_string())?;
    if size > MAX_ODS_BYTES {
        return Err(format!(
            "an ODS workbook larger than {} MB; not read (save it as XLSX or CSV, which are read row by row)",
            MAX_ODS_BYTES / crate::input::MB
        ));
    }
    let mut book: calamine::Ods<_> = calamine::Ods::new(std::io::BufReader::new(file)).map_err(|e| unreadable("ODS", e))?;
    let name = pick_sheet(&book.sheet_names(), options)?;
    let range = book.worksheet_range(&name).map_err(|e| unreadable("ODS", e))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate();
    let mut next_row = || -> Result<Option<(u32, Vec<Option<String>>)>, String> {
        Ok(rows.next().map(|(i, r)| {
            let mut cells = vec![None; first_col as usize];
            cells.extend(r.iter().cloned().map(cell));
            (first_row + i as u32, cells)
        }))
    };
    emit_rows(&mut next_row, path, options, limits, emit)
}
