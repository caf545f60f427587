//! On-device models (optional): a sentence encoder, the fine-tuned judge over its
//! lower layers, national outcome suggestions and checked rewrites. cofnod works without
//! them; docs/ARCHITECTURE.md describes how their findings join the rules'.

pub mod encoder;
pub mod finetune;
pub mod generator;
pub mod judge;
pub mod outcomes;
pub mod review;
pub mod rewrite;
pub mod store;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use encoder::Encoder;

/// Whether to use installed models (`auto`) or the rules alone (`off`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelUse {
    #[default]
    Auto,
    Off,
}

impl ModelUse {
    /// `COFNOD_MODELS` (auto or off), if set.
    pub fn from_env() -> Option<ModelUse> {
        match std::env::var("COFNOD_MODELS").ok()?.as_str() {
            "off" => Some(ModelUse::Off),
            "auto" => Some(ModelUse::Auto),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("no encoder installed in {0} (run `cofnod models install`)")]
    NotInstalled(std::path::PathBuf),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("{path}: not a usable encoder: {message}")]
    Format { path: std::path::PathBuf, message: String },
    #[error("the embedded judge is unusable: {0}")]
    Judge(String),
}

/// Tensors as a safetensors file image, for the files `cofnod train` writes (the
/// judge, outcome prototypes), without a round trip through a temporary file.
/// Sorted by name, so the same tensors always give the same bytes.
pub(crate) fn safetensors_bytes(tensors: HashMap<String, candle_core::Tensor>) -> Result<Vec<u8>, String> {
    let sorted: std::collections::BTreeMap<String, candle_core::Tensor> = tensors.into_iter().collect();
    safetensors::serialize(sorted, None).map_err(|e| e.to_string())
}

/// Sentence embeddings kept for re-use (an edited note re-embeds only changed
/// sentences). Cleared when full, which is rare and cheap.
const CACHE_ENTRIES: usize = 20_000;

/// The loaded models, shared by every front (`Arc`), safe to use from many threads.
pub struct Models {
    pub encoder: Encoder,
    /// The fine-tuned judge (`None` only in a build whose `models/judge.toml` is the
    /// placeholder: then the models add no findings).
    pub judge: Option<judge::Judge>,
    cache: Mutex<HashMap<String, Arc<[f32]>>>,
}

impl Models {
    /// Load the installed encoder (hash-checked) and the embedded judge (hash-checked).
    pub fn load(dir: &Path) -> Result<Models, ModelError> {
        let spec = store::spec("encoder").expect("the manifest names the encoder");
        if store::installed(&spec, dir) == store::Installed::No {
            return Err(ModelError::NotInstalled(dir.to_path_buf()));
        }
        let bytes = store::read_verified(&spec, dir)?;
        let encoder = Encoder::from_bytes(&bytes)
            .map_err(|e| ModelError::Format { path: spec.path_in(dir), message: e.to_string() })?;
        let judge = judge::Judge::embedded().map_err(ModelError::Judge)?;
        Ok(Models { encoder, judge, cache: Mutex::new(HashMap::new()) })
    }

    /// Embeddings of `texts`, from the cache where possible.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Arc<[f32]>>, candle_core::Error> {
        let mut out: Vec<Option<Arc<[f32]>>> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            texts.iter().map(|t| cache.get(*t).cloned()).collect()
        };
        let missing: Vec<&str> = texts.iter().zip(&out).filter(|(_, o)| o.is_none()).map(|(t, _)| *t).collect();
        if !missing.is_empty() {
            let fresh = self.encoder.embed(&missing)?;
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() + fresh.len() > CACHE_ENTRIES {
                cache.clear();
            }
            let mut fresh = missing.iter().zip(fresh);
            for (slot, text) in out.iter_mut().zip(texts) {
                if slot.is_none() {
                    let (t, v) = fresh.next().expect("one fresh embedding per missing text");
                    debug_assert_eq!(t, text);
                    let v: Arc<[f32]> = v.into();
                    cache.insert(text.to_string(), v.clone());
                    *slot = Some(v);
                }
            }
        }
        Ok(out.into_iter().map(|o| o.expect("filled")).collect())
    }
}
