//! Rules as data. Every word list, pattern, message and explanation lives in a file
//! under `src/rules/`, embedded in the binary at compile time; an organisation can
//! add rule files of its own at run time (`--rules FILE`, or `cofnod.toml`).
//!
//! A rule file holds one category in one language:
//!
//! ```toml
//! language = "en"                 # or "cy"
//! category = "plain-language"     # a category id from DOMAIN.md
//! severity = "info"               # optional default for the terms below
//! terms = [
//!   { id = "signpost", match = ["signpost", "signposted"], suggest = ["tell about"] },
//! ]
//! [signals]                       # phrase lists a check reasons with (see docs)
//! explained = ["which means"]
//! ```
//! See `pattern.rs` for the phrase syntax and `docs/RULES.md` for every field.

pub mod lexicon;
pub mod pattern;
pub mod text;

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub use lexicon::{Hit, Lexicon, ScanScratch, SetId};
pub use text::{Explanation, Messages};

use crate::checks;
use crate::document::LabelTable;
use crate::finding::{Category, Severity};
use crate::language::Lang;

/// The rule files compiled into the binary.
pub const EMBEDDED_RULES: &[(&str, &str)] = &[
    ("en/plain-language.toml", include_str!("../rules/en/plain-language.toml")),
    ("en/opinion-as-fact.toml", include_str!("../rules/en/opinion-as-fact.toml")),
    ("en/vague.toml", include_str!("../rules/en/vague.toml")),
    ("en/output-as-outcome.toml", include_str!("../rules/en/output-as-outcome.toml")),
    ("en/own-words.toml", include_str!("../rules/en/own-words.toml")),
    ("en/rationale.toml", include_str!("../rules/en/rationale.toml")),
    ("en/outcome-score.toml", include_str!("../rules/en/outcome-score.toml")),
    ("en/risk.toml", include_str!("../rules/en/risk.toml")),
    ("en/strengths.toml", include_str!("../rules/en/strengths.toml")),
    ("en/voice.toml", include_str!("../rules/en/voice.toml")),
    ("en/analysis.toml", include_str!("../rules/en/analysis.toml")),
    ("en/late-entry.toml", include_str!("../rules/en/late-entry.toml")),
    ("cy/plain-language.toml", include_str!("../rules/cy/plain-language.toml")),
    ("cy/opinion-as-fact.toml", include_str!("../rules/cy/opinion-as-fact.toml")),
    ("cy/vague.toml", include_str!("../rules/cy/vague.toml")),
    ("cy/output-as-outcome.toml", include_str!("../rules/cy/output-as-outcome.toml")),
    ("cy/own-words.toml", include_str!("../rules/cy/own-words.toml")),
    ("cy/rationale.toml", include_str!("../rules/cy/rationale.toml")),
    ("cy/outcome-score.toml", include_str!("../rules/cy/outcome-score.toml")),
    ("cy/risk.toml", include_str!("../rules/cy/risk.toml")),
    ("cy/strengths.toml", include_str!("../rules/cy/strengths.toml")),
    ("cy/voice.toml", include_str!("../rules/cy/voice.toml")),
    ("cy/analysis.toml", include_str!("../rules/cy/analysis.toml")),
    ("cy/late-entry.toml", include_str!("../rules/cy/late-entry.toml")),
];
const EMBEDDED_LABELS: &str = include_str!("../rules/labels.toml");
const EMBEDDED_MESSAGES: &str = include_str!("../rules/messages.toml");
const EMBEDDED_EXPLANATIONS: &str = include_str!("../rules/explanations.toml");

/// A problem in a rule file, naming the file and, where known, the line and column.
/// The problem never quotes the file (see `crate::safe_text`).
pub type RuleError = crate::safe_text::FileProblem;

/// A rule file's text and the name to report problems under.
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

/// A rule file's fields, each with its place in the file for error messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFileSpec {
    language: Spanned<String>,
    category: Spanned<String>,
    severity: Option<Spanned<String>>,
    #[serde(default)]
    terms: Vec<TermSpec>,
    #[serde(default)]
    signals: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TermSpec {
    id: Spanned<String>,
    #[serde(rename = "match")]
    phrases: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    suggest: Vec<String>,
    /// Advice shown when no replacement can be offered as it stands.
    hint: Option<String>,
    message: Option<String>,
    severity: Option<Spanned<String>>,
    /// Phrases that, in the same sentence, make the term not a problem: an acronym's
    /// expansion, the detail that makes a vague phrase specific ("smell of"), a
    /// literal use ("get on and off"). Read by plain-language and vague.
    #[serde(default, alias = "explained_by")]
    unless: Vec<Spanned<String>>,
    /// For checks that look only in a context (own-words: outcomes and views), a
    /// term that is a problem anywhere.
    #[serde(default)]
    anywhere: bool,
    /// The word that follows the term's object ("signposted her to …": `takes =
    /// "to"`): a replacement with `{}` takes the object there ("told {} about"), and
    /// is offered only where the word is found.
    takes: Option<String>,
    /// Replacements for the passive ("was signposted to the group" → "was told about
    /// the group"), used instead of `suggest` after a form of "be" or "get".
    #[serde(default)]
    passive: Vec<String>,
    /// Replacements used right after a determiner ("the OT" → "the occupational
    /// therapist"; "OT assessment" → "occupational therapy assessment").
    #[serde(default)]
    determined: Vec<String>,
    /// `"drop"`: the replacement takes no "a"/"an" ("a package of care" → "care and
    /// support"); otherwise an "a"/"an" before the term is made to fit the replacement.
    article: Option<Spanned<String>>,
    /// Welsh, `"soft"`: the replacement is a verb with its subject ("trafodais i")
    /// and the word after the term is its object, which takes the soft mutation
    /// ("gwelwyd bod …" → "gwelais i fod …"; "yr" after the pronoun is "'r").
    #[serde(default)]
    object: Option<Spanned<String>>,
    /// Sentences and what the first replacement makes of them, checked by the tests.
    #[serde(default)]
    examples: Vec<[String; 2]>,
}

/// One flagged term: a rule id and what to say about it.
#[derive(Clone, Debug)]
pub struct Term {
    pub category: Category,
    /// The language of the rule file: findings and messages for this term use it.
    pub lang: Lang,
    /// Full rule id, e.g. `plain-language/signpost`.
    pub rule: String,
    pub phrases: Vec<String>,
    pub suggest: Vec<String>,
    pub hint: Option<String>,
    pub message: Option<String>,
    pub severity: Severity,
    pub anywhere: bool,
    /// The rule file it came from.
    pub file: String,
    /// The word after the term's object, for replacements with `{}`.
    pub takes: Option<String>,
    /// Replacements after a form of "be" or "get".
    pub passive: Vec<String>,
    /// Replacements after a determiner ("the", "an", "our", "his" …).
    pub determined: Vec<String>,
    /// The replacement takes no article: "a"/"an" before the term goes.
    pub drop_article: bool,
    /// The word after the term is the replacement verb's object (soft mutation).
    pub object_soft: bool,
    /// (sentence, the sentence with the first replacement applied).
    pub examples: Vec<[String; 2]>,
}

/// The rules of one language.
#[derive(Default)]
pub struct LangRules {
    pub lexicon: Lexicon,
    pub terms: Vec<Term>,
}

/// Sets are numbered by arithmetic, not looked up by name: each category has a
/// block of 16 ids (0 its terms, 1.. its signals in the order the check declares
/// them, 15 its terms' `unless` phrases).
const SETS_PER_CATEGORY: u16 = 16;
const EXPLAINED_BY: u16 = 15;

/// Is `set` a category's terms' `unless` set?
pub(crate) fn is_unless_set(set: SetId) -> bool {
    set % SETS_PER_CATEGORY == EXPLAINED_BY
}

impl LangRules {
    pub fn terms_set(cat: Category) -> SetId {
        cat.index() as SetId * SETS_PER_CATEGORY
    }

    /// The set of every term's `unless` phrases (entry = the term's index).
    pub fn unless_set(cat: Category) -> SetId {
        cat.index() as SetId * SETS_PER_CATEGORY + EXPLAINED_BY
    }

    /// The set id of a signal list a check declared (see `checks::signal_names`).
    pub fn signal_set(cat: Category, name: &str) -> SetId {
        let index = checks::signal_names(cat)
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{cat} declares no signal '{name}'"));
        cat.index() as SetId * SETS_PER_CATEGORY + 1 + index as SetId
    }
}

pub struct RuleBook {
    pub labels: LabelTable,
    langs: [LangRules; 2],
    pub messages: Messages,
}

/// Messages and explanations alone (they are always the embedded ones).
pub fn embedded_messages() -> Messages {
    Messages::from_toml(EMBEDDED_MESSAGES, EMBEDDED_EXPLANATIONS).expect("embedded messages are valid")
}

fn is_rule_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl RuleBook {
    /// The rules compiled into the binary. They are checked by the test suite, so a
    /// failure here is a build defect, not a user error.
    pub fn embedded() -> RuleBook {
        RuleBook::with_extra(&[]).expect("embedded rule files are valid")
    }

    /// The embedded rules plus an organisation's own rule files.
    pub fn with_extra(extra: &[RuleSource]) -> Result<RuleBook, RuleError> {
        let labels = LabelTable::from_toml(EMBEDDED_LABELS)
            .map_err(|problem| RuleError { file: "labels.toml".into(), at: None, problem })?;
        let messages = embedded_messages();
        let mut book = RuleBook { labels, langs: [LangRules::default(), LangRules::default()], messages };
        for (name, text) in EMBEDDED_RULES {
            book.add_file(name, text)?;
        }
        for source in extra {
            book.add_file(&source.name, &source.text)?;
        }
        Ok(book)
    }

    pub fn lang(&self, lang: Lang) -> &LangRules {
        &self.langs[lang as usize]
    }

    /// Every term with this full rule id, in either language.
    pub fn terms_with_rule<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = (Lang, &'a Term)> + 'a {
        [Lang::En, Lang::Cy]
            .into_iter()
            .flat_map(move |l| self.lang(l).terms.iter().filter(move |t| t.rule == rule).map(move |t| (l, t)))
    }

    fn add_file(&mut self, file: &str, text: &str) -> Result<(), RuleError> {
        let err = |at: Option<(usize, usize)>, problem: String| RuleError { file: file.to_string(), at, problem };
        let at = |span: std::ops::Range<usize>| Some(crate::safe_text::line_col(text, span.start));
        let spec: RuleFileSpec = toml::from_str(text).map_err(|e| RuleError::toml(file, text, e.span(), e.message()))?;
        let lang = Lang::parse(spec.language.get_ref())
            .ok_or_else(|| err(at(spec.language.span()), "language must be \"en\" or \"cy\"".to_string()))?;
        let category = Category::from_id(spec.category.get_ref()).ok_or_else(|| {
            let known: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
            err(at(spec.category.span()), format!("unknown category; known: {}", known.join(", ")))
        })?;
        // Issue 16's checks reason with signal lists only: terms in a rule file for
        // one would be read and then do nothing, so they are refused.
        if !checks::reads_terms(category) && !spec.terms.is_empty() {
            let signals = checks::signal_names(category).join(", ");
            return Err(err(at(spec.category.span()), format!("{category} reads no terms; add words to its signal lists instead: {signals}")));
        }
        let parse_severity = |s: &Spanned<String>| {
            Severity::parse(s.get_ref())
                .ok_or_else(|| err(at(s.span()), "severity must be hint, info, warning or error".to_string()))
        };
        let file_severity = match &spec.severity {
            Some(s) => parse_severity(s)?,
            None => checks::default_severity(category),
        };
        let rules = &mut self.langs[lang as usize];

        for (name, phrases) in &spec.signals {
            if !checks::signal_names(category).contains(&name.get_ref().as_str()) {
                return Err(err(
                    at(name.span()),
                    format!("{category} has no such signal list; known: {}", checks::signal_names(category).join(", ")),
                ));
            }
            let set = LangRules::signal_set(category, name.get_ref());
            for (i, phrase) in phrases.iter().enumerate() {
                let parsed = pattern::parse(phrase.get_ref(), lang).map_err(|p| err(at(phrase.span()), format!("signals.{name}: {p}", name = name.get_ref())))?;
                rules.lexicon.add(set, i as u32, parsed);
            }
        }

        for term in spec.terms {
            let id = term.id.get_ref();
            if !is_rule_id(id) {
                return Err(err(at(term.id.span()), "a term id must use lowercase letters, digits and hyphens".to_string()));
            }
            if term.phrases.get_ref().is_empty() {
                return Err(err(at(term.phrases.span()), format!("term \"{id}\" has no phrases to match")));
            }
            let entry = rules.terms.len() as u32;
            let lists = [(term.phrases.get_ref(), LangRules::terms_set(category)), (&term.unless, LangRules::unless_set(category))];
            for (phrases, set) in lists {
                for phrase in phrases {
                    let parsed = pattern::parse(phrase.get_ref(), lang).map_err(|p| err(at(phrase.span()), format!("term \"{id}\": {p}")))?;
                    rules.lexicon.add(set, entry, parsed);
                }
            }
            let severity = match &term.severity {
                Some(s) => parse_severity(s)?,
                None => file_severity,
            };
            let drop_article = match &term.article {
                None => false,
                Some(a) if a.get_ref() == "drop" => true,
                Some(a) => return Err(err(at(a.span()), format!("term \"{id}\": article must be \"drop\""))),
            };
            let object_soft = match &term.object {
                None => false,
                Some(o) if o.get_ref() == "soft" && lang == Lang::Cy => true,
                Some(o) => return Err(err(at(o.span()), format!("term \"{id}\": object must be \"soft\", in a Welsh word list"))),
            };
            rules.terms.push(Term {
                category,
                lang,
                rule: format!("{category}/{id}"),
                phrases: term.phrases.into_inner().into_iter().map(Spanned::into_inner).collect(),
                suggest: term.suggest,
                hint: term.hint,
                message: term.message,
                severity,
                anywhere: term.anywhere,
                file: file.to_string(),
                takes: term.takes,
                passive: term.passive,
                determined: term.determined,
                drop_article,
                object_soft,
                examples: term.examples,
            });
        }
        Ok(())
    }
}
