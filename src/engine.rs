//! The one entry point: text in, findings out. The language server, `cofnod check`
//! and `cofnod compare` all call `Engine::analyse`; it does not know which did.

use std::collections::{HashMap, HashSet};

use crate::checks::{self, Check, Context};
use crate::document::Document;
use crate::finding::{Category, Finding, Severity};
use crate::language::{DocLanguage, LanguageDetector};
use crate::rulebook::{RuleBook, RuleError, RuleSource};

/// What an organisation or a user has switched off or re-weighted.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Category ids ("own-words") and rule ids ("plain-language/commence") to skip.
    pub disabled: HashSet<String>,
    /// Severity by category id or rule id; a rule id wins over its category.
    pub severity: HashMap<String, Severity>,
}

pub struct Analysis {
    pub language: DocLanguage,
    /// Ordered by position in the text.
    pub findings: Vec<Finding>,
}

pub struct Engine {
    rules: RuleBook,
    detector: LanguageDetector,
    checks: Vec<Box<dyn Check>>,
    settings: Settings,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// The embedded rules, everything on.
    pub fn new() -> Engine {
        Engine::from_parts(RuleBook::embedded(), Settings::default())
    }

    /// The embedded rules plus extra rule files, with settings applied.
    pub fn with_rules(extra: &[RuleSource], settings: Settings) -> Result<Engine, RuleError> {
        Ok(Engine::from_parts(RuleBook::with_extra(extra)?, settings))
    }

    fn from_parts(rules: RuleBook, settings: Settings) -> Engine {
        Engine { rules, detector: LanguageDetector::new(), checks: checks::all(), settings }
    }

    pub fn rules(&self) -> &RuleBook {
        &self.rules
    }

    pub fn analyse(&self, text: &str) -> Analysis {
        let doc = Document::build(text, &self.rules.labels, &self.detector);
        let mut hits = Vec::with_capacity(doc.sentences.len());
        for sentence in &doc.sentences {
            let mut h = Vec::new();
            self.rules.lang(sentence.lang).lexicon.scan(&doc, sentence, &mut h);
            hits.push(h);
        }
        let cx = Context { doc: &doc, rules: &self.rules, hits: &hits };
        let mut findings = Vec::new();
        for check in &self.checks {
            if !self.settings.disabled.contains(check.category().id()) {
                check.run(&cx, &mut findings);
            }
        }
        findings.retain(|f| !self.settings.disabled.contains(&f.rule));
        for f in &mut findings {
            if let Some(&s) = self.settings.severity.get(&f.rule).or_else(|| self.settings.severity.get(f.category.id())) {
                f.severity = s;
            }
        }
        findings.sort_by(|a, b| (a.start, a.end, a.category).cmp(&(b.start, b.end, b.category)));
        Analysis { language: doc.language, findings }
    }

    /// Checks that would run (not disabled).
    pub fn enabled_categories(&self) -> impl Iterator<Item = Category> + '_ {
        Category::ALL.into_iter().filter(|c| !self.settings.disabled.contains(c.id()))
    }
}
