//! Showing what came from users' files and folders without letting it do harm.
//!
//! - Control characters in a note or a file name are escaped before they reach a
//!   terminal: an escape sequence could retitle the window, clear the screen or
//!   write the clipboard (OSC 52), and a newline in a file name could forge a
//!   `path:line:col` line. Bidirectional controls are escaped too, since they can
//!   make a line read differently from what it holds.
//! - Errors about a rule file or a configuration name the file, the line and column
//!   and the problem, never the file's text: a note given as a rule file by mistake,
//!   or a system file named by a planted `cofnod.toml`, must not end up in a log.

use std::borrow::Cow;

/// Does `c` need escaping before it is shown in a terminal?
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How an unsafe character is shown: an escape such as `\u{1b}` (`\t` becomes a
/// space, keeping columns).
fn escaped(c: char) -> Cow<'static, str> {
    match c {
        '\t' => Cow::Borrowed(" "),
        '\n' => Cow::Borrowed("\\n"),
        '\r' => Cow::Borrowed("\\r"),
        c => Cow::Owned(format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `s` with control and bidirectional characters escaped (`\n`, `\u{1b}`), for a
/// terminal. Text with none is returned as it is.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    // Most text is printable ASCII: one pass over the bytes settles it.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A report of several lines for a terminal: as `for_terminal`, but its line breaks
/// are kept (a lone `\r` is escaped: it would overwrite the line).
pub fn lines_for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && unsafe_char(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(|line| for_terminal(line).into_owned()).collect::<Vec<_>>().join("\n"))
}

/// A path for a terminal or a message: as `display()` shows it, escaped.
pub fn path(p: &std::path::Path) -> String {
    for_terminal(&p.display().to_string()).into_owned()
}

/// The character boundary of `s` at or before byte `at` (clamped to its length).
pub fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..floor_boundary(source, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Words a TOML error may quote: the names of cofnod's own fields and values. Anything
/// else in quotes came from the file, and is left out.
const SCHEMA_WORDS: &[&str] = &[
    "language", "category", "severity", "terms", "signals", "id", "match", "suggest", "hint", "message", "unless",
    "explained_by", "anywhere", "rules", "files", "disable", "messages", "ignore", "models", "use", "dir", "max_size_mb",
    "auto", "off", "en", "cy", "hint", "info", "warning", "error",
];

/// A TOML error's message without anything quoted from the file: a fragment in
/// backticks that is not one of cofnod's field names (or a bit of TOML punctuation),
/// and any fragment in double quotes, becomes `…`. The message's own words stay.
pub fn toml_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message.trim();
    loop {
        let Some(open) = rest.find(['`', '"']) else {
            out.push_str(rest);
            break;
        };
        let quote = rest[open..].chars().next().unwrap_or('`');
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            // An unpaired quote: drop what follows it, it may be the file's.
            out.push(quote);
            out.push('…');
            break;
        };
        let inner = &after[..close];
        let keep = quote == '`'
            && (SCHEMA_WORDS.contains(&inner) || (inner.chars().count() <= 3 && !inner.chars().any(char::is_alphanumeric)));
        out.push(quote);
        out.push_str(if keep { inner } else { "…" });
        out.push(quote);
        rest = &after[close + 1..];
    }
    // One line, whatever the parser wrote.
    out.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// A problem in one of the user's files (a rule file, a configuration, the ignore
/// list): the file's name, the line and column where known, and what is wrong.
/// Shown as `file:line:col: problem`; the problem never quotes the file.
#[derive(Debug)]
pub struct FileProblem {
    pub file: String,
    pub at: Option<(usize, usize)>,
    pub problem: String,
}

impl FileProblem {
    /// A TOML parser's error (toml or toml_edit: its span and message) in `source`,
    /// the text of `file`.
    pub fn toml(file: &str, source: &str, span: Option<std::ops::Range<usize>>, message: &str) -> FileProblem {
        FileProblem { file: file.to_string(), at: span.map(|s| line_col(source, s.start)), problem: toml_message(message) }
    }
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

impl std::error::Error for FileProblem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(for_terminal("Mrs Jones"), "Mrs Jones");
        assert_eq!(for_terminal("a\u{1b}]0;PWNED\u{7}b"), "a\\u{1b}]0;PWNED\\u{7}b");
        assert_eq!(for_terminal("a\nb.txt:1:1: x"), "a\\nb.txt:1:1: x");
        assert_eq!(for_terminal("x\u{9b}2J\u{202e}y"), "x\\u{9b}2J\\u{202e}y");
        assert_eq!(for_terminal("Dŵr 😀"), "Dŵr 😀");
    }

    #[test]
    fn toml_errors_lose_what_the_file_said() {
        let secret = "PIN4921";
        for source in [
            format!("{secret} told me"),
            format!("[rules]\n{secret} = 1\n"),
            format!("language = [\"{secret}\"]\n"),
            format!("language = \"en\"\ncategory = {secret}\n"),
            format!("x = \"{secret}"),
            format!("[{secret}]\n"),
            format!("a = 1\na = \"{secret}\"\n"),
        ] {
            #[derive(serde::Deserialize, Debug)]
            #[serde(deny_unknown_fields)]
            #[allow(dead_code)]
            struct Spec {
                language: String,
                category: Option<String>,
            }
            let e = toml::from_str::<Spec>(&source).unwrap_err();
            let FileProblem { at, problem: message, .. } = FileProblem::toml("f.toml", &source, e.span(), e.message());
            assert!(!message.contains(secret), "{source:?} → {message}");
            assert!(!message.is_empty() && !message.contains('\n'), "{message}");
            assert!(at.is_some() || message.contains("missing"), "{source:?} → {message}");
        }
        assert_eq!(toml_message("unknown field `sevrity`, expected one of `rules`, `severity`"), "unknown field `…`, expected one of `rules`, `severity`");
        assert_eq!(toml_message("invalid type: string \"Mrs Jones\", expected a sequence"), "invalid type: string \"…\", expected a sequence");
        assert_eq!(toml_message("expected `.`, `=`"), "expected `.`, `=`");
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("ab\nŵc", 5), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
