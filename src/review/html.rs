//! The scorecard as one HTML page: no scripts, nothing fetched (the compare
//! report's Content-Security-Policy), a table per record and the team summary.

use std::fmt::Write;

use super::{Principles, Scorecard, Status, Tally, PRINCIPLES};
use crate::compare::html::esc;
use crate::compare::Draft;
use crate::language::Lang;

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}td.met{color:#185c2b}td.partly{color:#7a4b00}td.not-seen{color:#9b1c1c;font-weight:600}td.na{color:#666}.add{color:#333;font-size:.9rem}.ev{font-size:.85rem;color:#555}";

pub struct Page {
    body: String,
    lang: Lang,
}

impl Page {
    pub fn new(lang: Lang) -> Page {
        Page { body: String::new(), lang }
    }

    pub fn record(&mut self, name: &str, draft: &Draft, card: &Scorecard, principles: &Principles) {
        let lang = self.lang;
        let (h, p_h, s_h, n_h) = if lang == Lang::Cy { ("Cofnod", "Egwyddor", "Statws", "Pam, a beth i'w ychwanegu") } else { ("Record", "Principle", "Status", "Why, and what to add") };
        let _ = write!(self.body, "<section><h2>{h}: {}</h2><table><thead><tr><th>{p_h}</th><th>{s_h}</th><th>{n_h}</th></tr></thead><tbody>", esc(name));
        for p in &card.principles {
            let class = match p.status {
                Status::Met => "met",
                Status::Partly => "partly",
                Status::NotSeen => "not-seen",
                Status::NotApplicable => "na",
            };
            let _ = write!(self.body, "<tr data-principle=\"{}\" data-status=\"{}\"><td>{}</td><td class=\"{class}\">{}</td><td>{}", p.id, p.status.id(), esc(principles.name(p.id, lang)), esc(p.status.name(lang)), esc(&p.note));
            for &i in p.evidence.iter().take(3) {
                let f = &draft.findings[i];
                let line = draft.text[..f.start].matches('\n').count() + 1;
                let excerpt: String = f.excerpt(&draft.text).chars().take(60).collect();
                let _ = write!(self.body, "<div class=\"ev\">{} {line}: “{}”</div>", if lang == Lang::Cy { "llinell" } else { "line" }, esc(&excerpt));
            }
            if matches!(p.status, Status::Partly | Status::NotSeen) {
                let _ = write!(self.body, "<div class=\"add\">→ {}</div>", esc(principles.advice(p.id, lang)));
            }
            self.body.push_str("</td></tr>");
        }
        self.body.push_str("</tbody></table></section>");
    }

    pub fn finish(self, tally: &Tally, principles: &Principles) -> String {
        let lang = self.lang;
        let title = if lang == Lang::Cy { "Adolygiad o gofnodion" } else { "Record review" };
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"cofnod {}\"><link rel=\"icon\" href=\"data:,\"><title>cofnod: {title}</title><style>{CSS}</style></head><body><h1>{title}</h1>",
            lang.code(),
            env!("CARGO_PKG_VERSION"),
        );
        if tally.records > 1 {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.name(lang)).collect();
            let p_h = if lang == Lang::Cy { "Egwyddor" } else { "Principle" };
            let _ = write!(out, "<section id=\"summary\"><h2>{} ({})</h2><table><thead><tr><th>{p_h}</th>", if lang == Lang::Cy { "Crynodeb" } else { "Summary" }, tally.records);
            for n in &names {
                let _ = write!(out, "<th>{}</th>", esc(n));
            }
            out.push_str("</tr></thead><tbody>");
            for id in PRINCIPLES {
                let c = tally.counts.get(id).copied().unwrap_or_default();
                let _ = write!(out, "<tr data-principle=\"{id}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(principles.name(id, lang)), c[0], c[1], c[2], c[3]);
            }
            out.push_str("</tbody></table></section>");
        }
        out.push_str(&self.body);
        out.push_str("</body></html>\n");
        out
    }
}
