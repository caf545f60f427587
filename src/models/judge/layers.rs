//! The judge's own weights: transformer layers (copies of the encoder's top layers,
//! fine-tuned) and a multi-label head, as f32 tensors. The same forward code runs
//! when scoring and when training (`train::finetune` builds these from `Var`s, so
//! gradients flow); `train` switches to differentiable layer norm and softmax and
//! turns dropout on.

use candle_core::{Tensor, D};

use super::super::encoder::{gelu, DenseLayer};

pub struct Linear {
    /// [in, out]: transposed once, so a pass is one matrix product.
    pub w: Tensor,
    pub b: Tensor,
}

impl Linear {
    /// x: [batch, tokens, in] → [batch, tokens, out].
    pub fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, l, i) = x.dims3()?;
        let y = x.reshape((b * l, i))?.matmul(&self.w)?.broadcast_add(&self.b)?;
        y.reshape((b, l, ()))
    }
}

pub struct Norm {
    pub gain: Tensor,
    pub bias: Tensor,
    pub eps: f64,
}

impl Norm {
    fn forward(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        if !train {
            return candle_nn::ops::layer_norm(x, &self.gain, &self.bias, self.eps as f32);
        }
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normed.broadcast_mul(&self.gain)?.broadcast_add(&self.bias)
    }
}

pub struct Layer {
    pub qkv: Linear,
    pub attention_out: Linear,
    pub attention_norm: Norm,
    pub ffn_in: Linear,
    pub ffn_out: Linear,
    pub output_norm: Norm,
    pub heads: usize,
}

/// Dropout for training, from a seeded generator (so a training run repeats): each
/// value is kept with probability 1 - rate and scaled up.
pub struct Dropout {
    pub rate: f32,
    pub state: std::cell::Cell<u64>,
}

impl Dropout {
    pub fn apply(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        if self.rate <= 0.0 {
            return Ok(x.clone());
        }
        let n = x.elem_count();
        let mut state = self.state.get();
        let threshold = (f64::from(self.rate) * f64::from(u32::MAX)) as u32;
        let scale = 1.0 / (1.0 - self.rate);
        let mask: Vec<f32> = (0..n)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if ((state >> 32) as u32) < threshold { 0.0 } else { scale }
            })
            .collect();
        self.state.set(state);
        x.mul(&Tensor::from_vec(mask, x.shape(), x.device())?)
    }
}

impl Layer {
    /// From the encoder's layer weights (the starting point for fine-tuning).
    pub fn from_dense(d: DenseLayer) -> candle_core::Result<Layer> {
        let lin = |(w, b): (Tensor, Tensor)| -> candle_core::Result<Linear> { Ok(Linear { w: w.t()?.contiguous()?, b }) };
        let norm = |(gain, bias): (Tensor, Tensor)| Norm { gain, bias, eps: d.eps };
        Ok(Layer {
            qkv: lin(d.qkv)?,
            attention_out: lin(d.attention_out)?,
            attention_norm: norm(d.attention_norm),
            ffn_in: lin(d.ffn_in)?,
            ffn_out: lin(d.ffn_out)?,
            output_norm: norm(d.output_norm),
            heads: d.heads,
        })
    }

    /// x: [batch, tokens, hidden]; `key_bias` from `encoder::key_bias`.
    pub fn forward(&self, x: &Tensor, key_bias: &Tensor, train: Option<&Dropout>) -> candle_core::Result<Tensor> {
        let (b, len, h) = x.dims3()?;
        let head_dim = h / self.heads;
        let scale = 1.0 / (head_dim as f64).sqrt();
        let split = |t: Tensor| -> candle_core::Result<Tensor> { t.reshape((b, len, self.heads, head_dim))?.transpose(1, 2)?.contiguous() };
        let qkv = self.qkv.forward(x)?;
        let q = split(qkv.narrow(2, 0, h)?)?;
        let k = split(qkv.narrow(2, h, h)?)?;
        let v = split(qkv.narrow(2, 2 * h, h)?)?;
        let scores = (q.matmul(&k.t()?.contiguous()?)? * scale)?.broadcast_add(key_bias)?;
        let probs = if train.is_some() { candle_nn::ops::softmax(&scores, D::Minus1)? } else { candle_nn::ops::softmax_last_dim(&scores)? };
        let context = probs.matmul(&v)?.transpose(1, 2)?.contiguous()?.reshape((b, len, h))?;
        let mut attended = self.attention_out.forward(&context)?;
        if let Some(d) = train {
            attended = d.apply(&attended)?;
        }
        let x = self.attention_norm.forward(&(x + attended)?, train.is_some())?;
        let mid = if train.is_some() { self.ffn_in.forward(&x)?.gelu_erf()? } else { gelu(&self.ffn_in.forward(&x)?)? };
        let mut out = self.ffn_out.forward(&mid)?;
        if let Some(d) = train {
            out = d.apply(&out)?;
        }
        self.output_norm.forward(&(x + out)?, train.is_some())
    }

    /// The tensors by name (`l{n}.qkv.w`, …), for saving.
    pub fn named(&self, n: usize) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for (name, lin) in [("qkv", &self.qkv), ("ao", &self.attention_out), ("fi", &self.ffn_in), ("fo", &self.ffn_out)] {
            out.push((format!("l{n}.{name}.w"), lin.w.clone()));
            out.push((format!("l{n}.{name}.b"), lin.b.clone()));
        }
        for (name, norm) in [("an", &self.attention_norm), ("on", &self.output_norm)] {
            out.push((format!("l{n}.{name}.g"), norm.gain.clone()));
            out.push((format!("l{n}.{name}.b"), norm.bias.clone()));
        }
        out
    }

    /// A layer from tensors named as `named` writes them.
    pub fn from_named(get: &dyn Fn(&str) -> candle_core::Result<Tensor>, n: usize, heads: usize, eps: f64) -> candle_core::Result<Layer> {
        let lin = |name: &str| -> candle_core::Result<Linear> { Ok(Linear { w: get(&format!("l{n}.{name}.w"))?, b: get(&format!("l{n}.{name}.b"))? }) };
        let norm = |name: &str| -> candle_core::Result<Norm> { Ok(Norm { gain: get(&format!("l{n}.{name}.g"))?, bias: get(&format!("l{n}.{name}.b"))?, eps }) };
        Ok(Layer {
            qkv: lin("qkv")?,
            attention_out: lin("ao")?,
            attention_norm: norm("an")?,
            ffn_in: lin("fi")?,
            ffn_out: lin("fo")?,
            output_norm: norm("on")?,
            heads,
        })
    }
}

/// Mean of the rows of `x` [tokens, hidden] in `start..end`, for each span: the
/// sentence vectors [spans, hidden].
pub fn pool_spans(x: &Tensor, window: &[(usize, usize)]) -> candle_core::Result<Tensor> {
    let rows: Vec<Tensor> = window.iter().map(|&(s, e)| x.narrow(0, s, e - s)?.mean(0)).collect::<candle_core::Result<_>>()?;
    Tensor::stack(&rows, 0)
}
