//! cofnod: a local, private writing helper for social care case recording in
//! English and Welsh. See `docs/ARCHITECTURE.md` for how a document flows through
//! the engine.

pub mod checks;
pub mod compare;
pub mod document;
pub mod engine;
pub mod export;
pub mod finding;
pub mod language;
pub mod position;
pub mod reported;
pub mod ignored;
pub mod lsp;
pub mod review;
pub mod models;
pub mod rulebook;
pub mod suppression;
pub mod welsh;

pub use engine::{Analysis, Engine, Settings};
pub use finding::{Category, Finding, Severity, Suggestion};
pub use language::{DocLanguage, Lang};
pub mod corpus;
pub mod cli;
pub mod config;
pub mod input;
pub mod safe_text;
