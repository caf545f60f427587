//! cofnod: a local, private writing helper for social care case recording in
//! English and Welsh. See `docs/ARCHITECTURE.md` for how a document flows through
//! the engine.

pub mod document;
pub mod finding;
pub mod language;
pub mod position;
pub mod welsh;
