//! CSV and TSV exports, streamed row by row with the `csv` crate. The first row
//! names the columns. A file with a byte order mark is transcoded to UTF-8 as it is
//! read (`encoding_rs_io`); one without is UTF-8, or Windows-1252 when its bytes say
//! so (see [`super::Decoder`]). A `.csv` whose first line has more semicolons than
//! commas (Excel in much of Europe) is read with semicolons.

use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{Columns, Decoder, Item, Limits, Options};

pub(super) fn read(path: &Path, delimiter: Option<u8>, options: &Options, limits: Limits, emit: &mut dyn FnMut(Item) -> bool) -> Result<(), String> {
    let (mut file, size) = crate::input::open_regular(path).map_err(|e| e.to_string())?;
    let bom_encoding = bom(&mut file).map_err(|e| format!("could not read the file: {}", e.kind()))?;
    let transcoded = encoding_rs_io::DecodeReaderBytesBuilder::new().bom_sniffing(true).utf8_passthru(true).build(file);
    let mut buffered = BufReader::with_capacity(256 * 1024, transcoded);
    let first = buffered.fill_buf().map_err(|e| format!("could not read the file: {}", e.kind()))?;
    let delimiter = delimiter.unwrap_or_else(|| sniff(first));
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(false).from_reader(buffered);

    let mut decoder = Decoder::new();
    let mut row = csv::ByteRecord::new();
    let headers = match reader.read_byte_record(&mut row) {
        Ok(true) => row.iter().map(|h| decoder.decode(h).unwrap_or_default()).collect::<Vec<String>>(),
        Ok(false) => return Err("empty file; no header row".to_string()),
        Err(e) => return Err(problem(&e)),
    };
    let columns = Columns::resolve(&headers, options)?;
    columns.announce(path, options);
    let mut number = 1u64;
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(format!("{} (after row {number})", problem(&e))),
        }
        number += 1;
        // Blank lines between rows are not records.
        if row.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let mut cells: Vec<Option<String>> = Vec::with_capacity(row.len());
        let mut bad = false;
        for field in row.iter() {
            let cell = decoder.decode(field);
            bad |= cell.is_none();
            cells.push(cell);
        }
        let read_to = Some(reader.position().byte().min(size));
        let encoding = bom_encoding.unwrap_or_else(|| decoder.encoding());
        let mut record = columns.record(number, |i| cells.get(i).cloned().flatten(), limits, encoding, read_to);
        if bad && columns.text.iter().any(|&i| cells.get(i).is_some_and(Option::is_none)) {
            record.text = Err("the text is not valid UTF-8, unlike the rest of the file; not checked".to_string());
        }
        if !emit(Item::Record(record)) {
            return Ok(());
        }
    }
}

/// The delimiter of a `.csv` file from its first line: `;` when it has more of them
/// than commas, else `,`.
fn sniff(start: &[u8]) -> u8 {
    let line = start.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |c: u8| line.iter().filter(|&&b| b == c).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

/// The encoding the file's byte order mark names, if it has one; the file is left
/// at its start.
fn bom(file: &mut std::fs::File) -> std::io::Result<Option<&'static str>> {
    use std::io::{Read, Seek};
    let mut start = [0u8; 3];
    let mut n = 0;
    while n < start.len() {
        match file.read(&mut start[n..])? {
            0 => break,
            k => n += k,
        }
    }
    file.rewind()?;
    Ok(encoding_rs::Encoding::for_bom(&start[..n]).map(|(e, _)| e.name()))
}

fn problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("could not read the file: {}", io.kind()),
        _ => "not a readable CSV file".to_string(),
    }
}
