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
    if options.iter().any(Vec::is_empty) {
        return Err("an alternative has no words (two '|' together, or one at an end)".to_string());
    }
    if options.iter().any(|o| o.len() > 1) {
        if options.len() > MAX_GROUP_OPTIONS {
            return Err(format!(
                "a group has more than {MAX_GROUP_OPTIONS} alternatives of several words; list them as separate phrases"
            ));
        }
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
            '(' | '[' => {
                depth += 1;
                if depth > MAX_NESTING as i32 {
                    return Err(format!("brackets are nested more than {MAX_NESTING} deep"));
                }
            }
            ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("a '{c}' closes no bracket"));
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
        return Err("a bracket is not closed".to_string());
    }
    parts.push(&s[start..]);
    Ok(parts)
}

/// A sequence of items separated by spaces.
fn sequence(s: &str, lang: Lang) -> Result<Vec<PatToken>, String> {
    let mut tokens = Vec::new();
    for item in split_top(s, char::is_whitespace)?.into_iter().filter(|i| !i.is_empty()) {
        if let Some(inner) = item.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or("text right after a closing bracket (a space must follow it)")?;
            tokens.push(PatToken::Optional(Box::new(group(inner, lang)?)));
        } else if let Some(inner) = item.strip_prefix('(') {
            let inner = inner.strip_suffix(')').ok_or("text right after a closing bracket (a space must follow it)")?;
            tokens.push(group(inner, lang)?);
        } else if item.contains(['(', ')', '[', ']']) {
            return Err("brackets must enclose whole words".to_string());
        } else if item == "*" || item == "@name" || item.contains('|') {
            tokens.push(alternatives(item, lang)?);
        } else {
            let w = words(item, lang);
            if w.is_empty() {
                return Err("an item has no words (punctuation alone)".to_string());
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
            return Err("a group has an empty alternative".to_string());
        }
        seqs.push(seq);
    }
    if seqs.len() > MAX_GROUP_OPTIONS && seqs.iter().any(|s| s.len() > 1) {
        return Err(format!(
            "a group has more than {MAX_GROUP_OPTIONS} alternatives of several words; list them as separate phrases"
        ));
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

/// How deep brackets may nest in a phrase.
pub const MAX_NESTING: usize = 4;
/// How many words, wildcards and groups a phrase may have, counting those inside
/// its groups (a group of single-word alternatives, "hostile|aggressive", is one).
pub const MAX_PHRASE_ITEMS: usize = 64;
/// How many alternatives a group may have when some are several words long.
pub const MAX_GROUP_OPTIONS: usize = 32;
/// The longest phrase, in bytes.
pub const MAX_PHRASE_BYTES: usize = 4096;

/// Parses a phrase. Errors describe the problem without quoting the phrase: a rule
/// file given by mistake (a note, a system file) must not be echoed into a log.
pub fn parse(pattern: &str, lang: Lang) -> Result<ParsedPattern, String> {
    if pattern.len() > MAX_PHRASE_BYTES {
        return Err(format!("the phrase is longer than {MAX_PHRASE_BYTES} bytes"));
    }
    let trimmed = pattern.trim_start();
    let (anchored, body) = match trimmed.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if body.contains('^') {
        return Err("'^' may only start a phrase".to_string());
    }
    let tokens = sequence(body, lang)?;
    if items(&tokens) > MAX_PHRASE_ITEMS {
        return Err(format!("the phrase has more than {MAX_PHRASE_ITEMS} words and groups; split it into shorter phrases"));
    }
    match tokens.first() {
        None => Err("the phrase is empty".to_string()),
        Some(first) if starts_with_word(first) => Ok(ParsedPattern { anchored, tokens }),
        Some(PatToken::Choice(_)) => Err("every alternative of a group that starts a phrase must start with a word".to_string()),
        Some(_) => Err("a phrase must start with a word, not '*', '@name' or '[...]'".to_string()),
    }
}

/// The words, wildcards and groups of a phrase, with those inside its groups.
fn items(tokens: &[PatToken]) -> usize {
    tokens
        .iter()
        .map(|t| match t {
            PatToken::Optional(inner) => items(std::slice::from_ref(inner)),
            PatToken::Choice(options) => 1 + options.iter().map(|o| items(o)).sum::<usize>(),
            _ => 1,
        })
        .sum()
}

/// Does this token always start with a fixed word (so a phrase starting with it can
/// be found by that word)?
fn starts_with_word(token: &PatToken) -> bool {
    match token {
        PatToken::Word { .. } => true,
        PatToken::Choice(options) => options.iter().all(|o| o.first().is_some_and(starts_with_word)),
        _ => false,
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
        // A group that starts a phrase must start each alternative with a word, or the
        // phrase could never be looked up by its first word.
        assert!(parse("([very] hostile|angry) today", Lang::En).is_err());
        assert!(parse("(very hostile|angry) today", Lang::En).is_ok());
    }

    #[test]
    fn errors_never_quote_the_phrase() {
        let secret = "Mrs Jones 07700 900123";
        for bad in [
            format!("{secret} ("),
            format!("{secret} )"),
            format!("{secret}|"),
            format!("({secret}|)"),
            format!("{secret} ^"),
            format!("[{secret}"),
            format!("a (b){secret}"),
            format!("{secret} ((((((x))))))"),
            format!("{secret} {}", "w ".repeat(70)),
            format!("* {secret}"),
        ] {
            let e = parse(&bad, Lang::En).unwrap_err();
            assert!(!e.contains("Jones") && !e.contains("07700"), "{e}");
        }
    }

    #[test]
    fn limits_bound_size_nesting_and_groups() {
        assert!(parse(&format!("a {}", "[b] ".repeat(26)), Lang::En).is_ok());
        assert!(parse(&format!("a {}", "[b] ".repeat(64)), Lang::En).unwrap_err().contains("more than 64"));
        assert!(parse("a ((((b))))", Lang::En).is_ok());
        assert!(parse("a (((((b)))))", Lang::En).unwrap_err().contains("nested"));
        let many: Vec<String> = (0..40).map(|i| format!("w{i} x")).collect();
        assert!(parse(&format!("a ({})", many.join("|")), Lang::En).unwrap_err().contains("alternatives"));
        // Single-word alternatives have no such limit: they are one lookup.
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        assert!(parse(&format!("a {}", words.join("|")), Lang::En).is_err(), "over the byte limit");
        assert!(parse(&format!("a {}", words[..500].join("|")), Lang::En).is_ok());
    }
}
