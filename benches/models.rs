//! On-device model figures (needs `cofnod models install`):
//! - cold load of the encoder: file read, SHA-256 check, parse, unpack (target ≤ 1.5 s);
//! - encoder latency for one sentence (target ≤ 20 ms) and batched throughput
//!   (target ≥ 100 sentences/s on 2 cores);
//! - resident memory with the encoder loaded and used (target ≤ 400 MB);
//! - the models' review of a 2,500-word note (rules, then every sentence embedded
//!   and scored), cold and with the embedding cache warm;
//! - a checked rewrite of one English sentence: generator (greedy + one sampled
//!   reply), then every check (target ≤ 3 s).
//!
//! Run with `cargo bench --bench models`. Figures go to `docs/PERFORMANCE.md`.

#[path = "support/notes.rs"]
mod notes;

use std::time::{Duration, Instant};

use cofnod::models::generator::Generator;
use cofnod::models::{rewrite, store, Models};
use cofnod::Engine;
use notes::mixed_note;

/// Sentences for the rewrite timings, English and Welsh, short and long.
const REWRITE_SENTENCES: [&str; 8] = [
    "Mrs Jones was signposted to the falls service on 3 May.",
    "A package of care was commenced following discharge.",
    "SU declined lunch today and told staff she wasn't hungry.",
    "Joint visit undertaken with the DN to review pressure areas, and I liaised with the GP surgery regarding the dressing regime as per the care plan.",
    "Ymwelwyd â Mr Davies ddydd Iau a gwelwyd bod y gegin yn lân.",
    "Bydd y tîm yn hwyluso cyfarfod i drafod y pecyn gofal.",
    "Cynigiwyd ymyrraeth i'r teulu gan fod y landlord wedi rhoi rhybudd iddyn nhw.",
    "Trafodwyd yr honiadau yn y cyfarfod strategaeth a chytunwyd i gau'r ymholiad gan nad oedd tystiolaeth.",
];

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0.0);
    kib / 1024.0
}

const SENTENCES: [&str; 8] = [
    "Mrs Jones said she wants to go to the shops on her own again.",
    "The service user was non-compliant with medication and presented as agitated.",
    "Mae Mr Price eisiau coginio ei brydau ei hun unwaith eto.",
    "I visited at 10am and found the kitchen floor covered in broken glass.",
    "Cafodd asesiad ei gwblhau gan y gweithiwr cymdeithasol ddoe.",
    "Outcome: referral to the dementia café made and accepted by the family.",
    "He told me he has not slept properly since his wife went into hospital.",
    "Penderfynwyd cau'r achos ar ôl yr adolygiad heddiw.",
];

fn main() {
    let dir = store::models_dir(None, None);
    let Some(spec) = store::spec("encoder") else { return };
    if !spec.path_in(&dir).is_file() {
        println!("skipped: no encoder in {} (run `cofnod models install`)", dir.display());
        return;
    }
    let t = Instant::now();
    let models = Models::load(&dir).expect("the encoder loads");
    let load = t.elapsed();
    println!("encoder cold load (read, SHA-256, parse, unpack): {}", ms(load));

    // Single sentences, each new to the model (no cache).
    let mut single = Vec::new();
    for round in 0..6 {
        for s in SENTENCES {
            let text = format!("{s} ({round})");
            let t = Instant::now();
            models.encoder.embed(&[text.as_str()]).unwrap();
            single.push(t.elapsed());
        }
    }
    println!("encoder, one sentence: median {}", ms(median(&mut single)));

    let batch: Vec<String> = (0..256).map(|i| format!("{} ({i})", SENTENCES[i % SENTENCES.len()])).collect();
    let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
    let t = Instant::now();
    models.encoder.embed(&refs).unwrap();
    let per_s = refs.len() as f64 / t.elapsed().as_secs_f64();
    println!("encoder, batched: {per_s:.0} sentences/s ({} sentences)", refs.len());

    let engine = Engine::new();
    let note = mixed_note(2500);
    let t = Instant::now();
    let cold = engine.analyse_with_models(&note, &models);
    let cold_t = t.elapsed();
    let t = Instant::now();
    engine.analyse_with_models(&note, &models);
    let warm_t = t.elapsed();
    println!(
        "rules + models, 2,500-word note: cold {} ({} findings), embeddings cached {}",
        ms(cold_t),
        cold.findings.len(),
        ms(warm_t)
    );
    println!("resident memory with the encoder: {:.0} MiB now, {:.0} MiB peak", status_mib("VmRSS:"), status_mib("VmHWM:"));

    // The default install: rewrites from the word lists, with the encoder loaded (the
    // editor's "Suggest a plainer version" without the opt-in generator).
    let mut times = Vec::new();
    for s in REWRITE_SENTENCES {
        let t = Instant::now();
        let r = rewrite::rewrite(&engine, Some(&models), None, s, &|| false);
        times.push(t.elapsed());
        assert!(r.accepted().count() <= 1);
    }
    println!("rewrite without the generator ({} sentences, English and Welsh): median {}, max {}", times.len(), ms(median(&mut times.clone())), ms(*times.iter().max().unwrap()));

    if !store::spec("generator").is_some_and(|g| g.path_in(&dir).is_file()) {
        println!("rewrite: skipped (no generator installed)");
        return;
    }
    let t = Instant::now();
    let generator = Generator::load(&dir).expect("the generator loads");
    println!("generator cold load (read, SHA-256, re-quantise to Q4_0): {}", ms(t.elapsed()));
    let mut times = Vec::new();
    for s in [SENTENCES[1], REWRITE_SENTENCES[0], REWRITE_SENTENCES[1]] {
        let t = Instant::now();
        let r = rewrite::rewrite(&engine, Some(&models), Some(&generator), s, &|| false);
        times.push(t.elapsed());
        println!("  rewrite in {}: {} candidates, {} accepted", ms(*times.last().unwrap()), r.candidates.len(), r.accepted().count());
    }
    println!("rewrite, one English sentence: median {}", ms(median(&mut times)));
    println!("resident memory with both models: {:.0} MiB now, {:.0} MiB peak", status_mib("VmRSS:"), status_mib("VmHWM:"));
}
