"""cofnod inside Dask: a local cluster of two worker processes checks a partitioned
CSV export, and every record's findings are those `cofnod check` gives for the same
files."""

import csv
import json
import os

import pytest

from conftest import run_cli

if os.environ.get("CI"):
    # In CI a missing Dask is a failure, not a skip (.ci/test installs it).
    import dask.dataframe as dd
    import dask.distributed as distributed
else:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")


def check_partition(df):
    # Runs on a worker process: one Checker per process, kept by cofnod.check_batch.
    import cofnod
    import pandas as pd

    results = cofnod.check_batch(df["note"].tolist(), models="off")
    return pd.DataFrame({"id": df["id"].astype(str), "result": [json.dumps(r, sort_keys=True) for r in results]})


def test_a_dask_cluster_gives_the_findings_of_the_command_line(cofnod_bin, tmp_path, notes):
    texts = notes[:240]
    parts = []
    for p in range(4):
        path = tmp_path / f"part-{p}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "team", "note"])
            for i in range(p, len(texts), 4):
                w.writerow([f"R{i:04}", f"team {i % 3}", texts[i]])
        parts.append(path.name)

    out = run_cli(cofnod_bin, ["check", "--format", "jsonl", "--id-column", "id", "--column", "note", *parts], tmp_path)
    assert out.returncode in (0, 1), out.stderr
    lines = [json.loads(l) for l in out.stdout.decode().splitlines()]
    want = {}
    for line in lines[:-1]:
        assert line["error"] is None
        want[line["record"]["id"]] = {"language": line["language"], "findings": line["findings"]}
    assert len(want) == len(texts)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        # One partition per file: a note's line breaks stay inside its quoted cell.
        ddf = dd.read_csv([str(tmp_path / p) for p in parts], blocksize=None, dtype=str, keep_default_na=False)
        assert ddf.npartitions == 4
        got = ddf.map_partitions(check_partition, meta={"id": "object", "result": "object"}).compute()

    got = {row.id: json.loads(row.result) for row in got.itertuples()}
    assert got.keys() == want.keys()
    for record_id, result in want.items():
        assert got[record_id] == result, record_id
    assert sum(len(r["findings"]) for r in want.values()) > 200
