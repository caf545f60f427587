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
    pub pairs: Option<PathBuf>,
    pub sample: Option<PathBuf>,
    pub fluency: Option<PathBuf>,
    pub lang: Option<LangArg>,
    pub all: bool,
    pub format: Format,
    pub models: Option<ModelUse>,
    pub models_dir: Option<PathBuf>,
}

fn say_unavailable(what: &str, e: &ModelError) {
    match e {
        ModelError::NotInstalled(_) => {
            let install = if what == "generator" { "cofnod models install generator" } else { "cofnod models install" };
            eprintln!("cofnod: the {what} is not installed; `{install}` adds it")
        }
        e => eprintln!("cofnod: {e}"),
    }
}

pub fn run(opts: Options) -> i32 {
    if opts.pairs.is_some() || opts.sample.is_some() || opts.fluency.is_some() {
        return super::exit_code(measure(&opts));
    }
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
        Format::Json => say!("{}", serde_json::to_string_pretty(&result).unwrap_or_default()),
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
        say!("No plainer version passed the checks ({} candidates tried).", r.candidates.len());
    }
    for c in &accepted {
        say!("{}", crate::safe_text::for_terminal(&c.text));
        say!("    ({}; {} findings, was {})", c.source, c.findings, r.findings);
    }
    if all {
        for c in r.candidates.iter().filter(|c| !c.accepted()) {
            say!("rejected ({}): {}", c.source, crate::safe_text::for_terminal(&c.text));
            for p in &c.problems {
                say!("    - {}", crate::safe_text::for_terminal(p));
            }
        }
    }
}

/// `--pairs` and `--sample`: the measurements behind docs/QUALITY.md.
fn measure(opts: &Options) -> Result<(), String> {
    let dir = store::models_dir(opts.models_dir.as_deref(), None);
    let models = Models::load(&dir).map_err(|e| e.to_string())?;
    if let Some(file) = &opts.pairs {
        let tsv = crate::input::read_text(file, 64 * crate::input::MB)?;
        let pairs = rewrite::pair_similarities(&models, &tsv)?;
        let (t, balanced, kept, caught) = rewrite::choose_threshold(&pairs);
        say!("{} pairs; best threshold {t:.2}: balanced accuracy {balanced:.3} (keep pairs passed {kept:.3}, change pairs refused {caught:.3})", pairs.len());
        say!("in use: {:.2}", rewrite::MEANING_KEPT);
        for lang in ["en", "cy"] {
            for keep in [true, false] {
                let mut v: Vec<f32> = pairs.iter().filter(|p| p.0 == lang && p.1 == keep).map(|p| p.2).collect();
                v.sort_by(f32::total_cmp);
                if let (Some(lo), Some(hi)) = (v.first(), v.last()) {
                    say!("{lang} {:<6} n={:<3} cosine min {lo:.3} median {:.3} max {hi:.3}", if keep { "keep" } else { "change" }, v.len(), v[v.len() / 2]);
                }
            }
        }
    }
    if let Some(file) = &opts.fluency {
        let tsv = crate::input::read_text(file, 64 * crate::input::MB)?;
        let (mut passed, mut caught, mut nf, mut nb) = (0, 0, 0, 0);
        for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [lang, label, original, candidate] = cols[..] else { return Err(format!("{}: a line without four columns", file.display())) };
            let lang = Lang::parse(lang).unwrap_or(Lang::En);
            let refused = !crate::checks::fluency::new_breakages(original, candidate, lang).is_empty();
            if label == "fluent" {
                nf += 1;
                passed += usize::from(!refused);
            } else {
                nb += 1;
                caught += usize::from(refused);
            }
        }
        say!("the rules' gate: fluent passed {passed}/{nf}, broken refused {caught}/{nb}");
        let generator = match Generator::load(&dir) {
            Ok(g) => g,
            Err(e) => {
                say_unavailable("generator", &e);
                return Ok(());
            }
        };
        let diffs = rewrite::fluency_differences(&generator, &tsv)?;
        for (label, fluent) in [("fluent", true), ("broken", false)] {
            let mut v: Vec<f32> = diffs.iter().filter(|d| d.0 == fluent).map(|d| d.1).collect();
            v.sort_by(f32::total_cmp);
            if let (Some(lo), Some(hi)) = (v.first(), v.last()) {
                say!("{label:<6} n={:<3} candidate less original, mean log-prob a token: min {lo:.2} median {:.2} max {hi:.2}", v.len(), v[v.len() / 2]);
            }
        }
        for m in [0.0f32, 0.25, 0.5, 0.75, 1.0, 1.5] {
            let passed = diffs.iter().filter(|d| d.0 && d.1 >= -m).count();
            let caught = diffs.iter().filter(|d| !d.0 && d.1 < -m).count();
            let (nf, nb) = (diffs.iter().filter(|d| d.0).count(), diffs.iter().filter(|d| !d.0).count());
            let both_passed = diffs.iter().filter(|d| d.0 && d.1 >= -m && !d.2).count();
            let both_caught = diffs.iter().filter(|d| !d.0 && (d.1 < -m || d.2)).count();
            say!("margin {m:.2}: fluent passed {passed}/{nf}, broken refused {caught}/{nb}; with the rules' gate: {both_passed}/{nf} and {both_caught}/{nb}");
        }
        say!("in use: {:.2}", rewrite::FLUENCY_MARGIN);
    }
    if let Some(corpus_dir) = &opts.sample {
        let generator = Generator::load(&dir).map_err(|e| say_unavailable("generator", &e)).ok();
        let engine = Engine::new();
        let cases = crate::corpus::load(corpus_dir)?;
        let mut shown = 0;
        for lang in [Lang::En, Lang::Cy] {
            let (mut tried, mut accepted) = (0, 0);
            for case in cases.iter().filter(|c| c.lang == lang && c.split() == crate::corpus::Split::Test) {
                if !case.expect.contains(&crate::finding::Category::PlainLanguage) || case.text.lines().count() > 1 {
                    continue;
                }
                let r = rewrite::rewrite_in(&engine, Some(&models), generator.as_ref(), case.text.trim(), lang, &|| false);
                tried += 1;
                let ok = r.accepted().next().is_some();
                accepted += usize::from(ok);
                if opts.all && shown < 200 {
                    shown += 1;
                    say!("{} {}", if ok { "ACCEPTED" } else { "none    " }, r.original);
                    for c in &r.candidates {
                        say!("    [{}{}] {}", c.source, if c.accepted() { ", accepted" } else { "" }, c.text);
                        for p in &c.problems {
                            say!("        - {p}");
                        }
                    }
                }
            }
            say!("{}: a checked rewrite for {accepted} of {tried} one-line test-split cases with plain-language findings", lang.code());
        }
    }
    Ok(())
}
