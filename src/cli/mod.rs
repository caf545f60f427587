//! The command line: `cofnod check`, `cofnod compare`, `cofnod explain`, `cofnod corpus`, …

/// `println!` for the commands: a write that fails (a full disk, a closed pipe) is
/// remembered instead of panicking, and the command exits with `exit::WRITE`.
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::write_out(format_args!($($arg)*), true) };
}

/// `print!`, likewise.
macro_rules! say_raw {
    ($($arg:tt)*) => { $crate::cli::write_out(format_args!($($arg)*), false) };
}

mod check;
mod compare;
mod explain;
mod models;
mod progress;
mod review;
mod rewrite;
mod report;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// A local, private writing helper for social care case recording, in English and Welsh.
/// Nothing leaves your machine.
#[derive(Parser)]
#[command(name = "cofnod", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Exit codes of `cofnod check` (README, "Exit codes").
pub mod exit {
    /// Every file checked; no findings.
    pub const CLEAN: i32 = 0;
    /// Every file checked; some findings.
    pub const FINDINGS: i32 = 1;
    /// A usage error, a path that does not exist, a bad `--rules` or `--config`:
    /// nothing was checked.
    pub const USAGE: i32 = 2;
    /// Some files could not be checked (binary, unreadable, too large, not a regular
    /// file, an unreadable folder); the others were, and are reported.
    pub const UNCHECKED: i32 = 3;
    /// The report could not be written (a full disk, a closed pipe).
    pub const WRITE: i32 = 4;
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Cy,
}

#[derive(Subcommand)]
enum Command {
    /// Check notes and exports: files and folders (.txt, .md and .docx; .csv, .tsv,
    /// .xlsx, .ods, .json and .jsonl with one record per row), or - for standard input.
    #[command(after_help = "Exports: each row (or JSON object) is one record. The text is the column --column names (several are joined as paragraphs), else one called note, notes, case note, text, narrative, nodyn... The same options can be set in cofnod.toml under [export].\n\nExamples:\n  cofnod check notes/\n  cofnod check export.csv --column \"Case note\" --id-column \"Record ID\" --group-column Team --date-column Date\n  cofnod check export.xlsx --sheet Contacts --format html --out dashboard.html\n  cofnod check export.csv --format sarif --out cofnod.sarif\n\nExit status: 0 every file checked and no findings; 1 findings; 2 a usage error or a path that does not exist (nothing checked); 3 some files or records could not be checked (the rest are reported); 4 the report could not be written.")]
    Check {
        /// Files, folders, or - for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: check::CheckFormat,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Exports: the column (or JSON field) holding the note text (repeatable; joined as paragraphs).
        #[arg(long, value_name = "NAME", help_heading = "Exports")]
        column: Vec<String>,
        /// Exports: the column holding each record's id.
        #[arg(long, value_name = "NAME", help_heading = "Exports")]
        id_column: Option<String>,
        /// Exports: the column to group by in reports (team, author, service).
        #[arg(long, value_name = "NAME", help_heading = "Exports")]
        group_column: Option<String>,
        /// Exports: the column holding each record's date (months in the dashboard).
        #[arg(long, value_name = "NAME", help_heading = "Exports")]
        date_column: Option<String>,
        /// Exports: the worksheet of an XLSX or ODS workbook (default: the first).
        #[arg(long, value_name = "NAME", help_heading = "Exports")]
        sheet: Option<String>,
        /// The dashboard's language (--format html; default en).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Replace groups (authors, teams) and record ids with numbers in the report.
        #[arg(long)]
        anonymise: bool,
        /// An extra rule file (repeatable), added to the embedded rules.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Use this configuration instead of the nearest cofnod.toml.
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore any cofnod.toml.
        #[arg(long)]
        no_config: bool,
        /// Use the installed models (auto) or the rules alone (off). Default: auto,
        /// or `[models] use` in cofnod.toml.
        #[arg(long, value_enum, env = "COFNOD_MODELS")]
        models: Option<crate::models::ModelUse>,
        /// The models directory (default: COFNOD_MODELS_DIR, `[models] dir`, else the data folder).
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
        /// The largest note to check, in megabytes (default 20, or `[files] max_size_mb`);
        /// a larger one is reported as an error and the run goes on.
        #[arg(long, value_name = "MB", env = "COFNOD_MAX_FILE_SIZE")]
        max_file_size: Option<u64>,
    },
    /// Compare a draft with its rewrite: what was resolved, what is still there,
    /// what is new, and the recording measures before and after. For training.
    #[command(after_help = "Examples:\n  cofnod compare before.txt after.txt\n  cofnod compare --pairs workshop/ --format html --out report.html\n  cofnod compare --pairs workshop.csv --lang cy --anonymise --format html --out adroddiad.html\n\nExit status: 0 when every pair was compared, 1 when a group report was written but some pairs could not be compared, 2 when no report could be made, 4 when the report could not be written.")]
    Compare {
        /// BEFORE and AFTER: the two drafts (.txt or .md; - for standard input).
        #[arg(value_name = "DRAFT", conflicts_with = "pairs")]
        files: Vec<PathBuf>,
        /// The first draft as text, instead of a file.
        #[arg(long, value_name = "TEXT", conflicts_with = "pairs")]
        before_text: Option<String>,
        /// The rewrite as text, instead of a file.
        #[arg(long, value_name = "TEXT", conflicts_with = "pairs")]
        after_text: Option<String>,
        /// A workshop: a folder of NAME.before.txt / NAME.after.txt files, or a CSV
        /// with before and after columns (and optionally participant).
        #[arg(long, value_name = "FOLDER|CSV")]
        pairs: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: compare::CompareFormat,
        /// The report's language (labels and messages). Default: English labels,
        /// each message in the language of its sentence.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Replace participants' names (and file names) by numbers.
        #[arg(long, alias = "anonymize")]
        anonymise: bool,
        /// Write the report to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Use the installed models (auto) or the rules alone (off).
        #[arg(long, value_enum, env = "COFNOD_MODELS")]
        models: Option<crate::models::ModelUse>,
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
    },
    /// Review records against the recording principles: for each, met, partly,
    /// not seen or does not apply, with the lines that show it and what to add; for
    /// several records, how many meet each principle.
    #[command(after_help = "Examples:\n  cofnod review note.txt\n  cofnod review team-notes/ --format html --out review.html\n\nExit status: 0 every record reviewed; 2 a path that does not exist; 3 some files could not be read (the rest are reviewed); 4 the report could not be written.")]
    Review {
        /// Files or folders (.txt and .md, recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: review::ReviewFormat,
        /// The scorecard's language. Default: each record's own.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Write the report to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Use the installed models (auto) or the rules alone (off).
        #[arg(long, value_enum, env = "COFNOD_MODELS")]
        models: Option<crate::models::ModelUse>,
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
    },
    /// Explain a check or a rule, with a good and a bad example.
    Explain {
        /// A category (e.g. opinion-as-fact) or a rule (e.g. plain-language/signpost).
        id: String,
        /// Language of the explanation.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Suggest plainer versions of one sentence, each checked: fewer findings, every
    /// name, number and quotation kept, nothing added, the meaning kept.
    Rewrite {
        #[arg(required_unless_present_any = ["pairs", "sample", "fluency"])]
        sentence: Option<String>,
        /// Measure instead: the meaning-kept threshold on labelled pairs
        /// (corpus/rewrites/pairs.tsv).
        #[arg(long, value_name = "FILE")]
        pairs: Option<PathBuf>,
        /// Measure instead: how often a checked rewrite is found for the sentences
        /// with plain-language findings in the corpus's test split (this folder).
        #[arg(long, value_name = "CORPUS")]
        sample: Option<PathBuf>,
        /// Measure instead: how well the generator's likelihood tells fluent fixes
        /// from broken ones on labelled pairs (corpus/rewrites/fluency.tsv).
        #[arg(long, value_name = "FILE")]
        fluency: Option<PathBuf>,
        /// The sentence's language (default: detected).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Also show the candidates that failed a check, and why.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Use the installed models (auto) or the word lists alone (off).
        #[arg(long, value_enum, env = "COFNOD_MODELS")]
        models: Option<crate::models::ModelUse>,
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
    },
    /// Suggest the national well-being outcomes a personal outcome links to (top 3,
    /// each with how strong a match it is; needs the encoder), in the outcome's
    /// language. With --evaluate, measure on a labelled set.
    Outcomes {
        /// A personal outcome, in English or Welsh.
        #[arg(required_unless_present = "evaluate")]
        outcome: Option<String>,
        /// Whose outcome: an adult's (default), a child's or young person's (care
        /// leavers too), or any (every statement; the default with --evaluate).
        #[arg(long = "for", value_enum, value_name = "WHO")]
        audience: Option<crate::models::outcomes::Audience>,
        /// The outcome's language (default: detected from the text).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// A labelled TSV (lang, best, also, outcome), e.g. corpus/outcomes/eval.tsv.
        #[arg(long, value_name = "FILE")]
        evaluate: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
    },
    /// Install, list, verify or remove the optional on-device models.
    Models {
        #[command(subcommand)]
        command: models::ModelsCommand,
        /// The models directory (default: COFNOD_MODELS_DIR, else the data folder).
        #[arg(long, value_name = "DIR", global = true)]
        models_dir: Option<PathBuf>,
    },
    /// Measure the rules on a labelled corpus (see corpus/README.md).
    Corpus {
        /// The corpus folder, holding en/ and cy/.
        #[arg(default_value = "corpus")]
        dir: PathBuf,
        /// An extra rule file (repeatable).
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Also list the cases the rules get wrong (train and validation splits only).
        #[arg(long)]
        misses: bool,
        /// Use the installed models too (auto), or the rules alone (off). Default:
        /// auto, as for `cofnod check`; the first line of the output says which.
        #[arg(long, value_enum, env = "COFNOD_MODELS")]
        models: Option<crate::models::ModelUse>,
        /// The models directory.
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
        /// Also report the records' held-out test split (read it rarely: every
        /// reading is a look at data that should stay unseen).
        #[arg(long)]
        read_test: bool,
        /// Report the fresh blind set (`corpus/blind`: records labelled by people who
        /// saw neither the rules nor the model, and full records marked by a practice
        /// educator). Read it once, after the rules and the model are frozen.
        #[arg(long)]
        read_blind: bool,
    },
    /// Write the labelling packet for record files (corpus/records/README.md): the
    /// records with their sentences numbered, and the TSV skeleton the labels join.
    #[command(hide = true)]
    LabelPacket {
        /// .records files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write PACKET.txt and PACKET.tsv.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Train the judge on the corpus (needs the encoder installed; about half an hour
    /// on 2 cores) and write models/judge.safetensors, models/judge.toml and the
    /// outcome prototypes; rebuild to embed them.
    Train {
        /// The corpus folder, holding en/ and cy/.
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Where to write the judge (the repository's models/ folder; rebuild after).
        #[arg(long, default_value = "models")]
        out: PathBuf,
        /// The models directory.
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
    },
}

static WRITE_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes to standard output; a failure is said once (unless the reader went away)
/// and turns the exit code into `exit::WRITE`.
pub(crate) fn write_out(args: std::fmt::Arguments, newline: bool) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|_| if newline { out.write_all(b"\n") } else { Ok(()) });
    if let Err(e) = written {
        failed_to_write(&e);
    }
}

fn failed_to_write(e: &std::io::Error) {
    if !WRITE_FAILED.swap(true, std::sync::atomic::Ordering::SeqCst) && e.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("cofnod: could not write the output: {e}");
    }
}

/// Says that cofnod failed, and where in its code, but not the panic's message: it
/// can hold text (a note's words in a slicing error). `COFNOD_DEBUG=1` shows it all.
fn quiet_panics() {
    if std::env::var_os("COFNOD_DEBUG").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("cofnod: internal error{at} (a bug; please report it; COFNOD_DEBUG=1 shows more)");
    }));
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    quiet_panics();
    let code = run_command();
    use std::io::Write;
    if let Err(e) = std::io::stdout().flush() {
        failed_to_write(&e);
    }
    if WRITE_FAILED.load(std::sync::atomic::Ordering::SeqCst) {
        exit::WRITE
    } else {
        code
    }
}

fn run_command() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check {
            paths,
            format,
            out,
            column,
            id_column,
            group_column,
            date_column,
            sheet,
            lang,
            anonymise,
            rules,
            config,
            no_config,
            models,
            models_dir,
            max_file_size,
        } => {
            let export = crate::export::Options { columns: column, id_column, group_column, date_column, sheet };
            check::run(check::Options { paths, format, out, export, lang, anonymise, rules, config, no_config, models, models_dir, max_file_size })
        }
        Command::Compare { files, before_text, after_text, pairs, format, lang, anonymise, out, models, models_dir } => {
            compare::run(compare::Options { files, before_text, after_text, pairs, format, lang, anonymise, out, models, models_dir })
        }
        Command::Review { paths, format, lang, out, models, models_dir } => review::run(review::Options { paths, format, lang, out, models, models_dir }),
        Command::Explain { id, lang } => explain::run(&id, lang),
        Command::Lsp { .. } => crate::lsp::run(),
        Command::Corpus { dir, rules, misses, models, models_dir, read_test, read_blind } => {
            corpus(&dir, &rules, misses, models, models_dir.as_deref(), read_test, read_blind)
        }
        Command::Rewrite { sentence, pairs, sample, fluency, lang, all, format, models, models_dir } => {
            rewrite::run(rewrite::Options { sentence: sentence.unwrap_or_default(), pairs, sample, fluency, lang, all, format, models, models_dir })
        }
        Command::Outcomes { outcome, audience, lang, evaluate, models_dir } => outcomes(outcome, audience, lang, evaluate, models_dir.as_deref()),
        Command::LabelPacket { files, out } => label_packet(&files, &out),
        Command::Train { corpus, out, models_dir } => train(&corpus, &out, models_dir.as_deref()),
        Command::Models { command, models_dir } => {
            models::run(command, &crate::models::store::models_dir(models_dir.as_deref(), None))
        }
    }
}

/// 0 on success; else the error, named as cofnod's, and 2 (a usage or setup problem).
fn exit_code(result: Result<(), String>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("cofnod: {e}");
            2
        }
    }
}

fn outcomes(outcome: Option<String>, audience: Option<crate::models::outcomes::Audience>, lang: Option<LangArg>, evaluate: Option<PathBuf>, models_dir: Option<&Path>) -> i32 {
    use crate::language::Lang;
    use crate::models::outcomes::{self, Audience, Strength};
    let result = (|| -> Result<(), String> {
        let models = crate::models::Models::load(&crate::models::store::models_dir(models_dir, None)).map_err(|e| e.to_string())?;
        if let Some(file) = evaluate {
            let tsv = crate::input::read_text(&file, 64 * crate::input::MB)?;
            let evaluation = outcomes::evaluate_for(&models, &tsv, audience.unwrap_or(Audience::Any))?;
            say!("lang    n  top-1  top-1 (or also)  top-3  top-3 (or also)");
            for (lang, c) in &evaluation.by_lang {
                let pct = |k: usize| 100.0 * k as f64 / c[0].max(1) as f64;
                say!("{lang:<4} {:>4}  {:>4.0}%  {:>14.0}%  {:>4.0}%  {:>14.0}%", c[0], pct(c[1]), pct(c[2]), pct(c[3]), pct(c[4]));
            }
            say!("");
            say!("strength      shown  a right link (best or also)");
            for (strength, shown, right) in &evaluation.strengths {
                say!("{:<12} {shown:>6}  {:>4.0}%", strength.words(Lang::En), 100.0 * *right as f64 / (*shown).max(1) as f64);
            }
            let (groups, found) = evaluation.close;
            say!("top candidates too close to tell apart: {groups} outcomes, a right link among them in {:.0}%", 100.0 * found as f64 / groups.max(1) as f64);
            return Ok(());
        }
        let outcome = outcome.unwrap_or_default();
        let audience = audience.unwrap_or_default();
        let lang = match lang {
            Some(LangArg::Cy) => Lang::Cy,
            Some(LangArg::En) => Lang::En,
            None => outcomes::language_of(&crate::Engine::new(), &outcome),
        };
        let ranked = outcomes::suggest_for(&models, &outcome, audience).ok_or("the outcome prototypes are missing or stale: run `cofnod train`")?;
        let heading = match (lang, audience) {
            (Lang::En, Audience::Adult) => "Closest national well-being outcomes for an adult (choose with the person):",
            (Lang::En, Audience::Child) => "Closest national well-being outcomes for a child or young person (choose with the person):",
            (Lang::En, Audience::Any) => "Closest national well-being outcomes (choose with the person):",
            (Lang::Cy, Audience::Adult) => "Y canlyniadau llesiant cenedlaethol agosaf i oedolyn (dewiswch gyda’r person):",
            (Lang::Cy, Audience::Child) => "Y canlyniadau llesiant cenedlaethol agosaf i blentyn neu berson ifanc (dewiswch gyda’r person):",
            (Lang::Cy, Audience::Any) => "Y canlyniadau llesiant cenedlaethol agosaf (dewiswch gyda’r person):",
        };
        say!("{heading}");
        let width = Strength::ALL.iter().map(|s| s.words(lang).chars().count()).max().unwrap_or(0);
        let mut in_english = false;
        for s in &ranked {
            let statement = s.statement();
            let text = statement.text_in(lang).unwrap_or_else(|| {
                in_english = true;
                &statement.statement
            });
            let words = s.strength.words(lang);
            let pad = " ".repeat(width - words.chars().count());
            say!("  {words}{pad}  {}  {text} ({})", s.id, statement.area(lang));
        }
        let close = match (outcomes::close_count(&ranked), lang) {
            (2, Lang::En) => Some("The first two are close: choose between them with the person."),
            (3, Lang::En) => Some("These three are close: choose with the person."),
            (2, Lang::Cy) => Some("Mae’r ddau gyntaf yn agos: dewiswch rhyngddyn nhw gyda’r person."),
            (3, Lang::Cy) => Some("Mae’r tri hyn yn agos: dewiswch gyda’r person."),
            _ => None,
        };
        if let Some(close) = close {
            say!("{close}");
        }
        if in_english {
            say!("Mae’r datganiadau yn Saesneg: ni chafwyd testun Cymraeg swyddogol ohonyn nhw.");
        }
        Ok(())
    })();
    exit_code(result)
}

fn train(corpus: &Path, out: &Path, models_dir: Option<&Path>) -> i32 {
    let result = (|| -> Result<(), String> {
        let cases = crate::corpus::load(corpus)?;
        let records = crate::corpus::records::load_records(corpus)?;
        let labelled = crate::corpus::records::load_labels(corpus, &records)?;
        let models = crate::models::Models::load(&crate::models::store::models_dir(models_dir, None)).map_err(|e| e.to_string())?;
        let engine = crate::Engine::new();
        let docs = crate::models::finetune::documents(&records, &labelled, &cases);
        let mut say = |m: &str| eprintln!("cofnod: {m}");
        let trained = match std::env::var_os("COFNOD_TRAIN_REUSE") {
            Some(dir) => crate::models::finetune::rethreshold(&engine, &models, &docs, Path::new(&dir), &mut say)?,
            None => crate::models::finetune::train(&engine, &models, &docs, &mut say)?,
        };
        crate::models::finetune::write(&trained, out).map_err(|e| format!("{}: {e}", out.display()))?;
        let prototypes = crate::models::outcomes::build_prototypes(&models)?;
        let path = out.join("outcomes").join("prototypes.safetensors");
        std::fs::write(&path, prototypes).map_err(|e| format!("{}: {e}", path.display()))?;
        say_raw!("{}", trained.report);
        say!("wrote {0}/judge.safetensors, {0}/judge.toml and {0}/outcomes/prototypes.safetensors; rebuild cofnod to embed them", out.display());
        Ok(())
    })();
    exit_code(result)
}

fn label_packet(files: &[PathBuf], out: &Path) -> i32 {
    let result = (|| -> Result<(), String> {
        let engine = crate::Engine::new();
        let mut records = Vec::new();
        for file in files {
            let lang = match file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()) {
                Some("cy") => crate::Lang::Cy,
                _ if file.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("cy")) => crate::Lang::Cy,
                _ => crate::Lang::En,
            };
            let source = crate::input::read_text(file, 64 * crate::input::MB)?;
            records.extend(crate::corpus::records::parse_records(&source, lang, file)?);
        }
        let (text, tsv) = crate::corpus::records::packet(&engine, &records);
        let (txt_path, tsv_path) = (out.with_extension("txt"), out.with_extension("tsv"));
        std::fs::write(&txt_path, text).map_err(|e| format!("{}: {e}", txt_path.display()))?;
        std::fs::write(&tsv_path, &tsv).map_err(|e| format!("{}: {e}", tsv_path.display()))?;
        say!("{} records, {} sentences: wrote {} and {}", records.len(), tsv.lines().count() - 1, txt_path.display(), tsv_path.display());
        Ok(())
    })();
    exit_code(result)
}

fn corpus(dir: &Path, rules: &[PathBuf], misses: bool, models: Option<crate::models::ModelUse>, models_dir: Option<&Path>, read_test: bool, read_blind: bool) -> i32 {
    let result = (|| -> Result<(), String> {
        let cases = crate::corpus::load(dir)?;
        let files: Vec<crate::config::RuleFile> = rules.iter().cloned().map(crate::config::RuleFile::given).collect();
        let sources = crate::config::read_rule_files(&files).map_err(|e| e.to_string())?;
        let engine = crate::Engine::with_rules(&sources, Default::default()).map_err(|e| e.to_string())?;
        // As `cofnod check`: the models when they are installed, else the rules (said once).
        let loaded = compare::models_unless_off(models, models_dir, "measuring");
        say_raw!("measured with {}\n", if loaded.is_some() { "the rules and the on-device models (--models auto)" } else { "the rules alone (--models off)" });
        let report = match &loaded {
            None => crate::corpus::evaluate(&engine, &cases),
            Some(models) => crate::corpus::evaluate_with_models(&engine, models, &cases),
        };
        say_raw!("{}", report.table());
        if misses {
            say_raw!("{}", report.misses_text(&cases));
        }
        let records = crate::corpus::records::load_records(dir)?;
        let labelled = crate::corpus::records::load_labels(dir, &records)?;
        if !labelled.is_empty() {
            use crate::corpus::Split;
            let analyse = |text: &str| match &loaded {
                None => engine.analyse(text).findings,
                Some(m) => engine.analyse_with_models(text, m).findings,
            };
            let report = crate::corpus::records::evaluate(&analyse, &records, &labelled);
            say_raw!("\n{}", report.table(&[Split::Train, Split::Validation]));
            if read_test {
                say_raw!("{}", report.table(&[Split::Test]));
            }
            if misses {
                say_raw!("{}", crate::corpus::records::misses_text(&report, &records, &labelled));
            }
            if read_blind {
                use crate::corpus::records::{evaluate, load_full, load_labels, load_records};
                let all = [Split::Train, Split::Validation, Split::Test];
                let blind = dir.join("blind");
                let records = load_records(&blind)?;
                let labelled = load_labels(&blind, &records)?;
                say_raw!("\n{}", evaluate(&analyse, &records, &labelled).table_titled("the blind set, sentence by sentence (all of it)", &all));
                let (records, labelled) = load_full(&blind, &engine)?;
                let report = evaluate(&analyse, &records, &labelled);
                say_raw!("\n{}", report.table_titled("the blind full records, against the practice educator's marks", &all));
                say_raw!("{}", crate::corpus::records::full_record_lines(&report, &records, &labelled));
            }
        }
        Ok(())
    })();
    exit_code(result)
}
