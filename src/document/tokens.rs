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

/// Raw word spans of `text[range]` (absolute offsets), skipping spaces and punctuation.
pub fn word_spans(text: &str, range: std::ops::Range<usize>) -> Vec<(usize, usize)> {
    text[range.clone()]
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().next().is_some_and(|c| c.is_alphanumeric()))
        .map(|(i, w)| (range.start + i, range.start + i + w.len()))
        .collect()
}

/// Lowercases a word and writes apostrophes one way, so "Mum’s" and "mum's" agree.
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

/// The forms a word list can match a token by. `None`: the sentence's language is
/// undecided, so the word gets the forms of both languages.
pub fn forms_of(word: &str, lang: Option<Lang>, out: &mut Vec<String>) {
    let norm = normalise(word);
    let Some(lang) = lang else {
        let stem = norm.strip_suffix("'s").map(str::to_string);
        forms_of(word, Some(Lang::Cy), out);
        out.extend(stem);
        return;
    };
    match lang {
        Lang::En => {
            let stem = norm.strip_suffix("'s").map(str::to_string);
            out.push(norm);
            if let Some(stem) = stem {
                out.push(stem);
            }
        }
        Lang::Cy => {
            if norm.starts_with('\'') {
                let expansions = welsh::clitic_expansion(&norm);
                out.push(norm);
                out.extend(expansions.iter().map(|s| s.to_string()));
            } else {
                let equivalents = welsh::spelling_equivalents(&norm);
                out.extend(welsh::radical_forms(&norm));
                out.extend(equivalents.iter().map(|s| s.to_string()));
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

    #[test]
    fn forms_undo_mutation_and_possessives() {
        let mut out = Vec::new();
        forms_of("Mum’s", Some(Lang::En), &mut out);
        assert_eq!(out, vec!["mum's", "mum"]);
        out.clear();
        forms_of("'n", Some(Lang::Cy), &mut out);
        assert_eq!(out, vec!["'n", "yn"]);
        out.clear();
        forms_of("Ofal", Some(Lang::Cy), &mut out);
        assert!(out.contains(&"gofal".to_string()));
    }
}
