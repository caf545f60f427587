//! `cofnod train`: fine-tunes the judge (`models/judge.*`, see `judge/mod.rs`).
//!
//! 1. Training data: the records' labelled sentences (`corpus/records`, train split):
//!    a category is positive where both labellers put it in `must`, unknown where it
//!    is only `may`, negative otherwise; and the snippet cases (`corpus/en`, `cy`,
//!    train split), whose labels are per case: every sentence is a negative for the
//!    categories the case does not have, and for each category it has, the most
//!    confident of its sentences must find it (multiple-instance learning).
//! 2. Each document is cut into windows as the judge reads them (`judge::windows`);
//!    the installed encoder's lower `base_layers` run once over every window and
//!    their output is kept in memory. Only the top layers (copies of the encoder's
//!    next layers) and a linear head over the six categories are trained, by AdamW
//!    with dropout, from a fixed seed.
//! 3. Thresholds per category and language are chosen on the validation split
//!    (records and cases) through the engine's own combination (`review::combine`),
//!    scoring with the weights exactly as shipped (f16). The test split is never read.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};

use crate::corpus::records::{Labelled, Record};
use crate::corpus::{Case, Counts, Split};
use crate::engine::Engine;
use crate::finding::{Category, Finding};
use crate::language::Lang;

use super::review::{ByLang, Thresholds};
use super::judge::layers::{Dropout, Layer, Linear, Norm};
use super::judge::{windows, Judge, JudgeConfig};
use super::review::{self, SentenceScore};
use super::Models;

pub const SEED: u64 = 20_261_206;

/// The knobs of a training run (`COFNOD_TRAIN_*` variables override them, for
/// trying alternatives; the defaults are what made the shipped judge).
#[derive(Clone, Debug)]
pub struct Recipe {
    pub base_layers: usize,
    pub layers: usize,
    pub window_tokens: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    pub head_learning_rate: f64,
    pub dropout: f32,
    pub batch_tokens: usize,
    /// Precision a category must keep, per language, for the model to act on it.
    pub min_precision: f64,
}

impl Default for Recipe {
    fn default() -> Recipe {
        Recipe {
            base_layers: 2,
            layers: 2,
            window_tokens: 160,
            epochs: 4,
            learning_rate: 1e-4,
            head_learning_rate: 1e-3,
            dropout: 0.1,
            batch_tokens: 3000,
            min_precision: 0.90,
        }
    }
}

impl Recipe {
    pub fn from_env() -> Recipe {
        let mut r = Recipe::default();
        let get = |name: &str| std::env::var(format!("COFNOD_TRAIN_{name}")).ok();
        if let Some(v) = get("BASE_LAYERS").and_then(|v| v.parse().ok()) {
            r.base_layers = v;
        }
        if let Some(v) = get("LAYERS").and_then(|v| v.parse().ok()) {
            r.layers = v;
        }
        if let Some(v) = get("EPOCHS").and_then(|v| v.parse().ok()) {
            r.epochs = v;
        }
        if let Some(v) = get("LR").and_then(|v| v.parse().ok()) {
            r.learning_rate = v;
        }
        if let Some(v) = get("WINDOW").and_then(|v| v.parse().ok()) {
            r.window_tokens = v;
        }
        r
    }
}

/// A document to learn from or to validate on.
pub struct Doc {
    pub id: String,
    pub text: String,
    pub lang: Lang,
    pub split: Split,
    pub labels: DocLabels,
}

/// A labelled sentence: (start, end, must, may).
pub type SentenceLabels = (usize, usize, Vec<Category>, Vec<Category>);
/// A sentence's training target: (label per category, whether each label is known).
type Target = Option<([f32; 6], [f32; 6])>;
/// Positive bags of a window: (span indices, category).
type Bags = Vec<(Vec<usize>, usize)>;

pub enum DocLabels {
    /// Labelled sentences.
    Sentences(Vec<SentenceLabels>),
    /// One label set for the whole case.
    Case(Vec<Category>),
}

/// The corpus as documents: records with their consensus labels, and cases.
pub fn documents(records: &[Record], labelled: &[Labelled], cases: &[Case]) -> Vec<Doc> {
    let mut by_record: HashMap<usize, Vec<SentenceLabels>> = HashMap::new();
    for l in labelled {
        by_record.entry(l.record).or_default().push((l.start, l.end, l.must.clone(), l.may.clone()));
    }
    let mut docs = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(labels) = by_record.remove(&i) {
            docs.push(Doc { id: r.id.clone(), text: r.text.clone(), lang: r.lang, split: r.split(), labels: DocLabels::Sentences(labels) });
        }
    }
    for c in cases {
        docs.push(Doc { id: c.id.clone(), text: c.text.clone(), lang: c.lang, split: c.split(), labels: DocLabels::Case(c.expect.clone()) });
    }
    docs
}

/// One window of training data with its targets.
struct Item {
    hidden: Tensor,
    spans: Vec<(usize, usize)>,
    y: Vec<[f32; 6]>,
    known: Vec<[f32; 6]>,
    /// Positive bags: (span indices, category).
    bags: Vec<(Vec<usize>, usize)>,
}

/// Targets for each sentence of `doc` (by the Document's sentence index).
fn targets(doc: &Doc, spans: &[(usize, usize)]) -> (Vec<Target>, Vec<usize>) {
    match &doc.labels {
        DocLabels::Sentences(labels) => {
            let t = spans
                .iter()
                .map(|&(s, e)| {
                    // The labelled sentence that overlaps this one most.
                    let best = labels
                        .iter()
                        .map(|l| (l, l.1.min(e).saturating_sub(l.0.max(s))))
                        .filter(|(_, o)| *o > 0)
                        .max_by_key(|(_, o)| *o)?;
                    let (_, _, must, may) = best.0;
                    let mut y = [0f32; 6];
                    let mut known = [1f32; 6];
                    // The judge scores the six established checks only.
                    for c in must.iter().filter(|c| c.is_established()) {
                        y[c.index()] = 1.0;
                    }
                    for c in may.iter().filter(|c| c.is_established()) {
                        known[c.index()] = 0.0;
                    }
                    Some((y, known))
                })
                .collect();
            (t, Vec::new())
        }
        DocLabels::Case(expect) => {
            let mut known = [1f32; 6];
            for c in expect.iter().filter(|c| c.is_established()) {
                known[c.index()] = 0.0;
            }
            (spans.iter().map(|_| Some(([0f32; 6], known))).collect(), expect.iter().filter(|c| c.is_established()).map(|c| c.index()).collect())
        }
    }
}

/// Windows of every document of `docs`, with targets, and the encoder's hidden
/// states below the judge for each.
fn items(engine: &Engine, models: &Models, docs: &[&Doc], recipe: &Recipe, say: &mut dyn FnMut(&str)) -> Result<Vec<Item>, String> {
    let encoder = &models.encoder;
    let mut pending: Vec<(windows::Window, Vec<Target>, Bags)> = Vec::new();
    for doc in docs {
        engine.with_document(&doc.text, |d| {
            let spans: Vec<(usize, usize)> = d.sentences.iter().map(|s| (s.start, s.end)).collect();
            let (t, bag_cats) = targets(doc, &spans);
            let wins = windows::windows(encoder, d, recipe.window_tokens);
            let single = wins.len() == 1;
            for w in wins {
                let tw: Vec<_> = w.spans.iter().map(|&(si, _, _)| t[si]).collect();
                let bags = if single { bag_cats.iter().map(|&c| ((0..w.spans.len()).collect(), c)).collect() } else { Vec::new() };
                pending.push((w, tw, bags));
            }
        });
    }
    say(&format!("{} windows from {} documents; running the encoder's first {} layers over them", pending.len(), docs.len(), recipe.base_layers));
    let (_, _, pad) = encoder.special_ids();
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by_key(|&i| pending[i].0.ids.len());
    let mut hidden: Vec<Option<Tensor>> = (0..pending.len()).map(|_| None).collect();
    use rayon::prelude::*;
    let groups: Vec<&[usize]> = order.chunks(16).collect();
    let computed: Vec<Vec<(usize, Tensor)>> = groups
        .par_iter()
        .map(|g| -> candle_core::Result<Vec<(usize, Tensor)>> {
            let ids: Vec<Vec<u32>> = g.iter().map(|&i| pending[i].0.ids.clone()).collect();
            let h = encoder.bert().hidden_after(&ids, pad, recipe.base_layers)?.expect("non-empty batch");
            g.iter().enumerate().map(|(j, &i)| Ok((i, h.x.get(j)?.narrow(0, 0, ids[j].len())?.contiguous()?))).collect()
        })
        .collect::<candle_core::Result<_>>()
        .map_err(|e| e.to_string())?;
    for (i, t) in computed.into_iter().flatten() {
        hidden[i] = Some(t);
    }
    let mut out = Vec::new();
    for ((w, tw, bags), h) in pending.into_iter().zip(hidden) {
        let h = h.expect("every window computed");
        let mut spans = Vec::new();
        let mut y = Vec::new();
        let mut known = Vec::new();
        // Spans with no label at all still count in bags; give them all-unknown.
        for (&(_, s, e), t) in w.spans.iter().zip(&tw) {
            spans.push((s, e));
            let (ty, tk) = t.unwrap_or(([0.0; 6], [0.0; 6]));
            y.push(ty);
            known.push(tk);
        }
        if spans.is_empty() {
            continue;
        }
        out.push(Item { hidden: h, spans, y, known, bags });
    }
    Ok(out)
}

fn stable_softplus(z: &Tensor) -> candle_core::Result<Tensor> {
    // log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)
    z.relu()? + (z.abs()?.neg()?.exp()? + 1.0)?.log()?
}

struct Params {
    layers: Vec<[Var; 12]>,
    head_w: Var,
    head_b: Var,
    eps: f64,
    heads: usize,
}

impl Params {
    fn layer(&self, n: usize) -> Layer {
        let v = &self.layers[n];
        let lin = |w: &Var, b: &Var| Linear { w: w.as_tensor().clone(), b: b.as_tensor().clone() };
        let norm = |g: &Var, b: &Var| Norm { gain: g.as_tensor().clone(), bias: b.as_tensor().clone(), eps: self.eps };
        Layer {
            qkv: lin(&v[0], &v[1]),
            attention_out: lin(&v[2], &v[3]),
            attention_norm: norm(&v[4], &v[5]),
            ffn_in: lin(&v[6], &v[7]),
            ffn_out: lin(&v[8], &v[9]),
            output_norm: norm(&v[10], &v[11]),
            heads: self.heads,
        }
    }

    fn layer_vars(&self) -> Vec<Var> {
        self.layers.iter().flat_map(|l| l.iter().cloned()).collect()
    }
}

/// The loss of one batch of items.
fn batch_loss(params: &Params, batch: &[&Item], dropout: &Dropout, pos_weight: &Tensor) -> candle_core::Result<Tensor> {
    let dev = Device::Cpu;
    let h = batch[0].hidden.dim(1)?;
    let len = batch.iter().map(|it| it.hidden.dim(0).unwrap_or(0)).max().unwrap_or(0);
    let mut xs = Vec::with_capacity(batch.len());
    let mut mask = Vec::with_capacity(batch.len() * len);
    for it in batch {
        let n = it.hidden.dim(0)?;
        xs.push(if n < len { Tensor::cat(&[&it.hidden, &Tensor::zeros((len - n, h), DType::F32, &dev)?], 0)? } else { it.hidden.clone() });
        mask.extend(std::iter::repeat_n(1f32, n));
        mask.extend(std::iter::repeat_n(0f32, len - n));
    }
    let mut x = Tensor::stack(&xs, 0)?;
    let mask = Tensor::from_vec(mask, (batch.len(), len), &dev)?;
    let bias = super::encoder::key_bias(&mask)?;
    for n in 0..params.layers.len() {
        x = params.layer(n).forward(&x, &bias, Some(dropout))?;
    }
    let mut pooled = Vec::new();
    let (mut ys, mut ks) = (Vec::new(), Vec::new());
    let mut bag_rows: Vec<(Vec<usize>, usize)> = Vec::new();
    for (i, it) in batch.iter().enumerate() {
        let base = ys.len() / 6;
        pooled.push(super::judge::layers::pool_spans(&x.get(i)?, &it.spans)?);
        for (y, k) in it.y.iter().zip(&it.known) {
            ys.extend_from_slice(y);
            ks.extend_from_slice(k);
        }
        for (rows, c) in &it.bags {
            bag_rows.push((rows.iter().map(|r| base + r).collect(), *c));
        }
    }
    let pooled = dropout.apply(&Tensor::cat(&pooled, 0)?)?;
    let n = pooled.dim(0)?;
    let logits = pooled.matmul(params.head_w.as_tensor())?.broadcast_add(params.head_b.as_tensor())?;
    let y = Tensor::from_vec(ys, (n, 6), &dev)?;
    let known = Tensor::from_vec(ks, (n, 6), &dev)?;
    // Weighted binary cross-entropy: positives weighted up by `pos_weight`.
    let pos = (stable_softplus(&logits.neg()?)?.broadcast_mul(pos_weight)? * &y)?;
    let neg = (stable_softplus(&logits)? * (1.0 - &y)?)?;
    let per = ((pos + neg)? * &known)?;
    let mut loss = per.sum_all()?;
    let mut count = known.sum_all()?.to_scalar::<f32>()?;
    if !bag_rows.is_empty() {
        let mut bag_logits = Vec::new();
        for (rows, c) in &bag_rows {
            let idx = Tensor::from_vec(rows.iter().map(|&r| r as u32).collect::<Vec<_>>(), rows.len(), &dev)?;
            bag_logits.push(logits.index_select(&idx, 0)?.narrow(1, *c, 1)?.max(0)?);
        }
        let bag = Tensor::cat(&bag_logits, 0)?;
        let w = pos_weight.index_select(&Tensor::from_vec(bag_rows.iter().map(|(_, c)| *c as u32).collect::<Vec<_>>(), bag_rows.len(), &dev)?, 0)?;
        loss = (loss + stable_softplus(&bag.neg()?)?.mul(&w)?.sum_all()?)?;
        count += bag_rows.len() as f32;
    }
    loss / f64::from(count.max(1.0))
}

/// Batches of items by token budget, in a seeded random order.
fn batches(items: &[Item], budget: usize, seed: &mut u64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut next = |n: usize| {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((*seed >> 33) as usize) % n
    };
    for i in (1..order.len()).rev() {
        let j = next(i + 1);
        order.swap(i, j);
    }
    // Group neighbours of similar length: sort chunks of 64 by length.
    for chunk in order.chunks_mut(64) {
        chunk.sort_by_key(|&i| items[i].hidden.dim(0).unwrap_or(0));
    }
    let mut out = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut longest = 0;
    for i in order {
        let l = items[i].hidden.dim(0).unwrap_or(0);
        if !cur.is_empty() && longest.max(l) * (cur.len() + 1) > budget {
            out.push(std::mem::take(&mut cur));
            longest = 0;
        }
        longest = longest.max(l);
        cur.push(i);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub struct Finetuned {
    pub weights: Vec<u8>,
    pub config: String,
    pub report: String,
}

/// Round `t` through f16, as it is shipped.
fn as_shipped(t: &Tensor) -> candle_core::Result<Tensor> {
    t.to_dtype(DType::F16)?.to_dtype(DType::F32)
}

pub fn train(engine: &Engine, models: &Models, docs: &[Doc], say: &mut dyn FnMut(&str)) -> Result<Finetuned, String> {
    let err = |e: candle_core::Error| e.to_string();
    let recipe = Recipe::from_env();
    let bert = models.encoder.bert();
    if recipe.base_layers + recipe.layers > bert.layer_count() {
        return Err(format!("the encoder has {} layers, not {} + {}", bert.layer_count(), recipe.base_layers, recipe.layers));
    }
    let train_docs: Vec<&Doc> = docs.iter().filter(|d| d.split == Split::Train).collect();
    let started = std::time::Instant::now();
    let items = items(engine, models, &train_docs, &recipe, say)?;
    say(&format!("{} training windows ready in {:.0} s", items.len(), started.elapsed().as_secs_f64()));

    // Positive weights per category: the square root of negatives over positives.
    let mut pos = [0f32; 6];
    let mut neg = [0f32; 6];
    for it in &items {
        for (y, k) in it.y.iter().zip(&it.known) {
            for c in 0..6 {
                if k[c] > 0.0 {
                    if y[c] > 0.0 { pos[c] += 1.0 } else { neg[c] += 1.0 }
                }
            }
        }
        for (_, c) in &it.bags {
            pos[*c] += 1.0;
        }
    }
    let pw: Vec<f32> = (0..6).map(|c| (neg[c] / pos[c].max(1.0)).sqrt().clamp(1.0, 8.0)).collect();
    say(&format!("positives per category {pos:?}; weights {pw:?}"));
    let pos_weight = Tensor::from_vec(pw, 6, &Device::Cpu).map_err(err)?;

    let mut layers = Vec::new();
    let mut eps = 1e-12;
    let mut heads = 12;
    for l in recipe.base_layers..recipe.base_layers + recipe.layers {
        let d = bert.dense_layer(l).map_err(err)?;
        eps = d.eps;
        heads = d.heads;
        let layer = Layer::from_dense(d).map_err(err)?;
        let v = |t: &Tensor| Var::from_tensor(t);
        layers.push([
            v(&layer.qkv.w).map_err(err)?,
            v(&layer.qkv.b).map_err(err)?,
            v(&layer.attention_out.w).map_err(err)?,
            v(&layer.attention_out.b).map_err(err)?,
            v(&layer.attention_norm.gain).map_err(err)?,
            v(&layer.attention_norm.bias).map_err(err)?,
            v(&layer.ffn_in.w).map_err(err)?,
            v(&layer.ffn_in.b).map_err(err)?,
            v(&layer.ffn_out.w).map_err(err)?,
            v(&layer.ffn_out.b).map_err(err)?,
            v(&layer.output_norm.gain).map_err(err)?,
            v(&layer.output_norm.bias).map_err(err)?,
        ]);
    }
    let h = bert.hidden();
    // The head starts at zero weights and each category's base rate.
    let prior: Vec<f32> = (0..6).map(|c| ((pos[c] + 1.0) / (neg[c] + 1.0)).ln()).collect();
    let head_w = Var::zeros((h, 6), DType::F32, &Device::Cpu).map_err(err)?;
    let head_b = Var::from_tensor(&Tensor::from_vec(prior, 6, &Device::Cpu).map_err(err)?).map_err(err)?;
    let params = Params { layers, head_w, head_b, eps, heads };

    let mut opt_layers = AdamW::new(params.layer_vars(), ParamsAdamW { lr: recipe.learning_rate, weight_decay: 0.01, ..Default::default() }).map_err(err)?;
    let mut opt_head = AdamW::new(vec![params.head_w.clone(), params.head_b.clone()], ParamsAdamW { lr: recipe.head_learning_rate, weight_decay: 0.01, ..Default::default() }).map_err(err)?;
    let dropout = Dropout { rate: recipe.dropout, state: std::cell::Cell::new(SEED) };
    let mut seed = SEED;
    let total_steps: usize = recipe.epochs * batches(&items, recipe.batch_tokens, &mut seed.clone()).len();
    let mut step = 0usize;
    for epoch in 0..recipe.epochs {
        let plan = batches(&items, recipe.batch_tokens, &mut seed);
        let mut sum = 0f64;
        for b in &plan {
            // Linear decay to a tenth over the run.
            let frac = 1.0 - 0.9 * step as f64 / total_steps.max(1) as f64;
            opt_layers.set_learning_rate(recipe.learning_rate * frac);
            opt_head.set_learning_rate(recipe.head_learning_rate * frac);
            let batch: Vec<&Item> = b.iter().map(|&i| &items[i]).collect();
            let loss = batch_loss(&params, &batch, &dropout, &pos_weight).map_err(err)?;
            sum += f64::from(loss.to_scalar::<f32>().map_err(err)?);
            let grads = loss.backward().map_err(err)?;
            opt_layers.step(&grads).map_err(err)?;
            opt_head.step(&grads).map_err(err)?;
            step += 1;
        }
        say(&format!("epoch {}: mean loss {:.4} over {} batches ({:.0} s so far)", epoch + 1, sum / plan.len().max(1) as f64, plan.len(), started.elapsed().as_secs_f64()));
    }

    // The weights as shipped (f16), and a judge made of them.
    let mut named: Vec<(String, Tensor)> = Vec::new();
    for n in 0..recipe.layers {
        named.extend(params.layer(n).named(n));
    }
    named.push(("head.w".into(), params.head_w.as_tensor().clone()));
    named.push(("head.b".into(), params.head_b.as_tensor().clone()));
    let shipped: HashMap<String, Tensor> =
        named.iter().map(|(k, t)| Ok((k.clone(), t.detach().to_dtype(DType::F16)?))).collect::<candle_core::Result<_>>().map_err(err)?;
    let weights = super::safetensors_bytes(shipped)?;
    let get = |name: &str| -> candle_core::Result<Tensor> {
        let t = &named.iter().find(|(k, _)| k == name).expect("named").1;
        as_shipped(&t.detach())
    };
    let judge_layers = (0..recipe.layers).map(|n| Layer::from_named(&get, n, heads, eps)).collect::<candle_core::Result<Vec<_>>>().map_err(err)?;
    let head = Linear { w: get("head.w").map_err(err)?, b: get("head.b").map_err(err)? };
    let config = JudgeConfig {
        trained: format!(
            "cofnod train: encoder layers 1-{} frozen, layers {}-{} fine-tuned with a linear head over the six categories; {} epochs of AdamW (lr {} for the layers, {} for the head, linear decay, dropout {}), seed {SEED}, windows of {} ids, on {} windows of the train split; thresholds from the validation split",
            recipe.base_layers,
            recipe.base_layers + 1,
            recipe.base_layers + recipe.layers,
            recipe.epochs,
            recipe.learning_rate,
            recipe.head_learning_rate,
            recipe.dropout,
            recipe.window_tokens,
            items.len()
        ),
        sha256: super::judge::sha256_hex(&weights),
        base_layers: recipe.base_layers,
        layers: recipe.layers,
        window_tokens: recipe.window_tokens,
        category: HashMap::new(),
    };
    let judge = Judge::new(config.clone(), judge_layers, head);
    let mut out = choose_thresholds(engine, models, docs, &judge, config, recipe.min_precision, say)?;
    out.weights = weights;
    say(&format!("done in {:.0} s", started.elapsed().as_secs_f64()));
    Ok(out)
}

/// Thresholds for a judge trained before (`COFNOD_TRAIN_REUSE=DIR`, a folder with
/// its `judge.toml` and `judge.safetensors`): after the rules change, the judge's
/// thresholds are chosen again without training it again.
pub fn rethreshold(engine: &Engine, models: &Models, docs: &[Doc], dir: &Path, say: &mut dyn FnMut(&str)) -> Result<Finetuned, String> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()));
    let weights = read("judge.safetensors")?;
    let text = String::from_utf8(read("judge.toml")?).map_err(|_| format!("{}: not UTF-8", dir.join("judge.toml").display()))?;
    let mut config: JudgeConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", dir.join("judge.toml").display()))?;
    config.category.clear();
    let judge = Judge::from_parts(config.clone(), &weights)?;
    let mut out = choose_thresholds(engine, models, docs, &judge, config, Recipe::from_env().min_precision, say)?;
    out.weights = weights;
    Ok(out)
}

/// Scores the records' validation split with `judge` and chooses each category's
/// thresholds per language; `weights` of the result are left empty for the caller.
fn choose_thresholds(
    engine: &Engine,
    models: &Models,
    docs: &[Doc],
    judge: &Judge,
    mut config: JudgeConfig,
    min_precision: f64,
    say: &mut dyn FnMut(&str),
) -> Result<Finetuned, String> {
    let err = |e: candle_core::Error| e.to_string();
    // Thresholds come from the records only: the snippet cases were read while the
    // rules were tuned, so on them the rules look better than they are.
    say("scoring the records' validation split");
    let val: Vec<&Doc> = docs.iter().filter(|d| d.split == Split::Validation && matches!(d.labels, DocLabels::Sentences(_))).collect();
    let scored = score_docs(engine, models, judge, &val).map_err(err)?;
    let mut report = String::new();
    let _ = writeln!(report, "validation split: {} records", val.len());
    let _ = writeln!(report, "the judge alone (best F1 over thresholds):");
    for cat in Category::JUDGED {
        for lang in [Lang::En, Lang::Cy] {
            let _ = writeln!(report, "  {}", model_alone_line(&scored, cat, lang));
        }
    }
    let _ = writeln!(report, "thresholds (rules, then rules and judge):");
    for cat in Category::JUDGED {
        let mut chosen = ByLang::default();
        for lang in [Lang::En, Lang::Cy] {
            let (t, line) = choose(&scored, cat, lang, min_precision);
            chosen.set(lang, t);
            let _ = writeln!(report, "{line}");
        }
        if chosen != ByLang::default() {
            config.category.insert(cat.id().to_string(), chosen);
        }
    }
    let config_text = toml::to_string(&config).map_err(|e| e.to_string())?;
    let header = "# Written by `cofnod train` (src/models/finetune.rs): the judge's shape, the hash of\n# judge.safetensors, and what each category's probability does per language\n# (src/models/review.rs), chosen on the validation split. The test split is never read.\n";
    Ok(Finetuned { weights: Vec::new(), config: format!("{header}{config_text}"), report })
}

/// A validation document with the rules' findings and the judge's scores.
pub struct Scored<'d> {
    pub doc: &'d Doc,
    pub rules: Vec<Finding>,
    pub scores: Vec<SentenceScore>,
}

pub fn score_docs<'d>(engine: &Engine, models: &Models, judge: &Judge, docs: &[&'d Doc]) -> candle_core::Result<Vec<Scored<'d>>> {
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        let rules = engine.analyse(&doc.text).findings;
        let scores = engine.with_document(&doc.text, |d| judge.score(&models.encoder, d, &|| false))?.unwrap_or_default();
        out.push(Scored { doc, rules, scores });
    }
    Ok(out)
}

/// Counts for `cat` in `lang` when the judge acts with `t` (through
/// `review::combine`, as the engine does).
pub fn counts_with(scored: &[Scored], cat: Category, lang: Lang, t: Thresholds) -> Counts {
    let mut th = [ByLang::default(); 6];
    th[cat.index()].set(lang, t);
    let mut total = Counts::default();
    for s in scored.iter().filter(|s| s.doc.lang == lang) {
        let mut findings = s.rules.clone();
        review::combine(&s.scores, &mut findings, &th, &|c| c == cat, &|c, sc, _| bare_finding(c, sc));
        total.add(score_doc(s.doc, &findings, cat));
    }
    total
}

/// A finding of `cat` over a scored sentence, with nothing but its place (for
/// counting).
fn bare_finding(cat: Category, sc: &SentenceScore) -> Finding {
    Finding {
        category: cat,
        rule: String::new(),
        severity: crate::finding::Severity::Info,
        message: String::new(),
        start: sc.start,
        end: sc.end,
        lang: sc.lang,
        suggestions: Vec::new(),
    }
}

/// tp/fp/fn of `cat` on one document.
pub fn score_doc(doc: &Doc, findings: &[Finding], cat: Category) -> Counts {
    match &doc.labels {
        DocLabels::Case(expect) => Counts::of(expect.contains(&cat), findings.iter().any(|f| f.category == cat)),
        DocLabels::Sentences(labels) => {
            let mut c = Counts::default();
            for (s, e, must, may) in labels {
                let raised = findings.iter().any(|f| f.category == cat && f.start < *e && f.end > *s);
                c.add(Counts::of_sentence(cat, must, may, raised));
            }
            c
        }
    }
}

const ADD_GRID: [f32; 14] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995];
const VETO_GRID: [f32; 6] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3];
/// A threshold must change at least this many decisions on validation to be used.
const MIN_CHANGED: usize = 4;
/// A threshold must gain at least this much validation F1 to be used.
const MIN_GAIN: f64 = 0.005;

/// The thresholds for `cat` in `lang`: the best validation F1 whose precision is at
/// least `min_precision` (or, where the rules alone are below it, no lower than
/// theirs), and a report line.
fn choose(scored: &[Scored], cat: Category, lang: Lang, min_precision: f64) -> (Thresholds, String) {
    let base = counts_with(scored, cat, lang, Thresholds::default());
    let floor = min_precision.min(base.precision());
    let mut best = (Thresholds::default(), base);
    // A threshold must change at least MIN_CHANGED decisions: on a few sentences a
    // gain is chance.
    let changed = |c: &Counts| c.tp.abs_diff(base.tp) + c.fp.abs_diff(base.fp);
    let better = |c: &Counts, b: &Counts| c.precision() >= floor && c.f1() > b.f1() + MIN_GAIN && changed(c) >= MIN_CHANGED;
    for veto in std::iter::once(None).chain(VETO_GRID.iter().copied().map(Some)) {
        for add in std::iter::once(None).chain(ADD_GRID.iter().copied().map(Some)) {
            let t = Thresholds { add, veto };
            let c = counts_with(scored, cat, lang, t);
            if better(&c, &best.1) {
                best = (t, c);
            }
        }
    }
    let (t, c) = best;
    let line = format!(
        "{:<18} {}  rules {}/{}/{} P {:.3} R {:.3} F1 {:.3}  ->  add {:?} veto {:?}: {}/{}/{} P {:.3} R {:.3} F1 {:.3}",
        cat.id(), lang.code(), base.tp, base.fp, base.fn_, base.precision(), base.recall(), base.f1(), t.add, t.veto, c.tp, c.fp, c.fn_, c.precision(), c.recall(), c.f1()
    );
    (t, line)
}

/// The judge alone on `cat` in `lang`: precision, recall and F1 at the threshold
/// with the best F1.
fn model_alone_line(scored: &[Scored], cat: Category, lang: Lang) -> String {
    let mut best: Option<(f32, Counts)> = None;
    for t in ADD_GRID {
        let mut c = Counts::default();
        for s in scored.iter().filter(|s| s.doc.lang == lang) {
            let findings: Vec<Finding> = s
                .scores
                .iter()
                .filter(|sc| sc.p[cat.index()] >= t)
                .map(|sc| bare_finding(cat, sc))
                .collect();
            c.add(score_doc(s.doc, &findings, cat));
        }
        if best.as_ref().is_none_or(|(_, b)| c.f1() > b.f1()) {
            best = Some((t, c));
        }
    }
    let (t, c) = best.unwrap_or_default();
    format!("{:<18} {}  at {t}: {}/{}/{} P {:.3} R {:.3} F1 {:.3}", cat.id(), lang.code(), c.tp, c.fp, c.fn_, c.precision(), c.recall(), c.f1())
}

pub fn write(trained: &Finetuned, out: &Path) -> std::io::Result<()> {
    std::fs::write(out.join("judge.safetensors"), &trained.weights)?;
    std::fs::write(out.join("judge.toml"), &trained.config)
}
