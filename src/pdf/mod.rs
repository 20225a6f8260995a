//! PDF input, stage 1: the glyph layer. Per page, every glyph with its Unicode text,
//! position, advance width, size and font; ruling lines from paths.
//!
//! Written on lopdf's object model. Fonts: simple fonts (Widths/FirstChar, standard
//! encodings, Differences), Type0/CID fonts with Identity-H/V or a predefined Japanese `CMap`
//! (UniJIS-UCS2-H, UniJIS-UTF16-H, 90ms-RKSJ-H, EUC-H …), both forms of the CID `/W` array
//! and `/DW`; `ToUnicode` `CMaps` (bfchar, bfrange with and without arrays); Form `XObjects`.
//! A glyph that cannot be mapped to Unicode is counted, never guessed: a page whose text
//! cannot be read yields `no_text_layer`. Malformed input gives errors, not panics.

use crate::diag::{Code, Diag};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

mod layout;
pub use layout::pages_to_lines;

#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: String,
    /// origin of the glyph in PDF user space of the page (bottom-left origin)
    pub x: f64,
    pub y: f64,
    /// advance width in user space
    pub w: f64,
    /// font size in user space (vertical scale of the text rendering matrix)
    pub size: f64,
    pub font: std::rc::Rc<str>,
}

/// A ruling line (horizontal or vertical), in user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rule {
    #[must_use]
    pub fn horizontal(&self) -> bool {
        (self.y1 - self.y0).abs() <= 1.5 && (self.x1 - self.x0).abs() > 3.0
    }
    #[must_use]
    pub fn vertical(&self) -> bool {
        (self.x1 - self.x0).abs() <= 1.5 && (self.y1 - self.y0).abs() > 3.0
    }
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub number: u32,
    pub media: [f64; 4],
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// glyphs drawn whose code had no Unicode mapping
    pub unmapped: usize,
}

#[derive(Debug)]
pub enum PdfError {
    /// not a PDF, or its structure cannot be read
    Unreadable(String),
    /// encrypted with a password we do not have
    Encrypted,
}

const MAX_CONTENT: usize = 64 << 20;
const MAX_OPS: usize = 2_000_000;
const MAX_DEPTH: usize = 8;

pub fn read(bytes: &[u8]) -> Result<(Vec<Page>, Vec<Diag>), PdfError> {
    let mut doc = Document::load_mem(bytes).map_err(|e| {
        let s = e.to_string();
        if s.to_ascii_lowercase().contains("decrypt") || s.to_ascii_lowercase().contains("encrypt") {
            PdfError::Encrypted
        } else {
            PdfError::Unreadable(s)
        }
    })?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(PdfError::Encrypted);
    }
    let mut diags = Vec::new();
    let mut pages = Vec::new();
    let mut fonts: HashMap<ObjectId, Font> = HashMap::new();
    for (number, page_id) in doc.get_pages() {
        let mut page = Page { number, media: media_box(&doc, page_id), ..Default::default() };
        let content = match doc.get_page_content_with_limit(page_id, MAX_CONTENT) {
            Ok(c) => c,
            Err(e) => {
                diags.push(Diag::new(Code::PdfPageUnreadable, format!("page {number}: content cannot be read: {e}")));
                pages.push(page);
                continue;
            }
        };
        let resources = page_resources(&doc, page_id);
        let mut interp = Interp { doc: &doc, fonts: &mut fonts, page: &mut page, ops: 0, diags: &mut diags };
        let mut gs = GState::default();
        interp.run(&content, resources.as_ref(), &mut gs, 0);
        pages.push(page);
    }
    Ok((pages, diags))
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    let mut cur = o;
    for _ in 0..16 {
        match cur {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(x) => cur = x,
                Err(_) => return &Object::Null,
            },
            _ => return cur,
        }
    }
    &Object::Null
}

fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, k: &[u8]) -> Option<&'a Object> {
    d.get(k).ok().map(|o| deref(doc, o))
}

fn as_dict(o: &Object) -> Option<&Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn name_of(o: &Object) -> Option<&[u8]> {
    match o {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn media_box(doc: &Document, page_id: ObjectId) -> [f64; 4] {
    // MediaBox may be inherited from the page tree
    let mut id = Some(page_id);
    for _ in 0..32 {
        let Some(cur) = id else { break };
        let Ok(d) = doc.get_dictionary(cur) else { break };
        if let Some(Object::Array(a)) = dict_get(doc, d, b"MediaBox") {
            let v: Vec<f64> = a.iter().filter_map(|o| num(deref(doc, o))).collect();
            if v.len() == 4 {
                return [v[0], v[1], v[2], v[3]];
            }
        }
        id = match d.get(b"Parent") {
            Ok(Object::Reference(p)) => Some(*p),
            _ => None,
        };
    }
    [0.0, 0.0, 595.0, 842.0]
}

/// The page's resources (own or inherited), cloned so the interpreter can hold it.
fn page_resources(doc: &Document, page_id: ObjectId) -> Option<Dictionary> {
    let mut id = Some(page_id);
    for _ in 0..32 {
        let cur = id?;
        let d = doc.get_dictionary(cur).ok()?;
        if let Some(r) = dict_get(doc, d, b"Resources").and_then(as_dict) {
            return Some(r.clone());
        }
        id = match d.get(b"Parent") {
            Ok(Object::Reference(p)) => Some(*p),
            _ => None,
        };
    }
    None
}

// ---------------------------------------------------------------- fonts

#[derive(Debug, Clone)]
enum CodeSplit {
    One,
    Two,
    /// Shift_JIS-style: lead bytes 0x81–0x9F, 0xE0–0xFC take two bytes
    Sjis,
    /// EUC-style: bytes ≥ 0x80 take two bytes (0x8F three)
    Euc,
    /// UTF-16BE with surrogate pairs
    Utf16,
    /// from a ToUnicode/embedded codespace: (byte length, low, high) ranges
    Ranges(Vec<(usize, Vec<u8>, Vec<u8>)>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Builtin {
    None,
    Ucs2,
    Utf16,
    Sjis,
    Euc,
}

#[derive(Debug, Clone)]
struct Font {
    name: std::rc::Rc<str>,
    split: CodeSplit,
    cid: bool,
    to_unicode: HashMap<u32, String>,
    builtin: Builtin,
    /// simple fonts: code → char from the encoding (standard or Differences)
    simple_enc: HashMap<u32, char>,
    widths: HashMap<u32, f64>,
    default_width: f64,
    vertical: bool,
}

impl Font {
    fn codes(&self, s: &[u8]) -> Vec<(u32, Vec<u8>)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let n = match &self.split {
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
                CodeSplit::Ranges(r) => {
                    let mut n = 0;
                    for (len, lo, hi) in r {
                        if i + len <= s.len() {
                            let b = &s[i..i + len];
                            if b.iter().zip(lo.iter().zip(hi.iter())).all(|(x, (l, h))| x >= l && x <= h) {
                                n = *len;
                                break;
                            }
                        }
                    }
                    if n == 0 { r.iter().map(|x| x.0).min().unwrap_or(1) } else { n }
                }
            };
            let n = n.min(s.len() - i).max(1);
            let bytes = s[i..i + n].to_vec();
            let code = bytes.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
            out.push((code, bytes));
            i += n;
        }
        out
    }

    fn unicode(&self, code: u32, bytes: &[u8]) -> Option<String> {
        if let Some(s) = self.to_unicode.get(&code) {
            return Some(s.clone());
        }
        match self.builtin {
            Builtin::Ucs2 | Builtin::Utf16 => {
                let units: Vec<u16> = bytes.chunks(2).filter(|c| c.len() == 2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                String::from_utf16(&units).ok()
            }
            Builtin::Sjis => {
                let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
                if bad { None } else { Some(t.into_owned()) }
            }
            Builtin::Euc => {
                let (t, _, bad) = encoding_rs::EUC_JP.decode(bytes);
                if bad { None } else { Some(t.into_owned()) }
            }
            Builtin::None => {
                if self.cid {
                    None
                } else {
                    self.simple_enc.get(&code).map(std::string::ToString::to_string)
                }
            }
        }
    }

    fn width(&self, code: u32, text: Option<&str>) -> f64 {
        if let Some(w) = self.widths.get(&code) {
            return *w;
        }
        if self.builtin != Builtin::None {
            // predefined CMaps: CIDs are not the codes; half width for ASCII and half-width kana
            if let Some(t) = text
                && t.chars().all(|c| c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c))
            {
                return 500.0;
            }
        }
        self.default_width
    }
}

fn load_font(doc: &Document, d: &Dictionary, name: &str, diags: &mut Vec<Diag>) -> Font {
    let subtype = dict_get(doc, d, b"Subtype").and_then(name_of).unwrap_or(b"");
    let mut f = Font {
        name: name.into(),
        split: CodeSplit::One,
        cid: false,
        to_unicode: HashMap::new(),
        builtin: Builtin::None,
        simple_enc: HashMap::new(),
        widths: HashMap::new(),
        default_width: 1000.0,
        vertical: false,
    };
    if let Some(Object::Name(base)) = dict_get(doc, d, b"BaseFont") {
        f.name = String::from_utf8_lossy(base).into();
    }
    if subtype == b"Type0" {
        f.cid = true;
        f.split = CodeSplit::Two;
        match dict_get(doc, d, b"Encoding") {
            Some(Object::Name(enc)) => {
                let e = String::from_utf8_lossy(enc).to_string();
                f.vertical = e.ends_with("-V");
                if e.starts_with("Identity") {
                    f.split = CodeSplit::Two;
                } else if e.contains("UCS2") {
                    f.builtin = Builtin::Ucs2;
                    f.split = CodeSplit::Two;
                } else if e.contains("UTF16") {
                    f.builtin = Builtin::Utf16;
                    f.split = CodeSplit::Utf16;
                } else if e.contains("RKSJ") {
                    f.builtin = Builtin::Sjis;
                    f.split = CodeSplit::Sjis;
                } else if e.starts_with("EUC") || e.contains("-EUC-") {
                    f.builtin = Builtin::Euc;
                    f.split = CodeSplit::Euc;
                } else {
                    diags.push(Diag::new(Code::PdfUnknownCmap, format!("font {name}: CMap {e} is not supported; its text is not read")));
                }
            }
            Some(Object::Stream(s)) => {
                // an embedded CMap: take its codespace for splitting
                if let Ok(data) = s.decompressed_content() {
                    let cm = parse_cmap(&data);
                    if !cm.codespace.is_empty() {
                        f.split = CodeSplit::Ranges(cm.codespace);
                    }
                }
            }
            _ => {}
        }
        // descendant: widths
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
    } else {
        f.default_width = 500.0;
        let first = dict_get(doc, d, b"FirstChar").and_then(num).unwrap_or(0.0) as u32;
        if let Some(Object::Array(ws)) = dict_get(doc, d, b"Widths") {
            for (i, w) in ws.iter().enumerate() {
                if let Some(w) = num(deref(doc, w)) {
                    f.widths.insert(first + i as u32, w);
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
            let mut code = 0u32;
            for o in diffs {
                match deref(doc, o) {
                    Object::Integer(i) => code = *i as u32,
                    Object::Name(n) => {
                        if let Some(c) = glyph_name_char(n) {
                            f.simple_enc.insert(code, c);
                        } else {
                            f.simple_enc.remove(&code);
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(Object::Stream(s)) = dict_get(doc, d, b"ToUnicode")
        && let Ok(data) = s.decompressed_content()
    {
        let cm = parse_cmap(&data);
        f.to_unicode = cm.map;
        if f.cid && matches!(f.split, CodeSplit::Two) && !cm.codespace.is_empty() && cm.codespace.iter().any(|r| r.0 != 2) {
            f.split = CodeSplit::Ranges(cm.codespace);
        }
    }
    f
}

fn parse_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    let mut guard = 0usize;
    while i < w.len() && guard < 200_000 {
        guard += 1;
        let Some(first) = num(deref(doc, &w[i])) else {
            i += 1;
            continue;
        };
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, x) in ws.iter().enumerate().take(65536) {
                    if let Some(x) = num(deref(doc, x)) {
                        out.insert(first as u32 + k as u32, x);
                    }
                }
                i += 2;
            }
            Some(o) => {
                // c_first c_last w: every CID in the range has width w
                let last = num(o).unwrap_or(first);
                let wv = w.get(i + 2).and_then(|o| num(deref(doc, o))).unwrap_or(1000.0);
                let (a, b) = (first as u32, last as u32);
                if b >= a && b - a < 65536 {
                    for c in a..=b {
                        out.insert(c, wv);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
}

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
    Some(match s {
        "space" => ' ',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" => '-',
        "period" => '.',
        "slash" => '/',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "underscore" => '_',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        "asciitilde" => '~',
        _ => return None,
    })
}

// ---------------------------------------------------------------- CMaps

#[derive(Debug, Default)]
pub struct CMap {
    pub codespace: Vec<(usize, Vec<u8>, Vec<u8>)>,
    pub map: HashMap<u32, String>,
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
                let mut hex = Vec::new();
                i += 1;
                while i < data.len() && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        hex.push(data[i]);
                    }
                    i += 1;
                }
                if hex.len() % 2 == 1 {
                    hex.push(b'0');
                }
                let bytes = hex.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap_or("00"), 16).unwrap_or(0)).collect();
                out.push(Tok::Hex(bytes));
            }
            b'[' => out.push(Tok::Open),
            b']' => out.push(Tok::Close),
            _ if c.is_ascii_whitespace() => {}
            _ => {
                let s = i;
                while i < data.len() && !data[i].is_ascii_whitespace() && !matches!(data[i], b'<' | b'[' | b']' | b'%') {
                    i += 1;
                }
                if i == s {
                    // a lone delimiter such as the '<' of '<<'
                    i += 1;
                    continue;
                }
                let w = String::from_utf8_lossy(&data[s..i]).to_string();
                match w.parse::<i64>() {
                    Ok(n) => out.push(Tok::Num(n)),
                    Err(_) => out.push(Tok::Word(w)),
                }
                continue;
            }
        }
        i += 1;
    }
    out
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |a, &b| (a << 8) | u32::from(b))
}

fn utf16_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).filter(|c| c.len() == 2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

#[must_use]
pub fn parse_cmap(data: &[u8]) -> CMap {
    let toks = cmap_tokens(data);
    let mut cm = CMap::default();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) if w == "begincodespacerange" => {
                i += 1;
                while i + 1 < toks.len() {
                    match (&toks[i], &toks[i + 1]) {
                        (Tok::Hex(lo), Tok::Hex(hi)) => {
                            cm.codespace.push((lo.len(), lo.clone(), hi.clone()));
                            i += 2;
                        }
                        _ => break,
                    }
                }
            }
            Tok::Word(w) if w == "beginbfchar" => {
                i += 1;
                while i + 1 < toks.len() {
                    match (&toks[i], &toks[i + 1]) {
                        (Tok::Hex(src), Tok::Hex(dst)) => {
                            cm.map.insert(be(src), utf16_string(dst));
                            i += 2;
                        }
                        _ => break,
                    }
                }
            }
            Tok::Word(w) if w == "beginbfrange" => {
                i += 1;
                loop {
                    match (toks.get(i), toks.get(i + 1), toks.get(i + 2)) {
                        (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(Tok::Hex(dst))) => {
                            let (lo, hi) = (be(lo), be(hi));
                            if hi >= lo && hi - lo < 65536 {
                                let mut units: Vec<u16> =
                                    dst.chunks(2).filter(|c| c.len() == 2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                                for code in lo..=hi {
                                    cm.map.insert(code, String::from_utf16_lossy(&units));
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
                                    cm.map.insert(code, utf16_string(dst));
                                }
                                code = code.saturating_add(1);
                                i += 1;
                            }
                            if toks.get(i) == Some(&Tok::Close) {
                                i += 1;
                            }
                        }
                        _ => break,
                    }
                }
            }
            _ => i += 1,
        }
    }
    cm
}

// ---------------------------------------------------------------- content streams

fn is_delim(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_ws(c: u8) -> bool {
    matches!(c, 0 | 9 | 10 | 12 | 13 | 32)
}

/// A content-stream tokenizer (operands then operator), faster than a general object parser
/// and tolerant: on damage it stops and says so (`false`), keeping what it read.
#[must_use]
pub fn content_ops(data: &[u8]) -> (Vec<lopdf::content::Operation>, bool) {
    let mut p = Lexer { d: data, i: 0 };
    let mut ops = Vec::new();
    let mut operands: Vec<Object> = Vec::new();
    loop {
        p.skip_ws();
        if p.i >= p.d.len() {
            return (ops, true);
        }
        match p.value(0) {
            Some(Tok2::Obj(o)) => {
                if operands.len() < 4096 {
                    operands.push(o);
                }
            }
            Some(Tok2::Op(op)) => {
                if op == "BI" {
                    // inline image: its dictionary, then binary data up to a whitespace-delimited EI
                    if !p.skip_inline_image() {
                        return (ops, false);
                    }
                    operands.clear();
                    continue;
                }
                ops.push(lopdf::content::Operation { operator: op, operands: std::mem::take(&mut operands) });
                if ops.len() > MAX_OPS {
                    return (ops, true);
                }
            }
            None => return (ops, false),
        }
    }
}

enum Tok2 {
    Obj(Object),
    Op(String),
}

struct Lexer<'a> {
    d: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.d.len() {
            let c = self.d[self.i];
            if is_ws(c) {
                self.i += 1;
            } else if c == b'%' {
                while self.i < self.d.len() && self.d[self.i] != b'\n' && self.d[self.i] != b'\r' {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular(&mut self) -> &[u8] {
        let s = self.i;
        while self.i < self.d.len() && !is_ws(self.d[self.i]) && !is_delim(self.d[self.i]) {
            self.i += 1;
        }
        &self.d[s..self.i]
    }

    /// One operand or operator; None on damage.
    fn value(&mut self, depth: usize) -> Option<Tok2> {
        if depth > 32 {
            return None;
        }
        self.skip_ws();
        let c = *self.d.get(self.i)?;
        match c {
            b'/' => {
                self.i += 1;
                let raw = self.regular().to_vec();
                Some(Tok2::Obj(Object::Name(unescape_name(&raw))))
            }
            b'(' => self.literal().map(|s| Tok2::Obj(Object::String(s, lopdf::StringFormat::Literal))),
            b'<' if self.d.get(self.i + 1) == Some(&b'<') => {
                self.i += 2;
                let mut dict = Dictionary::new();
                loop {
                    self.skip_ws();
                    if self.d.get(self.i..self.i + 2) == Some(b">>") {
                        self.i += 2;
                        return Some(Tok2::Obj(Object::Dictionary(dict)));
                    }
                    let Tok2::Obj(Object::Name(k)) = self.value(depth + 1)? else { return None };
                    let Tok2::Obj(v) = self.value(depth + 1)? else { return None };
                    dict.set(k, v);
                }
            }
            b'<' => {
                self.i += 1;
                let mut hex = Vec::new();
                while self.i < self.d.len() && self.d[self.i] != b'>' {
                    if self.d[self.i].is_ascii_hexdigit() {
                        hex.push(self.d[self.i]);
                    }
                    self.i += 1;
                }
                self.i += 1;
                if hex.len() % 2 == 1 {
                    hex.push(b'0');
                }
                let bytes = hex.chunks(2).map(|p| (hexval(p[0]) << 4) | hexval(p[1])).collect();
                Some(Tok2::Obj(Object::String(bytes, lopdf::StringFormat::Hexadecimal)))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.d.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Some(Tok2::Obj(Object::Array(items)));
                    }
                    match self.value(depth + 1)? {
                        Tok2::Obj(o) => items.push(o),
                        Tok2::Op(_) => {} // a stray keyword inside an array: ignored
                    }
                }
            }
            b']' | b')' | b'>' | b'{' | b'}' => {
                // stray delimiter: skip it
                self.i += 1;
                Some(Tok2::Op(String::new()))
            }
            _ => {
                let tok = self.regular();
                if tok.is_empty() {
                    self.i += 1;
                    return Some(Tok2::Op(String::new()));
                }
                let t = std::str::from_utf8(tok).unwrap_or("");
                if let Ok(n) = t.parse::<i64>() {
                    return Some(Tok2::Obj(Object::Integer(n)));
                }
                if t.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
                    && let Ok(f) = t.parse::<f32>()
                {
                    return Some(Tok2::Obj(Object::Real(f)));
                }
                Some(match t {
                    "true" => Tok2::Obj(Object::Boolean(true)),
                    "false" => Tok2::Obj(Object::Boolean(false)),
                    "null" => Tok2::Obj(Object::Null),
                    _ => Tok2::Op(t.to_string()),
                })
            }
        }
    }

    fn literal(&mut self) -> Option<Vec<u8>> {
        self.i += 1; // '('
        let mut out = Vec::new();
        let mut depth = 1;
        while self.i < self.d.len() {
            let c = self.d[self.i];
            self.i += 1;
            match c {
                b'\\' => {
                    let e = *self.d.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.d.get(self.i) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'\r' => {
                            if self.d.get(self.i) == Some(&b'\n') {
                                self.i += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(out);
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        None
    }

    fn skip_inline_image(&mut self) -> bool {
        // the image dictionary up to ID
        loop {
            self.skip_ws();
            if self.i >= self.d.len() {
                return false;
            }
            let save = self.i;
            match self.value(1) {
                Some(Tok2::Op(op)) if op == "ID" => break,
                Some(_) => {}
                None => {
                    self.i = save + 1;
                }
            }
        }
        // data: up to whitespace, EI, whitespace (or the end)
        let d = self.d;
        let mut k = self.i + 1;
        while k + 2 <= d.len() {
            if &d[k..k + 2] == b"EI" && is_ws(d[k - 1]) && d.get(k + 2).is_none_or(|&c| is_ws(c)) {
                self.i = k + 2;
                return true;
            }
            k += 1;
        }
        false
    }
}

fn hexval(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() && raw[i + 1].is_ascii_hexdigit() && raw.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            out.push((hexval(raw[i + 1]) << 4) | hexval(raw[i + 2]));
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
struct M([f64; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    fn mul(self, o: M) -> M {
        let a = self.0;
        let b = o.0;
        M([
            a[0] * b[0] + a[1] * b[2],
            a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4],
            a[4] * b[1] + a[5] * b[3] + b[5],
        ])
    }
    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let m = self.0;
        (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
    }
}

#[derive(Debug, Clone)]
struct GState {
    ctm: M,
    font: Option<ObjectId>,
    font_key: Vec<u8>,
    size: f64,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    rise: f64,
}

impl Default for GState {
    fn default() -> Self {
        GState { ctm: M::ID, font: None, font_key: vec![], size: 0.0, tc: 0.0, tw: 0.0, th: 1.0, tl: 0.0, rise: 0.0 }
    }
}

struct Interp<'a> {
    doc: &'a Document,
    fonts: &'a mut HashMap<ObjectId, Font>,
    page: &'a mut Page,
    ops: usize,
    diags: &'a mut Vec<Diag>,
}

fn operand_nums(ops: &[Object]) -> Vec<f64> {
    ops.iter().filter_map(num).collect()
}

impl Interp<'_> {
    fn font_id(&self, res: Option<&Dictionary>, key: &[u8]) -> Option<ObjectId> {
        let fonts = dict_get(self.doc, res?, b"Font").and_then(as_dict)?;
        match fonts.get(key).ok()? {
            Object::Reference(id) => Some(*id),
            _ => None,
        }
    }

    fn run(&mut self, content: &[u8], res: Option<&Dictionary>, gs: &mut GState, depth: usize) {
        let (ops, complete) = content_ops(content);
        if !complete {
            self.diags.push(Diag::new(
                Code::PdfContentUnreadable,
                format!("page {}: the content stream is damaged; what precedes the damage is read", self.page.number),
            ));
        }
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = M::ID;
        let mut tlm = M::ID;
        let mut path: Vec<(f64, f64, f64, f64)> = Vec::new(); // segments in user space
        let mut cur = (0.0, 0.0);
        let mut start = (0.0, 0.0);
        for op in ops {
            self.ops += 1;
            if self.ops > MAX_OPS {
                self.diags.push(Diag::new(
                    Code::PdfTooComplex,
                    format!("page {}: more than {MAX_OPS} operations; the rest is skipped", self.page.number),
                ));
                return;
            }
            let o = op.operands.as_slice();
            let n = operand_nums(o);
            match op.operator.as_str() {
                "q" if stack.len() < 64 => {
                    stack.push(gs.clone());
                }
                "Q" => {
                    if let Some(g) = stack.pop() {
                        *gs = g;
                    }
                }
                "cm" if n.len() == 6 => gs.ctm = M([n[0], n[1], n[2], n[3], n[4], n[5]]).mul(gs.ctm),
                "BT" => {
                    tm = M::ID;
                    tlm = M::ID;
                }
                "Tf" => {
                    if let Some(Object::Name(k)) = o.first() {
                        gs.font = self.font_id(res, k);
                        gs.font_key = k.clone();
                    }
                    if let Some(s) = o.get(1).and_then(num) {
                        gs.size = s;
                    }
                }
                "Tc" if !n.is_empty() => gs.tc = n[0],
                "Tw" if !n.is_empty() => gs.tw = n[0],
                "Tz" if !n.is_empty() => gs.th = n[0] / 100.0,
                "TL" if !n.is_empty() => gs.tl = n[0],
                "Ts" if !n.is_empty() => gs.rise = n[0],
                "Td" if n.len() == 2 => {
                    tlm = M([1.0, 0.0, 0.0, 1.0, n[0], n[1]]).mul(tlm);
                    tm = tlm;
                }
                "TD" if n.len() == 2 => {
                    gs.tl = -n[1];
                    tlm = M([1.0, 0.0, 0.0, 1.0, n[0], n[1]]).mul(tlm);
                    tm = tlm;
                }
                "Tm" if n.len() == 6 => {
                    tlm = M([n[0], n[1], n[2], n[3], n[4], n[5]]);
                    tm = tlm;
                }
                "T*" => {
                    tlm = M([1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl]).mul(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        tlm = M([1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl]).mul(tlm);
                        tm = tlm;
                    }
                    if op.operator == "\"" && n.len() >= 2 {
                        gs.tw = n[0];
                        gs.tc = n[1];
                    }
                    if let Some(Object::String(s, _)) = o.last() {
                        self.show(s, gs, &mut tm, res);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(a)) = o.first() {
                        for item in a {
                            match item {
                                Object::String(s, _) => self.show(s, gs, &mut tm, res),
                                other => {
                                    if let Some(adj) = num(other) {
                                        let tx = -adj / 1000.0 * gs.size * gs.th;
                                        tm = M([1.0, 0.0, 0.0, 1.0, tx, 0.0]).mul(tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if depth < MAX_DEPTH
                        && let Some(Object::Name(k)) = o.first()
                    {
                        self.xobject(res, k, gs, depth);
                    }
                }
                // paths: ruling lines
                "m" if n.len() == 2 => {
                    cur = gs.ctm.apply(n[0], n[1]);
                    start = cur;
                }
                "l" if n.len() == 2 => {
                    let p = gs.ctm.apply(n[0], n[1]);
                    path.push((cur.0, cur.1, p.0, p.1));
                    cur = p;
                }
                "h" => {
                    path.push((cur.0, cur.1, start.0, start.1));
                    cur = start;
                }
                "re" if n.len() == 4 => {
                    let (x, y, w, h) = (n[0], n[1], n[2], n[3]);
                    let pts = [gs.ctm.apply(x, y), gs.ctm.apply(x + w, y), gs.ctm.apply(x + w, y + h), gs.ctm.apply(x, y + h)];
                    for k in 0..4 {
                        let (a, b) = (pts[k], pts[(k + 1) % 4]);
                        path.push((a.0, a.1, b.0, b.1));
                    }
                    // a thin filled rectangle is a rule: keep its centre line too
                    let (xs, ys) = (pts.iter().map(|p| p.0), pts.iter().map(|p| p.1));
                    let (x0, x1) = (xs.clone().fold(f64::MAX, f64::min), xs.fold(f64::MIN, f64::max));
                    let (y0, y1) = (ys.clone().fold(f64::MAX, f64::min), ys.fold(f64::MIN, f64::max));
                    if (y1 - y0) <= 1.5 && (x1 - x0) > 3.0 {
                        path.push((x0, f64::midpoint(y0, y1), x1, f64::midpoint(y0, y1)));
                    } else if (x1 - x0) <= 1.5 && (y1 - y0) > 3.0 {
                        path.push((f64::midpoint(x0, x1), y0, f64::midpoint(x0, x1), y1));
                    }
                    cur = pts[0];
                    start = pts[0];
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    for &(x0, y0, x1, y1) in &path {
                        let r = Rule { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) };
                        if (r.horizontal() || r.vertical()) && self.page.rules.len() < 200_000 {
                            self.page.rules.push(r);
                        }
                    }
                    path.clear();
                }
                "n" => path.clear(),
                _ => {}
            }
        }
    }

    fn xobject(&mut self, res: Option<&Dictionary>, key: &[u8], gs: &GState, depth: usize) {
        let Some(res) = res else { return };
        let Some(xo) = dict_get(self.doc, res, b"XObject").and_then(as_dict) else { return };
        let Some(Object::Stream(s)) = xo.get(key).ok().map(|o| deref(self.doc, o)) else { return };
        if dict_get(self.doc, &s.dict, b"Subtype").and_then(name_of) != Some(b"Form") {
            return;
        }
        let Ok(data) = s.decompressed_content_with_limit(MAX_CONTENT) else { return };
        let own_res = dict_get(self.doc, &s.dict, b"Resources").and_then(as_dict).cloned();
        let mut g = gs.clone();
        if let Some(Object::Array(m)) = dict_get(self.doc, &s.dict, b"Matrix") {
            let v: Vec<f64> = m.iter().filter_map(|o| num(deref(self.doc, o))).collect();
            if v.len() == 6 {
                g.ctm = M([v[0], v[1], v[2], v[3], v[4], v[5]]).mul(g.ctm);
            }
        }
        let r = own_res.as_ref().or(Some(res));
        self.run(&data, r, &mut g, depth + 1);
    }

    fn show(&mut self, s: &[u8], gs: &GState, tm: &mut M, _res: Option<&Dictionary>) {
        let Some(fid) = gs.font else { return };
        if !self.fonts.contains_key(&fid) {
            let font = match self.doc.get_object(fid).ok().and_then(as_dict) {
                Some(d) => load_font(self.doc, d, &String::from_utf8_lossy(&gs.font_key), self.diags),
                None => return,
            };
            self.fonts.insert(fid, font);
        }
        let font = &self.fonts[&fid];
        for (code, bytes) in font.codes(s) {
            let text = font.unicode(code, &bytes);
            let w0 = font.width(code, text.as_deref()) / 1000.0;
            let trm = M([gs.size * gs.th, 0.0, 0.0, gs.size, 0.0, gs.rise]).mul(*tm).mul(gs.ctm);
            let (x, y) = (trm.0[4], trm.0[5]);
            let size = (trm.0[2] * trm.0[2] + trm.0[3] * trm.0[3]).sqrt();
            let space = bytes.len() == 1 && bytes[0] == 0x20;
            let (tx, ty) = if font.vertical {
                (0.0, -(w0 * gs.size + gs.tc + if space { gs.tw } else { 0.0 }))
            } else {
                ((w0 * gs.size + gs.tc + if space { gs.tw } else { 0.0 }) * gs.th, 0.0)
            };
            let adv = M([1.0, 0.0, 0.0, 1.0, tx, ty]).mul(*tm).mul(gs.ctm);
            let w = ((adv.0[4] - x).powi(2) + (adv.0[5] - y).powi(2)).sqrt();
            match text {
                Some(t) if !t.is_empty() => {
                    if self.page.glyphs.len() < 1_000_000 {
                        self.page.glyphs.push(Glyph { text: t, x, y, w, size, font: font.name.clone() });
                    }
                }
                _ => self.page.unmapped += 1,
            }
            *tm = M([1.0, 0.0, 0.0, 1.0, tx, ty]).mul(*tm);
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
    fn code_splitting() {
        let f = Font {
            name: "x".into(),
            split: CodeSplit::Sjis,
            cid: true,
            to_unicode: HashMap::new(),
            builtin: Builtin::Sjis,
            simple_enc: HashMap::new(),
            widths: HashMap::new(),
            default_width: 1000.0,
            vertical: false,
        };
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

    #[test]
    fn cmap_with_dictionaries_terminates() {
        let cm = parse_cmap(b"/CIDSystemInfo << /Registry (Adobe) >> def 1 beginbfchar <01> <0041> endbfchar");
        assert_eq!(cm.map[&1], "A");
    }

    #[test]
    fn content_tokens() {
        let (ops, ok) = content_ops(
            b"BT /F1 12 Tf 10.5 -2 Td (a\\(b\\)\\101) Tj [<3042> -250 (x)] TJ ET q 1 0 0 1 0 0 cm Q BI /W 1 ID \x00\xffEI EI 0 0 m",
        );
        assert!(ok);
        let names: Vec<&str> = ops.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Td", "Tj", "TJ", "ET", "q", "cm", "Q", "m"]);
        assert_eq!(ops[3].operands[0], Object::String(b"a(b)A".to_vec(), lopdf::StringFormat::Literal));
        assert_eq!(ops[2].operands, vec![Object::Real(10.5), Object::Integer(-2)]);
        let (_, ok) = content_ops(b"BT (unterminated");
        assert!(!ok);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read(b"%PDF-1.4\n garbage").is_err());
        assert!(read(b"").is_err());
    }
}
