//! `cofnod compare --format html`: one self-contained page (styles inline, no
//! scripts, no fonts or images to fetch), for a trainer's laptop, a projector or
//! paper. The two drafts sit side by side, sentence by sentence, with a word
//! diff; each finding is highlighted in place and explains itself on hover or tap
//! (a focusable `<mark>`), and is listed again, numbered, for print.

use std::fmt::Write;

use super::align::{word_diff, Piece, RowKind};
use super::group::{ClassSummary, Pair};
use super::labels::Labels;
use super::summary::summarise;
use super::measures::MEASURES;
use super::text::{number, signed};
use super::{CategoryCounts, Comparison, Draft};

const CSS: &str = include_str!("report.css");

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// What happened to a finding, as a CSS class and a label key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Resolved,
    Still,
    Introduced,
}

impl Status {
    fn class(self) -> &'static str {
        match self {
            Status::Resolved => "resolved",
            Status::Still => "still",
            Status::Introduced => "introduced",
        }
    }
    fn label(self, labels: &Labels) -> &'static str {
        labels.get(match self {
            Status::Resolved => "status-resolved",
            Status::Still => "status-still",
            Status::Introduced => "status-introduced",
        })
    }
}

/// Each finding's status, per draft.
fn statuses(c: &Comparison) -> (Vec<Status>, Vec<Status>) {
    let mut before = vec![Status::Resolved; c.before.findings.len()];
    let mut after = vec![Status::Introduced; c.after.findings.len()];
    for &(i, j) in &c.changes.still_present {
        before[i] = Status::Still;
        after[j] = Status::Still;
    }
    (before, after)
}

/// One side of a sentence: its text with the word diff and the findings marked.
/// `pieces` are the diff pieces of this side (kept, and deleted or inserted), which
/// together spell the sentence; `None` shows the sentence without a diff.
fn sentence_html(d: &Draft, si: usize, pieces: Option<Vec<(Piece, &str)>>, status: &[Status], labels: &Labels) -> String {
    let (start, end) = d.shown_range(si);
    if start == end {
        return String::new();
    }
    // Diff pieces as absolute byte ranges; a diff that does not spell the sentence
    // (it always should) is dropped rather than shown wrong.
    let mut ranges: Vec<(usize, usize, Piece)> = Vec::new();
    if let Some(pieces) = pieces {
        let mut at = start;
        for (piece, s) in pieces {
            ranges.push((at, at + s.len(), piece));
            at += s.len();
        }
        if at != end || ranges.iter().any(|&(a, b, _)| !d.text.is_char_boundary(a) || !d.text.is_char_boundary(b)) {
            ranges.clear();
        }
    }
    if ranges.is_empty() {
        ranges.push((start, end, Piece::Kept));
    }
    let segment = |a: usize, b: usize| -> String {
        let mut out = String::new();
        for &(ra, rb, piece) in &ranges {
            let (x, y) = (ra.max(a), rb.min(b));
            if x >= y {
                continue;
            }
            let t = esc(&d.text[x..y]);
            match piece {
                Piece::Kept => out.push_str(&t),
                Piece::Deleted => {
                    let _ = write!(out, "<del>{t}</del>");
                }
                Piece::Inserted => {
                    let _ = write!(out, "<ins>{t}</ins>");
                }
            }
        }
        out
    };
    // Findings in this sentence, merged where they overlap into one mark.
    let mut inside: Vec<usize> = (0..d.findings.len()).filter(|&i| d.sentence_of(&d.findings[i]) == Some(si)).collect();
    inside.sort_by_key(|&i| (d.findings[i].start, d.findings[i].end));
    let mut clusters: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for i in inside {
        let (fs, fe) = (d.findings[i].start.max(start), d.findings[i].end.min(end).max(d.findings[i].start.max(start)));
        match clusters.last_mut() {
            Some(last) if fs < last.1 => {
                last.1 = last.1.max(fe);
                last.2.push(i);
            }
            _ => clusters.push((fs, fe, vec![i])),
        }
    }
    let mut out = String::new();
    let mut at = start;
    for (cs, ce, members) in clusters {
        out.push_str(&segment(at, cs));
        let worst = members.iter().map(|&i| status[i]).max().unwrap_or(Status::Resolved);
        let numbers: Vec<String> = members.iter().map(|&i| (i + 1).to_string()).collect();
        let _ = write!(out, "<mark class=\"{}\" tabindex=\"0\">{}<span class=\"tip\" role=\"tooltip\">", worst.class(), segment(cs, ce));
        for &i in &members {
            let f = &d.findings[i];
            let _ = write!(
                out,
                "<span><b>{}. {}</b> ({}): {}</span>",
                i + 1,
                esc(labels.category(f.category)),
                esc(status[i].label(labels)),
                esc(&f.message)
            );
        }
        let _ = write!(out, "</span></mark><sup class=\"refs\">{}</sup>", numbers.join(","));
        at = ce.max(at);
    }
    out.push_str(&segment(at, end));
    out
}

fn summary_html(out: &mut String, c: &Comparison, labels: &Labels) {
    let s = summarise(c, labels);
    let _ = write!(out, "<section class=\"summary\"><h3>{}</h3><div class=\"boxes\">", esc(labels.get("summary")));
    for (class, heading, lines, none) in [
        ("improved", "improved", &s.improved, "nothing-improved"),
        ("still", "still", &s.still, "nothing-still"),
        ("worse", "worse", &s.worse, "nothing-worse"),
    ] {
        let _ = write!(out, "<div class=\"box {class}\" data-box=\"{class}\"><h3>{}</h3><ul>", esc(labels.get(heading)));
        if lines.is_empty() {
            let _ = write!(out, "<li class=\"none\">{}</li>", esc(labels.get(none)));
        }
        for line in lines {
            let _ = write!(out, "<li>{}</li>", esc(line));
        }
        out.push_str("</ul></div>");
    }
    out.push_str("</div>");
    for line in &s.totals {
        let _ = write!(out, "<p class=\"totals\">{}</p>", esc(line));
    }
    out.push_str("</section>");
}

/// The five finding-count column headings shared by the per-check and per-participant
/// tables: before, after, resolved, still present, introduced.
fn count_headers(out: &mut String, labels: &Labels) {
    for id in ["before", "after", "resolved", "still-present", "introduced"] {
        let _ = write!(out, "<th class=\"n\">{}</th>", esc(labels.get(id)));
    }
}

/// The five counts under `count_headers`, in the same order.
fn count_cells(out: &mut String, counts: [usize; 5]) {
    for n in counts {
        let _ = write!(out, "<td class=\"n\">{n}</td>");
    }
}

fn categories_table(out: &mut String, counts: &[CategoryCounts], labels: &Labels) {
    let _ = write!(
        out,
        "<table class=\"categories\"><caption hidden>{}</caption><thead><tr><th>{}</th>",
        esc(labels.get("categories")),
        esc(labels.get("check")),
    );
    count_headers(out, labels);
    out.push_str("</tr></thead><tbody>");
    for k in counts {
        let _ = write!(out, "<tr data-category=\"{}\"><td>{}</td>", k.category.id(), esc(labels.category(k.category)));
        count_cells(out, [k.before, k.after, k.resolved, k.still_present, k.introduced]);
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The record review's principles, each draft's status.
fn principles_table(out: &mut String, c: &Comparison, labels: &Labels) {
    let _ = write!(
        out,
        "<table class=\"principles\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(labels.get("principle")),
        esc(labels.get("before")),
        esc(labels.get("after"))
    );
    for p in c.principles(labels.lang) {
        let class = if p.improved() { " class=\"better\"" } else if p.worsened() { " class=\"worse\"" } else { "" };
        let _ = write!(
            out,
            "<tr data-principle=\"{}\"{class}><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.id,
            esc(&p.name),
            esc(p.before.name(labels.lang)),
            esc(p.after.name(labels.lang))
        );
    }
    out.push_str("</tbody></table>");
}

fn measures_table(out: &mut String, c: &Comparison, labels: &Labels) {
    let _ = write!(
        out,
        "<table class=\"measures\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        esc(labels.get("measure")),
        esc(labels.get("before")),
        esc(labels.get("after")),
        esc(labels.get("change"))
    );
    for m in &MEASURES {
        let (b, a) = ((m.value)(&c.before.measures), (m.value)(&c.after.measures));
        let delta = ((a - b) * 10.0).round() / 10.0;
        let class = match m.more_is_better {
            Some(true) if delta > 0.0 => "n better",
            Some(false) if delta < 0.0 => "n better",
            Some(true) if delta < 0.0 => "n worse",
            Some(false) if delta > 0.0 => "n worse",
            _ => "n",
        };
        let _ = write!(
            out,
            "<tr data-measure=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"{class}\">{}</td></tr>",
            m.id,
            esc(labels.measure(m.id)),
            number(b),
            number(a),
            signed(delta)
        );
    }
    out.push_str("</tbody></table>");
}

fn side_by_side(out: &mut String, c: &Comparison, labels: &Labels) {
    let (sb, sa) = statuses(c);
    let crosses = c.crosses_languages();
    let _ = write!(out, "<section class=\"side\"><h3>{}</h3>", esc(labels.get("side-by-side")));
    let help = if crosses { "side-by-side-languages" } else { "side-by-side-help" };
    let _ = write!(
        out,
        "<p class=\"help\">{}</p><p class=\"legend\"><mark class=\"resolved\">{}</mark><mark class=\"still\">{}</mark><mark class=\"introduced\">{}</mark></p>",
        esc(labels.get(help)),
        esc(labels.get("legend-resolved")),
        esc(labels.get("legend-still")),
        esc(labels.get("legend-introduced"))
    );
    let _ = write!(out, "<table class=\"sbs\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>", esc(labels.get("before")), esc(labels.get("after")));
    for row in &c.rows {
        let kind = match row.kind {
            RowKind::Same => "same",
            RowKind::Changed => "changed",
            RowKind::Removed => "removed",
            RowKind::Added => "added",
        };
        let (b, a) = match (row.before, row.after) {
            (Some(bi), Some(ai)) if row.kind == RowKind::Changed && !crosses => {
                let diff = word_diff(c.before.sentence_text(bi), c.after.sentence_text(ai));
                let old: Vec<_> = diff.iter().copied().filter(|p| p.0 != Piece::Inserted).collect();
                let new: Vec<_> = diff.iter().copied().filter(|p| p.0 != Piece::Deleted).collect();
                (sentence_html(&c.before, bi, Some(old), &sb, labels), sentence_html(&c.after, ai, Some(new), &sa, labels))
            }
            (b, a) => (
                b.map(|i| sentence_html(&c.before, i, None, &sb, labels)).unwrap_or_default(),
                a.map(|i| sentence_html(&c.after, i, None, &sa, labels)).unwrap_or_default(),
            ),
        };
        let lang_of = |d: &Draft, i: Option<usize>| i.map(|i| d.sentences[i].lang.code()).unwrap_or("");
        let _ = write!(
            out,
            "<tr class=\"{kind}\"><td class=\"before\" lang=\"{}\"><span class=\"text\">{b}</span></td><td class=\"after\" lang=\"{}\"><span class=\"text\">{a}</span></td></tr>",
            lang_of(&c.before, row.before),
            lang_of(&c.after, row.after)
        );
    }
    out.push_str("</tbody></table></section>");
}

fn findings_lists(out: &mut String, c: &Comparison, labels: &Labels) {
    let (sb, sa) = statuses(c);
    let _ = write!(out, "<section class=\"notes\"><h3>{}</h3><div class=\"tables\">", esc(labels.get("findings")));
    for (heading, d, status) in [("findings-before", &c.before, &sb), ("findings-after", &c.after, &sa)] {
        let _ = write!(out, "<div><h3>{}</h3>", esc(labels.get(heading)));
        if d.findings.is_empty() {
            let _ = write!(out, "<p>{}</p>", esc(labels.get("class-none")));
        } else {
            out.push_str("<ol class=\"findings\">");
            for (i, f) in d.findings.iter().enumerate() {
                let _ = write!(
                    out,
                    "<li><span class=\"status {}\">{}</span> <b>{}</b>: “{}” ({})<br>{}</li>",
                    status[i].class(),
                    esc(status[i].label(labels)),
                    esc(labels.category(f.category)),
                    esc(&f.excerpt(&d.text).split_whitespace().collect::<Vec<_>>().join(" ")),
                    esc(&f.rule),
                    esc(&f.message)
                );
            }
            out.push_str("</ol>");
        }
        out.push_str("</div>");
    }
    out.push_str("</div></section>");
}

fn pair_html(out: &mut String, pair: &Pair, n: usize, labels: &Labels) {
    let _ = write!(out, "<article class=\"pair\" id=\"p-{n}\" data-name=\"{}\"><h2>{}</h2>", esc(&pair.name), esc(&pair.name));
    if !pair.before_source.is_empty() {
        let _ = write!(out, "<p class=\"files\">{}: {} → {}</p>", esc(labels.get("text-files")), esc(&pair.before_source), esc(&pair.after_source));
    }
    match &pair.result {
        Err(problem) => {
            let _ = write!(out, "<p class=\"error\"><b>{}</b>: {}</p>", esc(labels.get("could-not-compare")), esc(problem));
        }
        Ok(c) => {
            let _ = write!(
                out,
                "<p class=\"files\">{}: {} → {}</p>",
                esc(labels.get("languages")),
                esc(labels.language(c.before.language)),
                esc(labels.language(c.after.language))
            );
            summary_html(out, c, labels);
            let _ = write!(out, "<div class=\"tables\"><div><h3>{}</h3>", esc(labels.get("categories")));
            categories_table(out, &c.by_category(), labels);
            let _ = write!(out, "</div><div><h3>{}</h3>", esc(labels.get("measures")));
            measures_table(out, c, labels);
            let _ = write!(out, "<h3>{}</h3>", esc(labels.get("principles")));
            principles_table(out, c, labels);
            out.push_str("</div></div>");
            side_by_side(out, c, labels);
            findings_lists(out, c, labels);
        }
    }
    out.push_str("</article>");
}

fn class_html(out: &mut String, class: &ClassSummary, pairs: &[Pair], labels: &Labels) {
    let _ = write!(out, "<section class=\"class\"><h2>{}</h2>", esc(labels.get("class-summary")));
    let _ = write!(out, "<p class=\"totals\" data-class=\"compared\">{}</p>", esc(&labels.fill("class-pairs", &[("n", &class.compared)])));
    let _ = write!(out, "<p class=\"totals\" data-class=\"improved\">{}</p>", esc(&labels.count("class-improved", class.improved)));
    if class.could_not_compare > 0 {
        let _ = write!(out, "<p class=\"totals\" data-class=\"failed\">{}</p>", esc(&labels.count("class-pairs-with-problems", class.could_not_compare)));
    }
    out.push_str("<div class=\"boxes\">");
    for (box_class, heading, ranked) in [("improved", "class-improved-most", &class.improved_most), ("worse", "class-trips-up", &class.trips_up)] {
        let _ = write!(out, "<div class=\"box {box_class}\"><h3>{}</h3><ul>", esc(labels.get(heading)));
        if ranked.is_empty() {
            let _ = write!(out, "<li class=\"none\">{}</li>", esc(labels.get("class-none")));
        }
        for r in ranked {
            let _ = write!(out, "<li>{}</li>", esc(&labels.fill("class-category-line", &[("label", &labels.category(r.category)), ("n", &r.count)])));
        }
        out.push_str("</ul></div>");
    }
    out.push_str("</div>");
    let _ = write!(out, "<h3>{}</h3>", esc(labels.get("categories")));
    categories_table(out, &class.categories, labels);
    // One line per participant, linking to their page.
    let _ = write!(
        out,
        "<h3>{}</h3><table class=\"participants\"><thead><tr><th>{}</th><th>{}</th>",
        esc(labels.get("participants")),
        esc(labels.get("participant")),
        esc(labels.get("languages")),
    );
    count_headers(out, labels);
    out.push_str("</tr></thead><tbody>");
    for (n, p) in pairs.iter().enumerate() {
        let _ = write!(out, "<tr data-participant=\"{}\"><td><a href=\"#p-{}\">{}</a></td>", esc(&p.name), n + 1, esc(&p.name));
        match &p.result {
            Ok(c) => {
                let _ = write!(out, "<td>{} → {}</td>", esc(labels.language(c.before.language)), esc(labels.language(c.after.language)));
                let changes = &c.changes;
                count_cells(
                    out,
                    [c.before.findings.len(), c.after.findings.len(), changes.resolved.len(), changes.still_present.len(), changes.introduced.len()],
                );
                out.push_str("</tr>");
            }
            Err(problem) => {
                let _ = write!(out, "<td colspan=\"6\" class=\"error\">{}: {}</td></tr>", esc(labels.get("could-not-compare")), esc(problem));
            }
        }
    }
    out.push_str("</tbody></table></section>");
}

/// The whole page. `class` is given for a group (a workshop).
pub fn render(pairs: &[Pair], class: Option<&ClassSummary>, labels: &Labels) -> String {
    let title = if class.is_some() { labels.get("group-title") } else { labels.get("title") };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"cofnod {}\"><link rel=\"icon\" href=\"data:,\"><title>cofnod: {}</title><style>{CSS}</style></head><body><header><h1>{}</h1><p class=\"meta\">{}</p></header>",
        labels.lang.code(),
        env!("CARGO_PKG_VERSION"),
        esc(title),
        esc(title),
        esc(labels.get("generated"))
    );
    if let Some(class) = class {
        class_html(&mut out, class, pairs, labels);
    }
    for (n, pair) in pairs.iter().enumerate() {
        pair_html(&mut out, pair, n + 1, labels);
    }
    out.push_str("<footer>cofnod</footer></body></html>\n");
    out
}
