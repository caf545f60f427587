"""Shared set-up for the Python package's tests: the cofnod binary to compare with
(COFNOD_BIN, else the release build of this repository) and some real notes."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def cofnod_bin():
    path = pathlib.Path(os.environ.get("COFNOD_BIN", ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "cofnod"))
    if not path.is_absolute():
        path = ROOT / path
    assert path.exists(), f"{path}: build cofnod first (cargo build --release)"
    return str(path)


@pytest.fixture(scope="session")
def notes():
    """Notes of the corpus (English and Welsh), up to 6 KB each, in a fixed order."""
    texts = []
    for p in sorted((ROOT / "corpus").rglob("*")):
        if p.suffix in (".txt", ".md") and p.is_file():
            text = p.read_text(encoding="utf-8", errors="replace")
            if 80 < len(text) < 6000:
                texts.append(text)
    assert len(texts) > 100
    return texts


def run_cli(cofnod_bin, args, cwd):
    env = dict(os.environ, COFNOD_MODELS="off")
    return subprocess.run([cofnod_bin, *args], cwd=cwd, env=env, capture_output=True, check=False)
