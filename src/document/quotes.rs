//! Quoted speech: the person's own words, which the wording checks leave alone.
//!
//! Curly quotes pair unambiguously. Straight double quotes alternate. Straight and
//! curly single quotes double as apostrophes ("Mum's", "i'r", "parents' house"), so a
//! single quote opens only at the start of a word and closes only at the end of one,
//! and an opener with no closer in the same block is not a quote at all.

/// A quoted stretch: `start..end` covers the text between the marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    pub start: usize,
    pub end: usize,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric())
}

fn opens_here(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | ':' | '/'),
    }
}

/// Finds quoted stretches in `text[range]`, returning absolute byte offsets.
pub fn find_quotes(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Quote>) {
    let slice = &text[range.clone()];
    let base = range.start;
    // Open quote: (kind, position just after the opening mark).
    let mut open: Option<(char, usize)> = None;
    let mut prev: Option<char> = None;
    for (pos, c) in slice.char_indices() {
        let after = pos + c.len_utf8();
        let next = slice[after..].chars().next();
        let this_prev = prev;
        prev = Some(c);
        let prev = this_prev;
        match (open, c) {
            (None, '“') => open = Some(('“', after)),
            (Some(('“', s)), '”') => {
                out.push(Quote { start: base + s, end: base + pos });
                open = None;
            }
            (None, '"') => open = Some(('"', after)),
            (Some(('"', s)), '"') => {
                out.push(Quote { start: base + s, end: base + pos });
                open = None;
            }
            (None, '‘') if !is_word_char(prev) => open = Some(('‘', after)),
            (None, '\'') if opens_here(prev) && is_word_char(next) => open = Some(('\'', after)),
            (Some(('‘' | '\'', s)), '’' | '\'') if !is_word_char(next) && prev.is_some_and(|p| !p.is_whitespace()) => {
                out.push(Quote { start: base + s, end: base + pos });
                open = None;
            }
            // Inside a single-quoted stretch, a curly opening double quote can nest.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find_quotes(text, 0..text.len(), &mut out);
        out.iter().map(|q| &text[q.start..q.end]).collect()
    }

    #[test]
    fn pairs_curly_straight_and_single_quotes() {
        assert_eq!(quoted("She said “I want to go home” and smiled."), vec!["I want to go home"]);
        assert_eq!(quoted(r#"He said "leave me alone" twice."#), vec!["leave me alone"]);
        assert_eq!(quoted("She called it ‘my little palace’ today."), vec!["my little palace"]);
        assert_eq!(quoted("She called it 'my palace' today."), vec!["my palace"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(quoted("Mum's flat, the Joneses' house and i'r siop.").is_empty());
        assert!(quoted("Mum’s flat and the parents’ house.").is_empty());
        // An opener with no closer is not a quote.
        assert!(quoted("He said 'cos he was tired.").is_empty());
        assert_eq!(quoted("Mum’s view: ‘I’m fine, don’t fuss’."), vec!["I’m fine, don’t fuss"]);
    }
}
