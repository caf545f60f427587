//! `cofnod compare --format json`: version 1, for programs (a training platform, a
//! spreadsheet). Findings have the same fields as `cofnod check --format json`,
//! with 1-based lines and columns, plus their status in the comparison.

use serde::Serialize;

use super::group::{ClassSummary, Pair};
use super::labels::Labels;
use super::measures::Measures;
use super::summary::{summarise, Summary};
use super::{CategoryCounts, Comparison, Draft};
use crate::finding::{Category, Finding, Severity, Suggestion};
use crate::language::Lang;
use crate::position::{LineIndex, Position};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    /// The language of the report's labels and summary.
    lang: &'static str,
    class: Option<&'a ClassSummary>,
    pairs: Vec<PairJson<'a>>,
}

#[derive(Serialize)]
struct PairJson<'a> {
    name: &'a str,
    before_source: &'a str,
    after_source: &'a str,
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<DraftJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<DraftJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    categories: Option<Vec<CategoryCounts>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    /// The record review's principles, before and after (`cofnod review`).
    #[serde(skip_serializing_if = "Option::is_none")]
    principles: Option<Vec<super::PrincipleChange>>,
}

#[derive(Serialize)]
struct DraftJson<'a> {
    language: &'static str,
    measures: &'a Measures,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    category: Category,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    lang: Lang,
    start: Position,
    end: Position,
    excerpt: &'a str,
    suggestions: &'a [Suggestion],
    /// `resolved`, `still-present` or `introduced`.
    status: &'static str,
    /// For a finding still present: the index of its partner in the other draft's list.
    #[serde(skip_serializing_if = "Option::is_none")]
    partner: Option<usize>,
}

fn finding<'a>(f: &'a Finding, d: &'a Draft, index: &LineIndex, status: &'static str, partner: Option<usize>) -> FindingJson<'a> {
    FindingJson {
        category: f.category,
        rule: &f.rule,
        severity: f.severity,
        message: &f.message,
        lang: f.lang,
        start: index.position(f.start),
        end: index.position(f.end),
        excerpt: f.excerpt(&d.text),
        suggestions: &f.suggestions,
        status,
        partner,
    }
}

/// One draft's findings, each with its status: `matched` for those with a partner in
/// the other draft (`partner_of`), `unmatched` for the rest.
fn findings<'a>(d: &'a Draft, partner_of: impl Fn(usize) -> Option<usize>, unmatched: &'static str) -> DraftJson<'a> {
    let index = LineIndex::new(&d.text);
    let findings = d
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| match partner_of(i) {
            Some(j) => finding(f, d, &index, "still-present", Some(j)),
            None => finding(f, d, &index, unmatched, None),
        })
        .collect();
    DraftJson { language: d.language.code(), measures: &d.measures, findings }
}

fn drafts(c: &Comparison) -> (DraftJson<'_>, DraftJson<'_>) {
    let pairs = &c.changes.still_present;
    (
        findings(&c.before, |i| pairs.iter().find(|p| p.0 == i).map(|p| p.1), "resolved"),
        findings(&c.after, |j| pairs.iter().find(|p| p.1 == j).map(|p| p.0), "introduced"),
    )
}

pub fn render(pairs: &[Pair], class: Option<&ClassSummary>, labels: &Labels) -> String {
    let pairs = pairs
        .iter()
        .map(|p| {
            let mut j = PairJson {
                name: &p.name,
                before_source: &p.before_source,
                after_source: &p.after_source,
                error: p.result.as_ref().err().map(String::as_str),
                before: None,
                after: None,
                categories: None,
                summary: None,
                principles: None,
            };
            if let Ok(c) = &p.result {
                let (b, a) = drafts(c);
                j.before = Some(b);
                j.after = Some(a);
                j.categories = Some(c.by_category());
                j.summary = Some(summarise(c, labels));
                j.principles = Some(c.principles(labels.lang));
            }
            j
        })
        .collect();
    let report = Report { version: VERSION, lang: labels.lang.code(), class, pairs };
    let mut s = serde_json::to_string_pretty(&report).expect("the report serialises");
    s.push('\n');
    s
}
