//! `cofnod rewrite "sentence"`: plainer versions that pass every check.

use std::path::PathBuf;

use crate::engine::Engine;
use crate::language::Lang;
use crate::models::generator::Generator;
use crate::models::rewrite::{self, Rewrites};
use crate::models::{store, ModelError, ModelUse, Models};

use super::{Format, LangArg};

pub struct Options {
    pub sentence: String,
    pub lang: Option<LangArg>,
    pub all: bool,
    pub format: Format,
    pub models: Option<ModelUse>,
    pub models_dir: Option<PathBuf>,
}

fn say_unavailable(what: &str, e: &ModelError) {
    match e {
        ModelError::NotInstalled(_) => eprintln!("cofnod: the {what} is not installed; `cofnod models install` adds it"),
        e => eprintln!("cofnod: {e}"),
    }
}

pub fn run(opts: Options) -> i32 {
    let sentence = opts.sentence.trim();
    if sentence.is_empty() {
        eprintln!("cofnod: give a sentence to rewrite");
        return 2;
    }
    let engine = Engine::new();
    let dir = store::models_dir(opts.models_dir.as_deref(), None);
    let (models, generator) = if opts.models.unwrap_or_default() == ModelUse::Off {
        (None, None)
    } else {
        let models = Models::load(&dir).map_err(|e| say_unavailable("encoder", &e)).ok();
        let generator = Generator::load(&dir).map_err(|e| say_unavailable("generator", &e)).ok();
        (models, generator)
    };
    let never = || false;
    let result = match opts.lang {
        Some(l) => {
            let lang = if l == LangArg::Cy { Lang::Cy } else { Lang::En };
            rewrite::rewrite_in(&engine, models.as_ref(), generator.as_ref(), sentence, lang, &never)
        }
        None => rewrite::rewrite(&engine, models.as_ref(), generator.as_ref(), sentence, &never),
    };
    match opts.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&result).unwrap_or_default()),
        Format::Text => print_text(&result, opts.all),
    }
    if result.accepted().next().is_some() {
        0
    } else {
        1
    }
}

fn print_text(r: &Rewrites, all: bool) {
    let accepted: Vec<_> = r.accepted().collect();
    if accepted.is_empty() {
        println!("No plainer version passed the checks ({} candidates tried).", r.candidates.len());
    }
    for c in &accepted {
        println!("{}", c.text);
        println!("    ({}; {} findings, was {})", c.source, c.findings, r.findings);
    }
    if all {
        for c in r.candidates.iter().filter(|c| !c.accepted()) {
            println!("rejected ({}): {}", c.source, c.text);
            for p in &c.problems {
                println!("    - {p}");
            }
        }
    }
}
