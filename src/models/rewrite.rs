//! Checked rewrites: `cofnod rewrite` and the editor's "Suggest a plainer version".
//!
//! Candidates come from two places: the word lists' own replacements applied to the
//! sentence (English and Welsh), and, for English, the generator (greedy plus one
//! sampled reply). A candidate is shown only if it passes every check:
//! 1. fewer cofnod findings than the original;
//! 2. every number, name and quoted phrase of the original kept;
//! 3. no new facts: no content word that is not in the original, unless it is a
//!    plain replacement the word lists offer for a term the original uses;
//! 4. the meaning kept: encoder cosine to the original at least `MEANING_KEPT`
//!    (0.94, chosen on corpus/rewrites/pairs.tsv, see docs/QUALITY.md);
//! 5. not much longer: at most 1.3 × the original's words + 3.
//!
//! Welsh gets word-level replacements only: the generator (SmolLM2, trained on
//! English) has not been shown to pass the same checks on Welsh.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Serialize;

use crate::engine::Engine;
use crate::finding::{Category, Finding};
use crate::language::Lang;

use super::encoder::cosine;
use super::generator::Generator;
use super::Models;

/// Cosine similarity to the original below which a rewrite has changed the meaning.
/// Chosen on the 120 `keep`/`change` pairs of corpus/rewrites/pairs.tsv as the best
/// balanced accuracy (`cofnod rewrite --pairs`): 0.94 passes 73% of faithful rewrites
/// and refuses 62% of changed ones. The encoder alone is a weak judge of meaning
/// (its similarities crowd into 0.85–0.99), which is why the word checks come first.
pub const MEANING_KEPT: f32 = 0.94;

/// How much lower (in mean log-probability a token) a candidate may score than the
/// original under the generator before it counts as reading worse. Chosen on
/// corpus/rewrites/fluency.tsv (`cofnod rewrite --fluency`, docs/QUALITY.md).
pub const FLUENCY_MARGIN: f32 = 0.5;

/// The source name of the candidate made of the word lists' replacements.
const WORD_LISTS: &str = "word lists";

/// Sampled generator replies besides the greedy one.
const SAMPLES: usize = 1;

#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    pub text: String,
    /// "word lists" or "generator".
    pub source: &'static str,
    pub findings: usize,
    /// Cosine to the original, when the encoder is there to measure it.
    pub similarity: Option<f32>,
    /// Why the candidate is not shown; empty if it passed every check.
    pub problems: Vec<String>,
}

impl Candidate {
    pub fn accepted(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Rewrites {
    pub original: String,
    pub lang: Lang,
    pub findings: usize,
    pub candidates: Vec<Candidate>,
}

impl Rewrites {
    pub fn accepted(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(|c| c.accepted())
    }
}

#[derive(serde::Deserialize)]
struct FunctionWords {
    en: String,
    cy: String,
}

fn function_words(lang: Lang) -> &'static HashSet<String> {
    static WORDS: OnceLock<[HashSet<String>; 2]> = OnceLock::new();
    let all = WORDS.get_or_init(|| {
        let f: FunctionWords = toml::from_str(include_str!("../rules/function-words.toml")).expect("function-words.toml is valid");
        let set = |s: &str| s.split_whitespace().map(str::to_lowercase).collect();
        [set(&f.en), set(&f.cy)]
    });
    &all[lang as usize]
}

/// Rewrite one sentence. `generator` is used for English when given; `cancelled`
/// stops the generator early (the editor's request was cancelled).
pub fn rewrite(engine: &Engine, models: Option<&Models>, generator: Option<&Generator>, sentence: &str, cancelled: &dyn Fn() -> bool) -> Rewrites {
    let lang = engine.with_document(sentence, |d| d.sentences.first().map(|s| s.lang)).unwrap_or(Lang::En);
    rewrite_in(engine, models, generator, sentence, lang, cancelled)
}

/// As `rewrite`, for a sentence in a known language.
pub fn rewrite_in(
    engine: &Engine,
    models: Option<&Models>,
    generator: Option<&Generator>,
    sentence: &str,
    lang: Lang,
    cancelled: &dyn Fn() -> bool,
) -> Rewrites {
    let sentence = sentence.trim();
    let analyse = |text: &str| -> Vec<Finding> {
        match models {
            Some(m) => engine.analyse_with_models(text, m).findings,
            None => engine.analyse(text).findings,
        }
    };
    let original = analyse(sentence);
    // The word lists' candidate comes from the rules' own findings: the judge may
    // veto a term the writer still asked to have rewritten.
    let by_rules = engine.analyse(sentence).findings;
    let allowed = allowed_words(engine, &by_rules, lang);
    // Words a quick fix replaces (an acronym by its expansion) count as kept.
    let replaced: HashSet<String> = by_rules
        .iter()
        .filter(|f| f.suggestions.iter().any(|s| s.replacement.is_some()))
        .flat_map(|f| sentence[f.start..f.end].split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string()))
        .collect();

    let mut texts: Vec<(String, &'static str)> = Vec::new();
    if let Some(w) = word_level(engine, sentence) {
        texts.push((w, WORD_LISTS));
    }
    if lang == Lang::En {
        if let Some(g) = generator {
            // One worked example: the small model copies its shape far better than
            // it follows instructions alone.
            let prompt = format!(
                "Rewrite the sentence from a social care record in plain English. Keep every name, number and date. \
                 Add nothing.\n\n\
                 Sentence: Mr Evans was in receipt of a domiciliary care package of 4 calls per day.\n\
                 Plain English: Mr Evans had carers visit him at home 4 times a day.\n\n\
                 Sentence: {sentence}\nPlain English:"
            );
            let max_tokens = sentence.split_whitespace().count() * 2 + 8;
            for reply in g.replies(&prompt, SAMPLES, max_tokens, cancelled).unwrap_or_default() {
                let reply = clean_reply(&reply);
                if !reply.is_empty() && !texts.iter().any(|(t, _)| *t == reply) && reply != sentence {
                    texts.push((reply, "generator"));
                }
            }
        }
    }

    let embeddings = models.and_then(|m| {
        let mut all: Vec<&str> = vec![sentence];
        all.extend(texts.iter().map(|(t, _)| t.as_str()));
        m.embed(&all).ok()
    });
    let candidates = texts
        .into_iter()
        .enumerate()
        .map(|(i, (text, source))| {
            let similarity = embeddings.as_ref().map(|e| cosine(&e[0], &e[i + 1]));
            let (findings, problems) = if source == WORD_LISTS {
                // The word lists' own replacements, each fitted to the sentence and
                // tested with its examples: judged on the plain-language findings
                // they remove, with the words checks; not by the encoder, which reads
                // an acronym written out as a change of meaning.
                let plain = |f: &Vec<Finding>| f.iter().filter(|f| f.category == Category::PlainLanguage).count();
                let after = engine.analyse(&text).findings;
                (after.len(), problems(sentence, &text, plain(&by_rules), plain(&after), None, source, &allowed, &replaced, lang))
            } else {
                let findings = analyse(&text).len();
                (findings, problems(sentence, &text, original.len(), findings, similarity, source, &allowed, &replaced, lang))
            };
            Candidate { text, source, findings, similarity, problems }
        })
        .collect::<Vec<Candidate>>();
    let mut candidates = candidates;
    // The fluency gate: nothing that reads worse than the original.
    for c in &mut candidates {
        let broken = crate::checks::fluency::new_breakages(sentence, &c.text, lang);
        if !broken.is_empty() {
            c.problems.push(format!("reads worse: {}", broken.join("; ")));
        }
    }
    if let (Lang::En, Some(g)) = (lang, generator) {
        if candidates.iter().any(Candidate::accepted) && !cancelled() {
            if let Ok(base) = g.mean_log_prob(sentence) {
                for c in candidates.iter_mut().filter(|c| c.accepted()) {
                    if let Ok(score) = g.mean_log_prob(&c.text) {
                        if score < base - FLUENCY_MARGIN {
                            c.problems.push(format!("reads worse to the language model ({score:.2} a token, the original {base:.2})"));
                        }
                    }
                }
            }
        }
    }
    Rewrites { original: sentence.to_string(), lang, findings: original.len(), candidates }
}

/// The sentence with every plain-language quick fix applied, left to right. The
/// sentence is checked again after each fix, so that each is fitted to the words the
/// fixes before it left ("cynigiwyd ymyrraeth" → "cynigiais i ymyrraeth" → "cynigiais
/// i gymorth": the object now follows a personal verb, and mutates).
fn word_level(engine: &Engine, sentence: &str) -> Option<String> {
    // Plain-language replacements only: the other checks' templates ("because …")
    // leave a gap for the writer, which a finished rewrite must not.
    let mut text = sentence.to_string();
    let mut from = 0;
    let mut changed = false;
    // Each pass fixes one finding past the last fix; a sentence has few.
    for _ in 0..MAX_FIXES {
        let findings = engine.analyse(&text).findings;
        let next = findings
            .iter()
            .filter(|f| f.category == Category::PlainLanguage)
            .filter_map(|f| f.suggestions.iter().find_map(|s| s.replacement.as_deref().map(|r| (f.edit_range(s), r.to_string()))))
            .filter(|((start, _), _)| *start >= from)
            .min_by_key(|((start, _), _)| *start);
        let Some(((start, end), replacement)) = next else { break };
        text.replace_range(start..end, &replacement);
        from = start + replacement.len();
        changed = true;
    }
    changed.then_some(text)
}

/// Most quick fixes a rewrite applies to one sentence.
const MAX_FIXES: usize = 24;

/// The generator's reply, less any label ("Rewrite:", "Plain English:"), quotes
/// around it or second thoughts after it.
fn clean_reply(reply: &str) -> String {
    let mut lines = reply.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut line = lines.next().unwrap_or("");
    // A short label, alone on its line or before the sentence.
    if let Some((head, rest)) = line.split_once(':') {
        if head.split_whitespace().count() <= 3 && !head.chars().any(|c| c.is_ascii_digit()) {
            line = if rest.trim().is_empty() { lines.next().unwrap_or("") } else { rest.trim() };
        }
    }
    line.trim_matches(|c| c == '"' || c == '“' || c == '”').trim().to_string()
}

/// Plain replacements the word lists offer for the terms the original uses.
fn allowed_words(engine: &Engine, findings: &[Finding], lang: Lang) -> HashSet<String> {
    let rules: HashSet<&str> = findings.iter().filter(|f| f.category == Category::PlainLanguage).map(|f| f.rule.as_str()).collect();
    let mut allowed = HashSet::new();
    for lang in [lang, Lang::En, Lang::Cy] {
        for term in &engine.rules().lang(lang).terms {
            if rules.contains(term.rule.as_str()) {
                for s in term.suggest.iter().chain(&term.passive) {
                    allowed.extend(words(s));
                }
            }
        }
    }
    allowed
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        // Welsh "'r" joined to a word is the article, not part of it ("â'r", "ni'r").
        .map(|w| w.trim_end_matches("'r").trim_end_matches("’r"))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’' || c == '-').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A rough stem, so "visits" and "visited" count as the word "visit".
fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(s) = word.strip_suffix(suffix) {
            if s.chars().count() >= 3 {
                return s;
            }
        }
    }
    word
}

/// Numbers, names (capitalised words after the first) and quoted phrases.
fn must_keep(sentence: &str) -> Vec<String> {
    let mut keep = Vec::new();
    let mut quoted = String::new();
    let mut in_quote = false;
    for c in sentence.chars() {
        match c {
            '“' | '"' if !in_quote => in_quote = true,
            '”' | '"' if in_quote => {
                in_quote = false;
                if !quoted.trim().is_empty() {
                    keep.push(quoted.trim().to_string());
                }
                quoted.clear();
            }
            _ if in_quote => quoted.push(c),
            _ => {}
        }
    }
    for (i, raw) in sentence.split_whitespace().enumerate() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let number = w.chars().any(|c| c.is_ascii_digit());
        let name = i > 0 && w.chars().next().is_some_and(char::is_uppercase) && w != "I" && w.len() > 1;
        if number || name {
            keep.push(w.to_string());
        }
    }
    keep
}

#[allow(clippy::too_many_arguments)]
fn problems(
    original: &str,
    candidate: &str,
    original_findings: usize,
    findings: usize,
    similarity: Option<f32>,
    source: &str,
    allowed: &HashSet<String>,
    replaced: &HashSet<String>,
    lang: Lang,
) -> Vec<String> {
    let mut problems = Vec::new();
    if findings >= original_findings {
        problems.push(format!("not plainer: {findings} findings, the original has {original_findings}"));
    }
    let lost: Vec<String> = must_keep(original).into_iter().filter(|k| !candidate.contains(k.as_str()) && !replaced.contains(k)).collect();
    if !lost.is_empty() {
        problems.push(format!("drops {}", lost.join(", ")));
    }
    let known: HashSet<String> = words(original).iter().map(|w| stem(w).to_string()).collect();
    let function = function_words(lang);
    // A Welsh word counts as known in any mutated form ("beidio" for "peidio",
    // "chefais" for "cefais"), and with "'r" joined to it ("ni'r").
    let is_known = |w: &str| {
        let forms: Vec<String> = match lang {
            Lang::En => vec![w.to_string()],
            Lang::Cy => crate::welsh::radical_forms(w),
        };
        w.is_empty() || forms.iter().any(|f| function.contains(f) || allowed.contains(f) || known.contains(stem(f)))
    };
    let new: Vec<String> = words(candidate)
        .into_iter()
        .filter(|w| !is_known(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    if !new.is_empty() {
        problems.push(format!("adds words not in the original: {}", new.join(", ")));
    }
    match similarity {
        Some(s) if s < MEANING_KEPT => problems.push(format!("meaning changed (similarity {s:.2}, needs {MEANING_KEPT:.2})")),
        None if source == "generator" => problems.push("no encoder to check the meaning".to_string()),
        _ => {}
    }
    let (n_orig, n_cand) = (original.split_whitespace().count(), candidate.split_whitespace().count());
    if source != WORD_LISTS && n_cand * 10 > n_orig * 13 + 30 {
        problems.push(format!("too long: {n_cand} words for {n_orig}"));
    }
    problems
}

/// For each labelled pair of corpus/rewrites/fluency.tsv: (fluent?, the candidate's
/// mean log-probability a token less the original's, refused by the rules' gate?).
pub fn fluency_differences(generator: &Generator, tsv: &str) -> Result<Vec<(bool, f32, bool)>, String> {
    let mut out = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_lang, label, original, candidate] = cols[..] else { return Err(format!("bad line: {line}")) };
        let (o, c) = (generator.mean_log_prob(original)?, generator.mean_log_prob(candidate)?);
        let lang = Lang::parse(_lang).unwrap_or(Lang::En);
        let rules_refuse = !crate::checks::fluency::new_breakages(original, candidate, lang).is_empty();
        out.push((label == "fluent", c - o, rules_refuse));
    }
    Ok(out)
}

/// Encoder cosine for each labelled pair of corpus/rewrites/pairs.tsv:
/// (language, meaning kept?, cosine).
pub fn pair_similarities(models: &Models, tsv: &str) -> Result<Vec<(String, bool, f32)>, String> {
    let mut out = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [lang, label, original, candidate] = cols[..] else { return Err(format!("bad line: {line}")) };
        let e = models.embed(&[original, candidate]).map_err(|e| e.to_string())?;
        out.push((lang.to_string(), label == "keep", cosine(&e[0], &e[1])));
    }
    Ok(out)
}

/// The threshold with the best balanced accuracy on labelled pairs (ties: the higher,
/// the more cautious), with that accuracy and the share of `keep` and `change`
/// pairs it classifies correctly.
pub fn choose_threshold(pairs: &[(String, bool, f32)]) -> (f32, f64, f64, f64) {
    let mut best = (1.0, 0.0, 0.0, 0.0);
    for t in (70..=99).map(|t| t as f32 / 100.0) {
        let keep: Vec<_> = pairs.iter().filter(|p| p.1).collect();
        let change: Vec<_> = pairs.iter().filter(|p| !p.1).collect();
        let kept = keep.iter().filter(|p| p.2 >= t).count() as f64 / keep.len().max(1) as f64;
        let caught = change.iter().filter(|p| p.2 < t).count() as f64 / change.len().max(1) as f64;
        let balanced = (kept + caught) / 2.0;
        if balanced >= best.1 {
            best = (t, balanced, kept, caught);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_lose_their_labels_and_quotes() {
        assert_eq!(clean_reply("Rewrite:\nI visited Mrs Jones."), "I visited Mrs Jones.");
        assert_eq!(clean_reply("Plain English: \"I visited Mrs Jones.\"\nThis keeps every fact."), "I visited Mrs Jones.");
        assert_eq!(clean_reply("At 10:30 I visited Mrs Jones."), "At 10:30 I visited Mrs Jones.");
    }

    #[test]
    fn names_numbers_and_quotes_must_be_kept() {
        let keep = must_keep("Mrs Jones said “I want my garden back” on 12 March at 10:30.");
        assert_eq!(keep, ["I want my garden back", "Jones", "12", "March", "10:30"]);
    }

    #[test]
    fn a_candidate_that_adds_a_fact_or_drops_a_name_is_refused() {
        let allowed = HashSet::new();
        let p = problems("Mrs Jones was visited today.", "Mrs Jones was visited today by her son.", 2, 1, Some(0.95), "generator", &allowed, &HashSet::new(), Lang::En);
        assert!(p.iter().any(|p| p.contains("adds words") && p.contains("son")), "{p:?}");
        let p = problems("Mrs Jones was visited today.", "She was visited today.", 2, 1, Some(0.95), "generator", &allowed, &HashSet::new(), Lang::En);
        assert!(p.iter().any(|p| p.contains("drops Jones")), "{p:?}");
        let p = problems("Mrs Jones was visited today.", "I visited Mrs Jones today.", 2, 1, Some(0.95), "generator", &allowed, &HashSet::new(), Lang::En);
        assert!(p.is_empty(), "{p:?}");
    }
}
