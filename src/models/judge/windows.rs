//! What the judge reads: a document's sentences packed, in order, into windows of
//! at most `max_tokens` ids, each sentence with what stands before it (the text
//! between sentences, such as a label "Outcome:" or a bullet, and, at the start of a
//! window, the heading above and the previous sentence). A sentence's score is read
//! from its own tokens only; the rest is context. Training (`train::finetune`) and
//! scoring build windows with this same code.

use crate::document::{BlockKind, Document};

use super::super::encoder::Encoder;

/// Context carried into a new window: at most this many ids of the previous
/// sentence (its end), and of the section heading.
const PREVIOUS_TOKENS: usize = 40;
const HEADING_TOKENS: usize = 16;

#[derive(Clone, Debug, Default)]
pub struct Window {
    /// `<s>`, `query: `, context and sentences, `</s>`.
    pub ids: Vec<u32>,
    /// (sentence index in the document, first id, end id) for each scored sentence.
    pub spans: Vec<(usize, usize, usize)>,
}

/// For each block, the heading it sits under: the nearest heading block before it
/// (None for a heading itself, or where there is none). One pass over the blocks.
fn headings<'t>(doc: &Document<'t>) -> Vec<Option<&'t str>> {
    let mut last = None;
    doc.blocks
        .iter()
        .map(|b| {
            if b.kind == BlockKind::Heading {
                last = Some(doc.text[b.start..b.end].trim());
                None
            } else {
                last
            }
        })
        .collect()
}

/// Pack the sentences of `doc` into windows.
pub fn windows(encoder: &Encoder, doc: &Document, max_tokens: usize) -> Vec<Window> {
    let (bos, eos, _) = encoder.special_ids();
    let prefix = encoder.content_ids("query:");
    let heading_of = headings(doc);
    let mut out: Vec<Window> = Vec::new();
    let mut current: Option<Window> = None;
    // Where the text already in the current window ends.
    let mut at = 0usize;
    for (i, s) in doc.sentences.iter().enumerate() {
        let gap = if current.is_some() { doc.text[at..s.start].trim() } else { "" };
        let gap_ids = if gap.is_empty() { Vec::new() } else { encoder.content_ids(gap) };
        let mut ids = encoder.content_ids(doc.sentence_text(s).trim());
        if ids.is_empty() {
            continue;
        }
        let fits = current.as_ref().is_some_and(|w| w.ids.len() + gap_ids.len() + ids.len() < max_tokens);
        if !fits {
            if let Some(mut w) = current.take() {
                w.ids.push(eos);
                out.push(w);
            }
            let mut w = Window { ids: vec![bos], spans: Vec::new() };
            w.ids.extend_from_slice(&prefix);
            if let Some(h) = heading_of[s.block] {
                let mut h = encoder.content_ids(h);
                h.truncate(HEADING_TOKENS);
                w.ids.extend(h);
            }
            if i > 0 {
                let prev = &doc.sentences[i - 1];
                let before = encoder.content_ids(doc.text[prev.start..s.start].trim());
                w.ids.extend_from_slice(&before[before.len().saturating_sub(PREVIOUS_TOKENS)..]);
            } else {
                // Text before the first sentence (a label, a bullet).
                let lead = doc.text[..s.start].trim();
                if !lead.is_empty() {
                    let lead = encoder.content_ids(lead);
                    w.ids.extend_from_slice(&lead[lead.len().saturating_sub(PREVIOUS_TOKENS)..]);
                }
            }
            // A sentence too long for a window is read from its start.
            let room = max_tokens.saturating_sub(w.ids.len() + 1).max(8);
            ids.truncate(room);
            current = Some(w);
        } else if let Some(w) = current.as_mut() {
            w.ids.extend(gap_ids);
        }
        let w = current.as_mut().expect("a window is open");
        let first = w.ids.len();
        w.ids.extend(ids);
        w.spans.push((i, first, w.ids.len()));
        at = s.end;
    }
    if let Some(mut w) = current {
        w.ids.push(eos);
        out.push(w);
    }
    out
}
