//! The plain-language summary at the top of a report: what improved, what is still
//! to work on, and what is new, in the trainer's language. Built from the matched
//! findings and the measures, so every line can be traced to the tables below it.

use serde::Serialize;

use super::labels::Labels;
use super::Comparison;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub improved: Vec<String>,
    pub still: Vec<String>,
    pub worse: Vec<String>,
    /// Overall figures: findings and words before and after.
    pub totals: Vec<String>,
}

pub fn summarise(c: &Comparison, labels: &Labels) -> Summary {
    let mut s = Summary::default();
    for counts in c.by_category() {
        let id = counts.category.id();
        if counts.resolved > 0 {
            s.improved.push(labels.count(&format!("resolved-{id}"), counts.resolved));
        }
        if counts.still_present > 0 {
            s.still.push(labels.count(&format!("still-{id}"), counts.still_present));
        }
        if counts.introduced > 0 {
            s.worse.push(labels.count(&format!("introduced-{id}"), counts.introduced));
        }
    }
    let (b, a) = (&c.before.measures, &c.after.measures);
    // More of the person's own words is better; fewer long sentences is better.
    let quoted = labels.fill("quoted-words-change", &[("before", &b.quoted_words), ("after", &a.quoted_words)]);
    if a.quoted_words > b.quoted_words {
        s.improved.push(quoted);
    } else if a.quoted_words < b.quoted_words {
        s.worse.push(quoted);
    }
    let long = labels.fill("long-sentences-change", &[("before", &b.long_sentences), ("after", &a.long_sentences)]);
    if a.long_sentences < b.long_sentences {
        s.improved.push(long);
    } else if a.long_sentences > b.long_sentences {
        s.worse.push(long);
    }
    if c.before.findings.is_empty() && c.after.findings.is_empty() {
        s.totals.push(labels.get("no-findings").to_string());
    } else {
        s.totals.push(labels.fill("findings-total", &[("before", &c.before.findings.len()), ("after", &c.after.findings.len())]));
    }
    s.totals.push(labels.fill("words-change", &[("before", &b.words), ("after", &a.words)]));
    s
}
