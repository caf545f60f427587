//! The one entry point: text in, findings out. The language server, `cofnod check`
//! and `cofnod compare` all call `Engine::analyse`; it does not know which did.

use std::collections::{HashMap, HashSet};

use crate::checks::facts::SentenceFacts;
use crate::checks::record::{self, BlockSignals};
use crate::checks::{self, Check, Context};
use crate::document::markup::{overlaps, unchecked_spans};
use crate::document::{Block, BlockCounts, BlockPlan, Document};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use crate::suppression;
use crate::finding::{Category, Finding, Severity, Suggestion};
use crate::models::{review, Models};
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
    /// Distinguishes engines, so a cache filled by one is not read by another.
    id: u64,
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
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Engine { id, rules, detector: LanguageDetector::new(), checks: checks::all(), settings }
    }

    pub fn rules(&self) -> &RuleBook {
        &self.rules
    }

    /// The language messages are written in, when the settings fix one (else each
    /// finding's message is in its sentence's language).
    pub fn message_lang(&self) -> Option<Lang> {
        self.settings.message_lang
    }

    pub fn analyse(&self, text: &str) -> Analysis {
        let doc = Document::build(text, &self.rules.labels, &self.detector);
        let mut findings = self.check(&doc);
        Self::drop_unchecked(text, &mut findings);
        Analysis { language: doc.language, findings }
    }

    /// The document model of `text`, as the checks see it (for training and tools).
    pub fn with_document<R>(&self, text: &str, f: impl FnOnce(&Document) -> R) -> R {
        f(&Document::build(text, &self.rules.labels, &self.detector))
    }

    /// Rules, then the models' review of every sentence (`models::review`): what the
    /// rules found, less the findings the model vetoes, plus sentence-level findings
    /// the rules missed. If the encoder fails, the rules' findings stand.
    pub fn analyse_with_models(&self, text: &str, models: &Models) -> Analysis {
        self.analyse_with_models_until(text, models, &|| false).expect("never called off")
    }

    /// As `analyse_with_models`, stopping (`None`) once `cancel` says so: it is asked
    /// between steps of the rules and between batches of sentences for the encoder.
    pub fn analyse_with_models_until(&self, text: &str, models: &Models, cancel: &dyn Fn() -> bool) -> Option<Analysis> {
        let doc = Document::build(text, &self.rules.labels, &self.detector);
        let mut findings = self.check_until(&doc, cancel)?;
        self.review_document(&doc, models, &mut findings, cancel)?;
        Self::drop_unchecked(text, &mut findings);
        Some(Analysis { language: doc.language, findings })
    }

    /// Adds the models' findings; `None` if called off.
    fn review_document(&self, doc: &Document, models: &Models, findings: &mut Vec<Finding>, cancel: &dyn Fn() -> bool) -> Option<()> {
        let Some(judge) = &models.judge else {
            return Some(());
        };
        let scores = match judge.score(&models.encoder, doc, cancel) {
            Ok(Some(scores)) => scores,
            Ok(None) => return None,
            Err(_) => return Some(()),
        };
        let thresholds = &judge.thresholds;
        let enabled = |cat: Category| {
            !self.settings.disabled.contains(cat.id()) && !self.settings.disabled.contains(&model_rule(cat))
        };
        review::combine(&scores, findings, thresholds, &enabled, &|cat, s, _| self.model_finding(cat, s));
        Some(())
    }

    fn model_finding(&self, cat: Category, s: &review::SentenceScore) -> Finding {
        let rule = model_rule(cat);
        let lang = self.settings.message_lang.unwrap_or(s.lang);
        let messages = &self.rules.messages;
        let severity = self.settings.severity.get(&rule).or_else(|| self.settings.severity.get(cat.id()));
        // The words the model reads as carrying the problem, or the sentence.
        let (start, end) = s.carrier[cat.index()].unwrap_or((s.start, s.end));
        Finding {
            category: cat,
            message: messages.render(cat, lang, "model", &[]),
            rule,
            severity: severity.copied().unwrap_or(Severity::Info),
            start,
            end,
            lang: s.lang,
            suggestions: vec![Suggestion { replacement: None, description: messages.render(cat, lang, "prompt", &[]), around: (0, 0) }],
        }
    }

    /// As `analyse`, with the facts about each sentence that a before-and-after
    /// comparison counts (`crate::compare`), read off the same scan as the checks.
    /// With `models`, the models' findings are added as in `analyse_with_models`.
    pub fn analyse_with_facts(&self, text: &str, models: Option<&Models>) -> (Analysis, Vec<SentenceFacts>) {
        let doc = Document::build(text, &self.rules.labels, &self.detector);
        let (hits, hit_ranges) = self.scan(&doc, &|| false).expect("never called off");
        let cx = Context::new(&doc, &self.rules, &hits, &hit_ranges, self.settings.message_lang);
        let facts = checks::facts::sentence_facts(&cx);
        let mut findings = self.run_checks(&cx, &|| false).expect("never called off");
        let signals: Vec<BlockSignals> = (0..doc.blocks.len()).map(|b| record::block_signals(&cx, b)).collect();
        findings.extend(self.record_findings(&doc, &signals));
        findings.sort_by_key(|f| (f.start, f.end, f.category));
        if let Some(models) = models {
            self.review_document(&doc, models, &mut findings, &|| false);
        }
        Self::drop_unchecked(text, &mut findings);
        (Analysis { language: doc.language, findings }, facts)
    }

    /// The findings of a built document (of all its blocks, or of the blocks a plan
    /// wanted), with settings applied, in text order.
    fn check(&self, doc: &Document) -> Vec<Finding> {
        self.check_until(doc, &|| false).expect("never called off")
    }

    /// As `check`, stopping (`None`) once `cancel` says so.
    fn check_until(&self, doc: &Document, cancel: &dyn Fn() -> bool) -> Option<Vec<Finding>> {
        let (mut findings, signals) = self.check_blocks_until(doc, &|_| true, cancel)?;
        let signals: Vec<BlockSignals> = signals.into_iter().map(Option::unwrap_or_default).collect();
        findings.extend(self.record_findings(doc, &signals));
        findings.sort_by_key(|f| (f.start, f.end, f.category));
        Some(findings)
    }

    /// The sentence checks' findings, and the record signals of the blocks `built`
    /// says were built (`None` for the others).
    #[allow(clippy::type_complexity)]
    fn check_blocks_until(&self, doc: &Document, built: &dyn Fn(usize) -> bool, cancel: &dyn Fn() -> bool) -> Option<(Vec<Finding>, Vec<Option<BlockSignals>>)> {
        let (hits, hit_ranges) = self.scan(doc, cancel)?;
        let cx = Context::new(doc, &self.rules, &hits, &hit_ranges, self.settings.message_lang);
        let findings = self.run_checks(&cx, cancel)?;
        let signals = (0..doc.blocks.len()).map(|b| built(b).then(|| record::block_signals(&cx, b))).collect();
        Some((findings, signals))
    }

    /// The record-level checks' findings (`checks::record`), from every block's
    /// signals, with settings applied.
    fn record_findings(&self, doc: &Document, signals: &[BlockSignals]) -> Vec<Finding> {
        let view = record::RecordView { text: doc.text, doc, signals, rules: &self.rules, message_lang: self.settings.message_lang };
        let mut findings = Vec::new();
        record::run(&view, &mut findings);
        findings.retain(|f| !self.settings.disabled.contains(f.category.id()) && !self.settings.disabled.contains(&f.rule));
        for f in &mut findings {
            if let Some(&s) = self.settings.severity.get(&f.rule).or_else(|| self.settings.severity.get(f.category.id())) {
                f.severity = s;
            }
        }
        findings
    }

    /// Every word list's hits, sentence by sentence.
    #[allow(clippy::type_complexity)]
    fn scan(&self, doc: &Document, cancel: &dyn Fn() -> bool) -> Option<(Vec<crate::rulebook::Hit>, Vec<std::ops::Range<usize>>)> {
        // All hits in one vector; `hit_ranges[i]` is sentence i's part of it.
        let mut hits = Vec::new();
        let mut hit_ranges = Vec::with_capacity(doc.sentences.len());
        let mut scratch = ScanScratch::default();
        for (si, sentence) in doc.sentences.iter().enumerate() {
            if si % 64 == 63 && cancel() {
                return None;
            }
            let first = hits.len();
            if sentence.lang_decided {
                self.rules.lang(sentence.lang).lexicon.scan(sentence.lang, doc, sentence, &mut scratch, &mut hits);
            } else {
                // Too short to tell ("Defnyddiwr gwasanaeth: Mr Rhys", "Case closed."):
                // both languages' word lists look at it; each hit keeps its language.
                for lang in [Lang::En, Lang::Cy] {
                    self.rules.lang(lang).lexicon.scan(lang, doc, sentence, &mut scratch, &mut hits);
                }
                hits[first..].sort_by_key(|hit| (hit.set, hit.start));
            }
            hit_ranges.push(first..hits.len());
        }
        Some((hits, hit_ranges))
    }

    fn run_checks(&self, cx: &Context, cancel: &dyn Fn() -> bool) -> Option<Vec<Finding>> {
        let doc = cx.doc;
        let mut findings = Vec::new();
        for check in &self.checks {
            if cancel() {
                return None;
            }
            if !self.settings.disabled.contains(check.category().id()) {
                check.run(cx, &mut findings);
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
        Some(findings)
    }

    /// Web and e-mail addresses, inline code and comments are not prose; comments
    /// may also switch findings off.
    fn drop_unchecked(text: &str, findings: &mut Vec<Finding>) {
        let unchecked = unchecked_spans(text);
        if !unchecked.is_empty() {
            findings.retain(|f| !overlaps(&unchecked, f.start, f.end));
        }
        suppression::apply(findings, &suppression::suppressions(text));
    }

    /// As `analyse`, re-checking only the blocks (paragraphs, list items, headings)
    /// whose text, label context or document language changed since the last call
    /// with this cache. The result is the same as `analyse` gives (a property test
    /// holds it to that); on a 2,500-word note, one edited paragraph costs a fraction
    /// of a full analysis.
    pub fn analyse_cached(&self, text: &str, cache: &mut AnalysisCache) -> Analysis {
        self.analyse_cached_until(text, cache, &|| false).expect("never called off")
    }

    /// As `analyse_cached`, stopping (`None`) once `cancel` says so: it is asked
    /// between blocks, between batches of sentences and between checks, so a stale
    /// analysis of a long note gives way to the next edit's within milliseconds. The
    /// cache is left as it was before the call.
    pub fn analyse_cached_until(&self, text: &str, cache: &mut AnalysisCache, cancel: &dyn Fn() -> bool) -> Option<Analysis> {
        if cache.engine != Some(self.id) {
            *cache = AnalysisCache { engine: Some(self.id), ..AnalysisCache::default() };
        }
        cache.begin();
        let doc = {
            let mut plan = Cancellable { cache: &mut *cache, cancel };
            Document::build_planned(text, &self.rules.labels, &self.detector, &mut plan)?
        };
        let (fresh, fresh_signals) = self.check_blocks_until(&doc, &|b| cache.built[b], cancel)?;
        let mut findings = cache.merge(&doc, fresh);
        let signals = cache.merge_signals(fresh_signals);
        findings.extend(self.record_findings(&doc, &signals));
        findings.sort_by_key(|f| (f.start, f.end, f.category));
        Self::drop_unchecked(text, &mut findings);
        Some(Analysis { language: doc.language, findings })
    }
}

/// The rule id of a category's model findings, e.g. `vague/model`.
pub fn model_rule(cat: Category) -> String {
    format!("{}/model", cat.id())
}

/// Per-document memory of earlier analyses (see `Engine::analyse_cached`): block
/// language counts by block key, and block findings by a findings key and the
/// document language, with offsets relative to the block. Only the blocks of the
/// latest analysis are kept, so the cache stays the size of the document.
///
/// A block's findings depend on its own text and place, on the document's language
/// (undecided sentences inherit it), and on the first sentence of the next block
/// with words in it (the rationale check accepts a reason there). So the findings
/// key of a block joins its own key with that next block's, and when a block is
/// re-checked, that next block is built too (as context; its cached findings stand).
#[derive(Default)]
pub struct AnalysisCache {
    engine: Option<u64>,
    counts: HashMap<u64, BlockCounts>,
    findings: HashMap<(u64, Lang), Vec<Finding>>,
    /// This build, per block: its key, counts, findings key, whether it is
    /// built, and its cached findings if they are reused.
    keys: Vec<u64>,
    block_counts: Vec<BlockCounts>,
    findings_keys: Vec<u64>,
    built: Vec<bool>,
    reused: Vec<Option<Vec<Finding>>>,
    document_lang: Option<Lang>,
    /// Each block's record signals (`checks::record`), by block key and document
    /// language: they depend on the block alone.
    signals: HashMap<(u64, Lang), BlockSignals>,
    /// Blocks whose findings were reused, and the total, in the last analysis.
    pub last_reused: usize,
    pub last_blocks: usize,
}

/// What identifies a block's analysis: its text and where it sits in the note's
/// structure (kind, label, section), nothing that moves when other blocks change.
fn block_key(text: &str, block: &Block) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text[block.start..block.end].hash(&mut h);
    (block.kind as u8).hash(&mut h);
    block.label.map(|l| l.kind).hash(&mut h);
    // The label's own words (record signals read a date field's name).
    block.label.map(|l| &text[l.start..l.end]).hash(&mut h);
    block.context.hash(&mut h);
    for b in &block.line_breaks {
        (b - block.start).hash(&mut h);
    }
    h.finish()
}

impl AnalysisCache {
    fn begin(&mut self) {
        self.keys.clear();
        self.block_counts.clear();
        self.findings_keys.clear();
        self.built.clear();
        self.reused.clear();
    }

    /// Every block's record signals: this build's where it built the block, the
    /// cached ones elsewhere; stores them for the next build.
    fn merge_signals(&mut self, fresh: Vec<Option<BlockSignals>>) -> Vec<BlockSignals> {
        let lang = self.document_lang.unwrap_or(Lang::En);
        let all: Vec<BlockSignals> = fresh
            .into_iter()
            .enumerate()
            .map(|(b, s)| s.or_else(|| self.signals.get(&(self.keys[b], lang)).cloned()).unwrap_or_default())
            .collect();
        self.signals = self.keys.iter().zip(&all).map(|(&k, s)| ((k, lang), s.clone())).collect();
        all
    }

    /// Decides, once all counts are known, which blocks to build and which
    /// blocks' findings to reuse.
    fn plan(&mut self, document_lang: Lang) {
        let n = self.keys.len();
        self.document_lang = Some(document_lang);
        // The next block with words, for each block.
        let mut next = vec![None; n];
        let mut following = None;
        for i in (0..n).rev() {
            next[i] = following;
            if self.block_counts[i].words > 0 {
                following = Some(i);
            }
        }
        self.findings_keys = (0..n)
            .map(|i| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                self.keys[i].hash(&mut h);
                next[i].map(|j| self.keys[j]).hash(&mut h);
                h.finish()
            })
            .collect();
        self.built = vec![false; n];
        self.reused = (0..n).map(|i| self.findings.get(&(self.findings_keys[i], document_lang)).cloned()).collect();
        // A re-checked block, and (as context) the next block with words.
        for (i, following) in next.into_iter().enumerate() {
            if self.reused[i].is_none() {
                self.built[i] = true;
                if let Some(j) = following {
                    self.built[j] = true;
                }
            }
        }
    }

    /// Joins this build's fresh findings with the reused ones, stores the fresh
    /// ones by block, and forgets blocks that are no longer in the text.
    fn merge(&mut self, doc: &Document, fresh: Vec<Finding>) -> Vec<Finding> {
        let n = self.keys.len();
        let mut by_block: Vec<Vec<Finding>> = vec![Vec::new(); n];
        for f in fresh {
            // The block holding the finding: the last one starting at or before it.
            let bi = doc.blocks.partition_point(|b| b.start <= f.start).saturating_sub(1);
            by_block[bi].push(f);
        }
        let mut all = Vec::new();
        let mut kept_findings = HashMap::with_capacity(n);
        let mut kept_counts = HashMap::with_capacity(n);
        self.last_reused = 0;
        self.last_blocks = n;
        for (bi, fresh) in by_block.into_iter().enumerate() {
            let start = doc.blocks[bi].start;
            // A block built only as context for the one before keeps its cached
            // findings: its own next block may not have been built.
            let relative: Vec<Finding> = match self.reused[bi].take() {
                Some(cached) => {
                    self.last_reused += 1;
                    cached
                }
                None => fresh.into_iter().map(|f| Finding { start: f.start - start, end: f.end - start, ..f }).collect(),
            };
            all.extend(relative.iter().map(|f| Finding { start: f.start + start, end: f.end + start, ..f.clone() }));
            kept_findings.insert((self.findings_keys[bi], self.document_lang.unwrap_or(Lang::En)), relative);
            kept_counts.insert(self.keys[bi], self.block_counts[bi]);
        }
        self.findings = kept_findings;
        self.counts = kept_counts;
        all.sort_by_key(|f| (f.start, f.end, f.category));
        all
    }
}

/// The cache's plan, called off when `cancel` says so.
struct Cancellable<'a> {
    cache: &'a mut AnalysisCache,
    cancel: &'a dyn Fn() -> bool,
}

impl BlockPlan for Cancellable<'_> {
    fn known_counts(&mut self, text: &str, index: usize, block: &Block) -> Option<BlockCounts> {
        self.cache.known_counts(text, index, block)
    }

    fn record_counts(&mut self, index: usize, counts: BlockCounts) {
        self.cache.record_counts(index, counts)
    }

    fn wanted(&mut self, index: usize, document_lang: Lang) -> bool {
        self.cache.wanted(index, document_lang)
    }

    fn cancelled(&mut self) -> bool {
        (self.cancel)()
    }
}

impl BlockPlan for AnalysisCache {
    fn known_counts(&mut self, text: &str, index: usize, block: &Block) -> Option<BlockCounts> {
        debug_assert_eq!(index, self.keys.len());
        let key = block_key(text, block);
        self.keys.push(key);
        let known = self.counts.get(&key).copied();
        self.block_counts.push(known.unwrap_or_default());
        known
    }

    fn record_counts(&mut self, index: usize, counts: BlockCounts) {
        self.block_counts[index] = counts;
    }

    fn wanted(&mut self, index: usize, document_lang: Lang) -> bool {
        if index == 0 {
            self.plan(document_lang);
        }
        self.built[index]
    }
}
