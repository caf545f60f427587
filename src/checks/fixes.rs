//! A replacement fitted to its sentence, so that a one-click fix reads as a sentence:
//! - a verb's frame: a replacement with `{}` takes the term's object, up to the word
//!   the term `takes` ("signposted Mrs Ali to the group" → "told Mrs Ali about the
//!   group"); without that word in reach it is not offered;
//! - the article: "a"/"an" before the term is dropped when the replacement takes none
//!   (`article = "drop"`: "a package of care" → "care and support"), or made to fit
//!   ("an MDT" → "a team meeting");
//! - no doubled word where the replacement ends as the text goes on ("talk to to");
//! - capitals: the first letter is upper case where the sentence or line starts,
//!   and as the word list writes it elsewhere;
//! - Welsh: the mutation the word before demands ("i" + "tîm" → "i dîm", "â" +
//!   "cyfarfod" → "â chyfarfod"), and "â"/"a" becoming "ag"/"ac" before a vowel.

use crate::document::Document;
use crate::language::Lang;
use crate::rulebook::Term;
use crate::safe_text::floor_boundary;
use crate::welsh;

/// Most words between a verb and the word its frame `takes`.
const OBJECT_WORDS: usize = 6;

/// A replacement placed in the text: bytes `start..end` become `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The words of sentence `si` from the first that starts at or after `at`, as (start,
/// end) byte ranges (a binary search: a fix costs the same in a long sentence).
fn words_from<'d>(doc: &'d Document<'_>, si: usize, at: usize) -> impl Iterator<Item = (usize, usize)> + 'd {
    let tokens = &doc.tokens[doc.sentences[si].tokens.clone()];
    let i = tokens.partition_point(|t| t.start < at);
    tokens[i..].iter().map(|t| (t.start, t.end))
}

/// The word of sentence `si` that ends last at or before `at`.
fn word_before(doc: &Document, si: usize, at: usize) -> Option<(usize, usize)> {
    let tokens = &doc.tokens[doc.sentences[si].tokens.clone()];
    let i = tokens.partition_point(|t| t.end <= at);
    i.checked_sub(1).map(|i| (tokens[i].start, tokens[i].end))
}

/// Is there punctuation between two words (a comma or full stop ends a frame)?
fn broken_between(text: &str, a: usize, b: usize) -> bool {
    text[a..b].chars().any(|c| ",;:.!?()[]\n".contains(c))
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// "a" or "an" before `word`, by its first letter (with the common exceptions).
pub(crate) fn article_for(word: &str) -> &'static str {
    let w = word.to_lowercase();
    let vowel = w.starts_with(['a', 'e', 'i', 'o', 'u']);
    let sounds_like_you = ["uni", "use", "usu", "eu", "one", "once"].iter().any(|p| w.starts_with(p));
    let silent_h = ["hour", "honest", "honour"].iter().any(|p| w.starts_with(p));
    if (vowel && !sounds_like_you) || silent_h { "an" } else { "a" }
}

/// Does the text before `at` in its sentence start the sentence or a line (nothing,
/// a bullet, a number, or a label ending in a colon)?
fn starts_line(doc: &Document, si: usize, at: usize) -> bool {
    let s = &doc.sentences[si];
    let from = s.start.min(at);
    let line_start = doc.text[from..at].rfind('\n').map_or(from, |i| from + i + 1);
    let before = doc.text[line_start..at].trim();
    before.is_empty() || before.ends_with(':') || before.chars().all(|c| !c.is_alphanumeric() || c.is_ascii_digit())
}

/// The mutation the written term shows against the radical form its word list gives
/// ("becyn" for "pecyn": soft), `Some(None)` if it is written as the list has it.
fn shown_mutation(written: &str, term: &Term) -> Option<Option<welsh::Mutation>> {
    let first = written.split_whitespace().next()?.to_lowercase();
    for phrase in &term.phrases {
        let radical = phrase.split_whitespace().next()?.split('|').next()?.to_lowercase();
        if radical == first {
            // Unmutated: telling only where a mutation could have shown.
            let mutable = ["p", "t", "c", "b", "d", "g", "m", "ll", "rh"].iter().any(|p| radical.starts_with(p));
            return mutable.then_some(None);
        }
        for m in [welsh::Mutation::Soft, welsh::Mutation::Aspirate, welsh::Mutation::Nasal] {
            if welsh::mutate(&radical, m) == first {
                return Some(Some(m));
            }
        }
    }
    None
}

/// After "ei": the mutation the written term shows, `Some(Some(Soft))` for "his",
/// `Some(Some(Aspirate))` for "her", `None` where the written form cannot tell.
fn possessive_ei(written: &str) -> Option<Option<welsh::Mutation>> {
    let w = written.to_lowercase();
    let starts = |p: &[&str]| p.iter().any(|p| w.starts_with(p));
    // "Her": aspirated, or m, ll, rh left as they are ("ei mam", "ei llaw").
    if starts(&["ph", "th", "ch", "m", "ll", "rh"]) {
        return Some(Some(welsh::Mutation::Aspirate));
    }
    // "His": soft-mutated ("ei ddiwrnod", "ei fam", "ei law", "ei rieni").
    if starts(&["dd", "f", "l", "r"]) && !starts(&["ff"]) {
        return Some(Some(welsh::Mutation::Soft));
    }
    // b, d, g, a vowel or h could be either.
    None
}

/// Words before a noun that stand for its "the".
const EN_DETERMINERS: &[&str] = &["a", "an", "the", "this", "that", "our", "their", "his", "her", "my", "your", "its", "every", "each", "any", "no"];
const CY_DETERMINERS: &[&str] = &["y", "yr", "ei", "eu", "fy", "dy", "ein", "eich", "'i", "’i", "'u", "’u"];
/// After "y": a verb, so "y" is the particle ("cytunwyd y bydd …"), not the article.
const CY_VERBS_AFTER_PARTICLE: &[&str] = &[
    "bydd", "byddai", "byddan", "byddant", "byddwn", "byddwch", "dylai", "dylid", "dylen", "gallai", "gall", "gellid", "gellir", "oedd", "roedd",
    "mae", "maen", "fydd", "fyddai", "ddylai", "allai", "gallen", "cafodd", "caiff", "cai", "daw", "deuai", "aeth", "â", "wnaeth", "gwnaeth", "gwnâi", "dylent",
];
/// Words after a verb that are not its object: prepositions, conjunctions, particles.
const CY_NOT_OBJECT: &[&str] = &[
    "â", "ag", "a", "ac", "ar", "i", "gan", "gyda", "efo", "yn", "am", "o", "at", "wrth", "dros", "drwy", "trwy", "heb", "hyd", "mewn", "ynghylch", "ynglŷn",
    "ers", "mai", "nad", "na", "nag", "y", "yr", "'r", "’r", "fod", "hefyd", "eto", "ddoe", "heddiw", "yna", "wedyn", "felly", "gyntaf", "ymlaen",
    "ei", "eu", "fy", "dy", "ein", "eich", "pan", "os", "er", "fel", "cyn", "ôl", "ddydd", "nos", "bore",
];

/// Is `word` (lower case) a determiner in `lang` ("the", "our"; "y", "ei", "Mae'r")?
fn is_determiner(word: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => EN_DETERMINERS.contains(&word),
        Lang::Cy => CY_DETERMINERS.contains(&word) || word.ends_with("'r") || word.ends_with("’r"),
    }
}

/// Forms of "be" and "get" before a verb that make it passive.
const PASSIVE_BEFORE: &[&str] = &["was", "were", "is", "are", "be", "been", "being", "get", "gets", "got", "getting", "am"];

/// The replacements to offer for a term at `start`: its passive ones after a form of
/// "be" or "get", where it has them.
pub fn replacements<'t>(doc: &Document, si: usize, start: usize, term: &'t Term) -> &'t [String] {
    if term.passive.is_empty() && term.determined.is_empty() {
        return &term.suggest;
    }
    let before = word_before(doc, si, start).filter(|w| !broken_between(doc.text, w.1, start));
    let word = before.map(|(a, b)| doc.text[a..b].to_lowercase()).unwrap_or_default();
    if !term.passive.is_empty() && PASSIVE_BEFORE.contains(&word.as_str()) {
        return &term.passive;
    }
    if !term.determined.is_empty() && is_determiner(&word, term.lang) {
        return &term.determined;
    }
    &term.suggest
}

/// The fix that puts `replacement` for the term at `start..end` of sentence `si`, or
/// `None` where the replacement cannot fit (its frame's word is not there).
pub fn fit(doc: &Document, si: usize, start: usize, end: usize, replacement: &str, term: &Term) -> Option<Fix> {
    let text = doc.text;
    // A replacement is in its word list's language: not for a sentence in the other.
    if doc.sentences[si].lang != term.lang {
        return None;
    }
    let (mut s, mut e) = (start, end);
    let mut rep = replacement.to_string();
    // The verb's frame: its object up to the word it takes.
    if rep.contains("{}") {
        let takes = term.takes.as_deref()?;
        let after: Vec<(usize, usize)> = words_from(doc, si, end).take(OBJECT_WORDS + 1).collect();
        let mut prev = end;
        let mut found = None;
        for w in after {
            if broken_between(text, prev, w.0) {
                break;
            }
            if text[w.0..w.1].eq_ignore_ascii_case(takes) {
                found = Some(w);
                break;
            }
            prev = w.1;
        }
        let (ts, te) = found?;
        let object = text[end..ts].split_whitespace().collect::<Vec<_>>().join(" ");
        rep = rep.replace("{}", &object).split_whitespace().collect::<Vec<_>>().join(" ");
        e = te;
    }
    // A frame with no object ("was signposted to …" → "was told about …"): the word
    // it takes must come next, and goes with the term.
    if let (Some(takes), false) = (term.takes.as_deref(), replacement.contains("{}")) {
        let (ns, ne) = words_from(doc, si, e).next().filter(|w| !broken_between(text, e, w.0))?;
        if !text[ns..ne].eq_ignore_ascii_case(takes) {
            return None;
        }
        e = ne;
    }
    let next = words_from(doc, si, e).next().filter(|w| !broken_between(text, e, w.0));
    let prev = word_before(doc, si, s).filter(|w| !broken_between(text, w.1, s));
    // No doubled word where the replacement ends as the text goes on.
    if let (Some((ns, ne)), Some(last)) = (next, rep.split_whitespace().last().map(str::to_string)) {
        let next_word = &text[ns..ne];
        let same = next_word.eq_ignore_ascii_case(&last)
            || (term.lang == Lang::Cy && ["â", "ag", "gyda", "efo"].contains(&last.as_str()) && ["â", "ag", "gyda", "efo", "â’r", "â'r"].iter().any(|p| next_word.eq_ignore_ascii_case(p)));
        if same && rep.split_whitespace().count() > 1 {
            rep = rep[..rep.rfind(' ').unwrap_or(rep.len())].trim_end().to_string();
        }
    }
    // A replacement that brings its own "the"/"y" ("SU" → "the person") after a
    // determiner already there ("the SU", "our SU", "yr SU", "Mae'r SU") leaves it off.
    if let Some((ps, pe)) = prev {
        let before = text[ps..pe].to_lowercase();
        let own = match term.lang {
            Lang::En => "the ",
            Lang::Cy => "y ",
        };
        if is_determiner(&before, term.lang) && rep.len() > own.len() && rep[..own.len()].eq_ignore_ascii_case(own) {
            rep = rep[own.len()..].to_string();
        }
    }
    // The verb's object after a Welsh personal form: soft-mutated, and "yr"/"y"
    // (the article, not the particle before a verb) joined to the pronoun as "'r".
    if term.object_soft {
        if let Some((ns, ne)) = words_from(doc, si, e).next().filter(|w| !broken_between(text, e, w.0)) {
            let word = &text[ns..ne];
            let lower = word.to_lowercase();
            let after = words_from(doc, si, ne).next().map(|w| text[w.0..w.1].to_lowercase()).unwrap_or_default();
            if (lower == "y" || lower == "yr") && !CY_VERBS_AFTER_PARTICLE.contains(&after.as_str()) {
                rep.push_str("'r");
                e = ne;
            } else if !CY_NOT_OBJECT.contains(&lower.as_str())
                && !word.starts_with(char::is_uppercase)
                && !word.starts_with(|c: char| c.is_ascii_digit())
                && text[e..ns].trim().is_empty()
            {
                let mutated = welsh::mutate(word, welsh::Mutation::Soft);
                if mutated != word {
                    rep = format!("{rep} {mutated}");
                    e = ne;
                }
            }
        }
    }
    // The article before the term.
    if term.lang == Lang::En {
        if let Some((ps, pe)) = prev {
            let article = &text[ps..pe];
            if article.eq_ignore_ascii_case("a") || article.eq_ignore_ascii_case("an") {
                if term.drop_article {
                    s = ps;
                } else {
                    let fitted = article_for(&rep);
                    if !article.eq_ignore_ascii_case(fitted) {
                        rep = format!("{} {rep}", if article.starts_with('A') { upper_first(fitted) } else { fitted.to_string() });
                        s = ps;
                    }
                }
            }
        }
    }
    if term.lang == Lang::Cy {
        // A match that ends inside "â'r": the article goes with the replacement ("yn
        // unol â'r cynllun" → "yn ôl y cynllun").
        let tail = &text[e..];
        if let Some(clitic) = ["'r", "’r"].iter().find(|c| tail.starts_with(*c)) {
            e += clitic.len();
            let next_word = words_from(doc, si, e).next().map(|w| &text[w.0..w.1]).unwrap_or("");
            if rep.ends_with(|c: char| "aeiouwyâêîôûŵŷ".contains(c)) {
                rep.push_str(clitic);
            } else {
                rep.push_str(if welsh::starts_with_vowel(next_word) || next_word.to_lowercase().starts_with('h') { " yr" } else { " y" });
            }
        } else if let Some(clitic) = ["'i", "’i", "'u", "’u"].iter().find(|c| tail.starts_with(*c)) {
            // So with "â'i" ("mewn perthynas â'i hawliad"): "'i" joins a vowel only;
            // after a consonant it is "ei" ("am ei hawliad", not "am'i").
            e += clitic.len();
            if rep.ends_with(|c: char| "aeiouwyâêîôûŵŷ".contains(c)) {
                rep.push_str(clitic);
            } else {
                rep.push_str(if clitic.ends_with('i') { " ei" } else { " eu" });
            }
        }
        // The word after the match was mutated for the match's last word ("mewn
        // perthynas â chostau"); under the replacement's last word it may need another
        // form. An aspirate is undone (ch/ph/th → c/p/t) and the new mutation applied;
        // other cases are too ambiguous to undo, so the replacement is not offered.
        let old_last = text[start..end].split_whitespace().last().unwrap_or("");
        let new_last = rep.split_whitespace().last().unwrap_or("");
        let (old_m, new_m) = (welsh::mutation_after(old_last), welsh::mutation_after(new_last));
        if old_m.is_some() && old_m != new_m && !text[e..].starts_with(['\'', '’']) {
            if let Some((ns, ne)) = words_from(doc, si, e).next().filter(|w| !broken_between(text, e, w.0)) {
                let word = &text[ns..ne];
                let lower = word.to_lowercase();
                let radical = match old_m {
                    Some(welsh::Mutation::Aspirate) => ["ch", "ph", "th"].iter().find(|p| lower.starts_with(*p)).map(|p| format!("{}{}", &p[..1], &word[2..])),
                    _ => None,
                };
                let changed = match (old_m, &radical) {
                    (Some(welsh::Mutation::Aspirate), Some(r)) => Some(new_m.map_or(r.clone(), |m| welsh::mutate(r, m))),
                    (Some(welsh::Mutation::Aspirate), None) => None,
                    _ => return None,
                };
                if let Some(new_word) = changed {
                    rep = format!("{rep} {new_word}");
                    e = ne;
                }
            }
        }
        if let Some((ps, pe)) = prev {
            // The article before the replacement: "yr" before a vowel, "y" before a consonant.
            let article = &text[ps..pe];
            if article == "y" || article == "yr" {
                let fitted = if welsh::starts_with_vowel(&rep) || rep.to_lowercase().starts_with('h') { "yr" } else { "y" };
                if article != fitted {
                    rep = format!("{fitted} {rep}");
                    s = ps;
                }
            }
            let before = &text[ps..pe];
            // "ei" is "his" (soft) or "her" (aspirate, "h" before a vowel): the
            // term's own written form says which; where it cannot, no fix.
            let possessive = match before.to_lowercase().as_str() {
                "ei" | "’i" | "'i" => Some(shown_mutation(&text[start..end], term).or_else(|| possessive_ei(&text[start..end]))?),
                _ => None,
            };
            // Otherwise a mutation the written term shows is the one its place
            // demands ("a gytunwyd": the relative "a", soft, not the aspirate of "and").
            // Not after the article: there the mutation shows the term's gender ("y
            // ddarpariaeth", feminine), which the replacement need not share ("y
            // gwasanaeth").
            let after_article = ["y", "yr"].contains(&before.to_lowercase().as_str()) || before.ends_with("'r") || before.ends_with("’r");
            let shown = shown_mutation(&text[start..end], term).flatten().filter(|_| !after_article);
            if let Some(m) = possessive.flatten().or(shown).or_else(|| welsh::mutation_after(before)) {
                let first_end = rep.find(' ').unwrap_or(rep.len());
                rep = format!("{}{}", welsh::mutate(&rep[..first_end], m), &rep[first_end..]);
            }
            if possessive == Some(Some(welsh::Mutation::Aspirate)) && welsh::starts_with_vowel(&rep) {
                rep = format!("h{rep}");
            }
            // "â"/"a" before a vowel are "ag"/"ac".
            let lower = before.to_lowercase();
            if (lower == "â" || lower == "a") && welsh::starts_with_vowel(&rep) {
                let form = if lower == "â" { "ag" } else { "ac" };
                rep = format!("{form} {rep}");
                s = ps;
            }
        }
        // A replacement ending in "â" before a vowel.
        if let Some((ns, ne)) = next {
            if rep.ends_with(" â") && welsh::starts_with_vowel(&text[ns..ne]) {
                rep.push('g');
            }
        }
    }
    // A replacement of several words that the sentence already says ("NFA" where "no
    // further action" is written out beside it) would say it twice.
    if rep.split_whitespace().count() > 1 {
        // Within a window around the term, so a long sentence costs linear time.
        let sentence = &doc.sentences[si];
        let from = floor_boundary(text, s.saturating_sub(DUPLICATE_WINDOW).max(sentence.start));
        let to = floor_boundary(text, (e + DUPLICATE_WINDOW).min(sentence.end.max(e)));
        if text[from..to].to_lowercase().contains(&rep.to_lowercase()) {
            return None;
        }
    }
    if starts_line(doc, si, s) {
        rep = upper_first(&rep);
    }
    Some(Fix { start: s, end: e, text: rep })
}

/// Does sentence `si` with `fix` applied read at least as well as it did
/// (`fluency::new_breakages`)?
pub fn reads_as_well(doc: &Document, si: usize, fix: &Fix, lang: Lang) -> bool {
    let s = &doc.sentences[si];
    let text = doc.text;
    // A window of a few words either side (the whole sentence when it is short), so
    // that a long sentence with many fixes still costs linear time; the capital is
    // judged only where the window starts the sentence.
    let (mut start, mut end) = (s.start.min(fix.start), s.end.max(fix.end));
    if fix.start - start > FLUENCY_WINDOW {
        let from = floor_boundary(text, fix.start - FLUENCY_WINDOW);
        start = text[from..fix.start].find(' ').map_or(fix.start, |i| from + i + 1);
    }
    if end - fix.end > FLUENCY_WINDOW {
        let to = floor_boundary(text, fix.end + FLUENCY_WINDOW);
        end = text[fix.end..to].rfind(' ').map_or(fix.end, |i| fix.end + i);
    }
    let original = &text[start..end];
    let fixed = format!("{}{}{}", &doc.text[start..fix.start], fix.text, &doc.text[fix.end..end]);
    super::fluency::new_breakages(original, &fixed, lang).is_empty()
}

/// Bytes either side of a term searched for its replacement already written out.
const DUPLICATE_WINDOW: usize = 200;

/// Bytes of context either side of a fix that the fluency gate reads.
const FLUENCY_WINDOW: usize = 80;


/// Most words in a sentence that a template is offered for: a longer one is better
/// reworked by the writer than wrapped.
const TEMPLATE_WORDS: usize = 30;

/// Where a sentence's words end: before its closing full stop, "!" or "?" (and any
/// closing quote or bracket after them stays outside too). `None` for a sentence over
/// more than one line or longer than `TEMPLATE_WORDS`.
fn content_end(doc: &Document, si: usize) -> Option<(usize, usize)> {
    let s = &doc.sentences[si];
    // The word count first: it is known, and a long sentence is never scanned.
    if s.tokens.len() > TEMPLATE_WORDS || s.tokens.is_empty() {
        return None;
    }
    let text = &doc.text[s.start..s.end];
    if text.trim().contains('\n') {
        return None;
    }
    let first = doc.tokens[s.tokens.start].start;
    let trimmed = text.trim_end();
    let body = trimmed.trim_end_matches(['.', '!', '?', '…']);
    if body.ends_with(':') {
        return None;
    }
    Some((first, s.start + body.len()))
}

/// " because …" (" oherwydd …") after a decision, for the writer to complete: the
/// finding's words to the end of the sentence, with the reason's opening after them.
pub fn reason_template(doc: &Document, si: usize, start: usize, lang: Lang) -> Option<Fix> {
    let (_, end) = content_end(doc, si)?;
    if end <= start {
        return None;
    }
    let tail = match lang {
        Lang::En => " because …",
        Lang::Cy => " oherwydd …",
    };
    Some(Fix { start, end, text: format!("{}{tail}", &doc.text[start..end]) })
}

/// "I think … because …" around a judgement ("Mum is hostile." → "I think Mum is
/// hostile because …."); in Welsh, a sentence opening "Mae" becomes "Rwy’n credu bod
/// … oherwydd …". `None` where the sentence does not take the frame (a question, a
/// Welsh sentence in another shape, an owner already there).
pub fn view_template(doc: &Document, si: usize, lang: Lang) -> Option<Fix> {
    let (first, end) = content_end(doc, si)?;
    let body = &doc.text[first..end];
    let (head, rest) = body.split_once(' ')?;
    let text = match lang {
        Lang::En => {
            let common = ["The", "He", "She", "They", "His", "Her", "Their", "It", "This", "There", "A", "An"];
            // The sentence must open with its subject ("Mum is …", "Mr Price lacks …"),
            // not a log line's verb ("Spoke to Mrs Carey, who …").
            const VERBS: &[&str] = &["is", "was", "are", "were", "has", "had", "seems", "seemed", "appears", "appeared", "lacks", "lacked", "remains", "remained", "can", "could", "will", "would", "does", "did", "presents", "presented", "continues", "becomes", "became", "gets", "got"];
            let second = rest.split_whitespace().next().unwrap_or("");
            let subject = common.contains(&head)
                || (head.starts_with(char::is_uppercase) && (VERBS.contains(&second) || second.starts_with(char::is_uppercase)));
            if !subject {
                return None;
            }
            let head = if common.contains(&head) { head.to_lowercase() } else { head.to_string() };
            format!("I think {head} {rest} because …")
        }
        Lang::Cy => {
            if !head.eq_ignore_ascii_case("mae") {
                return None;
            }
            format!("Rwy’n credu bod {rest} oherwydd …")
        }
    };
    Some(Fix { start: first, end, text })
}

