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
    /// Byte offset where each line starts. A line ends after `\n`; a `\r` before it
    /// belongs to the line ending, not to the line's characters.
    line_starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
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

    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        Position { offset, line: line + 1, column }
    }

    pub fn lsp_position(&self, offset: usize, encoding: PositionEncoding) -> LspPosition {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let before = &self.text[self.line_starts[line]..offset];
        let character = match encoding {
            PositionEncoding::Utf8 => before.len(),
            PositionEncoding::Utf16 => before.chars().map(char::len_utf16).sum(),
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
        let mut units = 0usize;
        for (i, ch) in line_text.char_indices() {
            if units >= pos.character as usize {
                return Some(start + i);
            }
            units += match encoding {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
            };
        }
        Some(start + line_text.len())
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
