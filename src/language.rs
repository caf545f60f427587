//! Which language a sentence is written in: English or Welsh.
//!
//! Two steps. A count of common function words that belong to only one of the two
//! languages settles most sentences at almost no cost. Short or unclear sentences
//! go to lingua (only its English and Welsh models are compiled in), which is
//! designed for short text. Whatever neither can decide inherits the language of
//! its paragraph or document.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Cy,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "cy" => Some(Lang::Cy),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The language of a whole text, as `cofnod check` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocLanguage {
    En,
    Cy,
    Mixed,
    Unknown,
}

impl DocLanguage {
    pub fn code(self) -> &'static str {
        match self {
            DocLanguage::En => "en",
            DocLanguage::Cy => "cy",
            DocLanguage::Mixed => "mixed",
            DocLanguage::Unknown => "unknown",
        }
    }
}

/// Words frequent in running English and absent (or nearly so) from Welsh. Left out
/// because Welsh has them too: "a", "i", "o", "am", "at", "do", "all", "dim".
const ENGLISH_MARKERS: &[&str] = &[
    "the", "and", "is", "was", "to", "of", "in", "she", "he", "it", "that", "with", "for", "on",
    "not", "have", "has", "had", "were", "be", "been", "they", "we", "this", "by", "an",
    "are", "from", "her", "his", "would", "will", "said", "told", "me", "my", "you", "but", "or",
    "if", "about", "there", "their", "them", "him", "what", "when", "which", "who", "because",
    "can", "could", "did", "does", "so", "as", "into", "than", "then", "also", "very",
    "after", "before", "any", "no", "our", "us", "i'm", "she's", "he's", "it's", "didn't",
    "doesn't", "don't", "wasn't", "isn't", "wants", "want", "should", "visited",
];

/// Words frequent in running Welsh and absent (or nearly so) from English.
/// "a", "i", "o", "am", "dim"... are left out: they are words in both languages.
const WELSH_MARKERS: &[&str] = &[
    "y", "yr", "mae", "yn", "ac", "ei", "eu", "wedi", "bod", "gyda", "ar", "roedd", "oedd",
    "nid", "ddim", "hi", "fe", "fo", "ni", "chi", "nhw", "gan", "hefyd", "ond", "neu", "sy",
    "sydd", "ydy", "yw", "iddi", "iddo", "efo", "fod", "gael", "cael", "mewn", "ein", "eich",
    "hyn", "hynny", "drwy", "trwy", "rhwng", "wrth", "oherwydd", "achos", "felly", "dwi", "rwy",
    "rydw", "dw", "wnaeth", "gwneud", "eisiau", "isio", "moyn", "angen", "iawn", "gyda'r", "i'r",
    "o'r", "mae'r", "dyw", "doedd", "nad", "bydd", "byddai", "hefo", "pan", "ble", "beth",
    "pwy", "sut", "pam", "yma", "yno", "heddiw", "ddoe", "fy", "dy", "ym", "yng", "gwelais",
    "dywedodd", "meddai", "ddywedodd", "ohoni", "ohono", "amdani", "amdano", "arni", "arno",
    "hi'n", "e'n", "fe'n", "mae'n", "cafodd", "aeth", "daeth",
    "gwnaeth", "byw", "gartref", "adref", "adre", "teulu", "ferch", "mab", "tad", "mam", "rwyf",
    "roeddwn", "oeddwn", "ydw", "ydyn", "maen", "mai", "dros", "heb", "ymlaen", "allan", "fydd",
    "wnes", "eisoes", "bellach", "erbyn", "ôl", "hefo", "gennym", "ganddi", "ganddo", "iddyn",
];

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

const EN: u8 = 1;
const CY: u8 = 2;

/// Every marker word with its language flags (one lookup per word).
fn markers() -> &'static FxHashMap<&'static str, u8> {
    static MARKERS: OnceLock<FxHashMap<&'static str, u8>> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut map = FxHashMap::default();
        for w in ENGLISH_MARKERS {
            *map.entry(*w).or_insert(0) |= EN;
        }
        for w in WELSH_MARKERS {
            *map.entry(*w).or_insert(0) |= CY;
        }
        map
    })
}

/// The part after an apostrophe that makes a Welsh clitic ("gyda'i", "mae'r").
const WELSH_CLITIC_TAILS: &[&str] = &["r", "n", "i", "w", "u", "m", "th", "ch"];

/// Function-word evidence for one stretch of text.
#[derive(Clone, Copy, Debug, Default)]
pub struct MarkerCount {
    pub en: u32,
    pub cy: u32,
    /// Letters that only Welsh uses among the two (ŵ, ŷ).
    pub welsh_letters: u32,
}

impl MarkerCount {
    /// `word` must already be lowercase.
    pub fn add_word(&mut self, word: &str) {
        let word = word.trim_matches('\'');
        let mut flags = markers().get(word).copied().unwrap_or(0);
        // A Welsh word with a clitic counts by its head: "gyda'i", "mae'r", "hi'n".
        if let Some((head, tail)) = word.split_once('\'') {
            if WELSH_CLITIC_TAILS.contains(&tail) {
                flags |= markers().get(head).copied().unwrap_or(0) & CY;
            }
        }
        if flags & EN != 0 {
            self.en += 1;
        }
        if flags & CY != 0 {
            self.cy += 1;
        }
        if word.contains(['ŵ', 'ŷ']) {
            self.welsh_letters += 1;
        }
    }

    /// The language the markers lean to, however slightly: some on one side, none
    /// on the other.
    pub fn lean(&self) -> Option<Lang> {
        let cy = self.cy + self.welsh_letters;
        match (self.en, cy) {
            (e, 0) if e > 0 => Some(Lang::En),
            (0, c) if c > 0 => Some(Lang::Cy),
            _ => None,
        }
    }

    /// A confident verdict, or `None` when the markers are too few or too close.
    pub fn verdict(&self) -> Option<Lang> {
        let cy = self.cy + 2 * self.welsh_letters;
        let en = self.en;
        if cy >= 2 && cy >= 3 * en.max(1) / 2 && cy > en {
            Some(Lang::Cy)
        } else if en >= 2 && en >= 3 * cy.max(1) / 2 && en > cy {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// Wraps lingua with the two languages cofnod supports.
pub struct LanguageDetector {
    lingua: lingua::LanguageDetector,
}

impl Default for LanguageDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl LanguageDetector {
    pub fn new() -> Self {
        let lingua = lingua::LanguageDetectorBuilder::from_languages(&[
            lingua::Language::English,
            lingua::Language::Welsh,
        ])
        .build();
        LanguageDetector { lingua }
    }

    /// Lingua's verdict on a short text, if it is confident enough. A long text, or
    /// one with a very long "word", is judged on a sample (see `lingua_sample`).
    pub fn detect_statistical(&self, text: &str) -> Option<Lang> {
        let values = self.lingua.compute_language_confidence_values(lingua_sample(text).as_ref());
        let (lang, confidence) = values.first()?;
        if *confidence < 0.75 {
            return None;
        }
        match lang {
            lingua::Language::English => Some(Lang::En),
            lingua::Language::Welsh => Some(Lang::Cy),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

/// Lingua's time grows faster than the length of a word (a 100,000-letter "word" took
/// seconds, and twice that four times as long), and a verdict needs only a few
/// hundred words. A text of up to `SAMPLE_BYTES` whose words are all shorter than
/// `LONGEST_WORD` is given whole; otherwise its words of ordinary length, up to
/// `SAMPLE_BYTES`.
const SAMPLE_BYTES: usize = 4096;
const LONGEST_WORD: usize = 64;

fn lingua_sample(text: &str) -> std::borrow::Cow<'_, str> {
    let ordinary = |w: &&str| w.len() < LONGEST_WORD;
    if text.len() <= SAMPLE_BYTES && text.split_whitespace().all(|w| ordinary(&w)) {
        return text.into();
    }
    let mut sample = String::with_capacity(SAMPLE_BYTES + LONGEST_WORD);
    for word in text.split_whitespace().filter(ordinary) {
        if sample.len() + word.len() >= SAMPLE_BYTES {
            break;
        }
        if !sample.is_empty() {
            sample.push(' ');
        }
        sample.push_str(word);
    }
    sample.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lingua_sees_a_bounded_sample_of_ordinary_words() {
        assert_eq!(lingua_sample("Mae hi wedi mynd adref."), "Mae hi wedi mynd adref.");
        let long = format!("cat dog {} fish", "x".repeat(100_000));
        assert_eq!(lingua_sample(&long), "cat dog fish");
        let many = "word ".repeat(10_000);
        let sample = lingua_sample(&many);
        assert!(sample.len() <= SAMPLE_BYTES && sample.starts_with("word word"), "{}", sample.len());
    }

    fn count(text: &str) -> MarkerCount {
        let mut c = MarkerCount::default();
        for w in text.split_whitespace() {
            c.add_word(&w.to_lowercase());
        }
        c
    }

    #[test]
    fn function_words_settle_clear_sentences() {
        assert_eq!(count("She said that the carer was late again").verdict(), Some(Lang::En));
        assert_eq!(count("Mae hi wedi bod yn byw gyda ei merch").verdict(), Some(Lang::Cy));
        // Too little evidence either way.
        assert_eq!(count("Mrs Jones").verdict(), None);
    }

    #[test]
    fn lingua_decides_short_sentences() {
        let d = LanguageDetector::new();
        assert_eq!(d.detect_statistical("Canlyniad personol: cerdded i'r siop"), Some(Lang::Cy));
        assert_eq!(d.detect_statistical("Walk-in shower fitted"), Some(Lang::En));
    }
}
