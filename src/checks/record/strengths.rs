//! strengths (issue 16), record level: a record that describes a person only by
//! what they cannot do ("unable to", "cannot", "refuses", "poor") with nothing they
//! can do, enjoy or want. Words in quotes are the person's and are not counted.

use super::{RecordView, MIN_WORDS};
use crate::finding::{Category, Finding};

const CAT: Category = Category::Strengths;

/// Deficit words a record needs before its lack of strengths is a finding.
const MIN_DEFICITS: u16 = 2;

pub(super) fn run(view: &RecordView, out: &mut Vec<Finding>) {
    if view.words() < MIN_WORDS || view.is_brief() {
        return;
    }
    let deficits: u16 = view.signals.iter().map(|s| s.deficits).sum();
    let strengths: u16 = view.signals.iter().map(|s| s.strengths).sum();
    if deficits >= MIN_DEFICITS && strengths == 0 {
        if let Some(span) = view.title_span() {
            out.push(view.finding(CAT, "deficits-only", crate::checks::default_severity(CAT), "deficits-only", span, view.lang()));
        }
    }
}
