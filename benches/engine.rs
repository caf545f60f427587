//! Speed and memory, measured (see docs/PERFORMANCE.md for figures):
//! - `analyse/2500-word mixed note`: one warm analysis of a 2,500-word note that
//!   mixes English and Welsh (target ≤ 5 ms);
//! - `check/10 MB of notes`: the `cofnod check` binary over 10 MB of notes, JSON to
//!   /dev/null, all cores (target ≥ 20 MB/s on 2 cores);
//! - `engine/new`: building an engine (rules, labels, language detector);
//! - after the benchmarks, the peak resident memory of one bulk run (target ≤ 50 MB).
//!
//! Run: `cargo bench --bench engine`. The notes are generated from `corpus/` with a
//! fixed seed, so every run measures the same text.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use std::path::{Path, PathBuf};
#[path = "support/notes.rs"]
mod notes;

use notes::{corpus_texts, mixed_note, write_notes};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A folder of notes totalling `bytes`, each 3 to 20 KB, built from corpus texts.
fn bulk_notes(bytes: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_notes(dir.path(), bytes, &corpus_texts(), 10);
    dir
}

fn cofnod_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cofnod"))
}

fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
}

fn analyse(c: &mut Criterion) {
    let note = mixed_note(2500);
    let engine = cofnod::Engine::new();
    engine.analyse(&note); // warm: lingua loads its models on first use
    let mut group = c.benchmark_group("analyse");
    group.throughput(Throughput::Elements(note.split_whitespace().count() as u64));
    group.bench_function("2500-word mixed note", |b| b.iter(|| engine.analyse(std::hint::black_box(&note))));
    group.finish();
}

fn engine_new(c: &mut Criterion) {
    c.bench_function("engine/new", |b| b.iter(cofnod::Engine::new));
}

fn check_bulk(c: &mut Criterion) {
    let dir = bulk_notes(10 * 1024 * 1024);
    let size = folder_size(dir.path());
    let mut group = c.benchmark_group("check");
    group.sample_size(10).measurement_time(Duration::from_secs(15)).throughput(Throughput::Bytes(size));
    group.bench_with_input(BenchmarkId::new("10 MB of notes", size), &dir, |b, dir| {
        b.iter(|| {
            let status = Command::new(cofnod_bin())
                .args(["check", "--format", "json"])
                .arg(dir.path())
                .stdout(Stdio::null())
                .status()
                .expect("cofnod runs");
            assert_eq!(status.code(), Some(1), "the notes have findings");
        })
    });
    group.finish();
}

/// Peak resident memory (KiB) of one run of `cofnod` with `args`, from wait4 (which
/// also reaps the child, so `Child::wait` is not called).
#[allow(clippy::zombie_processes)]
fn peak_rss_kib(args: &[&str]) -> i64 {
    let child = Command::new(cofnod_bin()).args(args).stdout(Stdio::null()).spawn().expect("cofnod runs");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid pointers to locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    usage.ru_maxrss
}

fn memory() {
    let dir = bulk_notes(10 * 1024 * 1024);
    let bulk = peak_rss_kib(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let note_dir = tempfile::tempdir().unwrap();
    let note = note_dir.path().join("note.txt");
    std::fs::write(&note, mixed_note(2500)).unwrap();
    let single = peak_rss_kib(&["check", "--format", "json", note.to_str().unwrap()]);
    println!("memory/peak RSS, check over 10 MB of notes: {:.1} MiB", bulk as f64 / 1024.0);
    println!("memory/peak RSS, check of one 2,500-word note: {:.1} MiB", single as f64 / 1024.0);
}

criterion_group!(benches, analyse, engine_new, check_bulk);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    memory();
}
