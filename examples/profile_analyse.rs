//! Development aid for profiling the engine alone:
//! `cargo build --release --example profile_analyse && perf record ... target/release/examples/profile_analyse`.
fn main() {
    let cases = cofnod::corpus::load(std::path::Path::new("corpus")).expect("corpus loads");
    let note: String = cases.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("\n\n");
    let engine = cofnod::Engine::new();
    let mut findings = 0;
    for _ in 0..20 {
        findings += engine.analyse(&note).findings.len();
    }
    println!("{} bytes, {findings} findings", note.len());
}
