//! On-device models (optional): a sentence encoder, classifier heads trained on the
//! corpus, national outcome suggestions and checked rewrites. cofnod works without
//! them; see docs/ARCHITECTURE.md for how their findings join the rules'.

pub mod encoder;
pub mod store;
