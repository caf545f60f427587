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
            out.push_str(&format!("  {words} ({l}): {}\n", t.phrases.join(", ")));
            if !t.suggest.is_empty() {
                out.push_str(&format!("  {instead}: {}\n", t.suggest.join(", ")));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("{} ({})\n\n{}\n\n{why}: {}\n\n{bad}:\n  {}\n{good}:\n  {}\n", e.title, category.id(), e.principle, e.why, e.bad, e.good));
    Some(out)
}
