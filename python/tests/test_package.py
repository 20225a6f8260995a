"""pia_extract.extract / extract_many give the CLI's records; misuse raises, bad input does not."""

import threading
import time

import pytest

import pia_extract


def test_extract_matches_cli(paths, cli_records):
    for p, want in zip(paths, cli_records):
        assert pia_extract.extract(p) == want, p


def test_extract_bytes_with_name(paths, cli_records, root):
    for p, want in list(zip(paths, cli_records))[::7]:
        data = (root / p).read_bytes()
        assert pia_extract.extract(data, name=p) == want, p
        assert pia_extract.extract(bytearray(data), name=p) == want, p
    r = pia_extract.extract(b"not a document")
    assert r["source"]["file"] == "<bytes>"
    assert any(d["level"] == "error" for d in r["diagnostics"])


def test_extract_many_in_input_order(paths, cli_records):
    for jobs in (1, 2, None):
        assert list(pia_extract.extract_many(paths, jobs=jobs)) == cli_records, jobs
    # a generator of paths, reversed: still input order, and lazily consumed
    rev = list(pia_extract.extract_many(reversed(paths), jobs=2))
    assert rev == cli_records[::-1]


def test_errors_are_records_and_misuse_raises(tmp_path):
    missing = str(tmp_path / "missing.pdf")
    r = pia_extract.extract(missing)
    assert r["source"]["file"] == missing
    assert [d["level"] for d in r["diagnostics"]] == ["error"]
    (r2,) = pia_extract.extract_many([missing])
    assert r2 == r
    with pytest.raises(TypeError):
        pia_extract.extract(42)
    with pytest.raises(TypeError):
        list(pia_extract.extract_many([1]))
    with pytest.raises(ValueError):
        list(pia_extract.extract_many(["x"], jobs=0))
    assert pia_extract.extract(missing, name="other.pdf")["source"]["file"] == "other.pdf"


def test_gil_released_while_rust_works(paths):
    """A Python thread keeps running while extract_many reads documents."""
    ticks = 0
    stop = False

    def count():
        nonlocal ticks
        while not stop:
            ticks += 1
            time.sleep(0.001)

    many = [p for p in paths if p.endswith(".pdf")] * 3
    t = threading.Thread(target=count)
    t.start()
    start = time.perf_counter()
    before = ticks
    list(pia_extract.extract_many(many, jobs=1))
    took = time.perf_counter() - start
    during = ticks - before
    stop = True
    t.join()
    # with the GIL held for the whole call the thread could not tick at all
    assert took > 0.2 and during > took * 50, (took, during)


def test_schema_version_and_codebook():
    assert pia_extract.SCHEMA_VERSION == "1.0"
    book = pia_extract.codebook("様式3")
    dept = next(e for e in book if e["concept"] == "office.department")
    assert dept["id"] == "I/6/1"
    with pytest.raises(ValueError):
        pia_extract.codebook("様式9")
