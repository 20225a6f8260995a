"""Write the answer key of a generated document (golden/keys/CONVENTIONS.md format) from the
same rows the renderers laid out. One key serves every rendering of the document; `source`
names the LibreOffice rendering. `lines` is `[]`: a generated key points at no input line.
"""

import re

from forms import kind_of

SHORT = 60          # texts longer than this (or with a line break) are not keyed
VARIANTS = ["lo", "cairo", "unijis", "notounicode"]


def norm_form(tag):
    """`[令和６年10月　様式４]` → `令和6年10月 様式4`."""
    s = tag.strip().strip("[]［］")
    s = s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    s = re.sub(r"[\s\u3000]+", "", s)
    return re.sub(r"(月)(様式)", r"\1 \2", s)


def iso_date(raw):
    s = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = re.fullmatch(r"(令和|平成)(元|\d+)年(\d+)月(\d+)日", s)
    assert m, raw
    n = 1 if m.group(2) == "元" else int(m.group(2))
    year = (2018 if m.group(1) == "令和" else 1988) + n
    return f"{year:04d}-{int(m.group(3)):02d}-{int(m.group(4)):02d}"


def document_block(doc):
    c = doc["cover"]
    d = {"kind": kind_of(doc)}
    if doc.get("tag"):
        d["form"] = norm_form(doc["tag"])
    d["number"] = c["number"]
    d["title"] = c["title"]
    d["organization"] = c["organization"]
    d["published"] = iso_date(c["published"])
    d["published_raw"] = c["published"]
    d["declaration"] = c["declaration"]
    if c.get("special_notes"):
        d["special_notes"] = c["special_notes"]
    return d


def short(v):
    return bool(v) and "\n" not in v and len(v) <= SHORT


def make_key(doc, rows):
    choices, checks, texts = [], [], []
    for row in rows:
        k = row["k"]
        if k == "item" and row["switch"]:
            for b in row["switch"]:
                checks.append({"where": row["where"], "label": row["key_label"], "option": b["key"],
                               "checked": b["checked"], "lines": []})
        elif k == "group" and row.get("value"):
            texts.append({"where": row["where"], "label": row["key_label"], "value": row["value"], "lines": []})
        elif k == "value" and row.get("key_label") and short(row["value"]):
            texts.append({"where": row["where"], "label": row["key_label"], "value": row["value"], "lines": []})
        elif k == "block":
            for f in row["fields"]:
                if f["t"] == "choice":
                    choices.append({"where": f["where"], "label": f["key_label"], "value": f["value"], "lines": []})
                elif f["t"] == "checks":
                    for b in f["boxes"]:
                        checks.append({"where": f["where"], "label": f["key_label"], "option": b["key"],
                                       "checked": b["checked"], "lines": []})
                elif f["t"] == "text" and short(f["value"]):
                    e = {"where": list(f["where"]), "label": f["key_label"], "value": f["value"], "lines": []}
                    if f.get("parent"):
                        e["_parent"] = f["parent"]
                    texts.append(e)

    # a label that repeats in one group is keyed under its parent choice (CONVENTIONS.md)
    def ident(e):
        return (tuple(e["where"]), e["label"])
    counts = {}
    for e in texts:
        counts[ident(e)] = counts.get(ident(e), 0) + 1
    kept = []
    for e in texts:
        parent = e.pop("_parent", None)
        if counts[ident(e)] > 1:
            if not parent:
                continue
            e["where"] = e["where"] + [parent]
        kept.append(e)
    seen = {}
    for e in kept:
        seen[ident(e)] = seen.get(ident(e), 0) + 1
    kept = [e for e in kept if seen[ident(e)] == 1]

    for e in choices + checks:
        assert e.get("value", True) is not None
    return {
        "source": f"{doc['id']}.lo.pdf",
        "made_by": "generator tools/pdfgen from documents.py",
        "applies_to": [f"{doc['id']}.{v}.pdf" for v in VARIANTS],
        "document": document_block(doc),
        "document_lines": {},
        "choices": choices,
        "checks": checks,
        "texts": kept,
        "left_out": [],
    }


def check_coverage(docs_rows):
    """Every OPT-* and CB-* of forms.md occurs; every checkbox group has checked and unchecked
    boxes somewhere; every choice has a value."""
    from forms import CBS, OPTS
    opts, cbs = {}, {}
    for rows in docs_rows:
        for row in rows:
            if row["k"] == "block":
                for f in row["fields"]:
                    if f["t"] == "choice":
                        opts.setdefault(f["list"], set()).add(f["value"])
                    elif f["t"] == "checks":
                        cbs.setdefault(f["group"], set()).update(b["checked"] for b in f["boxes"])
            elif row["k"] == "item" and row["switch"]:
                cbs.setdefault("CB-NOTAPPLIC", set()).update(b["checked"] for b in row["switch"])
    missing = [o for o in OPTS if o not in opts] + [c for c in list(CBS) + ["CB-NOTAPPLIC"] if c not in cbs]
    one_sided = [c for c, v in cbs.items() if v != {True, False}]
    return {"options": {k: sorted(v) for k, v in sorted(opts.items())},
            "checkbox_groups": {k: sorted(v) for k, v in sorted(cbs.items())},
            "missing": missing, "one_sided": one_sided}
