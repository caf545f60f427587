//! `cofnod explain`: the principle behind a check, in English or Welsh.

use super::LangArg;
use crate::finding::Category;
use crate::language::Lang;
use crate::rulebook::RuleBook;

pub fn run(id: &str, lang: LangArg) -> i32 {
    let lang = match lang {
        LangArg::En => Lang::En,
        LangArg::Cy => Lang::Cy,
    };
    let book = RuleBook::embedded();
    match render(&book, id, lang) {
        Some(text) => {
            say_raw!("{text}");
            0
        }
        None => {
            let known: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
            eprintln!("cofnod: no check or rule called \"{id}\"; the checks are: {}", known.join(", "));
            2
        }
    }
}

/// The explanation of a category or rule id, or `None` if there is no such id.
pub fn render(book: &RuleBook, id: &str, lang: Lang) -> Option<String> {
    let (cat_id, rule) = match id.split_once('/') {
        Some((c, _)) => (c, Some(id)),
        None => (id, None),
    };
    let category = Category::from_id(cat_id)?;
    let e = book.messages.explanation(category, lang);
    let (why, bad, good, words, instead) = match lang {
        Lang::En => ("Why it matters", "Not like this", "Like this", "Words it looks for", "Instead"),
        Lang::Cy => ("Pam mae’n bwysig", "Nid fel hyn", "Fel hyn", "Geiriau mae’n chwilio amdanyn nhw", "Yn lle hynny"),
    };
    let mut out = String::new();
    if let Some(rule) = rule {
        let terms: Vec<_> = book.terms_with_rule(rule).collect();
        if terms.is_empty() {
            return None;
        }
        out.push_str(&format!("{rule}\n"));
        for (l, t) in &terms {
            let mut shown: Vec<String> = t.phrases.iter().map(|p| plain_phrase(p, lang)).collect();
            shown.dedup();
            out.push_str(&format!("  {words} ({l}): {}\n", shown.join("; ")));
            if !t.suggest.is_empty() {
                // "{}" is where the term's object goes: "gave … details of".
                let suggest: Vec<String> = t.suggest.iter().map(|r| r.replace("{}", "…")).collect();
                out.push_str(&format!("  {instead}: {}\n", suggest.join(", ")));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("{} ({})\n\n{}\n\n{why}: {}\n\n{bad}:\n  {}\n{good}:\n  {}\n", e.title, category.id(), e.principle, e.why, e.bad, e.good));
    Some(out)
}

/// Alternatives listed in full up to this many; past it, the first few and "…".
const ALTERNATIVES_SHOWN: usize = 3;

/// A phrase of a rule file in plain words, for people rather than the matcher:
/// `will|to|can … signpost` reads "(will, to, can …) signpost", `[very]` "(very)",
/// `@name` "[a name]", `*` "…", and `^` says the phrase starts a sentence.
pub fn plain_phrase(phrase: &str, lang: Lang) -> String {
    let (name, start) = match lang {
        Lang::En => ("[a name]", " (at the start of a sentence)"),
        Lang::Cy => ("[enw]", " (ar ddechrau brawddeg)"),
    };
    let mut at_start = false;
    let words: Vec<String> = split_top(phrase.trim())
        .into_iter()
        .filter_map(|w| {
            if w == "^" {
                at_start = true;
                return None;
            }
            Some(plain_word(w, name))
        })
        .collect();
    format!("{}{}", words.join(" "), if at_start { start } else { "" })
}

/// The phrase's parts at the top level: spaces inside brackets do not split.
fn split_top(phrase: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut from) = (Vec::new(), 0i32, 0);
    for (i, c) in phrase.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ' ' if depth == 0 => {
                if from < i {
                    parts.push(&phrase[from..i]);
                }
                from = i + 1;
            }
            _ => {}
        }
    }
    if from < phrase.len() {
        parts.push(&phrase[from..]);
    }
    parts
}

/// Alternatives at the top level of a part (`a|b`, `(a b|c)`).
fn split_alternatives(part: &str) -> Vec<&str> {
    let (mut alts, mut depth, mut from) = (Vec::new(), 0i32, 0);
    for (i, c) in part.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '|' if depth == 0 => {
                alts.push(&part[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    alts.push(&part[from..]);
    alts
}

fn plain_word(part: &str, name: &str) -> String {
    if let Some(inner) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
        return format!("({})", plain_choice(inner, name));
    }
    if let Some(inner) = part.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
        let choice = plain_choice(inner, name);
        return if choice.starts_with('(') { choice } else { format!("({choice})") };
    }
    let alternatives = split_alternatives(part);
    if alternatives.len() > 1 {
        return plain_choice(part, name);
    }
    match part {
        "*" => "…".to_string(),
        "@name" => name.to_string(),
        word => word.to_string(),
    }
}

/// A choice of sequences: "a / b / c", or "(a, b, c …)" when there are many.
fn plain_choice(inner: &str, name: &str) -> String {
    let alternatives: Vec<String> =
        split_alternatives(inner).into_iter().map(|a| split_top(a.trim()).into_iter().map(|w| plain_word(w, name)).collect::<Vec<_>>().join(" ")).collect();
    if alternatives.len() > ALTERNATIVES_SHOWN {
        format!("({} …)", alternatives[..ALTERNATIVES_SHOWN].join(", "))
    } else {
        alternatives.join(" / ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_read_as_plain_words() {
        assert_eq!(plain_phrase("signposted", Lang::En), "signposted");
        assert_eq!(plain_phrase("will|to|can|could|would signpost", Lang::En), "(will, to, can …) signpost");
        assert_eq!(plain_phrase("hostile|aggressive", Lang::En), "hostile / aggressive");
        assert_eq!(plain_phrase("Signpost @name", Lang::En), "Signpost [a name]");
        assert_eq!(plain_phrase("[very] (a lot|too much) of *", Lang::En), "(very) (a lot / too much) of …");
        assert_eq!(plain_phrase("^ closed", Lang::En), "closed (at the start of a sentence)");
        assert_eq!(plain_phrase("^ [wedi] cau", Lang::Cy), "(wedi) cau (ar ddechrau brawddeg)");
        assert_eq!(plain_phrase("[her|his] care", Lang::En), "(her / his) care");
    }

    #[test]
    fn no_embedded_rule_shows_the_matcher_syntax() {
        let book = RuleBook::embedded();
        for id in ["plain-language/signpost", "opinion-as-fact/aggressive"] {
            let text = render(&book, id, Lang::En).unwrap_or_else(|| panic!("{id} is a rule"));
            let looks_for: Vec<&str> = text.lines().filter(|l| l.contains("Words it looks for")).collect();
            assert!(!looks_for.is_empty(), "{id}");
            for line in looks_for {
                assert!(!line.contains('|') && !line.contains('@') && !line.contains('^'), "{id}: {line}");
            }
            for line in text.lines().filter(|l| l.contains("Instead")) {
                assert!(!line.contains("{}"), "{id}: {line}");
            }
        }
    }
}
