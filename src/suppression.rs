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

impl Suppression {
    fn covers(&self, finding: &Finding) -> bool {
        self.range.start <= finding.start
            && finding.start < self.range.end
            && self.ids.as_ref().is_none_or(|ids| ids.iter().any(|id| id == finding.category.id() || *id == finding.rule))
    }
}

/// The suppressions that the comments in `text` ask for.
pub fn suppressions(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !text.contains("cofnod-") {
        return out;
    }
    // Open `cofnod-disable` regions: where each started and what it names.
    let mut open: Vec<(usize, Option<Vec<String>>)> = Vec::new();
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
                if let Some(line) = next_line_with_text(text, end) {
                    out.push(Suppression { range: line, ids });
                }
            }
            "cofnod-disable" => open.push((end, ids)),
            "cofnod-enable" => {
                let close = |(from, ids): (usize, Option<Vec<String>>), out: &mut Vec<Suppression>| {
                    out.push(Suppression { range: from..start, ids })
                };
                match ids {
                    None => open.drain(..).for_each(|o| close(o, &mut out)),
                    Some(enable) => {
                        // Re-enabling some ids splits any region that named them.
                        let mut still = Vec::new();
                        for (from, ids) in open.drain(..) {
                            let named = ids.clone().unwrap_or_default();
                            let rest: Vec<String> = named.iter().filter(|id| !enable.contains(id)).cloned().collect();
                            if ids.is_none() || rest.len() == named.len() {
                                // A disable-all, or a region these ids don't touch: unchanged.
                                still.push((from, ids));
                            } else {
                                close((from, ids), &mut out);
                                if !rest.is_empty() {
                                    still.push((end, Some(rest)));
                                }
                            }
                        }
                        open = still;
                    }
                }
            }
            _ => {}
        }
    }
    out.extend(open.into_iter().map(|(from, ids)| Suppression { range: from..text.len(), ids }));
    out
}

/// The first line after offset `after` (not the rest of its own line) that has text.
fn next_line_with_text(text: &str, after: usize) -> Option<Range<usize>> {
    let mut pos = after + text[after..].find('\n')? + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if !text[pos..end].trim().is_empty() {
            return Some(pos..end);
        }
        pos = end + 1;
    }
    None
}

/// Drops the findings that a suppression covers.
pub fn apply(findings: &mut Vec<Finding>, suppressions: &[Suppression]) {
    if !suppressions.is_empty() {
        findings.retain(|f| !suppressions.iter().any(|s| s.covers(f)));
    }
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

    #[test]
    fn disable_enable_regions() {
        let text = "a\n<!-- cofnod-disable rationale, vague -->\nb\n<!-- cofnod-enable -->\nc";
        assert_eq!(ranges(text), vec![("\nb\n", ids(&["rationale", "vague"]))]);
        // Unclosed: to the end.
        assert_eq!(ranges("<!-- cofnod-disable -->x y"), vec![("x y", None)]);
    }

    #[test]
    fn enabling_one_id_keeps_the_others_off() {
        let text = "<!-- cofnod-disable rationale vague -->A<!-- cofnod-enable vague -->B";
        assert_eq!(ranges(text), vec![("A", ids(&["rationale", "vague"])), ("B", ids(&["rationale"]))]);
    }

    #[test]
    fn next_line_skips_blank_lines_and_its_own_line() {
        let text = "x <!-- cofnod-disable-next-line own-words --> same line\n\n  \nthe target\nafter";
        assert_eq!(ranges(text), vec![("the target", ids(&["own-words"]))]);
        assert_eq!(ranges("<!-- cofnod-disable-next-line -->"), vec![]);
    }

    #[test]
    fn other_comments_are_ignored() {
        assert_eq!(ranges("<!-- cofnod is great --> <!-- TODO cofnod-disable -->"), vec![]);
    }
}
