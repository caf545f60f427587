//! The line structure of a note: paragraphs, list items, headings and labelled lines.
//!
//! Case notes are rarely tidy prose. Exports hard-wrap lines, writers put one
//! sentence per line, lists carry bullets or numbers, and labels such as "Outcome:"
//! give the text after them a role. A block is one paragraph, list item, heading or
//! labelled line; its `context` says which label (its own, a label-only line above
//! it, or its section heading) applies to it.

use super::labels::{LabelKind, LabelTable};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    ListItem,
    Heading,
}

/// A label at the start of a block: `start..end` covers the label and its colon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub kind: LabelKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: BlockKind,
    /// Where the block's text starts, after any bullet, number or label.
    pub start: usize,
    /// End of the block's last line, before its line ending.
    pub end: usize,
    pub label: Option<Label>,
    /// The label that applies: the block's own, else a label-only line above it,
    /// else the heading of its section.
    pub context: Option<LabelKind>,
    /// Offsets inside the block where a line starts that must also start a new
    /// sentence (a line-per-sentence note without full stops).
    pub line_breaks: Vec<usize>,
}

/// Lines shorter than this that end without punctuation are taken as complete
/// (one item a line); longer ones as hard-wrapped prose.
const WRAPPED_LINE_CHARS: usize = 60;

struct Line {
    start: usize,
    /// End of the content, before `\r\n`, `\n` or a lone `\r` (old Mac exports, and
    /// a line ending LSP 3.17 allows).
    end: usize,
}

fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
    let mut pos = 0;
    let has_cr = text.contains('\r');
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let found = if has_cr { text[pos..].find(['\n', '\r']) } else { text[pos..].find('\n') };
        let (end, next) = match found {
            Some(i) if text[pos + i..].starts_with("\r\n") => (pos + i, pos + i + 2),
            Some(i) => (pos + i, pos + i + 1),
            None => (text.len(), text.len()),
        };
        pos = next;
        Some(Line { start, end })
    })
}

/// Length of a list marker (and the space after it) at the start of `s`, if any.
fn list_marker_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    let followed_by_space = |i: usize| s[i..].starts_with([' ', '\t']);
    if matches!(first, '-' | '*' | '+' | '•' | '◦' | '▪' | '‣' | '–' | '—') {
        let after = first.len_utf8();
        return followed_by_space(after).then_some(after + 1);
    }
    // "1." "12)" "a)" "(b)" "(ii)"
    let bytes = s.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=3).contains(&digits) && matches!(bytes.get(digits), Some(b'.' | b')')) && followed_by_space(digits + 1) {
        return Some(digits + 2);
    }
    if bytes.len() >= 3 && bytes[0].is_ascii_lowercase() && bytes[1] == b')' && followed_by_space(2) {
        return Some(3);
    }
    if bytes.first() == Some(&b'(') {
        let inner = bytes[1..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if (1..=3).contains(&inner) && bytes.get(1 + inner) == Some(&b')') && followed_by_space(inner + 2) {
            return Some(inner + 3);
        }
    }
    None
}

fn strip_markup(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '*' || c == '_').trim()
}

/// A label at the start of `content`: its kind, the label's byte length (including
/// the colon and markup), and whether anything follows it on the line.
fn find_label(content: &str, labels: &LabelTable) -> Option<(LabelKind, usize)> {
    // "Outcome – walk-in shower", "Goal - ...": a label only if the words before
    // the dash are one, and before any full stop.
    let mut cut = content.len().min(80);
    while !content.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &content[..cut];
    for (i, c) in window.char_indices() {
        match c {
            ':' | '：' => {
                let candidate = strip_markup(&content[..i]);
                if candidate.is_empty() || !candidate.chars().next()?.is_alphabetic() {
                    return None;
                }
                let kind = labels.classify(candidate)?;
                let mut end = i + c.len_utf8();
                // "**Outcome:**" puts markup after the colon.
                end += content[end..].len() - content[end..].trim_start_matches(['*', '_']).len();
                return Some((kind, end));
            }
            '.' | '!' | '?' | '"' | '“' => break,
            _ => {}
        }
    }
    let before_stop = window.find(['.', '!', '?', ':']).map_or(window, |i| &window[..i]);
    for sep in [" - ", " – ", " — "] {
        if let Some(i) = before_stop.find(sep) {
            let kind = labels.classify_exact(strip_markup(&content[..i]))?;
            return Some((kind, i + sep.len()));
        }
    }
    None
}

/// Whether a line ends with one of `marks`, closing quotes, brackets and markup aside.
fn ends_with_mark(s: &str, marks: &[char]) -> bool {
    s.trim_end().trim_end_matches(['"', '”', '’', '\'', ')', ']', '*', '_']).ends_with(marks)
}

/// Whether a line closes a sentence or a clause (a colon or semicolon too).
fn ends_sentence(s: &str) -> bool {
    ends_with_mark(s, &['.', '!', '?', ':', ';'])
}

impl Block {
    /// Where the block's first statement ends: the end of its first line that closes a
    /// sentence (a hard-wrapped sentence runs on to the next line), else the block's
    /// end. A labelled field ("Outcome: I want to walk to the shop.") is that much of
    /// its block; a sentence on a later line ("Case closed.") goes on with the note.
    pub fn first_statement_end(&self, text: &str) -> usize {
        let mut at = self.start;
        for line in text[self.start..self.end].split_inclusive(['\n', '\r']) {
            let content = line.trim_end_matches(['\n', '\r']);
            if ends_with_mark(content, &['.', '!', '?']) {
                return at + content.len();
            }
            at += line.len();
        }
        self.end
    }
}

fn starts_capital_or_digit(s: &str) -> bool {
    s.trim_start().chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

pub fn parse_blocks(text: &str, labels: &LabelTable) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    // Is the last block still open to continuation lines?
    let mut open = false;
    let mut section: Option<LabelKind> = None;
    // A label on a line of its own, and whether a block has used it yet.
    let mut pending: Option<LabelKind> = None;
    let mut pending_used = false;
    let mut in_front_matter = false;
    let mut in_code_fence = false;
    // The previous line's text, for deciding whether a line break ends a sentence.
    let mut prev_line: &str = "";

    for (n, line) in lines(text).enumerate() {
        let raw = &text[line.start..line.end];
        let indent = raw.len() - raw.trim_start().len();
        let content_start = line.start + indent;
        let content = raw.trim();

        // Markdown front matter and fenced code are not prose.
        if n == 0 && content == "---" {
            in_front_matter = true;
            continue;
        }
        if in_front_matter {
            if content == "---" || content == "..." {
                in_front_matter = false;
            }
            continue;
        }
        if content.starts_with("```") || content.starts_with("~~~") {
            in_code_fence = !in_code_fence;
            open = false;
            continue;
        }
        if in_code_fence {
            continue;
        }

        if content.is_empty() {
            open = false;
            if pending_used {
                pending = None;
                pending_used = false;
            }
            continue;
        }

        // Headings: "# ..." to "###### ...".
        let hashes = content.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) && (content.len() == hashes || content.as_bytes()[hashes] == b' ') {
            let start = content_start + hashes + content[hashes..].len() - content[hashes..].trim_start().len();
            section = labels.classify(strip_markup(&text[start..line.end]));
            pending = None;
            open = false;
            if start < line.end {
                blocks.push(Block {
                    kind: BlockKind::Heading,
                    start,
                    end: line.end,
                    label: None,
                    context: section,
                    line_breaks: Vec::new(),
                });
            }
            continue;
        }

        let marker = list_marker_len(content);
        let after_marker = content_start + marker.unwrap_or(0);
        let rest = text[after_marker..line.end].trim_start();
        let rest_start = line.end - rest.len();
        let label = find_label(rest, labels);

        if let Some((kind, len)) = label {
            let body = text[rest_start + len..line.end].trim_start_matches(['*', '_']).trim();
            if body.is_empty() {
                // A label on its own line applies to what follows.
                pending = Some(kind);
                pending_used = false;
                open = false;
                continue;
            }
        } else if marker.is_none() && rest.len() <= 40 {
            if let Some(kind) = labels.classify_exact(strip_markup(rest)) {
                if strip_markup(rest).chars().next().is_some_and(char::is_uppercase) {
                    pending = Some(kind);
                    pending_used = false;
                    open = false;
                    continue;
                }
            }
        }

        let is_new_block = marker.is_some() || label.is_some() || !open;
        if is_new_block {
            if label.is_some() && marker.is_none() {
                // A labelled line ends any label-only line's reach.
                pending = None;
            }
            let (label, start) = match label {
                Some((kind, len)) => {
                    let body = &text[rest_start + len..line.end];
                    let body_start = rest_start + len + (body.len() - body.trim_start().len());
                    (Some(Label { kind, start: rest_start, end: rest_start + len }), body_start)
                }
                None => (None, rest_start),
            };
            let context = label.map(|l| l.kind).or(pending).or(section);
            if label.is_none() && pending.is_some() {
                pending_used = true;
            }
            blocks.push(Block {
                kind: if marker.is_some() { BlockKind::ListItem } else { BlockKind::Paragraph },
                start,
                end: line.end,
                label,
                context,
                line_breaks: Vec::new(),
            });
            open = true;
        } else if let Some(block) = blocks.last_mut() {
            // A continuation line. It starts a new sentence when the line before it
            // was short, had no closing punctuation, and this one starts a new thought.
            if prev_line.chars().count() < WRAPPED_LINE_CHARS && !ends_sentence(prev_line) && starts_capital_or_digit(content) {
                block.line_breaks.push(content_start);
            }
            block.end = line.end;
        }
        prev_line = content;
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> LabelTable {
        LabelTable::from_toml(include_str!("../rules/labels.toml")).unwrap()
    }

    fn describe(text: &str) -> Vec<(String, Option<LabelKind>)> {
        parse_blocks(text, &table()).iter().map(|b| (text[b.start..b.end].to_string(), b.context)).collect()
    }

    #[test]
    fn labelled_lines_lists_and_headings() {
        let text = "Date: 12/03/2025\r\nOutcome: walk-in shower fitted.\r\n\r\n## Personal outcomes\n- Referral to café\n- \"To see my sister\"\n\n## Visit\nVisited Mr Jones.\n";
        assert_eq!(
            describe(text),
            vec![
                ("12/03/2025".into(), Some(LabelKind::Other)),
                ("walk-in shower fitted.".into(), Some(LabelKind::Outcome)),
                ("Personal outcomes".into(), Some(LabelKind::Outcome)),
                ("Referral to café".into(), Some(LabelKind::Outcome)),
                ("\"To see my sister\"".into(), Some(LabelKind::Outcome)),
                ("Visit".into(), None),
                ("Visited Mr Jones.".into(), None),
            ]
        );
    }

    #[test]
    fn label_on_its_own_line_applies_to_the_list_below() {
        let text = "**Canlyniadau:**\n\n1. Atgyfeiriad i'r clinig\n2) Cawod newydd\n\nMae hi'n hapus.";
        let d = describe(text);
        assert_eq!(d[0], ("Atgyfeiriad i'r clinig".into(), Some(LabelKind::Outcome)));
        assert_eq!(d[1], ("Cawod newydd".into(), Some(LabelKind::Outcome)));
        assert_eq!(d[2], ("Mae hi'n hapus.".into(), None));
    }

    #[test]
    fn times_and_reported_speech_are_not_labels() {
        let d = describe("10:30 visited.\nShe said: I am fine.");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].1, None);
    }

    #[test]
    fn short_lines_without_full_stops_break_sentences_but_wrapped_prose_does_not() {
        let blocks = parse_blocks("Visited at home\nShe was upset\n", &table());
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].line_breaks, vec![16]);
        let wrapped = "I visited Mrs Jones at her home this morning with her daughter and the\nOT from the hospital team.";
        assert!(parse_blocks(wrapped, &table())[0].line_breaks.is_empty());
    }

    #[test]
    fn front_matter_and_code_are_skipped() {
        let d = describe("---\ntitle: x\n---\nText here.\n```\ncode MDT\n```\n");
        assert_eq!(d, vec![("Text here.".into(), None)]);
    }
}
