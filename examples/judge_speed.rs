//! Development aid: the judge's time on a 2,500-word note, for a judge written by
//! `cofnod train --out DIR` (before it is embedded):
//! `cargo run --release --example judge_speed -- DIR`.
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("a folder with judge.toml and judge.safetensors");
    let dir = std::path::Path::new(&dir);
    let config: cofnod::models::judge::JudgeConfig = toml::from_str(&std::fs::read_to_string(dir.join("judge.toml")).unwrap()).unwrap();
    let judge = cofnod::models::judge::Judge::from_parts(config, &std::fs::read(dir.join("judge.safetensors")).unwrap()).unwrap();
    let models = cofnod::models::Models::load(&cofnod::models::store::models_dir(None, None)).unwrap();
    let records = cofnod::corpus::records::load_records(std::path::Path::new("corpus")).unwrap();
    let mut note = String::new();
    for r in records.iter().filter(|r| r.lang == cofnod::Lang::En) {
        if note.split_whitespace().count() >= 2500 {
            break;
        }
        note.push_str(&r.text);
        note.push_str("\n\n");
    }
    let engine = cofnod::Engine::new();
    for round in 0..3 {
        let t = Instant::now();
        let scores = engine.with_document(&note, |d| {
            let wins = cofnod::models::judge::windows::windows(&models.encoder, d, judge.config.window_tokens);
            let ids: usize = wins.iter().map(|w| w.ids.len()).sum();
            if round == 0 {
                println!("{} words, {} sentences, {} windows, {ids} ids", note.split_whitespace().count(), d.sentences.len(), wins.len());
            }
            let refs: Vec<&cofnod::models::judge::windows::Window> = wins.iter().collect();
            refs.chunks(8).map(|b| judge.score_windows(&models.encoder, b).unwrap().len()).sum::<usize>()
        });
        println!("judge pass (no cache): {:.0} ms ({scores} windows)", t.elapsed().as_secs_f64() * 1000.0);
    }
}
