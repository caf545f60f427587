//! `cofnod train`: the classifier heads, from the corpus.
//!
//! 1. Examples come from the train split only. Each case gives its whole text with
//!    its labels. Each sentence of a longer case is a further negative example for
//!    the categories the case does not have (labels are exhaustive per case, so those
//!    sentences are known to be clean of them; which sentence carries a label the
//!    case does have is not known, so those are left out).
//! 2. One small MLP per category (384 → 64 ReLU → 1) on standardised embeddings,
//!    trained in candle by full-batch AdamW from seeded initial weights, so the same
//!    corpus and encoder give the same heads. Positives are weighted up to balance.
//! 3. Thresholds come from 5-fold cross-validation over the train and validation
//!    cases (each case scored by heads that did not see it), per category and
//!    language: `add` is the lowest probability at which the model alone is at least
//!    95% precise on at least 10 cases and so are its additions to the rules (see
//!    `choose_add`); a `veto` is kept only if, through the engine's own combination
//!    code (`review::combine`), it gains F1 without losing precision. The shipped
//!    heads are the five fold models, their probabilities averaged. The test split
//!    is never read here.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};

use crate::corpus::{Case, Split};
use crate::engine::Engine;
use crate::finding::{Category, Finding};
use crate::language::Lang;

use super::heads::{ByLang, Heads, ThresholdFile, Thresholds};
use super::review::{self, SentenceScore};
use super::Models;

const EPOCHS: usize = 300;
const LEARNING_RATE: f64 = 0.003;
const WEIGHT_DECAY: f64 = 0.05;
/// Hidden units of each category's MLP.
pub const HIDDEN: usize = 64;
const SEED: u64 = 20_261_122;
const FOLDS: usize = 5;

/// A case's cross-validation fold, from its id (a different hash from the split's).
fn fold(id: &str) -> usize {
    let h = id.bytes().fold(0x811c9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x01000193));
    (h % FOLDS as u32) as usize
}

/// A threshold is used only if it gains at least this much validation F1.
const MIN_GAIN: f64 = 0.01;
/// The thresholds `COFNOD_TRAIN_DIAGNOSE` reports counts at: the heads are sharp,
/// so the ones that matter are near 1.
const DIAGNOSE_AT: [f32; 8] = [0.95, 0.98, 0.99, 0.995, 0.997, 0.998, 0.999, 0.9995];
/// The model adds findings for a category and language only at a threshold where
/// its out-of-fold precision is at least this, alone and in its additions (see
/// `choose_add`). The bar is the rules' own precision on unseen text (0.95):
/// findings added below it would cost precision. (A first try at 0.9, measured on
/// the validation split alone, did.)
const ADD_PRECISION: f64 = 0.95;
/// The fewest cases, per language, the model alone must find at a threshold.
const MIN_FOUND: usize = 10;

pub struct Trained {
    pub safetensors: Vec<u8>,
    pub thresholds: String,
    pub report: String,
}

struct Example {
    embedding: Vec<f32>,
    /// 1.0 / 0.0 per category, and whether that label is known.
    label: [f32; 6],
    known: [f32; 6],
}

pub fn train(engine: &Engine, models: &Models, cases: &[Case], say: &mut dyn FnMut(&str)) -> Result<Trained, String> {
    let err = |e: candle_core::Error| e.to_string();
    // Train and validation cases; the test split is never touched.
    let pool: Vec<&Case> = cases.iter().filter(|c| c.split() != Split::Test).collect();

    // 1. Examples, remembering which case each came from.
    let mut texts: Vec<(usize, String, [f32; 6], [f32; 6])> = Vec::new();
    for (ci, case) in pool.iter().enumerate() {
        let mut label = [0f32; 6];
        for cat in &case.expect {
            label[cat.index()] = 1.0;
        }
        texts.push((ci, case.text.trim().to_string(), label, [1.0; 6]));
        let sentences: Vec<String> = engine.with_document(&case.text, |doc| {
            doc.sentences.iter().map(|s| doc.sentence_text(s).trim().to_string()).collect()
        });
        if sentences.len() > 1 {
            let known = label.map(|l| if l > 0.0 { 0.0 } else { 1.0 });
            for s in sentences.into_iter().filter(|s| s.split_whitespace().count() >= 3) {
                texts.push((ci, s, [0.0; 6], known));
            }
        }
    }
    say(&format!("embedding {} texts from {} train and validation cases", texts.len(), pool.len()));
    let refs: Vec<&str> = texts.iter().map(|t| t.1.as_str()).collect();
    let embeddings = models.embed(&refs).map_err(err)?;
    let examples: Vec<(usize, Example)> = texts
        .into_iter()
        .zip(embeddings)
        .map(|((ci, _, label, known), e)| (ci, Example { embedding: e.to_vec(), label, known }))
        .collect();

    // 2. Out-of-fold probabilities: each case scored by heads that never saw it.
    say(&format!("{FOLDS}-fold cross-validation for the thresholds"));
    let mut scored: Vec<Option<ValCase>> = (0..pool.len()).map(|_| None).collect();
    let mut fold_weights = Vec::new();
    for k in 0..FOLDS {
        let fold_examples: Vec<&Example> = examples.iter().filter(|(ci, _)| fold(&pool[*ci].id) != k).map(|(_, e)| e).collect();
        let weights = fit(&fold_examples).map_err(err)?;
        let heads = Heads::from_parts(&save_heads(std::slice::from_ref(&weights)).map_err(err)?, "")?;
        fold_weights.push(weights);
        for (ci, case) in pool.iter().enumerate().filter(|(_, c)| fold(&c.id) == k) {
            let rules = engine.analyse(&case.text).findings;
            let scores = engine
                .with_document(&case.text, |doc| review::score_sentences(models, &heads, doc, &|| false))
                .map_err(err)?
                .unwrap_or_default();
            scored[ci] = Some(ValCase { id: case.id.clone(), text: case.text.clone(), lang: case.lang, expect: case.expect.clone(), rules, scores });
        }
    }
    let scored: Vec<ValCase> = scored.into_iter().flatten().collect();

    // 3. The shipped heads are the five fold models, averaged. Each was trained on
    //    80% of the cases, like the models whose out-of-fold probabilities set the
    //    thresholds; one model refitted on all cases is sharper, and thresholds near 1
    //    would not carry over to it. Averaging only makes extreme scores rarer.
    let safetensors = save_heads(&fold_weights).map_err(err)?;
    let mut heads = Heads::from_parts(&safetensors, "")?;
    let mut file = ThresholdFile {
        trained: format!(
            "cofnod train: one MLP head per category (384-{HIDDEN}-1, ReLU, seed {SEED}), {EPOCHS} epochs full-batch AdamW (lr {LEARNING_RATE}, weight decay {WEIGHT_DECAY}), on {} examples from {} train and validation cases; the mean of {FOLDS} fold models, thresholds from their out-of-fold probabilities",
            examples.len(),
            pool.len(),
        ),
        category: HashMap::new(),
    };
    let mut report = String::new();
    if std::env::var_os("COFNOD_TRAIN_DIAGNOSE").is_some() {
        // The model alone, out of fold, near the thresholds that matter (tp/fp/fn).
        for cat in Category::ALL {
            let mut line = format!("{:<18}", cat.id());
            for t in DIAGNOSE_AT {
                let c = model_alone(&scored, cat, t);
                let _ = write!(line, "  {t}: {}/{}/{}", c.tp, c.fp, c.fn_);
            }
            let _ = writeln!(report, "{line}");
            for lang in [Lang::En, Lang::Cy] {
                let one: Vec<ValCase> = scored.iter().filter(|c| c.lang == lang).cloned().collect();
                let mut line = format!("  {:<16}", lang.code());
                for t in DIAGNOSE_AT {
                    let c = model_alone(&one, cat, t);
                    let _ = write!(line, "  {t}: {}/{}/{}", c.tp, c.fp, c.fn_);
                }
                let _ = writeln!(report, "{line}");
            }
            // What actually changes the output: the model's findings in cases where
            // the rules found nothing of this category (tp/fp per language).
            for lang in [Lang::En, Lang::Cy] {
                let mut line = format!("  {:<16}", format!("{} added", lang.code()));
                for t in DIAGNOSE_AT {
                    let c = added_alone(&scored, cat, t, lang);
                    let _ = write!(line, "  {t}: {}/{}", c.tp, c.fp);
                }
                let _ = writeln!(report, "{line}");
            }
        }
    }
    if std::env::var("COFNOD_TRAIN_DIAGNOSE").is_ok_and(|v| v == "additions") {
        // Each out-of-fold addition near the thresholds, to read (train and validation only).
        for cat in Category::ALL {
            for case in scored.iter().filter(|c| !c.rules.iter().any(|f| f.category == cat)) {
                for s in case.scores.iter().filter(|s| s.p[cat.index()] >= 0.995) {
                    let mark = if case.expect.contains(&cat) { "tp" } else { "FP" };
                    // "ruled": the rules raised another category in this sentence, so
                    // `review::combine` would not add it.
                    let ruled = case.rules.iter().any(|f| f.start < s.end && f.end > s.start);
                    let mark = format!("{mark} {}", if ruled { "ruled" } else { "-----" });
                    let text = case.text[s.start..s.end].trim().replace('\n', " ");
                    let _ = writeln!(report, "ADD {} {mark} {:.4} {} | {text}", cat.id(), s.p[cat.index()], case.id);
                }
            }
        }
    }
    for cat in Category::ALL {
        let mut chosen = ByLang::default();
        for lang in [Lang::En, Lang::Cy] {
            let only = |t: Thresholds| {
                let mut b = ByLang::default();
                b.set(lang, t);
                f1_for(&scored, cat, b).by_lang[lang as usize]
            };
            let base = only(Thresholds::default());
            let add = choose_add(&scored, cat, lang);
            let mut t = Thresholds { add: add.as_ref().map(|a| a.threshold), veto: None };
            let with_add = only(t);
            for veto in [0.02, 0.05, 0.1, 0.15, 0.2, 0.3] {
                let v = Thresholds { veto: Some(veto), ..t };
                let c = only(v);
                if c.precision() >= with_add.precision() && c.f1() >= with_add.f1() + MIN_GAIN {
                    t = v;
                }
            }
            let combined = only(t);
            let fmt = |v: Option<f32>| v.map_or("-".to_string(), |v| format!("{v}"));
            let alone = add.map_or("-".to_string(), |a| {
                format!("P {:.2} R {:.2}; its additions {}/{} (tp/fp)", a.alone.precision(), a.alone.recall(), a.added.tp, a.added.fp)
            });
            let _ = writeln!(
                report,
                "{:<18} {} {:>7.3} {:>7.3}   {:>6} {:>6}   model alone at add: {alone}",
                cat.id(),
                lang.code(),
                base.f1(),
                combined.f1(),
                fmt(t.add),
                fmt(t.veto)
            );
            chosen.set(lang, t);
        }
        heads.thresholds[cat.index()] = chosen;
        file.category.insert(cat.id().to_string(), chosen);
    }
    let mut thresholds = String::from(
        "# Written by `cofnod train`: what each head's probability does, per language (see src/models/review.rs).\n\
         # From out-of-fold probabilities on the train and validation splits; the test split is never read.\n",
    );
    let _ = writeln!(thresholds, "trained = {:?}", file.trained);
    for cat in Category::ALL {
        let t = file.category.get(cat.id()).copied().unwrap_or_default();
        let _ = writeln!(thresholds, "\n[category.{}]", cat.id());
        for lang in [Lang::En, Lang::Cy] {
            let l = t.get(lang);
            if l == Thresholds::default() {
                continue;
            }
            let _ = writeln!(thresholds, "[category.{}.{}]", cat.id(), lang.code());
            if let Some(add) = l.add {
                let _ = writeln!(thresholds, "add = {add}");
            }
            if let Some(veto) = l.veto {
                let _ = writeln!(thresholds, "veto = {veto}");
            }
        }
    }
    Ok(Trained { safetensors, thresholds, report })
}

/// An `add` threshold and what the model did there, out of fold, in one language.
struct AddChoice {
    threshold: f32,
    /// The model alone: every case, whatever the rules found.
    alone: crate::corpus::Counts,
    /// Its additions: the cases where the rules found nothing of the category.
    added: crate::corpus::Counts,
}

/// The lowest `add` threshold for one category and language at which, out of fold,
/// 1. the model alone is at least `ADD_PRECISION` precise on at least `MIN_FOUND`
///    cases (the head is a good detector in this language), and
/// 2. its additions, the cases where the rules found nothing of the category, are
///    at least as precise (with fewer than 20 of them, that means no false one).
///
/// The second is what changes the output, so it is what must not cost precision.
/// The rules were tuned on these cases, so here they miss less than on unseen text
/// and the additions are few and hard: a strict estimate, which is the right side
/// to err on. (Until the sixth reading only the first was asked, over both
/// languages at once; its additions were less precise than the rules.)
fn choose_add(cases: &[ValCase], cat: Category, lang: Lang) -> Option<AddChoice> {
    let in_lang: Vec<ValCase> = cases.iter().filter(|c| c.lang == lang).cloned().collect();
    // The heads are sharp, so the useful thresholds are near 1.
    let grid = (50..=98).step_by(2).map(|t| t as f32 / 100.0).chain([0.99, 0.995, 0.997, 0.998, 0.999, 0.9995]);
    grid.into_iter().find_map(|t| {
        let alone = model_alone(&in_lang, cat, t);
        let added = added_alone(cases, cat, t, lang);
        let precise_alone = alone.tp >= MIN_FOUND && alone.precision() >= ADD_PRECISION;
        let precise_added = added.fp as f64 <= (1.0 - ADD_PRECISION) * (added.tp + added.fp) as f64;
        (precise_alone && precise_added).then_some(AddChoice { threshold: t, alone, added })
    })
}

/// Case-level counts for the model alone: a case is flagged if any of its
/// sentences reaches `t` for `cat`.
fn model_alone(cases: &[ValCase], cat: Category, t: f32) -> crate::corpus::Counts {
    let mut c = crate::corpus::Counts::default();
    for case in cases {
        let found = case.scores.iter().any(|s| s.p[cat.index()] >= t);
        match (case.expect.contains(&cat), found) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (true, false) => c.fn_ += 1,
            _ => {}
        }
    }
    c
}

/// Case-level counts for the model's additions alone: cases of `lang` where the
/// rules raise nothing of `cat` and a sentence they raise nothing in reaches `t`.
fn added_alone(cases: &[ValCase], cat: Category, t: f32, lang: Lang) -> crate::corpus::Counts {
    let mut c = crate::corpus::Counts::default();
    for case in cases.iter().filter(|c| c.lang == lang && !c.rules.iter().any(|f| f.category == cat)) {
        // As `review::combine` adds: only in sentences the rules left alone.
        let unruled = |s: &&SentenceScore| !case.rules.iter().any(|f| f.start < s.end && f.end > s.start);
        let found = case.scores.iter().filter(unruled).any(|s| s.p[cat.index()] >= t);
        match (case.expect.contains(&cat), found) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (true, false) => c.fn_ += 1,
            _ => {}
        }
    }
    c
}

/// One category's MLP: w1 [dim × HIDDEN] row-major, b1 [HIDDEN], w2 [HIDDEN], b2.
type Head = (Vec<f32>, Vec<f32>, Vec<f32>, f32);

/// The trained heads: the input standardisation and one small MLP per category.
pub struct HeadWeights {
    mean: Vec<f32>,
    std: Vec<f32>,
    heads: Vec<Head>,
}

/// A small seeded generator for the initial weights (xorshift64*), so training is
/// repeatable without depending on a random number crate's stream.
struct Seeded(u64);

impl Seeded {
    fn uniform(&mut self, limit: f32) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40; // 24 bits
        (r as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * limit
    }
}

/// Full-batch training of one MLP (dim → HIDDEN, ReLU → 1) per category on
/// standardised embeddings, weighted binary cross-entropy over the known labels.
fn fit(examples: &[&Example]) -> candle_core::Result<HeadWeights> {
    let dev = Device::Cpu;
    let n = examples.len();
    let dim = examples.first().map_or(384, |e| e.embedding.len());
    let flat: Vec<f32> = examples.iter().flat_map(|e| e.embedding.iter().copied()).collect();
    let x = Tensor::from_vec(flat, (n, dim), &dev)?;
    // Standardise: e5 embeddings share a large common direction.
    let mean = x.mean_keepdim(0)?;
    let centred = x.broadcast_sub(&mean)?;
    let std = (centred.sqr()?.mean_keepdim(0)? + 1e-6)?.sqrt()?;
    let z = centred.broadcast_div(&std)?;
    let mut heads = Vec::new();
    for cat in Category::ALL {
        let i = cat.index();
        let y = Tensor::from_vec(examples.iter().map(|e| e.label[i]).collect::<Vec<_>>(), (n, 1), &dev)?;
        let known = Tensor::from_vec(examples.iter().map(|e| e.known[i]).collect::<Vec<_>>(), (n, 1), &dev)?;
        // Balance: positives weigh negatives/positives.
        let pos = (&y * &known)?.sum_all()?.to_scalar::<f32>()?;
        let all = known.sum_all()?.to_scalar::<f32>()?;
        let pos_weight = if pos > 0.0 { ((all - pos) / pos).max(1.0) } else { 1.0 };
        let sample_weight = ((y.affine(f64::from(pos_weight - 1.0), 1.0))? * &known)?;
        let norm = f64::from(sample_weight.sum_all()?.to_scalar::<f32>()?.max(1.0));

        let mut rng = Seeded(SEED ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let l1 = 1.0 / (dim as f32).sqrt();
        let l2 = 1.0 / (HIDDEN as f32).sqrt();
        let w1: Vec<f32> = (0..dim * HIDDEN).map(|_| rng.uniform(l1)).collect();
        let w2: Vec<f32> = (0..HIDDEN).map(|_| rng.uniform(l2)).collect();
        let w1 = Var::from_tensor(&Tensor::from_vec(w1, (dim, HIDDEN), &dev)?)?;
        let b1 = Var::zeros(HIDDEN, DType::F32, &dev)?;
        let w2 = Var::from_tensor(&Tensor::from_vec(w2, (HIDDEN, 1), &dev)?)?;
        let b2 = Var::zeros(1, DType::F32, &dev)?;
        let params = ParamsAdamW { lr: LEARNING_RATE, weight_decay: WEIGHT_DECAY, ..Default::default() };
        let mut opt = AdamW::new(vec![w1.clone(), b1.clone(), w2.clone(), b2.clone()], params)?;
        for _ in 0..EPOCHS {
            let hidden = z.matmul(w1.as_tensor())?.broadcast_add(b1.as_tensor())?.relu()?;
            let logits = hidden.matmul(w2.as_tensor())?.broadcast_add(b2.as_tensor())?;
            // BCE with logits: softplus(l) - y*l, written stably.
            let softplus = (logits.relu()? + ((logits.abs()?.neg()?.exp()? + 1.0)?.log()?))?;
            let loss = ((softplus - (&y * &logits)?)? * &sample_weight)?.sum_all()?.affine(1.0 / norm, 0.0)?;
            opt.backward_step(&loss)?;
        }
        heads.push((
            w1.as_tensor().flatten_all()?.to_vec1::<f32>()?,
            b1.as_tensor().to_vec1::<f32>()?,
            w2.as_tensor().flatten_all()?.to_vec1::<f32>()?,
            b2.as_tensor().to_vec1::<f32>()?[0],
        ));
    }
    Ok(HeadWeights { mean: mean.flatten_all()?.to_vec1()?, std: std.flatten_all()?.to_vec1()?, heads })
}

/// Heads file: `f<k>.input.mean`, `f<k>.input.std` and `f<k>.<category>.{w1,b1,w2,b2}`
/// for each model k; the shipped probability is their mean.
fn save_heads(models: &[HeadWeights]) -> candle_core::Result<Vec<u8>> {
    let dev = Device::Cpu;
    let mut tensors = HashMap::new();
    for (k, h) in models.iter().enumerate() {
        let dim = h.mean.len();
        tensors.insert(format!("f{k}.input.mean"), Tensor::from_vec(h.mean.clone(), dim, &dev)?);
        tensors.insert(format!("f{k}.input.std"), Tensor::from_vec(h.std.clone(), dim, &dev)?);
        for cat in Category::ALL {
            let (w1, b1, w2, b2) = &h.heads[cat.index()];
            let id = cat.id();
            tensors.insert(format!("f{k}.{id}.w1"), Tensor::from_vec(w1.clone(), (dim, HIDDEN), &dev)?);
            tensors.insert(format!("f{k}.{id}.b1"), Tensor::from_vec(b1.clone(), HIDDEN, &dev)?);
            tensors.insert(format!("f{k}.{id}.w2"), Tensor::from_vec(w2.clone(), HIDDEN, &dev)?);
            tensors.insert(format!("f{k}.{id}.b2"), Tensor::from_vec(vec![*b2], 1, &dev)?);
        }
    }
    super::safetensors_bytes(tensors).map_err(candle_core::Error::msg)
}

#[derive(Clone)]
struct ValCase {
    id: String,
    text: String,
    lang: Lang,
    expect: Vec<Category>,
    rules: Vec<Finding>,
    scores: Vec<SentenceScore>,
}

#[derive(Default)]
struct Tally {
    by_lang: [crate::corpus::Counts; 2],
}

/// Case-level counts for one category with these thresholds, through the engine's
/// own combination code.
fn f1_for(cases: &[ValCase], cat: Category, t: ByLang) -> Tally {
    let mut thresholds = [ByLang::default(); 6];
    thresholds[cat.index()] = t;
    let mut tally = Tally::default();
    for case in cases {
        // All the rules' findings: the model adds only in sentences they left alone.
        let mut findings: Vec<Finding> = case.rules.clone();
        review::combine(&case.scores, &mut findings, &thresholds, &|c| c == cat, &|c, s, _| Finding {
            category: c,
            rule: String::new(),
            severity: crate::finding::Severity::Info,
            message: String::new(),
            start: s.start,
            end: s.end,
            lang: s.lang,
            suggestions: Vec::new(),
        });
        let found = findings.iter().any(|f| f.category == cat);
        let expected = case.expect.contains(&cat);
        let c = &mut tally.by_lang[case.lang as usize];
        match (expected, found) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (true, false) => c.fn_ += 1,
            _ => {}
        }
    }
    tally
}

/// Write the trained heads where the binary embeds them from.
pub fn write(trained: &Trained, models_dir_in_repo: &Path) -> std::io::Result<()> {
    std::fs::write(models_dir_in_repo.join("heads.safetensors"), &trained.safetensors)?;
    std::fs::write(models_dir_in_repo.join("heads.toml"), &trained.thresholds)
}
