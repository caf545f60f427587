//! Byte offsets to human and editor positions.
//!
//! Findings carry byte ranges into the text. People want 1-based lines and columns
//! counted in characters; LSP clients want 0-based lines and UTF-16 code units (or
//! UTF-8 bytes where they offer it). One index answers all three.

use serde::Serialize;

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// A 0-based line and character offset as the Language Server Protocol counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LspPosition {
    pub line: u32,
    pub character: u32,
}

/// How an LSP client counts characters within a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset where each line starts. A line ends after `\n`, `\r\n` or a lone
    /// `\r` (the three line endings of LSP 3.17); the ending belongs to the line
    /// ending, not to the line's characters.
    line_starts: Vec<usize>,
    /// In lines longer than `CHECKPOINT_BYTES`, a mark every `CHECKPOINT_BYTES` or so:
    /// its offset and the characters and UTF-16 units from its line's start. A
    /// position is counted from the nearest mark before it, so a finding on a long
    /// line costs the same as on a short one.
    checkpoints: Vec<Checkpoint>,
}

#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    offset: usize,
    chars: usize,
    utf16: usize,
}

const CHECKPOINT_BYTES: usize = 1024;

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        if text.contains('\r') {
            let bytes = text.as_bytes();
            for (i, &b) in bytes.iter().enumerate() {
                let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                if ends {
                    line_starts.push(i + 1);
                }
            }
        } else {
            line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        }
        let mut checkpoints = Vec::new();
        for (line, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(line + 1).copied().unwrap_or(text.len());
            if end - start > CHECKPOINT_BYTES {
                checkpoints_of(text, start, end, &mut checkpoints);
            }
        }
        LineIndex { text, line_starts, checkpoints }
    }

    /// Clamps `offset` to the text and to a character boundary (never panics).
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The nearest mark at or before `offset` on the line starting at `line_start`,
    /// or the line's start.
    fn mark_before(&self, line_start: usize, offset: usize) -> Checkpoint {
        let i = self.checkpoints.partition_point(|c| c.offset <= offset);
        match i.checked_sub(1).map(|i| self.checkpoints[i]) {
            Some(mark) if mark.offset >= line_start => mark,
            _ => Checkpoint { offset: line_start, chars: 0, utf16: 0 },
        }
    }

    /// The byte range of the 1-based line `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts[i];
        let end = self.line_starts.get(i + 1).copied().unwrap_or(self.text.len());
        start..start + self.text[start..end].trim_end_matches(['\n', '\r']).len()
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let mark = self.mark_before(self.line_starts[line], offset);
        let column = mark.chars + self.text[mark.offset..offset].chars().count() + 1;
        Position { offset, line: line + 1, column }
    }

    pub fn lsp_position(&self, offset: usize, encoding: PositionEncoding) -> LspPosition {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let line_start = self.line_starts[line];
        let character = match encoding {
            PositionEncoding::Utf8 => offset - line_start,
            PositionEncoding::Utf16 => {
                let mark = self.mark_before(line_start, offset);
                mark.utf16 + self.text[mark.offset..offset].chars().map(char::len_utf16).sum::<usize>()
            }
        };
        LspPosition { line: line as u32, character: character as u32 }
    }

    /// The byte offset of an LSP position, or `None` if the line does not exist.
    /// A character past the end of its line is clamped to the line's end, as the
    /// protocol asks.
    pub fn offset_of(&self, pos: LspPosition, encoding: PositionEncoding) -> Option<usize> {
        let line = pos.line as usize;
        let start = *self.line_starts.get(line)?;
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        let line_text = self.text[start..end].trim_end_matches(['\n', '\r']);
        let line_end = start + line_text.len();
        let target = pos.character as usize;
        // Start from the last mark of the line at or before the wanted unit.
        let (from, mut units) = match encoding {
            PositionEncoding::Utf8 => (start, 0),
            PositionEncoding::Utf16 => {
                let first = self.checkpoints.partition_point(|c| c.offset < start);
                let last = self.checkpoints.partition_point(|c| c.offset < line_end);
                let line_marks = &self.checkpoints[first..last];
                let k = line_marks.partition_point(|c| c.utf16 <= target);
                k.checked_sub(1).map_or((start, 0), |k| (line_marks[k].offset, line_marks[k].utf16))
            }
        };
        for (i, ch) in self.text[from..line_end].char_indices() {
            if units >= target {
                return Some(from + i);
            }
            units += match encoding {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
            };
        }
        Some(line_end)
    }
}

/// Marks about every `CHECKPOINT_BYTES` of the line `start..end`.
fn checkpoints_of(text: &str, start: usize, end: usize, out: &mut Vec<Checkpoint>) {
    let (mut chars, mut utf16) = (0, 0);
    let mut next = start + CHECKPOINT_BYTES;
    for (i, ch) in text[start..end].char_indices() {
        let at = start + i;
        if at >= next {
            out.push(Checkpoint { offset: at, chars, utf16 });
            next = at + CHECKPOINT_BYTES;
        }
        chars += 1;
        utf16 += ch.len_utf16();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welsh_letters_and_emoji_count_as_one_column_but_utf16_differs() {
        // "ŵ" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 UTF-16 units.
        let text = "Dŵr 😀 iâ\r\nŷd here";
        let idx = LineIndex::new(text);
        let here = text.find("here").unwrap();
        assert_eq!(idx.position(here), Position { offset: here, line: 2, column: 4 });
        let ia = text.find("iâ").unwrap();
        assert_eq!(idx.position(ia).column, 7);
        assert_eq!(idx.lsp_position(ia, PositionEncoding::Utf16), LspPosition { line: 0, character: 7 });
        assert_eq!(idx.lsp_position(ia, PositionEncoding::Utf8), LspPosition { line: 0, character: 10 });
        assert_eq!(idx.lsp_position(here, PositionEncoding::Utf16), LspPosition { line: 1, character: 3 });
    }

    #[test]
    fn lone_carriage_returns_end_lines_as_in_lsp() {
        let text = "one\rtwo\r\nthree\nfour";
        let idx = LineIndex::new(text);
        for (word, line) in [("one", 1), ("two", 2), ("three", 3), ("four", 4)] {
            assert_eq!(idx.position(text.find(word).unwrap()), Position { offset: text.find(word).unwrap(), line, column: 1 });
        }
        assert_eq!(idx.offset_of(LspPosition { line: 1, character: 99 }, PositionEncoding::Utf16), Some(text.find("\r\n").unwrap()));
    }

    #[test]
    fn long_lines_give_the_same_positions_as_counting_from_the_line_start() {
        let line: String = (0..3000).map(|i| ["ŵ", "a", "😀", " ", "bc"][i % 5]).collect();
        let text = format!("short\n{line}\r{line}\n");
        let idx = LineIndex::new(&text);
        assert!(!idx.checkpoints.is_empty());
        for (offset, _) in text.char_indices().step_by(7) {
            let line = idx.line_of(offset);
            let before = &text[idx.line_starts[line]..offset];
            assert_eq!(idx.position(offset).column, before.chars().count() + 1);
            let utf16 = idx.lsp_position(offset, PositionEncoding::Utf16);
            assert_eq!(utf16.character as usize, before.encode_utf16().count());
            assert_eq!(idx.offset_of(utf16, PositionEncoding::Utf16), Some(offset));
            let utf8 = idx.lsp_position(offset, PositionEncoding::Utf8);
            assert_eq!(idx.offset_of(utf8, PositionEncoding::Utf8), Some(offset));
        }
    }

    #[test]
    fn lsp_offsets_round_trip_and_clamp() {
        let text = "a😀b\nŵ\n";
        let idx = LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            let p = idx.lsp_position(offset, PositionEncoding::Utf16);
            assert_eq!(idx.offset_of(p, PositionEncoding::Utf16), Some(offset));
        }
        // Past the end of line 0 clamps to its end (before the newline).
        assert_eq!(idx.offset_of(LspPosition { line: 0, character: 99 }, PositionEncoding::Utf16), Some(6));
        assert_eq!(idx.offset_of(LspPosition { line: 9, character: 0 }, PositionEncoding::Utf16), None);
        // An offset inside a character is clamped back to its start.
        assert_eq!(idx.position(2).column, 2);
    }
}
