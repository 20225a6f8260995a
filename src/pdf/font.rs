//! Fonts: loading simple fonts (`Widths`, standard encodings, `Differences`) and Type0/CID
//! fonts (predefined or embedded `CMaps`, `/W` and `/DW`), then code → Unicode and code → width.

use super::cmap::{Builtin, CodeSplit, parse_cmap, predefined};
use super::objects::{as_dict, cmap_data, deref, dict_get, name_of, num};
use crate::diag::{Code, Diag};
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::rc::Rc;

/// Glyph widths are in thousandths of the font size.
pub(crate) const GLYPH_SPACE_UNITS: f64 = 1000.0;
/// Width of a half-width glyph (ASCII, half-width kana) when a predefined `CMap` gives no width.
const HALF_WIDTH: f64 = 500.0;
/// `/DW` default of a CID font, and the width of a `/W` range without a width: full width.
const CID_DEFAULT_WIDTH: f64 = 1000.0;
/// Width of a simple font's glyph that `Widths` does not list and no `MissingWidth` is given.
const SIMPLE_DEFAULT_WIDTH: f64 = 500.0;
/// Most entries one `/W` array is read for; a longer one is damage.
const MAX_W_ENTRIES: usize = 200_000;
/// A Type 3 `FontMatrix` scale (glyph units to thousandths of an em) outside these bounds is
/// damage: the widths are taken as they stand.
const MIN_TYPE3_SCALE: f64 = 1e-4;
const MAX_TYPE3_SCALE: f64 = 1e4;
/// Most CIDs one `/W` entry may cover.
const MAX_W_RANGE: u32 = 65536;

#[derive(Debug, Clone)]
pub(crate) struct Font {
    pub(crate) name: Rc<str>,
    split: CodeSplit,
    cid: bool,
    to_unicode: HashMap<u32, String>,
    builtin: Builtin,
    /// simple fonts: code → char from the encoding (standard or Differences)
    simple_enc: HashMap<u32, char>,
    widths: HashMap<u32, f64>,
    default_width: f64,
    pub(crate) vertical: bool,
}

/// `f64` → `u32` for character codes and CIDs read as PDF numbers.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // saturating `as` is the intent: a negative or huge code is damage and lands on 0 or u32::MAX
fn code_of(x: f64) -> u32 {
    x as u32
}

/// `usize` → `u32` for an offset into a width or encoding array (saturating).
fn offset(k: usize) -> u32 {
    u32::try_from(k).unwrap_or(u32::MAX)
}

impl Font {
    fn new(name: &str) -> Font {
        Font {
            name: name.into(),
            split: CodeSplit::One,
            cid: false,
            to_unicode: HashMap::new(),
            builtin: Builtin::None,
            simple_enc: HashMap::new(),
            widths: HashMap::new(),
            default_width: CID_DEFAULT_WIDTH,
            vertical: false,
        }
    }

    /// The codes of a string: each as a number and as its bytes.
    pub(crate) fn codes(&self, s: &[u8]) -> Vec<(u32, Vec<u8>)> {
        self.split.codes(s)
    }

    /// The Unicode text of a code; None when the font does not say.
    pub(crate) fn unicode(&self, code: u32, bytes: &[u8]) -> Option<String> {
        if let Some(s) = self.to_unicode.get(&code) {
            return Some(unify_radicals(s));
        }
        match self.builtin {
            Builtin::None if !self.cid => self.simple_enc.get(&code).map(std::string::ToString::to_string),
            builtin => builtin.decode(bytes),
        }
    }

    /// The advance width of a code in glyph space units.
    pub(crate) fn width(&self, code: u32, text: Option<&str>) -> f64 {
        if let Some(w) = self.widths.get(&code) {
            return *w;
        }
        if self.builtin != Builtin::None {
            // predefined CMaps: CIDs are not the codes; half width for ASCII and half-width kana
            if let Some(t) = text
                && t.chars().all(|c| c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c))
            {
                return HALF_WIDTH;
            }
        }
        self.default_width
    }
}

/// A `ToUnicode` entry naming a Kangxi or CJK Radicals Supplement code point for a glyph the
/// font shares with the unified ideograph (browsers write `⽯巻市⻑` for 石巻市長): the ideograph.
/// A radical standing alone is not text of these forms.
fn unify_radicals(s: &str) -> String {
    if !s.chars().any(|c| matches!(c, '\u{2E80}'..='\u{2EF3}' | '\u{2F00}'..='\u{2FD5}')) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\u{2E80}'..='\u{2EF3}' | '\u{2F00}'..='\u{2FD5}' => {
                let folded = crate::normalize::fold(&c.to_string());
                let mut it = folded.chars();
                match (it.next(), it.next()) {
                    (Some(u), None) if !matches!(u, '\u{2E80}'..='\u{2EF3}') => u,
                    _ => c,
                }
            }
            _ => c,
        })
        .collect()
}

/// Loads a font dictionary; a `CMap` it cannot read is reported, never fatal.
pub(crate) fn load_font(doc: &Document, d: &Dictionary, name: &str, diags: &mut Vec<Diag>) -> Font {
    let mut f = Font::new(name);
    if let Some(Object::Name(base)) = dict_get(doc, d, b"BaseFont") {
        f.name = String::from_utf8_lossy(base).into();
    }
    if dict_get(doc, d, b"Subtype").and_then(name_of) == Some(b"Type0") {
        load_type0(doc, d, &mut f, name, diags);
    } else {
        load_simple(doc, d, &mut f);
    }
    if let Some(Object::Stream(s)) = dict_get(doc, d, b"ToUnicode") {
        let Some(data) = cmap_data(s) else {
            let msg = format!("font {name}: its ToUnicode CMap is damaged or over the budget of a CMap stream; its text is not read");
            diags.push(Diag::new(Code::PdfTooComplex, msg));
            return f;
        };
        let cm = parse_cmap(&data);
        if cm.dropped > 0 {
            let msg = format!("font {name}: {} ToUnicode mappings over the CMap budgets were dropped", cm.dropped);
            diags.push(Diag::new(Code::PdfTooComplex, msg));
        }
        f.to_unicode = cm.map;
        if f.cid && matches!(f.split, CodeSplit::Two) && !cm.codespace.is_empty() && cm.codespace.iter().any(|r| r.0 != 2) {
            f.split = CodeSplit::Ranges(cm.codespace);
        }
    }
    f
}

/// Type0 fonts: the encoding `CMap` and the descendant's widths; `key` names the font in
/// diagnostics.
fn load_type0(doc: &Document, d: &Dictionary, f: &mut Font, key: &str, diags: &mut Vec<Diag>) {
    f.cid = true;
    f.split = CodeSplit::Two;
    match dict_get(doc, d, b"Encoding") {
        Some(Object::Name(enc)) => {
            let e = String::from_utf8_lossy(enc).to_string();
            f.vertical = e.ends_with("-V");
            if let Some((builtin, split)) = predefined(&e) {
                f.builtin = builtin;
                f.split = split;
            } else {
                diags.push(Diag::new(Code::PdfUnknownCmap, format!("font {key}: CMap {e} is not supported; its text is not read")));
            }
        }
        Some(Object::Stream(s)) => {
            // an embedded CMap: take its codespace for splitting
            if let Some(data) = cmap_data(s) {
                let cm = parse_cmap(&data);
                if !cm.codespace.is_empty() {
                    f.split = CodeSplit::Ranges(cm.codespace);
                }
            }
        }
        _ => {}
    }
    if let Some(Object::Array(ds)) = dict_get(doc, d, b"DescendantFonts")
        && let Some(desc) = ds.first().map(|o| deref(doc, o)).and_then(as_dict)
    {
        if let Some(dw) = dict_get(doc, desc, b"DW").and_then(num) {
            f.default_width = dw;
        }
        if let Some(Object::Array(w)) = dict_get(doc, desc, b"W") {
            parse_cid_widths(doc, w, &mut f.widths);
        }
    }
}

/// Simple fonts: `Widths` from `FirstChar`, `MissingWidth`, the encoding with `Differences`.
fn load_simple(doc: &Document, d: &Dictionary, f: &mut Font) {
    f.default_width = SIMPLE_DEFAULT_WIDTH;
    let first = code_of(dict_get(doc, d, b"FirstChar").and_then(num).unwrap_or(0.0));
    let scale = type3_width_scale(doc, d);
    if let Some(Object::Array(ws)) = dict_get(doc, d, b"Widths") {
        for (k, w) in ws.iter().enumerate() {
            if let Some(w) = num(deref(doc, w)) {
                f.widths.insert(first.wrapping_add(offset(k)), w * scale);
            }
        }
    }
    if let Some(desc) = dict_get(doc, d, b"FontDescriptor").and_then(as_dict)
        && let Some(mw) = dict_get(doc, desc, b"MissingWidth").and_then(num)
    {
        f.default_width = mw;
    }
    // base encoding: ASCII-compatible standard encodings cover the printable range
    for c in 0x20u32..0x7F {
        f.simple_enc.insert(c, char::from_u32(c).unwrap_or(' '));
    }
    if let Some(enc) = dict_get(doc, d, b"Encoding").and_then(as_dict)
        && let Some(Object::Array(diffs)) = dict_get(doc, enc, b"Differences")
    {
        apply_differences(doc, diffs, &mut f.simple_enc);
    }
}

/// A Type 3 font's `Widths` are in its own glyph space (`FontMatrix`, e.g. 1/2048 of an em
/// from browsers): the factor to thousandths of the font size. 1 for every other font, and
/// for a `FontMatrix` that cannot be read.
fn type3_width_scale(doc: &Document, d: &Dictionary) -> f64 {
    if dict_get(doc, d, b"Subtype").and_then(name_of) != Some(b"Type3") {
        return 1.0;
    }
    let Some(Object::Array(m)) = dict_get(doc, d, b"FontMatrix") else { return 1.0 };
    let a = m.first().and_then(|o| num(deref(doc, o))).unwrap_or(0.0);
    let scale = a.abs() * GLYPH_SPACE_UNITS;
    if scale.is_finite() && scale > MIN_TYPE3_SCALE && scale < MAX_TYPE3_SCALE { scale } else { 1.0 }
}

/// `Differences`: a code, then the glyph names of it and the codes after it.
fn apply_differences(doc: &Document, diffs: &[Object], enc: &mut HashMap<u32, char>) {
    let mut code = 0u32;
    for o in diffs {
        match deref(doc, o) {
            // the low 32 bits, as `as u32` would
            Object::Integer(i) => code = u32::try_from(i & 0xFFFF_FFFF).unwrap_or(0),
            Object::Name(n) => {
                if let Some(c) = glyph_name_char(n) {
                    enc.insert(code, c);
                } else {
                    enc.remove(&code);
                }
                code += 1;
            }
            _ => {}
        }
    }
}

/// A CID font's `/W`: `c [w1 w2 …]` and `c_first c_last w`.
pub(crate) fn parse_cid_widths(doc: &Document, entries: &[Object], out: &mut HashMap<u32, f64>) {
    let mut at = 0;
    let mut guard = 0usize;
    while at < entries.len() && guard < MAX_W_ENTRIES {
        guard += 1;
        let Some(first) = num(deref(doc, &entries[at])) else {
            at += 1;
            continue;
        };
        match entries.get(at + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(widths)) => {
                let first = code_of(first);
                for (offset, width) in numbered(doc, widths) {
                    out.insert(first.wrapping_add(offset), width);
                }
                at += 2;
            }
            Some(last) => {
                // c_first c_last w: every CID in the range has width w
                let last = num(last).unwrap_or(first);
                let width = entries.get(at + 2).and_then(|o| num(deref(doc, o))).unwrap_or(CID_DEFAULT_WIDTH);
                let (lo, hi) = (code_of(first), code_of(last));
                if hi >= lo && hi - lo < MAX_W_RANGE {
                    for cid in lo..=hi {
                        out.insert(cid, width);
                    }
                }
                at += 3;
            }
            None => break,
        }
    }
}

/// The numbers of a `/W` width list with their offsets (at most [`MAX_W_RANGE`]).
fn numbered(doc: &Document, ws: &[Object]) -> Vec<(u32, f64)> {
    let limit = usize::try_from(MAX_W_RANGE).unwrap_or(usize::MAX);
    ws.iter().enumerate().take(limit).filter_map(|(k, x)| num(deref(doc, x)).map(|x| (offset(k), x))).collect()
}

/// The character a glyph name stands for (`uniXXXX`, `uXXXX`, one letter, ASCII names).
fn glyph_name_char(n: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(n).ok()?;
    if let Some(h) = s.strip_prefix("uni").filter(|h| h.len() == 4) {
        return u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    }
    if let Some(h) = s.strip_prefix('u').filter(|h| (4..=6).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())) {
        return u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    }
    if s.len() == 1 && s.is_ascii() {
        return s.chars().next();
    }
    ASCII_GLYPH_NAMES.iter().find(|(name, _)| *name == s).map(|&(_, c)| c)
}

/// Adobe glyph names of the printable ASCII punctuation and digits.
const ASCII_GLYPH_NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("underscore", '_'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
];

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn code_splitting() {
        let f = Font { split: CodeSplit::Sjis, cid: true, builtin: Builtin::Sjis, ..Font::new("x") };
        let (sj, _, _) = encoding_rs::SHIFT_JIS.encode("A評価");
        let codes = f.codes(&sj);
        assert_eq!(codes.len(), 3);
        assert_eq!(f.unicode(codes[1].0, &codes[1].1).as_deref(), Some("評"));
        assert_eq!(f.width(codes[0].0, Some("A")), 500.0);
    }

    #[test]
    fn cid_width_forms() {
        let doc = Document::with_version("1.5");
        let w = vec![
            Object::Integer(1),
            Object::Array(vec![Object::Integer(500), Object::Integer(600)]),
            Object::Integer(10),
            Object::Integer(12),
            Object::Integer(250),
        ];
        let mut out = HashMap::new();
        parse_cid_widths(&doc, &w, &mut out);
        assert_eq!(out[&2], 600.0);
        assert_eq!(out[&11], 250.0);
        assert!(!out.contains_key(&13));
    }

    /// A Type 3 font as browsers write it: `FontMatrix` 1/2048 (y flipped), widths in 2048ths,
    /// a `ToUnicode` naming Kangxi/CJK-supplement radicals for ideographs.
    #[test]
    fn type3_widths_and_radicals() {
        let mut doc = Document::with_version("1.5");
        let cmap = b"begincmap 2 beginbfchar <01> <2F6F> <02> <2ED1> endbfchar 1 beginbfchar <03> <0041> endbfchar endcmap";
        let tu = doc.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), cmap.to_vec()));
        let scale = 1.0 / 2048.0;
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "Type3", "FirstChar" => 1, "LastChar" => 3,
            "FontMatrix" => vec![scale.into(), 0.into(), 0.into(), (-scale).into(), 0.into(), 0.into()],
            "Widths" => vec![2048.into(), 2048.into(), 1024.into()],
            "ToUnicode" => tu,
        };
        let f = load_font(&doc, &d, "T3", &mut Vec::new());
        assert_eq!(f.unicode(1, &[1]).as_deref(), Some("石"));
        assert_eq!(f.unicode(2, &[2]).as_deref(), Some("長"));
        assert_eq!(f.unicode(3, &[3]).as_deref(), Some("A"));
        assert!((f.width(1, Some("石")) - 1000.0).abs() < 1e-9);
        assert!((f.width(3, Some("A")) - 500.0).abs() < 1e-9);
        // a simple TrueType font's widths are already in thousandths
        let tt = dictionary! { "Type" => "Font", "Subtype" => "TrueType", "FirstChar" => 65, "Widths" => vec![600.into()] };
        assert!((load_font(&doc, &tt, "TT", &mut Vec::new()).width(65, Some("A")) - 600.0).abs() < 1e-9);
        // a damaged FontMatrix leaves the widths as they stand
        let bad = dictionary! { "Subtype" => "Type3", "FirstChar" => 1, "FontMatrix" => vec![0.into()], "Widths" => vec![700.into()] };
        assert!((load_font(&doc, &bad, "B", &mut Vec::new()).width(1, None) - 700.0).abs() < 1e-9);
    }

    #[test]
    fn radicals_outside_the_supplement_table_stay() {
        assert_eq!(unify_radicals("\u{2E81}\u{4E00}"), "\u{2E81}\u{4E00}");
        assert_eq!(unify_radicals("住\u{2EA0}"), "住民");
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_char(b"uni3042"), Some('あ'));
        assert_eq!(glyph_name_char(b"bracketleft"), Some('['));
        assert_eq!(glyph_name_char(b"a"), Some('a'));
        assert_eq!(glyph_name_char(b"notaname"), None);
    }
}
