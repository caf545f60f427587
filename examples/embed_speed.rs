use std::time::Instant;
fn main() {
    let dir = cofnod::models::store::models_dir(None, None);
    let t = Instant::now();
    let m = cofnod::models::Models::load(&dir).unwrap();
    println!("load {:?}", t.elapsed());
    let s: Vec<String> = (0..128).map(|i| format!("Mrs Jones said on visit {i} that she wants to go to the shops on her own again.")).collect();
    let refs: Vec<&str> = s.iter().map(|x| x.as_str()).collect();
    let t = Instant::now();
    for r in &refs[..20] { m.encoder.embed(&[r]).unwrap(); }
    println!("single {:?}/sentence", t.elapsed() / 20);
    let t = Instant::now();
    m.encoder.embed(&refs).unwrap();
    println!("batched {:.1} sentences/s", 128.0 / t.elapsed().as_secs_f64());
}
