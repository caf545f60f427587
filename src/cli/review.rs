//! `cofnod review FILE|DIR`: each record's scorecard against the recording
//! principles (`crate::review`), and for several records a summary a team manager
//! reads (how many records meet each principle). Text, JSON or HTML.

use std::io::Write;
use std::path::PathBuf;

use crate::compare::Draft;
use crate::input;
use crate::language::Lang;
use crate::models::{ModelUse, Models};
use crate::review::{self, Principles, Tally};
use crate::safe_text;
use crate::Engine;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Text,
    Json,
    Html,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: ReviewFormat,
    pub lang: Option<super::LangArg>,
    pub out: Option<PathBuf>,
    pub models: Option<ModelUse>,
    pub models_dir: Option<PathBuf>,
}

/// The largest record reviewed, as `cofnod check`'s default.
const MAX_BYTES: u64 = 20 * 1024 * 1024;

pub fn run(opts: Options) -> i32 {
    let mut files = Vec::new();
    let mut problems = 0;
    for path in &opts.paths {
        if path.is_dir() {
            let (found, _) = input::notes_under(path);
            for f in found {
                match f {
                    input::Found::Note(p) => files.push(p),
                    input::Found::Problem(p, why) => {
                        eprintln!("cofnod: {}: {why}", safe_text::path(&p));
                        problems += 1;
                    }
                }
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            eprintln!("cofnod: {}: no such file or folder", safe_text::path(path));
            return 2;
        }
    }
    let models = load_models(&opts);
    let engine = Engine::new();
    let principles = Principles::embedded();
    let fixed_lang = opts.lang.map(|l| match l {
        super::LangArg::En => Lang::En,
        super::LangArg::Cy => Lang::Cy,
    });
    let mut tally = Tally::default();
    let mut text_out = String::new();
    let mut json_records = Vec::new();
    let mut page = review::html::Page::new(fixed_lang.unwrap_or(Lang::En));
    for file in &files {
        let text = match input::read(file, MAX_BYTES) {
            Ok(decoded) => decoded.text,
            Err(e) => {
                // The file and the problem, never its content; the run goes on.
                eprintln!("cofnod: {}: {e}", safe_text::path(file));
                problems += 1;
                continue;
            }
        };
        let draft = Draft::analyse(&engine, models.as_ref(), &text);
        // The scorecard speaks the record's language unless --lang says otherwise.
        let lang = fixed_lang.unwrap_or(match draft.language {
            crate::language::DocLanguage::Cy => Lang::Cy,
            _ => Lang::En,
        });
        let card = review::score(&draft, &principles, lang);
        tally.add(&card);
        let name = safe_text::path(file).to_string();
        match opts.format {
            ReviewFormat::Text => {
                review::text::record(&mut text_out, &name, &draft, &card, &principles, lang);
                text_out.push('\n');
            }
            ReviewFormat::Json => json_records.push(serde_json::to_value(review::json::record(name, &draft, &card, &principles, lang)).expect("serialisable")),
            ReviewFormat::Html => page.record(&name, &draft, &card, &principles),
        }
    }
    let summary_lang = fixed_lang.unwrap_or(Lang::En);
    let report = match opts.format {
        ReviewFormat::Text => {
            if tally.records > 1 {
                review::text::tally(&mut text_out, &tally, &principles, summary_lang);
            }
            safe_text::lines_for_terminal(&text_out).into_owned()
        }
        ReviewFormat::Json => {
            let doc = serde_json::json!({ "version": 1, "records": json_records, "summary": review::json::summary(&tally) });
            serde_json::to_string_pretty(&doc).expect("serialisable") + "\n"
        }
        ReviewFormat::Html => page.finish(&tally, &principles),
    };
    let written = match &opts.out {
        Some(path) => {
            if files.iter().any(|f| std::fs::canonicalize(f).ok() == std::fs::canonicalize(path).ok() && path.exists()) {
                eprintln!("cofnod: {}: is one of the records; the report will not overwrite it (choose another --out)", safe_text::path(path));
                return 2;
            }
            std::fs::write(path, &report).map_err(|e| format!("{}: could not write the report: {}", safe_text::path(path), e.kind()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(report.as_bytes()).and_then(|_| out.flush()).map_err(|e| format!("could not write the report: {}", e.kind()))
        }
    };
    if let Err(problem) = written {
        eprintln!("cofnod: {problem}");
        return super::exit::WRITE;
    }
    if problems > 0 {
        3
    } else {
        0
    }
}

fn load_models(opts: &Options) -> Option<Models> {
    super::compare::models_unless_off(opts.models, opts.models_dir.as_deref(), "reviewing")
}
