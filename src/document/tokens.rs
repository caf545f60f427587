//! Words, as Unicode word boundaries (UAX #29) find them, ready for matching.

use unicode_segmentation::UnicodeSegmentation;

use crate::language::Lang;
use crate::welsh;

/// A word (or number) in a sentence.
#[derive(Clone, Debug)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Range into `Document::forms`: the lowercase word first, then the other forms a
    /// word list may know it by (Welsh radicals, an English possessive's stem).
    pub forms: (u32, u32),
    /// Inside quoted speech.
    pub quoted: bool,
}

/// Word spans of `text[range]` (absolute offsets), skipping spaces and punctuation.
/// (`unicode_word_indices` has a fast path for ASCII text, tested against the full
/// UAX #29 rules by unicode-segmentation itself.)
pub fn word_spans(text: &str, range: std::ops::Range<usize>) -> Vec<(usize, usize)> {
    text[range.clone()]
        .unicode_word_indices()
        .map(|(i, w)| (range.start + i, range.start + i + w.len()))
        .collect()
}

/// Lowercases a word and writes apostrophes one way, so "Mum’s" and "mum's" agree.
/// (`Forms::push_normalised` is the same without the allocation.)
pub fn normalise(word: &str) -> String {
    if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        return word.to_string();
    }
    word.chars()
        .map(|c| if c == '’' || c == 'ʼ' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits Welsh clitics off a word: "hi'n" → "hi" + "'n", "i'r" → "i" + "'r".
/// Returns the byte length of the first part when the word splits.
pub fn welsh_clitic_split(word: &str) -> Option<usize> {
    let (i, _) = word.char_indices().find(|&(_, c)| c == '\'' || c == '’')?;
    if i == 0 {
        return None;
    }
    let clitic = normalise(&word[i..]);
    if welsh::clitic_expansion(&clitic).is_empty() {
        None
    } else {
        Some(i)
    }
}

/// The match forms of every token of a document, in one buffer (a word has one
/// to a few forms; a `String` each would dominate the cost of a bulk run).
#[derive(Default)]
pub struct Forms {
    text: String,
    ranges: Vec<(u32, u32)>,
}

impl Forms {
    pub fn with_capacity(forms: usize, bytes: usize) -> Forms {
        Forms { text: String::with_capacity(bytes), ranges: Vec::with_capacity(forms) }
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn get(&self, i: usize) -> &str {
        let (s, e) = self.ranges[i];
        &self.text[s as usize..e as usize]
    }

    /// Adds `a + b` as a form of the token whose forms start at `first`, unless it
    /// is empty or already there.
    fn push(&mut self, first: usize, a: &str, b: &str) {
        let len = a.len() + b.len();
        if len == 0 {
            return;
        }
        let duplicate = self.ranges[first..].iter().any(|&(s, e)| {
            let f = &self.text[s as usize..e as usize];
            f.len() == len && f.starts_with(a) && f.ends_with(b)
        });
        if !duplicate {
            let s = self.text.len() as u32;
            self.text.push_str(a);
            self.text.push_str(b);
            self.ranges.push((s, self.text.len() as u32));
        }
    }

    /// Adds the lowercase, apostrophe-normalised form of `word`; returns its index.
    fn push_normalised(&mut self, word: &str) -> usize {
        let s = self.text.len() as u32;
        if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            self.text.push_str(word);
        } else {
            self.text.extend(word.chars().map(|c| if c == '’' || c == 'ʼ' { '\'' } else { c }).flat_map(char::to_lowercase));
        }
        self.ranges.push((s, self.text.len() as u32));
        self.ranges.len() - 1
    }
}

/// Adds the forms a word list can match `word` by. `None`: the sentence's language
/// is undecided, so the word gets the forms of both languages.
pub fn forms_of(word: &str, lang: Option<Lang>, out: &mut Forms) {
    let first = out.len();
    let norm_index = out.push_normalised(word);
    let (s, e) = out.ranges[norm_index];
    // The normalised word, copied so that `out` can grow while we read it.
    let norm = out.text[s as usize..e as usize].to_string();
    let english_stem = |out: &mut Forms| {
        if let Some(stem) = norm.strip_suffix("'s") {
            out.push(first, stem, "");
        }
    };
    match lang {
        Some(Lang::En) => english_stem(out),
        Some(Lang::Cy) | None => {
            if norm.starts_with('\'') {
                for expansion in welsh::clitic_expansion(&norm) {
                    out.push(first, expansion, "");
                }
            } else {
                welsh::radical_parts(&norm, |prefix, rest| out.push(first, prefix, rest));
                for equivalent in welsh::spelling_equivalents(&norm) {
                    out.push(first, equivalent, "");
                }
            }
            if lang.is_none() {
                english_stem(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_punctuation_and_keep_numbers_and_contractions() {
        let text = "At 10.30am, Mrs O'Neil didn't - really - say “no”.";
        let words: Vec<&str> = word_spans(text, 0..text.len()).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(words, vec!["At", "10.30am", "Mrs", "O'Neil", "didn't", "really", "say", "no"]);
    }

    #[test]
    fn welsh_clitics_split_but_names_do_not() {
        assert_eq!(welsh_clitic_split("hi'n"), Some(2));
        assert_eq!(welsh_clitic_split("i’r"), Some(1));
        assert_eq!(welsh_clitic_split("O'Neil"), None);
    }

    fn forms(word: &str, lang: Option<Lang>) -> Vec<String> {
        let mut out = Forms::default();
        forms_of(word, lang, &mut out);
        (0..out.len()).map(|i| out.get(i).to_string()).collect()
    }

    #[test]
    fn forms_undo_mutation_and_possessives() {
        assert_eq!(forms("Mum’s", Some(Lang::En)), vec!["mum's", "mum"]);
        assert_eq!(forms("'n", Some(Lang::Cy)), vec!["'n", "yn"]);
        assert_eq!(forms("Ofal", Some(Lang::Cy)), vec!["ofal", "gofal"]);
        assert_eq!(forms("yr", Some(Lang::Cy)), vec!["yr", "gyr", "y"]);
        // Undecided: Welsh forms and the English possessive stem.
        assert_eq!(forms("Mam's", None), vec!["mam's", "bam's", "mam"]);
    }
}
