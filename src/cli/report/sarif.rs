//! SARIF 2.1.0, so that findings show in code-scanning dashboards. One run; results
//! are written as they come, and the rules (each rule met, with its category's
//! principle) after them, which JSON allows. A note's findings point at their
//! lines and columns (counted in Unicode code points). A record's lines are lines
//! of its text, not of the export, so a record's result names the export and the
//! record (a logical location, and `row`, `id`, `group`, `date` and the line and
//! column in the record as properties) rather than a region of the file.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use serde_json::{json, Value};

use super::{FileReport, Pseudonyms, Reporter, Summary};
use crate::finding::{Category, Severity};
use crate::language::Lang;

pub struct Sarif {
    messages: crate::rulebook::Messages,
    state: Mutex<State>,
}

struct State {
    pseudonyms: Pseudonyms,
    started: bool,
    /// Each rule met: its category and severity.
    rules: BTreeMap<String, (Category, Severity)>,
    /// Files and records that could not be checked: (where, why), the first
    /// `MAX_NOTIFICATIONS` of them (the summary counts them all), so that an export
    /// of millions of bad rows does not grow the report's memory.
    problems: Vec<(String, String)>,
}

/// Problems listed in the run's notifications, at most (the count is always given).
const MAX_NOTIFICATIONS: usize = 1000;

impl Sarif {
    pub fn new(messages: crate::rulebook::Messages, anonymise: bool) -> Sarif {
        let state = State { pseudonyms: Pseudonyms::new(anonymise), started: false, rules: BTreeMap::new(), problems: Vec::new() };
        Sarif { messages, state: Mutex::new(state) }
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A path as a relative URI reference (or a `file:` URI when absolute): bytes
/// outside the unreserved set and `/` are percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const HEAD: &str = "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"columnKind\":\"unicodeCodePoints\",\"results\":[";

impl Reporter for Sarif {
    fn render(&self, _file: &FileReport) -> Vec<u8> {
        Vec::new()
    }

    fn begin_file(&self, out: &mut dyn Write, file: &FileReport) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let record = file.record.as_ref().map(|r| state.pseudonyms.record(r, "Group", "Record"));
        // Named as the other reports name it, after --anonymise.
        let where_ = super::name_of(&file.path, record.as_ref());
        if let Some(error) = &file.error {
            if state.problems.len() < MAX_NOTIFICATIONS {
                state.problems.push((where_.clone(), error.clone()));
            }
        }
        for f in &file.findings {
            state.rules.entry(f.rule.clone()).or_insert((f.category, f.severity));
            let artifact = json!({ "uri": uri(&file.path) });
            let location = match &record {
                None => json!({
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": f.start.line, "startColumn": f.start.column,
                            "endLine": f.end.line, "endColumn": f.end.column,
                            "snippet": { "text": f.excerpt },
                        },
                    },
                }),
                Some(r) => json!({
                    "physicalLocation": { "artifactLocation": artifact },
                    "logicalLocations": [{ "name": format!("row {}", r.row), "fullyQualifiedName": where_, "kind": "record" }],
                }),
            };
            let mut properties = json!({ "category": f.category.id(), "language": f.lang.code(), "excerpt": f.excerpt });
            if let Some(r) = &record {
                let p = properties.as_object_mut().expect("an object");
                p.insert("row".into(), json!(r.row));
                p.insert("recordLine".into(), json!(f.start.line));
                p.insert("recordColumn".into(), json!(f.start.column));
                for (k, v) in [("id", &r.id), ("group", &r.group), ("date", &r.date)] {
                    if let Some(v) = v {
                        p.insert(k.into(), json!(v));
                    }
                }
            }
            let fixes: Vec<&str> = f.suggestions.iter().filter_map(|s| s.replacement.as_deref()).collect();
            if !fixes.is_empty() {
                properties.as_object_mut().expect("an object").insert("suggestions".into(), json!(fixes));
            }
            let result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [location],
                "properties": properties,
            });
            out.write_all(if state.started { b"," } else { HEAD.as_bytes() })?;
            state.started = true;
            serde_json::to_writer(&mut *out, &result)?;
        }
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.started {
            out.write_all(HEAD.as_bytes())?;
        }
        let rules: Vec<Value> = state
            .rules
            .iter()
            .map(|(id, (cat, sev))| {
                let en = self.messages.explanation(*cat, Lang::En);
                let cy = self.messages.explanation(*cat, Lang::Cy);
                json!({
                    "id": id,
                    "name": id.replace(['/', '-'], "_"),
                    "shortDescription": { "text": en.title },
                    "fullDescription": { "text": en.principle },
                    "help": { "text": format!("{}\n\n{}\n\n{}: {}", en.principle, en.why, cy.title, cy.principle) },
                    "defaultConfiguration": { "level": level(*sev) },
                    "properties": { "category": cat.id() },
                })
            })
            .collect();
        let notifications: Vec<Value> = state
            .problems
            .iter()
            .map(|(where_, why)| json!({ "level": "error", "message": { "text": format!("{where_}: {why}") } }))
            .collect();
        let tail = json!({
            "tool": { "driver": { "name": "cofnod", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "invocations": [{
                "executionSuccessful": summary.errors == 0,
                "toolExecutionNotifications": notifications,
                "properties": { "checked": summary.files, "records": summary.records, "couldNotBeChecked": summary.errors, "skipped": summary.skipped },
            }],
        });
        // The results array is open: close it, then add the run's other members.
        let tail = serde_json::to_string(&tail)?;
        write!(out, "],{}}}]}}\n", &tail[1..tail.len() - 1])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("notes/visit 1.txt"), "notes/visit%201.txt");
        assert_eq!(super::uri("/srv/ŵ.csv"), "file:///srv/%C5%B5.csv");
    }
}
