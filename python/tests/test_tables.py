"""to_tables and the CLI's Parquet files: the same tables, holding value by value what the
JSON records hold (read with pyarrow and with DuckDB)."""

import duckdb
import pyarrow.parquet as pq

import pia_extract


def expected_rows(records):
    """Each table's rows, built from the JSON records alone."""
    out = {t: [] for t in pia_extract.TABLES}
    for r in records:
        sha, s, d = r["source"]["sha256"], r["source"], r["document"]
        fields, diags = r["fields"], r["diagnostics"]
        errors = [x for x in diags if x["level"] == "error"]
        comp = r.get("completeness") or {}
        out["documents"].append({
            "sha256": sha, "file": s["file"], "format": s["format"], "encoding": s["encoding"], "flavour": s.get("flavour"),
            "pages": s["pages"], "kind": d["kind"], "form": d["form"], "number": d["number"], "title": d["title"],
            "organization": d["organization"], "published": d["published"], "published_raw": d["published_raw"],
            "declaration": d["declaration"], "special_notes": d["special_notes"],
            "threshold_consistent": d.get("threshold_consistent"), "fields": len(fields),
            "exact": sum(f["certainty"] == "exact" for f in fields), "inferred": sum(f["certainty"] == "inferred" for f in fields),
            "unknown": sum(f["certainty"] == "unknown" for f in fields), "diagnostics": len(diags), "errors": len(errors),
            "error_code": errors[0]["code"] if errors else None, "items": comp.get("items"), "items_found": comp.get("items_found"),
        })
        for i, f in enumerate(fields):
            out["fields"].append({
                "sha256": sha, "field_id": f["id"], "position": i, "concept": f["concept"], "path": f["path"],
                "label": f["label"], "type": f["type"], "value": f["value"],
                "choice": f["value"] if f["type"] == "choice" else None, "certainty": f["certainty"],
                "page": f["at"]["page"], "line": f["at"].get("line"), "bbox": f["at"].get("bbox"),
            })
            for k, o in enumerate(f["options"]):
                if isinstance(o, str):
                    row = (o, None if f["value"] is None else f["value"] == o, None, f["certainty"])
                else:
                    row = (o["label"], o["checked"], o["detail"], o["certainty"])
                out["options"].append({
                    "sha256": sha, "field_id": f["id"], "concept": f["concept"], "position": k, "type": f["type"],
                    "option": row[0], "checked": row[1], "detail": row[2], "certainty": row[3],
                })
        for i, x in enumerate(diags):
            at = x.get("at") or {}
            out["diagnostics"].append({
                "sha256": sha, "position": i, "level": x["level"], "code": x["code"], "message": x["message"],
                "field_id": x.get("field"), "page": at.get("page"), "line": at.get("line"),
            })
        for li, items in enumerate(r["tables"]["record_items"]):
            for k, item in enumerate(items):
                out["record_items"].append({"sha256": sha, "list": li, "position": k, "item": item})
        for i, c in enumerate(r["tables"]["changes"]):
            out["changes"].append({"sha256": sha, "position": i, **{k: c[k] for k in ("date", "item", "before", "after", "timing", "reason")}})
    return out


def test_to_tables_equals_cli_parquet_and_records(cli_records, cli_tables):
    tables = pia_extract.to_tables(cli_records)
    want = expected_rows(cli_records)
    assert list(tables) == list(pia_extract.TABLES)
    for name, t in tables.items():
        path = cli_tables / f"{name}.parquet"
        from_cli = pq.read_table(path)
        assert t.equals(from_cli), name
        meta = pq.read_metadata(path).metadata
        assert meta[b"schema_version"].decode() == pia_extract.SCHEMA_VERSION
        assert t.to_pylist() == want[name], name
    assert len(want["fields"]) > 5000 and len(want["options"]) > 5000
    # choice values and kinds are categoricals (dictionary-encoded)
    assert str(tables["fields"].schema.field("choice").type).startswith("dictionary")
    assert str(tables["documents"].schema.field("kind").type).startswith("dictionary")


def test_duckdb_reads_the_same_values(cli_records, cli_tables):
    want = expected_rows(cli_records)
    con = duckdb.connect()
    for name in pia_extract.TABLES:
        cur = con.execute(f"SELECT * FROM read_parquet('{cli_tables}/{name}.parquet')")
        cols = [c[0] for c in cur.description]
        got = [dict(zip(cols, row)) for row in cur.fetchall()]
        assert len(got) == len(want[name]), name
        for i, (g, w) in enumerate(zip(got, want[name])):
            assert g == w, (name, i)
