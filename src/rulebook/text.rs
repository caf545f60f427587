//! Messages and explanations, in English and Welsh (`src/rules/messages.toml` and
//! `src/rules/explanations.toml`).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::finding::Category;
use crate::language::Lang;

/// Why a check exists, for `cofnod explain` and editor hovers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    pub title: String,
    /// The recording principle, in a sentence or two.
    pub principle: String,
    /// Why it matters to the person and to the next reader.
    pub why: String,
    pub bad: String,
    pub good: String,
}

pub struct Messages {
    messages: HashMap<(Category, Lang), BTreeMap<String, String>>,
    explanations: HashMap<(Category, Lang), Explanation>,
}

type ByCategory<T> = BTreeMap<String, BTreeMap<String, T>>;

fn keyed<T>(table: ByCategory<T>, what: &str) -> Result<HashMap<(Category, Lang), T>, String> {
    let mut out = HashMap::new();
    for (cat, langs) in table {
        let category = Category::from_id(&cat).ok_or_else(|| format!("{what}: unknown category \"{cat}\""))?;
        for (lang, value) in langs {
            let lang = Lang::parse(&lang).ok_or_else(|| format!("{what}: unknown language \"{lang}\""))?;
            out.insert((category, lang), value);
        }
    }
    for cat in Category::ALL {
        for lang in [Lang::En, Lang::Cy] {
            if !out.contains_key(&(cat, lang)) {
                return Err(format!("{what}: missing [{cat}.{lang}]"));
            }
        }
    }
    Ok(out)
}

impl Messages {
    pub fn from_toml(messages: &str, explanations: &str) -> Result<Messages, String> {
        let m: ByCategory<BTreeMap<String, String>> = toml::from_str(messages).map_err(|e| e.to_string())?;
        let e: ByCategory<Explanation> = toml::from_str(explanations).map_err(|e| e.to_string())?;
        let messages = keyed(m, "messages")?;
        for cat in Category::ALL {
            let en: Vec<&String> = messages[&(cat, Lang::En)].keys().collect();
            let cy: Vec<&String> = messages[&(cat, Lang::Cy)].keys().collect();
            if en != cy {
                return Err(format!("messages: [{cat}.en] and [{cat}.cy] have different keys"));
            }
        }
        Ok(Messages { messages, explanations: keyed(e, "explanations")? })
    }

    /// A message template. Every key exists in both languages (checked on load).
    pub fn get<'a>(&'a self, cat: Category, lang: Lang, key: &'a str) -> &'a str {
        self.messages[&(cat, lang)].get(key).map(String::as_str).unwrap_or(key)
    }

    /// A message with `{name}` placeholders filled in.
    pub fn render(&self, cat: Category, lang: Lang, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(cat, lang, key), values)
    }

    pub fn explanation(&self, cat: Category, lang: Lang) -> &Explanation {
        &self.explanations[&(cat, lang)]
    }

    pub fn keys(&self, cat: Category) -> impl Iterator<Item = &str> {
        self.messages[&(cat, Lang::En)].keys().map(String::as_str)
    }
}

/// `template` with each `{name}` replaced by its value, in one pass (this runs for
/// every finding). Unknown placeholders are left as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.iter().any(|(n, _)| *n == name) => {
                out.push_str(values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or_default());
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fill_replaces_known_placeholders_once_and_keeps_others() {
        assert_eq!(fill("“{text}” is {text}; {other}", &[("text", "a{b}")]), "“a{b}” is a{b}; {other}");
        assert_eq!(fill("no placeholders", &[("text", "x")]), "no placeholders");
        assert_eq!(fill("{", &[]), "{");
    }
}
