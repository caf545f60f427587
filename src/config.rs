//! `cofnod.toml`: one configuration for the command line, the language server and CI.
//!
//! ```toml
//! [rules]
//! files = ["our-words.toml"]          # extra rule files, relative to this file
//! disable = ["own-words", "plain-language/commence"]
//!
//! [severity]
//! vague = "info"
//! "plain-language/signpost" = "hint"
//!
//! [messages]
//! language = "auto"                   # or "en" / "cy": messages in this language
//!
//! [files]
//! ignore = ["archive/**", "*.draft.md"]  # globs, relative to this file
//! max_size_mb = 20                    # the largest note checked
//!
//! [models]
//! use = "auto"                        # or "off": rules only
//! dir = "/srv/cofnod/models"          # where installed models are, relative to this file
//!
//! [export]                            # exports checked by `cofnod check` (CSV, XLSX, JSON...)
//! columns = ["Case note"]             # the text (several are joined as paragraphs)
//! id_column = "Record ID"
//! group_column = "Team"               # or an author, a service
//! date_column = "Date"
//! sheet = "Contacts"                  # a workbook's sheet (default: the first)
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

use crate::engine::Settings;
use crate::finding::{Category, Severity};
use crate::language::Lang;
use crate::rulebook::RuleSource;

pub const FILE_NAME: &str = "cofnod.toml";

/// `cofnod.toml`'s fields, each with its place in the file for error messages.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSpec {
    #[serde(default)]
    rules: RulesSpec,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    messages: MessagesSpec,
    #[serde(default)]
    files: FilesSpec,
    #[serde(default)]
    models: ModelsSpec,
    #[serde(default)]
    export: ExportSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportSpec {
    #[serde(default)]
    columns: Vec<String>,
    id_column: Option<String>,
    group_column: Option<String>,
    date_column: Option<String>,
    sheet: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelsSpec {
    #[serde(rename = "use")]
    use_: Option<crate::models::ModelUse>,
    dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessagesSpec {
    language: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilesSpec {
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    /// The largest note checked, in megabytes (default 20).
    max_size_mb: Option<Spanned<u64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSpec {
    #[serde(default)]
    files: Vec<Spanned<PathBuf>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
}

/// A rule file to read, and the folder it must be inside, if any.
///
/// Rule files named by a `cofnod.toml` must be in the configuration's own folder or
/// below it (after following links): a configuration planted in a shared folder must
/// not be able to make cofnod read `/etc`, `/proc` or another user's files. Files
/// given on the command line (`--rules`) or in the editor's own settings are the
/// user's choice and may be anywhere, but are never system files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFile {
    pub path: PathBuf,
    /// The folder the file must be inside (the folder of the `cofnod.toml` naming it).
    pub within: Option<PathBuf>,
    /// Where the configuration names it: (configuration file, line, column).
    pub named_at: Option<(PathBuf, usize, usize)>,
}

impl RuleFile {
    /// A file the user named (command line, editor settings).
    pub fn given(path: PathBuf) -> RuleFile {
        RuleFile { path, within: None, named_at: None }
    }
}

/// A loaded configuration: settings plus the extra rule files it names.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub rule_files: Vec<RuleFile>,
    /// Files not to check.
    pub ignore: IgnoreGlobs,
    /// More such globs, relative to other folders (the editor's `cofnod.ignore`).
    pub extra_ignore: Vec<IgnoreGlobs>,
    /// `[models] use`: `None` leaves it to the command line or editor (default auto).
    pub models: Option<crate::models::ModelUse>,
    /// `[models] dir`, resolved against the file's folder. It may be anywhere: the
    /// model files are checked against the SHA-256 sums built into cofnod.
    pub models_dir: Option<PathBuf>,
    /// `[files] max_size_mb`, in bytes.
    pub max_note_bytes: Option<u64>,
    /// `[export]`: the columns of exports.
    pub export: crate::export::Options,
}

impl Config {
    /// Is `path` left out by `[files] ignore` (or the editor's ignore setting)?
    pub fn is_ignored(&self, path: &Path) -> bool {
        self.ignore.is_ignored(path) || self.extra_ignore.iter().any(|g| g.is_ignored(path))
    }
}

/// Glob patterns of files not to check, matched against paths relative to a base
/// folder (the folder of `cofnod.toml`, or the workspace folder).
#[derive(Clone, Debug, Default)]
pub struct IgnoreGlobs {
    base: PathBuf,
    patterns: Vec<String>,
    set: globset::GlobSet,
}

/// One ignore pattern as globs: itself and everything under it.
fn ignore_globs(pattern: &str) -> Result<[globset::Glob; 2], String> {
    let p = pattern.trim_start_matches("./");
    let full = if p.contains('/') { p.to_string() } else { format!("**/{p}") };
    let glob = globset::GlobBuilder::new(&full)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("not a valid glob: {}", e.kind()))?;
    // `archive/` or `archive` also means everything under it.
    let under = globset::Glob::new(&format!("{}/**", full.trim_end_matches('/'))).map_err(|e| format!("not a valid glob: {}", e.kind()))?;
    Ok([glob, under])
}

/// An ignore pattern that is not a valid glob: which one (0-based) and why.
#[derive(Debug)]
pub struct BadGlob {
    pub index: usize,
    pub problem: String,
}

impl std::fmt::Display for BadGlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pattern {}: {}", self.index + 1, self.problem)
    }
}

impl IgnoreGlobs {
    /// `patterns` relative to `base`. A pattern without a `/` matches a file name at
    /// any depth (`*.draft.md`), as in `.gitignore`.
    pub fn new(base: &Path, patterns: &[String]) -> Result<IgnoreGlobs, BadGlob> {
        let mut builder = globset::GlobSetBuilder::new();
        for (index, p) in patterns.iter().enumerate() {
            for glob in ignore_globs(p).map_err(|problem| BadGlob { index, problem })? {
                builder.add(glob);
            }
        }
        let set = builder.build().map_err(|e| BadGlob { index: 0, problem: format!("not a valid glob set: {}", e.kind()) })?;
        Ok(IgnoreGlobs { base: base.to_path_buf(), patterns: patterns.to_vec(), set })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Is `path` (absolute, or relative to the current folder) ignored?
    pub fn is_ignored(&self, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let relative = path.strip_prefix(&self.base).unwrap_or(path);
        self.set.is_match(relative)
    }
}

/// A problem with a configuration or a rule file, naming the file and, where known,
/// the line and column. The problem never quotes the file.
pub type ConfigError = crate::safe_text::FileProblem;

pub fn is_known_id(id: &str) -> bool {
    match id.split_once('/') {
        None => Category::from_id(id).is_some(),
        Some((cat, rule)) => Category::from_id(cat).is_some() && !rule.is_empty(),
    }
}

impl Config {
    pub fn parse(source: &str, path: &Path) -> Result<Config, ConfigError> {
        let file = crate::safe_text::path(path);
        let err = |at: Option<(usize, usize)>, problem: String| ConfigError { file: file.clone(), at, problem };
        let at = |span: std::ops::Range<usize>| Some(crate::safe_text::line_col(source, span.start));
        let spec: ConfigSpec = toml::from_str(source).map_err(|e| ConfigError::toml(&file, source, e.span(), e.message()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut settings = Settings::default();
        for id in spec.rules.disable {
            if !is_known_id(id.get_ref()) {
                return Err(err(at(id.span()), "rules.disable: not a category or rule id".to_string()));
            }
            settings.disabled.insert(id.into_inner());
        }
        for (id, sev) in spec.severity {
            if !is_known_id(id.get_ref()) {
                return Err(err(at(id.span()), "severity: not a category or rule id".to_string()));
            }
            let s = Severity::parse(sev.get_ref())
                .ok_or_else(|| err(at(sev.span()), "severity: not hint, info, warning or error".to_string()))?;
            settings.severity.insert(id.into_inner(), s);
        }
        settings.message_lang = match &spec.messages.language {
            None => None,
            Some(code) if code.get_ref() == "auto" => None,
            Some(code) => Some(
                Lang::parse(code.get_ref())
                    .ok_or_else(|| err(at(code.span()), "messages.language: not auto, en or cy".to_string()))?,
            ),
        };
        let patterns: Vec<String> = spec.files.ignore.iter().map(|p| p.get_ref().clone()).collect();
        let ignore = IgnoreGlobs::new(base, &patterns)
            .map_err(|e| err(spec.files.ignore.get(e.index).and_then(|p| at(p.span())), format!("files.ignore: {}", e.problem)))?;
        let max_note_bytes = match spec.files.max_size_mb {
            None => None,
            Some(mb) if (1..=100_000).contains(mb.get_ref()) => Some(mb.get_ref() * crate::input::MB),
            Some(mb) => return Err(err(at(mb.span()), "files.max_size_mb: a whole number of megabytes from 1 to 100000".to_string())),
        };
        let rule_files = spec
            .rules
            .files
            .into_iter()
            .map(|f| {
                let (line, column) = crate::safe_text::line_col(source, f.span().start);
                RuleFile { path: base.join(f.get_ref()), within: Some(base.to_path_buf()), named_at: Some((path.to_path_buf(), line, column)) }
            })
            .collect();
        let models_dir = spec.models.dir.map(|d| base.join(d));
        Ok(Config {
            path: Some(path.to_path_buf()),
            settings,
            rule_files,
            ignore,
            extra_ignore: Vec::new(),
            models: spec.models.use_,
            models_dir,
            max_note_bytes,
            export: crate::export::Options {
                columns: spec.export.columns,
                id_column: spec.export.id_column,
                group_column: spec.export.group_column,
                date_column: spec.export.date_column,
                sheet: spec.export.sheet,
            },
        })
    }

    /// Reads and parses a configuration: a regular UTF-8 file of at most 4 MB.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let source = crate::input::read_settings_file(path)
            .map_err(|e| ConfigError { file: crate::safe_text::path(path), at: None, problem: e.to_string() })?;
        Config::parse(&source, path)
    }

    /// The nearest `cofnod.toml` in `dir` or its ancestors. Anything by that name
    /// counts (a pipe or a folder too), so that loading it says what is wrong with it
    /// rather than cofnod passing it over in silence.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| std::fs::metadata(p).is_ok())
    }
}

/// Reads rule files for the engine, naming any that cannot be read. A file named by
/// a configuration must be inside that configuration's folder.
pub fn read_rule_files(files: &[RuleFile]) -> Result<Vec<RuleSource>, ConfigError> {
    files.iter().map(read_rule_file).collect()
}

fn read_rule_file(f: &RuleFile) -> Result<RuleSource, ConfigError> {
    let name = crate::safe_text::path(&f.path);
    // A problem with where the file is is reported where the configuration names it.
    let at_config = |problem: String| match &f.named_at {
        Some((config, line, column)) => ConfigError { file: crate::safe_text::path(config), at: Some((*line, *column)), problem },
        None => ConfigError { file: name.clone(), at: None, problem },
    };
    if let Some(within) = &f.within {
        let inside = match (std::fs::canonicalize(within), std::fs::canonicalize(&f.path)) {
            (Ok(root), Ok(real)) => real.starts_with(root),
            // Missing: reading it says so below.
            (Ok(_), Err(_)) => !f.path.components().any(|c| c == std::path::Component::ParentDir) && f.path.starts_with(within),
            (Err(_), _) => false,
        };
        if !inside {
            return Err(at_config(format!(
                "rules.files: {name} is outside this configuration's folder; a cofnod.toml may only name rule files in its own folder or below (use --rules for others)"
            )));
        }
    }
    let text = crate::input::read_settings_file(&f.path).map_err(|e| ConfigError { file: name.clone(), at: None, problem: e.to_string() })?;
    Ok(RuleSource { name, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_disable_severity_and_relative_rule_files() {
        let c = Config::parse(
            "[rules]\nfiles = [\"ours.toml\"]\ndisable = [\"own-words\", \"plain-language/commence\"]\n[severity]\nvague = \"info\"\n",
            Path::new("/notes/cofnod.toml"),
        )
        .unwrap();
        assert!(c.settings.disabled.contains("own-words"));
        assert_eq!(c.settings.severity["vague"], Severity::Info);
        assert_eq!(c.rule_files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(), vec![PathBuf::from("/notes/ours.toml")]);
        assert_eq!(c.rule_files[0].within.as_deref(), Some(Path::new("/notes")));
    }

    #[test]
    fn message_language_and_ignore_globs() {
        let c = Config::parse(
            "[messages]\nlanguage = \"cy\"\n[files]\nignore = [\"archive\", \"*.draft.md\", \"old/*.txt\"]\n",
            Path::new("/notes/cofnod.toml"),
        )
        .unwrap();
        assert_eq!(c.settings.message_lang, Some(Lang::Cy));
        for ignored in ["/notes/archive/2020/a.md", "/notes/x/visit.draft.md", "/notes/old/a.txt"] {
            assert!(c.ignore.is_ignored(Path::new(ignored)), "{ignored}");
        }
        for kept in ["/notes/visit.md", "/notes/x/old/a.txt", "/notes/archived.md"] {
            assert!(!c.ignore.is_ignored(Path::new(kept)), "{kept}");
        }
        let e = Config::parse("[messages]\nlanguage = \"fr\"\n", Path::new("cofnod.toml")).unwrap_err();
        assert_eq!(e.to_string(), "cofnod.toml:2:12: messages.language: not auto, en or cy");
        let e = Config::parse("[files]\nignore = [\"a[\"]\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().starts_with("cofnod.toml:2:11: files.ignore: not a valid glob"), "{e}");
    }

    #[test]
    fn bad_configs_name_the_file_and_the_problem() {
        let e = Config::parse("[rules]\ndisable = [\"jargon\"]\n", Path::new("a/cofnod.toml")).unwrap_err();
        assert_eq!(e.to_string(), "a/cofnod.toml:2:12: rules.disable: not a category or rule id");
        let e = Config::parse("[sevrity]\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().starts_with("cofnod.toml:1:2: unknown field `…`, expected one of `rules`, `severity`"), "{e}");
        let e = Config::parse("[severity]\nvague = \"loud\"\n", Path::new("cofnod.toml")).unwrap_err();
        assert_eq!(e.to_string(), "cofnod.toml:2:9: severity: not hint, info, warning or error");
        let e = Config::parse("[files]\nmax_size_mb = 0\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().starts_with("cofnod.toml:2:15: files.max_size_mb"), "{e}");
        assert_eq!(Config::parse("[files]\nmax_size_mb = 5\n", Path::new("c.toml")).unwrap().max_note_bytes, Some(5_000_000));
    }
}
