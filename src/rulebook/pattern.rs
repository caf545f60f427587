//! Phrase patterns, the small language word lists are written in.
//!
//! A pattern is a sequence of words separated by spaces:
//!
//! - `signpost`: a word, matched without regard to case;
//! - `MDT`: a word with capitals is matched exactly (acronyms);
//! - `hostile|aggressive`: any one of the alternatives;
//! - `*`: any single word;
//! - `@name`: a word that starts with a capital letter (usually a name);
//! - `[very]`: optional (`[very|really]`, `[of a]`);
//! - `(a lot|too much)`: a choice of word sequences;
//! - `^` (first only): the pattern must start the sentence.
//!
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
    /// A word starting with a capital letter.
    Name,
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

/// Alternatives of single chunks ("hostile|aggressive", "well-being|wellbeing").
fn alternatives(chunk: &str, lang: Lang) -> Result<PatToken, String> {
    if chunk == "*" {
        return Ok(PatToken::Any);
    }
    if chunk == "@name" {
        return Ok(PatToken::Name);
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

/// Splits `s` at top-level occurrences of `sep` (outside brackets).
fn split_top(s: &str, sep: impl Fn(char) -> bool) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("unbalanced '{c}' in '{s}'"));
                }
            }
            _ if depth == 0 && sep(c) => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("unclosed bracket in '{s}'"));
    }
    parts.push(&s[start..]);
    Ok(parts)
}

/// A sequence of items separated by spaces.
fn sequence(s: &str, lang: Lang) -> Result<Vec<PatToken>, String> {
    let mut tokens = Vec::new();
    for item in split_top(s, char::is_whitespace)?.into_iter().filter(|i| !i.is_empty()) {
        if let Some(inner) = item.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or_else(|| format!("'{item}': text after a closing bracket"))?;
            tokens.push(PatToken::Optional(Box::new(group(inner, lang)?)));
        } else if let Some(inner) = item.strip_prefix('(') {
            let inner = inner.strip_suffix(')').ok_or_else(|| format!("'{item}': text after a closing bracket"))?;
            tokens.push(group(inner, lang)?);
        } else if item.contains(['(', ')', '[', ']']) {
            return Err(format!("'{item}': brackets must enclose whole words"));
        } else if item == "*" || item == "@name" || item.contains('|') {
            tokens.push(alternatives(item, lang)?);
        } else {
            let w = words(item, lang);
            if w.is_empty() {
                return Err(format!("'{item}' has no words"));
            }
            tokens.extend(w.iter().map(|w| word_token(w, lang)));
        }
    }
    Ok(tokens)
}

/// The inside of `(...)` or `[...]`: alternatives, each a sequence of words.
fn group(inner: &str, lang: Lang) -> Result<PatToken, String> {
    let options = split_top(inner, |c| c == '|')?;
    let mut seqs = Vec::new();
    for option in options {
        let seq = sequence(option, lang)?;
        if seq.is_empty() {
            return Err(format!("empty alternative in '({inner})'"));
        }
        seqs.push(seq);
    }
    // One option of one token ("[*]", "[very]") is that token.
    if seqs.len() == 1 && seqs[0].len() == 1 {
        return Ok(seqs.pop().unwrap().pop().unwrap());
    }
    // A group of single words is just alternatives.
    if seqs.iter().all(|s| s.len() == 1 && matches!(s[0], PatToken::Word { .. })) {
        let mut alts = Vec::new();
        let mut exact = Vec::new();
        for s in seqs {
            if let PatToken::Word { alts: a, exact: e } = s.into_iter().next().unwrap() {
                alts.extend(a);
                exact.extend(e);
            }
        }
        return Ok(PatToken::Word { alts, exact });
    }
    Ok(PatToken::Choice(seqs))
}

pub fn parse(pattern: &str, lang: Lang) -> Result<ParsedPattern, String> {
    let trimmed = pattern.trim_start();
    let (anchored, body) = match trimmed.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if body.contains('^') {
        return Err(format!("'^' may only start a pattern: '{pattern}'"));
    }
    let tokens = sequence(body, lang).map_err(|e| format!("pattern '{pattern}': {e}"))?;
    match tokens.first() {
        None => Err(format!("pattern '{pattern}' is empty")),
        Some(PatToken::Word { .. } | PatToken::Choice(_)) => Ok(ParsedPattern { anchored, tokens }),
        Some(_) => Err(format!("pattern '{pattern}' must start with a word, not '*', '@name' or '[...]'")),
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
    fn groups_hold_word_sequences() {
        let p = parse("drinks (a lot|heavily) [at night]", Lang::En).unwrap();
        assert_eq!(
            p.tokens,
            vec![
                w(&["drinks"], false),
                PatToken::Choice(vec![vec![w(&["a"], false), w(&["lot"], false)], vec![w(&["heavily"], false)]]),
                PatToken::Optional(Box::new(PatToken::Choice(vec![vec![w(&["at"], false), w(&["night"], false)]]))),
            ]
        );
    }

    #[test]
    fn an_optional_wildcard_is_an_optional_any() {
        // Not a one-option group: the matcher compiles runs of these into one gap.
        assert_eq!(parse("care [*] [*] ended", Lang::En).unwrap().tokens[1], PatToken::Optional(Box::new(PatToken::Any)));
    }

    #[test]
    fn rejects_patterns_that_cannot_match_sensibly() {
        assert!(parse("* state", Lang::En).is_err());
        assert!(parse("", Lang::En).is_err());
        assert!(parse("[of a", Lang::En).is_err());
        assert!(parse("drinks (a lot", Lang::En).is_err());
        assert!(parse("x|'", Lang::En).is_err());
        assert_eq!(
            parse("well-being|wellbeing", Lang::En).unwrap().tokens,
            vec![PatToken::Choice(vec![vec![w(&["well"], false), w(&["being"], false)], vec![w(&["wellbeing"], false)]])]
        );
        assert_eq!(parse("GP|nurse", Lang::En).unwrap().tokens, vec![PatToken::Word { alts: vec!["nurse".into()], exact: vec!["GP".into()] }]);
        assert!(parse("state ^", Lang::En).is_err());
    }
}
