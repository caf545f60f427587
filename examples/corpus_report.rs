//! Development aid: `cargo run --release --example corpus_report [-- --misses]`.
fn main() {
    let cases = cofnod::corpus::load(std::path::Path::new("corpus")).unwrap_or_else(|e| panic!("{e}"));
    let engine = cofnod::Engine::new();
    let report = cofnod::corpus::evaluate(&engine, &cases);
    print!("{}", report.table());
    if std::env::args().any(|a| a == "--misses") {
        print!("{}", report.misses_text(&cases));
    }
}
