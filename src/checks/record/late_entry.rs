//! late-entry (issue 16), record level: a record whose own dates show it was
//! written days after the event it records, with no word that it is a late entry;
//! and a template's date field (date of the visit, date recorded) left empty.
//!
//! Three readings of the dates:
//! - a date of writing ("Date recorded:", "typed on") two days or more after the
//!   date of the event ("Date of visit:", "the meeting on");
//! - a note dated at its top whose visit or call, dated in the text, was two days
//!   or more before (`event-verb` words in the same sentence);
//! - a log whose entries, each dated at the start of its line, go back a day or
//!   more: an entry added later in the place of its day.
//! Dates are read by `dates.rs`; a year or month left out is taken from the
//! record's first full date.

use super::dates::{self, Written};
use super::{BlockSignals, DateRole, DateSignal, RecordView};
use crate::document::Document;
use crate::finding::{Category, Finding};

const CAT: Category = Category::LateEntry;

/// Days between event and writing from which an unmarked record is late.
const LATE_DAYS: i64 = 2;

/// Words before a date, on its line, that make it the date of writing.
const RECORDED: &[&str] = &[
    "recorded", "recording", "written", "writing", "wrote", "typed", "entered", "entry", "write-up", "written up", "date of note", "completed",
    "cofnodwyd", "cofnodi", "cofnod", "ysgrifennwyd", "ysgrifennu", "ysgrifennodd", "ysgrifennais", "teipiwyd", "teipio", "rhoddwyd ar y system",
    "wedi'i greu", "crëwyd", "created",
];
/// Words before a date, on its line, that make it the date of the event.
const EVENT: &[&str] = &[
    "visit", "visited", "contact", "meeting", "review", "call", "event", "incident", "assessment", "session", "conference", "discharge",
    "discharged", "seen", "saw", "happened", "took place", "held", "attended", "interview", "discussion", "ymweliad", "ymwelais", "ymwelwyd",
    "cyswllt", "cyfarfod", "adolygiad", "galwad", "digwyddiad", "asesiad", "sesiwn", "cynhadledd", "gwelais", "gwelwyd", "trafodaeth",
    "cyfweliad", "rhyddhau", "rhyddhawyd", "received", "receipt", "conversation", "derbyn", "derbyniwyd", "alwad", "sgwrs", "pryder", "math:",
];
/// What an empty date field may hold.
const EMPTY: &[&str] = &["", "tbc", "tba", "n/a", "-", "–", "—", "?", "pending", "i'w gadarnhau", "i ddod"];

/// Reads the dates of block `b`, with its label and the rest of its first line.
pub(super) fn read_block(doc: &Document, b: usize, s: &mut BlockSignals) {
    let text = doc.text;
    let block = &doc.blocks[b];
    let from = block.label.map_or(block.start, |l| l.start);
    // A bounded look back: the label and bullet before the block's text.
    let window = crate::safe_text::floor_boundary(text, from.saturating_sub(LOOK_BACK));
    let line_start = text[window..from].rfind(['\n', '\r']).map_or(window, |i| window + i + 1);
    let from = line_start;
    let body = &text[from..block.end];
    // Dates hold digits: a block without one has none (most blocks).
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    for d in dates::find(body, from) {
        // Its line's start, looked for a bounded way back (one long line must not be
        // searched from its start for every date in it).
        let window = crate::safe_text::floor_boundary(text, d.start.saturating_sub(LOOK_BACK)).max(from);
        let line_from = text[window..d.start].rfind(['\n', '\r']).map_or(window, |i| window + i + 1);
        // What is said before it on its line, in its own sentence.
        let clause = text[line_from..d.start].rfind(". ").map_or(line_from, |i| line_from + i + 2);
        let before = text[clause..d.start].to_lowercase();
        let role = match role_of(&before) {
            DateRole::LineStart if clause > line_from => DateRole::Other,
            role => role,
        };
        if d.start >= block.start || role != DateRole::Other {
            s.dates.push(DateSignal { role, date: rel(d, block.start) });
        }
        if role == DateRole::LineStart {
            s.line_dated = true;
        }
    }
}

/// A date's span relative to its block (a label before the block's text is
/// clamped to the block's start).
fn rel(d: Written, base: usize) -> Written {
    Written { start: d.start.saturating_sub(base), end: d.end.saturating_sub(base), ..d }
}

fn role_of(before: &str) -> DateRole {
    let trimmed = before.trim_matches(|c: char| !c.is_alphanumeric());
    // Only a weekday, a bullet or nothing before it: the line's own date.
    let weekday = trimmed.split_whitespace().all(|w| {
        matches!(
            w.trim_matches(|c: char| !c.is_alphanumeric()),
            "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday" | "dydd" | "llun" | "mawrth" | "mercher" | "iau" | "gwener" | "sadwrn" | "sul" | "date" | "dyddiad"
        )
    });
    if weekday && trimmed.split_whitespace().count() <= 2 && !trimmed.contains("date") && !trimmed.contains("dyddiad") {
        return DateRole::LineStart;
    }
    // Where each list's word last starts: one pass over the text for both lists.
    let (mut recorded, mut event) = (None, None);
    for m in role_words().find_overlapping_iter(before) {
        let last = if m.pattern().as_usize() < RECORDED.len() { &mut recorded } else { &mut event };
        *last = (*last).max(Some(m.start()));
    }
    match (recorded, event) {
        (Some(r), Some(e)) if r > e => DateRole::Recorded,
        (Some(_), None) => DateRole::Recorded,
        (_, Some(_)) => DateRole::Event,
        (None, None) if trimmed == "date" || trimmed == "dyddiad" => DateRole::LineStart,
        _ => DateRole::Other,
    }
}

/// RECORDED then EVENT, as one automaton.
fn role_words() -> &'static aho_corasick::AhoCorasick {
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| aho_corasick::AhoCorasick::new(RECORDED.iter().chain(EVENT)).expect("the word lists build"))
}

/// Bytes before a date read for what it dates.
const LOOK_BACK: usize = 160;

/// Lines at the top of a record read as its form's fields.
const HEADER_LINES: usize = 5;
/// Most words in a header line.
const HEADER_WORDS: usize = 14;

/// Longest line read for an empty date field: a form's line, not prose.
const FIELD_LINE: usize = 160;

/// The first empty date field of a form ("Date recorded:", "Dyddiad cofnodi: TBC",
/// "Date of visit: __/__/____"), a field to a line or several on one line spaced
/// apart. Read from the whole text each time (a label on a line of its own is not
/// part of any block), in one pass.
fn empty_date_field(text: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.trim_end();
        if content.len() > FIELD_LINE || !content.contains(':') {
            continue;
        }
        // Fields on one line are set apart by runs of spaces or a tab.
        let mut seg_start = 0;
        for seg in split_fields(content) {
            let offset = seg.as_ptr() as usize - content.as_ptr() as usize;
            seg_start = offset;
            let Some(colon) = seg.find(':') else { continue };
            // Most labels name no date: look before lowering the case.
            if !contains_ignore_ascii_case(&seg[..colon], "date") && !contains_ignore_ascii_case(&seg[..colon], "dyddiad") {
                continue;
            }
            let label = seg[..colon].to_lowercase();
            let value = seg[colon + 1..].trim().trim_matches(['/', '_', ' ', '.']);
            let dated = label.contains("date") || label.contains("dyddiad");
            let known = RECORDED.iter().chain(EVENT).any(|w| label.contains(w)) || matches!(label.trim(), "date" | "dyddiad");
            if dated && known && label.len() < 60 && EMPTY.contains(&value.to_lowercase().as_str()) {
                let from = start + seg_start + (seg.len() - seg.trim_start().len());
                return Some((from, start + seg_start + colon));
            }
        }
        let _ = seg_start;
    }
    None
}

fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// "Date of visit: 3/3/25   Date recorded:" → the two fields.
fn split_fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let gap = bytes[i] == b'\t' || (bytes[i] == b' ' && i + 1 < bytes.len() && bytes[i + 1] == b' ');
        if gap {
            let mut j = i;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                j += 1;
            }
            if i > from {
                out.push(&line[from..i]);
            }
            from = j;
            i = j;
        } else {
            i += 1;
        }
    }
    if from < line.len() {
        out.push(&line[from..]);
    }
    out
}

pub(super) fn run(view: &RecordView, out: &mut Vec<Finding>) {
    let severity = crate::checks::default_severity(CAT);
    let lang = view.lang();
    if let Some(span) = empty_date_field(view.text) {
        out.push(view.finding(CAT, "missing-date", severity, "missing-date", span, lang));
    }
    if view.signals.iter().any(|s| s.late_marker) {
        return;
    }
    // The record's first full date gives a year and month to dates without them.
    let all: Vec<(usize, DateSignal)> = view.signals.iter().enumerate().flat_map(|(b, s)| s.dates.iter().map(move |d| (b, *d))).collect();
    let context = all.iter().find_map(|(_, d)| Some((d.date.year?, d.date.month?, d.date.day)));
    let day = |d: &DateSignal| dates::resolve(&d.date, context);
    let first = |role: DateRole| all.iter().find(|(_, d)| d.role == role).and_then(|(b, d)| Some((*b, *d, day(d)?)));
    let late_at = |b: usize, d: &DateSignal| view.absolute(b, (d.date.start as u32, d.date.end as u32));
    // The date of writing against the date of the event: a dated event field, or
    // another date in the record's opening lines ("Date and time: 15/03/2025").
    // The form's opening lines, where its own date fields are.
    // Short lines among the first few: a title and form fields, not narrative.
    let mut header_lines = Vec::new();
    let mut at = 0;
    for line in view.text.split_inclusive('\n').take(HEADER_LINES) {
        if line.split_whitespace().count() <= HEADER_WORDS {
            header_lines.push(at..at + line.len());
        }
        at += line.len();
    }
    let in_header = |b: usize, d: &DateSignal| {
        let start = view.absolute(b, (d.date.start as u32, d.date.end as u32)).0;
        header_lines.iter().any(|l| l.contains(&start))
    };
    if let Some((rb, rd, r)) = first(DateRole::Recorded) {
        // Only the form's own fields: a report written after a period, or a note that
        // mentions an earlier visit by someone, is not late for it.
        let event = all.iter().filter(|(b, d)| in_header(*b, d) && d.role != DateRole::Recorded).find_map(|(_, d)| day(d));
        if event.is_some_and(|e| r - e >= LATE_DAYS) {
            out.push(view.finding(CAT, "unmarked", severity, "message", late_at(rb, &rd), lang));
            return;
        }
    }
    // A note dated at its top whose visit, dated in the text, is earlier: an event
    // field, or a date opening a line of the narrative ("Tuesday 04/03: I went …").
    let top = all.iter().find(|(b, d)| in_header(*b, d) && d.role == DateRole::LineStart).and_then(|(b, d)| Some((*b, *d, day(d)?)));
    if let (Some((tb, td, t)), None) = (top, first(DateRole::Recorded)) {
        let log = view.signals.iter().filter(|s| s.line_dated).count() > 2;
        let event = all
            .iter()
            .filter(|(b, d)| (*b, d.date) != (tb, td.date) && ((in_header(*b, d) && d.role == DateRole::Event) || (!log && !in_header(*b, d) && d.role == DateRole::LineStart && view.signals[*b].line_dated)))
            .find_map(|(_, d)| day(d));
        if event.is_some_and(|e| t - e >= LATE_DAYS) {
            out.push(view.finding(CAT, "unmarked", severity, "message", late_at(tb, &td), lang));
            return;
        }
    }
    // A log whose entries go back in time.
    let mut latest: Option<i64> = None;
    for (b, d) in all.iter().filter(|(b, d)| d.role == DateRole::LineStart && view.signals[*b].line_dated) {
        let Some(t) = day(d) else { continue };
        if latest.is_some_and(|l| l - t >= 1) {
            out.push(view.finding(CAT, "unmarked", severity, "message", late_at(*b, d), lang));
            return;
        }
        latest = Some(latest.map_or(t, |l| l.max(t)));
    }
}
