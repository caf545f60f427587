//! National well-being outcome suggestions: for a personal outcome, in English or
//! Welsh, the national well-being outcome statements ranked by similarity, top 3,
//! each with how strong a match it is in words. Ranked candidates, never a verdict:
//! the link is chosen with the person.
//!
//! Each statement has a prototype: the normalised mean of the encoder's embeddings of
//! the statement and of the team's twelve paraphrases of it (six English, six Welsh,
//! `models/outcomes/prototypes.toml`). `cofnod train` embeds them once and ships the
//! 24 vectors (`models/outcomes/prototypes.safetensors`), so suggestions cost one
//! sentence embedding. The Welsh paraphrases are the team's own, not an official
//! translation: no official Welsh text of the statements was found, so a statement is
//! shown in English (with the Welsh name of its well-being area for Welsh outcomes)
//! unless prototypes.toml gives it a `statement_cy`.
//!
//! **Whose outcomes.** The 24 statements are one list for everyone; the Act's
//! definition of well-being (s.2) adds areas for adults only (control over day-to-day
//! life, participation in work) and for children only (development, welfare). Two
//! statements belong to one of those groups by what they say: "I get the help I need
//! to grow up and be independent" (children and young people, care leavers too) and
//! "I am supported to work" (adults: participation in work). `Audience` filters them;
//! adults are the default.
//!
//! **How strong a match is.** Cosines of a short outcome to the 24 prototypes lie close
//! together (0.88–0.94), so raw scores do not help anyone choose. What tells is the gap
//! to the top candidate: see `CLOSE` and `Strength`.

use std::collections::HashMap;
use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::encoder::cosine;
use super::Models;
use crate::language::{DocLanguage, Lang};
use crate::Engine;

pub const PROTOTYPES_TOML: &str = include_str!("../../models/outcomes/prototypes.toml");
pub const PROTOTYPES_VECTORS: &[u8] = include_bytes!("../../models/outcomes/prototypes.safetensors");

#[derive(Clone, Debug, Deserialize)]
pub struct Statement {
    pub id: String,
    pub domain: String,
    pub domain_cy: String,
    pub statement: String,
    /// An official Welsh text of the statement, if one is ever added (none was
    /// found: see the module documentation).
    #[serde(default)]
    pub statement_cy: Option<String>,
    pub en: Vec<String>,
    pub cy: Vec<String>,
}

impl Statement {
    /// The statement's number, 1–24 ("NWO10" is 10).
    pub fn number(&self) -> u32 {
        self.id.trim_start_matches("NWO").parse().unwrap_or(0)
    }

    /// The statement in `lang`, if there is an official text in it.
    pub fn text_in(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::En => Some(&self.statement),
            Lang::Cy => self.statement_cy.as_deref(),
        }
    }

    /// The name of the statement's well-being area (s.2 of the Act) in `lang`,
    /// without the adults' and children's additions.
    pub fn area(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.domain.split(" (").next().unwrap_or(&self.domain),
            Lang::Cy => &self.domain_cy,
        }
    }

    /// Whom the statement is for: `Some(Adult)` or `Some(Child)` for one group only,
    /// `None` for everyone.
    pub fn only_for(&self) -> Option<Audience> {
        ONLY_FOR.iter().find(|(id, _)| *id == self.id).map(|&(_, a)| a)
    }
}

/// The statements for one group only (module documentation: "Whose outcomes").
const ONLY_FOR: &[(&str, Audience)] = &[("NWO21", Audience::Adult), ("NWO22", Audience::Child)];

/// Whose outcome it is: an adult's (the default), a child's or young person's, or
/// anyone's (every statement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Adult,
    Child,
    Any,
}

impl Audience {
    /// Whether a statement is offered for this audience.
    pub fn sees(self, s: &Statement) -> bool {
        match (self, s.only_for()) {
            (Audience::Any, _) | (_, None) => true,
            (a, Some(only)) => a == only,
        }
    }
}

/// How strong a match a candidate is, from its gap to the top candidate (`CLOSE`):
/// - **strong**: the top candidate, clear of the next by `CLOSE` or more;
/// - **fair**: a candidate within `CLOSE` of the top (the top one included): these
///   are too close to tell apart, and are chosen with the person;
/// - **weak**: a candidate `CLOSE` or more below the top.
///
/// On corpus/outcomes/eval.tsv (every candidate, all 24 statements; a link is right if
/// it is the labelled best or also link), a strong match was right 83% of the time
/// (46 outcomes), a fair top candidate 46% (54), a fair second or third 31% (81), a
/// weak match 12% (119). `cofnod outcomes --evaluate` prints these for any labelled set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    Strong,
    Fair,
    Weak,
}

impl Strength {
    pub const ALL: [Strength; 3] = [Strength::Strong, Strength::Fair, Strength::Weak];

    /// "strong match", "cyfatebiaeth gref", ...
    pub fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Strength::Strong, Lang::En) => "strong match",
            (Strength::Fair, Lang::En) => "fair match",
            (Strength::Weak, Lang::En) => "weak match",
            (Strength::Strong, Lang::Cy) => "cyfatebiaeth gref",
            (Strength::Fair, Lang::Cy) => "cyfatebiaeth weddol",
            (Strength::Weak, Lang::Cy) => "cyfatebiaeth wan",
        }
    }
}

/// The cosine gap under which two candidates cannot be told apart. Chosen on half of
/// corpus/outcomes/eval.tsv (its even-numbered outcomes: 50, both languages) as the
/// gap where the top candidate's accuracy jumps (44% when the next one is closer than
/// this, 83% when it is not) and below which a second or third candidate is a real
/// possibility (31%, against 7% beyond it); checked on the other half (48% and 83%;
/// 31% and 16%). There is no blind split of the outcome set. These depend on the
/// encoder and the prototypes: after `cofnod train` rebuilds the prototypes, check
/// them again with `cofnod outcomes --evaluate corpus/outcomes/eval.tsv`.
pub const CLOSE: f32 = 0.006;

#[derive(Deserialize)]
struct File {
    outcome: Vec<Statement>,
}

pub fn statements() -> &'static [Statement] {
    static S: OnceLock<Vec<Statement>> = OnceLock::new();
    S.get_or_init(|| toml::from_str::<File>(PROTOTYPES_TOML).expect("prototypes.toml is checked by tests").outcome)
}

/// A fingerprint of prototypes.toml, stored with the vectors so stale ones are caught.
pub fn source_hash() -> String {
    super::store::sha256_hex(PROTOTYPES_TOML.as_bytes())
}

#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub statement: String,
    pub domain_cy: String,
    pub score: f32,
    pub strength: Strength,
    /// One of two or three top candidates too close to tell apart (all `Fair`).
    pub close: bool,
}

impl Suggestion {
    pub fn statement(&self) -> &'static Statement {
        statements().iter().find(|s| s.id == self.id).expect("a suggestion names a statement")
    }
}

/// The shipped prototype vectors, by statement id (`None` if not built yet or stale).
fn prototypes() -> Option<&'static HashMap<String, Vec<f32>>> {
    static P: OnceLock<Option<HashMap<String, Vec<f32>>>> = OnceLock::new();
    P.get_or_init(|| {
        let (meta, tensors) = read_vectors(PROTOTYPES_VECTORS)?;
        (meta == source_hash()).then_some(tensors)
    })
    .as_ref()
}

fn read_vectors(bytes: &[u8]) -> Option<(String, HashMap<String, Vec<f32>>)> {
    let tensors = candle_core::safetensors::load_buffer(bytes, &Device::Cpu).ok()?;
    let mut out = HashMap::new();
    let mut source = String::new();
    for (name, t) in tensors {
        let v = t.flatten_all().and_then(|t| t.to_vec1::<f32>()).ok()?;
        if let Some(hash) = name.strip_prefix("source.") {
            source = hash.to_string();
        } else {
            out.insert(name, v);
        }
    }
    Some((source, out))
}

/// Whether the shipped vectors were built from the current prototypes.toml.
pub fn prototypes_are_current() -> bool {
    prototypes().is_some_and(|p| statements().iter().all(|s| p.contains_key(&s.id)))
}

/// Build the prototype vectors (for `cofnod train`).
pub fn build_prototypes(models: &Models) -> Result<Vec<u8>, String> {
    let mut tensors = HashMap::new();
    for s in statements() {
        let mut texts: Vec<&str> = vec![s.statement.as_str()];
        texts.extend(s.en.iter().map(String::as_str));
        texts.extend(s.cy.iter().map(String::as_str));
        let embeddings = models.embed(&texts).map_err(|e| e.to_string())?;
        let mut mean = vec![0f32; embeddings[0].len()];
        for e in &embeddings {
            mean.iter_mut().zip(e.iter()).for_each(|(m, x)| *m += x);
        }
        let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
        mean.iter_mut().for_each(|v| *v /= norm);
        let n = mean.len();
        tensors.insert(s.id.clone(), Tensor::from_vec(mean, n, &Device::Cpu).map_err(|e| e.to_string())?);
    }
    // The source hash rides along as the name of a one-value tensor.
    tensors.insert(format!("source.{}", source_hash()), Tensor::from_vec(vec![0f32], 1, &Device::Cpu).map_err(|e| e.to_string())?);
    super::safetensors_bytes(tensors)
}

/// Every statement `audience` sees with its cosine to `outcome`, best first (`None`
/// if the prototypes are missing or stale, or the encoder failed).
pub fn rank(models: &Models, outcome: &str, audience: Audience) -> Option<Vec<(&'static Statement, f32)>> {
    let protos = prototypes()?;
    let e = models.embed(&[outcome.trim()]).ok()?.pop()?;
    let mut ranked: Vec<(&'static Statement, f32)> =
        statements().iter().filter(|s| audience.sees(s)).filter_map(|s| Some((s, cosine(&e, protos.get(&s.id)?)))).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    Some(ranked)
}

/// The strength of each of the first three of a ranking (`Strength`), and whether it
/// is one of a group of top candidates too close to tell apart.
pub fn strengths(ranked: &[(&Statement, f32)]) -> Vec<(Strength, bool)> {
    let Some(&(_, top)) = ranked.first() else { return Vec::new() };
    let clear = ranked.get(1).is_none_or(|&(_, next)| top - next >= CLOSE);
    ranked
        .iter()
        .take(3)
        .enumerate()
        .map(|(k, &(_, score))| {
            let near = top - score < CLOSE;
            match (k, clear) {
                (0, true) => (Strength::Strong, false),
                _ if near => (Strength::Fair, !clear),
                _ => (Strength::Weak, false),
            }
        })
        .collect()
}

/// The 3 statements closest to an adult's `outcome`, best first. `None` if the
/// prototypes were not built for the current prototypes.toml (run `cofnod train`).
pub fn suggest(models: &Models, outcome: &str) -> Option<Vec<Suggestion>> {
    suggest_for(models, outcome, Audience::Adult)
}

/// As `suggest`, for the statements `audience` sees.
pub fn suggest_for(models: &Models, outcome: &str, audience: Audience) -> Option<Vec<Suggestion>> {
    let ranked = rank(models, outcome, audience)?;
    let strengths = strengths(&ranked);
    Some(
        ranked
            .iter()
            .zip(strengths)
            .map(|(&(s, score), (strength, close))| Suggestion {
                id: s.id.clone(),
                statement: s.statement.clone(),
                domain_cy: s.domain_cy.clone(),
                score,
                strength,
                close,
            })
            .collect(),
    )
}

/// How many of the suggestions are too close to tell apart (0, 2 or 3).
pub fn close_count(suggestions: &[Suggestion]) -> usize {
    suggestions.iter().filter(|s| s.close).count()
}

/// The language an outcome is written in, by the document model's own detection
/// (function words, then lingua): Welsh if the text is Welsh, else English.
pub fn language_of(engine: &Engine, outcome: &str) -> Lang {
    engine.with_document(outcome, |d| match d.language {
        DocLanguage::Cy => Lang::Cy,
        DocLanguage::En => Lang::En,
        // Mixed or undecided: the first sentence whose own words decided it.
        DocLanguage::Mixed | DocLanguage::Unknown => d.sentences.iter().find(|s| s.lang_decided).map_or(Lang::En, |s| s.lang),
    })
}

/// Top-1 and top-3 accuracy on a labelled set (corpus/outcomes/eval.tsv), per
/// language: (n, top-1 best, top-1 best-or-also, top-3 best, top-3 best-or-also).
/// Every statement is a candidate (`Audience::Any`): the set has no audience column.
pub fn evaluate(models: &Models, tsv: &str) -> Result<Vec<(String, [usize; 5])>, String> {
    Ok(evaluate_for(models, tsv, Audience::Any)?.by_lang)
}

/// What `evaluate_for` measures.
pub struct Evaluation {
    /// Per language: (n, top-1 best, top-1 best-or-also, top-3 best, top-3 best-or-also).
    pub by_lang: Vec<(String, [usize; 5])>,
    /// Per strength: candidates shown with it, and how many were a right link (best or also).
    pub strengths: Vec<(Strength, usize, usize)>,
    /// Outcomes whose top candidates were too close to tell apart, and how many of
    /// those had a right link among the close ones.
    pub close: (usize, usize),
}

/// `evaluate`, for the statements `audience` sees, with how often each strength of
/// match was a right link.
pub fn evaluate_for(models: &Models, tsv: &str, audience: Audience) -> Result<Evaluation, String> {
    let mut by_lang: std::collections::BTreeMap<String, [usize; 5]> = Default::default();
    let mut by_strength: std::collections::BTreeMap<Strength, (usize, usize)> = Default::default();
    let mut close = (0, 0);
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [lang, best, also, text] = cols[..] else { return Err(format!("bad line: {line}")) };
        let ranked = suggest_for(models, text, audience).ok_or("the outcome prototypes are missing or stale: run `cofnod train`")?;
        let ranked = &ranked[..ranked.len().min(3)];
        let ok = |id: &str| id == best || (!also.is_empty() && id == also);
        let c = by_lang.entry(lang.to_string()).or_default();
        c[0] += 1;
        c[1] += usize::from(ranked[0].id == best);
        c[2] += usize::from(ok(&ranked[0].id));
        c[3] += usize::from(ranked.iter().any(|s| s.id == best));
        c[4] += usize::from(ranked.iter().any(|s| ok(&s.id)));
        for s in ranked {
            let e = by_strength.entry(s.strength).or_default();
            e.0 += 1;
            e.1 += usize::from(ok(&s.id));
        }
        if close_count(ranked) > 0 {
            close.0 += 1;
            close.1 += usize::from(ranked.iter().any(|s| s.close && ok(&s.id)));
        }
    }
    Ok(Evaluation {
        by_lang: by_lang.into_iter().collect(),
        strengths: Strength::ALL.iter().map(|&k| (k, by_strength.get(&k).map_or(0, |e| e.0), by_strength.get(&k).map_or(0, |e| e.1))).collect(),
        close,
    })
}
