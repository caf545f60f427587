//! The rewrite generator: SmolLM2-135M-Instruct (4-bit GGUF) on candle's quantized
//! llama. Its Q4_1 weights are re-quantised to Q4_0 at load (several times faster
//! here: candle has tuned AVX2 kernels for Q4_0 × Q8_0). Its tokenizer is rebuilt
//! from the GGUF's vocabulary and merges: byte-level BPE with digits split, the
//! chat tokens kept whole. Its output is never shown unchecked (see `rewrite.rs`).

use std::io::Cursor;
use std::path::Path;

use candle_core::quantized::{gguf_file, GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use candle_transformers::generation::LogitsProcessor;
use candle_transformers::models::quantized_llama::ModelWeights;
use tokenizers::models::bpe::BPE;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::{AddedToken, PreTokenizerWrapper, Tokenizer};

use super::{store, ModelError};

pub struct Generator {
    weights: ModelWeights,
    tokenizer: Tokenizer,
    /// `<|im_end|>` and `<|endoftext|>`: either ends a reply.
    stops: Vec<u32>,
}

fn bad(path: &Path, e: impl std::fmt::Display) -> ModelError {
    ModelError::Format { path: path.to_path_buf(), message: e.to_string() }
}

impl Generator {
    pub fn load(dir: &Path) -> Result<Generator, ModelError> {
        let spec = store::spec("generator").expect("the manifest names the generator");
        if store::installed(&spec, dir) == store::Installed::No {
            return Err(ModelError::NotInstalled(dir.to_path_buf()));
        }
        let path = spec.path_in(dir);
        let bytes = store::read_verified(&spec, dir)?;
        Generator::from_bytes(&bytes).map_err(|e| bad(&path, e))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Generator, String> {
        let dev = Device::Cpu;
        let mut reader = Cursor::new(bytes);
        let content = gguf_file::Content::read(&mut reader).map_err(|e| e.to_string())?;
        let tokenizer = tokenizer_from(&content)?;

        // Re-quantise Q4_1 tensors to Q4_0, and hand candle a GGUF image of the result.
        let mut tensors: Vec<(String, QTensor)> = Vec::new();
        let mut names: Vec<&String> = content.tensor_infos.keys().collect();
        names.sort();
        for name in names {
            let t = content.tensor(&mut reader, name, &dev).map_err(|e| e.to_string())?;
            let t = if t.dtype() == GgmlDType::Q4_1 && t.shape().dims().last().is_some_and(|d| d % 32 == 0) {
                let values = t.dequantize(&dev).map_err(|e| e.to_string())?;
                QTensor::quantize(&values, GgmlDType::Q4_0).map_err(|e| e.to_string())?
            } else {
                t
            };
            tensors.push((name.clone(), t));
        }
        let metadata: Vec<(&str, &gguf_file::Value)> = content.metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
        let mut image = Cursor::new(Vec::new());
        gguf_file::write(&mut image, &metadata, &refs).map_err(|e| e.to_string())?;
        drop(tensors);
        image.set_position(0);
        let requantised = gguf_file::Content::read(&mut image).map_err(|e| e.to_string())?;
        let weights = ModelWeights::from_gguf(requantised, &mut image, &dev).map_err(|e| e.to_string())?;

        let stops = ["<|im_end|>", "<|endoftext|>"].iter().filter_map(|t| tokenizer.token_to_id(t)).collect();
        Ok(Generator { weights, tokenizer, stops })
    }

    /// Replies to a one-turn chat: the greedy reply first, then `samples` sampled
    /// ones (fixed seeds, so the same input gives the same candidates). Stops early,
    /// returning what it has, when `cancelled()` says so.
    pub fn replies(&self, prompt: &str, samples: usize, max_tokens: usize, cancelled: &dyn Fn() -> bool) -> Result<Vec<String>, String> {
        let chat = format!(
            "<|im_start|>system\nYou are a careful editor of social care records.<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"
        );
        if cancelled() {
            return Ok(Vec::new());
        }
        let ids = self.tokenizer.encode(chat.as_str(), false).map_err(|e| e.to_string())?.get_ids().to_vec();
        let dev = Device::Cpu;
        // The prompt once; each candidate continues from a copy of its cache.
        let mut base = self.weights.clone();
        let input = Tensor::new(ids.as_slice(), &dev).and_then(|t| t.unsqueeze(0)).map_err(|e| e.to_string())?;
        let first_logits = base.forward(&input, 0).and_then(|l| l.squeeze(0)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for k in 0..=samples {
            if cancelled() {
                break;
            }
            let mut model = base.clone();
            let mut sampler = if k == 0 { LogitsProcessor::new(0, None, None) } else { LogitsProcessor::new(k as u64, Some(0.7), Some(0.9)) };
            let mut logits = first_logits.clone();
            let mut reply = Vec::new();
            for step in 0..max_tokens {
                if cancelled() {
                    break;
                }
                let next = sampler.sample(&logits).map_err(|e| e.to_string())?;
                if self.stops.contains(&next) {
                    break;
                }
                reply.push(next);
                let input = Tensor::new(&[next], &dev).and_then(|t| t.unsqueeze(0)).map_err(|e| e.to_string())?;
                logits = model.forward(&input, ids.len() + step).and_then(|l| l.squeeze(0)).map_err(|e| e.to_string())?;
            }
            out.push(self.tokenizer.decode(&reply, true).map_err(|e| e.to_string())?.trim().to_string());
        }
        Ok(out)
    }
}

impl Generator {
    /// The mean log-probability per token of `text` as a line of a record (the
    /// fluency gate's measure: higher reads more naturally). One token at a time
    /// through the model's cache, so it costs about as much as generating the text.
    pub fn mean_log_prob(&self, text: &str) -> Result<f32, String> {
        let dev = Device::Cpu;
        let context = self.tokenizer.encode("<|im_start|>user\nA line from a social care record:\n", false).map_err(|e| e.to_string())?.get_ids().to_vec();
        let ids = self.tokenizer.encode(text, false).map_err(|e| e.to_string())?.get_ids().to_vec();
        if ids.is_empty() {
            return Ok(0.0);
        }
        let mut model = self.weights.clone();
        let input = Tensor::new(context.as_slice(), &dev).and_then(|t| t.unsqueeze(0)).map_err(|e| e.to_string())?;
        let mut logits = model.forward(&input, 0).and_then(|l| l.squeeze(0)).map_err(|e| e.to_string())?;
        let mut total = 0.0f64;
        for (k, &id) in ids.iter().enumerate() {
            let row: Vec<f32> = logits.to_dtype(candle_core::DType::F32).and_then(|l| l.to_vec1()).map_err(|e| e.to_string())?;
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let log_sum = row.iter().map(|&x| ((x - max) as f64).exp()).sum::<f64>().ln() + max as f64;
            total += row.get(id as usize).copied().unwrap_or(f32::NEG_INFINITY) as f64 - log_sum;
            if k + 1 < ids.len() {
                let input = Tensor::new(&[id], &dev).and_then(|t| t.unsqueeze(0)).map_err(|e| e.to_string())?;
                logits = model.forward(&input, context.len() + k).and_then(|l| l.squeeze(0)).map_err(|e| e.to_string())?;
            }
        }
        Ok((total / ids.len() as f64) as f32)
    }
}

/// Byte-level BPE from `tokenizer.ggml.tokens` and `tokenizer.ggml.merges`.
fn tokenizer_from(content: &gguf_file::Content) -> Result<Tokenizer, String> {
    let get = |k: &str| content.metadata.get(k).ok_or_else(|| format!("the GGUF has no {k}"));
    let tokens = get("tokenizer.ggml.tokens")?.to_vec().map_err(|e| e.to_string())?;
    let merges = get("tokenizer.ggml.merges")?.to_vec().map_err(|e| e.to_string())?;
    let types = get("tokenizer.ggml.token_type").and_then(|v| v.to_vec().map_err(|e| e.to_string())).ok();
    let mut vocab = tokenizers::models::bpe::Vocab::default();
    let mut special = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let t = t.to_string().map_err(|e| e.to_string())?;
        vocab.insert(t.clone(), i as u32);
        // Type 3 is a control token (<|im_start|> and the like).
        if types.and_then(|ty| ty.get(i)).and_then(|v| v.to_i32().ok()) == Some(3) {
            special.push(AddedToken::from(t.clone(), true));
        }
    }
    let merges = merges
        .iter()
        .map(|m| {
            let m = m.to_string().map_err(|e| e.to_string())?;
            let (a, b) = m.split_once(' ').ok_or_else(|| format!("bad merge {m:?}"))?;
            Ok((a.to_string(), b.to_string()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let bpe = BPE::builder().vocab_and_merges(vocab, merges).build().map_err(|e| e.to_string())?;
    let mut tokenizer = Tokenizer::new(bpe);
    tokenizer.with_pre_tokenizer(Some(Sequence::new(vec![
        PreTokenizerWrapper::Digits(Digits::new(true)),
        PreTokenizerWrapper::ByteLevel(ByteLevel::new(false, true, true)),
    ])));
    tokenizer.with_decoder(Some(ByteLevel::default()));
    let _ = tokenizer.add_special_tokens(special);
    Ok(tokenizer)
}
