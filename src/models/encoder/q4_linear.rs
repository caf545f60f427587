//! A linear layer whose weights stay in their Q4_0 blocks (4.5 bits a weight).
//!
//! Why not a general matrix multiply: a sentence is about 20 tokens, so each
//! weight is used only 20 times per pass. Unpacked to f32 the encoder's weights are
//! 85 MB, more than this machine's 32 MB L3 cache, and a single-sentence pass spent
//! a third of its time waiting for them to stream in from memory. As Q4_0 they are
//! 11 MB and stay cached between sentences. The kernel unpacks four output rows at a
//! time into a small f32 buffer (in L1) and multiplies them against every token,
//! with the tokens packed eight to a vector, so the unpacking is paid once per row
//! and pass, not once per token.

use rayon::prelude::*;

/// Bytes in one Q4_0 block of 32 weights: an f16 scale and 16 bytes of nibbles.
pub const Q4_BLOCK_BYTES: usize = 18;
const BLOCK: usize = 32;
/// Output rows unpacked and multiplied together.
const ROWS: usize = 4;
/// Tokens per vector (f32 lanes in 256 bits).
const LANES: usize = 8;
/// Output rows per parallel task: enough work to be worth a thread hop.
const ROWS_PER_TASK: usize = 64;
/// From this many tokens (a batch of sentences, a long note), a general matrix
/// multiply over the unpacked weights is faster: the kernel below re-reads every
/// token for each four rows, which stops fitting in cache.
const GEMM_FROM_TOKENS: usize = 64;

pub struct Q4Linear {
    pub outputs: usize,
    pub inputs: usize,
    /// `outputs` rows of `inputs / 32` blocks, as in the model file.
    blocks: Vec<u8>,
    bias: Vec<f32>,
}

impl Q4Linear {
    /// `blocks` must hold `outputs × inputs / 32` Q4_0 blocks and `bias` `outputs`
    /// values; `inputs` must be a multiple of 32.
    pub fn new(outputs: usize, inputs: usize, blocks: Vec<u8>, bias: Vec<f32>) -> Result<Q4Linear, String> {
        if !inputs.is_multiple_of(BLOCK) || blocks.len() != outputs * inputs / BLOCK * Q4_BLOCK_BYTES || bias.len() != outputs {
            return Err(format!("a {outputs}×{inputs} Q4_0 layer has {} weight bytes and {} biases", blocks.len(), bias.len()));
        }
        Ok(Q4Linear { outputs, inputs, blocks, bias })
    }

    /// Layers side by side (query, key and value): one pass over the input for all.
    pub fn concat(parts: Vec<Q4Linear>) -> Result<Q4Linear, String> {
        let inputs = parts.first().map_or(0, |p| p.inputs);
        if parts.iter().any(|p| p.inputs != inputs) {
            return Err("layers joined side by side must take the same input".into());
        }
        let outputs = parts.iter().map(|p| p.outputs).sum();
        let mut blocks = Vec::new();
        let mut bias = Vec::new();
        for p in parts {
            blocks.extend(p.blocks);
            bias.extend(p.bias);
        }
        Q4Linear::new(outputs, inputs, blocks, bias)
    }

    /// The weights (`outputs × inputs`, row-major) and biases as f32.
    pub fn dequantized(&self) -> (Vec<f32>, Vec<f32>) {
        let row_bytes = self.inputs / BLOCK * Q4_BLOCK_BYTES;
        let mut w = vec![0f32; self.outputs * self.inputs];
        for (row, out) in self.blocks.chunks_exact(row_bytes).zip(w.chunks_exact_mut(self.inputs)) {
            unpack_row(row, out);
        }
        (w, self.bias.clone())
    }

    /// `x`: `tokens × inputs`, row-major; returns `tokens × outputs`.
    pub fn forward(&self, x: &[f32], tokens: usize) -> Vec<f32> {
        assert_eq!(x.len(), tokens * self.inputs, "input shape");
        if tokens == 0 {
            return Vec::new();
        }
        if tokens >= GEMM_FROM_TOKENS {
            return self.forward_unpacked(x, tokens);
        }
        let padded = tokens.div_ceil(LANES) * LANES;
        // xt[k][t]: the input transposed, tokens padded with zeros to whole vectors.
        let mut xt = vec![0f32; self.inputs * padded];
        xt.par_chunks_mut(ROWS_PER_TASK * padded).enumerate().for_each(|(chunk, xt)| {
            let k0 = chunk * ROWS_PER_TASK;
            for (dk, column) in xt.chunks_exact_mut(padded).enumerate() {
                for (t, v) in column.iter_mut().take(tokens).enumerate() {
                    *v = x[t * self.inputs + k0 + dk];
                }
            }
        });
        let mut y = vec![0f32; tokens * self.outputs];
        let y_at = SharedOut(y.as_mut_ptr());
        let row_bytes = self.inputs / BLOCK * Q4_BLOCK_BYTES;
        (0..self.outputs.div_ceil(ROWS_PER_TASK)).into_par_iter().for_each(|task| {
            let first = task * ROWS_PER_TASK;
            let last = (first + ROWS_PER_TASK).min(self.outputs);
            let mut unpacked = vec![0f32; ROWS * self.inputs];
            let mut out = vec![0f32; ROWS * padded];
            for group in (first..last).step_by(ROWS) {
                let n = ROWS.min(last - group);
                for r in 0..n {
                    let row = group + r;
                    unpack_row(&self.blocks[row * row_bytes..(row + 1) * row_bytes], &mut unpacked[r * self.inputs..(r + 1) * self.inputs]);
                }
                multiply(&unpacked[..n * self.inputs], &xt, self.inputs, padded, &mut out[..n * padded]);
                for r in 0..n {
                    let (o, b) = (group + r, self.bias[group + r]);
                    for t in 0..tokens {
                        // SAFETY: t < tokens and o < outputs, inside y; each output
                        // row o belongs to exactly one task, so no two write the same value.
                        unsafe { *y_at.at(t * self.outputs + o) = out[r * padded + t] + b };
                    }
                }
            }
        });
        y
    }
}

impl Q4Linear {
    /// For many tokens: unpack the whole matrix (about 1 ms per pass of the
    /// encoder, shared by every token) and hand it to a general matrix multiply,
    /// which blocks for the caches better than the small-input kernel above.
    fn forward_unpacked(&self, x: &[f32], tokens: usize) -> Vec<f32> {
        thread_local! {
            // Reused: a fresh 2.4 MB buffer per layer would be a fresh mapping
            // and its page faults every time.
            static WEIGHTS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let mut y = vec![0f32; tokens * self.outputs];
        let row_bytes = self.inputs / BLOCK * Q4_BLOCK_BYTES;
        // Taken out, not borrowed, for the multiply: while gemm waits on its rayon
        // tasks this thread may run another layer's forward pass, which then finds
        // the slot empty and allocates its own buffer instead of failing a borrow.
        let mut w = WEIGHTS.take();
        {
            let w = &mut w;
            w.resize(self.outputs * self.inputs, 0.0);
            for (row, blocks) in w.chunks_exact_mut(self.inputs).zip(self.blocks.chunks_exact(row_bytes)) {
                unpack_row(blocks, row);
            }
            // SAFETY: y is tokens × outputs (row stride outputs), x is tokens ×
            // inputs (row stride inputs), and w, read as its transpose, is inputs ×
            // outputs (row stride 1, column stride inputs): every index is inside.
            unsafe {
                gemm::gemm(
                    tokens,
                    self.outputs,
                    self.inputs,
                    y.as_mut_ptr(),
                    1,
                    self.outputs as isize,
                    false,
                    x.as_ptr(),
                    1,
                    self.inputs as isize,
                    w.as_ptr(),
                    self.inputs as isize,
                    1,
                    0.0,
                    1.0,
                    false,
                    false,
                    false,
                    gemm::Parallelism::Rayon(0),
                );
            }
        }
        WEIGHTS.set(w);
        for row in y.chunks_exact_mut(self.outputs) {
            row.iter_mut().zip(&self.bias).for_each(|(v, b)| *v += b);
        }
        y
    }
}

/// The output buffer, written by several tasks at disjoint indices.
struct SharedOut(*mut f32);
// SAFETY: tasks write disjoint elements (one output column each), and the buffer
// outlives the parallel loop that uses it.
unsafe impl Sync for SharedOut {}
impl SharedOut {
    /// # Safety
    /// `i` must be inside the buffer and written by one task only.
    unsafe fn at(&self, i: usize) -> *mut f32 {
        unsafe { self.0.add(i) }
    }
}

/// One row of Q4_0 blocks to f32: value = (nibble − 8) × scale; the low nibbles
/// are the block's first 16 values, the high nibbles its last 16.
pub fn unpack_row(blocks: &[u8], out: &mut [f32]) {
    assert!(out.len() >= blocks.len() / Q4_BLOCK_BYTES * BLOCK, "unpack_row: output too short");
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above); lengths checked above.
            unsafe { avx2::unpack_row(blocks, out) };
            return;
        }
    }
    unpack_row_portable(blocks, out);
}

fn unpack_row_portable(blocks: &[u8], out: &mut [f32]) {
    for (block, out) in blocks.chunks_exact(Q4_BLOCK_BYTES).zip(out.chunks_exact_mut(BLOCK)) {
        let scale = half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
        let offset = -8.0 * scale;
        let (low, high) = out.split_at_mut(16);
        for ((q, lo), hi) in block[2..].iter().zip(low).zip(high) {
            *lo = f32::from(q & 0x0f).mul_add(scale, offset);
            *hi = f32::from(q >> 4).mul_add(scale, offset);
        }
    }
}

/// out[r][t] = Σ_k w[r][k] · xt[k][t] for up to `ROWS` rows of `w`.
fn multiply(w: &[f32], xt: &[f32], inputs: usize, padded: usize, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            unsafe { avx2::multiply(w, xt, inputs, padded, out) };
            return;
        }
    }
    multiply_portable(w, xt, inputs, padded, out);
}

fn multiply_portable(w: &[f32], xt: &[f32], inputs: usize, padded: usize, out: &mut [f32]) {
    for (wr, out) in w.chunks_exact(inputs).zip(out.chunks_exact_mut(padded)) {
        out.fill(0.0);
        for (k, &wk) in wr.iter().enumerate() {
            for (o, &x) in out.iter_mut().zip(&xt[k * padded..(k + 1) * padded]) {
                *o = wk.mul_add(x, *o);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{LANES, ROWS};
    use std::arch::x86_64::*;

    /// Register tile: `ROWS` outputs × `V` vectors of eight tokens (at most 12
    /// accumulators of the 16 ymm registers).
    #[target_feature(enable = "avx2,fma")]
    unsafe fn tile<const V: usize>(w: &[f32], xt: &[f32], inputs: usize, padded: usize, t0: usize, out: &mut [f32]) {
        let rows = w.len() / inputs;
        let mut acc = [[_mm256_setzero_ps(); V]; ROWS];
        let xp = xt.as_ptr();
        let wp = w.as_ptr();
        for k in 0..inputs {
            let mut x = [_mm256_setzero_ps(); V];
            for (v, x) in x.iter_mut().enumerate() {
                // SAFETY: t0 + (v + 1) × 8 ≤ padded, and k < inputs, inside xt.
                *x = unsafe { _mm256_loadu_ps(xp.add(k * padded + t0 + v * LANES)) };
            }
            for (r, acc) in acc.iter_mut().enumerate().take(rows) {
                // SAFETY: r < rows and k < inputs, inside w.
                let wk = _mm256_set1_ps(unsafe { *wp.add(r * inputs + k) });
                for v in 0..V {
                    acc[v] = _mm256_fmadd_ps(wk, x[v], acc[v]);
                }
            }
        }
        for (r, acc) in acc.iter().enumerate().take(rows) {
            for (v, acc) in acc.iter().enumerate() {
                // SAFETY: r < rows and t0 + (v + 1) × 8 ≤ padded, inside out.
                unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(r * padded + t0 + v * LANES), *acc) };
            }
        }
    }

    /// As `super::unpack_row_portable`, eight values at a time.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn unpack_row(blocks: &[u8], out: &mut [f32]) {
        let mask = _mm_set1_epi8(0x0f);
        for (block, out) in blocks.chunks_exact(super::Q4_BLOCK_BYTES).zip(out.chunks_exact_mut(super::BLOCK)) {
            let d = half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
            let (scale, offset) = (_mm256_set1_ps(d), _mm256_set1_ps(-8.0 * d));
            // SAFETY: a block has 16 bytes of nibbles after its 2-byte scale, and
            // `out` has 32 values (chunks_exact).
            unsafe {
                let q = _mm_loadu_si128(block.as_ptr().add(2).cast());
                let low = _mm_and_si128(q, mask);
                let high = _mm_and_si128(_mm_srli_epi16(q, 4), mask);
                for (i, half) in [low, _mm_srli_si128(low, 8), high, _mm_srli_si128(high, 8)].into_iter().enumerate() {
                    let v = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(half));
                    _mm256_storeu_ps(out.as_mut_ptr().add(i * LANES), _mm256_fmadd_ps(v, scale, offset));
                }
            }
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn multiply(w: &[f32], xt: &[f32], inputs: usize, padded: usize, out: &mut [f32]) {
        debug_assert!(w.len() / inputs <= ROWS && out.len() == w.len() / inputs * padded);
        let mut t0 = 0;
        while t0 < padded {
            // SAFETY: as `tile` requires; the CPU features are the caller's promise.
            unsafe {
                match (padded - t0) / LANES {
                    1 => tile::<1>(w, xt, inputs, padded, t0, out),
                    2 => tile::<2>(w, xt, inputs, padded, t0, out),
                    _ => tile::<3>(w, xt, inputs, padded, t0, out),
                }
            }
            t0 += LANES * 3.min((padded - t0) / LANES);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A layer with known weights: each value a small integer, scale 0.5.
    fn layer(outputs: usize, inputs: usize) -> (Q4Linear, Vec<f32>) {
        let mut blocks = Vec::new();
        let mut dense = vec![0f32; outputs * inputs];
        for o in 0..outputs {
            for b in 0..inputs / BLOCK {
                blocks.extend_from_slice(&half::f16::from_f32(0.5).to_bits().to_le_bytes());
                for j in 0..16 {
                    let (lo, hi) = (((o * 7 + b * 3 + j) % 16) as u8, ((o + b * 5 + j * 11) % 16) as u8);
                    blocks.push(lo | (hi << 4));
                    dense[o * inputs + b * BLOCK + j] = (f32::from(lo) - 8.0) * 0.5;
                    dense[o * inputs + b * BLOCK + j + 16] = (f32::from(hi) - 8.0) * 0.5;
                }
            }
        }
        let bias = (0..outputs).map(|o| o as f32 * 0.25).collect();
        (Q4Linear::new(outputs, inputs, blocks, bias).unwrap(), dense)
    }

    #[test]
    fn matches_a_plain_matrix_product_for_every_token_count() {
        let (outputs, inputs) = (70, 64);
        let (q, dense) = layer(outputs, inputs);
        assert!(q.forward(&[], 0).is_empty());
        for tokens in [1, 7, 8, 9, 23, 24, 25, 50, GEMM_FROM_TOKENS, 100] {
            let x: Vec<f32> = (0..tokens * inputs).map(|i| ((i * 13) % 17) as f32 * 0.1 - 0.8).collect();
            let y = q.forward(&x, tokens);
            for t in 0..tokens {
                for o in 0..outputs {
                    let want: f32 = (0..inputs).map(|k| x[t * inputs + k] * dense[o * inputs + k]).sum::<f32>() + o as f32 * 0.25;
                    let got = y[t * outputs + o];
                    assert!((got - want).abs() < 1e-3 * (1.0 + want.abs()), "tokens {tokens}, t {t}, o {o}: {got} vs {want}");
                }
            }
        }
    }

    #[test]
    fn the_portable_path_agrees_with_the_vector_path() {
        let (q, _) = layer(8, 64);
        let x: Vec<f32> = (0..9 * 64).map(|i| (i % 5) as f32 - 2.0).collect();
        let padded = 16;
        let mut xt = vec![0f32; 64 * padded];
        for t in 0..9 {
            for k in 0..64 {
                xt[k * padded + t] = x[t * 64 + k];
            }
        }
        let mut w = vec![0f32; 4 * 64];
        for r in 0..4 {
            unpack_row(&q.blocks[r * 36..(r + 1) * 36], &mut w[r * 64..(r + 1) * 64]);
        }
        let (mut a, mut b) = (vec![0f32; 4 * padded], vec![0f32; 4 * padded]);
        multiply_portable(&w, &xt, 64, padded, &mut a);
        multiply(&w, &xt, 64, padded, &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn unpacking_agrees_on_both_paths() {
        let (q, dense) = layer(3, 64);
        let (mut a, mut b) = (vec![0f32; 64], vec![0f32; 64]);
        unpack_row_portable(&q.blocks[36..72], &mut a);
        unpack_row(&q.blocks[36..72], &mut b);
        assert_eq!(a, b);
        assert_eq!(a, dense[64..128]);
    }

    #[test]
    fn refuses_blocks_that_do_not_fit_the_shape() {
        assert!(Q4Linear::new(2, 32, vec![0; 35], vec![0.0; 2]).is_err());
        assert!(Q4Linear::new(2, 30, vec![0; 36], vec![0.0; 2]).is_err());
    }
}
