//! The words of a compare report, in the trainer's language (`labels.toml`,
//! embedded). Kept as data so that a Welsh-speaking trainer can correct a phrase
//! without touching Rust.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::finding::Category;
use crate::language::{DocLanguage, Lang};

const EMBEDDED: &str = include_str!("labels.toml");

#[derive(Deserialize)]
struct Counted {
    one: Option<String>,
    other: String,
}

#[derive(Deserialize)]
struct Table {
    #[serde(flatten)]
    plain: HashMap<String, String>,
    counted: HashMap<String, Counted>,
}

#[derive(Deserialize)]
struct File {
    en: Table,
    cy: Table,
}

fn file() -> &'static File {
    static FILE: OnceLock<File> = OnceLock::new();
    FILE.get_or_init(|| toml::from_str(EMBEDDED).expect("src/compare/labels.toml is valid (a unit test checks)"))
}

/// The report's wording in one language.
#[derive(Clone, Copy)]
pub struct Labels {
    pub lang: Lang,
    table: &'static Table,
}

impl Labels {
    pub fn new(lang: Lang) -> Labels {
        let f = file();
        Labels { lang, table: if lang == Lang::Cy { &f.cy } else { &f.en } }
    }

    /// A phrase; an unknown key shows as "?" (the unit tests and the pinned reports
    /// keep the tables whole).
    pub fn get(&self, key: &str) -> &'static str {
        self.table.plain.get(key).map_or("?", String::as_str)
    }

    /// A phrase with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in values {
            s = s.replace(&format!("{{{name}}}"), &value.to_string());
        }
        s
    }

    /// A counted phrase, e.g. `still-rationale` with n = 1: "1 decision still has no reason".
    pub fn count(&self, key: &str, n: usize) -> String {
        let Some(c) = self.table.counted.get(key) else { return format!("{key}: {n}") };
        let form = if n == 1 { c.one.as_ref().unwrap_or(&c.other) } else { &c.other };
        form.replace("{n}", &n.to_string())
    }

    pub fn category(&self, c: Category) -> &'static str {
        self.get(&format!("category-{}", c.id()))
    }

    pub fn measure(&self, id: &str) -> &'static str {
        self.get(&format!("measure-{id}"))
    }

    pub fn language(&self, l: DocLanguage) -> &'static str {
        self.get(&format!("lang-{}", l.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_phrase() {
        let f = file();
        let mut en: Vec<_> = f.en.plain.keys().chain(f.en.counted.keys()).collect();
        let mut cy: Vec<_> = f.cy.plain.keys().chain(f.cy.counted.keys()).collect();
        en.sort();
        cy.sort();
        assert_eq!(en, cy);
        for lang in [Lang::En, Lang::Cy] {
            let l = Labels::new(lang);
            for c in Category::ALL {
                assert_ne!(l.category(c), "?", "{}", c.id());
                for stage in ["resolved", "still", "introduced"] {
                    assert!(l.table.counted.contains_key(&format!("{stage}-{}", c.id())), "{stage}-{}", c.id());
                }
            }
            for m in &super::super::measures::MEASURES {
                assert_ne!(l.measure(m.id), "?", "{}", m.id);
            }
            for d in [DocLanguage::En, DocLanguage::Cy, DocLanguage::Mixed, DocLanguage::Unknown] {
                assert_ne!(l.language(d), "?", "{}", d.code());
            }
        }
    }

    #[test]
    fn counted_phrases_choose_their_form() {
        let en = Labels::new(Lang::En);
        assert_eq!(en.count("still-rationale", 1), "1 decision still has no reason");
        assert_eq!(en.count("still-rationale", 3), "3 decisions still have no reason");
        let cy = Labels::new(Lang::Cy);
        assert_eq!(cy.count("still-rationale", 1), "Penderfyniadau sy’n dal heb reswm: 1");
        assert_eq!(cy.fill("findings-total", &[("before", &4), ("after", &1)]), "Canfyddiadau: 4 cyn, 1 ar ôl.");
    }
}
