//! All the phrase patterns of one language, scanned in one pass per sentence.
//!
//! Every check's terms and signal lists go into one index keyed by a pattern's first
//! word, or by its first two words where both are fixed (most patterns: "she said",
//! "as she", "in a terrible state"), so common first words ("she", "as", "to") do
//! not make every occurrence try dozens of patterns. Words are interned: each distinct word of the lists gets a number, a
//! sentence's word forms are looked up once, and matching compares numbers. Each
//! word of a sentence (in each of its forms: lowercase, Welsh radicals) looks up the
//! patterns that can start there, so the cost grows with the length of the text, not
//! with the number of patterns.

use rustc_hash::FxHashMap;

use super::pattern::{ParsedPattern, PatToken};
use crate::document::{Document, Sentence, Token};
use crate::language::Lang;

/// Identifies a list of patterns: a category's terms, or one of its signal lists.
pub type SetId = u16;

type WordId = u32;

/// A pattern token with its words interned.
#[derive(Clone, Debug)]
enum Step {
    /// Sorted word ids, plus words written with capitals (compared as written).
    Word { ids: Vec<WordId>, exact: Vec<String> },
    Any,
    Name,
    Optional(Box<Step>),
    Choice(Vec<Vec<Step>>),
    /// Up to this many words of any kind: a run of `[*]` compiled into one step, so
    /// that matching tries each length once instead of every take/skip combination.
    Gap(usize),
}

#[derive(Clone, Debug)]
struct Pattern {
    set: SetId,
    entry: u32,
    anchored: bool,
    steps: Vec<Step>,
    /// Whether trying every way through the pattern could take many steps (many
    /// optional parts, groups and gaps multiply): such a pattern is matched with a
    /// memo of (place in the pattern, word) so each pair is worked out once.
    memoise: bool,
}

/// A pattern with at most this many ways through it is matched by plain recursion
/// (each way costs a few comparisons); above it, with a memo.
const PLAIN_PATHS: u64 = 256;

/// A group in first or second place is expanded into one pattern per option (so the
/// pattern can be indexed by its first two words) only up to this many patterns.
const MAX_EXPANSION: u64 = 64;

/// Patterns are indexed by their first two words only up to this many pairs (two
/// lists of a hundred alternatives would otherwise make ten thousand keys).
const MAX_PAIR_KEYS: usize = 1024;

/// The number of ways through `steps`, saturating.
fn paths(steps: &[Step]) -> u64 {
    steps.iter().fold(1u64, |n, step| {
        let ways = match step {
            Step::Gap(max) => *max as u64 + 1,
            Step::Optional(inner) => 1 + paths(std::slice::from_ref(inner)),
            Step::Choice(options) => options.iter().fold(0u64, |n, o| n.saturating_add(paths(o))),
            _ => 1,
        };
        n.saturating_mul(ways)
    })
}

/// How many patterns `add` would make of these tokens by expanding groups in the
/// first two places, saturating.
fn expansions(tokens: &[PatToken]) -> u64 {
    for place in 0..2 {
        if let Some(PatToken::Choice(options)) = tokens.get(place) {
            return options.iter().fold(0u64, |n, option| {
                let mut expanded = tokens[..place].to_vec();
                expanded.extend(option.iter().cloned());
                expanded.extend(tokens[place + 1..].iter().take(2).cloned());
                n.saturating_add(expansions(&expanded))
            });
        }
    }
    1
}

/// Memo of a match attempt: (steps address, steps length, token) → end of the
/// longest match.
type Memo = FxHashMap<(usize, usize, usize), Option<usize>>;

/// A pattern found in a sentence: tokens `start..end` (document token indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub set: SetId,
    /// The language of the lexicon that found it.
    pub lang: Lang,
    /// Which entry of the set (for terms: the term's index).
    pub entry: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Default)]
pub struct Lexicon {
    patterns: Vec<Pattern>,
    vocab: FxHashMap<String, WordId>,
    /// Patterns by the id of a word they can start with, when their second word is
    /// not fixed (or they have one word).
    by_first_word: Vec<Vec<u32>>,
    /// Patterns by the ids of their first two words.
    by_first_two: FxHashMap<(WordId, WordId), Vec<u32>>,
    /// Whether a word starts any pattern of `by_first_two` (spares the lookup).
    starts_pair: Vec<bool>,
}

/// A sentence's tokens as word ids: `ids[offsets[i]..offsets[i + 1]]` for token i.
#[derive(Default)]
struct TokenIds {
    ids: Vec<WordId>,
    offsets: Vec<usize>,
}

/// Buffers a scan needs, kept between sentences so that a long note does not
/// allocate them again for every sentence.
#[derive(Default)]
pub struct ScanScratch {
    ids: TokenIds,
    raw: Vec<Hit>,
    /// Per pattern, the stamp of the last word position it was tried at: a pattern
    /// reachable by several forms of one word is tried once, in constant time.
    tried: Vec<u32>,
    stamp: u32,
    memo: Memo,
}

impl TokenIds {
    fn of(&self, i: usize) -> &[WordId] {
        &self.ids[self.offsets[i]..self.offsets[i + 1]]
    }
}

struct Ctx<'a> {
    doc: &'a Document<'a>,
    tokens: &'a [Token],
    ids: &'a TokenIds,
}

impl Ctx<'_> {
    fn matches(&self, step: &Step, i: usize) -> bool {
        match step {
            Step::Any => true,
            Step::Name => {
                let t = &self.tokens[i];
                self.doc.text[t.start..t.end].starts_with(char::is_uppercase)
            }
            Step::Optional(inner) => self.matches(inner, i),
            Step::Choice(_) | Step::Gap(_) => unreachable!("matched as sequences"),
            Step::Word { ids, exact } => {
                self.ids.of(i).iter().any(|id| ids.binary_search(id).is_ok()) || {
                    let t = &self.tokens[i];
                    let raw = &self.doc.text[t.start..t.end];
                    exact.iter().any(|a| a == raw || (raw.contains('’') && *a == raw.replace('’', "'")))
                }
            }
        }
    }

    /// The end of the longest match of `steps` starting at token `i`. With a memo,
    /// each (suffix of a step list, token) is worked out once, so the time is the
    /// pattern's size times the words it can span, however many ways through it has.
    fn match_from(&self, steps: &[Step], i: usize, memo: &mut Option<&mut Memo>) -> Option<usize> {
        let Some(first) = steps.first() else { return Some(i) };
        let key = (steps.as_ptr() as usize, steps.len(), i);
        if let Some(memo) = memo.as_deref() {
            if let Some(&known) = memo.get(&key) {
                return known;
            }
        }
        let rest = &steps[1..];
        let end = match first {
            Step::Gap(max) => {
                let mut best = None;
                for g in (0..=*max).filter(|g| i + g <= self.tokens.len()) {
                    best = best.max(self.match_from(rest, i + g, memo));
                }
                best
            }
            Step::Choice(options) => {
                let mut best = None;
                for option in options {
                    if let Some(j) = self.match_from(option, i, memo) {
                        best = best.max(self.match_from(rest, j, memo));
                    }
                }
                best
            }
            Step::Optional(inner) => {
                let taken = match &**inner {
                    Step::Choice(_) => self.match_from(std::slice::from_ref(inner), i, memo),
                    _ => (i < self.tokens.len() && self.matches(inner, i)).then_some(i + 1),
                };
                let with = taken.and_then(|j| self.match_from(rest, j, memo));
                with.max(self.match_from(rest, i, memo))
            }
            _ => {
                if i < self.tokens.len() && self.matches(first, i) {
                    self.match_from(rest, i + 1, memo)
                } else {
                    None
                }
            }
        };
        if let Some(memo) = memo.as_deref_mut() {
            memo.insert(key, end);
        }
        end
    }
}

impl Lexicon {
    fn intern(&mut self, word: &str) -> WordId {
        if let Some(&id) = self.vocab.get(word) {
            return id;
        }
        let id = self.vocab.len() as WordId;
        self.vocab.insert(word.to_string(), id);
        self.by_first_word.push(Vec::new());
        self.starts_pair.push(false);
        id
    }

    fn compile(&mut self, token: &PatToken) -> Step {
        match token {
            PatToken::Word { alts, exact } => {
                let mut ids: Vec<WordId> = alts.iter().map(|a| self.intern(a)).collect();
                ids.sort_unstable();
                ids.dedup();
                Step::Word { ids, exact: exact.clone() }
            }
            PatToken::Any => Step::Any,
            PatToken::Name => Step::Name,
            PatToken::Optional(inner) => Step::Optional(Box::new(self.compile(inner))),
            PatToken::Choice(options) => Step::Choice(options.iter().map(|o| self.compile_sequence(o)).collect()),
        }
    }

    /// The words a fixed word token can be (exact words through their lowercase form).
    fn word_keys(&mut self, token: &PatToken) -> Option<Vec<WordId>> {
        match token {
            PatToken::Word { alts, exact } => {
                let mut keys: Vec<WordId> = alts.iter().map(|a| self.intern(a)).collect();
                for e in exact {
                    keys.push(self.intern(&crate::document::tokens::normalise(e)));
                }
                Some(keys)
            }
            _ => None,
        }
    }

    /// Compiles a sequence, merging runs of `[*]` into gaps.
    fn compile_sequence(&mut self, tokens: &[PatToken]) -> Vec<Step> {
        let mut steps: Vec<Step> = Vec::new();
        for t in tokens {
            let optional_any = matches!(t, PatToken::Optional(inner) if **inner == PatToken::Any);
            match (optional_any, steps.last_mut()) {
                (true, Some(Step::Gap(n))) => *n += 1,
                (true, _) => steps.push(Step::Gap(1)),
                (false, _) => {
                    let step = self.compile(t);
                    steps.push(step);
                }
            }
        }
        steps
    }

    /// Adds a pattern. A group in first or second place ("(was|has been) refused")
    /// becomes one pattern per option, so that each starts with fixed words and can
    /// be indexed by its first two: the same matches, found far more cheaply. A
    /// pattern that would expand into more than `MAX_EXPANSION` is added whole and
    /// indexed by the words it can start with.
    pub fn add(&mut self, set: SetId, entry: u32, parsed: ParsedPattern) {
        if expansions(&parsed.tokens) > MAX_EXPANSION {
            self.add_expanded(set, entry, parsed);
            return;
        }
        self.add_expanding(set, entry, parsed);
    }

    fn add_expanding(&mut self, set: SetId, entry: u32, parsed: ParsedPattern) {
        for place in 0..2 {
            if let Some(PatToken::Choice(options)) = parsed.tokens.get(place) {
                for option in options {
                    let mut tokens = parsed.tokens[..place].to_vec();
                    tokens.extend(option.iter().cloned());
                    tokens.extend(parsed.tokens[place + 1..].iter().cloned());
                    self.add_expanding(set, entry, ParsedPattern { anchored: parsed.anchored, tokens });
                }
                return;
            }
        }
        self.add_expanded(set, entry, parsed);
    }

    fn add_expanded(&mut self, set: SetId, entry: u32, parsed: ParsedPattern) {
        let id = self.patterns.len() as u32;
        let steps = self.compile_sequence(&parsed.tokens);
        // A pattern starts with a word, or (when too large to expand) with a group
        // whose every option does (`pattern::parse` holds phrases to that).
        let firsts = parsed.tokens.first().and_then(|t| self.first_keys(t)).unwrap_or_default();
        let seconds = match parsed.tokens.first() {
            Some(PatToken::Word { .. }) => parsed.tokens.get(1).and_then(|t| self.word_keys(t)),
            _ => None,
        };
        let seconds = seconds.filter(|s| s.len().saturating_mul(firsts.len()) <= MAX_PAIR_KEYS);
        match seconds {
            Some(seconds) => {
                for &f in &firsts {
                    self.starts_pair[f as usize] = true;
                    for &s in &seconds {
                        let list = self.by_first_two.entry((f, s)).or_default();
                        if !list.contains(&id) {
                            list.push(id);
                        }
                    }
                }
            }
            None => {
                for key in firsts {
                    let list = &mut self.by_first_word[key as usize];
                    if !list.contains(&id) {
                        list.push(id);
                    }
                }
            }
        }
        let memoise = paths(&steps) > PLAIN_PATHS;
        self.patterns.push(Pattern { set, entry, anchored: parsed.anchored, steps, memoise });
    }

    /// The words a token can start with: a word's own, or every option's first.
    fn first_keys(&mut self, token: &PatToken) -> Option<Vec<WordId>> {
        match token {
            PatToken::Choice(options) => {
                let mut keys = Vec::new();
                for option in options {
                    keys.extend(self.first_keys(option.first()?)?);
                }
                keys.sort_unstable();
                keys.dedup();
                Some(keys)
            }
            _ => self.word_keys(token),
        }
    }

    /// Every set's matches in `sentence`, leftmost-longest and non-overlapping within
    /// a set (sets may overlap each other), ordered by set then position.
    pub fn scan(&self, lang: Lang, doc: &Document, sentence: &Sentence, scratch: &mut ScanScratch, out: &mut Vec<Hit>) {
        let tokens = doc.sentence_tokens(sentence);
        let base = sentence.tokens.start;
        let ScanScratch { ids, raw, tried, stamp, memo } = scratch;
        if tried.len() < self.patterns.len() {
            tried.resize(self.patterns.len(), 0);
        }
        ids.ids.clear();
        ids.offsets.clear();
        raw.clear();
        for t in tokens {
            ids.offsets.push(ids.ids.len());
            for form in doc.forms(t) {
                if let Some(&id) = self.vocab.get(form) {
                    if !ids.ids[*ids.offsets.last().unwrap()..].contains(&id) {
                        ids.ids.push(id);
                    }
                }
            }
        }
        ids.offsets.push(ids.ids.len());
        let ids = &*ids;
        let cx = Ctx { doc, tokens, ids };
        let empty = Vec::new();
        for i in 0..tokens.len() {
            *stamp = stamp.wrapping_add(1);
            if *stamp == 0 {
                // After four billion words: start the stamps again.
                tried.fill(0);
                *stamp = 1;
            }
            let next: &[WordId] = if i + 1 < tokens.len() { ids.of(i + 1) } else { &[] };
            for &word in ids.of(i) {
                let next = if self.starts_pair[word as usize] { next } else { &[] };
                let by_two = next.iter().flat_map(|&n| self.by_first_two.get(&(word, n)).unwrap_or(&empty));
                for &p in self.by_first_word[word as usize].iter().chain(by_two) {
                    if tried[p as usize] == *stamp {
                        continue;
                    }
                    tried[p as usize] = *stamp;
                    let pattern = &self.patterns[p as usize];
                    if pattern.anchored && i != 0 {
                        continue;
                    }
                    let end = if pattern.memoise {
                        memo.clear();
                        cx.match_from(&pattern.steps, i, &mut Some(&mut *memo))
                    } else {
                        cx.match_from(&pattern.steps, i, &mut None)
                    };
                    if let Some(end) = end {
                        raw.push(Hit { set: pattern.set, lang, entry: pattern.entry, start: base + i, end: base + end });
                    }
                }
            }
        }
        raw.sort_by_key(|h| (h.set, h.start, std::cmp::Reverse(h.end), h.lang, h.entry));
        let mut last: Option<(SetId, usize, usize)> = None;
        for &hit in raw.iter() {
            if let Some((set, start, end)) = last {
                // In a term's `unless` set several entries may share a phrase ("test"
                // for two "DNA" entries): each keeps its hit, or only the first would
                // be protected.
                let shared = set == hit.set && start == hit.start && end == hit.end && super::is_unless_set(set);
                if set == hit.set && hit.start < end && !shared {
                    continue;
                }
            }
            last = Some((hit.set, hit.start, hit.end));
            out.push(hit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::LabelTable;
    use crate::rulebook::pattern;
    use proptest::prelude::*;

    fn labels() -> LabelTable {
        LabelTable::from_toml(include_str!("../rules/labels.toml")).unwrap()
    }

    /// Phrase pieces: words, alternatives, wildcards, optional parts and groups.
    const PIECES: &[&str] = &[
        "she", "was", "very", "hostile", "[very]", "[*]", "*", "@name", "(very much|really)", "[(very much|really)]",
        "hostile|angry", "[was|is]", "(she was|he is)", "[(a [b] c|d)]", "(x|y [z])",
    ];
    const WORDS: &[&str] = &["she", "was", "very", "much", "really", "hostile", "angry", "is", "he", "Mrs", "a", "b", "c", "d", "x", "z"];

    /// Every way `steps` can end when started at `i`, by trying them all: the
    /// reference the matcher's memo must agree with.
    fn ends(cx: &Ctx, steps: &[Step], i: usize) -> Vec<usize> {
        cx.match_from(steps, i, &mut None).into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 3000,
            // Failures are kept beside this file (src/rulebook/lexicon.proptest-regressions).
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"))),
            ..ProptestConfig::default()
        })]

        /// The memo changes the time a match takes, never its result.
        #[test]
        fn memoised_matching_agrees_with_plain_matching(
            first in prop::sample::select(&["she", "(she|he)", "(she was|he)"][..]),
            rest in prop::collection::vec(prop::sample::select(PIECES), 0..8),
            words in prop::collection::vec(prop::sample::select(WORDS), 1..12),
        ) {
            let phrase = format!("{first} {}", rest.join(" "));
            let Ok(parsed) = pattern::parse(&phrase, Lang::En) else { return Ok(()) };
            let mut lexicon = Lexicon::default();
            let steps = lexicon.compile_sequence(&parsed.tokens);
            let text = words.join(" ");
            let labels = labels();
            let doc = Document::build_in(&text, &labels, Lang::En);
            let mut scratch = ScanScratch::default();
            // The sentence's word ids, as `scan` makes them.
            lexicon.add(0, 0, parsed);
            let mut hits = Vec::new();
            for s in &doc.sentences {
                lexicon.scan(Lang::En, &doc, s, &mut scratch, &mut hits);
            }
            let ids = &scratch.ids;
            let tokens = doc.sentence_tokens(&doc.sentences[0]);
            let cx = Ctx { doc: &doc, tokens, ids };
            for i in 0..=tokens.len() {
                let mut memo = Memo::default();
                let memoised = cx.match_from(&steps, i, &mut Some(&mut memo));
                prop_assert_eq!(memoised.into_iter().collect::<Vec<_>>(), ends(&cx, &steps, i), "{} at {}", phrase, i);
            }
        }

        /// Whatever a rule file's phrase says, parsing and matching it never panics,
        /// and an error never quotes it.
        #[test]
        fn any_phrase_parses_or_fails_cleanly(
            chunks in prop::collection::vec(prop::sample::select(&[
                "qqz", "zzq", "QZQ", "|", "[", "]", "(", ")", "*", "@name", "^", " ", "  ", "'", "’", "-", "ŵ", "\u{0}", "\n",
            ][..]), 0..40),
        ) {
            let phrase: String = chunks.concat();
            match pattern::parse(&phrase, Lang::En) {
                Ok(parsed) => {
                    let mut lexicon = Lexicon::default();
                    lexicon.add(0, 0, parsed);
                    let labels = labels();
                    let text = "qqz zzq QZQ qqz ŵ qqz zzq";
                    let doc = Document::build_in(text, &labels, Lang::En);
                    let mut hits = Vec::new();
                    let mut scratch = ScanScratch::default();
                    for s in &doc.sentences {
                        lexicon.scan(Lang::En, &doc, s, &mut scratch, &mut hits);
                    }
                }
                Err(e) => {
                    prop_assert!(!e.contains("qqz") && !e.contains("zzq") && !e.contains("QZQ"), "{}", e);
                }
            }
        }
    }

    #[test]
    fn a_group_too_large_to_expand_is_indexed_by_its_first_words() {
        // Nine single words (and one pair) then nine pairs: 82 patterns if expanded.
        let firsts: Vec<String> = (0..9).map(|i| format!("w{i}")).collect();
        let seconds: Vec<String> = (0..9).map(|i| format!("v{i} x")).collect();
        let phrase = format!("({}|y z) ({}) end", firsts.join("|"), seconds.join("|"));
        let parsed = pattern::parse(&phrase, Lang::En).unwrap();
        assert!(expansions(&parsed.tokens) > MAX_EXPANSION);
        let mut lexicon = Lexicon::default();
        lexicon.add(0, 7, parsed);
        assert_eq!(lexicon.patterns.len(), 1, "one pattern, not 82");
        let labels = labels();
        let text = "then w8 v4 x end";
        let doc = Document::build_in(text, &labels, Lang::En);
        let (mut hits, mut scratch) = (Vec::new(), ScanScratch::default());
        lexicon.scan(Lang::En, &doc, &doc.sentences[0], &mut scratch, &mut hits);
        assert_eq!(hits.iter().map(|h| (h.entry, h.start, h.end)).collect::<Vec<_>>(), vec![(7, 1, 5)]);
    }
}
