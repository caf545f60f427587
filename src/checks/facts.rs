//! Facts about each sentence that are not findings: how long it is, how much of it
//! is the person's own quoted words, and whether it holds an opinion the writer
//! owns, a decision, or a personal outcome. `cofnod compare` counts them before and
//! after a rewrite; together with the findings they say, for example, how many
//! decisions have their reason. Read off the same word-list hits as the checks.

use super::Context;
use crate::document::{BlockKind, LabelKind};
use crate::finding::Category;
use crate::language::Lang;
use crate::rulebook::LangRules;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SentenceFacts {
    pub start: usize,
    pub end: usize,
    pub lang: Lang,
    pub words: usize,
    /// Words inside quotation marks.
    pub quoted_words: usize,
    /// The writer owns a view here ("I think", "Rwy'n credu", "In my view").
    pub owned_view: bool,
    /// A decision, recommendation or closure is recorded here (a rationale term,
    /// or a sentence under a "Decision" label).
    pub decision: bool,
    /// A personal outcome is written here (under an "Outcome" label or heading).
    pub outcome: bool,
}

pub fn sentence_facts(cx: &Context) -> Vec<SentenceFacts> {
    let owner = LangRules::signal_set(Category::OpinionAsFact, "owner");
    let decisions = LangRules::terms_set(Category::Rationale);
    (0..cx.doc.sentences.len())
        .map(|si| {
            let sentence = cx.sentence(si);
            let tokens = cx.doc.sentence_tokens(sentence);
            let labelled = |kind| cx.context(si) == Some(kind) && cx.doc.block_of(si).kind != BlockKind::Heading;
            SentenceFacts {
                start: sentence.start,
                end: sentence.end,
                lang: sentence.lang,
                words: tokens.len(),
                quoted_words: tokens.iter().filter(|t| t.quoted).count(),
                owned_view: cx.has_unquoted(si, owner),
                decision: cx.has_unquoted(si, decisions) || labelled(LabelKind::Decision),
                outcome: labelled(LabelKind::Outcome),
            }
        })
        .collect()
}
