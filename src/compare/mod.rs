//! Before and after: what a rewrite of a note resolved, kept and introduced.
//!
//! Both drafts go through the same engine as `cofnod check` and the editor. A
//! finding is *still present* when the second draft has a finding of the same rule
//! on the same words (ignoring case and spacing), or, failing that, a finding of the
//! same category in the sentence that rewrites the one it was in: "Case closed." →
//! "Case closed on 3 May." still has no reason. A record-level finding (the
//! record has none of the person's words) is still present when the second draft
//! has the same record-level rule. Every other finding of the first
//! draft is *resolved*, and every other finding of the second is *introduced*.
//!
//! When one draft is in English and the other in Welsh (a note rewritten for a
//! Welsh-speaking family), no words are shared: sentences are lined up by position
//! and a finding is still present when the second draft has one of the same
//! category that is not yet matched, in text order.

pub mod align;
pub mod group;
pub mod html;
pub mod json;
pub mod labels;
pub mod measures;
pub mod summary;
pub mod text;

use serde::Serialize;

use crate::checks::facts::SentenceFacts;
use crate::engine::Engine;
use crate::finding::{Category, Finding};
use crate::language::DocLanguage;
use crate::models::Models;
use align::{Row, RowKind};
use measures::Measures;

/// One draft, analysed.
pub struct Draft {
    pub text: String,
    pub language: DocLanguage,
    pub findings: Vec<Finding>,
    pub sentences: Vec<SentenceFacts>,
    pub measures: Measures,
}

impl Draft {
    pub fn analyse(engine: &Engine, models: Option<&Models>, text: &str) -> Draft {
        let (analysis, sentences) = engine.analyse_with_facts(text, models);
        let measures = measures::measure(&sentences, &analysis.findings);
        Draft { text: text.to_string(), language: analysis.language, findings: analysis.findings, sentences, measures }
    }

    /// A sentence as a reader sees it: with a label before it on the same line
    /// ("Outcome: ", "Penderfyniad: "), which the checks read as context.
    pub fn sentence_text(&self, i: usize) -> &str {
        let (start, end) = self.shown_range(i);
        &self.text[start..end]
    }

    /// The byte range `sentence_text` shows.
    pub fn shown_range(&self, i: usize) -> (usize, usize) {
        let s = &self.sentences[i];
        let line_start = self.text[..s.start].rfind('\n').map_or(0, |n| n + 1);
        let previous_end = if i > 0 { self.sentences[i - 1].end } else { 0 };
        let from = line_start.max(previous_end).min(s.start);
        let lead = self.text[from..s.start].len() - self.text[from..s.start].trim_start().len();
        (from + lead, s.end)
    }

    /// The sentence holding a finding.
    pub fn sentence_of(&self, f: &Finding) -> Option<usize> {
        measures::sentence_at(&self.sentences, f.start)
    }
}

/// What happened to the findings: indices into each draft's `findings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingChanges {
    pub resolved: Vec<usize>,
    /// (before, after) pairs.
    pub still_present: Vec<(usize, usize)>,
    pub introduced: Vec<usize>,
}

/// One principle's status in each draft.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PrincipleChange {
    pub id: &'static str,
    pub name: String,
    pub before: crate::review::Status,
    pub after: crate::review::Status,
}

impl PrincipleChange {
    fn judged(&self) -> bool {
        self.before != crate::review::Status::NotApplicable && self.after != crate::review::Status::NotApplicable
    }

    /// Met more fully after than before.
    pub fn improved(&self) -> bool {
        self.judged() && self.after < self.before
    }

    pub fn worsened(&self) -> bool {
        self.judged() && self.after > self.before
    }
}

pub struct Comparison {
    pub before: Draft,
    pub after: Draft,
    pub changes: FindingChanges,
    /// The side-by-side rows, sentence by sentence.
    pub rows: Vec<Row>,
}

impl Comparison {
    /// One draft in English and the other in Welsh.
    pub fn crosses_languages(&self) -> bool {
        crosses_languages(self.before.language, self.after.language)
    }

    /// The record review's scorecard of each draft (`crate::review`), principle by
    /// principle: what a trainer sees improve besides the findings.
    pub fn principles(&self, lang: crate::language::Lang) -> Vec<PrincipleChange> {
        let principles = crate::review::Principles::embedded();
        let b = crate::review::score(&self.before, &principles, lang);
        let a = crate::review::score(&self.after, &principles, lang);
        b.principles
            .iter()
            .zip(&a.principles)
            .map(|(b, a)| PrincipleChange { id: b.id, name: principles.name(b.id, lang).to_string(), before: b.status, after: a.status })
            .collect()
    }

    /// Per category: findings before, after, resolved, still present, introduced.
    /// The six established checks always; a newer one (issue 16) only where either
    /// draft has a finding of it, so that reports do not fill with empty rows.
    pub fn by_category(&self) -> Vec<CategoryCounts> {
        Category::ALL
            .iter()
            .filter(|c| c.is_established() || self.before.findings.iter().chain(&self.after.findings).any(|f| f.category == **c))
            .map(|&category| {
                let in_before = |i: &usize| self.before.findings[*i].category == category;
                CategoryCounts {
                    category,
                    before: self.before.findings.iter().filter(|f| f.category == category).count(),
                    after: self.after.findings.iter().filter(|f| f.category == category).count(),
                    resolved: self.changes.resolved.iter().filter(|i| in_before(i)).count(),
                    still_present: self.changes.still_present.iter().filter(|p| in_before(&p.0)).count(),
                    introduced: self.changes.introduced.iter().filter(|&&j| self.after.findings[j].category == category).count(),
                }
            })
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryCounts {
    pub category: Category,
    pub before: usize,
    pub after: usize,
    pub resolved: usize,
    pub still_present: usize,
    pub introduced: usize,
}

fn crosses_languages(a: DocLanguage, b: DocLanguage) -> bool {
    matches!((a, b), (DocLanguage::En, DocLanguage::Cy) | (DocLanguage::Cy, DocLanguage::En))
}

pub fn compare(engine: &Engine, models: Option<&Models>, before: &str, after: &str) -> Comparison {
    let before = Draft::analyse(engine, models, before);
    let after = Draft::analyse(engine, models, after);
    let texts = |d: &Draft| (0..d.sentences.len()).map(|i| d.sentence_text(i).to_string()).collect::<Vec<_>>();
    let (old, new) = (texts(&before), texts(&after));
    let rows = if crosses_languages(before.language, after.language) {
        align::by_position(old.len(), new.len())
    } else {
        align::align(&old.iter().map(String::as_str).collect::<Vec<_>>(), &new.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let changes = match_findings(&before, &after, &rows);
    Comparison { before, after, changes, rows }
}

fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().map(str::to_lowercase).eq(b.split_whitespace().map(str::to_lowercase))
}

fn match_findings(before: &Draft, after: &Draft, rows: &[Row]) -> FindingChanges {
    let mut partner: Vec<Option<usize>> = vec![None; before.findings.len()];
    let mut taken = vec![false; after.findings.len()];
    // Each unpartnered finding of the first draft takes the first free finding of
    // the second that `same` accepts.
    let mut claim = |same: &dyn Fn(&Finding, &Finding) -> bool| {
        for (i, f) in before.findings.iter().enumerate() {
            if partner[i].is_some() {
                continue;
            }
            if let Some(j) = (0..after.findings.len()).find(|&j| !taken[j] && same(f, &after.findings[j])) {
                partner[i] = Some(j);
                taken[j] = true;
            }
        }
    };
    // 1. The same rule on the same words, anywhere.
    claim(&|f, g| g.rule == f.rule && same_words(g.excerpt(&after.text), f.excerpt(&before.text)));
    // 1b. A record-level finding (on the title, or the first of its kind) is still
    // present when the second draft has the same record-level rule at all; it never
    // partners a sentence's finding.
    let record = |f: &Finding| crate::checks::record::is_record_rule(&f.rule);
    claim(&|f, g| record(f) && g.rule == f.rule);
    // 2. The same category in the sentence's rewrite.
    let rewrite_of: std::collections::HashMap<usize, usize> =
        rows.iter().filter(|r| matches!(r.kind, RowKind::Changed | RowKind::Same)).filter_map(|r| Some((r.before?, r.after?))).collect();
    claim(&|f, g| {
        g.category == f.category
            && !record(f)
            && !record(g)
            && before.sentence_of(f).and_then(|s| rewrite_of.get(&s)).is_some_and(|&t| after.sentence_of(g) == Some(t))
    });
    // 3. Across languages, sentences are only lined up by position: the same
    // category anywhere, in text order.
    if crosses_languages(before.language, after.language) {
        claim(&|f, g| g.category == f.category && record(f) == record(g));
    }
    let mut changes = FindingChanges::default();
    for (i, p) in partner.iter().enumerate() {
        match p {
            Some(j) => changes.still_present.push((i, *j)),
            None => changes.resolved.push(i),
        }
    }
    changes.introduced = (0..after.findings.len()).filter(|&j| !taken[j]).collect();
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(d: &Draft, idx: &[usize]) -> Vec<String> {
        idx.iter().map(|&i| format!("{} “{}”", d.findings[i].rule, d.findings[i].excerpt(&d.text))).collect()
    }

    #[test]
    fn a_good_rewrite_resolves_findings_and_a_kept_closure_is_still_present() {
        let engine = Engine::new();
        let before = "The SU presented as hostile during the visit. Case closed.";
        let after = "Mr Evans shouted at me to leave, and I left after ten minutes. Case closed.";
        let c = compare(&engine, None, before, after);
        let resolved = rules(&c.before, &c.changes.resolved);
        assert!(resolved.iter().any(|r| r.contains("“SU”")), "{resolved:?}");
        assert!(resolved.iter().any(|r| r.starts_with("opinion-as-fact/")), "{resolved:?}");
        let still: Vec<_> = c.changes.still_present.iter().map(|p| c.before.findings[p.0].category).collect();
        assert_eq!(still, vec![Category::Rationale]);
        assert!(c.changes.introduced.is_empty(), "{:?}", rules(&c.after, &c.changes.introduced));
        assert_eq!(c.before.measures.decisions_without_reason, 1);
        assert_eq!(c.after.measures.decisions_without_reason, 1);
        assert!(c.before.measures.opinions_as_fact >= 1);
        assert_eq!(c.after.measures.opinions_as_fact, 0);
    }

    #[test]
    fn a_worse_rewrite_introduces_findings() {
        let engine = Engine::new();
        let before = "I told Mrs Hughes about the carers' centre because she wants a break on Fridays.";
        let after = "Mrs Hughes was signposted to the carers' centre to facilitate respite.";
        let c = compare(&engine, None, before, after);
        assert!(c.before.findings.is_empty(), "{:?}", rules(&c.before, &(0..c.before.findings.len()).collect::<Vec<_>>()));
        let introduced = rules(&c.after, &c.changes.introduced);
        assert!(introduced.iter().any(|r| r.contains("“signposted”")), "{introduced:?}");
        assert!(introduced.iter().any(|r| r.contains("“facilitate”")), "{introduced:?}");
        assert!(c.changes.resolved.is_empty() && c.changes.still_present.is_empty());
    }

    #[test]
    fn measures_count_quotes_reasons_outcomes_and_long_welsh_sentences() {
        let engine = Engine::new();
        let text = "Outcome: \"I want to walk to the shop on my own again.\"\n\n\
                    I think Mr Ali is lonely because he told me he has not spoken to anyone since Sunday.\n\n\
                    I closed the case because Mr Ali asked me to.\n\n\
                    Mae Mrs Puw wedi dweud wrtha i ei bod hi eisiau mynd i'r capel bob dydd Sul gyda'i merch a'i hwyrion, ac mae hi'n poeni am y bws o'r pentref i'r dref.";
        let d = Draft::analyse(&engine, None, text);
        let m = &d.measures;
        assert_eq!(m.quoted_words, 11, "{m:?}");
        assert_eq!(m.outcomes_in_persons_words, 1, "{m:?}");
        assert_eq!(m.outcomes_as_service, 0);
        assert_eq!(m.opinions_owned_and_evidenced, 1, "{m:?}");
        assert_eq!(m.opinions_as_fact, 0);
        assert_eq!(m.decisions_with_reason, 1, "{m:?}");
        assert_eq!(m.decisions_without_reason, 0);
        assert_eq!(m.long_welsh_sentences, 1, "{m:?}");
        // A record-level prompt stands: the case was closed with its reason, and no
        // other option is weighed in the note.
        assert_eq!(m.findings.values().sum::<usize>(), 1, "{:?}", d.findings);
        assert_eq!(d.findings.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(), ["rationale/no-alternatives"]);
    }
}
