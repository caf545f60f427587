//! Stretches of a note that are not prose and are never checked: web addresses,
//! e-mail addresses, inline code and HTML comments. (Fenced code and front matter
//! are left out earlier, by the block parser.)
//!
//! Findings that overlap these spans are dropped after the checks run, so a URL such
//! as `…/care-and-support-plan` or an address such as `duty.team@…` never raises one.

use std::ops::Range;

/// Byte ranges of `text` that are not prose, in text order, joined where they overlap.
pub fn unchecked_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    // linkify finds URLs with a scheme and e-mail addresses, with the trailing-
    // punctuation rules a hand-written scanner gets wrong ("(see https://x.org).").
    // Scheme-less URLs are left to `www_addresses`: asking linkify for them makes it
    // test every full stop in a note as a possible domain, which cost 15% of a run.
    if text.contains([':', '@']) {
        spans.extend(linkify::LinkFinder::new().links(text).map(|link| link.start()..link.end()));
    }
    www_addresses(text, &mut spans);
    html_comments(text, &mut spans);
    inline_code(text, &mut spans);
    spans.sort_by_key(|r| (r.start, r.end));
    merge(spans)
}

/// Sorted spans joined where they overlap or touch, so that they are disjoint and
/// `overlaps` needs to look at one span only.
fn merge(spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// "www.example.org/page" without a scheme: from "www." at a word start to the
/// next space, less closing punctuation.
fn www_addresses(text: &str, out: &mut Vec<Range<usize>>) {
    // Where the next whitespace is, found once for every "www." before it (a run of
    // "(www." with no space must not make each one search to the end again).
    let mut space = 0;
    for (start, _) in text.match_indices("www.") {
        if text[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.') {
            continue; // Inside a longer word or a URL linkify found already.
        }
        if space < start {
            space = text[start..].find(char::is_whitespace).map_or(text.len(), |i| start + i);
        }
        let rest = &text[start..space];
        let url = rest.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '’', '”']);
        if url.len() > 4 {
            out.push(start..start + url.len());
        }
    }
}

fn html_comments(text: &str, out: &mut Vec<Range<usize>>) {
    let mut from = 0;
    while let Some(i) = text[from..].find("<!--") {
        let start = from + i;
        let end = text[start + 4..].find("-->").map_or(text.len(), |j| start + 4 + j + 3);
        out.push(start..end);
        from = end;
    }
}

/// Markdown code spans: a run of backticks up to the next run of the same length
/// in the same paragraph (a span never crosses a blank line). Every run is found in
/// one pass first, so that an opening run with no partner does not send a search to
/// the end of the paragraph each time.
fn inline_code(text: &str, out: &mut Vec<Range<usize>>) {
    if !text.contains('`') {
        return;
    }
    let bytes = text.as_bytes();
    // Each run of backticks, and the paragraph it is in (numbered by blank lines).
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut paragraph = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => {
                let start = i;
                while i < bytes.len() && bytes[i] == b'`' {
                    i += 1;
                }
                runs.push((start, i, paragraph));
                continue;
            }
            b'\n' => {
                // A blank line: only spaces, tabs and carriage returns before the next line end.
                let rest = &bytes[i + 1..];
                let blank = rest.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
                if blank.is_some_and(|k| rest[k] == b'\n') {
                    paragraph += 1;
                }
                // Skip the whitespace just checked: it cannot hold a backtick.
                i += 1 + blank.unwrap_or(rest.len());
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // For each run, the index of the next run of the same length (a closer).
    let mut next_same = vec![usize::MAX; runs.len()];
    let mut last_of_len: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
    for (k, &(s, e, _)) in runs.iter().enumerate().rev() {
        if let Some(&j) = last_of_len.get(&(e - s)) {
            next_same[k] = j;
        }
        last_of_len.insert(e - s, k);
    }
    let mut k = 0;
    while k < runs.len() {
        let (start, _, para) = runs[k];
        match next_same[k] {
            j if j != usize::MAX && runs[j].2 == para => {
                out.push(start..runs[j].1);
                k = j + 1;
            }
            _ => k += 1,
        }
    }
}

/// Does `start..end` overlap any of `spans` (sorted by start)?
/// Does `start..end` overlap any of `spans` (disjoint and sorted, as
/// `unchecked_spans` gives them)? Only the last span starting before `end` can.
pub fn overlaps(spans: &[Range<usize>], start: usize, end: usize) -> bool {
    let upto = spans.partition_point(|r| r.start < end.max(start + 1));
    upto > 0 && spans[upto - 1].end > start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_text(text: &str) -> Vec<&str> {
        unchecked_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_urls_emails_comments_and_code() {
        let text = "See www.example.org/care-plan. Mail duty.team@example.gov.uk today.\n\
                    <!-- cofnod-disable vague -->\nRun `cofnod check` (https://example.org/a).";
        assert_eq!(
            spans_text(text),
            vec![
                "www.example.org/care-plan",
                "duty.team@example.gov.uk",
                "<!-- cofnod-disable vague -->",
                "`cofnod check`",
                "https://example.org/a"
            ]
        );
    }

    #[test]
    fn a_lone_backtick_or_unclosed_comment_is_harmless() {
        assert_eq!(spans_text("It`s fine.\n\nNext `para"), Vec::<&str>::new());
        assert_eq!(spans_text("text <!-- open"), vec!["<!-- open"]);
    }

    #[test]
    fn overlap_test() {
        let spans = vec![2..5, 10..20];
        assert!(overlaps(&spans, 4, 6));
        assert!(overlaps(&spans, 12, 13));
        assert!(!overlaps(&spans, 5, 10));
        assert!(!overlaps(&spans, 0, 2));
    }
}
