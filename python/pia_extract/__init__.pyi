import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

PathLike = Union[str, os.PathLike[str]]
Record = Dict[str, Any]

SCHEMA_VERSION: str
TABLES: Tuple[str, ...]

def extract(path_or_bytes: Union[PathLike, bytes, bytearray, memoryview], name: Optional[str] = None) -> Record:
    """Read one document (a path or its bytes) and return its record, as the CLI prints it."""

def extract_many(paths: Iterable[PathLike], jobs: Optional[int] = None) -> Iterator[Record]:
    """Yield the record of every path in input order, read by ``jobs`` threads, GIL released."""

def to_tables(records: Iterable[Record], pandas: bool = False) -> Dict[str, Any]:
    """Table name -> pyarrow.Table (or pandas.DataFrame): documents, fields, options,
    diagnostics, record_items, changes."""

def codebook(form: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every field of every form (or of one): id, concept, path, label, type, options."""
