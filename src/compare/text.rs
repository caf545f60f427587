//! `cofnod compare --format text`: the report for a terminal, in the trainer's
//! language. Plain text without colour, so it reads the same piped into a file.

use std::fmt::Write;

use super::group::{ClassSummary, Pair};
use super::labels::Labels;
use super::measures::MEASURES;
use super::summary::summarise;
use super::{Comparison, Draft};
use crate::position::LineIndex;

pub fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

pub fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", number(v))
    } else if v < 0.0 {
        format!("−{}", number(-v))
    } else {
        "0".to_string()
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// One line per finding: where it is, its rule and its words.
fn finding_line(d: &Draft, index: &LineIndex, i: usize, labels: &Labels) -> String {
    let f = &d.findings[i];
    let line = index.position(f.start).line;
    format!("{} {line}  {}  “{}”", labels.get("line"), f.rule, f.excerpt(&d.text).split_whitespace().collect::<Vec<_>>().join(" "))
}

pub fn render_pair(out: &mut String, pair: &Pair, labels: &Labels) {
    let _ = writeln!(out, "== {} ==", pair.name);
    if !pair.before_source.is_empty() {
        let _ = writeln!(out, "{}: {} {} {}", labels.get("text-files"), pair.before_source, labels.get("text-arrow"), pair.after_source);
    }
    let c = match &pair.result {
        Ok(c) => c,
        Err(problem) => {
            let _ = writeln!(out, "{}: {problem}\n", labels.get("could-not-compare"));
            return;
        }
    };
    render_comparison(out, c, labels);
}

fn render_comparison(out: &mut String, c: &Comparison, labels: &Labels) {
    let _ = writeln!(out, "{}: {} {} {}", labels.get("languages"), labels.language(c.before.language), labels.get("text-arrow"), labels.language(c.after.language));
    let s = summarise(c, labels);
    let _ = writeln!(out, "\n{}", labels.get("summary"));
    for (heading, lines, mark, none) in [
        ("improved", &s.improved, '+', "nothing-improved"),
        ("still", &s.still, '=', "nothing-still"),
        ("worse", &s.worse, '!', "nothing-worse"),
    ] {
        let _ = writeln!(out, "  {}", labels.get(heading));
        if lines.is_empty() {
            let _ = writeln!(out, "    {}", labels.get(none));
        }
        for line in lines {
            let _ = writeln!(out, "    {mark} {line}");
        }
    }
    for line in &s.totals {
        let _ = writeln!(out, "  {line}");
    }

    // Findings by check.
    let heads = [labels.get("before"), labels.get("after"), labels.get("resolved"), labels.get("still-present"), labels.get("introduced")];
    let counts = c.by_category();
    let name_w = counts.iter().map(|k| width(labels.category(k.category))).max().unwrap_or(0).max(width(labels.get("categories")));
    let _ = write!(out, "\n{}", pad(labels.get("categories"), name_w + 2));
    for h in heads {
        let _ = write!(out, "  {h}");
    }
    out.push('\n');
    for k in &counts {
        let _ = write!(out, "  {}", pad(labels.category(k.category), name_w));
        for (h, v) in heads.iter().zip([k.before, k.after, k.resolved, k.still_present, k.introduced]) {
            let _ = write!(out, "  {v:>w$}", w = width(h));
        }
        out.push('\n');
    }

    // Measures.
    let (b, a) = (&c.before.measures, &c.after.measures);
    let heads = [labels.get("before"), labels.get("after"), labels.get("change")];
    let name_w = MEASURES.iter().map(|m| width(labels.measure(m.id))).max().unwrap_or(0).max(width(labels.get("measures")));
    let _ = write!(out, "\n{}", pad(labels.get("measures"), name_w + 2));
    for h in heads {
        let _ = write!(out, "  {h:>5}");
    }
    out.push('\n');
    for m in &MEASURES {
        let (vb, va) = ((m.value)(b), (m.value)(a));
        let cells = [number(vb), number(va), signed(((va - vb) * 10.0).round() / 10.0)];
        let _ = write!(out, "  {}", pad(labels.measure(m.id), name_w));
        for (h, v) in heads.iter().zip(cells) {
            let _ = write!(out, "  {v:>w$}", w = width(h).max(5));
        }
        out.push('\n');
    }

    // The recording principles, as `cofnod review` scores each draft.
    let principles = c.principles(labels.lang);
    let name_w = principles.iter().map(|p| width(&p.name)).max().unwrap_or(0).max(width(labels.get("principles")));
    let _ = writeln!(out, "\n{}  {}  {}", pad(labels.get("principles"), name_w + 2), labels.get("before"), labels.get("after"));
    for p in &principles {
        let mark = if p.improved() { "+" } else if p.worsened() { "!" } else { " " };
        let _ = writeln!(out, "  {} {mark} {} → {}", pad(&p.name, name_w), p.before.name(labels.lang), p.after.name(labels.lang));
    }

    // The findings themselves.
    let (bi, ai) = (LineIndex::new(&c.before.text), LineIndex::new(&c.after.text));
    let lists: [(&str, Vec<String>); 3] = [
        ("resolved", c.changes.resolved.iter().map(|&i| finding_line(&c.before, &bi, i, labels)).collect()),
        (
            "still-present",
            c.changes
                .still_present
                .iter()
                .map(|&(i, j)| {
                    let after_line = ai.position(c.after.findings[j].start).line;
                    format!("{} {} {} {after_line}", finding_line(&c.before, &bi, i, labels), labels.get("text-arrow"), labels.get("line"))
                })
                .collect(),
        ),
        ("introduced", c.changes.introduced.iter().map(|&j| finding_line(&c.after, &ai, j, labels)).collect()),
    ];
    for (heading, lines) in lists {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", labels.get(heading));
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push('\n');
}

pub fn render_class(out: &mut String, class: &ClassSummary, pairs: &[Pair], labels: &Labels) {
    let _ = writeln!(out, "{}\n", labels.get("class-summary"));
    let _ = writeln!(out, "  {}", labels.fill("class-pairs", &[("n", &class.compared)]));
    let _ = writeln!(out, "  {}", labels.count("class-improved", class.improved));
    if class.could_not_compare > 0 {
        let _ = writeln!(out, "  {}", labels.count("class-pairs-with-problems", class.could_not_compare));
    }
    for (heading, ranked) in [("class-improved-most", &class.improved_most), ("class-trips-up", &class.trips_up)] {
        let _ = writeln!(out, "  {}", labels.get(heading));
        if ranked.is_empty() {
            let _ = writeln!(out, "    {}", labels.get("class-none"));
        }
        for r in ranked {
            let _ = writeln!(out, "    {}", labels.fill("class-category-line", &[("label", &labels.category(r.category)), ("n", &r.count)]));
        }
    }
    let failed: Vec<&Pair> = pairs.iter().filter(|p| p.result.is_err()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "  {}", labels.get("could-not-compare"));
        for p in failed {
            let _ = writeln!(out, "    {}: {}", p.name, p.result.as_ref().err().map(String::as_str).unwrap_or_default());
        }
    }
    out.push('\n');
}

/// The whole report: the class summary first when there is more than one pair.
pub fn render(pairs: &[Pair], class: Option<&ClassSummary>, labels: &Labels) -> String {
    let mut out = String::new();
    if let Some(class) = class {
        render_class(&mut out, class, pairs, labels);
    }
    for pair in pairs {
        render_pair(&mut out, pair, labels);
    }
    out
}
