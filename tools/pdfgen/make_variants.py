#!/usr/bin/env python3
"""Other producers and layouts of the same documents: fixtures/pdf_layouts/.

    python3 tools/pdfgen/make_variants.py [--only VARIANT …] [DOC_ID …]

Each variant renders the rows of forms.py for a document of documents.py, so the answer key
is the one build.py writes (golden/keys/pdf/<id>.json, from the same data). Per document:

  <id>.html.pdf       the workbook (make_xlsx.py) saved as HTML by LibreOffice Calc and printed
                      by Chromium (--headless --print-to-pdf): a browser's table layout, the option
                      grids as table cells, Chromium's fonts (CID TrueType + Type 3)
  <id>.mincho.pdf     the workbook with IPAex明朝 10 pt, narrower columns (2.2) and a narrower
                      label column (6 columns): labels such as リスクへの対策は十分か wrap
  <id>.pgothic.pdf    IPA Pゴシック (proportional), wider columns (3.0), label column of 5 columns,
                      sub-labels of 4
  <id>.landscape.pdf  A4 landscape, fitted to the page width (scaled up)
  <id>.scaled.pdf     A4 portrait at a fixed print scale of 72 % (no fit to page)
  <id>.tj.pdf         the .lo.pdf with every multi-glyph text string rewritten glyph by glyph as
                      a TJ array with kerning (±0.02–0.06 em per glyph, no net drift per pair)
  <id>.writer.pdf     the HTML opened by LibreOffice Writer and exported as PDF: a word processor's
                      table layout of the same form
  <id>.<v>.pdftotext.txt   plain `pdftotext <pdf> <txt>` of each

and fixtures/pdf_layouts/manifest.json. Needs what build.py needs plus chromium and
libreoffice-writer-nogui; nothing here runs in CI.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402
import documents  # noqa: E402
import forms  # noqa: E402
import make_xlsx  # noqa: E402

OUT = build.ROOT / "fixtures" / "pdf_layouts"

# make_xlsx settings per workbook variant (the defaults are restored after each)
XLSX_VARIANTS = {
    "mincho": {"FONT": "IPAexMincho", "FS": 10, "FS_OPT": 9, "FS_BOX": 9, "COLW": 2.2, "COLPT": 15.6,
               "LAB": (1, 6), "SUB": (7, 11)},
    "pgothic": {"FONT": "IPAPGothic", "FS": 9, "FS_OPT": 8, "FS_BOX": 8, "COLW": 3.0, "COLPT": 21.0,
                "LAB": (1, 5), "SUB": (6, 9)},
    "landscape": {"ORIENT": "landscape"},
    "scaled": {"SCALE": 72},
}
VARIANTS = ["html", "mincho", "pgothic", "landscape", "scaled", "tj", "writer"]
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-pdf-header-footer"]
# kerning (thousandths of an em) put before each glyph after the first, in turn
KERNS = [-40, 40, -60, 60, -20, 20]


def xlsx_variant(doc, rows, settings, path):
    saved = {k: getattr(make_xlsx, k) for k in settings}
    try:
        for k, v in settings.items():
            setattr(make_xlsx, k, v)
        make_xlsx.render(doc, rows, path)
    finally:
        for k, v in saved.items():
            setattr(make_xlsx, k, v)


def soffice(args, profile):
    build.run("soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", *args,
              capture_output=True)


def compact(src, dst):
    """Recompress (Chromium writes large uncompressed object streams)."""
    build.run("qpdf", "--object-streams=generate", "--recompress-flate", "--compression-level=9", src, dst)


def clean_html(path):
    """Calc's HTML export puts a sheet index ("Overview") and a heading "Sheet N: name" before each
    sheet's table; a form published as HTML tables has neither. Drop them, start each sheet
    (table) on a new page and print the title (first row) bold."""
    s = path.read_text(encoding="utf-8")
    s = re.sub(r"<hr>\s*<p><center>\s*<h1>Overview</h1>.*?</center></p>\s*<hr>", "", s, flags=re.S)
    s = re.sub(r"<A NAME=\"table(\d+)\"><h1>Sheet \d+: <em>.*?</em></h1></A>", "", s)
    # the title in bold, as published HTML forms print it: Chromium draws the synthetic bold of a
    # CJK font as Type 3 glyphs (with ToUnicode)
    style = ('table ~ table { break-before: page; }\n'
             'table:first-of-type tr:first-child td { font-weight: bold; }')
    s = s.replace("</head>", f"<style>{style}</style>\n</head>", 1)
    path.write_text(s, encoding="utf-8")


def tj_rewrite(src, dst, tmp):
    """Every `<hex>Tj` of two or more one-byte codes becomes `[<c1> k <c2> -k …]TJ`."""
    qdf = Path(tmp) / "qdf.pdf"
    build.run("qpdf", "--qdf", "--object-streams=disable", src, qdf)
    data = qdf.read_bytes()

    def kern(m):
        codes = re.findall(rb"[0-9a-fA-F]{2}", m.group(1))
        if len(codes) < 2:
            return m.group(0)
        parts = [b"<" + codes[0] + b">"]
        for i, c in enumerate(codes[1:]):
            parts.append(str(KERNS[i % len(KERNS)]).encode())
            parts.append(b"<" + c + b">")
        return b"[" + b" ".join(parts) + b"]TJ"

    data = re.sub(rb"<([0-9a-fA-F]+)>Tj", kern, data)
    fixed = Path(tmp) / "fixed.pdf"
    fixed.write_bytes(data)
    # fix-qdf repairs the stream lengths the rewrite changed
    with open(fixed, "rb") as fin, open(Path(tmp) / "fixed2.pdf", "wb") as fout:
        subprocess.run(["fix-qdf"], stdin=fin, stdout=fout, check=True)
    compact(Path(tmp) / "fixed2.pdf", dst)


def render(doc, only, tmp, profile):
    did = doc["id"]
    rows = forms.build(doc)
    made = []
    base = Path(tmp) / f"{did}.xlsx"
    make_xlsx.render(doc, rows, base)
    need_html = {"html", "writer"} & set(only)
    html = Path(tmp) / "html" / f"{did}.html"
    if need_html:
        soffice(["--convert-to", "html", "--outdir", Path(tmp) / "html", base], profile)
        clean_html(html)
    if "html" in only:
        raw = Path(tmp) / f"{did}.chromium.pdf"
        build.run(*CHROMIUM, f"--print-to-pdf={raw}", html.as_uri(), capture_output=True)
        compact(raw, OUT / f"{did}.html.pdf")
        made.append("html")
    if "writer" in only:
        wdir = Path(tmp) / "writer"
        soffice(["--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export", "--outdir", wdir, html],
                profile)
        shutil.move(wdir / f"{did}.pdf", OUT / f"{did}.writer.pdf")
        made.append("writer")
    for v, settings in XLSX_VARIANTS.items():
        if v not in only:
            continue
        x = Path(tmp) / v / f"{did}.xlsx"
        x.parent.mkdir(exist_ok=True)
        xlsx_variant(doc, rows, settings, x)
        shutil.move(build.soffice_pdf(x, x.parent, profile), OUT / f"{did}.{v}.pdf")
        made.append(v)
    if "tj" in only:
        lo = Path(tmp) / "tj" / f"{did}.lo.pdf"
        lo.parent.mkdir(exist_ok=True)
        shutil.move(build.soffice_pdf(base, lo.parent, profile), lo)
        tj_rewrite(lo, OUT / f"{did}.tj.pdf", lo.parent)
        made.append("tj")
    for v in made:
        build.run("pdftotext", OUT / f"{did}.{v}.pdf", OUT / f"{did}.{v}.pdftotext.txt")
    return made


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", choices=VARIANTS, help="a variant (repeat for more; default all)")
    ap.add_argument("docs", nargs="*", help="document ids (default: all)")
    a = ap.parse_args()
    a.only = a.only or VARIANTS
    for tool in ("soffice", "chromium", "pdftotext", "qpdf", "fix-qdf"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: see tools/pdfgen/README.md for the packages to install")
    OUT.mkdir(parents=True, exist_ok=True)
    mpath = OUT / "manifest.json"
    manifest = json.loads(mpath.read_text()) if mpath.exists() else {}
    manifest["generator"] = "tools/pdfgen/make_variants.py"
    manifest.setdefault("files", {})
    docs = [d for d in documents.DOCUMENTS if not a.docs or d["id"] in a.docs]
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "lo-profile"
        for doc in docs:
            for v in render(doc, a.only, tmp, profile):
                p = OUT / f"{doc['id']}.{v}.pdf"
                entry = {"key": f"golden/keys/pdf/{doc['id']}.json", "bytes": p.stat().st_size,
                         "pages": build.pages(p), "fonts": build.font_summary(build.fonts(p))}
                manifest["files"][p.name] = entry
                print(f"  {p.name:40s} {entry['bytes']:>7d} B  {entry['pages']:>2d} pp  {entry['fonts']}")
    manifest["files"] = {k: v for k, v in sorted(manifest["files"].items()) if (OUT / k).exists()}
    mpath.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
