//! What a check reports: a category from DOMAIN.md, a specific rule, a span and a message.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::language::Lang;

/// The recording checks. Their ids are a public interface (JSON, LSP codes,
/// configuration) and must never change. The first six are the established checks
/// (`JUDGED`: the on-device judge scores them); the rest were added by issue 16.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    PlainLanguage,
    OpinionAsFact,
    Vague,
    OutputAsOutcome,
    OwnWords,
    Rationale,
    OutcomeScore,
    Risk,
    Strengths,
    Voice,
    Analysis,
    LateEntry,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::PlainLanguage,
        Category::OpinionAsFact,
        Category::Vague,
        Category::OutputAsOutcome,
        Category::OwnWords,
        Category::Rationale,
        Category::OutcomeScore,
        Category::Risk,
        Category::Strengths,
        Category::Voice,
        Category::Analysis,
        Category::LateEntry,
    ];

    /// The six established checks: the ones the judge scores, the labelled records
    /// of `corpus/records` are labelled for, and reports always show.
    pub const JUDGED: [Category; 6] = [
        Category::PlainLanguage,
        Category::OpinionAsFact,
        Category::Vague,
        Category::OutputAsOutcome,
        Category::OwnWords,
        Category::Rationale,
    ];

    /// One of the six established checks (`JUDGED`)?
    pub fn is_established(self) -> bool {
        self.index() < Category::JUDGED.len()
    }

    pub fn id(self) -> &'static str {
        match self {
            Category::PlainLanguage => "plain-language",
            Category::OpinionAsFact => "opinion-as-fact",
            Category::Vague => "vague",
            Category::OutputAsOutcome => "output-as-outcome",
            Category::OwnWords => "own-words",
            Category::Rationale => "rationale",
            Category::OutcomeScore => "outcome-score",
            Category::Risk => "risk",
            Category::Strengths => "strengths",
            Category::Voice => "voice",
            Category::Analysis => "analysis",
            Category::LateEntry => "late-entry",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "hint" => Some(Severity::Hint),
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A proposed change or a question for the writer. `replacement` is set only where
/// the text of the finding's span can be swapped as it stands (a quick fix).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub replacement: Option<String>,
    pub description: String,
    /// Bytes before and after the finding that the replacement also covers (an
    /// article it changes, the object and preposition of a verb it reframes), so the
    /// edit is `finding.start - around.0 .. finding.end + around.1`.
    #[serde(default, skip_serializing_if = "no_reach")]
    pub around: (usize, usize),
}

fn no_reach(around: &(usize, usize)) -> bool {
    *around == (0, 0)
}

impl Finding {
    /// The byte range a suggestion's replacement takes the place of.
    pub fn edit_range(&self, s: &Suggestion) -> (usize, usize) {
        (self.start.saturating_sub(s.around.0), self.end + s.around.1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub category: Category,
    /// Stable and specific, e.g. `plain-language/signpost`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Byte range into the analysed text.
    pub start: usize,
    pub end: usize,
    /// Language of the sentence the finding is in (and of its message).
    pub lang: Lang,
    pub suggestions: Vec<Suggestion>,
}

impl Finding {
    pub fn excerpt<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}
