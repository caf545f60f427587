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

    fn build_with(text: &'t str, labels: &LabelTable, detection: Detection) -> Document<'t> {
        let blocks = blocks::parse_blocks(text, labels);
        let mut quotes = Vec::new();
        for block in &blocks {
            quotes::find_quotes(text, block.start..block.end, &mut quotes);
        }
        // Quotes come in text order and do not overlap: find the last one starting
        // at or before `s`.
        let in_quote = |s: usize, e: usize| {
            let i = quotes.partition_point(|q| q.start <= s);
            i > 0 && e <= quotes[i - 1].end
        };

        // Sentences, their words, and a language for those that show one.
        struct Draft {
            start: usize,
            end: usize,
            block: usize,
            words: Vec<(usize, usize)>,
            lang: Option<Lang>,
        }
        let mut drafts: Vec<Draft> = Vec::new();
        let mut block_sentences = Vec::with_capacity(blocks.len());
        for (bi, block) in blocks.iter().enumerate() {
            let first = drafts.len();
            for (start, end) in sentences::split_sentences(text, block) {
                let words = tokens::word_spans(text, start..end);
                let lang = match detection {
                    Detection::Auto(detector) => detect_sentence(text, start, end, &words, &in_quote, detector),
                    Detection::Fixed(lang) => Some(lang),
                };
                drafts.push(Draft { start, end, block: bi, words, lang });
            }
            block_sentences.push(first..drafts.len());
        }

        // Undecided sentences take their block's language, then the document's.
        let word_count: usize = drafts.iter().map(|d| d.words.len()).sum();
        let mut words_by_lang = [0usize; 2];
        for d in &drafts {
            if let Some(lang) = d.lang {
                words_by_lang[lang as usize] += d.words.len();
            }
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

        let mut sentences_out = Vec::with_capacity(drafts.len());
        let mut token_list = Vec::with_capacity(word_count + word_count / 8);
        let mut forms = tokens::Forms::with_capacity(word_count * 2, text.len() * 2);
        for range in &block_sentences {
            let mut block_words = [0usize; 2];
            for d in &drafts[range.clone()] {
                if let Some(lang) = d.lang {
                    block_words[lang as usize] += d.words.len();
                }
            }
            let block_lang = match block_words {
                [0, 0] => document_lang,
                [en, cy] if cy > en => Lang::Cy,
                _ => Lang::En,
            };
            for d in &drafts[range.clone()] {
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
                    block: d.block,
                });
            }
        }

        Document { text, blocks, block_sentences, sentences: sentences_out, tokens: token_list, forms, quotes, language }
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
