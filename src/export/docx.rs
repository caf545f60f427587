//! Word documents (`.docx`), each one note: the text of `word/document.xml`, read
//! with `zip` and `quick-xml` (the crates calamine is built on; a whole DOCX crate
//! would bring writing and styling that a reader of text does not need).
//!
//! Paragraphs and headings become paragraphs of the note (a blank line between), a
//! table's rows become lines with their cells separated by tabs, tabs and line
//! breaks inside a paragraph are kept, and paragraphs in text boxes come after the
//! paragraph holding them. Deleted text of tracked changes, field codes, headers,
//! footers, footnotes and comments are left out.

use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;

use crate::input::{Decoded, InputError};

/// How much larger than the note limit the XML of its text may be (markup and
/// formatting); a bigger document part is refused before it is inflated.
const XML_PER_TEXT: u64 = 40;

fn unreadable() -> String {
    "not a readable Word document (.docx)".to_string()
}

/// Reads a Word document's text, at most `limit` bytes of it.
pub fn read(path: &Path, limit: u64) -> Result<Decoded, InputError> {
    let bad = |_| InputError::Format(unreadable());
    let (file, _) = crate::input::open_regular(path)?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(bad)?;
    let part = archive.by_name("word/document.xml").map_err(bad)?;
    let max_xml = limit.saturating_mul(XML_PER_TEXT);
    if part.size() > max_xml {
        return Err(InputError::TooLarge(limit));
    }
    // The stated size can lie: read no more than the limit allows.
    let mut xml = Vec::with_capacity(part.size().min(max_xml) as usize);
    part.take(max_xml + 1).read_to_end(&mut xml).map_err(|_| InputError::Format(unreadable()))?;
    if xml.len() as u64 > max_xml {
        return Err(InputError::TooLarge(limit));
    }
    let text = text_of(&xml).map_err(InputError::Format)?;
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    if text.len() as u64 > limit {
        return Err(InputError::TooLarge(limit));
    }
    Ok(Decoded { text, encoding: "UTF-8" })
}

/// The text of a document part's XML, as described above.
pub fn text_of(xml: &[u8]) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut blocks: Vec<String> = Vec::new();
    // Paragraphs being read (a text box's paragraphs sit inside another's run).
    let mut paragraphs: Vec<String> = Vec::new();
    // The outermost table being read: its rows, the current row's cells, the cell's text.
    let mut table_depth = 0usize;
    let (mut rows, mut cells, mut cell) = (Vec::<String>::new(), Vec::<String>::new(), String::new());
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| unreadable())?;
        match event {
            Event::Eof => break,
            Event::Start(e) => match e.name().as_ref() {
                "w:p" => paragraphs.push(String::new()),
                "w:t" => in_text = true,
                "w:tbl" => table_depth += 1,
                _ => {}
            },
            Event::Empty(e) => {
                if let Some(p) = paragraphs.last_mut() {
                    match e.name().as_ref() {
                        "w:tab" => p.push('\t'),
                        "w:br" | "w:cr" => p.push('\n'),
                        _ => {}
                    }
                }
            }
            Event::Text(t) if in_text => {
                if let Some(p) = paragraphs.last_mut() {
                    p.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(p) = paragraphs.last_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match &*r.into_inner() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    p.extend(c);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let p = paragraphs.pop().unwrap_or_default();
                    let p = p.trim_end();
                    if p.trim().is_empty() {
                        continue;
                    }
                    if table_depth > 0 {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(p.trim());
                    } else {
                        blocks.push(p.to_string());
                    }
                }
                "w:tc" if table_depth == 1 => cells.push(std::mem::take(&mut cell)),
                "w:tr" if table_depth == 1 => {
                    let row = std::mem::take(&mut cells);
                    if row.iter().any(|c| !c.is_empty()) {
                        rows.push(row.join("\t").trim_end().to_string());
                    }
                }
                "w:tbl" => {
                    table_depth = table_depth.saturating_sub(1);
                    if table_depth == 0 && !rows.is_empty() {
                        blocks.push(std::mem::take(&mut rows).join("\n"));
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(blocks.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_breaks_and_entities_become_text() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Home visit</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Mrs Jones &amp; her son </w:t></w:r><w:r><w:t>were home.</w:t><w:br/><w:t>Next line&#8212;here.</w:t></w:r></w:p>
<w:p><w:r><w:delText>deleted words</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Date</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3 March 2026</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Outcome</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>To walk</w:t></w:r></w:p><w:p><w:r><w:t>again.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>After</w:t><w:tab/><w:t>the table.</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            text_of(xml).unwrap(),
            "Home visit\n\nMrs Jones & her son were home.\nNext line—here.\n\nDate\t3 March 2026\nOutcome\tTo walk again.\n\nAfter\tthe table."
        );
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert_eq!(text_of(b"<w:p><w:t>a</w:p></w:t>").unwrap_err(), unreadable());
    }
}
