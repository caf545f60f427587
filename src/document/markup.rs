//! Stretches of a note that are not prose and are never checked: web addresses,
//! e-mail addresses, inline code and HTML comments. (Fenced code and front matter
//! are left out earlier, by the block parser.)
//!
//! Findings that overlap these spans are dropped after the checks run, so a URL such
//! as `…/care-and-support-plan` or an address such as `duty.team@…` never raises one.

use std::ops::Range;

/// Byte ranges of `text` that are not prose, in text order, possibly overlapping.
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
    spans
}

/// "www.example.org/page" without a scheme: from "www." at a word start to the
/// next space, less closing punctuation.
fn www_addresses(text: &str, out: &mut Vec<Range<usize>>) {
    for (start, _) in text.match_indices("www.") {
        if text[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.') {
            continue; // Inside a longer word or a URL linkify found already.
        }
        let rest = &text[start..];
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let url = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '’', '”']);
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
/// on the same paragraph (a span never crosses a blank line).
fn inline_code(text: &str, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] == b'`' {
            i += 1;
        }
        let run = i - start;
        let mut j = i;
        let mut closed = None;
        while j < bytes.len() {
            if bytes[j] == b'\n' && text[j + 1..].trim_start_matches([' ', '\t', '\r']).starts_with('\n') {
                break;
            }
            if bytes[j] == b'`' {
                let k = j;
                while j < bytes.len() && bytes[j] == b'`' {
                    j += 1;
                }
                if j - k == run {
                    closed = Some(j);
                    break;
                }
                continue;
            }
            j += 1;
        }
        if let Some(end) = closed {
            out.push(start..end);
            i = end;
        }
    }
}

/// Does `start..end` overlap any of `spans` (sorted by start)?
pub fn overlaps(spans: &[Range<usize>], start: usize, end: usize) -> bool {
    // Spans may nest or overlap, so look at every span starting before `end`.
    let upto = spans.partition_point(|r| r.start < end.max(start + 1));
    spans[..upto].iter().any(|r| r.end > start)
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
