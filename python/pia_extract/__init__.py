"""Read Japanese 特定個人情報保護評価書 (privacy impact assessments) into records.

The records are the CLI's (``pia-extract FILE``): the same JSON object, the same JSON Schema
(``schema()``), as Python dicts. A document that cannot be read still gives a record, with an
``error`` diagnostic; exceptions are raised only for misuse (a wrong argument type).

    >>> import pia_extract
    >>> r = pia_extract.extract("fixtures/seeds/001_4659e5c1cf513e63.txt")
    >>> r["document"]["kind"]
    '全項目評価書'
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, Iterator, Optional, Union

from . import _native

__all__ = ["extract", "extract_many", "to_tables", "codebook", "SCHEMA_VERSION", "TABLES"]

SCHEMA_VERSION: str = _native.SCHEMA_VERSION
"""The ``schema_version`` of the records this build writes."""

TABLES = tuple(_native.table_names())
"""The names of the tables ``to_tables`` returns, in order."""

# Paths handed to Rust per call of extract_many: enough to keep every thread busy, few enough
# that the first records come back soon and memory stays bounded.
_BATCH_PER_JOB = 32

PathLike = Union[str, "os.PathLike[str]"]


def extract(path_or_bytes: Union[PathLike, bytes, bytearray, memoryview], name: Optional[str] = None) -> Dict[str, Any]:
    """Read one document and return its record (a dict, as ``pia-extract FILE`` prints it).

    ``path_or_bytes`` is a path (str or ``os.PathLike``) or the document's bytes (PDF, text
    dump, markdown or HTML). ``name`` is the record's ``source.file``: for a path it defaults
    to the path as given (and overrides it when set); for bytes to ``"<bytes>"``.
    The GIL is released while Rust reads the document.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return json.loads(_native.extract_bytes(bytes(path_or_bytes), name if name is not None else "<bytes>"))
    if isinstance(path_or_bytes, (str, os.PathLike)):
        record = json.loads(_native.extract_path(os.fspath(path_or_bytes)))
        if name is not None:
            record["source"]["file"] = name
        return record
    raise TypeError(f"extract() takes a path or bytes, not {type(path_or_bytes).__name__}")


def extract_many(paths: Iterable[PathLike], jobs: Optional[int] = None) -> Iterator[Dict[str, Any]]:
    """Yield the record of every path, in input order, read by ``jobs`` threads (default: all
    cores) with the GIL released. Paths are handed to Rust in batches, so a long iterable is
    read lazily and memory stays bounded."""
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError("jobs must be a positive int or None")
    batch_size = _BATCH_PER_JOB * (jobs or os.cpu_count() or 1)
    batch: list = []
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"extract_many() takes paths, not {type(p).__name__}")
        batch.append(os.fspath(p))
        if len(batch) >= batch_size:
            yield from map(json.loads, _native.extract_paths(batch, jobs))
            batch = []
    if batch:
        yield from map(json.loads, _native.extract_paths(batch, jobs))


def to_tables(records: Iterable[Dict[str, Any]], pandas: bool = False) -> Dict[str, Any]:
    """The tidy tables of ``records`` (dicts as ``extract`` returns them): a dict from table
    name (``TABLES``: documents, fields, options, diagnostics, record_items, changes) to a
    ``pyarrow.Table``, or to a pandas DataFrame when ``pandas=True``. The tables are exactly
    those of ``pia-extract --format parquet -o DIR/`` (same columns, same dictionary-encoded
    categoricals). Needs pyarrow (and pandas for ``pandas=True``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [json.dumps(r, ensure_ascii=False) for r in records]
    out = {}
    for name, data in zip(TABLES, _native.tables(texts)):
        table = pq.read_table(pa.BufferReader(data))
        out[name] = table.to_pandas() if pandas else table
    return out


def codebook(form: Optional[str] = None) -> list:
    """Every field of every form (or of ``form``: 様式2, 様式3, 様式4 or its kind), as
    ``pia-extract codebook --format json`` prints it: id, concept, path, label, type,
    options."""
    return json.loads(_native.codebook(form))
