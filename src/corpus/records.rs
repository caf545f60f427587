//! Whole records labelled sentence by sentence (`corpus/records/README.md`): the
//! corpus of issue 14, in the registers practitioners write and in real public text.
//! Records carry no labels; the consensus of two labellings (`records/labels/*.tsv`)
//! says, per sentence, which categories a checker must raise and which it may.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::finding::{Category, Finding};
use crate::language::Lang;

use super::{Counts, Split};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Written by the project's authors.
    Written,
    /// Quoted exactly from the public page at this address.
    Real(String),
}

impl Source {
    pub fn is_real(&self) -> bool {
        matches!(self, Source::Real(_))
    }
    pub fn kind(&self) -> &'static str {
        if self.is_real() { "real" } else { "written" }
    }
}

#[derive(Clone, Debug)]
pub struct Record {
    pub id: String,
    pub lang: Lang,
    pub register: String,
    pub source: Source,
    pub text: String,
    pub file: PathBuf,
    pub line: usize,
}

impl Record {
    pub fn split(&self) -> Split {
        Split::of(&self.id)
    }
}


/// Parses one `.records` file; `lang` comes from its folder.
pub fn parse_records(source: &str, lang: Lang, file: &Path) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    for e in super::entries(source, file, "record")? {
        let at = &e.at;
        if !e.id.starts_with(&format!("{}-", lang.code())) {
            return Err(format!("{at}: record id \"{}\" must start with \"{}-\"", e.id, lang.code()));
        }
        let (mut register, mut src) = (None, None);
        for part in &e.fields {
            if let Some(r) = part.strip_prefix("register:") {
                register = Some(r.trim().to_string());
            } else if let Some(s) = part.strip_prefix("source:") {
                src = Some(match s.trim() {
                    "written" => Source::Written,
                    url if url.starts_with("http://") || url.starts_with("https://") => Source::Real(url.to_string()),
                    other => return Err(format!("{at}: source must be \"written\" or an address, not \"{other}\"")),
                });
            } else {
                return Err(format!("{at}: unknown header field \"{part}\""));
            }
        }
        let register = register.filter(|r| !r.is_empty()).ok_or_else(|| format!("{at}: record \"{}\" has no register:", e.id))?;
        let source = src.ok_or_else(|| format!("{at}: record \"{}\" has no source:", e.id))?;
        records.push(Record { id: e.id, lang, register, source, text: e.text, file: file.to_path_buf(), line: e.line });
    }
    Ok(records)
}

/// Every record under `root/records/en` and `root/records/cy`, ids unique.
pub fn load_records(root: &Path) -> Result<Vec<Record>, String> {
    let mut all = Vec::new();
    for (dir, lang) in [("en", Lang::En), ("cy", Lang::Cy)] {
        let folder = root.join("records").join(dir);
        if !folder.is_dir() {
            continue;
        }
        for file in super::files_with(&folder, "records")? {
            let source = crate::input::read_text(&file, 64 * crate::input::MB)?;
            all.extend(parse_records(&source, lang, &file)?);
        }
    }
    let mut seen = HashMap::new();
    for r in &all {
        if let Some((f, l)) = seen.insert(r.id.clone(), (r.file.clone(), r.line)) {
            return Err(format!("duplicate record id \"{}\" at {}:{} and {}:{}", r.id, f.display(), l, r.file.display(), r.line));
        }
    }
    Ok(all)
}

/// A sentence of a record as cofnod's splitter cuts it: `RECORD.sN` (N from 1).
#[derive(Clone, Debug)]
pub struct SentenceSpan {
    pub id: String,
    pub start: usize,
    pub end: usize,
}

/// The sentences of `record`, numbered as the labellers saw them.
pub fn sentences(engine: &Engine, record: &Record) -> Vec<SentenceSpan> {
    engine.with_document(&record.text, |doc| {
        doc.sentences
            .iter()
            .enumerate()
            .map(|(i, s)| SentenceSpan { id: format!("{}.s{}", record.id, i + 1), start: s.start, end: s.end })
            .collect()
    })
}

/// Text on one line, for a TSV cell: every run of whitespace becomes one space, and
/// tabs cannot survive.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The packet a labeller reads (each record with `[sN]` before each of its
/// sentences, its layout kept) and the skeleton TSV the labels are joined to
/// (`id lang register source text`).
pub fn packet(engine: &Engine, records: &[Record]) -> (String, String) {
    let mut text = String::new();
    let mut tsv = String::from("id\tlang\tregister\tsource\ttext\n");
    for r in records {
        let _ = writeln!(text, "## RECORD {} (register: {})", r.id, r.register);
        let mut at = 0;
        for (i, s) in sentences(engine, r).iter().enumerate() {
            text.push_str(&r.text[at..s.start]);
            let _ = write!(text, "[s{}] {}", i + 1, &r.text[s.start..s.end]);
            at = s.end;
            let src = match &r.source {
                Source::Written => "written",
                Source::Real(url) => url,
            };
            let _ = writeln!(tsv, "{}\t{}\t{}\t{}\t{}", s.id, r.lang.code(), r.register, src, one_line(&r.text[s.start..s.end]));
        }
        text.push_str(&r.text[at..]);
        text.push_str("\n\n");
    }
    (text, tsv)
}

/// One labelled sentence, placed in its record.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub id: String,
    pub record: usize,
    pub start: usize,
    pub end: usize,
    pub must: Vec<Category>,
    pub may: Vec<Category>,
}

fn categories(field: &str, at: &str) -> Result<Vec<Category>, String> {
    let mut out = Vec::new();
    for c in field.split([',', '|']).map(str::trim).filter(|c| !c.is_empty()) {
        out.push(Category::from_id(c).ok_or_else(|| format!("{at}: unknown category \"{c}\""))?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Byte range of `needle` in `hay` from `from` on, where any run of whitespace in
/// either matches any run in the other.
fn find_loose(hay: &str, needle: &str, from: usize) -> Option<(usize, usize)> {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let first = *words.first()?;
    let mut search = from;
    while let Some(off) = hay[search..].find(first) {
        let start = search + off;
        let mut at = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &hay[at..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(w) {
                ok = false;
                break;
            }
            at += rest.len() - trimmed.len() + w.len();
        }
        if ok {
            return Some((start, at));
        }
        search = start + first.len();
    }
    None
}

/// A TSV cell as `shared/tools/agreement.py` writes it (Python's csv with no
/// quoting and `\\` as the escape character): `\\X` stands for `X`.
fn unescape(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The consensus label files (`records/labels/*.tsv`, not the single labellings
/// `*.a.tsv`, `*.b.tsv`), each row placed in its record by its text.
pub fn load_labels(root: &Path, records: &[Record]) -> Result<Vec<Labelled>, String> {
    let by_id: HashMap<&str, usize> = records.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    let dir = root.join("records").join("labels");
    if !dir.is_dir() {
        return Ok(out);
    }
    for file in super::files_with(&dir, "tsv")? {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".a.tsv") || name.ends_with(".b.tsv") {
            continue;
        }
        let source = crate::input::read_text(&file, 64 * crate::input::MB)?;
        let mut lines = source.lines().enumerate();
        let header: Vec<&str> = lines.next().map(|(_, h)| h.split('\t').collect()).unwrap_or_default();
        let col = |name: &str| header.iter().position(|h| *h == name).ok_or_else(|| format!("{}: no column \"{name}\"", file.display()));
        let (ci, cmust, cmay, ctext) = (col("id")?, col("must")?, col("may")?, col("text")?);
        // Where the last sentence of each record ended: sentences are found in order.
        let mut cursor: HashMap<usize, usize> = HashMap::new();
        for (n, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{}:{}", file.display(), n + 1);
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("");
            let id = cell(ci).to_string();
            let (rid, _) = id.rsplit_once(".s").ok_or_else(|| format!("{at}: id \"{id}\" is not RECORD.sN"))?;
            let &record = by_id.get(rid).ok_or_else(|| format!("{at}: no record \"{rid}\""))?;
            let text = unescape(cell(ctext));
            let from = cursor.get(&record).copied().unwrap_or(0);
            let hay = &records[record].text;
            let (start, end) = find_loose(hay, &text, from)
                .or_else(|| find_loose(hay, &text, 0))
                .ok_or_else(|| format!("{at}: the text of {id} is not in record {rid}"))?;
            cursor.insert(record, end);
            let must = categories(cell(cmust), &at)?;
            let may: Vec<Category> = categories(cell(cmay), &at)?.into_iter().filter(|c| !must.contains(c)).collect();
            if let Some(first) = seen.insert(id.clone(), at.clone()) {
                return Err(format!("{at}: sentence {id} is labelled again (first at {first})"));
            }
            out.push(Labelled { id, record, start, end, must, may });
        }
    }
    Ok(out)
}

/// The full records of the blind set (`blind/full/{en,cy}/*.records`), each
/// sentence labelled from the problems a practice educator marked before any run
/// (`blind/full/{en,cy}/marks.tsv`: `record quote must may`, the quote copied from
/// the record): a sentence the quote touches takes the mark's categories; every
/// sentence no mark touches needs no change.
pub fn load_full(root: &Path, engine: &Engine) -> Result<(Vec<Record>, Vec<Labelled>), String> {
    let mut records = Vec::new();
    let mut labelled = Vec::new();
    for (dir, lang) in [("en", Lang::En), ("cy", Lang::Cy)] {
        let folder = root.join("full").join(dir);
        if !folder.is_dir() {
            continue;
        }
        let first = records.len();
        for file in super::files_with(&folder, "records")? {
            let source = crate::input::read_text(&file, 64 * crate::input::MB)?;
            records.extend(parse_records(&source, lang, &file)?);
        }
        // Sentence rows of this folder's records, and where each record's rows start.
        let mut rows_of: HashMap<String, (usize, usize)> = HashMap::new();
        for (i, r) in records.iter().enumerate().skip(first) {
            let from = labelled.len();
            for s in sentences(engine, r) {
                labelled.push(Labelled { id: s.id, record: i, start: s.start, end: s.end, must: Vec::new(), may: Vec::new() });
            }
            if rows_of.insert(r.id.clone(), (from, labelled.len())).is_some() {
                return Err(format!("{}: duplicate record id \"{}\"", r.file.display(), r.id));
            }
        }
        let marks = folder.join("marks.tsv");
        if !marks.is_file() {
            return Err(format!("{}: the full records have no marks", marks.display()));
        }
        let source = crate::input::read_text(&marks, 16 * crate::input::MB)?;
        let mut lines = source.lines().enumerate();
        let header: Vec<&str> = lines.next().map(|(_, h)| h.split('\t').map(str::trim).collect()).unwrap_or_default();
        let col = |name: &str| header.iter().position(|h| *h == name).ok_or_else(|| format!("{}: no column \"{name}\"", marks.display()));
        let (cr, cq, cmust, cmay) = (col("record")?, col("quote")?, col("must")?, col("may")?);
        for (n, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{}:{}", marks.display(), n + 1);
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim();
            let rid = cell(cr);
            let &(from, to) = rows_of.get(rid).ok_or_else(|| format!("{at}: no record \"{rid}\""))?;
            let text = &records[labelled[from].record].text;
            let (qs, qe) = find_loose(text, cell(cq), 0).ok_or_else(|| format!("{at}: the quote is not in record {rid}"))?;
            let (must, may) = (categories(cell(cmust), &at)?, categories(cell(cmay), &at)?);
            for l in labelled[from..to].iter_mut().filter(|l| l.start < qe && l.end > qs) {
                l.must.extend(must.iter().copied());
                l.may.extend(may.iter().copied());
            }
        }
    }
    // Once, after both languages: a sentence several marks touch has each category once.
    for l in &mut labelled {
        l.must.sort();
        l.must.dedup();
        let must = &l.must;
        l.may.retain(|c| !must.contains(c));
        l.may.sort();
        l.may.dedup();
    }
    Ok((records, labelled))
}

/// Counts by language, category, source kind and split.
#[derive(Default)]
pub struct RecordReport {
    pub counts: BTreeMap<(Lang, Category, &'static str, Split), Counts>,
    /// Sentences (labelled, clean) per language and source kind.
    pub sentences: BTreeMap<(Lang, &'static str), (usize, usize)>,
    /// Per sentence and category where the checker was wrong: (labelled index,
    /// category, false positive?, the findings there: rule and words).
    pub misses: Vec<(usize, Category, bool, String)>,
    /// Counts over all categories per record (index into the records).
    pub by_record: BTreeMap<usize, Counts>,
}

impl RecordReport {
    /// Counts summed over everything that `keep` accepts.
    pub fn sum(&self, keep: &dyn Fn(Lang, Category, &str, Split) -> bool) -> Counts {
        let mut t = Counts::default();
        for (&(l, c, k, s), v) in &self.counts {
            if keep(l, c, k, s) {
                t.add(*v);
            }
        }
        t
    }

    /// Macro-F1 over the six categories for what `keep` accepts (by language,
    /// source kind and split).
    pub fn macro_f1(&self, keep: &dyn Fn(Lang, &str, Split) -> bool) -> f64 {
        let f: Vec<f64> = Category::JUDGED.iter().map(|&cat| self.sum(&|l, c, k, s| c == cat && keep(l, k, s)).f1()).collect();
        f.iter().sum::<f64>() / f.len() as f64
    }

    /// Per language and category: all records, then written and real, then the test
    /// split; and macro-F1 lines.
    pub fn table(&self, splits: &[Split]) -> String {
        let names: Vec<&str> = splits.iter().map(|s| s.name()).collect();
        self.table_titled(&format!("records, sentence by sentence ({} split{})", names.join(" + "), if splits.len() > 1 { "s" } else { "" }), splits)
    }

    /// The table under its own first line (the blind set reads every split).
    pub fn table_titled(&self, title: &str, splits: &[Split]) -> String {
        let in_splits = |s: Split| splits.contains(&s);
        let mut out = String::new();
        let _ = writeln!(out, "{title}");
        let _ = writeln!(out, "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9} {:>7} {:>5}   {:>7} {:>5}", "lang", "category", "tp", "fp", "fn", "precision", "recall", "F1", "written", "real");
        for lang in [Lang::En, Lang::Cy] {
            for cat in Category::JUDGED {
                let c = self.sum(&|l, c, _, s| l == lang && c == cat && in_splits(s));
                let w = self.sum(&|l, c, k, s| l == lang && c == cat && k == "written" && in_splits(s));
                let r = self.sum(&|l, c, k, s| l == lang && c == cat && k == "real" && in_splits(s));
                let _ = writeln!(
                    out,
                    "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>5.3}   {:>7.3} {:>5.3}",
                    lang.code(), cat.id(), c.tp, c.fp, c.fn_, c.precision(), c.recall(), c.f1(), w.f1(), r.f1()
                );
            }
            let t = self.sum(&|l, _, _, s| l == lang && in_splits(s));
            let (labelled, clean): (usize, usize) = ["written", "real"]
                .iter()
                .map(|k| self.sentences.get(&(lang, *k)).copied().unwrap_or_default())
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            let _ = writeln!(
                out,
                "{:<4} {:<18} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>5.3}   macro-F1 {:.3} (written {:.3}, real {:.3}); {labelled} sentences in all splits, {clean} clean",
                lang.code(), "all", t.tp, t.fp, t.fn_, t.precision(), t.recall(), t.f1(),
                self.macro_f1(&|l, _, s| l == lang && in_splits(s)),
                self.macro_f1(&|l, k, s| l == lang && k == "written" && in_splits(s)),
                self.macro_f1(&|l, k, s| l == lang && k == "real" && in_splits(s)),
            );
        }
        out
    }
}

/// Scores `analyse` (the rules, or rules and models) on every labelled sentence: a
/// category is raised on a sentence if a finding of it overlaps the sentence.
pub fn evaluate(analyse: &(dyn Fn(&str) -> Vec<Finding> + Sync), records: &[Record], labelled: &[Labelled]) -> RecordReport {
    use rayon::prelude::*;
    let findings: Vec<Vec<Finding>> = records.par_iter().map(|r| analyse(&r.text)).collect();
    let mut report = RecordReport::default();
    for (i, l) in labelled.iter().enumerate() {
        let r = &records[l.record];
        let kind = r.source.kind();
        let entry = report.sentences.entry((r.lang, kind)).or_default();
        entry.0 += 1;
        if l.must.is_empty() && l.may.is_empty() {
            entry.1 += 1;
        }
        for cat in Category::JUDGED {
            let raised = findings[l.record].iter().any(|f| f.category == cat && f.start < l.end && f.end > l.start);
            let c = Counts::of_sentence(cat, &l.must, &l.may, raised);
            if c.fp + c.fn_ > 0 {
                let detail = findings[l.record]
                    .iter()
                    .filter(|f| f.category == cat && f.start < l.end && f.end > l.start)
                    .map(|f| format!("{} “{}”", f.rule, one_line(&r.text[f.start..f.end])))
                    .collect::<Vec<_>>()
                    .join("; ");
                report.misses.push((i, cat, c.fp > 0, detail));
            }
            report.counts.entry((r.lang, cat, kind, r.split())).or_default().add(c);
            report.by_record.entry(l.record).or_default().add(c);
        }
    }
    report
}

/// One line per record (sentences, and tp/fp/fn over sentence × category), then
/// every miss with its sentence: for reading a blind result, never for tuning.
pub fn full_record_lines(report: &RecordReport, records: &[Record], labelled: &[Labelled]) -> String {
    let mut out = String::new();
    let mut total = Counts::default();
    for (&i, c) in &report.by_record {
        let n = labelled.iter().filter(|l| l.record == i).count();
        let _ = writeln!(out, "{:<12} {:<36} {:>3} sentences  tp {:>3} fp {:>3} fn {:>3}  P {:.3} R {:.3}", records[i].id, records[i].register, n, c.tp, c.fp, c.fn_, c.precision(), c.recall());
        total.add(*c);
    }
    let _ = writeln!(out, "all full records: tp {} fp {} fn {}  precision {:.3} recall {:.3}", total.tp, total.fp, total.fn_, total.precision(), total.recall());
    for (i, cat, fp, detail) in &report.misses {
        let l = &labelled[*i];
        let _ = writeln!(out, "{} {cat} {} {} {}", if *fp { "FP" } else { "FN" }, l.id, one_line(&records[l.record].text[l.start..l.end]), detail);
    }
    out
}

/// The misses outside the test split, for tuning: the sentence, its record's
/// register, and the findings there.
pub fn misses_text(report: &RecordReport, records: &[Record], labelled: &[Labelled]) -> String {
    let mut out = String::new();
    for (i, cat, fp, detail) in &report.misses {
        let l = &labelled[*i];
        let r = &records[l.record];
        if r.split() == Split::Test {
            continue;
        }
        let _ = writeln!(out, "{} {cat} {} [{} {}] {}", if *fp { "FP" } else { "FN" }, l.id, r.split().name(), r.register, one_line(&r.text[l.start..l.end]));
        if !detail.is_empty() {
            let _ = writeln!(out, "    {detail}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_search_matches_across_line_breaks() {
        let hay = "Heading\nShe said she was\n  fine today. She said she was fine.";
        assert_eq!(find_loose(hay, "She said she was fine today.", 0), Some((8, 38)));
        assert_eq!(find_loose(hay, "She said she was fine.", 20), Some((39, 61)));
        assert_eq!(find_loose(hay, "not there", 0), None);
    }

    #[test]
    fn records_need_register_and_source() {
        let f = Path::new("x.records");
        let ok = "=== en-a-1 | register: phone-call-note | source: written\nRang Mrs Ali.\n\n=== en-a-2 | register: inspection-report | source: https://example.org/r\nWe saw care plans.\n";
        let r = parse_records(ok, Lang::En, f).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "Rang Mrs Ali.");
        assert_eq!(r[1].source, Source::Real("https://example.org/r".into()));
        assert!(parse_records("=== en-a-1 | register: x\nText.", Lang::En, f).unwrap_err().contains("no source"));
        assert!(parse_records("=== cy-a-1 | register: x | source: written\nText.", Lang::En, f).unwrap_err().contains("must start with \"en-\""));
        assert!(parse_records("=== en-a-1 | register: x | source: ftp://x\nText.", Lang::En, f).unwrap_err().contains("source must be"));
    }

    #[test]
    fn full_records_take_their_labels_from_the_educators_marks() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("full").join("en");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("en-bf-01.records"),
            "=== en-bf-01 | register: home-visit-note | source: written\nVisited at 10am. Mum was hostile throughout. She said \"leave us alone\".\nCase closed.\n",
        )
        .unwrap();
        let marks = "record\tquote\tmust\tmay\nen-bf-01\thostile\topinion-as-fact\tvague\nen-bf-01\tCase  closed.\trationale\t\n";
        std::fs::write(folder.join("marks.tsv"), marks).unwrap();
        let engine = Engine::new();
        let (records, labelled) = load_full(root.path(), &engine).unwrap();
        assert_eq!(records.len(), 1);
        let got: Vec<(&str, Vec<Category>, Vec<Category>)> = labelled.iter().map(|l| (&records[0].text[l.start..l.end], l.must.clone(), l.may.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("Visited at 10am.", vec![], vec![]),
                ("Mum was hostile throughout.", vec![Category::OpinionAsFact], vec![Category::Vague]),
                ("She said \"leave us alone\".", vec![], vec![]),
                ("Case closed.", vec![Category::Rationale], vec![]),
            ]
        );
        // A quote that is not in its record is named, with the file and line.
        std::fs::write(folder.join("marks.tsv"), "record\tquote\tmust\tmay\nen-bf-01\tnot in it\tvague\t\n").unwrap();
        let err = load_full(root.path(), &engine).err().unwrap();
        assert!(err.contains("marks.tsv:2: the quote is not in record en-bf-01"), "{err}");
    }
}
