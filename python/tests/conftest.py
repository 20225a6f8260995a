"""Shared fixtures: the repository's fixture documents, and the CLI's records and Parquet
tables of them (the reference the package must reproduce)."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The documents of the Done-when list: the seeds, their flavours, the PDFs (and 様式2).
DIRS = ["fixtures/seeds", "fixtures/flavours", "fixtures/pdf", "fixtures/yoshiki2"]
SUFFIXES = {".pdf", ".txt", ".md", ".html", ".htm"}


def cli_binary() -> pathlib.Path:
    """The CLI: $PIA_EXTRACT_BIN, else the newest one cargo built (built if none)."""
    if os.environ.get("PIA_EXTRACT_BIN"):
        return pathlib.Path(os.environ["PIA_EXTRACT_BIN"])
    built = [b for b in (ROOT / "target" / p / "pia-extract" for p in ("release", "debug")) if b.exists()]
    if built:
        return max(built, key=lambda b: b.stat().st_mtime)
    subprocess.run(["cargo", "build", "--locked"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "pia-extract"


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def paths():
    """Relative paths (as the CLI is given them from the repository root), sorted."""
    out = []
    for d in DIRS:
        out += sorted(str(p.relative_to(ROOT)) for p in (ROOT / d).iterdir() if p.is_file() and p.suffix in SUFFIXES)
    assert len(out) > 100
    return out


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def cli_records(paths, tmp_path_factory):
    """The CLI's records of `paths`, in order."""
    out = tmp_path_factory.mktemp("cli") / "r.jsonl"
    p = subprocess.run([str(cli_binary()), "-q", "-o", str(out), *paths], cwd=ROOT)
    assert p.returncode in (0, 2), p
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(paths)
    return records


@pytest.fixture(scope="session")
def cli_tables(paths, tmp_path_factory):
    """The folder of the CLI's Parquet tables of `paths`."""
    out = tmp_path_factory.mktemp("tables")
    p = subprocess.run([str(cli_binary()), "-q", "--format", "parquet", "-o", str(out) + "/", *paths], cwd=ROOT)
    assert p.returncode in (0, 2), p
    return out
