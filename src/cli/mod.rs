//! The command line: `cofnod check`, `cofnod explain`, `cofnod corpus`.

mod check;
mod explain;
mod models;
mod report;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A local, private writing helper for social care case recording, in English and Welsh.
/// Nothing leaves your machine.
#[derive(Parser)]
#[command(name = "cofnod", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Cy,
}

#[derive(Subcommand)]
enum Command {
    /// Check notes: files and folders (.txt and .md, recursively), or - for standard input.
    Check {
        /// Files, folders, or - for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// An extra rule file (repeatable), added to the embedded rules.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Use this configuration instead of the nearest cofnod.toml.
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore any cofnod.toml.
        #[arg(long)]
        no_config: bool,
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
    },
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check { paths, format, rules, config, no_config } => {
            check::run(check::Options { paths, format, rules, config, no_config })
        }
        Command::Explain { id, lang } => explain::run(&id, lang),
        Command::Lsp { .. } => crate::lsp::run(),
        Command::Corpus { dir, rules, misses } => corpus(&dir, &rules, misses),
        Command::Models { command, models_dir } => {
            models::run(command, &crate::models::store::models_dir(models_dir.as_deref(), None))
        }
    }
}

fn corpus(dir: &std::path::Path, rules: &[PathBuf], misses: bool) -> i32 {
    let result = (|| -> Result<(), String> {
        let cases = crate::corpus::load(dir)?;
        let sources = crate::config::read_rule_files(rules).map_err(|e| e.to_string())?;
        let engine = crate::Engine::with_rules(&sources, Default::default()).map_err(|e| e.to_string())?;
        let report = crate::corpus::evaluate(&engine, &cases);
        print!("{}", report.table());
        if misses {
            print!("{}", report.misses_text(&cases));
        }
        Ok(())
    })();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("cofnod: {e}");
            2
        }
    }
}
