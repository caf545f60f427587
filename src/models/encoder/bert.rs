//! The BERT encoder of multilingual-e5-small in candle. The layers' weights stay in
//! their Q4_0 blocks and go through a small kernel of our own (`q4_linear.rs`):
//! candle's quantized matmul is built for one token at a time (LLM decoding) and ran
//! a 20-token sentence 6x slower than f32 gemm here, and f32 gemm over weights
//! unpacked at load (85 MB, more than the L3 cache) spent a third of a sentence's
//! time reading them from memory. The word embeddings (96 M values, 384 MB as f32)
//! also stay 4-bit and are unpacked a row at a time for the tokens in the batch.

use candle_core::{DType, Device, Tensor};

use super::e5_file::{E5File, FormatError, TensorType};
use super::q4_linear::{self, Q4Linear, Q4_BLOCK_BYTES};

struct Linear(Q4Linear);

impl Linear {
    /// x: [batch, tokens, in] → [batch, tokens, out].
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, l, _) = x.dims3()?;
        let values = x.flatten_all()?.to_vec1::<f32>()?;
        Tensor::from_vec(self.0.forward(&values, b * l), (b, l, self.0.outputs), x.device())
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        candle_nn::ops::layer_norm(x, &self.weight, &self.bias, self.eps as f32)
    }
}

struct Layer {
    /// Query, key and value side by side (3 × hidden outputs): one pass over the input.
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    ffn_in: Linear,
    ffn_out: Linear,
    output_norm: LayerNorm,
}

pub struct Bert {
    hidden: usize,
    heads: usize,
    pub max_positions: usize,
    /// Q4_0 blocks of the word embedding table, row-major.
    word_blocks: Vec<u8>,
    positions: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

type LoadResult<T> = Result<T, FormatError>;

fn candle_err(e: candle_core::Error) -> FormatError {
    FormatError::Invalid(format!("cannot build tensor: {e}"))
}

impl Bert {
    pub fn load(file: &E5File, bytes: &[u8]) -> LoadResult<Bert> {
        let (h, ff) = (file.hidden, file.ffn);
        let dev = Device::Cpu;
        let f32_values = |name: &str, count: usize| -> LoadResult<Vec<f32>> {
            let t = file.tensor(name, TensorType::F32, count)?;
            Ok(bytes[t.start..t.end].chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect())
        };
        let f32_tensor = |name: &str, shape: &[usize]| -> LoadResult<Tensor> {
            Tensor::from_vec(f32_values(name, shape.iter().product())?, shape, &dev).map_err(candle_err)
        };
        let q4 = |prefix: &str, out: usize, inp: usize| -> LoadResult<Q4Linear> {
            let t = file.tensor(&format!("{prefix}.w"), TensorType::Q4_0, out * inp)?;
            Q4Linear::new(out, inp, bytes[t.start..t.end].to_vec(), f32_values(&format!("{prefix}.b"), out)?)
                .map_err(|e| FormatError::Invalid(format!("{prefix}: {e}")))
        };
        let linear = |prefix: &str, out: usize, inp: usize| -> LoadResult<Linear> { Ok(Linear(q4(prefix, out, inp)?)) };
        let norm = |prefix: &str| -> LoadResult<LayerNorm> {
            Ok(LayerNorm {
                weight: f32_tensor(&format!("{prefix}.w"), &[h])?,
                bias: f32_tensor(&format!("{prefix}.b"), &[h])?,
                eps: f64::from(file.eps),
            })
        };

        let word = file.tensor("emb.word", TensorType::Q4_0, file.vocab_rows * h)?;
        let mut layers = Vec::with_capacity(file.layers);
        for l in 0..file.layers {
            layers.push(Layer {
                qkv: Linear(
                    Q4Linear::concat(vec![q4(&format!("l{l}.q"), h, h)?, q4(&format!("l{l}.k"), h, h)?, q4(&format!("l{l}.v"), h, h)?])
                        .map_err(FormatError::Invalid)?,
                ),
                attention_out: linear(&format!("l{l}.ao"), h, h)?,
                attention_norm: norm(&format!("l{l}.aln"))?,
                ffn_in: linear(&format!("l{l}.fi"), ff, h)?,
                ffn_out: linear(&format!("l{l}.fo"), h, ff)?,
                output_norm: norm(&format!("l{l}.oln"))?,
            });
        }
        Ok(Bert {
            hidden: h,
            heads: file.heads,
            max_positions: file.max_positions,
            word_blocks: bytes[word.start..word.end].to_vec(),
            positions: f32_tensor("emb.pos", &[file.max_positions, h])?,
            // Every token is of type 0: row 0 of the token type table.
            token_type: f32_tensor("emb.type", &[file.token_types, h])?.get(0).map_err(candle_err)?,
            embedding_norm: norm("emb.ln")?,
            layers,
        })
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn vocab_rows(&self) -> usize {
        self.word_blocks.len() / (self.hidden / 32 * Q4_BLOCK_BYTES)
    }

    /// Unpack word embedding rows for `ids` (Q4_0: value = (nibble - 8) * scale).
    fn word_rows(&self, ids: &[u32], out: &mut Vec<f32>) {
        let row_bytes = self.hidden / 32 * Q4_BLOCK_BYTES;
        for &id in ids {
            let row = &self.word_blocks[id as usize * row_bytes..(id as usize + 1) * row_bytes];
            let at = out.len();
            out.resize(at + self.hidden, 0.0);
            q4_linear::unpack_row(row, &mut out[at..]);
        }
    }

    /// Mean-pooled (not yet normalised) embeddings of a batch of id sequences, each
    /// already wrapped in `<s>`…`</s>` and at most `max_positions` long.
    pub fn pooled(&self, batch: &[Vec<u32>], pad: u32) -> candle_core::Result<Vec<Vec<f32>>> {
        let Some(hidden) = self.hidden_after(batch, pad, self.layers.len())? else {
            return Ok(vec![Vec::new(); batch.len()]);
        };
        // Mean over real tokens only.
        let summed = hidden.x.broadcast_mul(&hidden.mask.unsqueeze(2)?)?.sum(1)?;
        let counts = hidden.mask.sum_keepdim(1)?;
        let mean = summed.broadcast_div(&counts)?;
        mean.to_dtype(DType::F32)?.to_vec2()
    }

    /// The number of transformer layers.
    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// The hidden states after the first `layers` transformer layers (all of them:
    /// `layer_count()`), for a batch of id sequences padded to the longest; `None`
    /// for an empty batch. The fine-tuned judge (`models::judge`) runs its own top
    /// layers over these.
    pub fn hidden_after(&self, batch: &[Vec<u32>], pad: u32, layers: usize) -> candle_core::Result<Option<Hidden>> {
        let dev = Device::Cpu;
        let (b, h) = (batch.len(), self.hidden);
        let len = batch.iter().map(Vec::len).max().unwrap_or(0);
        if b == 0 || len == 0 {
            return Ok(None);
        }
        let mut ids = Vec::with_capacity(b * len);
        let mut mask = Vec::with_capacity(b * len);
        for seq in batch {
            ids.extend_from_slice(seq);
            ids.extend(std::iter::repeat_n(pad, len - seq.len()));
            mask.extend(std::iter::repeat_n(1f32, seq.len()));
            mask.extend(std::iter::repeat_n(0f32, len - seq.len()));
        }
        let mut words = Vec::with_capacity(b * len * h);
        self.word_rows(&ids, &mut words);
        let words = Tensor::from_vec(words, (b, len, h), &dev)?;
        let positions = self.positions.narrow(0, 0, len)?;
        let x = words.broadcast_add(&positions)?.broadcast_add(&self.token_type)?;
        let mut x = self.embedding_norm.forward(&x)?;

        let mask = Tensor::from_vec(mask, (b, len), &dev)?;
        let key_bias = key_bias(&mask)?;
        let head_dim = h / self.heads;
        let scale = 1.0 / (head_dim as f64).sqrt();
        let split = |t: Tensor| -> candle_core::Result<Tensor> {
            t.reshape((b, len, self.heads, head_dim))?.transpose(1, 2)?.contiguous()
        };
        for layer in &self.layers[..layers.min(self.layers.len())] {
            let qkv = layer.qkv.forward(&x)?;
            let q = split(qkv.narrow(2, 0, h)?)?;
            let k = split(qkv.narrow(2, h, h)?)?;
            let v = split(qkv.narrow(2, 2 * h, h)?)?;
            let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(&key_bias)?;
            let probs = candle_nn::ops::softmax_last_dim(&scores)?;
            let context = probs.matmul(&v)?.transpose(1, 2)?.reshape((b, len, h))?;
            let attended = layer.attention_out.forward(&context)?;
            x = layer.attention_norm.forward(&(x + attended)?)?;
            let mid = gelu(&layer.ffn_in.forward(&x)?)?;
            let out = layer.ffn_out.forward(&mid)?;
            x = layer.output_norm.forward(&(x + out)?)?;
        }
        Ok(Some(Hidden { x, mask }))
    }

    /// Layer `l`'s weights unpacked to f32 (the starting point of a fine-tuned copy).
    pub fn dense_layer(&self, l: usize) -> candle_core::Result<DenseLayer> {
        let layer = &self.layers[l];
        let t = |(w, b): (Vec<f32>, Vec<f32>), out: usize, inp: usize| -> candle_core::Result<(Tensor, Tensor)> {
            Ok((Tensor::from_vec(w, (out, inp), &Device::Cpu)?, Tensor::from_vec(b, out, &Device::Cpu)?))
        };
        let h = self.hidden;
        let ff = layer.ffn_in.0.outputs;
        Ok(DenseLayer {
            qkv: t(layer.qkv.0.dequantized(), 3 * h, h)?,
            attention_out: t(layer.attention_out.0.dequantized(), h, h)?,
            attention_norm: (layer.attention_norm.weight.clone(), layer.attention_norm.bias.clone()),
            ffn_in: t(layer.ffn_in.0.dequantized(), ff, h)?,
            ffn_out: t(layer.ffn_out.0.dequantized(), h, ff)?,
            output_norm: (layer.output_norm.weight.clone(), layer.output_norm.bias.clone()),
            heads: self.heads,
            eps: layer.output_norm.eps,
        })
    }
}

/// Hidden states `x` [batch, tokens, hidden] and the mask of real tokens [batch, tokens].
pub struct Hidden {
    pub x: Tensor,
    pub mask: Tensor,
}

/// Attention bias [batch, 1, 1, tokens]: padding keys get -inf-ish scores, so
/// attention never reads them.
pub fn key_bias(mask: &Tensor) -> candle_core::Result<Tensor> {
    let (b, len) = mask.dims2()?;
    ((mask.clone() - 1.0)? * 1e9)?.reshape((b, 1, 1, len))
}

/// One transformer layer's weights as f32 tensors ((weight [out, in], bias [out]) per
/// linear map; (gain, bias) per layer norm).
pub struct DenseLayer {
    pub qkv: (Tensor, Tensor),
    pub attention_out: (Tensor, Tensor),
    pub attention_norm: (Tensor, Tensor),
    pub ffn_in: (Tensor, Tensor),
    pub ffn_out: (Tensor, Tensor),
    pub output_norm: (Tensor, Tensor),
    pub heads: usize,
    pub eps: f64,
}

/// BERT's exact (erf) GELU with erf from Abramowitz and Stegun 7.1.26 (error below
/// 1.5e-7): candle's `gelu_erf` calls libm's erf per value, which was a tenth of the
/// encoder's time; this loop vectorises.
pub fn gelu(x: &Tensor) -> candle_core::Result<Tensor> {
    let shape = x.shape().clone();
    let mut v = x.flatten_all()?.to_vec1::<f32>()?;
    for x in v.iter_mut() {
        let z = *x * std::f32::consts::FRAC_1_SQRT_2;
        let a = z.abs();
        let t = 1.0 / (1.0 + 0.327_591_1 * a);
        let poly = t * (0.254_829_6 + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
        let erf_abs = 1.0 - poly * (-a * a).exp();
        let erf = if z < 0.0 { -erf_abs } else { erf_abs };
        *x = 0.5 * *x * (1.0 + erf);
    }
    Tensor::from_vec(v, shape, x.device())
}
