//! The one entry point: text in, findings out. The language server, `cofnod check`
//! and `cofnod compare` all call `Engine::analyse`; it does not know which did.

use std::collections::{HashMap, HashSet};

use crate::checks::{self, Check, Context};
use crate::document::markup::{overlaps, unchecked_spans};
use crate::document::Document;
use crate::suppression;
use crate::finding::{Finding, Severity};
use crate::language::{DocLanguage, Lang, LanguageDetector};
use crate::rulebook::{RuleBook, RuleError, RuleSource, ScanScratch};

/// What an organisation or a user has switched off or re-weighted.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Category ids ("own-words") and rule ids ("plain-language/commence") to skip.
    pub disabled: HashSet<String>,
    /// Severity by category id or rule id; a rule id wins over its category.
    pub severity: HashMap<String, Severity>,
    /// Write messages in this language (`None`: in the language of the text).
    pub message_lang: Option<Lang>,
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
        // All hits in one vector; `hit_ranges[i]` is sentence i's part of it.
        let mut hits = Vec::new();
        let mut hit_ranges = Vec::with_capacity(doc.sentences.len());
        let mut scratch = ScanScratch::default();
        for sentence in &doc.sentences {
            let first = hits.len();
            if sentence.lang_decided {
                self.rules.lang(sentence.lang).lexicon.scan(sentence.lang, &doc, sentence, &mut scratch, &mut hits);
            } else {
                // Too short to tell ("Defnyddiwr gwasanaeth: Mr Rhys", "Case closed."):
                // both languages' word lists look at it; each hit keeps its language.
                for lang in [Lang::En, Lang::Cy] {
                    self.rules.lang(lang).lexicon.scan(lang, &doc, sentence, &mut scratch, &mut hits);
                }
                hits[first..].sort_by_key(|hit| (hit.set, hit.start));
            }
            hit_ranges.push(first..hits.len());
        }
        let cx = Context { doc: &doc, rules: &self.rules, hits: &hits, hit_ranges: &hit_ranges, message_lang: self.settings.message_lang };
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
        // A short sentence of undecided language may match the same words in both
        // lexicons (acronyms); keep one finding, in the language the sentence leans to.
        // Sentences are in text order, so the one holding an offset is found by bisection.
        let lang_at = |offset: usize| {
            let i = doc.sentences.partition_point(|s| s.start <= offset);
            doc.sentences[..i].last().filter(|s| offset < s.end).map(|s| s.lang)
        };
        findings.sort_by_key(|f| (f.start, f.end, f.category, Some(f.lang) != lang_at(f.start)));
        findings.dedup_by(|b, a| (a.start, a.end, a.category) == (b.start, b.end, b.category));
        // Web and e-mail addresses, inline code and comments are not prose; comments
        // may also switch findings off.
        let unchecked = unchecked_spans(text);
        if !unchecked.is_empty() {
            findings.retain(|f| !overlaps(&unchecked, f.start, f.end));
        }
        suppression::apply(&mut findings, &suppression::suppressions(text));
        Analysis { language: doc.language, findings }
    }
}

/// Per-document memory of earlier analyses (see `Engine::analyse_cached`).
#[derive(Default)]
pub struct AnalysisCache {}

impl Engine {
    pub fn analyse_cached(&self, text: &str, _cache: &mut AnalysisCache) -> Analysis {
        self.analyse(text)
    }
}
