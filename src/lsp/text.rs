//! An open document's text, kept in a rope so that each keystroke's incremental edit
//! costs O(log n) rather than a copy of the whole note.
//!
//! Positions arrive as LSP line/character pairs in UTF-16 code units (or UTF-8 bytes
//! if the client chose that). Lines end at `\n`, `\r\n` or a lone `\r` (LSP 3.17),
//! here (ropey's `cr_lines`) as in `LineIndex`, so the two always agree on what line
//! N is.

use ropey::Rope;

use crate::position::PositionEncoding;

/// Why an edit was refused (the document is left as it was).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("line {line} is past the end of the document ({lines} lines)")]
    PastEnd { line: u32, lines: usize },
    #[error("the edit's range ends before it starts")]
    Reversed,
}

/// A 0-based line and character, in the client's encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextPosition {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Debug)]
pub struct DocumentText {
    rope: Rope,
}

impl DocumentText {
    pub fn new(text: &str) -> DocumentText {
        DocumentText { rope: Rope::from_str(text) }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Replaces the whole text (a change event without a range).
    pub fn replace_all(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
    }

    /// Replaces `start..end` with `new_text`. A character past the end of its line
    /// means the end of that line (as the protocol says); a line past the last is
    /// an error and changes nothing.
    pub fn edit(&mut self, start: TextPosition, end: TextPosition, new_text: &str, enc: PositionEncoding) -> Result<(), EditError> {
        let from = self.char_index(start, enc)?;
        let to = self.char_index(end, enc)?;
        if to < from {
            return Err(EditError::Reversed);
        }
        self.rope.remove(from..to);
        self.rope.insert(from, new_text);
        Ok(())
    }

    /// The rope's char index for an LSP position.
    fn char_index(&self, pos: TextPosition, enc: PositionEncoding) -> Result<usize, EditError> {
        let lines = self.rope.len_lines();
        let line = pos.line as usize;
        if line >= lines {
            return Err(EditError::PastEnd { line: pos.line, lines });
        }
        let line_start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        // The line's characters, without its ending (`\n`, `\r\n` or `\r`).
        let mut len_chars = slice.len_chars();
        if len_chars > 0 && slice.char(len_chars - 1) == '\n' {
            len_chars -= 1;
        }
        if len_chars > 0 && slice.char(len_chars - 1) == '\r' {
            len_chars -= 1;
        }
        let content = slice.slice(..len_chars);
        let within = match enc {
            PositionEncoding::Utf16 => {
                let units = (pos.character as usize).min(content.len_utf16_cu());
                content.utf16_cu_to_char(units)
            }
            PositionEncoding::Utf8 => {
                let bytes = (pos.character as usize).min(content.len_bytes());
                content.byte_to_char(bytes)
            }
        };
        Ok(line_start + within)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> TextPosition {
        TextPosition { line, character }
    }

    #[test]
    fn utf16_edits_after_emoji_and_welsh_letters() {
        // "😀" is two UTF-16 units and four bytes; "ŵ" one unit and two bytes.
        let mut d = DocumentText::new("😀 Dŵr oer\nail linell\n");
        d.edit(p(0, 3), p(0, 4), "d", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "😀 dŵr oer\nail linell\n");
        d.edit(p(0, 4), p(0, 5), "w", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "😀 dwr oer\nail linell\n");
        d.edit(p(1, 0), p(2, 0), "", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "😀 dwr oer\n");
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let mut d = DocumentText::new("one\rtwo\rthree");
        d.edit(p(1, 0), p(1, 3), "2", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "one\r2\rthree");
        d.edit(p(2, 99), p(2, 99), "!", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "one\r2\rthree!");
        d.edit(p(0, 99), p(0, 99), "?", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "one?\r2\rthree!");
    }

    #[test]
    fn utf8_edits_count_bytes() {
        let mut d = DocumentText::new("😀 Dŵr");
        d.edit(p(0, 5), p(0, 6), "d", PositionEncoding::Utf8).unwrap();
        assert_eq!(d.text(), "😀 dŵr");
    }

    #[test]
    fn characters_past_the_line_end_clamp_but_lines_past_the_end_fail() {
        let mut d = DocumentText::new("ab\r\ncd");
        d.edit(p(0, 99), p(0, 99), "!", PositionEncoding::Utf16).unwrap();
        assert_eq!(d.text(), "ab!\r\ncd");
        assert_eq!(d.edit(p(5, 0), p(5, 0), "x", PositionEncoding::Utf16), Err(EditError::PastEnd { line: 5, lines: 2 }));
        assert_eq!(d.edit(p(1, 1), p(1, 0), "x", PositionEncoding::Utf16), Err(EditError::Reversed));
        assert_eq!(d.text(), "ab!\r\ncd");
    }
}
