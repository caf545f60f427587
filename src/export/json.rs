//! JSON exports: an array of objects (streamed, one object at a time), a single
//! object (one record), or JSON Lines (one object per line). The text, id, group and
//! date are fields of each object, named as columns are; a field holding a list of
//! strings is joined as paragraphs. A JSON Lines line that is not valid JSON, or
//! not an object, is a per-record error and the run goes on.

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{Columns, Item, Limits, Options, Record, RecordInfo};

/// A field's value as text: strings as they are, numbers and true/false written
/// out, lists of strings as paragraphs; anything else has none.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join("\n\n"))
        }
        Value::Null | Value::Object(_) => None,
    }
}

/// Reads records from objects, resolving the fields on the first object.
struct Objects<'a> {
    path: &'a Path,
    options: &'a Options,
    limits: Limits,
    /// The first object's field names, and the columns chosen among them.
    fields: Option<(Vec<String>, Columns)>,
}

impl Objects<'_> {
    /// A record from an object (or a per-record error); `Err` when the fields cannot
    /// be resolved on the first object, which ends the file.
    fn record(&mut self, row: u64, value: Result<Value, String>, read_to: Option<u64>) -> Result<Record, String> {
        let info = RecordInfo { row, ..RecordInfo::default() };
        let object: Map<String, Value> = match value {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Ok(Record { info, text: Err("not a JSON object; not checked".into()), encoding: "UTF-8", read_to }),
            Err(e) => return Ok(Record { info, text: Err(e), encoding: "UTF-8", read_to }),
        };
        if self.fields.is_none() {
            let names: Vec<String> = object.keys().cloned().collect();
            let columns = Columns::resolve_as(&names, self.options, ("field", "fields"))?;
            columns.announce(self.path, self.options);
            self.fields = Some((names, columns));
        }
        let (names, columns) = self.fields.as_ref().expect("resolved above");
        let get = |i: usize| -> Option<String> {
            let name = &names[i];
            let value = object.get(name).or_else(|| {
                let n = super::normalise(name);
                object.iter().find(|(k, _)| super::normalise(k) == n).map(|(_, v)| v)
            })?;
            text_of(value)
        };
        Ok(columns.record(row, get, self.limits, "UTF-8", read_to))
    }
}

pub(super) fn read(path: &Path, lines: bool, options: &Options, limits: Limits, emit: &mut dyn FnMut(Item) -> bool) -> Result<(), String> {
    let (file, _) = crate::input::open_regular(path).map_err(|e| e.to_string())?;
    let read = Rc::new(Cell::new(0u64));
    let reader = BufReader::with_capacity(256 * 1024, Counting { inner: file, read: read.clone() });
    let mut objects = Objects { path, options, limits, fields: None };
    if lines {
        read_lines(reader, &mut objects, emit, &read)
    } else {
        read_document(reader, &mut objects, emit, &read)
    }
}

/// Counts the bytes read, for progress.
struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

fn read_lines(mut reader: impl BufRead, objects: &mut Objects, emit: &mut dyn FnMut(Item) -> bool, read: &Rc<Cell<u64>>) -> Result<(), String> {
    // A line may hold a record of up to the limit, escaped: allow for that, and no more.
    let max_line = objects.limits.max_record_bytes.saturating_mul(2).saturating_add(1 << 20);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        number += 1;
        line.clear();
        let too_long = match read_line(&mut reader, &mut line, max_line) {
            Ok(None) => return Ok(()),
            Ok(Some(too_long)) => too_long,
            Err(e) => return Err(format!("could not read the file: {} (after line {})", e.kind(), number - 1)),
        };
        let body = line.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&line);
        if !too_long && body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value = if too_long {
            Err(crate::input::InputError::TooLarge(objects.limits.max_record_bytes).to_string())
        } else {
            serde_json::from_slice::<Value>(body).map_err(|e| json_problem(&e, false))
        };
        let record = objects.record(number, value, Some(read.get()))?;
        if !emit(Item::Record(record)) {
            return Ok(());
        }
    }
}

/// Reads one line into `line` (without its ending), keeping at most `max` bytes:
/// `None` at the end of the file, else whether the line was longer than `max`.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, max: u64) -> std::io::Result<Option<bool>> {
    let (mut any, mut too_long) = (false, false);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        if too_long || line.len() as u64 + chunk.len() as u64 > max {
            too_long = true;
            line.clear();
        } else {
            line.extend_from_slice(chunk);
        }
        let used = done.unwrap_or(buf.len());
        reader.consume(used);
        if done.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(too_long));
        }
    }
}

/// Why some JSON could not be read: the kind of fault and where, never the text.
fn json_problem(e: &serde_json::Error, with_place: bool) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Io => return format!("could not read the file ({e})"),
        serde_json::error::Category::Eof => "JSON that ends too soon",
        serde_json::error::Category::Syntax => "not valid JSON (or nested too deeply)",
        serde_json::error::Category::Data => "JSON that is neither an array of records (objects) nor one record",
    };
    if with_place {
        format!("{what} (line {}, column {})", e.line(), e.column())
    } else {
        format!("{what}; not checked")
    }
}

/// The whole document: an array of records, or one record.
fn read_document(reader: impl Read, objects: &mut Objects, emit: &mut dyn FnMut(Item) -> bool, read: &Rc<Cell<u64>>) -> Result<(), String> {
    let state = RefCell::new(State { objects, emit, read: read.clone(), row: 0, fatal: None, stopped: false });
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = Top(&state).deserialize(&mut de).and_then(|()| de.end());
    let state = state.into_inner();
    if let Some(fatal) = state.fatal {
        return Err(fatal);
    }
    if state.stopped {
        return Ok(());
    }
    result.map_err(|e| json_problem(&e, true))
}

struct State<'a, 'b, 'c> {
    objects: &'a mut Objects<'b>,
    emit: &'c mut dyn FnMut(Item) -> bool,
    read: Rc<Cell<u64>>,
    row: u64,
    /// The fields could not be resolved: the file ends with this.
    fatal: Option<String>,
    /// The receiver went away.
    stopped: bool,
}

impl State<'_, '_, '_> {
    /// Hands over one record; `false` to stop reading.
    fn take(&mut self, value: Value) -> bool {
        self.row += 1;
        match self.objects.record(self.row, Ok(value), Some(self.read.get())) {
            Ok(record) => {
                self.stopped = !(self.emit)(Item::Record(record));
                !self.stopped
            }
            Err(e) => {
                self.fatal = Some(e);
                false
            }
        }
    }
}

struct Top<'s, 'a, 'b, 'c>(&'s RefCell<State<'a, 'b, 'c>>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// The error that ends reading early on purpose (the state says why).
const STOP: &str = "cofnod: stop";

impl<'de> Visitor<'de> for Top<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of records or one record")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            if !self.0.borrow_mut().take(value) {
                return Err(serde::de::Error::custom(STOP));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut object = Map::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            object.insert(k, v);
        }
        self.0.borrow_mut().take(Value::Object(object));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_and_reported_without_losing_the_next() {
        let mut reader = BufReader::with_capacity(4, &b"short\r\nloooooooong\nnext"[..]);
        let mut line = Vec::new();
        assert_eq!(read_line(&mut reader, &mut line, 6).unwrap(), Some(false));
        assert_eq!(line, b"short");
        line.clear();
        assert_eq!(read_line(&mut reader, &mut line, 6).unwrap(), Some(true));
        line.clear();
        assert_eq!(read_line(&mut reader, &mut line, 6).unwrap(), Some(false));
        assert_eq!(line, b"next");
        line.clear();
        assert_eq!(read_line(&mut reader, &mut line, 6).unwrap(), None);
    }
}
