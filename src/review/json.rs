//! The scorecard as JSON (version 1): `records`, each with its principles, and a
//! `summary` of the statuses over all records.

use serde::Serialize;

use super::{Principles, Scorecard, Status, Tally, PRINCIPLES};
use crate::compare::Draft;
use crate::language::Lang;

#[derive(Serialize)]
pub struct RecordJson<'a> {
    pub path: String,
    pub principles: Vec<PrincipleJson<'a>>,
}

#[derive(Serialize)]
pub struct PrincipleJson<'a> {
    pub id: &'static str,
    pub name: &'a str,
    pub status: &'static str,
    pub note: String,
    /// The findings that show it: rule, line (1-based) and the words.
    pub evidence: Vec<EvidenceJson>,
    /// What to add, when partly met or not seen.
    pub add: Option<&'a str>,
}

#[derive(Serialize)]
pub struct EvidenceJson {
    pub rule: String,
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

pub fn record<'a>(path: String, draft: &Draft, card: &Scorecard, principles: &'a Principles, lang: Lang) -> RecordJson<'a> {
    RecordJson {
        path,
        principles: card
            .principles
            .iter()
            .map(|p| PrincipleJson {
                id: p.id,
                name: principles.name(p.id, lang),
                status: p.status.id(),
                note: p.note.clone(),
                evidence: p
                    .evidence
                    .iter()
                    .map(|&i| {
                        let f = &draft.findings[i];
                        EvidenceJson { rule: f.rule.clone(), line: draft.text[..f.start].matches('\n').count() + 1, start: f.start, end: f.end }
                    })
                    .collect(),
                add: matches!(p.status, Status::Partly | Status::NotSeen).then(|| principles.advice(p.id, lang)),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct SummaryJson {
    pub records: usize,
    /// Per principle, the number of records of each status.
    pub principles: Vec<SummaryRow>,
}

#[derive(Serialize)]
pub struct SummaryRow {
    pub id: &'static str,
    pub met: usize,
    pub partly: usize,
    #[serde(rename = "not-seen")]
    pub not_seen: usize,
    #[serde(rename = "n/a")]
    pub not_applicable: usize,
}

pub fn summary(tally: &Tally) -> SummaryJson {
    SummaryJson {
        records: tally.records,
        principles: PRINCIPLES
            .iter()
            .map(|id| {
                let c = tally.counts.get(id).copied().unwrap_or_default();
                SummaryRow { id, met: c[0], partly: c[1], not_seen: c[2], not_applicable: c[3] }
            })
            .collect(),
    }
}
