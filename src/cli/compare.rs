//! `cofnod compare`: a draft and its rewrite (two files, or text on the command
//! line), or a workshop's worth of pairs (a folder of NAME.before.txt /
//! NAME.after.txt, or a CSV with before and after columns). Every pair goes
//! through the same engine as `cofnod check`; a pair that cannot be read is named
//! in the report and the rest of the group is still compared.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use rayon::prelude::*;

use super::LangArg;
use crate::compare::group::{class_summary, Pair};
use crate::compare::labels::Labels;
use crate::compare::{self, html, json, text};
use crate::engine::{Engine, Settings};
use crate::input::{self, Decoded, InputError};
use crate::language::Lang;
use crate::models::{store, ModelError, ModelUse, Models};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Text,
    Json,
    Html,
}

pub struct Options {
    pub files: Vec<PathBuf>,
    pub before_text: Option<String>,
    pub after_text: Option<String>,
    pub pairs: Option<PathBuf>,
    pub format: CompareFormat,
    pub lang: Option<LangArg>,
    pub anonymise: bool,
    pub out: Option<PathBuf>,
    pub models: Option<ModelUse>,
    pub models_dir: Option<PathBuf>,
}

/// Where a draft comes from, before it is read.
enum Source {
    File(PathBuf),
    Stdin,
    Text { label: String, text: String },
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::File(p) => crate::safe_text::path(p),
            Source::Stdin => "-".to_string(),
            Source::Text { label, .. } => label.clone(),
        }
    }

    /// The text, or a problem that names where it came from.
    fn read(&self) -> Result<String, String> {
        let decoded: Result<Decoded, InputError> = match self {
            Source::File(path) if std::fs::symlink_metadata(path).is_err() => {
                return Err(format!("{}: no such file", crate::safe_text::path(path)))
            }
            Source::File(path) => input::read(path, input::DEFAULT_MAX_NOTE_BYTES),
            Source::Stdin => input::read_stdin(input::DEFAULT_MAX_NOTE_BYTES),
            Source::Text { text, .. } => input::decode(text.as_bytes()),
        };
        decoded.map(|d| d.text).map_err(|e| format!("{}: {e}", self.label()))
    }
}

/// A participant's pair before reading, or the problem found while pairing files.
struct Planned {
    name: String,
    before: Result<Source, String>,
    after: Result<Source, String>,
}

/// Pairs `NAME.before.txt` with `NAME.after.txt` in a folder (not its subfolders).
fn plan_folder(dir: &Path) -> Result<Vec<Planned>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: could not read the folder: {}", crate::safe_text::path(dir), e.kind()))?;
    let mut by_name: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    let mut others = 0;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(file) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        if file.starts_with('.') || path.is_dir() {
            continue;
        }
        if let Some(name) = strip_suffix_ignoring_case(&file, ".before.txt") {
            by_name.entry(crate::safe_text::for_terminal(name).into_owned()).or_default().0 = Some(path);
        } else if let Some(name) = strip_suffix_ignoring_case(&file, ".after.txt") {
            by_name.entry(crate::safe_text::for_terminal(name).into_owned()).or_default().1 = Some(path);
        } else {
            others += 1;
        }
    }
    if others > 0 {
        eprintln!("cofnod: {}: passed over {others} file(s) not named NAME.before.txt or NAME.after.txt", crate::safe_text::path(dir));
    }
    if by_name.is_empty() {
        return Err(format!("{}: no pairs found (expected files named NAME.before.txt and NAME.after.txt)", crate::safe_text::path(dir)));
    }
    let missing = |have: &Path, want: &str| format!("{}: no matching {want} to compare it with", crate::safe_text::path(have));
    Ok(by_name
        .into_iter()
        .map(|(name, (before, after))| {
            let (b, a) = match (before, after) {
                (Some(b), Some(a)) => (Ok(Source::File(b)), Ok(Source::File(a))),
                (Some(b), None) => {
                    let problem = missing(&b, &format!("{name}.after.txt"));
                    (Ok(Source::File(b)), Err(problem))
                }
                (None, Some(a)) => {
                    let problem = missing(&a, &format!("{name}.before.txt"));
                    (Err(problem), Ok(Source::File(a)))
                }
                (None, None) => unreachable!("a name is only entered with a file"),
            };
            Planned { name, before: b, after: a }
        })
        .collect())
}

/// Reads a CSV whose header has `before` and `after` columns (or `cyn` and `ar ôl`),
/// and optionally `participant` or `name` (`cyfranogwr`, `enw`).
fn plan_csv(path: &Path) -> Result<Vec<Planned>, String> {
    let name = crate::safe_text::path(path);
    let text = input::read(path, input::DEFAULT_MAX_NOTE_BYTES).map_err(|e| format!("{name}: {e}"))?.text;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{name}: not a readable CSV: {e}"))?.clone();
    let column = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
    let (Some(before), Some(after)) = (column(&["before", "cyn"]), column(&["after", "ar ôl", "ar ol"])) else {
        return Err(format!("{name}: the header needs a \"before\" and an \"after\" column"));
    };
    let name_col = column(&["participant", "name", "cyfranogwr", "enw"]);
    let mut planned = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // Row numbers as a spreadsheet shows them: the header is row 1.
        let row = i + 2;
        let where_ = format!("{name}, row {row}");
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let problem = format!("{where_}: not a readable CSV row: {e}");
                planned.push(Planned { name: format!("row {row}"), before: Err(problem.clone()), after: Err(problem) });
                continue;
            }
        };
        let name = name_col
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map_or_else(|| format!("row {row}"), |n| crate::safe_text::for_terminal(n).into_owned());
        let cell = |c: usize, which: &str| match record.get(c) {
            Some(t) => Ok(Source::Text { label: format!("{where_}, {which}"), text: t.to_string() }),
            None => Err(format!("{where_}: no \"{which}\" field")),
        };
        planned.push(Planned { name, before: cell(before, "before"), after: cell(after, "after") });
    }
    if planned.is_empty() {
        return Err(format!("{name}: no rows under the header"));
    }
    Ok(planned)
}

/// One pair, from the command line.
fn plan_single(opts: &mut Options) -> Result<Planned, String> {
    let mut files = opts.files.clone().into_iter();
    let mut take = |text: Option<String>, which: &str| -> Result<Source, String> {
        match (text, files.next()) {
            (Some(text), _) => Ok(Source::Text { label: format!("--{which}-text"), text }),
            (None, Some(p)) if p.as_os_str() == "-" => Ok(Source::Stdin),
            (None, Some(p)) => Ok(Source::File(p)),
            (None, None) => Err(format!("give the {which} draft: a file, or --{which}-text")),
        }
    };
    let before = take(opts.before_text.take(), "before")?;
    let after = take(opts.after_text.take(), "after")?;
    if files.next().is_some() {
        return Err("compare takes two drafts: BEFORE and AFTER (or --pairs for a group)".to_string());
    }
    let name = match (&before, &after) {
        (Source::File(p), _) => pair_name(p),
        _ => String::new(),
    };
    Ok(Planned { name, before: Ok(before), after: Ok(after) })
}

/// "carys-bevan" for `carys-bevan.before.txt`; else the file's stem.
fn pair_name(path: &Path) -> String {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let name = [".before.txt", ".after.txt", ".txt", ".md"].iter().find_map(|s| strip_suffix_ignoring_case(file, s)).unwrap_or(file);
    crate::safe_text::for_terminal(name).into_owned()
}

/// `file` without an ASCII `suffix` it ends with, in any case ("A.Before.TXT").
/// (Lowercasing the whole name first would change the length of some letters.)
fn strip_suffix_ignoring_case<'a>(file: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = file.len().checked_sub(suffix.len())?;
    (file.is_char_boundary(cut) && file[cut..].eq_ignore_ascii_case(suffix)).then(|| &file[..cut])
}

/// The models, unless `--models off`. Compare ignores cofnod.toml: a workshop's
/// pairs are all read with the embedded rules, the same for every participant.
fn load_models(opts: &Options) -> Option<Models> {
    models_unless_off(opts.models, opts.models_dir.as_deref(), "comparing")
}

/// The installed models, unless `use` is off; without them (not installed, or
/// unreadable), says so once and goes on with the rules (`doing`: "comparing").
pub(super) fn models_unless_off(model_use: Option<ModelUse>, dir: Option<&Path>, doing: &str) -> Option<Models> {
    if model_use.unwrap_or_default() == ModelUse::Off {
        return None;
    }
    match Models::load(&store::models_dir(dir, None)) {
        Ok(models) => Some(models),
        Err(ModelError::NotInstalled(_)) => {
            eprintln!("cofnod: no models installed; {doing} with the embedded rules only (`cofnod models install` adds the model checks)");
            None
        }
        Err(e) => {
            eprintln!("cofnod: {e}; {doing} with the embedded rules only");
            None
        }
    }
}

pub fn run(mut opts: Options) -> i32 {
    let group = opts.pairs.is_some();
    let planned = match opts.pairs.clone() {
        Some(path) if path.is_dir() => plan_folder(&path),
        Some(path) if path.exists() => plan_csv(&path),
        Some(path) => Err(format!("{}: no such folder or CSV file", crate::safe_text::path(&path))),
        None => plan_single(&mut opts).map(|p| vec![p]),
    };
    let planned = match planned {
        Ok(p) => p,
        Err(problem) => {
            eprintln!("cofnod: {problem}");
            return 2;
        }
    };
    // Labels and messages follow --lang; without it, labels are English and each
    // finding speaks the language of its sentence.
    let lang = match opts.lang {
        Some(LangArg::Cy) => Lang::Cy,
        _ => Lang::En,
    };
    let settings = Settings { message_lang: opts.lang.map(|_| lang), ..Settings::default() };
    let engine = match Engine::with_rules(&[], settings) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cofnod: {e}");
            return 2;
        }
    };
    let models = load_models(&opts);
    let labels = Labels::new(lang);
    let mut planned = planned;
    for p in planned.iter_mut().filter(|p| p.name.is_empty()) {
        // Text given on the command line has no name to show.
        p.name = labels.get("title").to_string();
    }

    // Every file the report is made from, which --out must not overwrite.
    let mut inputs: Vec<PathBuf> = opts.pairs.iter().filter(|p| p.is_file()).cloned().collect();
    for p in &planned {
        for source in [&p.before, &p.after].into_iter().flatten() {
            if let Source::File(path) = source {
                inputs.push(path.clone());
            }
        }
    }

    let mut pairs: Vec<Pair> = planned
        .into_par_iter()
        .map(|p| {
            let before_source = p.before.as_ref().map(Source::label).unwrap_or_default();
            let after_source = p.after.as_ref().map(Source::label).unwrap_or_default();
            let texts = p.before.and_then(|s| s.read()).and_then(|b| Ok((b, p.after.and_then(|s| s.read())?)));
            let result = texts.map(|(b, a)| compare::compare(&engine, models.as_ref(), &b, &a));
            Pair { name: p.name, before_source, after_source, result }
        })
        .collect();
    for p in &pairs {
        if let Err(problem) = &p.result {
            eprintln!("cofnod: {problem}");
        }
    }
    if opts.anonymise {
        for (n, p) in pairs.iter_mut().enumerate() {
            let number = labels.fill("participant-n", &[("n", &(n + 1))]);
            p.before_source.clear();
            p.after_source.clear();
            if let Err(problem) = &mut p.result {
                // The problem names the file, which names the participant: keep
                // only what went wrong.
                let what = problem.rsplit(": ").next().unwrap_or_default();
                *problem = if p.name.is_empty() { what.to_string() } else { what.replace(&p.name, &number) };
            }
            p.name = number;
        }
    }
    let class = (group || pairs.len() > 1).then(|| class_summary(&pairs));
    let report = match opts.format {
        // Names and sentences come from the drafts: nothing in them may drive the terminal.
        CompareFormat::Text => crate::safe_text::lines_for_terminal(&text::render(&pairs, class.as_ref(), &labels)).into_owned(),
        CompareFormat::Json => json::render(&pairs, class.as_ref(), &labels),
        CompareFormat::Html => html::render(&pairs, class.as_ref(), &labels),
    };
    let written = match &opts.out {
        Some(path) => write_report(path, &report, &inputs),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(report.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| (super::exit::WRITE, format!("could not write the report: {}", e.kind())))
        }
    };
    if let Err((code, problem)) = written {
        eprintln!("cofnod: {problem}");
        return code;
    }
    let failed = pairs.iter().filter(|p| p.result.is_err()).count();
    match (failed, group) {
        (0, _) => 0,
        (_, true) if failed < pairs.len() => 1,
        _ => 2,
    }
}

/// Writes the report, refusing (a usage error) to overwrite one of the drafts; a
/// failure to write is `exit::WRITE`.
fn write_report(path: &Path, report: &str, inputs: &[PathBuf]) -> Result<(), (i32, String)> {
    let name = crate::safe_text::path(path);
    if let Ok(out) = std::fs::canonicalize(path) {
        if inputs.iter().any(|i| std::fs::canonicalize(i).is_ok_and(|i| i == out)) {
            return Err((2, format!("{name}: is one of the drafts; the report will not overwrite it (choose another --out)")));
        }
    }
    std::fs::write(path, report).map_err(|e| (super::exit::WRITE, format!("{name}: could not write the report: {}", e.kind())))
}
