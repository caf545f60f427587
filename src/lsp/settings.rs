//! The editor's `cofnod.*` settings, and how they combine with `cofnod.toml`.
//!
//! One configuration model for the command line, the server and CI: the nearest
//! `cofnod.toml` sets the defaults for a workspace, and the editor's settings are laid
//! over it (ids switched off are added to the file's; severities replace the file's
//! for the ids they name; a message language other than "auto" wins).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{is_known_id, Config, IgnoreGlobs};
use crate::finding::Severity;
use crate::language::Lang;

pub const DEFAULT_DEBOUNCE_MS: u64 = 150;

/// What the editor sent under `cofnod` (in `initializationOptions`,
/// `workspace/didChangeConfiguration` or a `workspace/configuration` answer).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientSettings {
    /// `Some(lang)` forces messages into that language; `None` is "auto".
    pub message_lang: Option<Lang>,
    pub debounce_ms: Option<u64>,
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub rule_files: Vec<String>,
    pub ignore: Vec<String>,
    /// `trace.server == "verbose"`: note text may appear in the server's log.
    pub trace_verbose: bool,
    /// `cofnod.models`: "auto" or "off" (`None`: as cofnod.toml says, else auto).
    pub models: Option<crate::models::ModelUse>,
    /// `cofnod.modelsDir`: where the installed models are.
    pub models_dir: Option<String>,
    /// `cofnod.maxFileSizeMB`: the largest note checked, in megabytes.
    pub max_file_size_mb: Option<u64>,
}

impl ClientSettings {
    /// Reads settings leniently: a bad value is reported and skipped, the rest kept.
    /// Accepts the `cofnod` section itself or an object holding it.
    pub fn from_json(value: &Value) -> (ClientSettings, Vec<String>) {
        let section = value.get("cofnod").filter(|v| v.is_object()).unwrap_or(value);
        let mut s = ClientSettings::default();
        let mut problems = Vec::new();
        let Some(map) = section.as_object() else {
            if !section.is_null() {
                problems.push("the cofnod settings are not an object".to_string());
            }
            return (s, problems);
        };
        let strings = |key: &str, problems: &mut Vec<String>| -> Vec<String> {
            match map.get(key) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                    items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
                }
                Some(_) => {
                    problems.push(format!("cofnod.{key} must be a list of strings"));
                    Vec::new()
                }
            }
        };
        match map.get("language").and_then(Value::as_str) {
            None | Some("auto") => {}
            Some(code) => match Lang::parse(code) {
                Some(lang) => s.message_lang = Some(lang),
                None => problems.push(format!("cofnod.language: \"{code}\" is not auto, en or cy")),
            },
        }
        match map.get("debounceMs") {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_u64().filter(|&ms| ms <= 10_000) {
                Some(ms) => s.debounce_ms = Some(ms),
                None => problems.push("cofnod.debounceMs must be a whole number of milliseconds up to 10000".to_string()),
            },
        }
        for id in strings("disable", &mut problems) {
            if is_known_id(&id) {
                s.disable.push(id);
            } else {
                problems.push(format!("cofnod.disable: \"{id}\" is not a category or rule id"));
            }
        }
        if let Some(sev) = map.get("severity").and_then(Value::as_object) {
            for (id, level) in sev {
                match (is_known_id(id), level.as_str().and_then(Severity::parse)) {
                    (true, Some(level)) => {
                        s.severity.insert(id.clone(), level);
                    }
                    (false, _) => problems.push(format!("cofnod.severity: \"{id}\" is not a category or rule id")),
                    (true, None) => problems.push(format!("cofnod.severity.\"{id}\": {level} is not hint, info, warning or error")),
                }
            }
        }
        match map.get("models").and_then(Value::as_str) {
            None => {}
            Some("auto") => s.models = Some(crate::models::ModelUse::Auto),
            Some("off") => s.models = Some(crate::models::ModelUse::Off),
            Some(other) => problems.push(format!("cofnod.models: \"{other}\" is not auto or off")),
        }
        match map.get("maxFileSizeMB") {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_u64().filter(|mb| (1..=100_000).contains(mb)) {
                Some(mb) => s.max_file_size_mb = Some(mb),
                None => problems.push("cofnod.maxFileSizeMB must be a whole number of megabytes from 1 to 100000".to_string()),
            },
        }
        s.models_dir = map.get("modelsDir").and_then(Value::as_str).filter(|d| !d.is_empty()).map(str::to_string);
        s.rule_files = strings("ruleFiles", &mut problems);
        s.ignore = strings("ignore", &mut problems);
        s.trace_verbose = map.get("trace").and_then(|t| t.get("server")).and_then(Value::as_str) == Some("verbose");
        (s, problems)
    }

    pub fn debounce(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.debounce_ms.unwrap_or(DEFAULT_DEBOUNCE_MS))
    }

    /// Lays these settings over a loaded `cofnod.toml` (or the defaults). Relative
    /// rule files and ignore globs are taken from `workspace`.
    pub fn apply_to(&self, config: &mut Config, workspace: Option<&Path>) -> Result<(), String> {
        let base = workspace.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        config.settings.disabled.extend(self.disable.iter().cloned());
        for (id, &level) in &self.severity {
            config.settings.severity.insert(id.clone(), level);
        }
        if self.message_lang.is_some() {
            config.settings.message_lang = self.message_lang;
        }
        if self.models.is_some() {
            config.models = self.models;
        }
        if let Some(dir) = &self.models_dir {
            config.models_dir = Some(base.join(dir));
        }
        if let Some(mb) = self.max_file_size_mb {
            config.max_note_bytes = Some(mb * crate::input::MB);
        }
        config.rule_files.extend(self.rule_files.iter().map(|f| crate::config::RuleFile::given(base.join(f))));
        if !self.ignore.is_empty() {
            // Globs from both places; each relative to where it was written.
            let editor = IgnoreGlobs::new(&base, &self.ignore).map_err(|e| format!("cofnod.ignore: {e}"))?;
            config.extra_ignore.push(editor);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_setting() {
        let (s, problems) = ClientSettings::from_json(&json!({"cofnod": {
            "language": "cy", "debounceMs": 40, "disable": ["vague", "plain-language/commence"],
            "severity": {"rationale": "error"}, "ruleFiles": ["words.toml"], "ignore": ["old/**"],
            "trace": {"server": "verbose"}, "path": "/usr/bin/cofnod"
        }}));
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(s.message_lang, Some(Lang::Cy));
        assert_eq!(s.debounce(), std::time::Duration::from_millis(40));
        assert_eq!(s.disable, ["vague", "plain-language/commence"]);
        assert_eq!(s.severity["rationale"], Severity::Error);
        assert_eq!(s.rule_files, ["words.toml"]);
        assert!(s.trace_verbose);
    }

    #[test]
    fn bad_values_are_reported_and_skipped() {
        let (s, problems) = ClientSettings::from_json(&json!({
            "language": "fr", "debounceMs": -3, "disable": ["vague", "jargon"], "severity": {"vague": "loud"}, "ignore": "x"
        }));
        assert_eq!(s.message_lang, None);
        assert_eq!(s.debounce(), std::time::Duration::from_millis(DEFAULT_DEBOUNCE_MS));
        assert_eq!(s.disable, ["vague"]);
        assert!(s.severity.is_empty());
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems.iter().any(|p| p == "cofnod.disable: \"jargon\" is not a category or rule id"));
    }

    #[test]
    fn editor_settings_lie_over_the_file() {
        let mut config = Config::parse(
            "[rules]\ndisable = [\"own-words\"]\n[severity]\nvague = \"info\"\n[messages]\nlanguage = \"cy\"\n",
            Path::new("/w/cofnod.toml"),
        )
        .unwrap();
        let (s, _) = ClientSettings::from_json(&json!({"language": "auto", "disable": ["rationale"], "severity": {"vague": "hint"}}));
        s.apply_to(&mut config, Some(Path::new("/w"))).unwrap();
        assert!(config.settings.disabled.contains("own-words") && config.settings.disabled.contains("rationale"));
        assert_eq!(config.settings.severity["vague"], Severity::Hint);
        assert_eq!(config.settings.message_lang, Some(Lang::Cy), "\"auto\" in the editor keeps the file's choice");
    }
}
