//! Incremental editing, as the language server does it: random sequences of LSP
//! edits (UTF-16 positions; emoji, Welsh letters, new lines, labels and jargon in
//! the inserted text) applied to the server's rope buffer must leave the same text
//! as applying them to a plain string, and the paragraph-cached analysis must equal a
//! fresh analysis after every edit. A second property drives the real server over
//! stdio and compares its published diagnostics with a fresh analysis.

mod support;

use cofnod::engine::AnalysisCache;
use cofnod::lsp::text::{DocumentText, TextPosition};
use cofnod::position::{LineIndex, PositionEncoding};
use cofnod::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;

/// Pieces of text that edits insert: plain words, ones the checks flag, structure
/// that changes blocks and labels, and characters outside the BMP.
const PIECES: &[&str] = &[
    "", "a", " ", "\n", "\n\n", "commence", "regularly", "aggressive", "Decided to close the case.", "Outcome: ",
    "## Outcomes\n", "- ", "\"I want to go home,\" she said. ", "Mae hi’n ymosodol. ", "ŵ", "ŷ", "â", "😀", "👍🏽",
    "cychwyn ", "because she asked. ", "https://example.org/commence ", "<!-- cofnod-disable -->", "\r\n", "`x` ",
];

fn sample() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/samples");
        let a = std::fs::read_to_string(dir.join("review-bilingual.md")).unwrap();
        let b = std::fs::read_to_string(dir.join("home-visit-mr-price.txt")).unwrap();
        format!("{a}\n{b}")
    })
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

/// An edit as generated: a line, a character and a length (taken modulo the text,
/// so any numbers make a valid edit), and the text to put in.
#[derive(Clone, Debug)]
struct Edit {
    line: usize,
    character: usize,
    length: usize,
    insert: &'static str,
}

fn edit() -> impl Strategy<Value = Edit> {
    (any::<usize>(), any::<usize>(), prop_oneof![3 => 0usize..3, 1 => 0usize..40], prop::sample::select(PIECES))
        .prop_map(|(line, character, length, insert)| Edit { line, character, length, insert })
}

/// The same edit worked out on a plain string, independently of the rope: the
/// UTF-16 start position, the UTF-16 end position, and the byte range.
fn resolve(text: &str, e: &Edit) -> (TextPosition, TextPosition, std::ops::Range<usize>) {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = e.line % lines.len();
    let line_start: usize = lines[..line].iter().map(|l| l.len() + 1).sum();
    let content = lines[line].strip_suffix('\r').unwrap_or(lines[line]);
    // Snap the character to a char boundary (no splitting surrogate pairs).
    let starts: Vec<(usize, usize)> = content
        .char_indices()
        .scan(0usize, |units, (i, c)| {
            let here = (*units, i);
            *units += c.len_utf16();
            Some(here)
        })
        .chain(std::iter::once((content.encode_utf16().count(), content.len())))
        .collect();
    let (units, byte) = starts[e.character % starts.len()];
    let start_byte = line_start + byte;
    // The end: `length` characters further on, across lines if need be.
    let mut end_byte = start_byte;
    for c in text[start_byte..].chars().take(e.length) {
        end_byte += c.len_utf8();
    }
    // Never end between "\r" and "\n".
    if end_byte < text.len() && text.as_bytes()[end_byte] == b'\n' && end_byte > start_byte && text.as_bytes()[end_byte - 1] == b'\r' {
        end_byte -= 1;
    }
    let index = LineIndex::new(text);
    let end = index.lsp_position(end_byte, PositionEncoding::Utf16);
    (
        TextPosition { line: line as u32, character: units as u32 },
        TextPosition { line: end.line, character: end.character },
        start_byte..end_byte,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn rope_edits_match_a_string_and_cached_analysis_matches_fresh(edits in prop::collection::vec(edit(), 1..25)) {
        let mut plain = sample().to_string();
        let mut rope = DocumentText::new(&plain);
        let mut cache = AnalysisCache::default();
        let first = engine().analyse_cached(&plain, &mut cache);
        prop_assert_eq!(&first.findings, &engine().analyse(&plain).findings);
        for e in &edits {
            let (start, end, bytes) = resolve(&plain, e);
            plain.replace_range(bytes, e.insert);
            rope.edit(start, end, e.insert, PositionEncoding::Utf16).unwrap();
            prop_assert_eq!(&rope.text(), &plain);
            let cached = engine().analyse_cached(&plain, &mut cache);
            let fresh = engine().analyse(&plain);
            prop_assert_eq!(cached.language, fresh.language);
            prop_assert_eq!(&cached.findings, &fresh.findings);
        }
    }
}

#[test]
fn one_edited_paragraph_reuses_the_others() {
    let text = sample();
    let mut cache = AnalysisCache::default();
    engine().analyse_cached(text, &mut cache);
    assert_eq!(cache.last_reused, 0);
    // The end of a paragraph in the middle of the note.
    let at = text.match_indices("\n\n").nth(3).unwrap().0;
    let mut edited = text.to_string();
    edited.insert_str(at, " We will commence.");
    let a = engine().analyse_cached(&edited, &mut cache);
    assert_eq!(a.findings, engine().analyse(&edited).findings);
    assert!(cache.last_blocks > 10, "the sample has many blocks");
    // The edited block and the one before it (whose rationale check may read the
    // edited block's first sentence) are re-checked; the rest are reused.
    assert_eq!(cache.last_reused, cache.last_blocks - 2);
}

// The real server over stdio: after random edits, its diagnostics equal those of a
// fresh analysis of the same edits applied to a string.
fn expected(text: &str) -> Vec<(String, Value)> {
    let index = LineIndex::new(text);
    let pos = |o| {
        let p = index.lsp_position(o, PositionEncoding::Utf16);
        json!({"line": p.line, "character": p.character})
    };
    engine()
        .analyse(text)
        .findings
        .iter()
        .map(|f| (f.rule.clone(), json!({"start": pos(f.start), "end": pos(f.end)})))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn the_server_over_stdio_agrees_with_a_fresh_analysis(edits in prop::collection::vec(edit(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let mut client = support::lsp_client::LspClient::start(Path::new(env!("CARGO_BIN_EXE_cofnod")), dir.path());
        client.initialize(json!({"debounceMs": 0}), json!({}), None);
        let uri = support::lsp_client::file_uri(&dir.path().join("note.md"));
        let mut plain = sample().to_string();
        client.open(&uri, &plain, 1);
        client.diagnostics(&uri, Some(1));
        let mut version = 1;
        for e in &edits {
            let (start, end, bytes) = resolve(&plain, e);
            plain.replace_range(bytes, e.insert);
            version += 1;
            client.change(&uri, version, (start.line, start.character), (end.line, end.character), e.insert);
        }
        let got: Vec<(String, Value)> = client
            .diagnostics(&uri, Some(version))
            .iter()
            .map(|d| (d["data"]["rule"].as_str().unwrap().to_string(), d["range"].clone()))
            .collect();
        prop_assert_eq!(got, expected(&plain));
    }
}
