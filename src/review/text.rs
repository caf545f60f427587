//! The scorecard as text, for a terminal.

use std::fmt::Write;

use super::{Principles, Scorecard, Status, Tally, PRINCIPLES};
use crate::compare::Draft;
use crate::language::Lang;

/// One record's scorecard: a line per principle, the lines that show it, and what
/// to add where it falls short.
pub fn record(out: &mut String, name: &str, draft: &Draft, card: &Scorecard, principles: &Principles, lang: Lang) {
    let heading = if lang == Lang::Cy { "Adolygiad o'r cofnod" } else { "Record review" };
    let _ = writeln!(out, "== {heading}: {name} ==");
    let width = card.principles.iter().map(|p| principles.name(p.id, lang).chars().count()).max().unwrap_or(0);
    for p in &card.principles {
        let name = principles.name(p.id, lang);
        let pad = width - name.chars().count();
        let _ = writeln!(out, "  {name}{}  {:<18} {}", " ".repeat(pad), p.status.name(lang), p.note);
        for &i in p.evidence.iter().take(3) {
            let f = &draft.findings[i];
            let line = draft.text[..f.start].matches('\n').count() + 1;
            let excerpt: String = f.excerpt(&draft.text).chars().take(60).collect();
            let _ = writeln!(out, "      {} {line}: “{}”", if lang == Lang::Cy { "llinell" } else { "line" }, excerpt.replace('\n', " "));
        }
        if matches!(p.status, Status::Partly | Status::NotSeen) {
            let _ = writeln!(out, "      → {}", principles.advice(p.id, lang));
        }
    }
}

/// The team view: how many records meet each principle.
pub fn tally(out: &mut String, tally: &Tally, principles: &Principles, lang: Lang) {
    let heading = if lang == Lang::Cy { "Crynodeb" } else { "Summary" };
    let _ = writeln!(out, "== {heading}: {} ==", tally.records);
    let width = PRINCIPLES.iter().map(|id| principles.name(id, lang).chars().count()).max().unwrap_or(0);
    let names: Vec<&str> = Status::ALL.iter().map(|s| s.name(lang)).collect();
    let _ = writeln!(out, "  {}  {:>16} {:>16} {:>16} {:>18}", " ".repeat(width), names[0], names[1], names[2], names[3]);
    for id in PRINCIPLES {
        let c = tally.counts.get(id).copied().unwrap_or_default();
        let name = principles.name(id, lang);
        let _ = writeln!(out, "  {name}{}  {:>16} {:>16} {:>16} {:>18}", " ".repeat(width - name.chars().count()), c[0], c[1], c[2], c[3]);
    }
}

/// The scorecard as Markdown, for the editor: a table of principles and statuses,
/// then what to add.
pub fn markdown(draft: &Draft, card: &Scorecard, principles: &Principles, lang: Lang) -> String {
    let mut out = String::new();
    let (title, p_h, s_h, w_h, add_h) = if lang == Lang::Cy {
        ("Adolygiad o'r cofnod", "Egwyddor", "Statws", "Pam", "Beth i'w ychwanegu")
    } else {
        ("Record review", "Principle", "Status", "Why", "What to add")
    };
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let _ = writeln!(out, "# {title}\n\n| {p_h} | {s_h} | {w_h} |\n|---|---|---|");
    for p in &card.principles {
        let lines: Vec<String> = p.evidence.iter().take(3).map(|&i| (draft.text[..draft.findings[i].start].matches('\n').count() + 1).to_string()).collect();
        let at = if lines.is_empty() { String::new() } else { format!(" ({} {})", if lang == Lang::Cy { "llinell" } else { "line" }, lines.join(", ")) };
        let _ = writeln!(out, "| {} | {} | {}{at} |", cell(principles.name(p.id, lang)), p.status.name(lang), cell(&p.note));
    }
    let short: Vec<_> = card.principles.iter().filter(|p| matches!(p.status, Status::Partly | Status::NotSeen)).collect();
    if !short.is_empty() {
        let _ = writeln!(out, "\n## {add_h}\n");
        for p in short {
            let _ = writeln!(out, "- **{}**: {}", principles.name(p.id, lang), principles.advice(p.id, lang));
        }
    }
    out
}
