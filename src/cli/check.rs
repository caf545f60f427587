//! `cofnod check`: many notes (and the records of exports), one engine per
//! configuration, analysed in parallel and reported in order. Each file's report is written as soon as it and the files
//! before it are done (and flushed before waiting for more), and only a few files
//! are in hand at once: memory
//! stays flat however many notes a run has, and a run that is stopped part-way (a
//! memory cap, a killed job) keeps the reports already written.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use super::report::{self, FileReport, Reporter, Summary};
use super::{exit, LangArg};
use crate::config::{self, Config, RuleFile};
use crate::engine::Engine;
use crate::export::{self, Item, Records};
use crate::input::{self, InputError};
use crate::models::{store, ModelError, ModelUse, Models};
use crate::safe_text;

/// `cofnod check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings with their lines, for people.
    Text,
    /// JSON version 1, one document.
    Json,
    /// JSON Lines: a line per file or record, then the summary.
    Jsonl,
    /// A row per finding, for Excel and Power BI.
    Csv,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// A dashboard for managers: totals per check, group and month (use --out).
    Html,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: CheckFormat,
    /// Where the report goes (default: standard output).
    pub out: Option<PathBuf>,
    /// The export's columns, from the command line (they win over `[export]`).
    pub export: export::Options,
    /// The dashboard's language.
    pub lang: Option<LangArg>,
    /// Replace groups (authors, teams) and record ids in the dashboard and reports.
    pub anonymise: bool,
    pub rules: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub models: Option<ModelUse>,
    pub models_dir: Option<PathBuf>,
    /// `--max-file-size`, in megabytes.
    pub max_file_size: Option<u64>,
}

enum Target {
    Stdin,
    /// A file, and whether it was found by walking a folder (rather than named).
    File(PathBuf, bool),
    /// An export of records, and whether it was found by walking a folder.
    Export(PathBuf, export::Kind, bool),
    /// Something that cannot be checked, and why.
    Problem(PathBuf, String),
}

impl Target {
    fn path(&self) -> PathBuf {
        match self {
            Target::Stdin => PathBuf::from("-"),
            Target::File(p, _) | Target::Export(p, _, _) | Target::Problem(p, _) => p.clone(),
        }
    }
}

fn target_of(path: PathBuf, walked: bool) -> Target {
    match export::Kind::of(&path) {
        Some(kind) => Target::Export(path, kind, walked),
        None => Target::File(path, walked),
    }
}

/// Expands folders into the notes and exports they contain, sorted, skipping hidden
/// folders.
fn collect(paths: &[PathBuf], skipped: &mut usize) -> Vec<Target> {
    let mut targets = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target::Stdin);
        } else if path.is_dir() {
            let (found, others) = input::files_under(path, input::is_checkable);
            targets.extend(found.into_iter().map(|f| match f {
                input::Found::Note(p) => target_of(p, true),
                input::Found::Problem(p, why) => Target::Problem(p, why),
            }));
            *skipped += others;
        } else if input::is_checkable(path) {
            targets.push(target_of(path.clone(), false));
        } else {
            eprintln!(
                "cofnod: {}: skipped (cofnod checks .txt, .md and .docx files, and exports: .csv, .tsv, .xlsx, .ods, .json, .jsonl)",
                safe_text::path(path)
            );
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
    /// The largest note this configuration checks.
    max_note_bytes: u64,
    /// `[export]`: the columns of exports.
    export: export::Options,
}

/// Engines by configuration file, built once each.
struct Engines {
    extra: Vec<crate::rulebook::RuleSource>,
    fixed: Option<Arc<Configured>>,
    by_config: HashMap<Option<PathBuf>, Arc<Configured>>,
    config_of_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// `--max-file-size`, which wins over `[files] max_size_mb`.
    max_note_bytes: Option<u64>,
}

impl Engines {
    fn build(&self, config: &Config) -> Result<Configured, String> {
        let mut sources = config::read_rule_files(&config.rule_files).map_err(|e| e.to_string())?;
        sources.extend(self.extra.iter().map(|s| crate::rulebook::RuleSource { name: s.name.clone(), text: s.text.clone() }));
        let engine = Engine::with_rules(&sources, config.settings.clone()).map_err(|e| e.to_string())?;
        let max_note_bytes = self.max_note_bytes.or(config.max_note_bytes).unwrap_or(input::DEFAULT_MAX_NOTE_BYTES);
        Ok(Configured { engine, ignore: config.ignore.clone(), models: config.models, max_note_bytes, export: config.export.clone() })
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

/// What a worker checks: a note, or a record of an export.
enum Work {
    Target(Target),
    Record(Arc<PathBuf>, export::Record),
    /// An export that cannot be read (further), and why.
    ExportProblem(Arc<PathBuf>, String),
    /// An export with a header and no records: nothing to check, and not an error.
    ExportEmpty(Arc<PathBuf>),
}

struct Job {
    work: Work,
    configured: Arc<Configured>,
    /// Bytes in hand while it is checked, to ration memory.
    size: u64,
    /// Bytes of input it accounts for, for the progress bar.
    progress: u64,
}

fn check_text(report: &mut FileReport, text: &str, configured: &Configured, models: Option<&Models>, for_text: bool) {
    report.message_lang = configured.engine.message_lang();
    let checked = crate::reported::check_text(&configured.engine, text, models, for_text);
    report.findings = checked.findings;
    report.language = checked.language;
}

fn check_one(work: &Work, configured: &Configured, models: Option<&Models>, for_text: bool) -> FileReport {
    let limit = configured.max_note_bytes;
    let (mut report, decoded) = match work {
        Work::Target(Target::Stdin) => (FileReport::new(Path::new("-")), input::read_stdin(limit)),
        Work::Target(Target::File(path, _)) if export::is_docx(path) => (FileReport::new(path), export::docx::read(path, limit)),
        Work::Target(Target::File(path, _)) => (FileReport::new(path), input::read(path, limit)),
        Work::Target(Target::Problem(path, why)) => {
            let mut report = FileReport::new(path);
            report.error = Some(why.clone());
            return report;
        }
        Work::ExportEmpty(path) => {
            let mut report = FileReport::new(path);
            report.empty = true;
            return report;
        }
        Work::ExportProblem(path, why) => {
            let mut report = FileReport::new(path);
            report.error = Some(why.clone());
            return report;
        }
        Work::Target(Target::Export(..)) => unreachable!("exports are opened by the feed"),
        Work::Record(path, record) => {
            let mut report = FileReport::new(path);
            report.record = Some(record.info.clone());
            report.encoding = Some(record.encoding);
            match &record.text {
                Ok(text) => check_text(&mut report, text, configured, models, for_text),
                Err(problem) => report.error = Some(problem.clone()),
            }
            return report;
        }
    };
    match decoded {
        Err(InputError::Empty) => report.empty = true,
        Err(e) => report.error = Some(e.to_string()),
        Ok(d) => {
            check_text(&mut report, &d.text, configured, models, for_text);
            report.encoding = Some(d.encoding);
        }
    }
    report
}

/// The jobs of a run, in order: the files named and found, with each export opened
/// when its turn comes and its records taken one at a time.
struct Feed {
    targets: std::vec::IntoIter<(Target, Arc<Configured>, u64)>,
    /// The export being read: its path, engine, records, size and bytes counted so far.
    export: Option<OpenExport>,
    peeked: Option<Job>,
    /// The command line's export options.
    options: export::Options,
}

struct OpenExport {
    path: Arc<PathBuf>,
    configured: Arc<Configured>,
    records: Records,
    size: u64,
    counted: u64,
    /// Whether it has given anything yet.
    any: bool,
}

impl Feed {
    fn peek(&mut self) -> Option<&Job> {
        if self.peeked.is_none() {
            self.peeked = self.pull();
        }
        self.peeked.as_ref()
    }

    fn take(&mut self) -> Option<Job> {
        self.peek();
        self.peeked.take()
    }

    fn pull(&mut self) -> Option<Job> {
        loop {
            if let Some(open) = &mut self.export {
                let item = open.records.next();
                let first = !std::mem::replace(&mut open.any, true);
                match item {
                    Some(Item::Record(record)) => {
                        let size = record.text.as_ref().map_or(0, |t| t.len() as u64);
                        let at = record.read_to.unwrap_or(open.counted).clamp(open.counted, open.size);
                        let progress = at - open.counted;
                        open.counted = at;
                        return Some(Job { work: Work::Record(open.path.clone(), record), configured: open.configured.clone(), size, progress });
                    }
                    Some(Item::Fatal(problem)) => {
                        let progress = open.size - open.counted;
                        open.counted = open.size;
                        return Some(Job { work: Work::ExportProblem(open.path.clone(), problem), configured: open.configured.clone(), size: 0, progress });
                    }
                    None => {
                        let open = self.export.take().expect("an export is open");
                        if first {
                            let progress = open.size;
                            return Some(Job { work: Work::ExportEmpty(open.path), configured: open.configured, size: 0, progress });
                        }
                        continue;
                    }
                }
            }
            let (target, configured, size) = self.targets.next()?;
            if let Target::Export(path, kind, _) = &target {
                let options = self.options.or(&configured.export);
                let records = export::open(path, *kind, &options, configured.max_note_bytes);
                self.export = Some(OpenExport { path: Arc::new(path.clone()), configured, records, size, counted: 0, any: false });
                continue;
            }
            return Some(Job { work: Work::Target(target), configured, size, progress: size });
        }
    }
}

/// Files analysed ahead of the next one to be written, per worker: enough to keep
/// every core busy past a slow file, few enough to bound memory.
const AHEAD_PER_WORKER: usize = 4;

/// Bytes of notes in hand at once (read, analysed or waiting to be written), beyond
/// the one file always allowed: large files are then checked one or two at a time,
/// since a note's analysis and report take some tens of times its size.
const IN_HAND_BYTES: u64 = 32 * input::MB;

/// Where the run is: the jobs still to take, how many were taken and how many
/// reports are written, the bytes of the jobs taken but not yet written, the reports
/// done but not yet written, how many workers wait for room (so that only then is
/// anyone woken), and whether a worker is writing.
struct Progress {
    feed: Feed,
    taken: usize,
    written: usize,
    in_hand: u64,
    stop: bool,
    done: BTreeMap<usize, Done>,
    idle_workers: usize,
    writing: bool,
}

/// A job checked and rendered, waiting for its turn to be written.
struct Done {
    report: FileReport,
    bytes: Vec<u8>,
    /// The job's bytes in hand, and the input bytes it accounts for.
    size: u64,
    advance: u64,
}

/// The report being written, the totals so far, and the first write error.
struct Output {
    out: std::io::BufWriter<Box<dyn Write + Send>>,
    summary: Summary,
    error: Option<std::io::Error>,
}

impl Output {
    /// Writes one file's report; `false` once writing has failed.
    fn write(&mut self, reporter: &dyn Reporter, report: &FileReport, bytes: &[u8], json: bool) -> bool {
        self.summary.add(report);
        if report.error.is_some() && json {
            eprintln!("cofnod: {}: {}", report.name(), safe_text::for_terminal(report.error.as_deref().unwrap_or_default()));
        }
        if self.error.is_none() {
            if let Err(e) = reporter.begin_file(&mut self.out, report).and_then(|_| self.out.write_all(bytes)) {
                self.error = Some(e);
            }
        }
        self.error.is_none()
    }

    fn flush(&mut self) -> bool {
        if self.error.is_none() {
            if let Err(e) = self.out.flush() {
                self.error = Some(e);
            }
        }
        self.error.is_none()
    }
}

pub fn run(opts: Options) -> i32 {
    let missing: Vec<&PathBuf> = opts.paths.iter().filter(|p| p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err()).collect();
    if !missing.is_empty() {
        for p in missing {
            eprintln!("cofnod: {}: no such file or folder", safe_text::path(p));
        }
        return exit::USAGE;
    }
    if opts.anonymise && !matches!(opts.format, CheckFormat::Html | CheckFormat::Csv | CheckFormat::Sarif) {
        eprintln!("cofnod: --anonymise applies to --format html, csv and sarif (the other formats report records as they are)");
        return exit::USAGE;
    }
    if opts.lang.is_some() && opts.format != CheckFormat::Html {
        eprintln!("cofnod: --lang sets the dashboard's language (--format html); messages follow each note's language, or `[messages] language` in cofnod.toml");
        return exit::USAGE;
    }
    if opts.max_file_size == Some(0) {
        eprintln!("cofnod: --max-file-size must be at least 1 (megabyte)");
        return exit::USAGE;
    }
    let given: Vec<RuleFile> = opts.rules.iter().cloned().map(RuleFile::given).collect();
    let extra = match config::read_rule_files(&given) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cofnod: {e}");
            return exit::USAGE;
        }
    };
    let max_note_bytes = opts.max_file_size.map(|mb| mb.saturating_mul(input::MB));
    let mut engines = Engines { extra, fixed: None, by_config: HashMap::new(), config_of_dir: HashMap::new(), max_note_bytes };
    // A broken --rules file is the user's explicit choice: stop, naming it.
    if let Err(e) = engines.build(&Config::default()) {
        eprintln!("cofnod: {e}");
        return exit::USAGE;
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
            return exit::USAGE;
        }
        None => {}
    }

    let mut skipped = 0;
    let targets = collect(&opts.paths, &mut skipped);
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // The report must not overwrite what it reports on.
    if let Some(out) = &opts.out {
        if let Ok(out) = std::fs::canonicalize(out) {
            if targets.iter().any(|t| std::fs::canonicalize(t.path()).is_ok_and(|p| p == out)) {
                eprintln!("cofnod: {}: is one of the files being checked; the report will not overwrite it (choose another --out)", safe_text::path(&out));
                return exit::USAGE;
            }
        }
    }
    let mut jobs: Vec<(Target, Arc<Configured>, u64)> = Vec::with_capacity(targets.len());
    let mut total_bytes = 0u64;
    for t in targets {
        let dir = match &t {
            Target::Stdin => cwd.clone(),
            Target::File(p, _) | Target::Export(p, _, _) | Target::Problem(p, _) => {
                p.parent().filter(|d| !d.as_os_str().is_empty()).map_or(cwd.clone(), |d| cwd.join(d))
            }
        };
        let configured = engines.for_dir(&dir);
        // `[files] ignore` leaves out files found in folders; a file named on the
        // command line is always checked.
        if let Target::File(p, true) | Target::Export(p, _, true) | Target::Problem(p, _) = &t {
            if configured.ignore.is_ignored(&cwd.join(p)) {
                skipped += 1;
                continue;
            }
        }
        // The size as the folder lists it (a pipe or a device says 0): a note's, to
        // ration memory; an export's, for the progress bar.
        let size = match &t {
            Target::File(p, _) => std::fs::metadata(p).map_or(0, |m| m.len()).min(configured.max_note_bytes),
            Target::Export(p, _, _) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Target::Stdin | Target::Problem(..) => 0,
        };
        total_bytes += size;
        jobs.push((t, configured, size));
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

    let lang = match opts.lang {
        Some(LangArg::Cy) => crate::language::Lang::Cy,
        _ => crate::language::Lang::En,
    };
    let reporter: Box<dyn Reporter> = match opts.format {
        CheckFormat::Text => {
            let colour = opts.out.is_none() && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            Box::new(report::Text { colour })
        }
        CheckFormat::Json => Box::new(report::Json::new(crate::rulebook::embedded_messages())),
        CheckFormat::Jsonl => Box::new(report::Jsonl),
        CheckFormat::Csv => Box::new(report::Csv::new(opts.anonymise)),
        CheckFormat::Sarif => Box::new(report::Sarif::new(crate::rulebook::embedded_messages(), opts.anonymise)),
        CheckFormat::Html => Box::new(report::Dashboard::new(lang, opts.anonymise)),
    };
    let sink: Box<dyn Write + Send> = match &opts.out {
        None => Box::new(std::io::stdout()),
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(file),
            Err(e) => {
                eprintln!("cofnod: {}: could not write the report: {}", safe_text::path(path), e.kind());
                return exit::WRITE;
            }
        },
    };
    let out = std::io::BufWriter::with_capacity(64 * 1024, sink);
    let summary = Summary { skipped, ..Summary::default() };
    let for_text = opts.format == CheckFormat::Text;
    let progress = super::progress::Bar::new(total_bytes, opts.out.is_some() || !std::io::IsTerminal::is_terminal(&std::io::stdout()));

    // Workers take jobs in order, no further than `ahead` past the next report to be
    // written. The worker that finishes the next report to be written writes it, and
    // any after it that are done, then flushes: no thread waits on another's turn to
    // write, and a thread is woken only when room for more jobs opens.
    let has_exports = jobs.iter().any(|(t, _, _)| matches!(t, Target::Export(..)));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let workers = if has_exports { workers } else { workers.min(jobs.len().max(1)) };
    let ahead = workers * AHEAD_PER_WORKER;
    let feed = Feed { targets: jobs.into_iter(), export: None, peeked: None, options: opts.export.clone() };
    let shared = Mutex::new(Progress { feed, taken: 0, written: 0, in_hand: 0, stop: false, done: BTreeMap::new(), idle_workers: 0, writing: false });
    let room = Condvar::new();
    let output = Mutex::new(Output { out, summary, error: None });
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (shared, room, output, reporter, models_for, progress) = (&shared, &room, &output, &reporter, &models_for, &progress);
            let json = opts.format != CheckFormat::Text;
            scope.spawn(move || loop {
                // Jobs are taken in order, each when it is near enough the next to be
                // written and its bytes fit (or nothing else is in hand): the oldest
                // job in hand never waits, so the run always moves on.
                let (i, job) = {
                    let mut p = shared.lock().unwrap_or_else(|e| e.into_inner());
                    loop {
                        if p.stop {
                            return;
                        }
                        let Some(size) = p.feed.peek().map(|j| j.size) else { return };
                        let near = p.taken < p.written + ahead;
                        let fits = p.in_hand == 0 || p.in_hand + size <= IN_HAND_BYTES;
                        if near && fits {
                            p.in_hand += size;
                            break;
                        }
                        p.idle_workers += 1;
                        p = room.wait(p).unwrap_or_else(|e| e.into_inner());
                        p.idle_workers -= 1;
                    }
                    let job = p.feed.take().expect("peeked above");
                    p.taken += 1;
                    (p.taken - 1, job)
                };
                let (work, configured) = (&job.work, &job.configured);
                // A bug in cofnod must not lose the run (or hang it, waiting for this
                // report): the file gets an error and the others go on.
                let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let report = check_one(work, configured, models_for(configured), for_text);
                    let bytes = reporter.render(&report);
                    (report, bytes)
                }));
                let (report, bytes) = checked.unwrap_or_else(|_| {
                    let mut report = match work {
                        Work::Target(t) => FileReport::new(&t.path()),
                        Work::Record(path, record) => {
                            let mut r = FileReport::new(path);
                            r.record = Some(record.info.clone());
                            r
                        }
                        Work::ExportProblem(path, _) | Work::ExportEmpty(path) => FileReport::new(path),
                    };
                    report.error = Some("cofnod failed on this file (an internal error; please report it)".to_string());
                    let bytes = reporter.render(&report);
                    (report, bytes)
                });
                let (size, advance) = (job.size, job.progress);
                drop(job);
                let mut p = shared.lock().unwrap_or_else(|e| e.into_inner());
                p.done.insert(i, Done { report, bytes, size, advance });
                if p.writing {
                    continue; // The worker writing will reach it.
                }
                p.writing = true;
                loop {
                    let written = p.written;
                    if let Some(done) = p.done.remove(&written) {
                        drop(p);
                        let ok = output.lock().unwrap_or_else(|e| e.into_inner()).write(&**reporter, &done.report, &done.bytes, json);
                        progress.advance(done.advance, done.report.record.is_some());
                        p = shared.lock().unwrap_or_else(|e| e.into_inner());
                        p.written += 1;
                        p.in_hand -= done.size;
                        p.stop |= !ok;
                        if p.idle_workers > 0 {
                            room.notify_all();
                        }
                        continue;
                    }
                    // Nothing more is ready: flush, so the reader has every report
                    // done, then look once more (another may have finished meanwhile).
                    drop(p);
                    let ok = output.lock().unwrap_or_else(|e| e.into_inner()).flush();
                    p = shared.lock().unwrap_or_else(|e| e.into_inner());
                    p.stop |= !ok;
                    if p.stop {
                        room.notify_all();
                    }
                    if p.stop || !p.done.contains_key(&p.written) {
                        p.writing = false;
                        break;
                    }
                }
            });
        }
    });
    progress.finish();
    let Output { mut out, summary, error: mut write_error } = output.into_inner().unwrap_or_else(|e| e.into_inner());
    if write_error.is_none() {
        if let Err(e) = reporter.finish(&mut out, &summary).and_then(|_| out.flush()) {
            write_error = Some(e);
        }
    }
    if let Some(e) = write_error {
        // A reader that went away (`| head`) chose to stop; anything else is a report
        // lost, which must not pass for a clean run.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("cofnod: could not write the report: {e}");
        }
        return exit::WRITE;
    }
    if summary.errors > 0 {
        exit::UNCHECKED
    } else if summary.findings > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
