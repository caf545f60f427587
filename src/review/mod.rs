//! `cofnod review`: a scorecard of one record against the recording principles that
//! can be judged from its text (`principles.toml`): for each, met, partly, not seen
//! or not applicable, with the lines that show it and what to add.
//!
//! The scorecard is read off one analysis (`compare::Draft`: the findings of every
//! check, the facts of each sentence, the recording measures), so the editor, a bulk
//! run and a before-and-after comparison score a record the same way. It adds two
//! readings of its own: repetition (for proportionality) and the language the person
//! chose (the Active Offer).

pub mod html;
pub mod json;
pub mod text;

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use crate::checks::record::{is_record_rule, MIN_WORDS};
use crate::compare::Draft;
use crate::finding::{Category, Finding};
use crate::language::Lang;

/// The principles, in the order a scorecard shows them.
pub const PRINCIPLES: &[&str] = &["outcomes", "plain", "fact-opinion", "why", "strengths-risks", "voice", "analysis", "proportionate", "timely", "active-offer"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Met,
    Partly,
    NotSeen,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Met, Status::Partly, Status::NotSeen, Status::NotApplicable];

    pub fn id(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partly => "partly",
            Status::NotSeen => "not-seen",
            Status::NotApplicable => "n/a",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Status::Met, Lang::En) => "met",
            (Status::Partly, Lang::En) => "partly",
            (Status::NotSeen, Lang::En) => "not seen",
            (Status::NotApplicable, Lang::En) => "does not apply",
            (Status::Met, Lang::Cy) => "wedi'i fodloni",
            (Status::Partly, Lang::Cy) => "yn rhannol",
            (Status::NotSeen, Lang::Cy) => "heb ei weld",
            (Status::NotApplicable, Lang::Cy) => "ddim yn berthnasol",
        }
    }
}

/// One principle's result: its status, the findings that show it (indices into the
/// record's findings), and what to add (empty when met or not applicable).
#[derive(Clone, Debug)]
pub struct PrincipleResult {
    pub id: &'static str,
    pub status: Status,
    pub evidence: Vec<usize>,
    /// Why the status, in a few words, for the reader (in the scorecard's language).
    pub note: String,
}

pub struct Scorecard {
    pub principles: Vec<PrincipleResult>,
}

#[derive(Deserialize)]
struct PrincipleText {
    en: String,
    cy: String,
    #[serde(rename = "add-en")]
    add_en: String,
    #[serde(rename = "add-cy")]
    add_cy: String,
}

#[derive(Deserialize)]
struct LanguageChoice {
    chosen: Vec<String>,
    mentioned: Vec<String>,
}

/// The principles' names and advice, and the Active Offer's word lists.
pub struct Principles {
    text: BTreeMap<String, PrincipleText>,
    choice: LanguageChoice,
}

impl Principles {
    pub fn embedded() -> Principles {
        let mut table: toml::Table = toml::from_str(include_str!("principles.toml")).expect("embedded principles parse");
        let choice = table.remove("language-choice").expect("language-choice").try_into().expect("language-choice lists");
        let text = table.into_iter().map(|(k, v)| (k, v.try_into().expect("principle text"))).collect();
        Principles { text, choice }
    }

    pub fn name(&self, id: &str, lang: Lang) -> &str {
        let t = &self.text[id];
        match lang {
            Lang::En => &t.en,
            Lang::Cy => &t.cy,
        }
    }

    pub fn advice(&self, id: &str, lang: Lang) -> &str {
        let t = &self.text[id];
        match lang {
            Lang::En => &t.add_en,
            Lang::Cy => &t.add_cy,
        }
    }
}

/// Words in a record below which analysis and personal outcomes are not expected
/// (a phone call, a log line).
const BRIEF_WORDS: usize = MIN_WORDS as usize;

/// Plain-language findings per 100 words: under the first, met; under the second,
/// partly.
const PLAIN_MET: f64 = 1.5;
const PLAIN_PARTLY: f64 = 4.0;

/// Decisions without a reason, none given for any: not seen.
const WHY_NOT_SEEN: usize = 3;

/// Opinion and vague findings: up to the first, met; past the second (and dense),
/// not seen.
const OPINION_MET: usize = 1;
const OPINION_PARTLY: usize = 6;

/// Words in a record's first line that make it brief (a call, a log) or a visit:
/// records where personal outcomes are not expected.
const BRIEF_OR_VISIT: &[&str] = &["phone", "telephone", "call", "log", "duty", "email", "visit", "ffôn", "galwad", "alwad", "dyletswydd", "e-bost", "ymweliad"];

/// Sentences of five words or more that repeat an earlier sentence's five-word
/// run: one is a slip, this many is padding.
const REPEATS_PARTLY: usize = 3;
const REPEATS_NOT_SEEN: usize = 8;
const REPEAT_RUN: usize = 5;

/// A record longer than this is long for one record: partly proportionate (a long
/// assessment may need its length; the reader judges that).
const LONG_RECORD_WORDS: usize = 1500;

pub fn score(draft: &Draft, principles: &Principles, lang: Lang) -> Scorecard {
    let f = &draft.findings;
    let of = |pred: &dyn Fn(&Finding) -> bool| -> Vec<usize> { (0..f.len()).filter(|&i| pred(&f[i])).collect() };
    let rule = |r: &'static str| move |x: &Finding| x.rule == r;
    let cat = |c: Category| move |x: &Finding| x.category == c;
    let m = &draft.measures;
    let words = m.words;
    let brief = words < BRIEF_WORDS;
    let cy = lang == Lang::Cy;
    let say = |en: &str, cyw: &str| if cy { cyw.to_string() } else { en.to_string() };
    let mut out = Vec::new();

    // Personal outcomes in the person's words.
    {
        let outcomes = m.outcomes_in_persons_words + m.outcomes_in_professional_words + m.outcomes_as_service;
        let against = of(&|x| matches!(x.category, Category::OutputAsOutcome | Category::OwnWords | Category::OutcomeScore));
        let (status, note) = if outcomes == 0 && (brief || title_has(&draft.text, BRIEF_OR_VISIT)) {
            (Status::NotApplicable, say("a short note", "nodyn byr"))
        } else if outcomes == 0 {
            // What matters may be written without an outcome label the checks read.
            (Status::Partly, say("no outcome or what matters found under its own heading", "dim canlyniad na beth sy'n bwysig o dan ei bennawd ei hun"))
        } else if against.is_empty() {
            (Status::Met, say("outcomes in the person's terms", "canlyniadau yn nhermau'r person"))
        } else {
            (Status::Partly, say("some outcomes are services, stock words or bare scores", "mae rhai canlyniadau yn wasanaethau, geiriau stoc neu sgorau moel"))
        };
        out.push(PrincipleResult { id: "outcomes", status, evidence: against, note });
    }
    // Plain language.
    {
        let ev = of(&cat(Category::PlainLanguage));
        let density = ev.len() as f64 * 100.0 / words.max(1) as f64;
        let status = if density < PLAIN_MET { Status::Met } else if density < PLAIN_PARTLY { Status::Partly } else { Status::NotSeen };
        let note = say(&format!("{} jargon or acronym findings", ev.len()), &format!("{} o ganfyddiadau jargon neu acronym", ev.len()));
        out.push(PrincipleResult { id: "plain", status, evidence: ev, note });
    }
    // Fact and opinion.
    {
        let ev = of(&|x| matches!(x.category, Category::OpinionAsFact | Category::Vague));
        // One slip in a long record is not a habit; many, densely, are.
        let density = ev.len() as f64 * 100.0 / words.max(1) as f64;
        let status = if ev.len() <= OPINION_MET {
            Status::Met
        } else if ev.len() > OPINION_PARTLY && density >= 1.0 {
            Status::NotSeen
        } else {
            Status::Partly
        };
        let note = say(&format!("{} judgements or vague words without their basis", ev.len()), &format!("{} o farnau neu eiriau amwys heb eu sail", ev.len()));
        out.push(PrincipleResult { id: "fact-opinion", status, evidence: ev, note });
    }
    // The why of decisions.
    {
        let why1 = of(&|x| x.category == Category::Rationale && !is_record_rule(&x.rule));
        let why2 = of(&rule("rationale/no-alternatives"));
        let decisions = draft.sentences.iter().filter(|s| s.decision).count();
        let (status, note) = if decisions == 0 && why1.is_empty() && brief {
            (Status::NotApplicable, say("no decision recorded", "dim penderfyniad wedi'i gofnodi"))
        } else if why2.is_empty() && (why1.is_empty() || (why1.len() == 1 && m.decisions_with_reason > 0)) {
            // One slip among reasoned decisions is not a habit.
            (Status::Met, say("decisions give their reasons", "mae penderfyniadau'n rhoi eu rhesymau"))
        } else if why1.len() >= WHY_NOT_SEEN && m.decisions_with_reason == 0 {
            (Status::NotSeen, say("decisions are recorded with no reason", "mae penderfyniadau wedi'u cofnodi heb reswm"))
        } else {
            (Status::Partly, say("some decisions lack a reason or the options weighed", "mae rhai penderfyniadau heb reswm neu'r dewisiadau a bwyswyd"))
        };
        let mut ev = why1;
        ev.extend(why2);
        out.push(PrincipleResult { id: "why", status, evidence: ev, note });
    }
    // Strengths and risks.
    {
        let deficits = of(&cat(Category::Strengths));
        let risks = of(&cat(Category::Risk));
        let status = match (deficits.is_empty(), risks.is_empty()) {
            (true, true) => Status::Met,
            (false, false) => Status::NotSeen,
            _ => Status::Partly,
        };
        let note = match (deficits.is_empty(), risks.is_empty()) {
            (true, true) => say("no deficit-only description or bare risk found", "dim disgrifiad o ddiffygion yn unig na risg foel"),
            (false, _) if risks.is_empty() => say("the person is described only by deficits", "disgrifir y person drwy ddiffygion yn unig"),
            (true, false) => say("a risk is stated without reasons or a plan", "nodir risg heb resymau na chynllun"),
            _ => say("deficits only, and risks without reasons", "diffygion yn unig, a risgiau heb resymau"),
        };
        let mut ev = deficits;
        ev.extend(risks);
        out.push(PrincipleResult { id: "strengths-risks", status, evidence: ev, note });
    }
    // The person's voice.
    {
        let none = of(&rule("voice/no-words"));
        // A relative written as "Mum" is noted, but does not lower the principle alone.
        let some = of(&|x| x.rule == "voice/child-not-seen");
        let quoted = m.quoted_words;
        let (status, note) = if !none.is_empty() {
            (Status::NotSeen, say("none of the person's words", "dim o eiriau'r person"))
        } else if !some.is_empty() || (quoted == 0 && !brief) {
            (Status::Partly, say("the person's words are thin, or family are named only by role", "prin yw geiriau'r person, neu enwir teulu drwy eu rôl yn unig"))
        } else {
            (Status::Met, say("the person's words are recorded", "mae geiriau'r person wedi'u cofnodi"))
        };
        let mut ev = none;
        ev.extend(some);
        out.push(PrincipleResult { id: "voice", status, evidence: ev, note });
    }
    // Analysis.
    {
        let ev = of(&cat(Category::Analysis));
        let (status, note) = if brief && ev.is_empty() {
            (Status::NotApplicable, say("a short note", "nodyn byr"))
        } else if !ev.is_empty() {
            // The check finds no owned reading; a reader may still find some.
            (Status::Partly, say("mostly description", "disgrifio yn bennaf"))
        } else {
            (Status::Met, say("the writer says what it means", "mae'r awdur yn dweud beth mae'n ei olygu"))
        };
        out.push(PrincipleResult { id: "analysis", status, evidence: ev, note });
    }
    // Proportionate: repetition and length.
    {
        let repeats = repeated_sentences(draft);
        let status = if repeats >= REPEATS_NOT_SEEN {
            Status::NotSeen
        } else if repeats >= REPEATS_PARTLY || words > LONG_RECORD_WORDS {
            Status::Partly
        } else {
            Status::Met
        };
        let note = say(&format!("{words} words; {repeats} sentences repeat earlier ones"), &format!("{words} o eiriau; {repeats} brawddeg yn ailadrodd rhai cynharach"));
        out.push(PrincipleResult { id: "proportionate", status, evidence: Vec::new(), note });
    }
    // Timely.
    {
        let late = of(&rule("late-entry/unmarked"));
        let missing = of(&rule("late-entry/missing-date"));
        let dated = has_date(&draft.text);
        let (status, note) = if !late.is_empty() {
            (Status::Partly, say("written days after the event, not marked late", "wedi'i ysgrifennu ddyddiau ar ôl y digwyddiad, heb ei nodi'n hwyr"))
        } else if !missing.is_empty() || !dated {
            (Status::Partly, say("a date of the event or of writing is missing", "mae dyddiad y digwyddiad neu'r ysgrifennu ar goll"))
        } else {
            (Status::Met, say("dated", "wedi'i ddyddio"))
        };
        let mut ev = late;
        ev.extend(missing);
        out.push(PrincipleResult { id: "timely", status, evidence: ev, note });
    }
    // The Active Offer.
    {
        let lower = draft.text.to_lowercase();
        let chosen = principles.choice.chosen.iter().any(|w| lower.contains(w.as_str()));
        let mentioned = principles.choice.mentioned.iter().any(|w| contains_word(&lower, w));
        // A record written in Welsh shows the language in use.
        let welsh = matches!(draft.language, crate::language::DocLanguage::Cy);
        let (status, note) = if chosen || (welsh && mentioned) {
            (Status::Met, say("the language chosen is recorded", "mae'r iaith a ddewiswyd wedi'i chofnodi"))
        } else if lower.contains("language:") || lower.contains("iaith:") {
            (Status::Partly, say("a language is mentioned, not the choice offered", "sonnir am iaith, nid am y dewis a gynigiwyd"))
        } else {
            (Status::NotSeen, say("no record of the language chosen", "dim cofnod o'r iaith a ddewiswyd"))
        };
        out.push(PrincipleResult { id: "active-offer", status, evidence: Vec::new(), note });
    }
    Scorecard { principles: out }
}

/// Does `word` occur in `text` as a whole word (or phrase)?
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[i + word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// Does the record's first line hold one of `words` (as a word)?
fn title_has(text: &str, words: &[&str]) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").to_lowercase();
    words.iter().any(|w| contains_word(&first, w))
}

/// Is there a date in the record?
fn has_date(text: &str) -> bool {
    !crate::checks::record::dates::find(text, 0).is_empty()
}

/// Sentences whose run of `REPEAT_RUN` words appeared in an earlier sentence: the
/// same thing said again. Linear in the record's length (a set of hashed runs).
fn repeated_sentences(draft: &Draft) -> usize {
    use std::hash::{Hash, Hasher};
    let mut seen: HashSet<u64> = HashSet::new();
    let mut repeats = 0;
    for s in &draft.sentences {
        let words: Vec<String> = draft.text[s.start..s.end]
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.len() < REPEAT_RUN {
            continue;
        }
        let runs: Vec<u64> = words
            .windows(REPEAT_RUN)
            .map(|w| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                w.hash(&mut h);
                h.finish()
            })
            .collect();
        if runs.iter().any(|r| seen.contains(r)) {
            repeats += 1;
        }
        seen.extend(runs);
    }
    repeats
}

/// Counts of each status per principle over many records (a team's scorecard).
#[derive(Default)]
pub struct Tally {
    pub records: usize,
    pub counts: BTreeMap<&'static str, [usize; 4]>,
}

impl Tally {
    pub fn add(&mut self, card: &Scorecard) {
        self.records += 1;
        for p in &card.principles {
            let i = Status::ALL.iter().position(|s| *s == p.status).expect("a status");
            self.counts.entry(p.id).or_default()[i] += 1;
        }
    }
}
