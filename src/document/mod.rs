//! The document model: a text split into blocks, sentences and words, with quoted
//! speech marked and a language for every sentence. Checks read this; they never
//! look at raw text positions on their own.

pub mod blocks;
pub mod labels;
pub mod markup;
pub mod quotes;
pub mod sentences;
pub mod tokens;

use std::ops::Range;

pub use blocks::{Block, BlockKind, Label};
pub use labels::{LabelKind, LabelTable};
pub use quotes::Quote;
pub use tokens::Token;

use crate::language::{DocLanguage, Lang, LanguageDetector, MarkerCount};

#[derive(Clone, Debug)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Indices into `Document::tokens`.
    pub tokens: Range<usize>,
    pub lang: Lang,
    /// Whether the language was decided from this sentence's own words (rather than
    /// inherited from its paragraph or the document).
    pub lang_decided: bool,
    /// Index into `Document::blocks`.
    pub block: usize,
}

pub struct Document<'t> {
    pub text: &'t str,
    pub blocks: Vec<Block>,
    /// For each block, the range of its sentences.
    pub block_sentences: Vec<Range<usize>>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    /// Match forms of every token (see `Token::forms`).
    pub forms: tokens::Forms,
    pub quotes: Vec<Quote>,
    pub language: DocLanguage,
}

impl<'t> Document<'t> {
    pub fn build(text: &'t str, labels: &LabelTable, detector: &LanguageDetector) -> Document<'t> {
        Document::build_with(text, labels, Detection::Auto(detector))
    }

    /// A document whose every sentence is in `lang` (for tools and tests that know
    /// the language already).
    pub fn build_in(text: &'t str, labels: &LabelTable, lang: Lang) -> Document<'t> {
        Document::build_with(text, labels, Detection::Fixed(lang))
    }

    /// A document of only the blocks that `plan` wants (see `BlockPlan`); the
    /// language of the whole text is still decided from every block. `None` if the
    /// plan called the build off (`BlockPlan::cancelled`).
    pub fn build_planned(text: &'t str, labels: &LabelTable, detector: &LanguageDetector, plan: &mut dyn BlockPlan) -> Option<Document<'t>> {
        Document::build_planned_with(text, labels, Detection::Auto(detector), plan)
    }

    fn build_with(text: &'t str, labels: &LabelTable, detection: Detection) -> Document<'t> {
        Document::build_planned_with(text, labels, detection, &mut EveryBlock).expect("a plain build is never called off")
    }

    fn build_planned_with(text: &'t str, labels: &LabelTable, detection: Detection, plan: &mut dyn BlockPlan) -> Option<Document<'t>> {
        let blocks = blocks::parse_blocks(text, labels);

        // Stage 1: each block's sentences, words and languages, unless the plan
        // already knows the block's language counts.
        let mut drafts: Vec<Option<BlockDraft>> = Vec::with_capacity(blocks.len());
        let mut counts = Vec::with_capacity(blocks.len());
        for (bi, block) in blocks.iter().enumerate() {
            if plan.cancelled() {
                return None;
            }
            match plan.known_counts(text, bi, block) {
                Some(c) => {
                    counts.push(c);
                    drafts.push(None);
                }
                None => {
                    let draft = draft_block(text, block, detection);
                    let c = draft.counts();
                    plan.record_counts(bi, c);
                    counts.push(c);
                    drafts.push(Some(draft));
                }
            }
        }

        // Undecided sentences take their block's language, then the document's.
        let word_count: usize = counts.iter().map(|c| c.words).sum();
        let mut words_by_lang = [0usize; 2];
        for c in &counts {
            words_by_lang[0] += c.decided[0];
            words_by_lang[1] += c.decided[1];
        }
        // A note of only short lines ("Case closed.") shows no language sentence by
        // sentence; the whole text may still.
        if words_by_lang == [0, 0] && word_count >= 2 {
            let whole = match detection {
                Detection::Auto(detector) => detector.detect_statistical(text),
                Detection::Fixed(lang) => Some(lang),
            };
            if let Some(lang) = whole {
                words_by_lang[lang as usize] = 1;
            }
        }
        let document_lang = if words_by_lang[1] > words_by_lang[0] { Lang::Cy } else { Lang::En };
        let language = doc_language(words_by_lang);

        // Stage 2: tokens and match forms for the blocks the plan wants.
        let mut block_sentences = Vec::with_capacity(blocks.len());
        let mut sentences_out = Vec::new();
        let mut quotes = Vec::new();
        let wanted: Vec<bool> = (0..blocks.len()).map(|bi| plan.wanted(bi, document_lang)).collect();
        let wanted_words: usize = (0..blocks.len()).filter(|&bi| wanted[bi]).map(|bi| counts[bi].words).sum();
        let mut token_list = Vec::with_capacity(wanted_words + wanted_words / 8);
        let mut forms = tokens::Forms::with_capacity(wanted_words * 2, text.len() * 2);
        for (bi, block) in blocks.iter().enumerate() {
            if plan.cancelled() {
                return None;
            }
            let first = sentences_out.len();
            if !wanted[bi] {
                block_sentences.push(first..first);
                continue;
            }
            let draft = drafts[bi].take().unwrap_or_else(|| draft_block(text, block, detection));
            let in_quote = |s: usize, e: usize| draft.in_quote(s, e);
            let c = draft.counts();
            let block_lang = match c.decided {
                [0, 0] => document_lang,
                [en, cy] if cy > en => Lang::Cy,
                _ => Lang::En,
            };
            for d in &draft.sentences {
                let lang = d.lang.unwrap_or(block_lang);
                let first_token = token_list.len();
                for &(ws, we) in &d.words {
                    // Undecided sentences are tokenised the Welsh way (a superset: no
                    // English word has a Welsh clitic).
                    let split = match d.lang {
                        Some(Lang::En) => None,
                        _ => tokens::welsh_clitic_split(&text[ws..we]).map(|i| ws + i),
                    };
                    let parts: &[(usize, usize)] = match split {
                        Some(mid) => &[(ws, mid), (mid, we)],
                        None => &[(ws, we)],
                    };
                    for &(s, e) in parts {
                        let f0 = forms.len();
                        tokens::forms_of(&text[s..e], d.lang, &mut forms);
                        token_list.push(Token { start: s, end: e, forms: (f0 as u32, forms.len() as u32), quoted: in_quote(s, e) });
                    }
                }
                sentences_out.push(Sentence {
                    start: d.start,
                    end: d.end,
                    tokens: first_token..token_list.len(),
                    lang,
                    lang_decided: d.lang.is_some(),
                    block: bi,
                });
            }
            quotes.extend_from_slice(&draft.quotes);
            block_sentences.push(first..sentences_out.len());
        }

        Some(Document { text, blocks, block_sentences, sentences: sentences_out, tokens: token_list, forms, quotes, language })
    }

    pub fn forms(&self, token: &Token) -> impl Iterator<Item = &str> {
        (token.forms.0 as usize..token.forms.1 as usize).map(|i| self.forms.get(i))
    }

    pub fn sentence_tokens(&self, sentence: &Sentence) -> &[Token] {
        &self.tokens[sentence.tokens.clone()]
    }

    pub fn sentence_text(&self, sentence: &Sentence) -> &'t str {
        &self.text[sentence.start..sentence.end]
    }

    /// Does the sentence contain quoted speech?
    pub fn sentence_has_quote(&self, sentence: &Sentence) -> bool {
        let i = self.quotes.partition_point(|q| q.end <= sentence.start);
        self.quotes.get(i).is_some_and(|q| q.start < sentence.end && q.end > q.start)
    }

    /// The sentences of the block that `sentence` (an index) belongs to.
    pub fn block_of(&self, sentence: usize) -> &Block {
        &self.blocks[self.sentences[sentence].block]
    }
}

/// How sentences get their language.
#[derive(Clone, Copy)]
enum Detection<'d> {
    Auto(&'d LanguageDetector),
    Fixed(Lang),
}

/// Words in a block, and how many are in sentences decided as English and as Welsh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockCounts {
    pub decided: [usize; 2],
    pub words: usize,
}

/// Lets a caller that remembers earlier analyses (the language server's paragraph
/// cache) skip work: blocks whose counts it knows are not re-read for language, and
/// blocks it does not want are not tokenised. The document's language is decided
/// from all blocks either way, so what is built is what a full build would give.
pub trait BlockPlan {
    /// The counts of block `index`, if known from an earlier build.
    fn known_counts(&mut self, _text: &str, _index: usize, _block: &Block) -> Option<BlockCounts> {
        None
    }
    /// The counts of block `index`, found in this build.
    fn record_counts(&mut self, _index: usize, _counts: BlockCounts) {}
    /// Should block `index` be built, given the document's language? (Asked once
    /// per block, in order, after all counts are in.)
    fn wanted(&mut self, _index: usize, _document_lang: Lang) -> bool {
        true
    }
    /// Should the build stop (a newer edit makes it stale)? Asked between blocks.
    fn cancelled(&mut self) -> bool {
        false
    }
}

/// The plan of a plain build: every block, nothing known.
pub struct EveryBlock;

impl BlockPlan for EveryBlock {}

/// A sentence before tokenising.
struct Draft {
    start: usize,
    end: usize,
    words: Vec<(usize, usize)>,
    lang: Option<Lang>,
}

/// A block's quotes and draft sentences.
struct BlockDraft {
    quotes: Vec<Quote>,
    sentences: Vec<Draft>,
}

impl BlockDraft {
    fn counts(&self) -> BlockCounts {
        let mut c = BlockCounts::default();
        for d in &self.sentences {
            c.words += d.words.len();
            if let Some(lang) = d.lang {
                c.decided[lang as usize] += d.words.len();
            }
        }
        c
    }

    /// Is `s..e` inside one of the block's quotes? (Quotes are in text order and do
    /// not overlap: find the last one starting at or before `s`.)
    fn in_quote(&self, s: usize, e: usize) -> bool {
        let i = self.quotes.partition_point(|q| q.start <= s);
        i > 0 && e <= self.quotes[i - 1].end
    }
}

/// The most words a sentence may have. A longer run of words with no full stop (an
/// export with no punctuation, a pasted table, noise) is cut into pieces of this
/// many words, each read as a sentence. No real sentence comes near it, and it keeps
/// every check's work on a sentence bounded, so a whole note costs time in
/// proportion to its length whatever its shape.
pub const MAX_SENTENCE_WORDS: usize = 250;

fn draft_block(text: &str, block: &Block, detection: Detection) -> BlockDraft {
    let mut draft = BlockDraft { quotes: Vec::new(), sentences: Vec::new() };
    quotes::find_quotes(text, block.start..block.end, &mut draft.quotes);
    let detect = |start: usize, end: usize, words: &[Span], draft: &BlockDraft| match detection {
        Detection::Auto(detector) => detect_sentence(text, start, end, words, &|s, e| draft.in_quote(s, e), detector),
        Detection::Fixed(lang) => Some(lang),
    };
    for (start, end) in sentences::split_sentences(text, block) {
        let words = tokens::word_spans(text, start..end);
        if words.len() <= MAX_SENTENCE_WORDS {
            let lang = detect(start, end, &words, &draft);
            draft.sentences.push(Draft { start, end, words, lang });
            continue;
        }
        for (start, end, words) in sentence_pieces(start, end, words) {
            let lang = detect(start, end, &words, &draft);
            draft.sentences.push(Draft { start, end, words, lang });
        }
    }
    draft
}

/// A word's byte range.
type Span = (usize, usize);

/// A sentence longer than `MAX_SENTENCE_WORDS` in pieces of that many words (the
/// first piece starts where the sentence does, the last ends where it does).
fn sentence_pieces(start: usize, end: usize, words: Vec<Span>) -> Vec<(usize, usize, Vec<Span>)> {
    let count = words.len().div_ceil(MAX_SENTENCE_WORDS);
    let mut pieces = Vec::with_capacity(count);
    for (i, chunk) in words.chunks(MAX_SENTENCE_WORDS).enumerate() {
        let piece_start = if i == 0 { start } else { chunk[0].0 };
        let piece_end = if i + 1 == count { end } else { chunk[chunk.len() - 1].1 };
        pieces.push((piece_start, piece_end, chunk.to_vec()));
    }
    pieces
}

fn detect_sentence(
    text: &str,
    start: usize,
    end: usize,
    words: &[(usize, usize)],
    in_quote: &impl Fn(usize, usize) -> bool,
    detector: &LanguageDetector,
) -> Option<Lang> {
    // The frame of a sentence decides its language, not the words it quotes; a
    // sentence that is all quotation is judged on what it quotes.
    let unquoted: Vec<&(usize, usize)> = words.iter().filter(|&&(s, e)| !in_quote(s, e)).collect();
    let considered: Vec<&(usize, usize)> = if unquoted.len() >= 2 { unquoted } else { words.iter().collect() };
    let mut count = MarkerCount::default();
    let mut lower = String::new();
    for &&(s, e) in &considered {
        lower.clear();
        let word = &text[s..e];
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().map(|c| if c == '’' { '\'' } else { c }).flat_map(char::to_lowercase));
        }
        count.add_word(&lower);
    }
    if let Some(lang) = count.verdict() {
        return Some(lang);
    }
    // Lingua is unreliable on fragments of a few words (mostly names, labels and
    // list items); there a slight lean of the function words decides, if there is
    // one, and otherwise the sentence stays undecided (both languages' word lists
    // look at it). Up to a dozen words a lean is enough; longer sentences with so few
    // function words are unusual, so lingua checks them.
    let lean = count.lean();
    if considered.len() < 8 || (lean.is_some() && considered.len() <= 12) {
        return lean;
    }
    // A line that is mostly names, places and numbers ("Ward 4: Mrs Elin Owen, 91")
    // has no language to find.
    let lowercase = considered.iter().filter(|&&&(s, _)| text[s..].starts_with(char::is_lowercase)).count();
    if lowercase * 2 < considered.len() {
        return lean;
    }
    match (lean, detector.detect_statistical(&text[start..end])) {
        (Some(l), Some(s)) if l != s => None,
        (l, s) => s.or(l),
    }
}

fn doc_language(words: [usize; 2]) -> DocLanguage {
    let [en, cy] = words;
    let total = en + cy;
    if total == 0 {
        DocLanguage::Unknown
    } else if en.min(cy) >= 3 && en.min(cy) * 10 >= total {
        // At least a few words and a tenth of the text in each language.
        DocLanguage::Mixed
    } else if cy > en {
        DocLanguage::Cy
    } else {
        DocLanguage::En
    }
}
