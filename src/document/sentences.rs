//! Sentences within a block, from Unicode sentence boundaries (UAX #29), mended
//! where case notes trip them up: titles and initials ("Mr J. Davies"), common
//! abbreviations ("approx. 3 times", "e.g. Mrs Ali"), and hard-wrapped lines.

use unicode_segmentation::UnicodeSegmentation;

use super::blocks::Block;
use super::tokens::normalise;

/// Words that end with a full stop without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "mx", "dr", "cllr", "prof", "rev", "revd", "st", "sr", "jr", "e.g", "eg",
    "i.e", "ie", "approx", "appt", "dept", "tel", "vs", "cf", "incl", "parch", "cyng", "h.y", "e.e",
    "y.b",
];

/// Words that end with a full stop without ending the sentence when a number follows.
const NUMBER_ABBREVIATIONS: &[&str] = &["no", "nos", "rhif", "ref", "para", "p", "pp", "tud"];

/// The UAX #29 Sentence_Break classes that the characters of most notes have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sb {
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

/// The class of `c`, for the characters this fast path knows (ASCII, curly quotes,
/// dashes, accented Latin letters); `None` for anything else.
const fn sentence_class(c: char) -> Option<Sb> {
    Some(match c {
        ' ' | '\t' | '\u{b}' | '\u{c}' | '\u{a0}' => Sb::Sp,
        'a'..='z' | 'â' | 'ê' | 'î' | 'ô' | 'û' | 'ŵ' | 'ŷ' | 'á' | 'é' | 'í' | 'ó' | 'ú' | 'à' | 'è' | 'ì' | 'ò' | 'ù'
        | 'ä' | 'ë' | 'ï' | 'ö' | 'ü' | 'ÿ' => Sb::Lower,
        'A'..='Z' | 'Â' | 'Ê' | 'Î' | 'Ô' | 'Û' | 'Ŵ' | 'Ŷ' | 'Á' | 'É' | 'Í' | 'Ó' | 'Ú' | 'À' | 'È' | 'Ì' | 'Ò' | 'Ù'
        | 'Ä' | 'Ë' | 'Ï' | 'Ö' | 'Ü' => Sb::Upper,
        '0'..='9' => Sb::Numeric,
        '.' => Sb::ATerm,
        '!' | '?' => Sb::STerm,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '‘' | '’' | '“' | '”' => Sb::Close,
        ',' | '-' | ':' | ';' | '–' | '—' => Sb::SContinue,
        '#' | '$' | '%' | '&' | '*' | '+' | '/' | '<' | '=' | '>' | '@' | '\\' | '^' | '_' | '`' | '|' | '~' | '…' | '•'
        | '·' | '°' | '£' | '€' => Sb::Other,
        _ => return None,
    })
}

/// Sentence pieces (start, end) exactly as `split_sentence_bound_indices` gives them,
/// for text whose characters all have a known class and no line breaks; `None`
/// otherwise. The UAX #29 rules that can apply to such text are SB6 to SB11.
/// Equivalence with unicode-segmentation is a property test (tests/robustness.rs).
pub fn fast_sentence_pieces(s: &str) -> Option<Vec<(usize, usize)>> {
    if s.is_ascii() {
        // Pure ASCII: a character is a byte, so its class comes from a table and
        // its index is its offset; no per-character vector is needed.
        let bytes = s.as_bytes();
        if !bytes.iter().all(|&b| ASCII_CLASSES[b as usize].is_some()) {
            return None;
        }
        let class = |i: usize| ASCII_CLASSES[bytes[i] as usize].unwrap_or(Sb::Other);
        return Some(pieces(s, bytes.len(), class, |i| i));
    }
    let mut chars: Vec<(usize, Sb)> = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        chars.push((i, sentence_class(c)?));
    }
    Some(pieces(s, chars.len(), |i| chars[i].1, |i| chars[i].0))
}

/// `sentence_class` of every ASCII byte.
const ASCII_CLASSES: [Option<Sb>; 128] = {
    let mut table = [None; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = sentence_class(b as u8 as char);
        b += 1;
    }
    table
};

/// The UAX #29 pieces of `s`, whose `n` characters have classes `class(i)` and
/// start at byte offsets `offset(i)`.
fn pieces(s: &str, n: usize, class: impl Fn(usize) -> Sb, offset: impl Fn(usize) -> usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        let k = class(i);
        if !matches!(k, Sb::ATerm | Sb::STerm) {
            i += 1;
            continue;
        }
        // SATerm Close* Sp*: the break, if any, comes after them (SB9, SB10, SB11).
        let mut j = i + 1;
        while j < n && class(j) == Sb::Close {
            j += 1;
        }
        while j < n && class(j) == Sb::Sp {
            j += 1;
        }
        if j < n {
            let next = class(j);
            let adjacent = j == i + 1;
            let keep_together =
                // SB6: ATerm × Numeric.
                (k == Sb::ATerm && adjacent && next == Sb::Numeric)
                // SB7: (Upper | Lower) ATerm × Upper.
                || (k == Sb::ATerm && adjacent && next == Sb::Upper && i > 0 && matches!(class(i - 1), Sb::Upper | Sb::Lower))
                // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower.
                || (k == Sb::ATerm && {
                    let m = (j..n).find(|&m| matches!(class(m), Sb::Upper | Sb::Lower | Sb::ATerm | Sb::STerm));
                    m.is_some_and(|m| class(m) == Sb::Lower)
                })
                // SB8a: SATerm Close* Sp* × (SContinue | SATerm).
                || matches!(next, Sb::SContinue | Sb::ATerm | Sb::STerm);
            if !keep_together {
                pieces.push((start, offset(j)));
                start = offset(j);
            }
        }
        i = j.max(i + 1);
    }
    if start < s.len() {
        pieces.push((start, s.len()));
    }
    pieces
}

/// Characters that can end a sentence (the common part of UAX #29's STerm and ATerm).
const TERMINATORS: &[char] = &['.', '!', '?', '…', '‼', '⁇', '⁈', '⁉', '。', '！', '？', '｡', '؟', '।', '۔', '։'];

fn has_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Does a sentence ending at `text[..end]` end with an abbreviation, given the
/// sentence that would follow?
fn ends_with_abbreviation(text: &str, start: usize, end: usize, next: &str) -> bool {
    let Some(before_stop) = text[start..end].trim_end().strip_suffix('.') else { return false };
    // The word right before the final full stop ("Mr", "e.g", "J").
    let word_start = before_stop
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before_stop[word_start..];
    if word.is_empty() {
        return false;
    }
    let lower = normalise(word);
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // An initial: "J. Davies".
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    NUMBER_ABBREVIATIONS.contains(&lower.as_str()) && next.trim_start().starts_with(|c: char| c.is_ascii_digit())
}

/// Sentence spans (absolute, trimmed) of a block.
pub fn split_sentences(text: &str, block: &Block) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut segment_starts = vec![block.start];
    segment_starts.extend(block.line_breaks.iter().copied());
    for (i, &seg_start) in segment_starts.iter().enumerate() {
        let seg_end = segment_starts.get(i + 1).copied().unwrap_or(block.end);
        let segment = &text[seg_start..seg_end];
        // No sentence-ending mark (a label line, a list item): one sentence. This
        // spares most short lines the full UAX #29 sentence rules.
        if !segment.contains(TERMINATORS) {
            let trimmed = segment.trim();
            if has_word(trimmed) {
                let lead = segment.len() - segment.trim_start().len();
                out.push((seg_start + lead, seg_start + lead + trimmed.len()));
            }
            continue;
        }
        // Line breaks inside a segment are wrapping: let UAX #29 see spaces instead.
        let flat: std::borrow::Cow<str> = if segment.contains(['\n', '\r', '\t']) {
            segment.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect::<String>().into()
        } else {
            segment.into()
        };
        let raw: Vec<(usize, &str)> = match fast_sentence_pieces(&flat) {
            Some(pieces) => pieces.into_iter().map(|(s, e)| (s, &flat[s..e])).collect(),
            None => flat.split_sentence_bound_indices().collect(),
        };
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        for (offset, piece) in raw {
            let trimmed = piece.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = piece.len() - piece.trim_start().len();
            let start = seg_start + offset + lead;
            let end = start + trimmed.len();
            if let Some(last) = pieces.last_mut() {
                // Punctuation on its own ("...", a closing bracket) and a sentence cut
                // after an abbreviation both belong with what came before.
                if !has_word(trimmed) || !has_word(&text[last.0..last.1]) || ends_with_abbreviation(text, last.0, last.1, trimmed) {
                    last.1 = end;
                    continue;
                }
            }
            pieces.push((start, end));
        }
        out.extend(pieces.into_iter().filter(|&(s, e)| has_word(&text[s..e])));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::blocks::parse_blocks;
    use super::super::labels::LabelTable;
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let labels = LabelTable::from_toml(include_str!("../rules/labels.toml")).unwrap();
        parse_blocks(text, &labels)
            .iter()
            .flat_map(|b| split_sentences(text, b))
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn titles_initials_and_abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences("Mr. J. Davies met Dr. Patel at 10.30am. They talked for approx. 20 mins. Next visit e.g. Tues."),
            vec!["Mr. J. Davies met Dr. Patel at 10.30am.", "They talked for approx. 20 mins.", "Next visit e.g. Tues."]
        );
        assert_eq!(sentences("See no. 4 on the list. I said no. She left."), vec!["See no. 4 on the list.", "I said no.", "She left."]);
    }

    #[test]
    fn welsh_and_quoted_sentences() {
        assert_eq!(
            sentences("Dywedodd Mrs. Ali “Dw i eisiau mynd adref.” Roedd hi'n dawel."),
            vec!["Dywedodd Mrs. Ali “Dw i eisiau mynd adref.”", "Roedd hi'n dawel."]
        );
    }

    #[test]
    fn line_per_sentence_notes_and_wrapped_prose() {
        assert_eq!(sentences("Visited at home\nShe was upset"), vec!["Visited at home", "She was upset"]);
        assert_eq!(
            sentences("I visited Mrs Jones at her home this morning with her daughter and\nthe nurse. All well."),
            vec!["I visited Mrs Jones at her home this morning with her daughter and\nthe nurse.", "All well."]
        );
    }
}
