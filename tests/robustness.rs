//! Whatever text arrives (half-typed notes, pasted exports, binary noise decoded as
//! Windows-1252), the engine returns well-formed findings and never panics.

use cofnod::position::{LineIndex, PositionEncoding};
use cofnod::Engine;
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

/// Pieces that exercise the document model: labels, lists, quotes, apostrophes,
/// mutation, clitics, emoji, CRLF, brackets, abbreviations and rule words.
const PIECES: &[&str] = &[
    "Outcome:", "Canlyniad:", "Decision:", "Penderfyniad:", "What matters:", "## Outcomes\n", "# ", "- ", "1. ",
    "(a) ", "**Outcome:**", "\n", "\r\n", "\n\n", " ", " ", " ", ".", ",", ":", ";", "–", " - ", "(", ")", "\"", "“",
    "”", "‘", "’", "'", "i'r", "hi'n", "Mum's", "Mr J. Davies", "e.g.", "approx.", "10.30am", "12/03/2025",
    "😀", "ŵ", "ŷ", "â", "Dŵr", "ofal", "ei hannibyniaeth", "nghartref", "hostile", "Mae Mam yn elyniaethus",
    "because", "oherwydd", "I think", "Rwy'n credu", "Case closed", "Achos wedi'i gau", "referral", "atgyfeiriad",
    "MDT", "signpost", "facilitate", "hwyluso", "in a terrible state", "mewn cyflwr ofnadwy", "maintain her independence",
    "did not want to engage", "so that", "er mwyn", "Signpost Cymru", "---", "```", "sef", "which means", "NFA",
    "wants", "eisiau", "needs a care package", "angen pecyn gofal", "@", "*", "|", "^", "[", "]", "\t", "\u{a0}",
    "\u{200b}", "é", "ﬁ", "İ", "ẞ",
];

fn note() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.concat())
}

fn check_well_formed(text: &str) -> Result<(), TestCaseError> {
    let analysis = engine().analyse(text);
    let index = LineIndex::new(text);
    let mut last = (0, 0);
    for f in &analysis.findings {
        prop_assert!(f.start < f.end && f.end <= text.len(), "span {}..{} in {} bytes", f.start, f.end, text.len());
        prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        prop_assert!(!f.message.is_empty() && !f.suggestions.is_empty());
        prop_assert!(f.rule.starts_with(f.category.id()));
        prop_assert!((f.start, f.end) >= last, "findings out of order");
        last = (f.start, f.end);
        let start = index.lsp_position(f.start, PositionEncoding::Utf16);
        prop_assert_eq!(index.offset_of(start, PositionEncoding::Utf16), Some(f.start));
    }
    Ok(())
}

/// Characters the fast sentence splitter knows, and a few it must hand over.
const SENTENCE_CHARS: &[char] = &[
    ' ', ' ', ' ', '\t', '\u{a0}', 'a', 'b', 'e', 'x', 'A', 'B', 'M', 'r', 's', 'D', '0', '4', '.', '.', '.', '!', '?',
    '"', '\'', '(', ')', '[', ']', '‘', '’', '“', '”', ',', '-', ':', ';', '–', '—', '#', '/', '£', '…', '•', 'â',
    'ŵ', 'ŷ', 'é', 'Â', 'Ŵ', 'É',
];

/// The ASCII part of `SENTENCE_CHARS`, to exercise the byte-table path.
const ASCII_SENTENCE_CHARS: &[char] = &[
    ' ', ' ', ' ', '\t', 'a', 'b', 'e', 'x', 'A', 'B', 'M', 'r', 's', 'D', '0', '4', '.', '.', '.', '!', '?', '"', '\'',
    '(', ')', '[', ']', ',', '-', ':', ';', '#', '/',
];

fn same_sentences_as_unicode_segmentation(chars: Vec<char>) -> Result<(), TestCaseError> {
    use unicode_segmentation::UnicodeSegmentation;
    let text: String = chars.into_iter().collect();
    let fast = cofnod::document::sentences::fast_sentence_pieces(&text).expect("all characters are known");
    let reference: Vec<(usize, usize)> = text.split_sentence_bound_indices().map(|(i, p)| (i, i + p.len())).collect();
    prop_assert_eq!(fast, reference, "text: {:?}", text);
    Ok(())
}

/// Characters the fast path does not know: it must decline text containing them.
const UNKNOWN_CHARS: &[char] = &['😀', 'ß', 'ǅ', '\u{301}', '\u{2029}', '。', '\n'];

/// Characters the fast word splitter knows.
const WORD_CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Z', 'M', '0', '7', '_', ':', '·', '.', '\'', '‘', '’', ',', ';', ' ', ' ', '\t', '\n', '\r',
    '!', '"', '-', '/', '(', ')', '“', '”', '–', '—', '…', '£', 'â', 'ŵ', 'ŷ', 'é', 'Ŵ', 'Â',
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 20000, ..ProptestConfig::default() })]

    #[test]
    fn fast_word_splitting_equals_unicode_segmentation(chars in prop::collection::vec(prop::sample::select(WORD_CHARS), 0..30)) {
        use unicode_segmentation::UnicodeSegmentation;
        let text: String = chars.into_iter().collect();
        let mut fast = Vec::new();
        prop_assert!(cofnod::document::tokens::fast_word_spans(&text, 0, &mut fast));
        let reference: Vec<(usize, usize)> = text.unicode_word_indices().map(|(i, w)| (i, i + w.len())).collect();
        prop_assert_eq!(fast, reference, "text: {:?}", text);
    }

    #[test]
    fn fast_word_splitting_declines_unknown_characters(
        chars in prop::collection::vec(prop::sample::select(WORD_CHARS), 0..20),
        unknown in prop::sample::select(UNKNOWN_CHARS),
        at in 0usize..20,
    ) {
        let mut chars = chars;
        chars.insert(at.min(chars.len()), unknown);
        let text: String = chars.into_iter().filter(|&c| c != '\n').collect::<String>() + "😀";
        prop_assert!(!cofnod::document::tokens::fast_word_spans(&text, 0, &mut Vec::new()));
    }

    #[test]
    fn fast_sentence_splitting_equals_unicode_segmentation(chars in prop::collection::vec(prop::sample::select(SENTENCE_CHARS), 0..40)) {
        same_sentences_as_unicode_segmentation(chars)?;
    }

    #[test]
    fn fast_sentence_splitting_of_ascii_equals_unicode_segmentation(chars in prop::collection::vec(prop::sample::select(ASCII_SENTENCE_CHARS), 0..40)) {
        same_sentences_as_unicode_segmentation(chars)?;
    }

    #[test]
    fn fast_sentence_splitting_declines_unknown_characters(
        chars in prop::collection::vec(prop::sample::select(SENTENCE_CHARS), 0..20),
        unknown in prop::sample::select(UNKNOWN_CHARS),
        at in 0usize..20,
    ) {
        let mut chars = chars;
        chars.insert(at.min(chars.len()), unknown);
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(cofnod::document::sentences::fast_sentence_pieces(&text), None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn note_like_text_gives_well_formed_findings(text in note()) {
        check_well_formed(&text)?;
    }

    #[test]
    fn any_unicode_gives_well_formed_findings(text in any::<String>()) {
        check_well_formed(&text)?;
    }

    #[test]
    fn analysis_is_deterministic(text in note()) {
        prop_assert_eq!(engine().analyse(&text).findings, engine().analyse(&text).findings);
    }
}
