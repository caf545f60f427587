//! National well-being outcome suggestions: for a personal outcome, in English or
//! Welsh, the 24 national well-being outcome statements ranked by similarity, top 3
//! with scores. Ranked candidates, never a verdict: the link is chosen with the person.
//!
//! Each statement has a prototype: the normalised mean of the encoder's embeddings of
//! the statement and of the team's twelve paraphrases of it (six English, six Welsh,
//! `models/outcomes/prototypes.toml`). `cofnod train` embeds them once and ships the
//! 24 vectors (`models/outcomes/prototypes.safetensors`), so suggestions cost one
//! sentence embedding. The Welsh paraphrases are the team's own, not an official
//! translation: no official Welsh text of the statements was found, so statements are
//! shown in English with the Welsh name of their well-being area.

use std::collections::HashMap;
use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::encoder::cosine;
use super::Models;

pub const PROTOTYPES_TOML: &str = include_str!("../../models/outcomes/prototypes.toml");
pub const PROTOTYPES_VECTORS: &[u8] = include_bytes!("../../models/outcomes/prototypes.safetensors");

#[derive(Clone, Debug, Deserialize)]
pub struct Statement {
    pub id: String,
    pub domain: String,
    pub domain_cy: String,
    pub statement: String,
    pub en: Vec<String>,
    pub cy: Vec<String>,
}

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

/// The 3 statements closest to `outcome`, best first. `None` if the prototypes were
/// not built for the current prototypes.toml (run `cofnod train`).
pub fn suggest(models: &Models, outcome: &str) -> Option<Vec<Suggestion>> {
    let protos = prototypes()?;
    let e = models.embed(&[outcome.trim()]).ok()?.pop()?;
    let mut ranked: Vec<Suggestion> = statements()
        .iter()
        .filter_map(|s| {
            let p = protos.get(&s.id)?;
            Some(Suggestion { id: s.id.clone(), statement: s.statement.clone(), domain_cy: s.domain_cy.clone(), score: cosine(&e, p) })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked.truncate(3);
    Some(ranked)
}

/// Top-1 and top-3 accuracy on a labelled set (corpus/outcomes/eval.tsv), per
/// language: (n, top-1 best, top-1 best-or-also, top-3 best, top-3 best-or-also).
pub fn evaluate(models: &Models, tsv: &str) -> Result<Vec<(String, [usize; 5])>, String> {
    let mut by_lang: std::collections::BTreeMap<String, [usize; 5]> = Default::default();
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [lang, best, also, text] = cols[..] else { return Err(format!("bad line: {line}")) };
        let ranked = suggest(models, text).ok_or("the outcome prototypes are missing or stale: run `cofnod train`")?;
        let ok = |id: &str| id == best || (!also.is_empty() && id == also);
        let c = by_lang.entry(lang.to_string()).or_default();
        c[0] += 1;
        c[1] += usize::from(ranked[0].id == best);
        c[2] += usize::from(ok(&ranked[0].id));
        c[3] += usize::from(ranked.iter().any(|s| s.id == best));
        c[4] += usize::from(ranked.iter().any(|s| ok(&s.id)));
    }
    Ok(by_lang.into_iter().collect())
}
