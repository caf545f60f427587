//! The labelled corpus (`corpus/README.md` describes the format) and its scoring.
//! Used by the corpus test and by `cofnod corpus`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub mod records;

use crate::engine::Engine;
use crate::finding::Category;
use crate::language::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Split {
    Train,
    Validation,
    Test,
}

impl Split {
    /// Stable split from the case id: FNV-1a, so it never changes between runs or
    /// Rust versions. About 60% train, 20% validation, 20% test.
    pub fn of(id: &str) -> Split {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in id.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        match h % 10 {
            0..=5 => Split::Train,
            6 | 7 => Split::Validation,
            _ => Split::Test,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub lang: Lang,
    /// Empty for a clean case.
    pub expect: Vec<Category>,
    pub text: String,
    pub file: PathBuf,
    pub line: usize,
}

impl Case {
    pub fn split(&self) -> Split {
        Split::of(&self.id)
    }
}

/// One entry of a `.cases` or `.records` file: a header `=== ID | field | …` and the
/// text under it, up to the next header.
pub(crate) struct Entry<'s> {
    pub line: usize,
    /// `file:line`, for errors.
    pub at: String,
    pub id: String,
    pub fields: Vec<&'s str>,
    pub text: String,
}

/// The entries of a `.cases` or `.records` file (lines before the first header are
/// comments), ids checked to be lowercase letters, digits and hyphens and every entry
/// to have text. `what` names an entry in errors ("case", "record").
pub(crate) fn entries<'s>(source: &'s str, file: &Path, what: &str) -> Result<Vec<Entry<'s>>, String> {
    let mut out: Vec<Entry> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let finish = |out: &mut Vec<Entry>, body: &mut Vec<&str>| {
        if let Some(e) = out.last_mut() {
            e.text = body.join("\n").trim_matches(|c| c == '\n' || c == '\r').to_string();
        }
        body.clear();
    };
    for (n, line) in source.lines().enumerate() {
        let Some(header) = line.strip_prefix("===") else {
            if !out.is_empty() {
                body.push(line);
            }
            continue;
        };
        finish(&mut out, &mut body);
        let at = format!("{}:{}", file.display(), n + 1);
        let mut parts = header.split('|').map(str::trim);
        let id = parts.next().unwrap_or("").to_string();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(format!("{at}: {what} id \"{id}\" must be lowercase letters, digits and hyphens"));
        }
        out.push(Entry { line: n + 1, at, id, fields: parts.collect(), text: String::new() });
    }
    finish(&mut out, &mut body);
    if let Some(empty) = out.iter().find(|e| e.text.trim().is_empty()) {
        return Err(format!("{}: {what} \"{}\" has no text", empty.at, empty.id));
    }
    Ok(out)
}

/// Parses one `.cases` file. `lang` comes from its folder.
pub fn parse_cases(source: &str, lang: Lang, file: &Path) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for e in entries(source, file, "case")? {
        let mut expect = None;
        for part in &e.fields {
            if let Some(labels) = part.strip_prefix("expect:") {
                let mut cats = Vec::new();
                for label in labels.split(',').map(str::trim) {
                    if label == "clean" {
                        continue;
                    }
                    cats.push(Category::from_id(label).ok_or_else(|| format!("{}: unknown label \"{label}\"", e.at))?);
                }
                cats.sort();
                cats.dedup();
                expect = Some(cats);
            } else if !part.starts_with("note:") {
                return Err(format!("{}: unknown header field \"{part}\"", e.at));
            }
        }
        let expect = expect.ok_or_else(|| format!("{}: case \"{}\" has no expect:", e.at, e.id))?;
        cases.push(Case { id: e.id, lang, expect, text: e.text, file: file.to_path_buf(), line: e.line });
    }
    Ok(cases)
}

/// The files of `dir` with extension `ext`, sorted; an error names the folder.
pub(crate) fn files_with(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    Ok(files)
}

/// Every case under `root/en` and `root/cy`, ids checked for uniqueness.
pub fn load(root: &Path) -> Result<Vec<Case>, String> {
    let mut all = Vec::new();
    for (dir, lang) in [("en", Lang::En), ("cy", Lang::Cy)] {
        for file in files_with(&root.join(dir), "cases")? {
            let source = crate::input::read_text(&file, 64 * crate::input::MB)?;
            all.extend(parse_cases(&source, lang, &file)?);
        }
    }
    let mut seen = BTreeMap::new();
    for c in &all {
        if let Some(first) = seen.insert(c.id.clone(), (c.file.clone(), c.line)) {
            return Err(format!("duplicate case id \"{}\" at {}:{} and {}:{}", c.id, first.0.display(), first.1, c.file.display(), c.line));
        }
    }
    Ok(all)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
    /// One decision: should the category have been raised, and was it?
    pub fn of(expected: bool, raised: bool) -> Counts {
        match (expected, raised) {
            (true, true) => Counts { tp: 1, ..Default::default() },
            (true, false) => Counts { fn_: 1, ..Default::default() },
            (false, true) => Counts { fp: 1, ..Default::default() },
            (false, false) => Counts::default(),
        }
    }

    /// One labelled sentence of a record: `may` categories count either way.
    pub fn of_sentence(cat: Category, must: &[Category], may: &[Category], raised: bool) -> Counts {
        if may.contains(&cat) { Counts::default() } else { Counts::of(must.contains(&cat), raised) }
    }

    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// A case the engine got wrong for one category.
#[derive(Clone, Debug)]
pub struct Miss {
    pub case: usize,
    pub category: Category,
    /// True: flagged but not expected. False: expected but not flagged.
    pub false_positive: bool,
    /// The engine's finding (rule and excerpt) for false positives.
    pub detail: String,
}

pub struct Report {
    /// Per language and category.
    pub counts: BTreeMap<(Lang, Category), Counts>,
    /// Per split, language and category.
    pub by_split: BTreeMap<(Split, Lang, Category), Counts>,
    pub misses: Vec<Miss>,
    pub cases: usize,
    pub clean: BTreeMap<Lang, (usize, usize)>,
}

pub fn evaluate(engine: &Engine, cases: &[Case]) -> Report {
    evaluate_by(&|text| engine.analyse(text).findings, cases)
}

/// As `evaluate`, for the rules and the models together.
pub fn evaluate_with_models(engine: &Engine, models: &crate::models::Models, cases: &[Case]) -> Report {
    evaluate_by(&|text| engine.analyse_with_models(text, models).findings, cases)
}

pub fn evaluate_by(analyse: &dyn Fn(&str) -> Vec<crate::finding::Finding>, cases: &[Case]) -> Report {
    let mut counts: BTreeMap<(Lang, Category), Counts> = BTreeMap::new();
    let mut by_split: BTreeMap<(Split, Lang, Category), Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut clean: BTreeMap<Lang, (usize, usize)> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        let entry = clean.entry(case.lang).or_default();
        entry.1 += 1;
        if case.expect.is_empty() {
            entry.0 += 1;
        }
        let findings = analyse(&case.text);
        for cat in Category::ALL {
            let found: Vec<_> = findings.iter().filter(|f| f.category == cat).collect();
            let expected = case.expect.contains(&cat);
            let c = Counts::of(expected, !found.is_empty());
            if c.fp + c.fn_ > 0 {
                let detail = found
                    .iter()
                    .map(|f| format!("{} “{}”", f.rule, &case.text[f.start..f.end]))
                    .collect::<Vec<_>>()
                    .join("; ");
                misses.push(Miss { case: i, category: cat, false_positive: c.fp > 0, detail });
            }
            counts.entry((case.lang, cat)).or_default().add(c);
            by_split.entry((case.split(), case.lang, cat)).or_default().add(c);
        }
    }
    Report { counts, by_split, misses, cases: cases.len(), clean }
}

impl Report {
    pub fn total(&self, lang: Lang) -> Counts {
        let mut t = Counts::default();
        for ((l, _), c) in &self.counts {
            if *l == lang {
                t.add(*c);
            }
        }
        t
    }

    pub fn split_total(&self, split: Split, lang: Lang, cat: Category) -> Counts {
        self.by_split.get(&(split, lang, cat)).copied().unwrap_or_default()
    }

    /// The precision/recall table, per language and category, with per-split F1.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9} {:>7} {:>5}   {:>5} {:>5} {:>5}", "lang", "category", "tp", "fp", "fn", "precision", "recall", "F1", "train", "valid", "test");
        for lang in [Lang::En, Lang::Cy] {
            for cat in Category::ALL {
                let c = self.counts.get(&(lang, cat)).copied().unwrap_or_default();
                // A newer check (issue 16) with no cases and no findings yet: no row.
                if !cat.is_established() && c.tp + c.fp + c.fn_ == 0 {
                    continue;
                }
                let f = |s| self.split_total(s, lang, cat).f1();
                let _ = writeln!(
                    out,
                    "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>5.3}   {:>5.3} {:>5.3} {:>5.3}",
                    lang.code(), cat.id(), c.tp, c.fp, c.fn_, c.precision(), c.recall(), c.f1(),
                    f(Split::Train), f(Split::Validation), f(Split::Test)
                );
            }
            let t = self.total(lang);
            let (clean, n) = self.clean.get(&lang).copied().unwrap_or_default();
            let _ = writeln!(
                out,
                "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>5.3}   ({n} cases, {clean} clean)",
                lang.code(), "all", t.tp, t.fp, t.fn_, t.precision(), t.recall(), t.f1()
            );
            let mut held_out = Counts::default();
            for cat in Category::ALL {
                held_out.add(self.split_total(Split::Test, lang, cat));
            }
            let _ = writeln!(
                out,
                "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>5.3}   (held-out test split only)",
                lang.code(), "all, test split", held_out.tp, held_out.fp, held_out.fn_, held_out.precision(), held_out.recall(), held_out.f1()
            );
        }
        out
    }

    /// Failures outside the test split, for tuning rules.
    pub fn misses_text(&self, cases: &[Case]) -> String {
        let mut out = String::new();
        for m in &self.misses {
            let case = &cases[m.case];
            if case.split() == Split::Test {
                continue;
            }
            let kind = if m.false_positive { "FP" } else { "FN" };
            let _ = writeln!(out, "{kind} {} {} [{}] {}", m.category, case.id, case.split().name(), m.detail);
            let _ = writeln!(out, "    {}", case.text.replace('\n', "\n    "));
        }
        out
    }
}
