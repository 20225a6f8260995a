//! `CMaps`: parsing `ToUnicode` and embedded `CMaps` (codespace, bfchar, bfrange), and the
//! predefined Japanese `CMaps` (Identity, UCS2, UTF16, RKSJ, EUC): how they cut a string into
//! codes and how they map a code to Unicode.

use super::lexer::hex_string;
use std::collections::HashMap;

/// Most codes one bfrange may map; a wider range is damage, not a font.
const MAX_RANGE: u32 = 65536;
/// Most mappings one `CMap` is read for (a code mapped again counts again): a CID font has
/// at most 65,536 glyphs, so more is damage or a bomb.
pub(crate) const MAX_CMAP_ENTRIES: usize = 65536;
/// Most codespace ranges kept; real `CMaps` have a handful, and each costs every code split.
const MAX_CODESPACE_RANGES: usize = 64;
/// Most UTF-16 code units one code maps to; real mappings are a character or a ligature.
pub(crate) const MAX_MAPPED_UNITS: usize = 16;

/// A codespace range: (byte length, low bytes, high bytes).
pub(crate) type CodeRange = (usize, Vec<u8>, Vec<u8>);

#[derive(Debug, Default)]
pub(crate) struct CMap {
    pub(crate) codespace: Vec<CodeRange>,
    pub(crate) map: HashMap<u32, String>,
    /// mappings read so far (counted against [`MAX_CMAP_ENTRIES`])
    read: usize,
    /// mappings dropped by the budgets ([`MAX_CMAP_ENTRIES`], [`MAX_MAPPED_UNITS`])
    pub(crate) dropped: usize,
}

impl CMap {
    /// Maps `code` to the UTF-16 `units`, within the budgets (else counts it as dropped).
    fn insert(&mut self, code: u32, units: &[u16]) {
        if units.len() > MAX_MAPPED_UNITS || self.read >= MAX_CMAP_ENTRIES {
            self.dropped += 1;
            return;
        }
        self.read += 1;
        self.map.insert(code, String::from_utf16_lossy(units));
    }
}

/// How a font's strings are cut into codes.
#[derive(Debug, Clone)]
pub(crate) enum CodeSplit {
    One,
    Two,
    /// Shift_JIS-style: lead bytes 0x81–0x9F, 0xE0–0xFC take two bytes
    Sjis,
    /// EUC-style: bytes ≥ 0x80 take two bytes (0x8F three)
    Euc,
    /// UTF-16BE with surrogate pairs
    Utf16,
    /// from a ToUnicode/embedded codespace
    Ranges(Vec<CodeRange>),
}

impl CodeSplit {
    /// The byte length of the code starting at `s[i]`, at least 1 and within `s`.
    fn code_len(&self, s: &[u8], i: usize) -> usize {
        let n = match self {
            CodeSplit::One => 1,
            CodeSplit::Two => 2,
            CodeSplit::Sjis => {
                if matches!(s[i], 0x81..=0x9F | 0xE0..=0xFC) {
                    2
                } else {
                    1
                }
            }
            CodeSplit::Euc => match s[i] {
                0x8F => 3,
                0x80..=0xFF => 2,
                _ => 1,
            },
            CodeSplit::Utf16 => {
                if i + 1 < s.len() && (0xD8..=0xDB).contains(&s[i]) {
                    4
                } else {
                    2
                }
            }
            CodeSplit::Ranges(ranges) => range_len(ranges, &s[i..]),
        };
        n.min(s.len() - i).max(1)
    }

    /// The codes of a string: each as a number (big-endian) and as its bytes.
    pub(crate) fn codes(&self, s: &[u8]) -> Vec<(u32, Vec<u8>)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let n = self.code_len(s, i);
            let bytes = s[i..i + n].to_vec();
            let code = bytes.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
            out.push((code, bytes));
            i += n;
        }
        out
    }
}

/// The length of the first codespace range that holds the start of `rest`, else the shortest.
fn range_len(ranges: &[CodeRange], rest: &[u8]) -> usize {
    let fits = |(len, lo, hi): &&CodeRange| {
        rest.get(..*len).is_some_and(|b| b.iter().zip(lo.iter().zip(hi.iter())).all(|(x, (l, h))| x >= l && x <= h))
    };
    match ranges.iter().find(fits) {
        Some(r) if r.0 > 0 => r.0,
        _ => ranges.iter().map(|r| r.0).min().unwrap_or(1),
    }
}

/// The Unicode mapping built into a predefined `CMap`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Builtin {
    None,
    Ucs2,
    Utf16,
    Sjis,
    Euc,
}

impl Builtin {
    /// The text of a code under this mapping; None when it does not decode (or for `None`).
    pub(crate) fn decode(self, bytes: &[u8]) -> Option<String> {
        let legacy = |enc: &'static encoding_rs::Encoding| {
            let (t, _, bad) = enc.decode(bytes);
            if bad { None } else { Some(t.into_owned()) }
        };
        match self {
            Builtin::Ucs2 | Builtin::Utf16 => String::from_utf16(&utf16be_units(bytes)).ok(),
            Builtin::Sjis => legacy(encoding_rs::SHIFT_JIS),
            Builtin::Euc => legacy(encoding_rs::EUC_JP),
            Builtin::None => None,
        }
    }
}

/// A predefined `CMap` by name: its Unicode mapping and code split; None when unknown.
pub(crate) fn predefined(name: &str) -> Option<(Builtin, CodeSplit)> {
    if name.starts_with("Identity") {
        Some((Builtin::None, CodeSplit::Two))
    } else if name.contains("UCS2") {
        Some((Builtin::Ucs2, CodeSplit::Two))
    } else if name.contains("UTF16") {
        Some((Builtin::Utf16, CodeSplit::Utf16))
    } else if name.contains("RKSJ") {
        Some((Builtin::Sjis, CodeSplit::Sjis))
    } else if name.starts_with("EUC") || name.contains("-EUC-") {
        Some((Builtin::Euc, CodeSplit::Euc))
    } else {
        None
    }
}

/// UTF-16BE code units (a trailing odd byte is dropped).
fn utf16be_units(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Num(i64),
    Word(String),
    Open,
    Close,
}

fn cmap_tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) != Some(&b'<') => {
                let (bytes, close) = hex_string(data, i);
                out.push(Tok::Hex(bytes));
                i = close;
            }
            b'[' => out.push(Tok::Open),
            b']' => out.push(Tok::Close),
            _ if c.is_ascii_whitespace() => {}
            _ => {
                let start = i;
                while i < data.len() && !data[i].is_ascii_whitespace() && !matches!(data[i], b'<' | b'[' | b']' | b'%') {
                    i += 1;
                }
                if i == start {
                    // a lone delimiter such as the '<' of '<<'
                    i += 1;
                    continue;
                }
                let w = String::from_utf8_lossy(&data[start..i]).to_string();
                out.push(w.parse::<i64>().map_or(Tok::Word(w), Tok::Num));
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A big-endian code of at most four bytes.
fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |a, &b| (a << 8) | u32::from(b))
}

/// Parses a `ToUnicode` or embedded `CMap`: its codespace and its code → text map.
#[must_use]
pub(crate) fn parse_cmap(data: &[u8]) -> CMap {
    let toks = cmap_tokens(data);
    let mut cm = CMap::default();
    let mut i = 0;
    while i < toks.len() {
        i = match &toks[i] {
            Tok::Word(w) if w == "begincodespacerange" => codespace(&toks, i + 1, &mut cm),
            Tok::Word(w) if w == "beginbfchar" => bfchar(&toks, i + 1, &mut cm),
            Tok::Word(w) if w == "beginbfrange" => bfrange(&toks, i + 1, &mut cm),
            _ => i + 1,
        };
    }
    cm
}

/// Reads `<lo> <hi>` pairs from `i`; returns the index after them.
fn codespace(toks: &[Tok], mut i: usize, cm: &mut CMap) -> usize {
    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) = (toks.get(i), toks.get(i + 1)) {
        if cm.codespace.len() < MAX_CODESPACE_RANGES {
            cm.codespace.push((lo.len(), lo.clone(), hi.clone()));
        }
        i += 2;
    }
    i
}

/// Reads `<src> <dst>` pairs from `i`; returns the index after them.
fn bfchar(toks: &[Tok], mut i: usize, cm: &mut CMap) -> usize {
    while let (Some(Tok::Hex(src)), Some(Tok::Hex(dst))) = (toks.get(i), toks.get(i + 1)) {
        cm.insert(be(src), &utf16be_units(dst));
        i += 2;
    }
    i
}

/// Reads `<lo> <hi> <dst>` and `<lo> <hi> [<dst>…]` ranges from `i`; returns the index after them.
fn bfrange(toks: &[Tok], mut i: usize, cm: &mut CMap) -> usize {
    loop {
        match (toks.get(i), toks.get(i + 1), toks.get(i + 2)) {
            (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(Tok::Hex(dst))) => {
                let (lo, mut hi) = (be(lo), be(hi));
                if hi >= lo && hi - lo < MAX_RANGE {
                    // consecutive codes map to consecutive last code units
                    let mut units = utf16be_units(dst);
                    let len = usize::try_from(hi - lo).unwrap_or(usize::MAX).saturating_add(1);
                    let left = MAX_CMAP_ENTRIES - cm.read;
                    // over a budget: the range (or what exceeds it) is dropped without a loop
                    if units.len() > MAX_MAPPED_UNITS || left == 0 {
                        cm.dropped += len;
                        i += 3;
                        continue;
                    }
                    if len > left {
                        cm.dropped += len - left;
                        hi = lo + u32::try_from(left - 1).unwrap_or(0);
                    }
                    for code in lo..=hi {
                        cm.insert(code, &units);
                        if let Some(last) = units.last_mut() {
                            *last = last.wrapping_add(1);
                        }
                    }
                }
                i += 3;
            }
            (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(Tok::Open)) => {
                let (lo, hi) = (be(lo), be(hi));
                i += 3;
                let mut code = lo;
                while let Some(Tok::Hex(dst)) = toks.get(i) {
                    if code <= hi {
                        cm.insert(code, &utf16be_units(dst));
                    }
                    code = code.saturating_add(1);
                    i += 1;
                }
                if toks.get(i) == Some(&Tok::Close) {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_bfchar_and_bfrange() {
        let cm = parse_cmap(
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0010> <7279> endbfchar\n\
              2 beginbfrange <0020> <0022> <3042> <0030> <0031> [<5B9A> <500B>] endbfrange",
        );
        assert_eq!(cm.codespace, vec![(2, vec![0, 0], vec![0xFF, 0xFF])]);
        assert_eq!(cm.map[&0x0010], "特");
        assert_eq!(cm.map[&0x0021], "ぃ");
        assert_eq!(cm.map[&0x0031], "個");
    }

    #[test]
    fn cmap_with_dictionaries_terminates() {
        let cm = parse_cmap(b"/CIDSystemInfo << /Registry (Adobe) >> def 1 beginbfchar <01> <0041> endbfchar");
        assert_eq!(cm.map[&1], "A");
    }

    #[test]
    fn codespace_ranges_split_codes() {
        let split = CodeSplit::Ranges(vec![(1, vec![0x00], vec![0x7F]), (2, vec![0x81, 0x40], vec![0x9F, 0xFC])]);
        let codes: Vec<u32> = split.codes(&[0x41, 0x82, 0xA0, 0x42]).into_iter().map(|c| c.0).collect();
        assert_eq!(codes, [0x41, 0x82A0, 0x42]);
    }
}
