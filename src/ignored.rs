//! Findings a writer chose to ignore, kept in the workspace in `.cofnod/ignored.toml`.
//!
//! An entry names the file (relative to the workspace) and the rule, and holds a
//! fingerprint: a hash of the rule, the flagged words and up to three words either
//! side. The fingerprint survives edits elsewhere in the file (nothing depends on
//! line numbers) and stores no note text, since the file may be shared or committed.
//!
//! ```toml
//! [[ignored]]
//! file = "visits/2026-03-01.md"
//! rule = "plain-language/commence"
//! fingerprint = "5f0c2d9a41b3e870"
//! ```

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::finding::Finding;

pub const DIR: &str = ".cofnod";
pub const FILE_NAME: &str = "ignored.toml";

/// Words either side of a finding that go into its fingerprint.
const CONTEXT_WORDS: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Path relative to the workspace, with `/` separators.
    pub file: String,
    pub rule: String,
    pub fingerprint: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(default)]
    ignored: Vec<Entry>,
}

/// The ignore list of one workspace.
#[derive(Debug, Default)]
pub struct IgnoreList {
    root: PathBuf,
    entries: Vec<Entry>,
}

impl IgnoreList {
    /// The store's path under a workspace root.
    pub fn path_in(root: &Path) -> PathBuf {
        root.join(DIR).join(FILE_NAME)
    }

    /// Loads `root/.cofnod/ignored.toml`; a missing file is an empty list. The file is
    /// read as a configuration is (a regular file of at most 4 MB), and a problem
    /// with it is named without quoting it.
    pub fn load(root: &Path) -> Result<IgnoreList, String> {
        let path = Self::path_in(root);
        let name = crate::safe_text::path(&path);
        if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            return Ok(IgnoreList { root: root.to_path_buf(), entries: Vec::new() });
        }
        let text = crate::input::read_settings_file(&path).map_err(|e| format!("{name}: {e}"))?;
        let entries = toml::from_str::<FileSpec>(&text)
            .map_err(|e| crate::safe_text::FileProblem::toml(&name, &text, e.span(), e.message()).to_string())?
            .ignored;
        Ok(IgnoreList { root: root.to_path_buf(), entries })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The workspace-relative name of `file`, as stored.
    pub fn relative_name(&self, file: &Path) -> String {
        let rel = file.strip_prefix(&self.root).unwrap_or(file);
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }

    /// Adds an entry (once) and writes the file, creating `.cofnod/` if needed.
    pub fn add(&mut self, file: &Path, rule: &str, fingerprint: &str) -> Result<(), String> {
        let entry = Entry { file: self.relative_name(file), rule: rule.to_string(), fingerprint: fingerprint.to_string() };
        if self.entries.contains(&entry) {
            return Ok(());
        }
        self.entries.push(entry);
        self.save()
    }

    fn save(&self) -> Result<(), String> {
        let path = Self::path_in(&self.root);
        let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        std::fs::create_dir_all(path.parent().expect("the store is inside .cofnod/")).map_err(|e| fail(&e))?;
        let body = toml::to_string(&FileSpec { ignored: self.entries.clone() }).map_err(|e| fail(&e))?;
        let text = format!(
            "# Findings ignored in the editor (cofnod's \"Ignore this finding\").\n\
             # Each fingerprint is a hash of the rule and the nearby words; no note text is kept.\n\n{body}"
        );
        // Write a sibling, then rename: a crash never leaves half a file.
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| fail(&e))?;
        std::fs::rename(&tmp, &path).map_err(|e| fail(&e))
    }

    /// Drops the findings of `file` (its text is `text`) that are on the list.
    pub fn filter(&self, file: &Path, text: &str, findings: &mut Vec<Finding>) {
        if self.entries.is_empty() {
            return;
        }
        let name = self.relative_name(file);
        let mine: Vec<&Entry> = self.entries.iter().filter(|e| e.file == name).collect();
        if mine.is_empty() {
            return;
        }
        findings.retain(|f| {
            let fp = fingerprint(text, f);
            !mine.iter().any(|e| e.rule == f.rule && e.fingerprint == fp)
        });
    }
}

/// A stable hash of a finding's rule, its words and up to three words either side
/// on the same line (so that edits on other lines never change it).
pub fn fingerprint(text: &str, finding: &Finding) -> String {
    let normal = |s: &str| -> String {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let before = words_before(text, finding.start, CONTEXT_WORDS);
    let after = words_after(text, finding.end, CONTEXT_WORDS);
    let parts = [finding.rule.as_str(), &normal(&before.join(" ")), &normal(&text[finding.start..finding.end]), &normal(&after.join(" "))];
    // FNV-1a, 64 bits: stable across versions and platforms (std's hasher is not).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0x1f]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Up to `n` whitespace-separated words of `text` ending at `at`, on its line (a line
/// ends at `\n`), in text order. Walks back only as far as those words: a finding
/// on a long line must not cost the length of the line.
fn words_before(text: &str, at: usize, n: usize) -> Vec<&str> {
    let mut words = Vec::new();
    let mut end = None;
    for (i, c) in text[..at].char_indices().rev() {
        if c.is_whitespace() {
            if let Some(e) = end.take() {
                words.push(&text[i + c.len_utf8()..e]);
                if words.len() == n {
                    break;
                }
            }
            if c == '\n' {
                break;
            }
        } else if end.is_none() {
            end = Some(i + c.len_utf8());
        }
    }
    if let Some(e) = end {
        if words.len() < n {
            // The first word of the line (or of the text).
            let start = text[..e].rfind(char::is_whitespace).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
            words.push(&text[start..e]);
        }
    }
    words.reverse();
    words
}

/// Up to `n` whitespace-separated words of `text` from `at`, on its line.
fn words_after(text: &str, at: usize, n: usize) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text[at..].char_indices() {
        let i = at + i;
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push(&text[s..i]);
                if words.len() == n {
                    return words;
                }
            }
            if c == '\n' {
                return words;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    /// The words as the first version took them: the whole line split, then cut.
    fn old_words(text: &str, start: usize, end: usize) -> (Vec<&str>, Vec<&str>) {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let before: Vec<&str> = text[line_start..start].split_whitespace().rev().take(CONTEXT_WORDS).collect();
        let after: Vec<&str> = text[end..line_end].split_whitespace().take(CONTEXT_WORDS).collect();
        (before.into_iter().rev().collect(), after)
    }

    #[test]
    fn context_words_are_the_same_as_splitting_the_line() {
        // Fingerprints are stored in users' workspaces: they must not change.
        let text = "a b\n  one two  three four\tfive\r\nsix\u{a0}seven ŵ  eight\n\nnine";
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_eq!(
                    (words_before(text, start, CONTEXT_WORDS), words_after(text, end, CONTEXT_WORDS)),
                    old_words(text, start, end),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn fingerprints_survive_edits_elsewhere_but_not_nearby() {
        let engine = Engine::new();
        let fp = |text: &str| {
            let a = engine.analyse(text);
            let f = a.findings.iter().find(|f| f.rule == "plain-language/commence").expect("commence is flagged");
            fingerprint(text, f)
        };
        let base = fp("We will commence the visits on Monday.");
        assert_eq!(base, fp("New first line.\n\nWe will commence the visits on Monday."));
        assert_eq!(base, fp("We will commence the visits on Monday. She agreed."));
        assert_ne!(base, fp("We will commence the calls on Monday."));
        assert_eq!(base.len(), 16);
    }

    #[test]
    fn store_round_trip_and_filter() {
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("visits").join("a.md");
        let text = "We will commence the visits on Monday.";
        let engine = Engine::new();
        let mut findings = engine.analyse(text).findings;
        let f = findings.iter().find(|f| f.rule == "plain-language/commence").unwrap().clone();

        let mut list = IgnoreList::load(dir.path()).unwrap();
        assert!(list.is_empty());
        list.add(&note, &f.rule, &fingerprint(text, &f)).unwrap();
        list.add(&note, &f.rule, &fingerprint(text, &f)).unwrap();

        let list = IgnoreList::load(dir.path()).unwrap();
        assert_eq!(list.len(), 1);
        let stored = std::fs::read_to_string(IgnoreList::path_in(dir.path())).unwrap();
        assert!(stored.contains("file = \"visits/a.md\""), "{stored}");
        assert!(!stored.contains("commence the"), "no note text in the store");

        let before = findings.len();
        list.filter(&note, text, &mut findings);
        assert_eq!(findings.len(), before - 1);
        assert!(!findings.iter().any(|x| x.rule == "plain-language/commence"));
        // Another file keeps its finding.
        let mut other = engine.analyse(text).findings;
        list.filter(&dir.path().join("b.md"), text, &mut other);
        assert_eq!(other.len(), before);
    }

    #[test]
    fn a_broken_store_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(DIR)).unwrap();
        std::fs::write(IgnoreList::path_in(dir.path()), "[[ignored]]\nfile = 1\n").unwrap();
        let e = IgnoreList::load(dir.path()).unwrap_err();
        assert!(e.contains(".cofnod/ignored.toml"), "{e}");
    }
}
