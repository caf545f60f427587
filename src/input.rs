//! Reading notes, rule files and configurations from disk: never modified, never
//! trusted to be UTF-8, never trusted to be a regular file or of a sane size.
//!
//! Exports from case management systems arrive as UTF-8, UTF-16 (with a byte order
//! mark) or Windows-1252. Binary files are reported, not analysed. A named pipe, a
//! device or a socket is refused without being read (opening a pipe would wait for a
//! writer for ever; `/dev/zero` would be read until memory ran out), and every read
//! stops at a size limit. Errors name the problem but never quote the file.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest note checked by default (`--max-file-size`, `[files] max_size_mb`).
pub const DEFAULT_MAX_NOTE_BYTES: u64 = 20 * MB;
/// The largest rule file or `cofnod.toml` read.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * MB;
pub const MB: u64 = 1_000_000;

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
    /// A named pipe, device, socket or folder where a file was expected.
    #[error("{0}, not a regular file; not read")]
    Special(&'static str),
    #[error("larger than {} MB; not read (the limit can be raised with --max-file-size)", .0 / MB)]
    TooLarge(u64),
    #[error("a link to a file outside the folder being checked; not followed")]
    LinkOutside,
    #[error("a system file (under /proc, /sys or /dev); not read")]
    SystemFile,
    #[error("not UTF-8 text")]
    NotUtf8,
    /// A file in a format cofnod reads (a Word document) that cannot be read as one.
    #[error("{0}")]
    Format(String),
}

/// Bytes that only binary files contain within their first few kilobytes.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
}

/// As `decode`, taking the bytes: UTF-8 text (the usual case) becomes the note's text
/// without a copy, which matters for a note of many megabytes.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, InputError> {
    if encoding_rs::Encoding::for_bom(&bytes).is_some() || looks_binary(&bytes) {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => finish(text, "UTF-8"),
        Err(e) => decode(e.as_bytes()),
    }
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

/// What a folder walk found.
#[derive(Debug)]
pub enum Found {
    /// A note to check.
    Note(PathBuf),
    /// A note (by its name) that cannot be checked, or a folder that cannot be read.
    Problem(PathBuf, String),
}

/// The notes under `dir`, sorted, skipping hidden folders and files (`.git`,
/// `.cofnod`), and how many other files were passed over. Folders that cannot be
/// read are reported, not skipped in silence. A link is followed only to a file
/// inside `dir`: a link planted in a shared folder must not make cofnod read, and
/// print lines of, a file elsewhere.
pub fn notes_under(dir: &Path) -> (Vec<Found>, usize) {
    files_under(dir, is_note)
}

/// Is this a file `cofnod check` reads: a note, a Word document or an export
/// (CSV, TSV, XLSX, ODS, JSON, JSON Lines)?
pub fn is_checkable(path: &Path) -> bool {
    is_note(path) || crate::export::is_docx(path) || crate::export::Kind::of(path).is_some()
}

/// As [`notes_under`], for the files `accept` takes.
pub fn files_under(dir: &Path, accept: fn(&Path) -> bool) -> (Vec<Found>, usize) {
    let walker = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|e| {
        e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
    });
    let root = std::fs::canonicalize(dir).ok();
    let (mut found, mut others) = (Vec::new(), 0);
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let why = e.io_error().map_or_else(|| "a loop of links".to_string(), |io| io.kind().to_string());
                found.push(Found::Problem(path, format!("could not read the folder: {why}")));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if !accept(entry.path()) {
            others += 1;
            continue;
        }
        if entry.path_is_symlink() && entry.depth() > 0 {
            let inside = match (&root, std::fs::canonicalize(entry.path())) {
                (Some(root), Ok(target)) => target.starts_with(root),
                // A broken link: reading it reports that.
                (_, Err(_)) => true,
                (None, Ok(_)) => false,
            };
            if !inside {
                found.push(Found::Problem(entry.into_path(), InputError::LinkOutside.to_string()));
                continue;
            }
        }
        found.push(Found::Note(entry.into_path()));
    }
    (found, others)
}

/// What kind of thing a non-regular file is, for messages.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Reads up to `limit` bytes of a regular file. The file is opened without waiting
/// (a named pipe with no writer would otherwise block the open for ever), its type is
/// checked on the open handle (so it cannot be swapped after a check by name), and
/// reading stops one byte past the limit.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(InputError::TooLarge(limit));
    }
    read_limited(file, limit, len)
}

/// Opens a regular file for reading, without waiting (see [`read_bytes`]), and
/// gives its size: an export is then read as a stream.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), InputError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    let meta = file.metadata().map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    if !meta.file_type().is_file() {
        return Err(InputError::Special(kind_of(meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// Reads standard input, up to `limit` bytes.
pub fn read_stdin_bytes(limit: u64) -> Result<Vec<u8>, InputError> {
    read_limited(std::io::stdin().lock(), limit, 0)
}

fn read_limited(source: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::with_capacity(expected.min(limit) as usize);
    source
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads and decodes a note of at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> Result<Decoded, InputError> {
    decode_owned(read_bytes(path, limit)?)
}

/// Reads and decodes standard input, at most `limit` bytes.
pub fn read_stdin(limit: u64) -> Result<Decoded, InputError> {
    decode_owned(read_stdin_bytes(limit)?)
}

/// A regular UTF-8 file of at most `limit` bytes.
fn read_utf8(path: &Path, limit: u64) -> Result<String, InputError> {
    String::from_utf8(read_bytes(path, limit)?).map_err(|_| InputError::NotUtf8)
}

/// Reads a UTF-8 text file of at most `limit` bytes (corpus files, evaluation sets):
/// regular files only, errors naming the file.
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    read_utf8(path, limit).map_err(|e| format!("{}: {e}", crate::safe_text::path(path)))
}

/// Is `path` (after following links) under `/proc`, `/sys` or `/dev`?
pub fn is_system_path(path: &Path) -> bool {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    ["/proc", "/sys", "/dev"].iter().any(|p| real.starts_with(p))
}

/// Reads a rule file or configuration: a regular UTF-8 file of at most 4 MB, not a
/// system file (a planted `cofnod.toml` naming `/proc/self/environ` gets an error
/// naming the path, and nothing of what is in it).
pub fn read_settings_file(path: &Path) -> Result<String, InputError> {
    if is_system_path(path) {
        return Err(InputError::SystemFile);
    }
    read_utf8(path, MAX_RULE_FILE_BYTES)
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
    fn decoding_owned_bytes_gives_the_same_as_decoding_a_slice() {
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Mrs Ŵ".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        for bytes in [&b"Dw\xc5\xb5r"[..], b"\xEF\xBB\xBFhello", &utf16, b"caf\xE9 \x96 \x93ok\x94", b"PK\x03\x04\x00", b"  \n", b"a\x00b"] {
            assert_eq!(decode_owned(bytes.to_vec()), decode(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn binary_and_empty_files_are_reported() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00binary"), Err(InputError::Binary));
        assert_eq!(decode(b""), Err(InputError::Empty));
        assert_eq!(decode(b"  \r\n\t"), Err(InputError::Empty));
    }

    #[test]
    fn reads_stop_at_the_limit() {
        let dir = std::env::temp_dir().join(format!("cofnod-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("note.txt");
        std::fs::write(&path, "x".repeat(100)).unwrap();
        assert_eq!(read_bytes(&path, 100).unwrap().len(), 100);
        assert_eq!(read_bytes(&path, 99), Err(InputError::TooLarge(99)));
        assert_eq!(read_bytes(&dir, 100), Err(InputError::Special("a folder")));
        assert_eq!(read_limited(&b"abcdef"[..], 5, 0), Err(InputError::TooLarge(5)));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_that_cannot_be_read_is_reported() {
        let missing = std::env::temp_dir().join(format!("cofnod-no-such-folder-{}", std::process::id()));
        let (found, others) = notes_under(&missing);
        assert_eq!(others, 0);
        match &found[..] {
            [Found::Problem(path, why)] => {
                assert_eq!(path, &missing);
                assert!(why.starts_with("could not read the folder: "), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_and_system_files_are_refused_unread() {
        assert_eq!(read_bytes(Path::new("/dev/zero"), MB), Err(InputError::Special("a device")));
        assert_eq!(read_settings_file(Path::new("/proc/self/environ")), Err(InputError::SystemFile));
        assert_eq!(read_settings_file(Path::new("/dev/null")), Err(InputError::SystemFile));
    }
}
