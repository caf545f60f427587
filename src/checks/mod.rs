//! The six recording checks of DOMAIN.md, one file each.
//!
//! A check reads the document model and the lexicon hits of each sentence and
//! writes findings. It knows nothing of who asked (editor, bulk run, comparison).
//! Word lists are data (`src/rules/`); a check's code holds only its reasoning:
//! what makes a matched phrase a problem in this sentence, and what excuses it.

pub mod facts;
pub mod fixes;
pub mod fluency;
mod opinion_as_fact;
mod outcome_score;
mod output_as_outcome;
mod own_words;
mod plain_language;
mod rationale;
pub mod record;
mod risk;
mod vague;

use crate::document::{BlockKind, Document, LabelKind, Sentence};
use crate::finding::{Category, Finding, Severity, Suggestion};
use crate::rulebook::{Hit, RuleBook, SetId, Term};

pub trait Check: Send + Sync {
    fn category(&self) -> Category;
    fn run(&self, cx: &Context, out: &mut Vec<Finding>);
}

pub fn all() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(plain_language::PlainLanguage),
        Box::new(opinion_as_fact::OpinionAsFact),
        Box::new(vague::Vague),
        Box::new(output_as_outcome::OutputAsOutcome),
        Box::new(own_words::OwnWords),
        Box::new(rationale::Rationale),
        Box::new(outcome_score::OutcomeScore),
        Box::new(risk::Risk),
    ]
}

/// The signal lists (phrase lists a check reasons with) each category's rule files
/// may define. Their order fixes their set ids; append, never reorder.
pub fn signal_names(cat: Category) -> &'static [&'static str] {
    match cat {
        Category::PlainLanguage => plain_language::SIGNALS,
        Category::OpinionAsFact => opinion_as_fact::SIGNALS,
        Category::Vague => vague::SIGNALS,
        Category::OutputAsOutcome => output_as_outcome::SIGNALS,
        Category::OwnWords => own_words::SIGNALS,
        Category::Rationale => rationale::SIGNALS,
        Category::OutcomeScore => outcome_score::SIGNALS,
        Category::Risk => risk::SIGNALS,
        // Record-level checks (`record/`): their signals are read block by block.
        Category::Strengths => &["deficit", "strength"],
        Category::Voice => &["persons-words", "other-speaker", "role-name", "child", "child-seen"],
        Category::Analysis => &["judgement", "long-record", "brief-record"],
        Category::LateEntry => &["late-marker"],
    }
}

/// Does this category's check read word-list terms (findings per matched phrase)?
/// Issue 16's checks reason with signal lists only.
pub fn reads_terms(cat: Category) -> bool {
    cat.is_established()
}

pub fn default_severity(cat: Category) -> Severity {
    match cat {
        Category::PlainLanguage | Category::OwnWords => Severity::Info,
        Category::OpinionAsFact | Category::Vague | Category::OutputAsOutcome | Category::Rationale | Category::Risk => Severity::Warning,
        // Record-level prompts: gentle.
        Category::OutcomeScore | Category::Strengths | Category::Voice | Category::Analysis | Category::LateEntry => Severity::Info,
    }
}

/// What a check sees of one analysis.
pub struct Context<'a> {
    pub doc: &'a Document<'a>,
    pub rules: &'a RuleBook,
    /// Lexicon hits of all sentences; `hit_ranges[si]` holds sentence si's, ordered
    /// by set.
    pub hits: &'a [Hit],
    pub hit_ranges: &'a [std::ops::Range<usize>],
    /// Messages in this language whatever the text's (`None`: the text's language).
    pub message_lang: Option<crate::language::Lang>,
    /// The elaboration marks of the sentence last asked about (see `elaborated_after`).
    elaborations: std::cell::RefCell<Option<(usize, Vec<Cut>)>>,
}

/// A place where a sentence may go on with an elaboration: after a colon, a dash,
/// or a hyphen with spaces round it.
#[derive(Clone, Copy, Debug)]
struct Cut {
    /// Byte offset of the mark.
    at: usize,
    /// A spaced hyphen counts only after some text: not right at `from`.
    hyphen: bool,
    /// Words after the mark, to the sentence's end.
    words_after: usize,
}

impl<'a> Context<'a> {
    pub fn new(
        doc: &'a Document<'a>,
        rules: &'a RuleBook,
        hits: &'a [Hit],
        hit_ranges: &'a [std::ops::Range<usize>],
        message_lang: Option<crate::language::Lang>,
    ) -> Context<'a> {
        Context { doc, rules, hits, hit_ranges, message_lang, elaborations: std::cell::RefCell::new(None) }
    }

    /// The language to write a message in, for text in `lang`.
    pub fn message_lang(&self, lang: crate::language::Lang) -> crate::language::Lang {
        self.message_lang.unwrap_or(lang)
    }

    /// A category's message `key`, filled in, in the message language.
    pub fn render(&self, cat: Category, lang: crate::language::Lang, key: &str, values: &[(&str, &str)]) -> String {
        self.rules.messages.render(cat, self.message_lang(lang), key, values)
    }

    pub fn sentence(&self, si: usize) -> &'a Sentence {
        &self.doc.sentences[si]
    }

    /// Hits of `set` in sentence `si`, in text order. A sentence's hits are sorted by
    /// set, then position, so a set's hits are found by bisection: a check that asks
    /// about each of many hits does not walk the whole sentence every time.
    pub fn hits(&self, si: usize, set: SetId) -> std::slice::Iter<'a, Hit> {
        self.set_hits(si, set).iter()
    }

    fn set_hits(&self, si: usize, set: SetId) -> &'a [Hit] {
        let all: &'a [Hit] = &self.hits[self.hit_ranges[si].clone()];
        let from = all.partition_point(|h| h.set < set);
        let to = from + all[from..].partition_point(|h| h.set == set);
        &all[from..to]
    }

    /// Is there a hit of `set` in sentence `si` that starts at or after token `token`?
    pub fn has_hit_from(&self, si: usize, set: SetId, token: usize) -> bool {
        self.set_hits(si, set).last().is_some_and(|h| h.start >= token)
    }

    /// Hits of `set` in sentence `si` that are not (even partly) quoted speech.
    pub fn unquoted_hits(&self, si: usize, set: SetId) -> impl Iterator<Item = &'a Hit> + 'a {
        let doc = self.doc;
        self.hits(si, set).filter(move |h| !doc.tokens[h.start..h.end].iter().any(|t| t.quoted))
    }

    pub fn has(&self, si: usize, set: SetId) -> bool {
        self.hits(si, set).next().is_some()
    }

    pub fn has_unquoted(&self, si: usize, set: SetId) -> bool {
        self.unquoted_hits(si, set).next().is_some()
    }

    /// The word-list term a hit of a category's terms set belongs to.
    pub fn term(&self, hit: &Hit) -> &'a Term {
        &self.rules.lang(hit.lang).terms[hit.entry as usize]
    }

    /// Byte span of a hit.
    pub fn span(&self, hit: &Hit) -> (usize, usize) {
        (self.doc.tokens[hit.start].start, self.doc.tokens[hit.end - 1].end)
    }

    pub fn text(&self, hit: &Hit) -> &'a str {
        let (s, e) = self.span(hit);
        &self.doc.text[s..e]
    }

    /// Index of the token a hit starts at, counted from its sentence's start.
    pub fn position_in_sentence(&self, si: usize, hit: &Hit) -> usize {
        hit.start - self.doc.sentences[si].tokens.start
    }

    /// For each block, the first sentence of the next block that has sentences: what
    /// the editor's cache re-checks with a block (engine.rs, `AnalysisCache`). Found
    /// in one pass from the end, so a run of blocks with no sentences is not walked
    /// once per block.
    pub fn next_block_first_sentences(&self) -> Vec<Option<usize>> {
        let mut next_first = vec![None; self.doc.block_sentences.len()];
        let mut after = None;
        for (b, range) in self.doc.block_sentences.iter().enumerate().rev() {
            next_first[b] = after;
            if !range.is_empty() {
                after = Some(range.start);
            }
        }
        next_first
    }

    /// The next sentence in the same block, if any.
    pub fn next_in_block(&self, si: usize) -> Option<usize> {
        let next = si + 1;
        (next < self.doc.sentences.len() && self.doc.sentences[next].block == self.doc.sentences[si].block).then_some(next)
    }

    /// The sentence's block's label context.
    pub fn context(&self, si: usize) -> Option<LabelKind> {
        self.doc.block_of(si).context
    }

    /// Is `si` the first sentence under a label of this kind (its own, a label-only
    /// line above, or a section heading), and not the heading itself?
    pub fn opens_labelled(&self, si: usize, kind: LabelKind) -> bool {
        self.first_in_block(si) && self.context(si) == Some(kind) && self.doc.block_of(si).kind != BlockKind::Heading
    }

    /// Is `si` the first sentence of its block?
    pub fn first_in_block(&self, si: usize) -> bool {
        si == 0 || self.doc.sentences[si - 1].block != self.doc.sentences[si].block
    }

    /// Does the sentence go on, after byte `from`, with a colon or dash followed by at
    /// least `min_words` words (an elaboration: "hostile: she shouted")? A semicolon
    /// is not enough: it joins a second thought more often than it explains. The
    /// marks of a sentence are found once, so asking for every phrase of a long
    /// sentence costs no more than reading it.
    pub fn elaborated_after(&self, si: usize, from: usize, min_words: usize) -> bool {
        let mut cache = self.elaborations.borrow_mut();
        if cache.as_ref().is_none_or(|(cached, _)| *cached != si) {
            *cache = Some((si, self.cuts(si)));
        }
        let cuts = &cache.as_ref().expect("just filled").1;
        let first = cuts.partition_point(|c| c.at < from);
        // The first mark at or after `from` decides (a hyphen right at `from` is not one).
        cuts[first..].iter().find(|c| !(c.hyphen && c.at == from)).is_some_and(|c| c.words_after >= min_words)
    }

    /// The elaboration marks of sentence `si`, in order, with the words after each.
    fn cuts(&self, si: usize) -> Vec<Cut> {
        let s = self.sentence(si);
        let text = &self.doc.text[s.start..s.end];
        let mut cuts = Vec::new();
        for (i, c) in text.char_indices() {
            let mark = matches!(c, ':' | '—' | '–');
            let hyphen = c == '-' && text[i..].starts_with("- ") && text[..i].ends_with(' ');
            if mark || hyphen {
                cuts.push(Cut { at: s.start + i, hyphen, words_after: 0 });
            }
        }
        if cuts.is_empty() {
            return cuts;
        }
        // Words (whitespace-separated runs with a letter or digit) and where each run's
        // last letter or digit is, to count the words after each mark: the runs that
        // start after it, and the rest of the run it stands in if that has a letter.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut run_start = None;
        let mut last_alnum = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            if c.is_whitespace() {
                if let (Some(start), Some(last)) = (run_start, last_alnum) {
                    runs.push((s.start + start, s.start + last));
                }
                run_start = None;
                last_alnum = None;
            } else {
                run_start.get_or_insert(i);
                if c.is_alphanumeric() {
                    last_alnum = Some(i);
                }
            }
        }
        for cut in &mut cuts {
            let after = cut.at + self.doc.text[cut.at..].chars().next().map_or(1, char::len_utf8);
            let later = runs.partition_point(|&(start, _)| start < after);
            let partial = later > 0 && runs[later - 1].1 >= after;
            cut.words_after = runs.len() - later + usize::from(partial);
        }
        cuts
    }

    /// Does a bracket open right after byte `end` ("MDT (the team meeting)")?
    pub fn bracket_follows(&self, end: usize) -> bool {
        self.doc.text[end..].trim_start_matches([' ', '\u{a0}']).starts_with('(')
    }

    /// A finding in sentence `si` over the byte span `(start, end)`.
    pub fn finding(
        &self,
        si: usize,
        (start, end): (usize, usize),
        rule: RuleRef,
        severity: Severity,
        message: String,
        suggestions: Vec<Suggestion>,
    ) -> Finding {
        let (category, rule, lang) = match rule {
            RuleRef::Term(t) => (t.category, t.rule.clone(), t.lang),
            RuleRef::Named(category, name) => (category, format!("{category}/{name}"), self.sentence(si).lang),
        };
        Finding { category, rule, severity, message, start, end, lang, suggestions }
    }
}

/// The rule a finding reports: a word-list term, or a rule in a check's own code.
pub enum RuleRef<'a> {
    Term(&'a Term),
    Named(Category, &'static str),
}

/// Capitalises `replacement` like the text it replaces ("Commenced" → "Started").
pub fn match_case(original: &str, replacement: &str) -> String {
    let starts_upper = original.chars().next().is_some_and(char::is_uppercase);
    let all_caps = original.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    if starts_upper && !(all_caps && original.chars().count() > 1) {
        let mut chars = replacement.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    } else {
        replacement.to_string()
    }
}

/// A message for a term: its own if it has one, else the category's.
pub fn term_message(cx: &Context, term: &Term, key: &str, text: &str) -> String {
    match &term.message {
        Some(m) => crate::rulebook::text::fill(m, &[("text", text)]),
        None => cx.render(term.category, term.lang, key, &[("text", text)]),
    }
}

/// The prompt that asks the writer for what is missing.
pub fn prompt(cx: &Context, cat: Category, lang: crate::language::Lang) -> Suggestion {
    Suggestion { replacement: None, description: cx.rules.messages.get(cat, cx.message_lang(lang), "prompt").to_string(), around: (0, 0) }
}
