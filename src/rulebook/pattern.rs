//! Phrase patterns, the small language word lists are written in.
//!
//! A pattern is a sequence of words separated by spaces:
//! - `signpost`           a word, matched without regard to case;
//! - `MDT`                a word with capitals is matched exactly (acronyms);
//! - `hostile|aggressive` any one of the alternatives;
//! - `*`                  any single word;
//! - `[very]`             an optional word (alternatives allowed: `[very|really]`);
//! - `^` (first only)     the pattern must start the sentence.
//! Hyphens and apostrophes split words as they do in text ("walk-in" is two words;
//! Welsh "i'r" is "i" + "'r"). Welsh words are written in their radical form: the
//! matcher undoes mutation in the text.

use crate::document::tokens::{normalise, welsh_clitic_split, word_spans};
use crate::language::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatToken {
    /// One of `alts` (lowercase, compared with a word's forms) or of `exact`
    /// (written with capitals, compared with the text as written).
    Word { alts: Vec<String>, exact: Vec<String> },
    Any,
    Optional(Box<PatToken>),
    /// Alternatives of which some are several words ("well-being|wellbeing": the
    /// hyphen makes "well-being" two words, as in text).
    Choice(Vec<Vec<PatToken>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPattern {
    pub anchored: bool,
    pub tokens: Vec<PatToken>,
}

/// Splits a chunk of a pattern into the words the document model would see.
fn words(chunk: &str, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for (s, e) in word_spans(chunk, 0..chunk.len()) {
        let w = &chunk[s..e];
        match (lang, welsh_clitic_split(w)) {
            (Lang::Cy, Some(mid)) => {
                out.push(w[..mid].to_string());
                out.push(w[mid..].to_string());
            }
            _ => out.push(w.to_string()),
        }
    }
    out
}

fn word_token(word: &str, lang: Lang) -> PatToken {
    if word.chars().any(char::is_uppercase) {
        return PatToken::Word { alts: Vec::new(), exact: vec![word.replace('’', "'")] };
    }
    let mut alts = vec![normalise(word)];
    // A Welsh clitic stands for its full word: "rwy'n credu" also matches "rwy yn credu".
    if lang == Lang::Cy && alts[0].starts_with('\'') {
        alts.extend(crate::welsh::clitic_expansion(&alts[0]).iter().map(|s| s.to_string()));
    }
    PatToken::Word { alts, exact: Vec::new() }
}

fn single(chunk: &str, lang: Lang) -> Result<PatToken, String> {
    if chunk == "*" {
        return Ok(PatToken::Any);
    }
    let options: Vec<Vec<String>> = chunk.split('|').map(|alt| words(alt, lang)).collect();
    if let Some(alt) = chunk.split('|').zip(&options).find(|(_, w)| w.is_empty()).map(|(a, _)| a) {
        return Err(format!("alternative '{alt}' in '{chunk}' has no words"));
    }
    if options.iter().any(|o| o.len() > 1) {
        let seqs = options.iter().map(|o| o.iter().map(|w| word_token(w, lang)).collect()).collect();
        return Ok(PatToken::Choice(seqs));
    }
    let mut alts = Vec::new();
    let mut exact = Vec::new();
    for option in &options {
        let PatToken::Word { alts: a, exact: e } = word_token(&option[0], lang) else { unreachable!() };
        alts.extend(a);
        exact.extend(e);
    }
    Ok(PatToken::Word { alts, exact })
}

pub fn parse(pattern: &str, lang: Lang) -> Result<ParsedPattern, String> {
    let mut tokens = Vec::new();
    let mut anchored = false;
    for (i, chunk) in pattern.split_whitespace().enumerate() {
        if chunk == "^" {
            if i != 0 {
                return Err(format!("'^' may only start a pattern: '{pattern}'"));
            }
            anchored = true;
        } else if let Some(rest) = chunk.strip_prefix('[') {
            let inner = rest
                .strip_suffix(']')
                .ok_or_else(|| format!("'{chunk}' in '{pattern}': an optional word is one word in brackets, without spaces"))?;
            tokens.push(PatToken::Optional(Box::new(single(inner, lang)?)));
        } else if chunk == "*" || chunk.contains('|') {
            tokens.push(single(chunk, lang)?);
        } else {
            let w = words(chunk, lang);
            if w.is_empty() {
                return Err(format!("'{chunk}' in '{pattern}' has no words"));
            }
            tokens.extend(w.iter().map(|w| word_token(w, lang)));
        }
    }
    match tokens.first() {
        None => Err(format!("pattern '{pattern}' is empty")),
        Some(PatToken::Word { .. } | PatToken::Choice(_)) => Ok(ParsedPattern { anchored, tokens }),
        Some(_) => Err(format!("pattern '{pattern}' must start with a word, not '*' or '[...]'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(alts: &[&str], exact: bool) -> PatToken {
        let list = alts.iter().map(|s| s.to_string()).collect();
        if exact {
            PatToken::Word { alts: Vec::new(), exact: list }
        } else {
            PatToken::Word { alts: list, exact: Vec::new() }
        }
    }

    #[test]
    fn parses_words_alternatives_wildcards_and_options() {
        let p = parse("^ in a [very] terrible|poor state *", Lang::En).unwrap();
        assert!(p.anchored);
        assert_eq!(
            p.tokens,
            vec![
                w(&["in"], false),
                w(&["a"], false),
                PatToken::Optional(Box::new(w(&["very"], false))),
                w(&["terrible", "poor"], false),
                w(&["state"], false),
                PatToken::Any
            ]
        );
        assert_eq!(parse("walk-in shower", Lang::En).unwrap().tokens.len(), 3);
        assert_eq!(parse("MDT", Lang::En).unwrap().tokens, vec![w(&["MDT"], true)]);
        assert_eq!(parse("i'r ganolfan", Lang::Cy).unwrap().tokens, vec![w(&["i"], false), w(&["'r", "yr", "y"], false), w(&["ganolfan"], false)]);
    }

    #[test]
    fn rejects_patterns_that_cannot_match_sensibly() {
        assert!(parse("* state", Lang::En).is_err());
        assert!(parse("", Lang::En).is_err());
        assert!(parse("[of a]", Lang::En).is_err());
        assert!(parse("x|'", Lang::En).is_err());
        assert_eq!(
            parse("well-being|wellbeing", Lang::En).unwrap().tokens,
            vec![PatToken::Choice(vec![vec![w(&["well"], false), w(&["being"], false)], vec![w(&["wellbeing"], false)]])]
        );
        assert_eq!(parse("GP|nurse", Lang::En).unwrap().tokens, vec![PatToken::Word { alts: vec!["nurse".into()], exact: vec!["GP".into()] }]);
        assert!(parse("state ^", Lang::En).is_err());
    }
}
