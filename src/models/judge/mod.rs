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
use super::review::ByLang;
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
        for cat in Category::JUDGED {
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
    cache: Mutex<HashMap<Vec<u32>, Vec<SpanScore>>>,
}

/// Most words a finding may name as carrying its problem.
const CARRIER_WORDS: usize = 4;
/// A sentence shorter than this is marked whole ("No incidents.": naming
/// "incidents" alone would drop the "No" that makes it a stock line).
const CARRIER_MIN_SENTENCE: usize = 5;
/// Share of the sentence's pull towards a category that the named words must carry;
/// below it the finding marks the whole sentence.
const CARRIER_SHARE: f32 = 0.5;

/// A scored sentence of a window: probability per category, its words (as the
/// tokenizer grouped its ids) and, per category, the words that carry it.
#[derive(Clone, Debug, Default)]
pub struct SpanScore {
    pub p: [f32; 6],
    pub words: usize,
    pub carrier: [Option<(usize, usize)>; 6],
}

/// The words that carry a category in a sentence, or `None` when no short run
/// does. The head reads the mean of the sentence's token states, so its logit is
/// the mean of each token's own term (`contrib`): a word's pull is the sum of its
/// tokens' terms above the sentence's average. The best run of at most
/// `CARRIER_WORDS` words is named if it holds at least `CARRIER_SHARE` of all
/// positive pull and is shorter than the sentence. Returns word indices `a..b`.
pub fn carrier(contrib: &[f32], word_of: &[usize], words: usize) -> Option<(usize, usize)> {
    if contrib.is_empty() || words < CARRIER_MIN_SENTENCE || word_of.len() != contrib.len() {
        return None;
    }
    let mean = contrib.iter().sum::<f32>() / contrib.len() as f32;
    let mut pull = vec![0f32; words];
    for (&c, &w) in contrib.iter().zip(word_of) {
        pull[w.min(words - 1)] += c - mean;
    }
    let positive: f32 = pull.iter().filter(|&&v| v > 0.0).sum();
    if positive <= 0.0 {
        return None;
    }
    let mut best: Option<(f32, usize, usize)> = None;
    for a in 0..words {
        let mut sum = 0.0;
        for b in a + 1..=(a + CARRIER_WORDS).min(words) {
            sum += pull[b - 1];
            if best.is_none_or(|(s, _, _)| sum > s) {
                best = Some((sum, a, b));
            }
        }
    }
    let (sum, a, b) = best?;
    (sum >= CARRIER_SHARE * positive && b - a < words).then_some((a, b))
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

    /// Scores of every sentence of a batch of windows (no cache).
    pub fn score_windows(&self, encoder: &Encoder, batch: &[&windows::Window]) -> candle_core::Result<Vec<Vec<SpanScore>>> {
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
            let xi = x.get(i)?;
            let spans: Vec<(usize, usize)> = w.spans.iter().map(|&(_, s, e)| (s, e)).collect();
            let pooled = layers::pool_spans(&xi, &spans)?;
            let logits = pooled.matmul(&self.head.w)?.broadcast_add(&self.head.b)?;
            let p = candle_nn::ops::sigmoid(&logits)?.to_vec2::<f32>()?;
            // Each token's own term of the logits (the head is linear over the mean).
            let terms = xi.narrow(0, 0, w.ids.len())?.matmul(&self.head.w)?.to_vec2::<f32>()?;
            let mut scores = Vec::with_capacity(spans.len());
            for (&(s, e), p) in spans.iter().zip(p) {
                let mut word_of = Vec::with_capacity(e - s);
                let mut words = 0;
                for (k, &id) in w.ids[s..e].iter().enumerate() {
                    if k == 0 || encoder.starts_word(id) {
                        words += 1;
                    }
                    word_of.push(words - 1);
                }
                let mut score = SpanScore { p: p.try_into().expect("six categories"), words, carrier: [None; 6] };
                for cat in 0..6 {
                    let contrib: Vec<f32> = terms[s..e].iter().map(|t| t[cat]).collect();
                    score.carrier[cat] = carrier(&contrib, &word_of, words);
                }
                scores.push(score);
            }
            out.push(scores);
        }
        Ok(out)
    }

    /// Every sentence's probabilities; `Ok(None)` if `cancel` said stop (asked
    /// between batches of windows).
    pub fn score(&self, encoder: &Encoder, doc: &Document, cancel: &dyn Fn() -> bool) -> candle_core::Result<Option<Vec<SentenceScore>>> {
        let wins = windows::windows(encoder, doc, self.config.window_tokens);
        let mut results: Vec<Option<Vec<SpanScore>>> = {
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
            let scored: Vec<Vec<Vec<SpanScore>>> = pair
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
            for (&(si, _, _), sc) in w.spans.iter().zip(r.unwrap_or_default()) {
                let s = &doc.sentences[si];
                // The sentence's words as the text has them; named words are used
                // only where they line up with the tokenizer's.
                let text = doc.sentence_text(s);
                let words: Vec<(usize, usize)> = word_ranges(text).map(|(a, b)| (s.start + a, s.start + b)).collect();
                let mut carrier = [None; 6];
                if words.len() == sc.words {
                    for (c, named) in carrier.iter_mut().zip(sc.carrier) {
                        *c = named.map(|(a, b)| (words[a].0, words[b - 1].1));
                    }
                }
                out.push(SentenceScore { start: s.start, end: s.end, lang: s.lang, p: sc.p, carrier });
            }
        }
        Ok(Some(out))
    }
}

/// Byte ranges of the whitespace-separated words of `text`.
fn word_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    text.split_whitespace().map(move |w| {
        let start = at + text[at..].find(w).unwrap_or(0);
        at = start + w.len();
        (start, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_carrier_is_the_short_run_of_words_that_pulls_most() {
        // Five words, one token each but the third (two tokens): the third word pulls.
        let contrib = [0.1, 0.0, 2.0, 1.5, 0.1, -0.2];
        let word_of = [0, 1, 2, 2, 3, 4];
        assert_eq!(carrier(&contrib, &word_of, 5), Some((2, 3)));
        // Pull spread evenly over the sentence: no words are named.
        let even = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        assert_eq!(carrier(&even, &[0, 1, 2, 3, 4, 5, 6, 7], 8), None);
        // A short sentence is marked whole.
        assert_eq!(carrier(&[3.0], &[0], 1), None);
        assert_eq!(carrier(&[0.0, 3.0, 0.1], &[0, 1, 2], 3), None);
    }

    #[test]
    fn word_ranges_are_byte_ranges_of_the_words() {
        let t = "  Mum   was hostile.\n";
        let got: Vec<&str> = word_ranges(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(got, ["Mum", "was", "hostile."]);
    }

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
