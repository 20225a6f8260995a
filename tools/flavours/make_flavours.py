#!/usr/bin/env python3
"""Regenerate fixtures/flavours/ from fixtures/seeds/*.txt.

Every seed is turned into the text variants seen in real dumps of 特定個人情報保護評価書
(see ../shared/docs/forms.md, "Text variants seen in real dumps"). The output is
deterministic: every random choice comes from a random.Random seeded with a CRC-32 of
"<seed stem>:<flavour>", and nothing depends on the clock, the locale or hash order.

    python3 tools/flavours/make_flavours.py           # regenerate everything
    python3 tools/flavours/make_flavours.py --check   # regenerate in memory, compare, exit 1 on drift

Python 3.11 standard library only. See tools/flavours/README.md.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import unicodedata
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds"
OUT = ROOT / "fixtures" / "flavours"

BYTE_FLAVOURS = ["sjis", "eucjp", "utf16le", "utf16be", "crlf", "bom"]
TEXT_FLAVOURS = ["furniture", "spaced", "stripped", "doubled", "glyphloss", "flattened"]
# Seeds that are markdown/HTML conversions get only the byte flavours and furniture.
MARKUP_FLAVOURS = BYTE_FLAVOURS + ["furniture"]

KEEPS = {
    "sjis": "all", "eucjp": "all", "utf16le": "all", "utf16be": "all", "crlf": "all", "bom": "all",
    "furniture": "all", "spaced": "all", "stripped": "marks_lost", "doubled": "all",
    "glyphloss": "glyphs_lost", "flattened": "order_lost",
}

# Running header per seed: a short title and a department, as printed on every page.
# Unknown seeds fall back to the 評価書名 found in the text (or the form's name).
HEADERS = {
    "000": ("税情報ファイル　全項目評価書", "税務課"),
    "001": ("個人住民税に関する課税事務　全項目評価書", "財政局税務部課税管理課"),
    "002": ("後期高齢者医療事務　全項目評価書", "健康福祉局長寿社会部医療年金課"),
    "003": ("地方税等収納管理・滞納整理事務 重点項目評価書", "石巻市財務部納税課"),
    "004": ("臨時特別給付金給付事業に関する事務　重点項目評価書", "福祉部福祉総務課"),
}
FOOTER_STYLES = ["dash", "spaced_slash", "slash"]  # -N- / N / M / N/M, rotated over the seeds
FOOTER_RES = {"dash": r"^-\d+-$", "spaced_slash": r"^\d+ / \d+$", "slash": r"^\d+/\d+$"}
PAGE_MIN, PAGE_MAX = 42, 48  # furniture: lines of seed text per page
FLAT_BLOCK = 40  # flattened: seed lines per output line
GLYPH_LOSS = 0.40  # glyphloss: share of ideograph occurrences lost

# Characters a Windows "best fit" conversion writes instead of failing; anything else that the
# legacy encoding cannot hold becomes '?' (errors="replace"), so the rest of the text is kept.
BEST_FIT = {"\u00a0": " ", "\u2212": "\uff0d"}


# ---------------------------------------------------------------- helpers

def rng_for(stem: str, flavour: str) -> random.Random:
    return random.Random(zlib.crc32(f"{stem}:{flavour}".encode("utf-8")))


def split_lines(text: str) -> tuple[list[str], bool]:
    """Lines without their '\\n', and whether the text ended with a newline."""
    trailing = text.endswith("\n")
    body = text[:-1] if trailing else text
    return body.split("\n"), trailing


def join_lines(lines: list[str], trailing: bool) -> str:
    return "\n".join(lines) + ("\n" if trailing else "")


def describe(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, '?')}"


def is_ideograph(c: str) -> bool:
    o = ord(c)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


KANA_OR_IDEO = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"


# ---------------------------------------------------------------- byte flavours

def encode_legacy(text: str, enc_char) -> tuple[bytes, collections.Counter, dict]:
    """Encode char by char; `enc_char(c)` returns bytes or None. Unencodable characters go
    through BEST_FIT, else become '?'. Returns bytes, a Counter of the unencodable characters
    and, per character, the 1-based lines where it occurs."""
    out = bytearray()
    bad: collections.Counter = collections.Counter()
    where: dict = collections.defaultdict(list)
    line = 1
    for c in text:
        b = enc_char(c)
        if b is None:
            bad[c] += 1
            if line not in where[c]:
                where[c].append(line)
            sub = BEST_FIT.get(c)
            b = enc_char(sub) if sub is not None else None
            if b is None:
                b = b"?"
        out += b
        if c == "\n":
            line += 1
    return bytes(out), bad, where


def cp932_char(c: str) -> bytes | None:
    try:
        return c.encode("cp932")
    except UnicodeEncodeError:
        return None


def _build_eucjp():
    """EUC-JP as the WHATWG Encoding Standard (and encoding_rs) reads it: JIS X 0208 rows 1-94
    with the Windows (CP932) mappings, the NEC row 13 (①, Ⅰ…) and the NEC-selected IBM
    extensions in rows 89-92. Built from Python's own cp932 codec: every double-byte Shift_JIS
    code is turned into its JIS row/cell; a character takes its lowest pointer (as the WHATWG
    encoder does). Python's "euc_jp" codec is the old JIS-only table: it cannot write ① or Ⅲ,
    which every evaluation document uses, so it is not used here."""
    enc: dict[str, bytes] = {}
    dec: dict[bytes, str] = {}
    for lead in list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD)):
        for trail in list(range(0x40, 0x7F)) + list(range(0x80, 0xFD)):
            try:
                ch = bytes([lead, trail]).decode("cp932")
            except UnicodeDecodeError:
                continue
            if len(ch) != 1:
                continue
            pointer = (lead - (0x81 if lead < 0xA0 else 0xC1)) * 188 + trail - (0x40 if trail < 0x7F else 0x41)
            row, cell = divmod(pointer, 94)
            if row >= 94 or 0xE000 <= ord(ch) <= 0xF8FF:
                continue  # user-defined area / IBM rows beyond 94: no EUC-JP code
            b = bytes([row + 0xA1, cell + 0xA1])
            enc.setdefault(ch, b)
            dec.setdefault(b, ch)
    return enc, dec


EUC_ENC, EUC_DEC = _build_eucjp()


def eucjp_char(c: str) -> bytes | None:
    o = ord(c)
    if o < 0x80:
        return bytes([o])
    if 0xFF61 <= o <= 0xFF9F:
        return bytes([0x8E, o - 0xFF61 + 0xA1])
    if c == "\u00a5":
        return b"\x5c"
    if c == "\u203e":
        return b"\x7e"
    return EUC_ENC.get(c)


def eucjp_decode(b: bytes) -> str:
    """Inverse of eucjp_char for self-checks (no JIS X 0212)."""
    out, i = [], 0
    while i < len(b):
        x = b[i]
        if x < 0x80:
            out.append(chr(x)); i += 1
        elif x == 0x8E:
            out.append(chr(b[i + 1] - 0xA1 + 0xFF61)); i += 2
        else:
            out.append(EUC_DEC[b[i:i + 2]]); i += 2
    return "".join(out)


def byte_flavour(flavour: str, text: str) -> tuple[bytes, str, str]:
    """bytes, the text a correct decoder gets back, and the manifest note."""
    if flavour in ("sjis", "eucjp"):
        enc_char = cp932_char if flavour == "sjis" else eucjp_char
        data, bad, where = encode_legacy(text, enc_char)
        back = data.decode("cp932") if flavour == "sjis" else eucjp_decode(data)
        name = "Shift_JIS (CP932, the Windows table: NEC row 13 ①Ⅰ…, IBM extensions)" if flavour == "sjis" \
            else "EUC-JP (eucJP-ms / WHATWG table: JIS X 0208 with the CP932 mappings, NEC row 13, IBM extensions in rows 89-92)"
        if not bad:
            note = f"{name}; every character of the seed is representable; decodes back to the seed exactly."
        else:
            parts = []
            for c, n in bad.most_common():
                sub = BEST_FIT.get(c)
                shown = f"'{sub}' (best fit)" if sub is not None and enc_char(sub) is not None else "'?'"
                lines = where[c]
                ltxt = ", ".join(map(str, lines[:8])) + (", …" if len(lines) > 8 else "")
                parts.append(f"{describe(c)} x{n} written as {shown} ({'line' if len(lines) == 1 else 'lines'} {ltxt})")
            note = f"{name}; NOT fully representable: " + "; ".join(parts) + ". Everything else decodes back to the seed exactly."
        return data, back, note
    if flavour == "utf16le":
        return b"\xff\xfe" + text.encode("utf-16-le"), text, "UTF-16LE with BOM FF FE."
    if flavour == "utf16be":
        return b"\xfe\xff" + text.encode("utf-16-be"), text, "UTF-16BE with BOM FE FF."
    if flavour == "crlf":
        assert "\r" not in text
        return text.replace("\n", "\r\n").encode("utf-8"), text, "UTF-8, every LF written as CRLF."
    if flavour == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8"), text, "UTF-8 with BOM EF BB BF."
    raise ValueError(flavour)


# ---------------------------------------------------------------- furniture

def header_for(stem: str, lines: list[str]) -> str:
    title, dept = HEADERS.get(stem[:3], (None, None))
    if title is None:
        title = next((l.strip() for l in lines if re.search(r"(全項目|重点項目|基礎項目)評価書$", l.strip())
                      and not l.strip().startswith("特定個人情報保護評価書")), "特定個人情報保護評価書")
        dept = ""
    return f"{title}　{dept}" if dept else title


def footer(style: str, n: int, m: int) -> str:
    return {"dash": f"-{n}-", "spaced_slash": f"{n} / {m}", "slash": f"{n}/{m}"}[style]


def furniture(stem: str, index: int, lines: list[str]) -> tuple[list[str], str]:
    rng = rng_for(stem, "furniture")
    style = FOOTER_STYLES[index % len(FOOTER_STYLES)]
    header = header_for(stem, lines)
    starts, pos = [], 0
    while pos < len(lines):
        starts.append(pos)
        pos += rng.randint(PAGE_MIN, PAGE_MAX)
    m = len(starts)
    out: list[str] = []
    for p, s in enumerate(starts):
        e = starts[p + 1] if p + 1 < m else len(lines)
        out.append(header)
        out.extend(lines[s:e])
        out.append(footer(style, p + 1, m))
    # self-check: dropping the furniture lines gives the seed back
    foot = re.compile(FOOTER_RES[style])
    assert not any(l == header or foot.match(l) for l in lines), f"{stem}: seed line looks like furniture"
    assert [l for l in out if not (l == header or foot.match(l))] == lines
    ex = footer(style, 1, m)
    note = (f"{m} pages of {PAGE_MIN}-{PAGE_MAX} seed lines; each page starts with the header line "
            f"'{header}' and ends with a footer like '{ex}'. Removing every line equal to the header or "
            f"matching {FOOTER_RES[style]} gives the seed back line for line; seed line L on page p (1-based) "
            f"is output line L + 2p - 1.")
    return out, note


# ---------------------------------------------------------------- spaced

def spaced_line(line: str) -> str:
    """Every character its own token, except runs of printable ASCII (digits, Latin words,
    `1)`, `4]`), which stay together; white space collapses to one space between tokens:
    `[平成26年4月　様式4]` → `[ 平 成 26 年 4 月 様 式 4]`."""
    return " ".join(re.findall(r"[!-~]+|\S", line))


# ---------------------------------------------------------------- stripped

MARK = "○◯〇"
STRIP_CHARS = "[]［］【】、。､｡\u3000"


def stripped_line(line: str) -> str:
    """Punctuation stripped and digits spaced: check marks in brackets or standing alone as a
    token (the mark of a box split across lines), `[ ] ［ ］ 【 】 、 。`
    and ideographic spaces go; a space goes between a digit run and a kana/kanji;
    runs of spaces collapse: `[平成26年4月　様式4]` → `平成 26 年 4 月様式 4`."""
    if re.fullmatch(rf"[\s{MARK}]*[{MARK}][\s{MARK}]*", line):
        return ""
    s = re.sub(rf"([\[［][ \u3000]*)[{MARK}]", r"\1", line)
    s = re.sub(rf"[{MARK}](?=[ \u3000]*[\]］])", "", s)
    s = re.sub(rf"(?:(?<=[ \u3000])|^)[{MARK}]+(?=[ \u3000]|$)", "", s)  # a lone mark token (split box)
    s = "".join(c for c in s if c not in STRIP_CHARS)
    s = re.sub(rf"(?<=[0-9０-９])(?=[{KANA_OR_IDEO}])|(?<=[{KANA_OR_IDEO}])(?=[0-9０-９])", " ", s)
    s = re.sub(r"[ \t\u00a0]+", " ", s)
    return s.strip()


# ---------------------------------------------------------------- doubled

def double(s: str) -> str:
    """Bold by overprint as pdftotext reads it: the text is drawn twice, and the second copy
    lands inside the first, at the first opening bracket (else in the middle):
    double('特定個人情報保護評価書(全項目評価書)')
      == '特定個人情報保護評価書( 特定個人情報保護評価書(全項目評価書) 全項目評価書)'"""
    m = re.search(r"[(（]", s)
    k = m.end() if m and m.end() < len(s) else len(s) // 2
    return f"{s[:k]} {s} {s[k:]}"


TITLE_RE = re.compile(r"^特定個人情報保護評価書[（(](全項目|重点項目|基礎項目)評価書[)）]$")
SECTION_RE = re.compile(r"^[ⅠⅡⅢⅣⅤⅥ][ \u3000]+\S")
ITEM_RE = re.compile(r"^\s+[0-9０-９]{1,2}[．.][^\s－\-]")


def is_heading(line: str) -> bool:
    t = line.strip()
    if not t or len(t) > 80:
        return False
    return bool(TITLE_RE.match(t) or SECTION_RE.match(t) or ITEM_RE.match(line))


def doubled_line(line: str) -> str:
    if not is_heading(line):
        return line
    lead = line[: len(line) - len(line.lstrip())]
    body = line.strip()
    tail = line[len(lead) + len(body):]
    return lead + double(body) + tail


# ---------------------------------------------------------------- glyphloss

SKELETON_RE = re.compile(r"[＜<]選択肢[＞>]|&lt;選択肢&gt;")


def glyphloss(stem: str, text: str) -> tuple[str, str]:
    """A CID font without ToUnicode: a fixed set of ideographs (chosen once per document, so a
    lost glyph is lost everywhere) comes out as nothing; a run of lost glyphs leaves one space
    (none at the start or end of a line, none next to a space). Kana, digits, ASCII, brackets,
    ○ and the ＜選択肢＞ skeleton survive: `住民基本台帳ネットワーク` → `民基 帳ネットワーク`."""
    rng = rng_for(stem, "glyphloss")
    protected = set()
    for m in SKELETON_RE.finditer(text):
        protected.update(range(m.start(), m.end()))
    counts = collections.Counter(c for i, c in enumerate(text) if is_ideograph(c) and i not in protected)
    total = sum(counts.values())
    distinct = sorted(counts)
    rng.shuffle(distinct)
    lost, n = set(), 0
    for c in distinct:
        if n >= GLYPH_LOSS * total:
            break
        lost.add(c)
        n += counts[c]
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in lost and i not in protected:
            j = i
            while j < len(text) and text[j] in lost and j not in protected:
                j += 1
            at_start = not out or out[-1] == "\n"
            at_end = j >= len(text) or text[j] == "\n"
            if not (at_start or at_end or out[-1].isspace() or text[j].isspace()):
                out.append(" ")
            i = j
            continue
        out.append(c)
        i += 1
    note = (f"line for line; {len(lost)} of {len(counts)} distinct ideographs lost everywhere "
            f"({n} of {total} occurrences, {100 * n / max(total, 1):.1f}%); kana, digits, ASCII, brackets, "
            f"marks and ＜選択肢＞ kept. Key line numbers still point at the right lines, but values are unreadable.")
    return "".join(out), note


# ---------------------------------------------------------------- flattened

def flattened(lines: list[str]) -> list[str]:
    out = []
    for s in range(0, len(lines), FLAT_BLOCK):
        parts = [re.sub(r"[ \t\u00a0]+", " ", l).strip() for l in lines[s:s + FLAT_BLOCK]]
        out.append(" ".join(p for p in parts if p))
    return out


# ---------------------------------------------------------------- driver

def is_markup(text: str) -> bool:
    return bool(re.search(r"<input\b|<p>|^#{1,3} ", text, re.M))


def build() -> tuple[dict[str, bytes], list[dict]]:
    files: dict[str, bytes] = {}
    manifest: list[dict] = []
    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        sys.exit(f"no seeds in {SEEDS}")
    for index, path in enumerate(seeds):
        stem = path.stem
        text = path.read_bytes().decode("utf-8")
        lines, trailing = split_lines(text)
        markup = is_markup(text)
        flavours = MARKUP_FLAVOURS if markup else BYTE_FLAVOURS + TEXT_FLAVOURS

        def add(flavour: str, data: bytes, note: str) -> None:
            name = f"{stem}.{flavour}.txt"
            files[name] = data
            manifest.append({"file": name, "seed": path.name, "flavour": flavour,
                             "keeps": KEEPS[flavour], "note": note})

        for flavour in flavours:
            if flavour in BYTE_FLAVOURS:
                data, back, note = byte_flavour(flavour, text)
                if "NOT fully" not in note:
                    assert back == text, (stem, flavour)
                else:
                    assert len(back) == len(text), (stem, flavour)
                add(flavour, data, note)
                continue
            if flavour == "furniture":
                out, note = furniture(stem, index, lines)
                if markup:
                    note += " The seed is a markdown/HTML conversion: furniture lines sit between markup lines."
            elif flavour == "spaced":
                out = [spaced_line(l) for l in lines]
                note = ("line for line (key line numbers still hold); every character its own token with one "
                        "space between, printable-ASCII runs (digits, Latin words, `1)`) kept together; "
                        "brackets and ○ kept; indentation and ideographic spaces gone.")
            elif flavour == "stripped":
                out = [stripped_line(l) for l in lines]
                n_marks = sum(l.count(c) for l in lines for c in MARK) - sum(l.count(c) for l in out for c in MARK)
                note = (f"line for line; removed {n_marks} check marks (in brackets, alone as a token, mark-only lines), every "
                        "[ ] ［ ］ 【 】 、 。 and ideographic space; digit runs spaced from kana/kanji "
                        "(`平成 26 年 4 月様式 4`); space runs collapsed, lines trimmed. Checkbox states are "
                        "gone; selected choice values survive as bare text.")
            elif flavour == "doubled":
                out = [doubled_line(l) for l in lines]
                n = sum(1 for a, b in zip(lines, out) if a != b)
                note = (f"line for line; {n} heading lines (cover title, Ⅰ–Ⅵ section headings, indented "
                        "`２．…` item headings) printed twice by overprint: s[:k] + ' ' + s + ' ' + s[k:], k after "
                        "the first opening bracket, else the middle.")
            elif flavour == "glyphloss":
                t, note = glyphloss(stem, text)
                out = split_lines(t)[0]
            elif flavour == "flattened":
                out = flattened(lines)
                note = (f"output line n holds seed lines {FLAT_BLOCK}(n-1)+1 … {FLAT_BLOCK}n joined with single "
                        f"spaces (lines trimmed, empty lines dropped, ideographic spaces inside a line kept): {len(out)} lines. A key line L "
                        f"is on output line (L-1)//{FLAT_BLOCK}+1.")
            else:
                raise ValueError(flavour)
            if flavour != "furniture" and flavour != "flattened":
                assert len(out) == len(lines), (stem, flavour)
            add(flavour, join_lines(out, trailing).encode("utf-8"), note)
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["manifest.json"] = manifest_bytes
    return files, manifest


def self_test() -> None:
    assert double("特定個人情報保護評価書(全項目評価書)") == "特定個人情報保護評価書( 特定個人情報保護評価書(全項目評価書) 全項目評価書)"
    assert spaced_line("[平成26年4月　様式4]") == "[ 平 成 26 年 4 月 様 式 4]"
    assert spaced_line("特定個人情報保護評価書(重点項目評価書)") == "特 定 個 人 情 報 保 護 評 価 書 ( 重 点 項 目 評 価 書 )"
    assert stripped_line("[平成26年4月　様式4]") == "平成 26 年 4 月様式 4"
    assert stripped_line("[ ○ ] 庁内連携システム [ ] 専用線") == "庁内連携システム 専用線"
    assert stripped_line("[ ] 個人番号対応符号 ○") == "個人番号対応符号"
    assert stripped_line("○○市の〇〇課") == "○○市の〇〇課"
    assert eucjp_decode(b"".join(eucjp_char(c) for c in "①Ⅲ～－髙﨑ｱ")) == "①Ⅲ～－髙﨑ｱ"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with fixtures/flavours/, write nothing")
    args = ap.parse_args()
    self_test()
    files, manifest = build()
    if args.check:
        existing = {p.name for p in OUT.glob("*") if p.is_file()}
        drift = sorted(n for n in files if not (OUT / n).is_file() or (OUT / n).read_bytes() != files[n])
        extra = sorted(existing - set(files))
        if drift or extra:
            print("drift:", drift, "extra:", extra)
            return 1
        print(f"fixtures/flavours/ is up to date ({len(manifest)} files)")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.glob("*"):
        if p.is_file() and (p.suffix == ".txt" or p.name == "manifest.json"):
            p.unlink()
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    counts = collections.Counter(e["flavour"] for e in manifest)
    print(f"wrote {len(manifest)} files + manifest.json to {OUT.relative_to(ROOT)}: "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
