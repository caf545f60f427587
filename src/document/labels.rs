//! Labelled lines ("Outcome:", "Penderfyniad:") and headings that give the text after
//! them a role. The label words are data (`src/rules/labels.toml`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::tokens::{normalise, word_spans};

/// What a label says about the text it introduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelKind {
    /// A personal outcome, goal, or what matters to the person.
    Outcome,
    /// A decision or recommendation.
    Decision,
    /// Plans and next steps.
    Plan,
    /// The reasoning behind a decision.
    Reason,
    /// The person's (or someone's) views.
    View,
    /// The writer's analysis or professional opinion.
    Analysis,
    /// Risks and risk levels ("Risk to others:", "Lefel risg:").
    Risk,
    /// A known label with no special role (Date:, Present:, Dyddiad:).
    Other,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelSpec {
    en: Vec<String>,
    cy: Vec<String>,
}

/// Known labels, as word sequences, longest first.
pub struct LabelTable {
    entries: Vec<(Vec<String>, LabelKind)>,
    /// The first words of all labels: most lines start with none of them.
    first_words: rustc_hash::FxHashSet<String>,
}

impl LabelTable {
    pub fn from_toml(source: &str) -> Result<Self, String> {
        let specs: BTreeMap<LabelKind, LabelSpec> =
            toml::from_str(source).map_err(|e| e.to_string())?;
        let mut entries = Vec::new();
        for (kind, spec) in specs {
            for label in spec.en.iter().chain(&spec.cy) {
                let words: Vec<String> = label.split_whitespace().flat_map(|w| if w == "*" { vec!["*".to_string()] } else { words_of(w) }).collect();
                if words.is_empty() {
                    return Err(format!("empty label in {kind:?}"));
                }
                entries.push((words, kind));
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        if entries.iter().any(|(words, _)| words[0] == "*") {
            return Err("a label cannot start with *".into());
        }
        let first_words = entries.iter().map(|(words, _)| words[0].clone()).collect();
        Ok(LabelTable { entries, first_words })
    }

    /// Could `text` start with a label at all? (Cheap: one word, no vector.)
    fn may_be_label(&self, text: &str) -> bool {
        use unicode_segmentation::UnicodeSegmentation;
        text.unicode_words().next().is_some_and(|w| self.first_words.contains(&normalise(w)))
    }

    /// The kind of label `text` starts with. The label may go on with a few words of
    /// its own ("What matters to Mrs Ali", "Outcome 2", "Canlyniad personol 1").
    pub fn classify(&self, text: &str) -> Option<LabelKind> {
        if !self.may_be_label(text) {
            return None;
        }
        let words = words_of(text);
        if words.is_empty() || words.len() > 10 {
            return None;
        }
        self.entries
            .iter()
            .find(|(label, _)| words.len() >= label.len() && same_words(&words[..label.len()], label))
            .map(|&(_, kind)| kind)
    }

    /// The kind of label `text` is exactly (for a line that is only a label).
    pub fn classify_exact(&self, text: &str) -> Option<LabelKind> {
        if !self.may_be_label(text) {
            return None;
        }
        let words = words_of(text);
        self.entries.iter().find(|(label, _)| words.len() == label.len() && same_words(&words, label)).map(|&(_, kind)| kind)
    }
}

impl Ord for LabelKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

impl PartialOrd for LabelKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Label words match word for word; `*` in a label stands for any one word (a name:
/// "what * wants" matches "What Dylan wants").
fn same_words(words: &[String], label: &[String]) -> bool {
    words.iter().zip(label).all(|(w, l)| l == "*" || w == l)
}

fn words_of(text: &str) -> Vec<String> {
    word_spans(text, 0..text.len()).into_iter().map(|(s, e)| normalise(&text[s..e])).collect()
}
