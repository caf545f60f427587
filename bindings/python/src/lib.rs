//! `import cofnod`: cofnod's engine for Python, so that a data team can run the same
//! checks as `cofnod check` inside a distributed engine (Dask, Spark) over an
//! archive too large for one machine. The findings are those of the command line:
//! each is the JSON of `cofnod check --format json`'s findings, made by the same
//! library function (`cofnod::reported::check_text`), and handed to Python as JSON
//! text for the Python side (`python/cofnod/__init__.py`) to load.
//!
//! A `Checker` holds one engine (and the models, when asked for): build it once per
//! worker process. `check_batch` releases the GIL and checks the texts on all the
//! process's cores.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use cofnod::config::{self, Config, RuleFile};
use cofnod::models::{store, ModelUse, Models};
use cofnod::Engine;

#[pyclass(frozen)]
struct Checker {
    engine: Engine,
    models: Option<Models>,
    /// The largest text checked, in bytes (as `cofnod check`).
    max_bytes: usize,
    /// Why the models are not used, when they were asked for but could not load.
    models_note: Option<String>,
}

/// One text's result as JSON: `{"language": ..., "findings": [...]}`, or
/// `{"error": ...}` when it has no text or is too large (as `cofnod check` reports a
/// record).
fn check_json(checker: &Checker, text: Option<&str>) -> String {
    let error = match text {
        None => Some("no text".to_string()),
        Some(t) if t.trim().is_empty() => Some("no text".to_string()),
        Some(t) if t.len() > checker.max_bytes => Some(cofnod::input::InputError::TooLarge(checker.max_bytes as u64).to_string()),
        Some(t) if t.contains('\0') => Some("the text holds NUL characters (binary data, not text); not checked".to_string()),
        Some(_) => None,
    };
    if let Some(error) = error {
        return serde_json::json!({ "error": error }).to_string();
    }
    let checked = cofnod::reported::check_text(&checker.engine, text.unwrap_or_default(), checker.models.as_ref(), false);
    serde_json::json!({ "language": checked.language, "findings": checked.findings }).to_string()
}

#[pymethods]
impl Checker {
    /// `config`: a cofnod.toml (its rules, severities, messages and models); `rules`:
    /// extra rule files; `models`: "auto" (the installed models when there are any)
    /// or "off" (the rules alone), default the configuration's, else "auto";
    /// `models_dir`: where the models are installed.
    #[new]
    #[pyo3(signature = (config=None, rules=Vec::new(), models=None, models_dir=None))]
    fn new(config: Option<PathBuf>, rules: Vec<PathBuf>, models: Option<&str>, models_dir: Option<PathBuf>) -> PyResult<Checker> {
        let use_models = match models {
            None => None,
            Some("auto") => Some(ModelUse::Auto),
            Some("off") => Some(ModelUse::Off),
            Some(other) => return Err(PyValueError::new_err(format!("models must be \"auto\" or \"off\", not {other:?}"))),
        };
        let config = match &config {
            Some(path) => Config::load(path).map_err(|e| PyValueError::new_err(e.to_string()))?,
            None => Config::default(),
        };
        let mut files = config.rule_files.clone();
        files.extend(rules.into_iter().map(RuleFile::given));
        let sources = config::read_rule_files(&files).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let engine = Engine::with_rules(&sources, config.settings.clone()).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let (models, models_note) = match use_models.or(config.models).unwrap_or_default() {
            ModelUse::Off => (None, None),
            ModelUse::Auto => {
                let dir = store::models_dir(models_dir.as_deref(), config.models_dir.as_deref());
                match Models::load(&dir) {
                    Ok(m) => (Some(m), None),
                    Err(e) => (None, Some(format!("{e}; checking with the embedded rules only"))),
                }
            }
        };
        let max_bytes = config.max_note_bytes.unwrap_or(cofnod::input::DEFAULT_MAX_NOTE_BYTES) as usize;
        Ok(Checker { engine, models, max_bytes, models_note })
    }

    /// Whether the models are in use.
    #[getter]
    fn models_loaded(&self) -> bool {
        self.models.is_some()
    }

    /// Why the models are not in use, when they were asked for.
    #[getter]
    fn models_note(&self) -> Option<String> {
        self.models_note.clone()
    }

    /// One text's result, as JSON text.
    fn check_json(&self, py: Python<'_>, text: Option<String>) -> String {
        py.detach(|| check_json(self, text.as_deref()))
    }

    /// Many texts' results, in order, as JSON texts: checked in parallel without the GIL.
    fn check_batch_json(&self, py: Python<'_>, texts: Vec<Option<String>>) -> Vec<String> {
        py.detach(|| texts.par_iter().map(|t| check_json(self, t.as_deref())).collect())
    }
}

/// cofnod's version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _cofnod(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Checker>()?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
