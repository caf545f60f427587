//! The judge: the encoder's lower layers (installed, 4-bit, frozen) with its own
//! fine-tuned top layers and a multi-label head over the six categories, made by
//! `cofnod train` (`models/train/finetune.rs`) and shipped in `models/judge.*`,
//! hash-checked before use. It reads each sentence in its context (`windows.rs`)
//! and gives a probability per category; `review::combine` turns them into added
//! findings and vetoes with per-language thresholds chosen on validation data.

pub mod layers;
pub mod windows;

use std::collections::HashMap;
use std::sync::Mutex;

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::document::Document;
use crate::finding::Category;

use super::encoder::{key_bias, Encoder};
use super::heads::ByLang;
use super::review::SentenceScore;
use layers::{Layer, Linear};

pub const JUDGE_FILE: &[u8] = include_bytes!("../../../models/judge.safetensors");
pub const JUDGE_TOML: &str = include_str!("../../../models/judge.toml");

/// Windows scored together between two looks at `cancel`.
const BATCH: usize = 8;
/// Windows whose scores are kept for re-use (an edited note re-scores only the
/// windows that changed).
const CACHE_ENTRIES: usize = 4_000;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeConfig {
    /// How the judge was made (for people reading the file).
    pub trained: String,
    /// SHA-256 of `judge.safetensors`.
    pub sha256: String,
    /// Encoder layers run below the judge's own.
    pub base_layers: usize,
    /// The judge's own layers.
    pub layers: usize,
    /// Most ids in one window.
    pub window_tokens: usize,
    #[serde(default)]
    pub category: HashMap<String, ByLang>,
}

impl JudgeConfig {
    pub fn thresholds(&self) -> [ByLang; 6] {
        let mut t = [ByLang::default(); 6];
        for cat in Category::ALL {
            if let Some(b) = self.category.get(cat.id()) {
                t[cat.index()] = *b;
            }
        }
        t
    }
}

pub struct Judge {
    pub config: JudgeConfig,
    pub thresholds: [ByLang; 6],
    layers: Vec<Layer>,
    head: Linear,
    cache: Mutex<HashMap<Vec<u32>, Vec<[f32; 6]>>>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Judge {
    /// The judge embedded in this build, its weights checked against the hash its
    /// configuration names; `None` while `models/judge.toml` is the placeholder (no
    /// layers). A test holds this to `Ok`, so a build never ships a judge it refuses.
    pub fn embedded() -> Result<Option<Judge>, String> {
        let config: JudgeConfig = toml::from_str(JUDGE_TOML).map_err(|e| format!("models/judge.toml: {e}"))?;
        if config.layers == 0 {
            return Ok(None);
        }
        Judge::from_parts(config, JUDGE_FILE).map(Some)
    }

    pub fn from_parts(config: JudgeConfig, weights: &[u8]) -> Result<Judge, String> {
        let actual = sha256_hex(weights);
        if actual != config.sha256 {
            return Err(format!("the judge's weights do not match their hash (expected {}, found {actual})", config.sha256));
        }
        let tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu).map_err(|e| e.to_string())?;
        let get = |name: &str| -> candle_core::Result<Tensor> {
            tensors.get(name).ok_or_else(|| candle_core::Error::Msg(format!("no tensor {name}")))?.to_dtype(DType::F32)
        };
        let heads = 12;
        let eps = 1e-12;
        let layers = (0..config.layers).map(|n| Layer::from_named(&get, n, heads, eps)).collect::<candle_core::Result<Vec<_>>>().map_err(|e| e.to_string())?;
        let head = Linear { w: get("head.w").map_err(|e| e.to_string())?, b: get("head.b").map_err(|e| e.to_string())? };
        let thresholds = config.thresholds();
        Ok(Judge { config, thresholds, layers, head, cache: Mutex::new(HashMap::new()) })
    }

    pub fn new(config: JudgeConfig, layers: Vec<Layer>, head: Linear) -> Judge {
        let thresholds = config.thresholds();
        Judge { config, thresholds, layers, head, cache: Mutex::new(HashMap::new()) }
    }

    /// Probabilities [spans, 6] for a batch of windows (no cache).
    pub fn score_windows(&self, encoder: &Encoder, batch: &[&windows::Window]) -> candle_core::Result<Vec<Vec<[f32; 6]>>> {
        let (_, _, pad) = encoder.special_ids();
        let ids: Vec<Vec<u32>> = batch.iter().map(|w| w.ids.clone()).collect();
        let Some(hidden) = encoder.bert().hidden_after(&ids, pad, self.config.base_layers)? else {
            return Ok(vec![Vec::new(); batch.len()]);
        };
        let bias = key_bias(&hidden.mask)?;
        let mut x = hidden.x;
        for layer in &self.layers {
            x = layer.forward(&x, &bias, None)?;
        }
        let mut out = Vec::with_capacity(batch.len());
        for (i, w) in batch.iter().enumerate() {
            if w.spans.is_empty() {
                out.push(Vec::new());
                continue;
            }
            let spans: Vec<(usize, usize)> = w.spans.iter().map(|&(_, s, e)| (s, e)).collect();
            let pooled = layers::pool_spans(&x.get(i)?, &spans)?;
            let logits = pooled.matmul(&self.head.w)?.broadcast_add(&self.head.b)?;
            let p = candle_nn::ops::sigmoid(&logits)?.to_vec2::<f32>()?;
            out.push(p.into_iter().map(|r| r.try_into().expect("six categories")).collect());
        }
        Ok(out)
    }

    /// Every sentence's probabilities; `Ok(None)` if `cancel` said stop (asked
    /// between batches of windows).
    pub fn score(&self, encoder: &Encoder, doc: &Document, cancel: &dyn Fn() -> bool) -> candle_core::Result<Option<Vec<SentenceScore>>> {
        let wins = windows::windows(encoder, doc, self.config.window_tokens);
        let mut results: Vec<Option<Vec<[f32; 6]>>> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            wins.iter().map(|w| cache.get(&w.ids).cloned()).collect()
        };
        let mut todo: Vec<usize> = (0..wins.len()).filter(|&i| results[i].is_none()).collect();
        // Similar lengths together, so little of a batch is padding.
        todo.sort_by_key(|&i| wins[i].ids.len());
        let batches: Vec<&[usize]> = todo.chunks(BATCH).collect();
        // Two batches side by side keep both cores busy (candle's element-wise
        // steps run on one thread).
        for pair in batches.chunks(2) {
            if cancel() {
                return Ok(None);
            }
            use rayon::prelude::*;
            let scored: Vec<Vec<Vec<[f32; 6]>>> = pair
                .par_iter()
                .map(|b| {
                    let ws: Vec<&windows::Window> = b.iter().map(|&i| &wins[i]).collect();
                    self.score_windows(encoder, &ws)
                })
                .collect::<candle_core::Result<_>>()?;
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() + todo.len() > CACHE_ENTRIES {
                cache.clear();
            }
            for (b, scores) in pair.iter().zip(scored) {
                for (&i, s) in b.iter().zip(scores) {
                    cache.insert(wins[i].ids.clone(), s.clone());
                    results[i] = Some(s);
                }
            }
        }
        let mut out = Vec::new();
        for (w, r) in wins.iter().zip(results) {
            for (&(si, _, _), p) in w.spans.iter().zip(r.unwrap_or_default()) {
                let s = &doc.sentences[si];
                out.push(SentenceScore { start: s.start, end: s.end, lang: s.lang, p });
            }
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_judge_is_the_placeholder_or_passes_its_hash() {
        assert!(Judge::embedded().is_ok(), "{:?}", Judge::embedded().err());
    }

    #[test]
    fn weights_that_do_not_match_their_hash_are_refused() {
        let config = JudgeConfig { sha256: sha256_hex(b"the weights as trained"), layers: 1, ..Default::default() };
        let err = Judge::from_parts(config, b"other bytes").err().expect("refused");
        assert!(err.contains("do not match their hash"), "{err}");
    }
}
