//! In-document suppression comments, for Markdown notes:
//!
//! ```markdown
//! <!-- cofnod-disable rationale -->      off from here (one or more ids; none = all)
//! <!-- cofnod-enable -->                 back on (ids re-enable just those)
//! <!-- cofnod-disable-next-line vague --> off for the next line with text on it
//! ```
//!
//! Ids are category ids (`rationale`) or rule ids (`plain-language/commence`),
//! separated by spaces or commas. The engine applies these after the checks, so the
//! language server, `cofnod check` and `cofnod compare` all honour them.

use std::ops::Range;

use crate::finding::Finding;

/// One stretch of text where some (or all) findings are off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub range: Range<usize>,
    /// `None`: every category and rule.
    pub ids: Option<Vec<String>>,
}


/// The suppressions that the comments in `text` ask for. A region is kept per id
/// (`cofnod-disable a b` opens one for `a` and one for `b`), so re-enabling one id
/// closes its region alone, and each comment costs the ids it names, however many
/// regions are open.
pub fn suppressions(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !text.contains("cofnod-") {
        return out;
    }
    // Open `cofnod-disable` regions: since where each id (or every id) is off.
    let mut open: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let mut all_since: Option<usize> = None;
    let mut next_line = NextLineWithText::default();
    let mut from = 0;
    while let Some(i) = text[from..].find("<!--") {
        let start = from + i;
        let Some(j) = text[start + 4..].find("-->") else { break };
        let end = start + 4 + j + 3;
        from = end;
        let body = text[start + 4..end - 3].trim();
        let (directive, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let ids: Vec<String> =
            rest.split(|c: char| c.is_whitespace() || c == ',').filter(|s| !s.is_empty()).map(str::to_string).collect();
        let ids = (!ids.is_empty()).then_some(ids);
        match directive {
            "cofnod-disable-next-line" => {
                if let Some(line) = next_line.after(text, end) {
                    out.push(Suppression { range: line, ids });
                }
            }
            "cofnod-disable" => match ids {
                None => {
                    all_since.get_or_insert(end);
                }
                Some(ids) => {
                    for id in ids {
                        open.entry(id).or_insert(end);
                    }
                }
            },
            "cofnod-enable" => match ids {
                None => {
                    if let Some(since) = all_since.take() {
                        out.push(Suppression { range: since..start, ids: None });
                    }
                    for (id, since) in open.drain() {
                        out.push(Suppression { range: since..start, ids: Some(vec![id]) });
                    }
                }
                // Re-enabling ids ends their regions; a disable-all region stays.
                Some(ids) => {
                    for id in ids {
                        if let Some(since) = open.remove(&id) {
                            out.push(Suppression { range: since..start, ids: Some(vec![id]) });
                        }
                    }
                }
            },
            _ => {}
        }
    }
    if let Some(since) = all_since {
        out.push(Suppression { range: since..text.len(), ids: None });
    }
    out.extend(open.into_iter().map(|(id, since)| Suppression { range: since..text.len(), ids: Some(vec![id]) }));
    out.sort_by(|a, b| (a.range.start, a.range.end, &a.ids).cmp(&(b.range.start, b.range.end, &b.ids)));
    out
}

/// The first line after an offset (not the rest of its own line) that has text,
/// remembering the last answer: many comments on one line must not each search
/// for that line's end, or walk the same blank lines below it.
#[derive(Default)]
struct NextLineWithText {
    /// The offset the last search started from, the end of its line (`None`: the
    /// text's end), and the line it found.
    last: Option<(usize, Option<usize>, Option<Range<usize>>)>,
}

impl NextLineWithText {
    fn after(&mut self, text: &str, after: usize) -> Option<Range<usize>> {
        if let Some((from, line_end, found)) = &self.last {
            // No line break between the last search's start and this one: same line.
            if *from <= after && line_end.is_none_or(|e| after <= e) {
                return found.clone();
            }
        }
        let line_end = text[after..].find('\n').map(|i| after + i);
        let mut found = None;
        if let Some(line_end) = line_end {
            let mut pos = line_end + 1;
            while pos < text.len() {
                let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
                if !text[pos..end].trim().is_empty() {
                    found = Some(pos..end);
                    break;
                }
                pos = end + 1;
            }
        }
        self.last = Some((after, line_end, found.clone()));
        found
    }
}

/// Drops the findings that a suppression covers: one sweep in text order, keeping
/// count of the suppressions open at each finding by id.
pub fn apply(findings: &mut Vec<Finding>, suppressions: &[Suppression]) {
    if suppressions.is_empty() {
        return;
    }
    let mut by_start: Vec<&Suppression> = suppressions.iter().collect();
    by_start.sort_by_key(|s| s.range.start);
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| findings[i].start);
    let mut ending: std::collections::BinaryHeap<std::cmp::Reverse<(usize, usize)>> = Default::default();
    let mut all_open = 0usize;
    let mut open: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut next = 0;
    let mut covered = vec![false; findings.len()];
    for i in order {
        let at = findings[i].start;
        while next < by_start.len() && by_start[next].range.start <= at {
            let s = by_start[next];
            match &s.ids {
                None => all_open += 1,
                Some(ids) => ids.iter().for_each(|id| *open.entry(id.as_str()).or_default() += 1),
            }
            ending.push(std::cmp::Reverse((s.range.end, next)));
            next += 1;
        }
        while let Some(&std::cmp::Reverse((end, k))) = ending.peek() {
            if end > at {
                break;
            }
            ending.pop();
            match &by_start[k].ids {
                None => all_open -= 1,
                Some(ids) => ids.iter().for_each(|id| *open.entry(id.as_str()).or_default() -= 1),
            }
        }
        let f = &findings[i];
        let off = |id: &str| open.get(id).is_some_and(|&n| n > 0);
        covered[i] = all_open > 0 || off(f.category.id()) || off(&f.rule);
    }
    let mut k = 0;
    findings.retain(|_| {
        k += 1;
        !covered[k - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Vec<(&str, Option<Vec<String>>)> {
        suppressions(text).into_iter().map(|s| (&text[s.range], s.ids)).collect()
    }

    fn ids(list: &[&str]) -> Option<Vec<String>> {
        Some(list.iter().map(|s| s.to_string()).collect())
    }

    /// The ids switched off where `marker` stands ("*" for all).
    fn off_at(text: &str, marker: &str) -> Vec<String> {
        let at = text.find(marker).unwrap();
        let mut off: Vec<String> = suppressions(text)
            .into_iter()
            .filter(|s| s.range.start <= at && at < s.range.end)
            .flat_map(|s| s.ids.unwrap_or_else(|| vec!["*".to_string()]))
            .collect();
        off.sort();
        off
    }

    #[test]
    fn disable_enable_regions() {
        let text = "a\n<!-- cofnod-disable rationale, vague -->\nb\n<!-- cofnod-enable -->\nc";
        assert_eq!(ranges(text), vec![("\nb\n", ids(&["rationale"])), ("\nb\n", ids(&["vague"]))]);
        assert_eq!(off_at(text, "a"), Vec::<String>::new());
        assert_eq!(off_at(text, "c"), Vec::<String>::new());
        // Unclosed: to the end.
        assert_eq!(ranges("<!-- cofnod-disable -->x y"), vec![("x y", None)]);
    }

    #[test]
    fn enabling_one_id_keeps_the_others_off() {
        let text = "<!-- cofnod-disable rationale vague -->A<!-- cofnod-enable vague -->B";
        assert_eq!(off_at(text, "A"), ["rationale", "vague"]);
        assert_eq!(off_at(text, "B"), ["rationale"]);
        // A disable-all is not split by enabling one id.
        let text = "<!-- cofnod-disable -->A<!-- cofnod-enable vague -->B<!-- cofnod-enable -->C";
        assert_eq!((off_at(text, "A"), off_at(text, "B")), (vec!["*".to_string()], vec!["*".to_string()]));
        assert!(off_at(text, "C").is_empty());
    }

    #[test]
    fn next_line_skips_blank_lines_and_its_own_line() {
        let text = "x <!-- cofnod-disable-next-line own-words --> same line\n\n  \nthe target\nafter";
        assert_eq!(ranges(text), vec![("the target", ids(&["own-words"]))]);
        assert_eq!(ranges("<!-- cofnod-disable-next-line -->"), vec![]);
        // Two comments on one line, and one on a blank line below: the same target.
        let text = "<!-- cofnod-disable-next-line a --><!-- cofnod-disable-next-line b -->\n<!-- cofnod-disable-next-line c -->\ntarget\n";
        let targets: Vec<&str> = ranges(text).into_iter().map(|(t, _)| t).collect();
        assert_eq!(targets, vec!["<!-- cofnod-disable-next-line c -->", "<!-- cofnod-disable-next-line c -->", "target"]);
    }

    #[test]
    fn other_comments_are_ignored() {
        assert_eq!(ranges("<!-- cofnod is great --> <!-- TODO cofnod-disable -->"), vec![]);
    }

    fn finding(start: usize, category: crate::finding::Category, rule: &str) -> Finding {
        Finding {
            category,
            rule: rule.to_string(),
            severity: crate::finding::Severity::Info,
            message: String::new(),
            start,
            end: start + 1,
            lang: crate::language::Lang::En,
            suggestions: Vec::new(),
        }
    }

    #[test]
    fn apply_drops_covered_findings_by_category_rule_or_all() {
        use crate::finding::Category::{PlainLanguage, Vague};
        let sup = |r: Range<usize>, list: Option<&[&str]>| Suppression { range: r, ids: list.map(|l| l.iter().map(|s| s.to_string()).collect()) };
        let suppressions = vec![sup(0..10, Some(&["vague"])), sup(5..20, Some(&["plain-language/mdt"])), sup(30..40, None)];
        let mut findings = vec![
            finding(2, Vague, "vague/x"),
            finding(3, PlainLanguage, "plain-language/mdt"),
            finding(6, PlainLanguage, "plain-language/mdt"),
            finding(12, Vague, "vague/x"),
            finding(20, PlainLanguage, "plain-language/mdt"),
            finding(35, PlainLanguage, "plain-language/other"),
        ];
        apply(&mut findings, &suppressions);
        let kept: Vec<usize> = findings.iter().map(|f| f.start).collect();
        assert_eq!(kept, vec![3, 12, 20]);
    }
}
