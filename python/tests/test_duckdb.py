"""The README's three DuckDB queries, run as written over the CLI's Parquet tables, give what
the JSON records say."""

import collections
import re

import duckdb


def readme_queries(root):
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("### DuckDB queries over the Parquet tables")[1].split("\n## ")[0]
    queries = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(queries) == 3
    return queries


def run(query, tables):
    return duckdb.connect().execute(query.replace("'tables/", f"'{tables}/")).fetchall()


def fields_of(r, concept):
    return [f for f in r["fields"] if f["concept"] == concept]


def test_readme_queries(root, cli_records, cli_tables):
    q_band, q_entrust, q_systems = readme_queries(root)

    # 1. share of documents per 対象人数 band by kind
    counts = collections.Counter()
    for r in cli_records:
        for f in fields_of(r, "affair.persons"):
            counts[(r["document"]["kind"], f["value"])] += 1
    per_kind = collections.Counter()
    for (kind, _), n in counts.items():
        per_kind[kind] += n
    want = sorted(((k, b, n, round(n / per_kind[k], 3)) for (k, b), n in counts.items()), key=lambda t: (t[0] or "", t[1] or ""))
    got = run(q_band, cli_tables)
    assert len(got) > 2
    assert sorted(got, key=lambda t: (t[0] or "", t[1] or "")) == want

    # 2. 委託する and some 再委託する
    want = sorted(
        {(r["source"]["sha256"], r["source"]["file"], r["document"]["organization"])
         for r in cli_records
         if any(f["value"] == "委託する" for f in fields_of(r, "entrust.status"))
         and any(f["value"] == "再委託する" for f in fields_of(r, "entrust.subcontract"))},
        key=lambda t: t[1],
    )
    got = run(q_entrust, cli_tables)
    assert got and got == want

    # 3. checked options of 他のシステムとの接続 per organization
    counts = collections.Counter()
    for r in cli_records:
        for f in fields_of(r, "system.connections"):
            for o in f["options"]:
                if o["checked"] is True:
                    counts[(r["document"]["organization"], o["label"])] += 1
    want = sorted(((org, opt, n) for (org, opt), n in counts.items()), key=lambda t: (t[0] or "", t[1]))
    got = run(q_systems, cli_tables)
    assert got and sorted(got, key=lambda t: (t[0] or "", t[1])) == want
