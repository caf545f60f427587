//! `cofnod check`: many notes, one engine per configuration, in parallel.

use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::report::{FileReport, Json, ReportedFinding, Reporter, Summary, Text};
use super::Format;
use crate::config::{self, Config};
use crate::engine::Engine;
use crate::models::{store, ModelError, ModelUse, Models};
use std::sync::OnceLock;
use crate::input::{self, InputError};
use crate::position::LineIndex;

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub rules: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub models: Option<ModelUse>,
    pub models_dir: Option<PathBuf>,
}

enum Target {
    Stdin,
    /// A file, and whether it was found by walking a folder (rather than named).
    File(PathBuf, bool),
}

impl Target {
    fn display(&self) -> String {
        match self {
            Target::Stdin => "-".to_string(),
            Target::File(p, _) => p.display().to_string(),
        }
    }
}

/// Expands folders into the notes they contain, sorted, skipping hidden folders.
fn collect(paths: &[PathBuf], skipped: &mut usize) -> Vec<Target> {
    let mut targets = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target::Stdin);
        } else if path.is_dir() {
            let (notes, others) = input::notes_under(path);
            targets.extend(notes.into_iter().map(|p| Target::File(p, true)));
            *skipped += others;
        } else if input::is_note(path) {
            targets.push(Target::File(path.clone(), false));
        } else {
            eprintln!("cofnod: {}: skipped (cofnod checks .txt and .md files)", path.display());
            *skipped += 1;
        }
    }
    targets
}

/// An engine and the files its configuration leaves out.
struct Configured {
    engine: Engine,
    ignore: config::IgnoreGlobs,
    /// `[models] use` of the configuration, if it says.
    models: Option<ModelUse>,
}

/// Engines by configuration file, built once each.
struct Engines {
    extra: Vec<crate::rulebook::RuleSource>,
    fixed: Option<Arc<Configured>>,
    by_config: HashMap<Option<PathBuf>, Arc<Configured>>,
    config_of_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl Engines {
    fn build(&self, config: &Config) -> Result<Configured, String> {
        let mut sources = config::read_rule_files(&config.rule_files).map_err(|e| e.to_string())?;
        sources.extend(self.extra.iter().map(|s| crate::rulebook::RuleSource { name: s.name.clone(), text: s.text.clone() }));
        let engine = Engine::with_rules(&sources, config.settings.clone()).map_err(|e| e.to_string())?;
        Ok(Configured { engine, ignore: config.ignore.clone(), models: config.models })
    }

    fn for_dir(&mut self, dir: &Path) -> Arc<Configured> {
        if let Some(engine) = &self.fixed {
            return engine.clone();
        }
        let config_path = self.config_of_dir.entry(dir.to_path_buf()).or_insert_with(|| Config::find(dir)).clone();
        if let Some(engine) = self.by_config.get(&config_path) {
            return engine.clone();
        }
        let engine = match &config_path {
            None => self.build(&Config::default()),
            Some(path) => Config::load(path).map_err(|e| e.to_string()).and_then(|c| self.build(&c)),
        };
        let engine = Arc::new(engine.unwrap_or_else(|problem| {
            eprintln!("cofnod: {problem}; using the default rules for the notes it covers");
            self.build(&Config::default()).expect("the default configuration builds")
        }));
        self.by_config.insert(config_path, engine.clone());
        engine
    }
}

fn check_one(target: &Target, engine: &Engine, models: Option<&Models>, with_lines: bool) -> FileReport {
    let decoded = match target {
        Target::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| InputError::Unreadable(e.kind().to_string()))
                .and_then(|_| input::decode(&bytes))
        }
        Target::File(path, _) => input::read(path),
    };
    let path = target.display();
    match decoded {
        Err(e) => FileReport { path, language: "unknown", encoding: None, error: Some(e.to_string()), findings: Vec::new() },
        Ok(d) => {
            let analysis = match models {
                Some(models) => engine.analyse_with_models(&d.text, models),
                None => engine.analyse(&d.text),
            };
            let index = LineIndex::new(&d.text);
            let findings = analysis.findings.into_iter().map(|f| ReportedFinding::new(f, &d.text, &index, with_lines)).collect();
            FileReport { path, language: analysis.language.code(), encoding: Some(d.encoding), error: None, findings }
        }
    }
}

/// Files analysed in parallel per batch, then written in order.
const BATCH: usize = 64;

pub fn run(opts: Options) -> i32 {
    let missing: Vec<&PathBuf> = opts.paths.iter().filter(|p| p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err()).collect();
    if !missing.is_empty() {
        for p in missing {
            eprintln!("cofnod: {}: no such file or folder", p.display());
        }
        return 2;
    }
    let extra = match config::read_rule_files(&opts.rules) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cofnod: {e}");
            return 2;
        }
    };
    let mut engines = Engines { extra, fixed: None, by_config: HashMap::new(), config_of_dir: HashMap::new() };
    // A broken --rules file is the user's explicit choice: stop, naming it.
    if let Err(e) = engines.build(&Config::default()) {
        eprintln!("cofnod: {e}");
        return 2;
    }
    // Explicit choices fail loudly; a discovered cofnod.toml only warns.
    let fixed = if opts.no_config {
        Some(engines.build(&Config::default()))
    } else {
        opts.config.as_ref().map(|path| Config::load(path).map_err(|e| e.to_string()).and_then(|c| engines.build(&c)))
    };
    match fixed {
        Some(Ok(engine)) => engines.fixed = Some(Arc::new(engine)),
        Some(Err(e)) => {
            eprintln!("cofnod: {e}");
            return 2;
        }
        None => {}
    }

    let mut skipped = 0;
    let targets = collect(&opts.paths, &mut skipped);
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut jobs: Vec<(Target, Arc<Configured>)> = Vec::with_capacity(targets.len());
    for t in targets {
        let dir = match &t {
            Target::Stdin => cwd.clone(),
            Target::File(p, _) => p.parent().filter(|d| !d.as_os_str().is_empty()).map_or(cwd.clone(), |d| cwd.join(d)),
        };
        let configured = engines.for_dir(&dir);
        // `[files] ignore` leaves out files found in folders; a file named on the
        // command line is always checked.
        if let Target::File(p, true) = &t {
            if configured.ignore.is_ignored(&cwd.join(p)) {
                skipped += 1;
                continue;
            }
        }
        jobs.push((t, configured));
    }

    // Models load once, on the first note that wants them; without them the rules
    // run alone, and the user is told once.
    let models_dir = {
        // `[models] dir` of --config, else of the cofnod.toml nearest the working folder.
        let config_path = if opts.no_config { None } else { opts.config.clone().or_else(|| Config::find(&cwd)) };
        let cwd_config = config_path.and_then(|p| Config::load(&p).ok());
        store::models_dir(opts.models_dir.as_deref(), cwd_config.and_then(|c| c.models_dir).as_deref())
    };
    let models: OnceLock<Option<Models>> = OnceLock::new();
    let models_for = |configured: &Configured| -> Option<&Models> {
        if opts.models.or(configured.models).unwrap_or_default() == ModelUse::Off {
            return None;
        }
        models
            .get_or_init(|| match Models::load(&models_dir) {
                Ok(m) => Some(m),
                Err(ModelError::NotInstalled(_)) => {
                    eprintln!("cofnod: no models installed; checking with the embedded rules only (`cofnod models install` adds the model checks)");
                    None
                }
                Err(e) => {
                    eprintln!("cofnod: {e}; checking with the embedded rules only");
                    None
                }
            })
            .as_ref()
    };

    let mut reporter: Box<dyn Reporter> = match opts.format {
        Format::Text => {
            let colour = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            Box::new(Text { colour })
        }
        Format::Json => Box::new(Json::new(crate::rulebook::embedded_messages())),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut summary = Summary { skipped, ..Summary::default() };
    for batch in jobs.chunks(BATCH) {
        let rendered: Vec<(FileReport, Vec<u8>)> = batch
            .par_iter()
            .map(|(t, e)| {
                let report = check_one(t, &e.engine, models_for(e), opts.format == Format::Text);
                let bytes = reporter.render(&report);
                (report, bytes)
            })
            .collect();
        for (report, bytes) in &rendered {
            summary.add(report);
            if report.error.is_some() && opts.format == Format::Json {
                eprintln!("cofnod: {}: {}", report.path, report.error.as_deref().unwrap_or_default());
            }
            if reporter.begin_file(&mut out).and_then(|_| out.write_all(bytes)).is_err() {
                return 1; // The reader went away (a closed pipe); stop quietly.
            }
        }
    }
    let _ = reporter.finish(&mut out, &summary);
    let _ = out.flush();
    if summary.findings > 0 {
        1
    } else {
        0
    }
}
