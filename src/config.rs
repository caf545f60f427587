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
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::engine::Settings;
use crate::finding::{Category, Severity};
use crate::rulebook::RuleSource;

pub const FILE_NAME: &str = "cofnod.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSpec {
    #[serde(default)]
    rules: RulesSpec,
    #[serde(default)]
    severity: BTreeMap<String, String>,
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
}

/// A problem with a configuration or a rule file, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ConfigError {
    pub file: String,
    pub problem: String,
}

fn is_known_id(id: &str) -> bool {
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
        let rule_files = spec.rules.files.into_iter().map(|f| base.join(f)).collect();
        Ok(Config { path: Some(path.to_path_buf()), settings, rule_files })
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
    fn bad_configs_name_the_file_and_the_problem() {
        let e = Config::parse("[rules]\ndisable = [\"jargon\"]\n", Path::new("a/cofnod.toml")).unwrap_err();
        assert_eq!(e.to_string(), "a/cofnod.toml: rules.disable: \"jargon\" is not a category or rule id");
        let e = Config::parse("[sevrity]\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().starts_with("cofnod.toml: "), "{e}");
        let e = Config::parse("[severity]\nvague = \"loud\"\n", Path::new("cofnod.toml")).unwrap_err();
        assert!(e.to_string().contains("\"loud\" is not hint, info, warning or error"));
    }
}
