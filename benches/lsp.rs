//! Language-server figures, measured against the real `cofnod lsp` over stdio:
//! - cold start: process start → initialize → didOpen of a 2,500-word note → the
//!   first published diagnostics (target ≤ 100 ms);
//! - edit latency: a one-character edit → its published diagnostics, with the
//!   debounce set to 0 so that what is measured is the work after the debounce
//!   (target ≤ 10 ms);
//! - resident memory of the server after the edits (target ≤ 50 MB);
//! - in process: a full analysis against the paragraph-cached one after a
//!   one-character edit.
//!
//! Run with `cargo bench --bench lsp`. Figures go to `docs/PERFORMANCE.md`.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "support/notes.rs"]
mod notes;

use lsp_client::{file_uri, LspClient};
use notes::{mixed_note, Lcg};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let bin = Path::new(env!("CARGO_BIN_EXE_cofnod"));
    let note = mixed_note(2500);
    let lines: Vec<&str> = note.split('\n').collect();
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("note.md"));
    println!("note: {} words, {} bytes, {} lines", note.split_whitespace().count(), note.len(), lines.len());

    // Cold start, 15 times.
    let mut cold = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        let mut client = LspClient::start(bin, dir.path());
        client.initialize(json!({"debounceMs": 0}), json!({}), Some(&file_uri(dir.path())));
        client.open(&uri, &note, 1);
        client.diagnostics(&uri, Some(1));
        cold.push(started.elapsed());
        let _ = client.shutdown();
    }
    println!("lsp/cold start to first diagnostics: median {}, p90 {}", ms(percentile(&mut cold, 0.5)), ms(percentile(&mut cold, 0.9)));

    // One-character edits, each waited for before the next.
    let mut client = LspClient::start(bin, dir.path());
    client.initialize(json!({"debounceMs": 0}), json!({}), Some(&file_uri(dir.path())));
    client.open(&uri, &note, 1);
    client.diagnostics(&uri, Some(1));
    let mut rng = Lcg(7);
    let mut edits = Vec::new();
    for version in 2..=301 {
        // A line with text, at a character inside it (ASCII-safe: count UTF-16 units).
        let line = loop {
            let l = rng.next(lines.len());
            if !lines[l].is_empty() {
                break l;
            }
        };
        let units = lines[line].encode_utf16().count();
        let at = rng.next(units + 1) as u32;
        let started = Instant::now();
        client.change(&uri, version, (line as u32, at), (line as u32, at), "x");
        client.diagnostics(&uri, Some(version));
        edits.push(started.elapsed());
    }
    println!(
        "lsp/one-character edit to diagnostics (debounce 0): median {}, p90 {}, max {}",
        ms(percentile(&mut edits, 0.5)),
        ms(percentile(&mut edits, 0.9)),
        ms(*edits.iter().max().unwrap())
    );
    let pid = client.pid();
    let rss = status_kib(pid, "VmRSS:").unwrap_or(0);
    let hwm = status_kib(pid, "VmHWM:").unwrap_or(0);
    println!("lsp/memory after 300 edits: RSS {:.1} MiB, peak {:.1} MiB", rss as f64 / 1024.0, hwm as f64 / 1024.0);
    let _ = client.shutdown();

    // In process: full analysis against the paragraph cache, one edit at a time.
    let engine = cofnod::Engine::new();
    let mut cache = cofnod::engine::AnalysisCache::default();
    engine.analyse_cached(&note, &mut cache);
    let mut text = note.clone();
    let (mut full, mut cached) = (Vec::new(), Vec::new());
    for _ in 0..300 {
        let mut at = rng.next(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert(at, 'x');
        let t = Instant::now();
        std::hint::black_box(engine.analyse(&text));
        full.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(engine.analyse_cached(&text, &mut cache));
        cached.push(t.elapsed());
    }
    println!(
        "engine/after a one-character edit: full analysis median {}, paragraph-cached median {} ({} of {} blocks reused on the last edit)",
        ms(percentile(&mut full, 0.5)),
        ms(percentile(&mut cached, 0.5)),
        cache.last_reused,
        cache.last_blocks
    );
}
