//! All the phrase patterns of one language, scanned in one pass per sentence.
//!
//! Every check's terms and signal lists go into one index keyed by a pattern's first
//! word. Each word of a sentence (in each of its forms: lowercase, Welsh radicals)
//! looks up the patterns that can start there, so the cost grows with the length of
//! the text, not with the number of patterns.

use std::collections::HashMap;

use super::pattern::{ParsedPattern, PatToken};
use crate::document::{Document, Sentence, Token};
use crate::language::Lang;

/// Identifies a list of patterns: a category's terms, or one of its signal lists.
pub type SetId = u16;

#[derive(Clone, Debug)]
struct Pattern {
    set: SetId,
    entry: u32,
    parsed: ParsedPattern,
}

/// A pattern found in a sentence: tokens `start..end` (document token indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub set: SetId,
    /// The language of the lexicon that found it.
    pub lang: Lang,
    /// Which entry of the set (for terms: the term's index).
    pub entry: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Default)]
pub struct Lexicon {
    patterns: Vec<Pattern>,
    by_first_word: HashMap<String, Vec<u32>>,
}

fn token_matches(p: &PatToken, token: &Token, doc: &Document) -> bool {
    match p {
        PatToken::Any => true,
        PatToken::Name => doc.text[token.start..token.end].starts_with(char::is_uppercase),
        PatToken::Choice(_) => unreachable!("choices are matched as sequences"),
        PatToken::Optional(inner) => token_matches(inner, token, doc),
        PatToken::Word { alts, exact } => {
            doc.forms(token).iter().any(|f| alts.contains(f)) || {
                let raw = &doc.text[token.start..token.end];
                exact.iter().any(|a| a == raw || (raw.contains('’') && *a == raw.replace('’', "'")))
            }
        }
    }
}

/// The end of the longest match of `pattern` starting at `tokens[i]`.
fn match_from(pattern: &[PatToken], tokens: &[Token], i: usize, doc: &Document) -> Option<usize> {
    let Some(first) = pattern.first() else { return Some(i) };
    let rest = &pattern[1..];
    if let PatToken::Choice(options) = first {
        return options
            .iter()
            .filter_map(|option| match_from(option, tokens, i, doc).and_then(|j| match_from(rest, tokens, j, doc)))
            .max();
    }
    if let PatToken::Optional(inner) = first {
        if let PatToken::Choice(_) = **inner {
            let taken = match_from(std::slice::from_ref(inner), tokens, i, doc).and_then(|j| match_from(rest, tokens, j, doc));
            return taken.max(match_from(rest, tokens, i, doc));
        }
    }
    let here = tokens.get(i).filter(|t| token_matches(first, t, doc));
    let taken = here.and_then(|_| match_from(rest, tokens, i + 1, doc));
    match first {
        PatToken::Optional(_) => taken.max(match_from(rest, tokens, i, doc)),
        _ => taken,
    }
}

/// The words a pattern token can start with (its index keys).
fn first_words<'p>(token: Option<&'p PatToken>, out: &mut Vec<&'p String>) {
    match token {
        Some(PatToken::Word { alts, exact }) => out.extend(alts.iter().chain(exact)),
        Some(PatToken::Choice(options)) => {
            for option in options {
                first_words(option.first(), out);
            }
        }
        _ => {}
    }
}

impl Lexicon {
    pub fn add(&mut self, set: SetId, entry: u32, parsed: ParsedPattern) {
        let id = self.patterns.len() as u32;
        let mut keys = Vec::new();
        first_words(parsed.tokens.first(), &mut keys);
        for key in keys {
            let list = self.by_first_word.entry(key.to_lowercase()).or_default();
            if !list.contains(&id) {
                list.push(id);
            }
        }
        self.patterns.push(Pattern { set, entry, parsed });
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Every set's matches in `sentence`, leftmost-longest and non-overlapping within
    /// a set (sets may overlap each other), ordered by set then position.
    pub fn scan(&self, lang: Lang, doc: &Document, sentence: &Sentence, out: &mut Vec<Hit>) {
        let tokens = doc.sentence_tokens(sentence);
        let base = sentence.tokens.start;
        let mut raw: Vec<Hit> = Vec::new();
        let mut tried: Vec<u32> = Vec::new();
        for i in 0..tokens.len() {
            tried.clear();
            for form in doc.forms(&tokens[i]) {
                let Some(ids) = self.by_first_word.get(form.as_str()) else { continue };
                for &id in ids {
                    if tried.contains(&id) {
                        continue;
                    }
                    tried.push(id);
                    let p = &self.patterns[id as usize];
                    if p.parsed.anchored && i != 0 {
                        continue;
                    }
                    if let Some(end) = match_from(&p.parsed.tokens, tokens, i, doc) {
                        raw.push(Hit { set: p.set, lang, entry: p.entry, start: base + i, end: base + end });
                    }
                }
            }
        }
        raw.sort_by_key(|h| (h.set, h.start, std::cmp::Reverse(h.end), h.lang, h.entry));
        let mut last: Option<(SetId, usize)> = None;
        for hit in raw {
            if let Some((set, end)) = last {
                if set == hit.set && hit.start < end {
                    continue;
                }
            }
            last = Some((hit.set, hit.end));
            out.push(hit);
        }
    }
}
