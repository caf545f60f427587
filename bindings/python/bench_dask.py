"""Throughput of cofnod under Dask (2 worker processes) against the command line, on
the same partitioned CSV export, rules only.

    python3 bindings/python/bench_dask.py [MEGABYTES] [PARTITIONS]

Builds MEGABYTES (default 100) of records from the corpus notes in PARTITIONS
(default 8) CSV files under a temporary folder, then times
`cofnod check --format jsonl` over them and a Dask LocalCluster of two worker
processes, one thread each (RAYON_NUM_THREADS=1, so both runs use the machine's two
cores), mapping `cofnod.check_batch` over the partitions. Prints MB/s for each.
Needs the wheel installed (see bindings/python/README.md) and cofnod built.
"""

import csv
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def make_export(folder, megabytes, partitions):
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "corpus").rglob("*")) if p.suffix in (".txt", ".md") and p.is_file()]
    texts = [t for t in texts if 80 < len(t) < 8000]
    rng = random.Random(17)
    writers, files = [], []
    for p in range(partitions):
        f = open(folder / f"part-{p:03}.csv", "w", newline="", encoding="utf-8")
        files.append(f)
        w = csv.writer(f)
        w.writerow(["id", "team", "note"])
        writers.append(w)
    size, n = 0, 0
    while size < megabytes * 1_000_000:
        t = rng.choice(texts)
        writers[n % partitions].writerow([f"R{n}", f"team {n % 7}", t])
        size += len(t.encode()) + 20
        n += 1
    for f in files:
        f.close()
    return sorted(str(p) for p in folder.glob("part-*.csv")), sum(os.path.getsize(p) for p in folder.glob("part-*.csv")), n


def check_partition(df):
    import cofnod
    import pandas as pd

    results = cofnod.check_batch(df["note"].tolist(), models="off")
    return pd.DataFrame({"id": df["id"], "findings": [len(r.get("findings", [])) for r in results]})


def main():
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    partitions = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    cofnod_bin = os.environ.get("COFNOD_BIN", str(ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "cofnod"))
    with tempfile.TemporaryDirectory(prefix="cofnod-dask-") as d:
        folder = pathlib.Path(d)
        parts, size, records = make_export(folder, megabytes, partitions)
        print(f"export: {records} records, {size / 1e6:.0f} MB in {partitions} CSV files")

        started = time.perf_counter()
        out = subprocess.run([cofnod_bin, "check", "--models", "off", "--format", "jsonl", "--column", "note", "--out", str(folder / "cli.jsonl"), *parts], capture_output=True)
        cli = time.perf_counter() - started
        assert out.returncode in (0, 1), out.stderr
        with open(folder / "cli.jsonl", encoding="utf-8") as f:
            cli_findings = sum(len(json.loads(l).get("findings", [])) for l in f if not l.startswith('{"summary"'))
        print(f"cofnod check (2 cores): {cli:.1f} s, {size / 1e6 / cli:.1f} MB/s, {cli_findings} findings")

        os.environ["RAYON_NUM_THREADS"] = "1"
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
            # Warm the workers (import cofnod, build the engine) outside the timing.
            dd.read_csv(parts[:2], blocksize=None, dtype=str, keep_default_na=False).map_partitions(check_partition, meta={"id": "object", "findings": "int64"}).head(1, npartitions=2)
            started = time.perf_counter()
            ddf = dd.read_csv(parts, blocksize=None, dtype=str, keep_default_na=False)
            got = ddf.map_partitions(check_partition, meta={"id": "object", "findings": "int64"}).compute()
            dask_time = time.perf_counter() - started
        print(f"Dask, 2 worker processes: {dask_time:.1f} s, {size / 1e6 / dask_time:.1f} MB/s, {int(got['findings'].sum())} findings")
        assert int(got["findings"].sum()) == cli_findings, "the same findings"


if __name__ == "__main__":
    main()
