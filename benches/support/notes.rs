//! Note generators shared by the benchmarks (`#[path]`-included by each).
#![allow(dead_code)]

use std::path::Path;

/// A small deterministic generator (no dependency needed for a fixed shuffle).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// A note of about `words` words, alternating English and Welsh paragraphs.
pub fn mixed_note(words: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let cases = cofnod::corpus::load(&root).expect("corpus loads");
    let (en, cy): (Vec<_>, Vec<_>) = cases.iter().partition(|c| c.lang == cofnod::Lang::En);
    let mut rng = Lcg(2500);
    let mut note = String::new();
    let mut count = 0;
    let mut welsh = false;
    while count < words {
        let pool = if welsh { &cy } else { &en };
        let text = &pool[rng.next(pool.len())].text;
        count += text.split_whitespace().count();
        note.push_str(text);
        note.push_str("\n\n");
        welsh = !welsh;
    }
    note
}


/// Every case text of the corpus, in file order.
pub fn corpus_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    cofnod::corpus::load(&root).expect("corpus loads").into_iter().map(|c| c.text).collect()
}

/// Writes notes of 3 to 20 KB, made of corpus texts, into `dir` until they total
/// `bytes` (`noteNNNNNN.txt`; the same notes for the same `seed`). Returns the total.
pub fn write_notes(dir: &Path, bytes: usize, texts: &[String], seed: u64) -> u64 {
    let mut rng = Lcg(seed);
    let (mut total, mut n) = (0, 0);
    while total < bytes {
        let target = 3000 + rng.next(17000);
        let mut note = String::new();
        while note.len() < target {
            note.push_str(&texts[rng.next(texts.len())]);
            note.push_str("\n\n");
        }
        total += note.len();
        std::fs::write(dir.join(format!("note{n:06}.txt")), &note).expect("write note");
        n += 1;
    }
    total as u64
}
