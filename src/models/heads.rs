//! Classifier heads: one small MLP per category over the encoder's sentence
//! embedding, trained by `cofnod train` on the corpus's train and validation splits
//! (`models/heads.safetensors`: five cross-validation fold models, averaged), with
//! the thresholds that decide what a probability does chosen from their out-of-fold
//! scores (`models/heads.toml`). Both are embedded in the binary; only the encoder
//! they read is installed separately.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::finding::Category;
use crate::language::Lang;

pub const HEADS_FILE: &[u8] = include_bytes!("../../models/heads.safetensors");
pub const THRESHOLDS_FILE: &str = include_str!("../../models/heads.toml");

/// What the model may do for one category.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Add a sentence-level finding where no rule found this category and the
    /// model's probability is at least this. Absent: the model adds nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<f32>,
    /// Drop the rules' findings of this category in a sentence where the model's
    /// probability is below this. Absent: the model never vetoes a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto: Option<f32>,
}

/// A category's thresholds for each language: a head can be precise enough to add
/// findings in one language and not in the other.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ByLang {
    #[serde(default)]
    pub en: Thresholds,
    #[serde(default)]
    pub cy: Thresholds,
}

impl ByLang {
    pub fn get(&self, lang: Lang) -> Thresholds {
        match lang {
            Lang::En => self.en,
            Lang::Cy => self.cy,
        }
    }

    pub fn set(&mut self, lang: Lang, t: Thresholds) {
        match lang {
            Lang::En => self.en = t,
            Lang::Cy => self.cy = t,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdFile {
    /// How the heads were made (for people reading the file).
    #[serde(default)]
    pub trained: String,
    #[serde(default)]
    pub category: HashMap<String, ByLang>,
}

struct Mlp {
    /// [dim × hidden], row-major.
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: f32,
}

/// One trained model: input standardisation and an MLP per category.
struct Member {
    mean: Vec<f32>,
    std: Vec<f32>,
    mlps: Vec<Mlp>,
}

pub struct Heads {
    /// The fold models whose probabilities are averaged; none until trained.
    members: Vec<Member>,
    pub thresholds: [ByLang; 6],
}

impl Heads {
    /// The embedded heads (untrained placeholders until `cofnod train` is run).
    pub fn embedded() -> Result<Heads, String> {
        Heads::from_parts(HEADS_FILE, THRESHOLDS_FILE)
    }

    pub fn from_parts(safetensors: &[u8], thresholds: &str) -> Result<Heads, String> {
        let tensors = candle_core::safetensors::load_buffer(safetensors, &Device::Cpu).map_err(|e| e.to_string())?;
        let file: ThresholdFile = toml::from_str(thresholds).map_err(|e| e.to_string())?;
        let get = |name: &str| -> Result<Vec<f32>, String> {
            let t: &Tensor = tensors.get(name).ok_or_else(|| format!("heads: missing {name}"))?;
            t.flatten_all().and_then(|t| t.to_vec1::<f32>()).map_err(|e| e.to_string())
        };
        let mut limits = [ByLang::default(); 6];
        for cat in Category::ALL {
            limits[cat.index()] = file.category.get(cat.id()).copied().unwrap_or_default();
        }
        let mut members = Vec::new();
        while tensors.contains_key(&format!("f{}.input.mean", members.len())) {
            let k = members.len();
            let (mean, std) = (get(&format!("f{k}.input.mean"))?, get(&format!("f{k}.input.std"))?);
            let mut mlps = Vec::new();
            for cat in Category::ALL {
                let id = cat.id();
                let mlp = Mlp {
                    w1: get(&format!("f{k}.{id}.w1"))?,
                    b1: get(&format!("f{k}.{id}.b1"))?,
                    w2: get(&format!("f{k}.{id}.w2"))?,
                    b2: get(&format!("f{k}.{id}.b2"))?.first().copied().unwrap_or(0.0),
                };
                if mlp.w1.len() != mean.len() * mlp.b1.len() || mlp.w2.len() != mlp.b1.len() || std.len() != mean.len() {
                    return Err(format!("heads: model {k}, {id} has inconsistent shapes"));
                }
                mlps.push(mlp);
            }
            members.push(Member { mean, std, mlps });
        }
        if members.is_empty() {
            limits = [ByLang::default(); 6];
        }
        Ok(Heads { members, thresholds: limits })
    }

    pub fn is_trained(&self) -> bool {
        !self.members.is_empty()
    }

    /// Probability of each category (in `Category::ALL` order) for one embedding,
    /// the mean over the models; all zero for untrained heads.
    pub fn probabilities(&self, embedding: &[f32]) -> [f32; 6] {
        let mut p = [0f32; 6];
        let members: Vec<&Member> = self.members.iter().filter(|m| m.mean.len() == embedding.len()).collect();
        for m in &members {
            let z: Vec<f32> = embedding.iter().zip(&m.mean).zip(&m.std).map(|((x, mu), s)| (x - mu) / s).collect();
            for (i, mlp) in m.mlps.iter().enumerate() {
                p[i] += mlp.probability(&z) / members.len() as f32;
            }
        }
        p
    }
}

impl Mlp {
    fn probability(&self, z: &[f32]) -> f32 {
        let hidden = self.b1.len();
        let mut h = self.b1.clone();
        for (d, zd) in z.iter().enumerate() {
            let row = &self.w1[d * hidden..(d + 1) * hidden];
            for (hj, w) in h.iter_mut().zip(row) {
                *hj += zd * w;
            }
        }
        let logit: f32 = h.iter().zip(&self.w2).map(|(hj, w)| hj.max(0.0) * w).sum::<f32>() + self.b2;
        1.0 / (1.0 + (-logit).exp())
    }
}
