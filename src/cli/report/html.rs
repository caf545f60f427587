//! The HTML dashboard a team manager reads (`--format html --out report.html`):
//! totals per check, per group (team, author or service) and per month, as tables
//! and inline SVG charts, and the most frequent findings with short examples. One
//! self-contained page with no scripts, under the same Content-Security-Policy as
//! the compare report; English or Welsh (`--lang`); with `--anonymise` groups and
//! record ids are numbers.
//!
//! Only counts and a few examples are kept while the run goes on, so a run of
//! millions of records makes a dashboard in bounded memory (groups, months and
//! rules are kept whole; there are few of them).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use super::{FileReport, Pseudonyms, Reporter, Summary};
use crate::compare::html::esc;
use crate::finding::Category;
use crate::language::Lang;

const LABELS: &str = include_str!("dashboard.toml");
const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.4}h1{margin-bottom:.2rem}.meta{color:#555;margin:.2rem 0}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}section{margin:2rem 0}svg text{font:12px system-ui,sans-serif;fill:#1b1b1b}.ex{font-size:.9rem;color:#333}.ex q{background:#fff3c4}.intro{color:#444}tr.month td:first-child{white-space:nowrap}";
/// Examples kept per rule.
const EXAMPLES: usize = 3;
/// Characters of an excerpt shown.
const EXCERPT_CHARS: usize = 60;
/// Groups listed, most records first.
const GROUPS_SHOWN: usize = 40;
/// Rules listed among the most frequent findings.
const RULES_SHOWN: usize = 15;
/// Distinct reasons for a file or record not being checked kept.
const REASONS_KEPT: usize = 50;

type Labels = HashMap<String, HashMap<String, String>>;

fn labels() -> &'static Labels {
    static L: OnceLock<Labels> = OnceLock::new();
    L.get_or_init(|| toml::from_str(LABELS).expect("dashboard.toml is valid"))
}

/// Counts for one group or month.
#[derive(Default, Clone)]
struct Counts {
    records: u64,
    with_findings: u64,
    findings: u64,
    by_category: BTreeMap<Category, u64>,
}

impl Counts {
    fn add(&mut self, file: &FileReport) {
        self.records += 1;
        self.with_findings += u64::from(!file.findings.is_empty());
        self.findings += file.findings.len() as u64;
        for f in &file.findings {
            *self.by_category.entry(f.category).or_default() += 1;
        }
    }

    fn per_record(&self) -> f64 {
        if self.records == 0 {
            0.0
        } else {
            self.findings as f64 / self.records as f64
        }
    }
}

#[derive(Default)]
struct RuleCounts {
    category: Option<Category>,
    count: u64,
    message: String,
    /// (excerpt, where).
    examples: Vec<(String, String)>,
}

#[derive(Default)]
struct State {
    pseudonyms: Pseudonyms,
    all: Counts,
    /// Records (or files) with a finding of each category.
    records_with: BTreeMap<Category, u64>,
    groups: HashMap<String, Counts>,
    months: BTreeMap<String, Counts>,
    undated: u64,
    any_group: bool,
    any_date: bool,
    rules: HashMap<String, RuleCounts>,
    reasons: BTreeMap<String, u64>,
    other_reasons: u64,
}

pub struct Dashboard {
    lang: Lang,
    anonymise: bool,
    messages: crate::rulebook::Messages,
    state: Mutex<State>,
}

impl Dashboard {
    pub fn new(lang: Lang, anonymise: bool) -> Dashboard {
        let state = State { pseudonyms: Pseudonyms::new(anonymise), ..State::default() };
        Dashboard { lang, anonymise, messages: crate::rulebook::embedded_messages(), state: Mutex::new(state) }
    }

    fn label(&self, key: &str) -> &'static str {
        labels()[self.lang.code()].get(key).map_or("", String::as_str)
    }

    fn fill(&self, key: &str, values: &[(&str, String)]) -> String {
        let mut s = self.label(key).to_string();
        for (k, v) in values {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    fn category_name(&self, c: Category) -> String {
        self.messages.explanation(c, self.lang).title.clone()
    }
}

/// A number with thousands separated (1,234), as both languages write them.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn short(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

impl Reporter for Dashboard {
    fn render(&self, _file: &FileReport) -> Vec<u8> {
        Vec::new()
    }

    fn begin_file(&self, _out: &mut dyn Write, file: &FileReport) -> std::io::Result<()> {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let state = &mut *guard;
        let (group_word, record_word) = if self.lang == Lang::Cy { ("Grŵp", "Cofnod") } else { ("Group", "Record") };
        let record = file.record.as_ref().map(|r| state.pseudonyms.record(r, group_word, record_word));
        if let Some(error) = &file.error {
            if state.reasons.len() < REASONS_KEPT || state.reasons.contains_key(error) {
                *state.reasons.entry(error.clone()).or_default() += 1;
            } else {
                state.other_reasons += 1;
            }
            return Ok(());
        }
        if file.empty {
            return Ok(());
        }
        state.all.add(file);
        let mut seen: Vec<Category> = file.findings.iter().map(|f| f.category).collect();
        seen.sort();
        seen.dedup();
        for c in seen {
            *state.records_with.entry(c).or_default() += 1;
        }
        let group = record.as_ref().and_then(|r| r.group.clone());
        state.any_group |= group.is_some();
        let group = group.unwrap_or_else(|| self.label("no-group-value").to_string());
        state.groups.entry(group).or_default().add(file);
        match record.as_ref().and_then(|r| r.date.as_deref()).and_then(crate::export::month_of) {
            Some(month) => {
                state.any_date = true;
                state.months.entry(month).or_default().add(file);
            }
            None => state.undated += 1,
        }
        let place = match &record {
            Some(r) => r.id.clone().unwrap_or_else(|| self.fill("row", &[("n", r.row.to_string())])),
            None => crate::safe_text::for_terminal(&file.path).into_owned(),
        };
        for f in &file.findings {
            let rule = state.rules.entry(f.rule.clone()).or_default();
            rule.count += 1;
            if rule.category.is_none() {
                rule.category = Some(f.category);
                rule.message = f.message.clone();
            }
            if rule.examples.len() < EXAMPLES && !rule.examples.iter().any(|(e, _)| *e == short(&f.excerpt)) {
                rule.examples.push((short(&f.excerpt), place.clone()));
            }
        }
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        out.write_all(self.page(&state, summary).as_bytes())
    }
}

/// A horizontal bar chart: (label, value, shown value), scaled to the largest.
fn bars(rows: &[(String, f64, String)], aria: &str) -> String {
    let (width, label_w, row_h) = (640.0, 230.0, 24.0);
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let height = row_h * rows.len() as f64 + 8.0;
    let mut svg = format!("<svg role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">", esc(aria));
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = ((width - label_w - 70.0) * value / max).max(if *value > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"#2f6f9f\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 16.0,
            esc(&short(label)),
            y + 3.0,
            row_h - 6.0,
            label_w + w + 5.0,
            y + 16.0,
            esc(shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Records per month as bars, and findings per record as a line over them.
fn trend(months: &BTreeMap<String, Counts>, aria: &str) -> String {
    let (width, height, left, bottom, top) = (640.0, 220.0, 40.0, 40.0, 12.0);
    let n = months.len().max(1) as f64;
    let step = (width - left - 10.0) / n;
    let max_records = months.values().map(|c| c.records).max().unwrap_or(1).max(1) as f64;
    let max_rate = months.values().map(Counts::per_record).fold(0.0, f64::max).max(0.1);
    let plot = height - bottom - top;
    let mut svg = format!("<svg role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">", esc(aria));
    let _ = write!(svg, "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>", height - bottom, width - 10.0, height - bottom);
    let mut points = Vec::new();
    for (i, (month, c)) in months.iter().enumerate() {
        let x = left + step * i as f64;
        let h = plot * c.records as f64 / max_records;
        let _ = write!(svg, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#d7e6f2\"/>", x + step * 0.15, height - bottom - h, step * 0.7);
        let y = height - bottom - plot * c.per_record() / max_rate;
        points.push(format!("{:.1},{y:.1}", x + step / 2.0));
        let _ = write!(svg, "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#b3541e\"/>", x + step / 2.0);
        // Label every month when they fit, else every few.
        let every = (months.len() / 12).max(1);
        if i % every == 0 {
            let _ = write!(svg, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x + step / 2.0, height - bottom + 16.0, esc(month));
        }
    }
    if points.len() > 1 {
        let _ = write!(svg, "<polyline points=\"{}\" fill=\"none\" stroke=\"#b3541e\" stroke-width=\"2\"/>", points.join(" "));
    }
    let _ = write!(svg, "<text x=\"2\" y=\"{}\">{max_rate:.1}</text><text x=\"2\" y=\"{}\">0</text>", top + 4.0, height - bottom);
    svg.push_str("</svg>");
    svg
}

impl Dashboard {
    fn page(&self, state: &State, summary: &Summary) -> String {
        let l = |k: &str| self.label(k);
        let mut h = String::new();
        let title = l("title");
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"cofnod {}\"><link rel=\"icon\" href=\"data:,\"><title>cofnod: {title}</title><style>{CSS}</style></head><body><h1>{title}</h1>",
            self.lang.code(),
            env!("CARGO_PKG_VERSION"),
        );
        let summary_key = if summary.files == summary.records { "summary-records" } else { "summary" };
        let summary_line = self.fill(
            summary_key,
            &[
                ("records", thousands(summary.records as u64)),
                ("files", thousands((summary.files - summary.records) as u64)),
                ("findings", thousands(summary.findings as u64)),
                ("errors", thousands(summary.errors as u64)),
            ],
        );
        let _ = write!(h, "<p class=\"meta\" id=\"summary\">{}</p>", esc(&summary_line));
        let _ = write!(h, "<p class=\"meta\">{}</p>", esc(&self.fill("made", &[("version", env!("CARGO_PKG_VERSION").to_string())])));
        if self.anonymise {
            let _ = write!(h, "<p class=\"meta\">{}</p>", esc(l("anonymised")));
        }

        // By check.
        let _ = write!(h, "<section id=\"by-check\"><h2>{}</h2><p class=\"intro\">{}</p>", esc(l("by-check")), esc(l("by-check-intro")));
        let mut cats: Vec<(Category, u64)> = state.all.by_category.iter().map(|(c, n)| (*c, *n)).collect();
        cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if cats.is_empty() {
            let _ = write!(h, "<p>{}</p>", esc(l("none")));
        } else {
            let rows: Vec<(String, f64, String)> = cats.iter().map(|(c, n)| (self.category_name(*c), *n as f64, thousands(*n))).collect();
            h.push_str(&bars(&rows, &self.fill("chart-label", &[("what", l("by-check").to_string())])));
            let _ = write!(
                h,
                "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
                esc(l("check")),
                esc(l("findings")),
                esc(l("records-with"))
            );
            for (c, n) in &cats {
                let with = state.records_with.get(c).copied().unwrap_or(0);
                let share = if state.all.records > 0 { 100.0 * with as f64 / state.all.records as f64 } else { 0.0 };
                let _ = write!(
                    h,
                    "<tr data-check=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({share:.0}%)</td></tr>",
                    c.id(),
                    esc(&self.category_name(*c)),
                    thousands(*n),
                    thousands(with)
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</section>");

        // By group.
        let _ = write!(h, "<section id=\"by-group\"><h2>{}</h2>", esc(l("by-group")));
        if !state.any_group {
            let _ = write!(h, "<p>{}</p>", esc(l("no-group")));
        } else {
            let _ = write!(h, "<p class=\"intro\">{}</p>", esc(l("by-group-intro")));
            let mut groups: Vec<(&String, &Counts)> = state.groups.iter().collect();
            groups.sort_by(|a, b| b.1.records.cmp(&a.1.records).then(a.0.cmp(b.0)));
            let shown = &groups[..groups.len().min(GROUPS_SHOWN)];
            let rows: Vec<(String, f64, String)> = shown.iter().map(|(g, c)| ((*g).clone(), c.per_record(), format!("{:.2}", c.per_record()))).collect();
            h.push_str(&bars(&rows, &self.fill("chart-label", &[("what", l("per-record").to_string())])));
            let _ = write!(
                h,
                "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
                esc(l("group")),
                esc(l("records")),
                esc(l("findings")),
                esc(l("per-record")),
                esc(l("records-with")),
                esc(l("top-check"))
            );
            for (g, c) in shown {
                let top = c.by_category.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(cat, n)| format!("{} ({})", self.category_name(*cat), thousands(*n)));
                let _ = write!(
                    h,
                    "<tr class=\"group\"><td class=\"name\">{}</td><td class=\"n records\">{}</td><td class=\"n findings\">{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                    esc(g),
                    thousands(c.records),
                    thousands(c.findings),
                    c.per_record(),
                    thousands(c.with_findings),
                    esc(&top.unwrap_or_default())
                );
            }
            h.push_str("</tbody></table>");
            if groups.len() > GROUPS_SHOWN {
                let _ = write!(h, "<p>{}</p>", esc(&self.fill("more-groups", &[("n", thousands((groups.len() - GROUPS_SHOWN) as u64))])));
            }
        }
        h.push_str("</section>");

        // By month.
        let _ = write!(h, "<section id=\"by-month\"><h2>{}</h2>", esc(l("by-month")));
        if !state.any_date {
            let _ = write!(h, "<p>{}</p>", esc(l("no-month")));
        } else {
            let _ = write!(h, "<p class=\"intro\">{}</p>", esc(l("by-month-intro")));
            h.push_str(&trend(&state.months, l("line-label")));
            let mut top_cats: Vec<(Category, u64)> = state.all.by_category.iter().map(|(c, n)| (*c, *n)).collect();
            top_cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            top_cats.truncate(5);
            let _ = write!(
                h,
                "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th>",
                esc(l("month")),
                esc(l("records")),
                esc(l("findings")),
                esc(l("per-record"))
            );
            for (c, _) in &top_cats {
                let _ = write!(h, "<th class=\"n\">{}</th>", esc(&self.category_name(*c)));
            }
            h.push_str("</tr></thead><tbody>");
            for (m, c) in &state.months {
                let _ = write!(
                    h,
                    "<tr class=\"month\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td>",
                    esc(m),
                    thousands(c.records),
                    thousands(c.findings),
                    c.per_record()
                );
                for (cat, _) in &top_cats {
                    let _ = write!(h, "<td class=\"n\">{}</td>", thousands(c.by_category.get(cat).copied().unwrap_or(0)));
                }
                h.push_str("</tr>");
            }
            h.push_str("</tbody></table>");
            if state.undated > 0 {
                let _ = write!(h, "<p>{}</p>", esc(&self.fill("no-date", &[("n", thousands(state.undated))])));
            }
        }
        h.push_str("</section>");

        // Most frequent findings.
        let _ = write!(h, "<section id=\"frequent\"><h2>{}</h2><p class=\"intro\">{}</p>", esc(l("frequent")), esc(l("frequent-intro")));
        let mut rules: Vec<(&String, &RuleCounts)> = state.rules.iter().collect();
        rules.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        if rules.is_empty() {
            let _ = write!(h, "<p>{}</p>", esc(l("none")));
        } else {
            let _ = write!(
                h,
                "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                esc(l("rule")),
                esc(l("count")),
                esc(l("message")),
                esc(l("examples"))
            );
            for (id, r) in rules.iter().take(RULES_SHOWN) {
                let examples: Vec<String> = r.examples.iter().map(|(e, at)| format!("<q>{}</q> ({})", esc(e), esc(at))).collect();
                let _ = write!(
                    h,
                    "<tr class=\"rule\"><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td><td class=\"ex\">{}</td></tr>",
                    esc(id),
                    thousands(r.count),
                    esc(&r.message),
                    examples.join("<br>")
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</section>");

        // Not checked.
        if !state.reasons.is_empty() {
            let _ = write!(h, "<section id=\"problems\"><h2>{}</h2><p class=\"intro\">{}</p>", esc(l("problems")), esc(l("problems-intro")));
            let _ = write!(h, "<table><thead><tr><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>", esc(l("reason")), esc(l("count")));
            let mut reasons: Vec<(&String, &u64)> = state.reasons.iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (why, n) in reasons {
                let _ = write!(h, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(why), thousands(*n));
            }
            if state.other_reasons > 0 {
                let _ = write!(h, "<tr><td>…</td><td class=\"n\">{}</td></tr>", thousands(state.other_reasons));
            }
            h.push_str("</tbody></table></section>");
        }
        h.push_str("</body></html>\n");
        h
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_languages_have_every_label() {
        let l = super::labels();
        let (en, cy) = (&l["en"], &l["cy"]);
        let mut a: Vec<&String> = en.keys().collect();
        let mut b: Vec<&String> = cy.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::thousands(999), "999");
    }
}
