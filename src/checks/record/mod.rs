//! Checks of a whole record (issue 16): what a record as a whole does or does not
//! hold (the person's words, strengths beside needs, analysis, when it was written,
//! the options weighed for a big decision), which no one sentence shows.
//!
//! They work in two steps, so the editor's paragraph cache stays exact:
//! 1. `block_signals` reads one block (paragraph, list item, heading, labelled line)
//!    with its word lists and writes down what it shows (`BlockSignals`). That
//!    depends on the block alone, so the cache keeps it with the block.
//! 2. `run` reads the signals of every block, in order, and decides; it costs one
//!    pass over the blocks, so it runs again in full after every edit.
//!
//! A record-level finding is placed on the record's first line (its title or
//! heading), or on the words that show the problem when there are some (the first
//! "Mum" written as a name, the decision with no options). Short notes (a phone call,
//! a log line) are not judged: see `MIN_WORDS` and the `brief-record` words.

pub mod dates;
mod alternatives;
mod analysis;
mod end_scores;
mod late_entry;
mod strengths;
mod voice;

use crate::checks::Context;
use crate::document::{BlockKind, Document, LabelKind};
use crate::finding::{Category, Finding, Severity, Suggestion};
use crate::language::Lang;
use crate::rulebook::{LangRules, RuleBook};

/// Fewest words in a record before the record-level checks judge it.
pub const MIN_WORDS: u32 = 60;

/// What one block shows. Spans are relative to the block's start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockSignals {
    /// Words in sentences decided as English and as Welsh.
    pub lang_words: [u32; 2],
    pub words: u32,
    pub sentences: u16,
    /// The block names a kind of record ("Care and support assessment", "Phone
    /// call"): what a title says.
    pub long_record: bool,
    pub brief_record: bool,
    /// A child: "aged 9", "child in need visit".
    pub child: bool,
    pub deficits: u16,
    pub strengths: u16,
    /// The person's own words: a quote or "told me" not said by someone else.
    pub persons_words: bool,
    /// Named speakers of words in the block (lowercase): the person's if the title
    /// names them.
    pub speakers: Vec<String>,
    /// Names in the block's first lines, if they are short enough to be a title.
    pub title_names: Vec<String>,
    /// The child was seen (alone) or spoken to.
    pub child_seen: bool,
    /// A family member written as a role ("Mum said", "NOK"), not a name.
    pub role_name: Option<(u32, u32)>,
    /// An owned judgement or "what this means".
    pub judgement: bool,
    pub late_marker: bool,
    pub dates: Vec<DateSignal>,
    /// A big decision (closure, placement, no action, a cut) that gives a reason.
    pub decision: Option<(u32, u32)>,
    pub alternatives: bool,
    /// The block is a labelled decision ("Decision: …", "Penderfyniad: …"): its
    /// first sentence's span.
    pub decision_label: Option<(u32, u32)>,
    /// The block gives a reason ("because", or it is under "Reason:").
    pub has_reason: bool,
    /// The block is under a reason label ("Reason:", "Rheswm:").
    pub reason_label: bool,
    /// The block's first sentence names a review or a closure.
    pub review_title: bool,
    /// Personal outcomes are named ("outcome", "what matters", an outcome label).
    pub outcome_named: bool,
    /// Outcomes are scored here ("score", "sgôr").
    pub scoring: bool,
    /// A score that is the one at the end ("now 6", or one with no start or goal).
    pub end_score: bool,
    /// The block's text starts a line with a date ("Fri 07/03/2025 08:00 – ...").
    pub line_dated: bool,
}

/// What a date in a block dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRole {
    /// The writing of the record ("Date recorded:", "typed").
    Recorded,
    /// The visit, meeting or call recorded ("Date of visit:", "visited on").
    Event,
    /// A date at the start of a line: a note's or a log entry's own date.
    LineStart,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateSignal {
    pub role: DateRole,
    pub date: dates::Written,
}

impl BlockSignals {
    fn lang(&self) -> Option<Lang> {
        match self.lang_words {
            [0, 0] => None,
            [en, cy] if cy > en => Some(Lang::Cy),
            _ => Some(Lang::En),
        }
    }
}

/// Words that negate a strength word up to `NEGATION_REACH` words after them.
const NEGATIONS: &[&str] = &[
    "not", "never", "no", "n't", "cannot", "can't", "unable", "longer", "without", "nor", "ddim", "nid", "nad", "na", "ni", "dim", "methu", "heb", "byth",
];
const NEGATION_REACH: usize = 4;

/// The signals of block `b` of a built document.
pub fn block_signals(cx: &Context, b: usize) -> BlockSignals {
    let doc = cx.doc;
    let block = &doc.blocks[b];
    let mut s = BlockSignals::default();
    let range = doc.block_sentences[b].clone();
    let rel = |(a, z): (usize, usize)| ((a - block.start) as u32, (z - block.start) as u32);
    let set = |cat, name| LangRules::signal_set(cat, name);
    let v = Category::Voice;
    let a = Category::Analysis;
    for si in range.clone() {
        let sentence = &doc.sentences[si];
        let words = sentence.tokens.len() as u32;
        s.words += words;
        if sentence.lang_decided {
            s.lang_words[sentence.lang as usize] += words;
        }
        s.sentences += 1;
        // What a title would say: read in every block (a block's signals must not
        // depend on its place), used from the record's first blocks only.
        if si == range.start {
            s.long_record |= cx.has(si, set(a, "long-record"));
            s.brief_record |= cx.has(si, set(a, "brief-record"));
        }
        // A child's age is read in a block's opening sentence (a title, a name line).
        s.child |= cx.has(si, set(v, "child")) || (si == range.start && young_age(doc.sentence_text(sentence)));
        s.deficits += cx.unquoted_hits(si, set(Category::Strengths, "deficit")).count() as u16;
        // "not able to", "nid yw'n gallu": a strength word negated is a deficit.
        for h in cx.unquoted_hits(si, set(Category::Strengths, "strength")) {
            let from = h.start.saturating_sub(NEGATION_REACH).max(sentence.tokens.start);
            let negated = (from..h.start).any(|t| NEGATIONS.contains(&doc.text[doc.tokens[t].start..doc.tokens[t].end].to_lowercase().as_str()));
            if negated {
                s.deficits += 1;
            } else {
                s.strengths += 1;
            }
        }
        voice::read_sentence(cx, si, &mut s, &rel);
        // Under an analysis, reason or decision label ("Analysis:", "Rheswm:"), a reason given.
        let reading = matches!(block.context, Some(LabelKind::Analysis | LabelKind::Reason | LabelKind::Decision)) && block.kind != BlockKind::Heading;
        // A block with its own analysis label ("What I think: ...", "Fy marn i: ...") is
        // the writer's reading; under an analysis heading, it must say why.
        let own = block.label.is_some_and(|l| l.kind == LabelKind::Analysis) && words > 0;
        s.judgement |= own || cx.has_unquoted(si, set(a, "judgement")) || (reading && cx.has_unquoted(si, set(Category::Rationale, "reason")));
        s.late_marker |= cx.has(si, set(Category::LateEntry, "late-marker"));
        alternatives::read_sentence(cx, si, &mut s, &rel);
        end_scores::read_sentence(cx, si, &mut s);
    }
    alternatives::read_block(cx, b, &mut s);
    late_entry::read_block(doc, b, &mut s);
    voice::read_title(doc.text, block.label.map_or(block.start, |l| l.start), block.end, &mut s);
    s
}

/// "aged 9", "age 15", "9 oed", "7 months": a child's age in a title or opening line.
fn young_age(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).any(|w| {
        let young = |n: &str| n.parse::<u32>().is_ok_and(|n| n < 18);
        (matches!(w[0], "aged" | "age" | "oed") && young(w[1])) || (young(w[0]) && matches!(w[1], "oed" | "mlwydd" | "months"))
    })
}

/// Every block's signals, in order, with each block's place in the text.
pub struct RecordView<'a> {
    pub text: &'a str,
    pub doc: &'a Document<'a>,
    pub signals: &'a [BlockSignals],
    pub rules: &'a RuleBook,
    pub message_lang: Option<Lang>,
}

impl RecordView<'_> {
    pub fn words(&self) -> u32 {
        self.signals.iter().map(|s| s.words).sum()
    }

    /// The language most of the record is in.
    pub fn lang(&self) -> Lang {
        let [en, cy] = self.signals.iter().fold([0, 0], |[e, c], s| [e + s.lang_words[0], c + s.lang_words[1]]);
        if cy > en {
            Lang::Cy
        } else if en > 0 {
            Lang::En
        } else {
            self.signals.iter().find_map(BlockSignals::lang).unwrap_or(Lang::En)
        }
    }

    /// The record's title: the first block with words, and its first line.
    pub fn title_span(&self) -> Option<(usize, usize)> {
        let b = self.signals.iter().position(|s| s.words > 0)?;
        let block = &self.doc.blocks[b];
        let line_end = self.text[block.start..block.end].find('\n').map_or(block.end, |i| block.start + i);
        let end = self.text[block.start..line_end].trim_end().len() + block.start;
        Some((block.start, end.max(block.start)))
    }

    /// Does the record open with a title line (a short line, not a sentence)?
    pub fn has_title(&self) -> bool {
        self.title_span().is_some_and(|(start, end)| {
            let line = self.text[start..end].trim_end();
            line.split_whitespace().count() <= 15 && !line.ends_with(['.', '!', '?'])
        })
    }

    /// Does the record name a kind that is judged as a whole (an assessment, a
    /// review, a visit), and not a brief one (a call, a log line)?
    pub fn is_brief(&self) -> bool {
        let title = self.title_blocks(3);
        let mut brief = false;
        let mut long = false;
        for s in title {
            brief |= s.brief_record;
            long |= s.long_record;
        }
        brief && !long
    }

    pub fn is_child(&self) -> bool {
        self.title_blocks(4).any(|s| s.child)
    }

    /// The record's first `n` blocks with words: its title and opening lines.
    pub fn title_blocks(&self, n: usize) -> impl Iterator<Item = &BlockSignals> {
        self.signals.iter().filter(|s| s.words > 0).take(n)
    }

    /// An absolute span from a block's relative one.
    pub fn absolute(&self, b: usize, (start, end): (u32, u32)) -> (usize, usize) {
        let base = self.doc.blocks[b].start;
        (base + start as usize, base + end as usize)
    }

    pub fn finding(&self, cat: Category, rule: &'static str, severity: Severity, key: &str, span: (usize, usize), lang: Lang) -> Finding {
        let message_lang = self.message_lang.unwrap_or(lang);
        let messages = &self.rules.messages;
        let prompt = if key == "message" { "prompt".to_string() } else { format!("{key}-prompt") };
        Finding {
            category: cat,
            rule: format!("{cat}/{rule}"),
            severity,
            message: messages.get(cat, message_lang, key).to_string(),
            start: span.0,
            end: span.1,
            lang,
            suggestions: vec![Suggestion { replacement: None, description: messages.get(cat, message_lang, &prompt).to_string(), around: (0, 0) }],
        }
    }
}

/// The record-level findings of one record.
pub fn run(view: &RecordView, out: &mut Vec<Finding>) {
    strengths::run(view, out);
    voice::run(view, out);
    analysis::run(view, out);
    late_entry::run(view, out);
    alternatives::run(view, out);
    end_scores::run(view, out);
}

/// Is `rule` one of the record-level rules (read from the whole record, placed on
/// its title or on the words that show the problem)?
pub fn is_record_rule(rule: &str) -> bool {
    RECORD_RULES.contains(&rule)
}

pub const RECORD_RULES: &[&str] = &[
    "strengths/deficits-only",
    "voice/no-words",
    "voice/child-not-seen",
    "voice/role-name",
    "analysis/description-only",
    "late-entry/unmarked",
    "late-entry/missing-date",
    "rationale/no-alternatives",
    "outcome-score/no-end-score",
];

#[cfg(test)]
mod tests {
    use super::RECORD_RULES;
    use crate::finding::Category;
    use crate::language::Lang;

    #[test]
    fn every_record_rule_has_its_message_and_prompt_in_both_languages() {
        let book = crate::rulebook::RuleBook::embedded();
        for rule in RECORD_RULES {
            let (cat, name) = rule.split_once('/').unwrap();
            let cat = Category::from_id(cat).unwrap();
            let key = if *rule == "late-entry/unmarked" { "message".to_string() } else { name.to_string() };
            let prompt = if key == "message" { "prompt".to_string() } else { format!("{key}-prompt") };
            for lang in [Lang::En, Lang::Cy] {
                for k in [&key, &prompt] {
                    // A missing key renders as the key itself.
                    assert_ne!(book.messages.get(cat, lang, k), k.as_str(), "{rule} {lang:?} {k}");
                }
            }
        }
    }
}
