#!/usr/bin/env python3
"""Make a synthetic corpus for corpus-run tests and benchmarks.

    python3 tools/corpus/make_corpus.py OUT_DIR [--docs 1000] [--bad 0.02] [--seed 1]

Good documents are copies of the fixtures (fixtures/seeds, fixtures/flavours when present),
each made unique by a trailing comment line so that sha256 differs. About --bad of them are
corrupted in one of four ways that must give an error record: truncated to its first 64
bytes, every byte flipped (xor 0x5A), empty, or a Japanese text that is not an evaluation.
OUT_DIR/manifest.json lists every file with its kind ("good" or the corruption).
"""
import argparse, json, os, random, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

def sources():
    out = []
    for d in ["fixtures/seeds", "fixtures/flavours"]:
        p = ROOT / d
        if p.is_dir():
            # a dump whose glyphs were lost is not a good document (it may be an error record)
            out += sorted(x for x in p.iterdir() if x.suffix in (".txt", ".md", ".html") and ".glyphloss." not in x.name)
    return out

NON_PIA = "本日の議題\n一、予算について\n二、人事について\n以上の通り決定した。\n".encode("utf-8")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--bad", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    srcs = sources()
    if not srcs:
        sys.exit("no fixtures found")
    n_bad = max(4, round(a.docs * a.bad))
    bad_at = set(rnd.sample(range(a.docs), n_bad))
    kinds = ["truncated", "flipped", "empty", "non_pia"]
    manifest = []
    for i in range(a.docs):
        src = srcs[i % len(srcs)]
        data = src.read_bytes()
        name = f"{i:05d}_{src.stem}{src.suffix}"
        if i in bad_at:
            kind = kinds[len([b for b in bad_at if b < i]) % len(kinds)]
            if kind == "truncated":
                data = data[:64]
            elif kind == "flipped":
                data = bytes(b ^ 0x5A for b in data)
            elif kind == "empty":
                data = b""
            else:
                data = NON_PIA
        else:
            kind = "good"
            # unique bytes per copy, without touching the content the form is read from
            nl = b"\r\n" if b"\r\n" in data[:2000] else b"\n"
            enc_probe = data[:2]
            if enc_probe in (b"\xff\xfe", b"\xfe\xff"):
                pass  # UTF-16 copies stay identical (their sha repeats; names differ)
            else:
                data = data + nl + f"copy {i}".encode("ascii") + nl
        (out / name).write_bytes(data)
        manifest.append({"file": name, "kind": kind, "source": src.name})
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    print(f"{a.docs} documents ({n_bad} corrupted) in {out}")

if __name__ == "__main__":
    main()
