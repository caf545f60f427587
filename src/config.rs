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
//!
//! [models]
//! use = "auto"                        # or "off": rules only
//! dir = "/srv/cofnod/models"          # where installed models are, relative to this file
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::engine::Settings;
use crate::finding::{Category, Severity};
use crate::language::Lang;
use crate::rulebook::RuleSource;

pub const FILE_NAME: &str = "cofnod.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSpec {
    #[serde(default)]
    rules: RulesSpec,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    messages: MessagesSpec,
    #[serde(default)]
    files: FilesSpec,
    #[serde(default)]
    models: ModelsSpec,
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
    language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilesSpec {
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSpec {
    #[serde(default)]
    files: Vec<PathBuf>,
    #[serde(default)]
    disable: Vec<String>,
}

/// A loaded configuration: settings plus the extra rule files it names.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub rule_files: Vec<PathBuf>,
    /// Files not to check.
    pub ignore: IgnoreGlobs,
    /// More such globs, relative to other folders (the editor's `cofnod.ignore`).
    pub extra_ignore: Vec<IgnoreGlobs>,
    /// `[models] use`: `None` leaves it to the command line or editor (default auto).
    pub models: Option<crate::models::ModelUse>,
    /// `[models] dir`, resolved against the file's folder.
    pub models_dir: Option<PathBuf>,
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

impl IgnoreGlobs {
    /// `patterns` relative to `base`. A pattern without a `/` matches a file name at
    /// any depth (`*.draft.md`), as in `.gitignore`.
    pub fn new(base: &Path, patterns: &[String]) -> Result<IgnoreGlobs, String> {
        let mut builder = globset::GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim_start_matches("./");
            let full = if p.contains('/') { p.to_string() } else { format!("**/{p}") };
            let glob = globset::GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("\"{p}\" is not a valid glob: {}", e.kind()))?;
            builder.add(glob);
            // `archive/` or `archive` also means everything under it.
            builder.add(globset::Glob::new(&format!("{}/**", full.trim_end_matches('/'))).map_err(|e| e.to_string())?);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
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

/// A problem with a configuration or a rule file, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ConfigError {
    pub file: String,
    pub problem: String,
}

pub fn is_known_id(id: &str) -> bool {
    match id.split_once('/') {
        None => Category::from_id(id).is_some(),
        Some((cat, rule)) => Category::from_id(cat).is_some() && !rule.is_empty(),
    }
}

impl Config {
    pub fn parse(source: &str, path: &Path) -> Result<Config, ConfigError> {
        let err = |problem: String| ConfigError { file: path.display().to_string(), problem };
        let spec: ConfigSpec = toml::from_str(source).map_err(|e| err(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut settings = Settings::default();
        for id in spec.rules.disable {
            if !is_known_id(&id) {
                return Err(err(format!("rules.disable: \"{id}\" is not a category or rule id")));
            }
            settings.disabled.insert(id);
        }
        for (id, sev) in spec.severity {
            if !is_known_id(&id) {
                return Err(err(format!("severity: \"{id}\" is not a category or rule id")));
            }
            let s = Severity::parse(&sev)
                .ok_or_else(|| err(format!("severity.\"{id}\": \"{sev}\" is not hint, info, warning or error")))?;
            settings.severity.insert(id, s);
        }
        settings.message_lang = match spec.messages.language.as_deref() {
            None | Some("auto") => None,
            Some(code) => Some(
                Lang::parse(code)
                    .ok_or_else(|| err(format!("messages.language: \"{code}\" is not auto, en or cy")))?,
            ),
        };
        let ignore = IgnoreGlobs::new(base, &spec.files.ignore).map_err(|e| err(format!("files.ignore: {e}")))?;
        let rule_files = spec.rules.files.into_iter().map(|f| base.join(f)).collect();
        let models_dir = spec.models.dir.map(|d| base.join(d));
        Ok(Config {
            path: Some(path.to_path_buf()),
            settings,
            rule_files,
            ignore,
            extra_ignore: Vec::new(),
            models: spec.models.use_,
            models_dir,
        })
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| ConfigError { file: path.display().to_string(), problem: e.to_string() })?;
        Config::parse(&source, path)
    }

    /// The nearest `cofnod.toml` in `dir` or its ancestors.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
    }
}

/// Reads rule files for the engine, naming any that cannot be read.
pub fn read_rule_files(files: &[PathBuf]) -> Result<Vec<RuleSource>, ConfigError> {
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .map(|text| RuleSource { name: f.display().to_string(), text })
                .map_err(|e| ConfigError { file: f.display().to_string(), problem: e.to_string() })
        })
        .collect()
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
        assert_eq!(c.rule_files, vec![PathBuf::from("/notes/ours.toml")]);
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
        assert_eq!(e.to_string(), "cofnod.toml: messages.language: \"fr\" is not auto, en or cy");
        let e = Config::parse("[files]\nignore = [\"a[\"]\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().starts_with("cofnod.toml: files.ignore: \"a[\" is not a valid glob"), "{e}");
    }

    #[test]
    fn bad_configs_name_the_file_and_the_problem() {
        let e = Config::parse("[rules]\ndisable = [\"jargon\"]\n", Path::new("a/cofnod.toml")).unwrap_err();
        assert_eq!(e.to_string(), "a/cofnod.toml: rules.disable: \"jargon\" is not a category or rule id");
        let e = Config::parse("[sevrity]\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().starts_with("cofnod.toml: "), "{e}");
        let e = Config::parse("[severity]\nvague = \"loud\"\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().contains("\"loud\" is not hint, info, warning or error"));
    }
}
