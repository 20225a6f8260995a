#!/usr/bin/env python3
"""Regenerate the PDF fixtures and their answer keys. Run from anywhere:

    python3 tools/pdfgen/build.py [--keep DIR] [DOC_ID …]

For each document of documents.py:
  fixtures/pdf/<id>.lo.pdf           .xlsx (make_xlsx.py) → soffice --headless --convert-to pdf
  fixtures/pdf/<id>.cairo.pdf        the .lo.pdf through pdftocairo -pdf
  fixtures/pdf/<id>.notounicode.pdf  the .cairo.pdf with every /ToUnicode removed (strip_tounicode.py)
  fixtures/pdf/<id>.unijis.pdf       reportlab, non-embedded HeiseiKakuGo-W5 / UniJIS-UCS2-H (make_unijis.py)
  fixtures/pdf/<id>.{lo,cairo}.pdftotext.txt   plain `pdftotext <pdf> <txt>`
  golden/keys/pdf/<id>.json          the answer key (make_keys.py)
and fixtures/pdf/manifest.json (pages, bytes, fonts per PDF; option coverage).
--keep DIR keeps the intermediate .xlsx files; --font NAME picks the font of the Excel renderings.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_unijis  # noqa: E402  (first: it configures reportlab before platypus is imported)
import documents  # noqa: E402
import forms  # noqa: E402
import make_keys  # noqa: E402
import make_xlsx  # noqa: E402
import strip_tounicode  # noqa: E402

ROOT = HERE.parent.parent
PDF_DIR = ROOT / "fixtures" / "pdf"
KEY_DIR = ROOT / "golden" / "keys" / "pdf"
LIMIT = 300 * 1024


def run(*cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def soffice_pdf(xlsx, outdir, profile):
    run("soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
        "--convert-to", "pdf", "--outdir", outdir, xlsx, capture_output=True)
    return Path(outdir) / (Path(xlsx).stem + ".pdf")


def pages(pdf):
    out = run("qpdf", "--show-npages", pdf, capture_output=True, text=True).stdout
    return int(out.strip())


def fonts(pdf):
    """Every font dictionary: name, subtype, encoding, embedded, ToUnicode (from qpdf --json)."""
    data = json.loads(run("qpdf", "--json=2", "--json-key=qpdf", pdf, capture_output=True, text=True).stdout)
    objs = data["qpdf"][1]

    def get(ref):
        o = objs.get(f"obj:{ref}", {})
        return o.get("value", o.get("stream", {}).get("dict", {}))

    def deref(v):
        return get(v) if isinstance(v, str) and v.endswith(" R") else v

    out = []
    for o in objs.values():
        d = o.get("value")
        if not isinstance(d, dict) or d.get("/Type") != "/Font" or d.get("/Subtype") == "/CIDFontType2" \
                or d.get("/Subtype") == "/CIDFontType0":
            continue
        sub = d.get("/Subtype", "")
        desc = deref(d.get("/FontDescriptor"))
        if sub == "/Type0":
            kids = deref(d.get("/DescendantFonts"))
            kid = deref(kids[0]) if kids else {}
            desc = deref(kid.get("/FontDescriptor"))
            sub = f"Type0/{kid.get('/Subtype', '?')[1:]}"
        else:
            sub = sub[1:]
        desc = desc if isinstance(desc, dict) else {}
        embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        enc = d.get("/Encoding", "")
        enc = enc[1:] if isinstance(enc, str) and enc.startswith("/") else ("custom" if enc else "no-Encoding")
        out.append({"name": d.get("/BaseFont", "?")[1:], "type": sub, "encoding": enc,
                    "embedded": embedded, "tounicode": "/ToUnicode" in d})
    return sorted(out, key=lambda f: f["name"])


def font_summary(fs):
    kinds = sorted({(f["type"], f["encoding"], f["embedded"], f["tounicode"]) for f in fs})
    return "; ".join(f"{len([f for f in fs if (f['type'], f['encoding'], f['embedded'], f['tounicode']) == k])}× "
                     f"{k[0]} {k[1]} {'embedded' if k[2] else 'NOT embedded'} "
                     f"{'ToUnicode' if k[3] else 'no ToUnicode'}" for k in kinds)


def build(doc, tmp, profile, keep):
    did = doc["id"]
    rows = forms.build(doc)
    xlsx = Path(tmp) / f"{did}.xlsx"
    make_xlsx.render(doc, rows, xlsx)
    if keep:
        shutil.copy(xlsx, Path(keep) / xlsx.name)
    lo = PDF_DIR / f"{did}.lo.pdf"
    shutil.move(soffice_pdf(xlsx, tmp, profile), lo)
    cairo = PDF_DIR / f"{did}.cairo.pdf"
    run("pdftocairo", "-pdf", lo, cairo)
    strip_tounicode.strip(cairo, PDF_DIR / f"{did}.notounicode.pdf")
    make_unijis.render(doc, rows, str(PDF_DIR / f"{did}.unijis.pdf"))
    for v in ("lo", "cairo"):
        run("pdftotext", PDF_DIR / f"{did}.{v}.pdf", PDF_DIR / f"{did}.{v}.pdftotext.txt")
    key = make_keys.make_key(doc, rows)
    (KEY_DIR / f"{did}.json").write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return rows, key


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", help="directory to keep the intermediate .xlsx files in")
    ap.add_argument("--font", default=make_xlsx.FONT,
                    help=f"font of the Excel renderings (default {make_xlsx.FONT}; IPAGothic comes with fonts-ipafont)")
    ap.add_argument("docs", nargs="*", help="document ids (default: all)")
    a = ap.parse_args()
    make_xlsx.FONT = a.font
    for tool in ("soffice", "pdftocairo", "pdftotext", "qpdf"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: see tools/pdfgen/README.md for the packages to install")
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    KEY_DIR.mkdir(parents=True, exist_ok=True)
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    docs = [d for d in documents.DOCUMENTS if not a.docs or d["id"] in a.docs]
    all_rows = []
    manifest = {"generator": "tools/pdfgen/build.py", "font": a.font, "documents": {}}
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "lo-profile"
        for doc in docs:
            rows, key = build(doc, tmp, profile, a.keep)
            all_rows.append(rows)
            entry = {"kind": key["document"]["kind"], "form": key["document"].get("form"),
                     "key": f"golden/keys/pdf/{doc['id']}.json",
                     "key_entries": {k: len(key[k]) for k in ("choices", "checks", "texts")}, "files": {}}
            for v in make_keys.VARIANTS:
                p = PDF_DIR / f"{doc['id']}.{v}.pdf"
                fs = fonts(p)
                entry["files"][p.name] = {"bytes": p.stat().st_size, "pages": pages(p),
                                          "fonts": font_summary(fs)}
                if p.stat().st_size > LIMIT:
                    print(f"warning: {p.name} is {p.stat().st_size} bytes (> {LIMIT})", file=sys.stderr)
            manifest["documents"][doc["id"]] = entry
    if not a.docs:
        cov = make_keys.check_coverage(all_rows)
        manifest["coverage"] = cov
        if cov["missing"] or cov["one_sided"]:
            print(f"coverage: missing {cov['missing']}, one-sided {cov['one_sided']}", file=sys.stderr)
        (PDF_DIR / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
    for did, e in manifest["documents"].items():
        print(f"{did}  ({e['kind']}, {e['form']})  key: {e['key_entries']}")
        for name, f in e["files"].items():
            print(f"  {name:40s} {f['bytes']:>7d} B  {f['pages']:>2d} pp  {f['fonts']}")


if __name__ == "__main__":
    main()
