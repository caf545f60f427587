#!/usr/bin/env python3
"""merge.py BATCH SKELETON LABELS_A LABELS_B OUT_DIR: join both labellings to the
packet skeleton (the TSV `cofnod label-packet` writes), run agreement.py, write
OUT_DIR/BATCH.{a,b,}.tsv and OUT_DIR/BATCH.agreement.txt.
corpus/records used OUT_DIR = corpus/records/labels, corpus/blind corpus/blind/records/labels."""
import csv, sys, subprocess
batch, skeleton, labels_a, labels_b, out_dir = sys.argv[1:6]
skel = list(csv.DictReader(open(skeleton, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
ids = [r["id"] for r in skel]
cats = {"plain-language","opinion-as-fact","vague","output-as-outcome","own-words","rationale"}
def clean(field, where):
    out = []
    for c in (field or "").replace(" ", "").split(","):
        if not c: continue
        if c not in cats: sys.exit(f"{where}: unknown category {c!r}")
        if c not in out: out.append(c)
    return ",".join(out)
out = {}
for who in "ab":
    rows = list(csv.DictReader(open(labels_a if who == "a" else labels_b, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
    lab = {}
    for n, r in enumerate(rows):
        i = (r.get("id") or "").strip()
        lab[i] = (clean(r.get("must"), f"{who}:{n+2}"), clean(r.get("may"), f"{who}:{n+2}"))
    missing = [i for i in ids if i not in lab]
    extra = [i for i in lab if i not in set(ids)]
    if missing or extra:
        sys.exit(f"{who}: {len(missing)} ids missing (e.g. {missing[:3]}), {len(extra)} unknown (e.g. {extra[:3]})")
    path = f"{out_dir}/{batch}.{who}.tsv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("id\tmust\tmay\tlang\tregister\tsource\ttext\n")
        for r in skel:
            must, may = lab[r["id"]]
            may = ",".join(c for c in may.split(",") if c and c not in must.split(","))
            f.write("\t".join([r["id"], must, may, r["lang"], r["register"], r["source"], r["text"]]) + "\n")
    out[who] = path
res = subprocess.run(["python3", "/work/shared/tools/agreement.py", out["a"], out["b"], "--out", f"{out_dir}/{batch}.tsv"], capture_output=True, text=True)
print(res.stdout, res.stderr)
open(f"{out_dir}/{batch}.agreement.txt", "w").write(res.stdout)
