//! Huge input (issue 13): time and peak memory of whole runs, measured on the real
//! binary, so that bounded memory and linear time are figures, not hopes.
//!
//! - `check` over folders of notes of 100 MB and 500 MB in all (notes of 3 to 20
//!   KB built from the corpus, as in `benches/engine.rs`): memory must not grow with
//!   the total;
//! - `check` of one file of 20 MB (the default limit) and of 100 MB (the limit
//!   raised): memory in proportion to the one file;
//! - `check` of a 50 MB note on one line;
//! - the language server after opening a 10 MB note;
//! - `check` of a CSV export of 250 MB and of 1 GB, one record per row (issue 17):
//!   throughput, and memory that must not grow with the export.
//!
//! Run: `cargo bench --bench huge` (about five minutes; 1.3 GB of temporary files).
//! `COFNOD_BENCH_BIN=path` measures another build (to compare before and after).
//! `COFNOD_BENCH_ONLY=bulk|file|line|lsp|export` runs one part;
//! `COFNOD_BENCH_EXPORT_MB=250,1000` sets the exports' sizes.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "support/notes.rs"]
mod notes;

use lsp_client::{file_uri, LspClient};
use notes::{corpus_texts, write_notes, Lcg};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    std::env::var_os("COFNOD_BENCH_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cofnod")), PathBuf::from)
}

/// One note of about `bytes`, paragraphs from the corpus; on one line if `one_line`.
fn write_one(path: &Path, bytes: usize, texts: &[String], one_line: bool) -> u64 {
    let mut rng = Lcg(50);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut total = 0;
    while total < bytes {
        let text = &texts[rng.next(texts.len())];
        let text = if one_line { text.replace(['\n', '\r'], " ") } else { text.clone() };
        out.write_all(text.as_bytes()).unwrap();
        out.write_all(if one_line { b" " } else { b"\n\n" }).unwrap();
        total += text.len() + if one_line { 1 } else { 2 };
    }
    out.flush().unwrap();
    total as u64
}

/// Wall time and peak resident memory (KiB) of one run, from wait4.
#[allow(clippy::zombie_processes)]
fn measure(args: &[&str]) -> (Duration, i64, Option<i32>) {
    let started = Instant::now();
    let child = Command::new(bin()).args(args).env("COFNOD_MODELS", "off").stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("cofnod runs");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid pointers to locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (started.elapsed(), usage.ru_maxrss, code)
}

fn report(what: &str, bytes: u64, (time, peak_kib, code): (Duration, i64, Option<i32>)) {
    let mb = bytes as f64 / 1e6;
    println!(
        "huge/{what}: {mb:.0} MB in {:.1} s ({:.1} MB/s), peak RSS {:.0} MiB ({:.1} × the input), exit {code:?}",
        time.as_secs_f64(),
        mb / time.as_secs_f64(),
        peak_kib as f64 / 1024.0,
        peak_kib as f64 * 1024.0 / bytes as f64
    );
}

/// A CSV export of about `bytes`: a header, then records of 0.8 to 4 KB made of
/// corpus texts, with an id, a team and a date. Returns the file's size.
fn write_export(path: &Path, bytes: u64, texts: &[String]) -> u64 {
    let mut rng = Lcg(17);
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(path).expect("create")));
    w.write_record(["id", "team", "date", "note"]).unwrap();
    let (mut total, mut n) = (0u64, 0u64);
    while total < bytes {
        let target = 800 + rng.next(3200);
        let mut note = String::new();
        while note.len() < target {
            note.push_str(&texts[rng.next(texts.len())]);
            note.push_str("\n\n");
        }
        let (id, team, date) = (format!("R{n:08}"), format!("Team {}", rng.next(12)), format!("2026-{:02}-{:02}", 1 + rng.next(12), 1 + rng.next(28)));
        w.write_record([id.as_str(), team.as_str(), date.as_str(), note.trim_end()]).unwrap();
        total += note.len() as u64 + 40;
        n += 1;
    }
    w.flush().unwrap();
    drop(w);
    std::fs::metadata(path).unwrap().len()
}

fn part(name: &str) -> bool {
    std::env::var("COFNOD_BENCH_ONLY").map_or(true, |only| only == name)
}

fn main() {
    let texts = corpus_texts();
    let tmp = tempfile::tempdir().expect("temporary folder");
    println!("binary: {}", bin().display());
    if part("bulk") {
        for mb in [100, 500] {
            let dir = tmp.path().join(format!("bulk{mb}"));
            std::fs::create_dir(&dir).unwrap();
            let bytes = write_notes(&dir, mb * 1_000_000, &texts, 13);
            report(&format!("check --format json, a folder of notes ({mb} MB)"), bytes, measure(&["check", "--format", "json", dir.to_str().unwrap()]));
            report(&format!("check (text), a folder of notes ({mb} MB)"), bytes, measure(&["check", dir.to_str().unwrap()]));
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
    if part("file") {
        for mb in [20, 100] {
            let path = tmp.path().join(format!("one{mb}.txt"));
            let bytes = write_one(&path, mb * 1_000_000 - 1000, &texts, false);
            let limit = (mb + 1).to_string();
            report(&format!("check --format json, one {mb} MB note"), bytes, measure(&["check", "--format", "json", "--max-file-size", &limit, path.to_str().unwrap()]));
            std::fs::remove_file(&path).unwrap();
        }
    }
    if part("line") {
        let path = tmp.path().join("line50.txt");
        let bytes = write_one(&path, 50_000_000, &texts, true);
        let args = ["--max-file-size", "51", path.to_str().unwrap()];
        report("check --format json, a 50 MB note on one line", bytes, measure(&[&["check", "--format", "json"][..], &args].concat()));
        report("check (text), a 50 MB note on one line", bytes, measure(&[&["check"][..], &args].concat()));
        std::fs::remove_file(&path).unwrap();
    }
    if part("export") {
        let sizes = std::env::var("COFNOD_BENCH_EXPORT_MB").unwrap_or_else(|_| "250,1000".to_string());
        for mb in sizes.split(',').map(|s| s.trim().parse::<u64>().expect("sizes in MB")) {
            let path = tmp.path().join(format!("export{mb}.csv"));
            let bytes = write_export(&path, mb * 1_000_000, &texts);
            let file = path.to_str().unwrap();
            let columns = ["--column", "note", "--id-column", "id", "--group-column", "team", "--date-column", "date"];
            let jsonl = [&["check", "--format", "jsonl", "--out", "/dev/null"][..], &columns, &[file]].concat();
            report(&format!("check --format jsonl, a CSV export ({mb} MB)"), bytes, measure(&jsonl));
            let html = tmp.path().join("dashboard.html");
            let dashboard = [&["check", "--format", "html", "--out", html.to_str().unwrap()][..], &columns, &[file]].concat();
            report(&format!("check --format html (dashboard), a CSV export ({mb} MB)"), bytes, measure(&dashboard));
            std::fs::remove_file(&path).unwrap();
        }
    }
    if part("lsp") {
        let mut note = String::new();
        let mut rng = Lcg(10);
        while note.len() < 10_000_000 {
            note.push_str(&texts[rng.next(texts.len())]);
            note.push_str("\n\n");
        }
        let dir = tmp.path();
        let mut client = LspClient::start_with(&bin(), dir, &[("COFNOD_MODELS", "off")]);
        client.initialize(json!({"debounceMs": 0}), json!({}), Some(&file_uri(dir)));
        let idle = client.memory_kib("VmRSS").unwrap_or(0);
        let uri = file_uri(&dir.join("long.md"));
        let started = Instant::now();
        client.open(&uri, &note, 1);
        let shown = client.diagnostics(&uri, Some(1)).len();
        let first = started.elapsed();
        let rss = client.memory_kib("VmRSS").unwrap_or(0);
        let started = Instant::now();
        client.change(&uri, 2, (0, 0), (0, 0), "x");
        client.diagnostics(&uri, Some(2));
        let edit = started.elapsed();
        let (after, peak) = (client.memory_kib("VmRSS").unwrap_or(0), client.memory_kib("VmHWM").unwrap_or(0));
        println!(
            "huge/lsp, open a {:.0} MB note: first diagnostics ({shown} shown) after {:.2} s, an edit after {:.0} ms; RSS idle {:.0} MiB, after the open {:.0} MiB, after the edit {:.0} MiB, peak {:.0} MiB",
            note.len() as f64 / 1e6,
            first.as_secs_f64(),
            edit.as_secs_f64() * 1000.0,
            idle as f64 / 1024.0,
            rss as f64 / 1024.0,
            after as f64 / 1024.0,
            peak as f64 / 1024.0
        );
        let _ = client.shutdown();
    }
}
