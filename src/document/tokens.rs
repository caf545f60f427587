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

/// Word spans of `text[range]` (absolute offsets), skipping spaces and punctuation:
/// the words of UAX #29 (unicode-segmentation), computed by a fast path when every
/// character is one notes commonly use.
pub fn word_spans(text: &str, range: std::ops::Range<usize>) -> Vec<(usize, usize)> {
    let slice = &text[range.clone()];
    let mut out = Vec::with_capacity(slice.len() / 5);
    // unicode-segmentation's own path is quickest for pure ASCII; ours covers the
    // curly quotes and Welsh letters that would otherwise need the full rules.
    if slice.is_ascii() || !fast_word_spans(slice, range.start, &mut out) {
        out.clear();
        out.extend(slice.unicode_word_indices().map(|(i, w)| (range.start + i, range.start + i + w.len())));
    }
    out
}

/// UAX #29 Word_Break classes of the characters the fast path knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wb {
    Letter,
    Digit,
    /// ExtendNumLet: "_".
    Underscore,
    /// MidLetter: ":" and "·".
    MidLetter,
    /// MidNumLet and Single_Quote: "." "'" "‘" "’".
    MidNumLetQ,
    /// MidNum: "," ";".
    MidNum,
    /// Anything that only ever breaks (spaces, other punctuation, symbols).
    Other,
}

fn word_class(c: char) -> Option<Wb> {
    Some(match c {
        'a'..='z' | 'A'..='Z' | 'â' | 'ê' | 'î' | 'ô' | 'û' | 'ŵ' | 'ŷ' | 'á' | 'é' | 'í' | 'ó' | 'ú' | 'à' | 'è' | 'ì' | 'ò'
        | 'ù' | 'ä' | 'ë' | 'ï' | 'ö' | 'ü' | 'ÿ' | 'Â' | 'Ê' | 'Î' | 'Ô' | 'Û' | 'Ŵ' | 'Ŷ' | 'Á' | 'É' | 'Í' | 'Ó' | 'Ú'
        | 'À' | 'È' | 'Ì' | 'Ò' | 'Ù' | 'Ä' | 'Ë' | 'Ï' | 'Ö' | 'Ü' => Wb::Letter,
        '0'..='9' => Wb::Digit,
        '_' => Wb::Underscore,
        ':' | '·' => Wb::MidLetter,
        '.' | '\'' | '‘' | '’' => Wb::MidNumLetQ,
        ',' | ';' => Wb::MidNum,
        ' ' | '\t' | '\n' | '\r' | '!' | '"' | '#' | '$' | '%' | '&' | '(' | ')' | '*' | '+' | '-' | '/' | '<' | '='
        | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '`' | '{' | '|' | '}' | '~' | '“' | '”' | '–' | '—' | '…' | '•'
        | '£' | '€' | '°' => Wb::Other,
        _ => return None,
    })
}

/// The UAX #29 words of `s` (as `unicode_word_indices` gives them, offset by `base`)
/// into `out`, or `false` if `s` has a character the fast path does not know. With
/// these classes only rules WB5 to WB13b apply; equivalence with unicode-segmentation
/// is a property test (tests/robustness.rs).
pub fn fast_word_spans(s: &str, base: usize, out: &mut Vec<(usize, usize)>) -> bool {
    let mut classes: Vec<(usize, Wb)> = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match word_class(c) {
            Some(k) => classes.push((i, k)),
            None => return false,
        }
    }
    let n = classes.len();
    let class = |j: usize| classes[j].1;
    let core = |k: Wb| matches!(k, Wb::Letter | Wb::Digit | Wb::Underscore);
    let letter_mid = |k: Wb| matches!(k, Wb::MidLetter | Wb::MidNumLetQ);
    let digit_mid = |k: Wb| matches!(k, Wb::MidNum | Wb::MidNumLetQ);
    // Is there no boundary between characters j - 1 and j?
    let joined = |j: usize| {
        let (a, b) = (class(j - 1), class(j));
        // WB5, WB8, WB9, WB10, WB13a, WB13b.
        (core(a) && core(b))
            // WB6 and WB7: letters around ":" "." "'" "’".
            || (a == Wb::Letter && letter_mid(b) && j + 1 < n && class(j + 1) == Wb::Letter)
            || (letter_mid(a) && b == Wb::Letter && j >= 2 && class(j - 2) == Wb::Letter)
            // WB11 and WB12: digits around "," ";" "." "'".
            || (a == Wb::Digit && digit_mid(b) && j + 1 < n && class(j + 1) == Wb::Digit)
            || (digit_mid(a) && b == Wb::Digit && j >= 2 && class(j - 2) == Wb::Digit)
    };
    let mut start = 0;
    for j in 1..=n {
        if j < n && joined(j) {
            continue;
        }
        // A segment is a word if it has a letter or digit (as unicode_word_indices).
        if classes[start..j].iter().any(|&(_, k)| matches!(k, Wb::Letter | Wb::Digit)) {
            let end = if j < n { classes[j].0 } else { s.len() };
            out.push((base + classes[start].0, base + end));
        }
        start = j;
    }
    true
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

    /// Adds `prefix + text[rest]` (a part of the buffer) as a form of the token whose
    /// forms start at `first`, unless it is empty or already there.
    fn push_within(&mut self, first: usize, prefix: &str, rest: std::ops::Range<usize>) {
        let len = prefix.len() + rest.len();
        if len == 0 {
            return;
        }
        let duplicate = self.ranges[first..].iter().any(|&(s, e)| {
            let (s, e) = (s as usize, e as usize);
            e - s == len && self.text[s..].starts_with(prefix) && self.text[s + prefix.len()..e] == self.text[rest.clone()]
        });
        if duplicate {
            return;
        }
        if prefix.is_empty() {
            // A part of an existing form is a form of its own: no copy needed.
            self.ranges.push((rest.start as u32, rest.end as u32));
        } else {
            let s = self.text.len() as u32;
            self.text.push_str(prefix);
            self.text.extend_from_within(rest);
            self.ranges.push((s, self.text.len() as u32));
        }
    }

    /// Adds a fixed word as a form, unless it is already there.
    fn push_word(&mut self, first: usize, word: &str) {
        if !self.ranges[first..].iter().any(|&(s, e)| &self.text[s as usize..e as usize] == word) {
            let s = self.text.len() as u32;
            self.text.push_str(word);
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
    let (s, e) = (s as usize, e as usize);
    let english_stem = |out: &mut Forms| {
        if out.text[s..e].ends_with("'s") {
            out.push_within(first, "", s..e - 2);
        }
    };
    match lang {
        Some(Lang::En) => english_stem(out),
        Some(Lang::Cy) | None => {
            let norm = &out.text[s..e];
            if norm.starts_with('\'') {
                for expansion in welsh::clitic_expansion(norm) {
                    out.push_word(first, expansion);
                }
            } else {
                // Radicals are a prefix and the rest of the word: note where the
                // rest starts, then write them once `norm` is no longer borrowed.
                let mut radicals: [(&'static str, usize); 8] = [("", 0); 8];
                let mut count = 0;
                welsh::radical_parts(norm, |prefix, rest| {
                    if count < radicals.len() {
                        radicals[count] = (prefix, e - rest.len());
                        count += 1;
                    }
                });
                let equivalents = welsh::spelling_equivalents(norm);
                for &(prefix, rest_start) in &radicals[..count] {
                    out.push_within(first, prefix, rest_start..e);
                }
                for equivalent in equivalents {
                    out.push_word(first, equivalent);
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
