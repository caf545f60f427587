//! Reading a note from disk: never modified, never trusted to be UTF-8.
//!
//! Exports from case management systems arrive as UTF-8, UTF-16 (with a byte
//! order mark) or Windows-1252. Binary files and empty files are reported, not
//! analysed. Errors name the problem but never quote the file's contents.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were read as.
    pub encoding: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("could not read the file: {0}")]
    Unreadable(String),
    #[error("binary file (not text); not checked")]
    Binary,
    #[error("empty file; nothing to check")]
    Empty,
}

/// Bytes that only binary files contain within their first few kilobytes.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, InputError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), encoding.name());
    }
    if looks_binary(bytes) {
        return Err(InputError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => finish(text.to_string(), "UTF-8"),
        Err(_) => {
            // Windows-1252 maps every byte, so this is a clean decode of an older export.
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            finish(text.into_owned(), "windows-1252")
        }
    }
}

fn finish(text: String, encoding: &'static str) -> Result<Decoded, InputError> {
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    if text.contains('\0') {
        return Err(InputError::Binary);
    }
    Ok(Decoded { text, encoding })
}

/// Is this a note cofnod checks (`.txt` or `.md`, any case)?
pub fn is_note(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// The files under `dir`, sorted, skipping hidden folders and files (`.git`,
/// `.cofnod`): notes first in the pair, and how many other files were passed over.
pub fn notes_under(dir: &Path) -> (Vec<std::path::PathBuf>, usize) {
    let walker = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|e| {
        e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
    });
    let (mut notes, mut others) = (Vec::new(), 0);
    for entry in walker.filter_map(Result::ok) {
        if entry.file_type().is_dir() {
            continue;
        }
        if is_note(entry.path()) {
            notes.push(entry.into_path());
        } else {
            others += 1;
        }
    }
    (notes, others)
}

pub fn read(path: &Path) -> Result<Decoded, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    decode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_utf16_and_windows_1252() {
        assert_eq!(decode("Dŵr".as_bytes()).unwrap().text, "Dŵr");
        assert_eq!(decode(b"\xEF\xBB\xBFhello").unwrap(), Decoded { text: "hello".into(), encoding: "UTF-8" });
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Mrs Ŵ".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16).unwrap().text, "Mrs Ŵ");
        // "café – “ok”" in Windows-1252.
        let cp1252 = b"caf\xE9 \x96 \x93ok\x94";
        assert_eq!(decode(cp1252).unwrap(), Decoded { text: "café – “ok”".into(), encoding: "windows-1252" });
    }

    #[test]
    fn binary_and_empty_files_are_reported() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00binary"), Err(InputError::Binary));
        assert_eq!(decode(b""), Err(InputError::Empty));
        assert_eq!(decode(b"  \r\n\t"), Err(InputError::Empty));
    }
}
