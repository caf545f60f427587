//! JSON version 1, written as it goes.

use std::collections::BTreeMap;
use std::io::Write;

use super::{FileReport, Reporter, Summary};
use crate::finding::Category;
use crate::language::Lang;

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

    fn begin_file(&self, out: &mut dyn Write, _file: &FileReport) -> std::io::Result<()> {
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

/// JSON Lines: one line per file or record, the same object as an entry of JSON's
/// `files`, written as each is done; then a last line `{"summary":{...}}`. Fit for
/// streaming into another program, or a file of any length.
pub struct Jsonl;

impl Reporter for Jsonl {
    fn render(&self, file: &FileReport) -> Vec<u8> {
        let mut line = serde_json::to_vec(file).expect("a file report serialises");
        line.push(b'\n');
        line
    }

    fn begin_file(&self, _out: &mut dyn Write, _file: &FileReport) -> std::io::Result<()> {
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        out.write_all(b"{\"summary\":")?;
        serde_json::to_writer(&mut *out, summary)?;
        out.write_all(b"}\n")
    }
}
