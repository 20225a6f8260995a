//! The content interpreter: graphics and text state, text-showing operators → glyphs, path
//! operators → ruling lines, Form `XObjects` run recursively.

use super::font::{Font, GLYPH_SPACE_UNITS, load_font};
use super::lexer::{MAX_OPS, content_ops};
use super::objects::{self, as_dict, deref, dict_get, name_of, num, numbers, stream_data};
use super::{Glyph, Page, Rule};
use crate::diag::{Code, Diag};
use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// Deepest nesting of Form `XObjects` followed (a form drawing itself would never end).
const MAX_XOBJECT_DEPTH: usize = 8;
/// Deepest `q` nesting kept; real content stays far below, damage would grow it unbounded.
const MAX_SAVED_STATES: usize = 64;
/// Most ruling lines kept per page.
const MAX_RULES: usize = 200_000;
/// Most glyphs kept per page.
const MAX_GLYPHS: usize = 1_000_000;
/// `Tz` is a percentage.
const PERCENT: f64 = 100.0;

/// An affine matrix `[a b c d e f]` as PDF writes it (row vectors: p' = p × M).
#[derive(Debug, Clone, Copy)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// The matrix from six operands, if there are exactly six.
    fn from_slice(v: &[f64]) -> Option<Matrix> {
        <[f64; 6]>::try_from(v).ok().map(Matrix)
    }

    fn mul(self, other: Matrix) -> Matrix {
        let [a0, a1, a2, a3, a4, a5] = self.0;
        let [b0, b1, b2, b3, b4, b5] = other.0;
        Matrix([a0 * b0 + a1 * b2, a0 * b1 + a1 * b3, a2 * b0 + a3 * b2, a2 * b1 + a3 * b3, a4 * b0 + a5 * b2 + b4, a4 * b1 + a5 * b3 + b5])
    }

    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let m = self.0;
        (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
    }
}

/// The graphics state the reader needs: the CTM and the text state parameters.
#[derive(Debug, Clone)]
pub(crate) struct GState {
    ctm: Matrix,
    font: Option<ObjectId>,
    font_key: Vec<u8>,
    size: f64,
    /// character spacing (Tc)
    char_space: f64,
    /// word spacing (Tw)
    word_space: f64,
    /// horizontal scaling (Tz / 100)
    h_scale: f64,
    /// leading (TL)
    leading: f64,
    rise: f64,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: Matrix::IDENTITY,
            font: None,
            font_key: vec![],
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// A path under construction, as line segments in user space.
#[derive(Default)]
struct Path {
    segs: Vec<(f64, f64, f64, f64)>,
    cur: (f64, f64),
    start: (f64, f64),
}

impl Path {
    fn line_to(&mut self, p: (f64, f64)) {
        self.segs.push((self.cur.0, self.cur.1, p.0, p.1));
        self.cur = p;
    }

    /// `re`: the four sides, and the centre line of a thin rectangle (a rule drawn filled).
    fn rectangle(&mut self, ctm: Matrix, xywh: &[f64]) {
        let (left, bottom, width, height) = (xywh[0], xywh[1], xywh[2], xywh[3]);
        let (right, top) = (left + width, bottom + height);
        let corners = [ctm.apply(left, bottom), ctm.apply(right, bottom), ctm.apply(right, top), ctm.apply(left, top)];
        for side in 0..4 {
            let (from, to) = (corners[side], corners[(side + 1) % 4]);
            self.segs.push((from.0, from.1, to.0, to.1));
        }
        let (xs, ys) = (corners.iter().map(|p| p.0), corners.iter().map(|p| p.1));
        let (x0, x1) = (xs.clone().fold(f64::MAX, f64::min), xs.fold(f64::MIN, f64::max));
        let (y0, y1) = (ys.clone().fold(f64::MAX, f64::min), ys.fold(f64::MIN, f64::max));
        let bounds = Rule { x0, y0, x1, y1 };
        if bounds.horizontal() {
            self.segs.push((x0, f64::midpoint(y0, y1), x1, f64::midpoint(y0, y1)));
        } else if bounds.vertical() {
            self.segs.push((f64::midpoint(x0, x1), y0, f64::midpoint(x0, x1), y1));
        }
        self.cur = corners[0];
        self.start = corners[0];
    }
}

/// The state of one content stream being run: graphics state, its saved copies, text
/// matrices and the current path.
struct Frame {
    gs: GState,
    saved: Vec<GState>,
    /// text matrix
    tm: Matrix,
    /// text line matrix
    tlm: Matrix,
    path: Path,
}

impl Frame {
    /// Moves to the start of a line offset from the current line's start.
    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = Matrix::translate(tx, ty).mul(self.tlm);
        self.tm = self.tlm;
    }

    /// `q`, `Q`, `cm`.
    fn state_op(&mut self, op: &str, n: &[f64]) {
        match op {
            "q" if self.saved.len() < MAX_SAVED_STATES => self.saved.push(self.gs.clone()),
            "Q" => {
                if let Some(g) = self.saved.pop() {
                    self.gs = g;
                }
            }
            "cm" => {
                if let Some(m) = Matrix::from_slice(n) {
                    self.gs.ctm = m.mul(self.gs.ctm);
                }
            }
            _ => {}
        }
    }

    /// Text state and positioning operators; false when `op` is none of them.
    fn text_state_op(&mut self, op: &str, n: &[f64]) -> bool {
        let gs = &mut self.gs;
        match (op, n) {
            ("BT", _) => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            ("Tc", [v, ..]) => gs.char_space = *v,
            ("Tw", [v, ..]) => gs.word_space = *v,
            ("Tz", [v, ..]) => gs.h_scale = v / PERCENT,
            ("TL", [v, ..]) => gs.leading = *v,
            ("Ts", [v, ..]) => gs.rise = *v,
            ("Td", [tx, ty]) => self.next_line(*tx, *ty),
            ("TD", [tx, ty]) => {
                gs.leading = -ty;
                self.next_line(*tx, *ty);
            }
            ("Tm", _) if n.len() == 6 => {
                self.tlm = Matrix::from_slice(n).unwrap_or(Matrix::IDENTITY);
                self.tm = self.tlm;
            }
            ("T*", _) => {
                let leading = gs.leading;
                self.next_line(0.0, -leading);
            }
            _ => return false,
        }
        true
    }

    /// `m`, `l`, `h`, `re`: path construction.
    fn path_op(&mut self, op: &str, n: &[f64]) {
        let ctm = self.gs.ctm;
        match (op, n) {
            ("m", [x, y]) => {
                self.path.cur = ctm.apply(*x, *y);
                self.path.start = self.path.cur;
            }
            ("l", [x, y]) => self.path.line_to(ctm.apply(*x, *y)),
            ("h", _) => {
                let start = self.path.start;
                self.path.line_to(start);
            }
            ("re", [_, _, _, _]) => self.path.rectangle(ctm, n),
            _ => {}
        }
    }
}

/// Runs the content of one page, filling the page's glyphs and rules.
pub(crate) struct Interp<'a> {
    pub(crate) doc: &'a Document,
    /// fonts loaded so far, shared by all pages
    pub(crate) fonts: &'a mut HashMap<ObjectId, Font>,
    pub(crate) page: &'a mut Page,
    /// operations run on this page so far, forms included
    pub(crate) ops: usize,
    pub(crate) diags: &'a mut Vec<Diag>,
}

impl Interp<'_> {
    fn font_id(&self, res: Option<&Dictionary>, key: &[u8]) -> Option<ObjectId> {
        let fonts = dict_get(self.doc, res?, b"Font").and_then(as_dict)?;
        match fonts.get(key).ok()? {
            Object::Reference(id) => Some(*id),
            _ => None,
        }
    }

    /// Runs a content stream with the resources `res` from the graphics state `gs`;
    /// `depth` counts the forms it is nested in.
    pub(crate) fn run(&mut self, content: &[u8], res: Option<&Dictionary>, gs: GState, depth: usize) {
        if objects::over_budget().is_some() {
            return;
        }
        let (ops, complete) = content_ops(content);
        if !objects::charge(content.len(), ops.len()) {
            return;
        }
        if !complete {
            self.diags.push(Diag::new(
                Code::PdfContentUnreadable,
                format!("page {}: the content stream is damaged; what precedes the damage is read", self.page.number),
            ));
        }
        let mut frame = Frame { gs, saved: Vec::new(), tm: Matrix::IDENTITY, tlm: Matrix::IDENTITY, path: Path::default() };
        for op in ops {
            self.ops += 1;
            if self.ops > MAX_OPS {
                self.diags.push(Diag::new(
                    Code::PdfTooComplex,
                    format!("page {}: more than {MAX_OPS} operations; the rest is skipped", self.page.number),
                ));
                return;
            }
            self.apply(&op, &mut frame, res, depth);
        }
    }

    fn apply(&mut self, op: &Operation, frame: &mut Frame, res: Option<&Dictionary>, depth: usize) {
        let operands = op.operands.as_slice();
        let n: Vec<f64> = operands.iter().filter_map(num).collect();
        let name = op.operator.as_str();
        match name {
            "q" | "Q" | "cm" => frame.state_op(name, &n),
            "m" | "l" | "h" | "re" => frame.path_op(name, &n),
            "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => self.paint(&mut frame.path),
            "n" => frame.path.segs.clear(),
            "Do" => {
                if depth < MAX_XOBJECT_DEPTH
                    && let Some(Object::Name(k)) = operands.first()
                {
                    self.xobject(res, k, &frame.gs, depth);
                }
            }
            "Tf" => {
                if let Some(Object::Name(k)) = operands.first() {
                    frame.gs.font = self.font_id(res, k);
                    frame.gs.font_key.clone_from(k);
                }
                if let Some(s) = operands.get(1).and_then(num) {
                    frame.gs.size = s;
                }
            }
            "Tj" | "'" | "\"" => self.show_op(name, operands, &n, frame),
            "TJ" => {
                if let Some(Object::Array(items)) = operands.first() {
                    self.show_array(items, frame);
                }
            }
            _ => {
                frame.text_state_op(name, &n);
            }
        }
    }

    /// `Tj`, `'` (next line, show) and `"` (spacing, next line, show).
    fn show_op(&mut self, name: &str, operands: &[Object], n: &[f64], frame: &mut Frame) {
        if name != "Tj" {
            frame.next_line(0.0, -frame.gs.leading);
        }
        if name == "\"" && n.len() >= 2 {
            frame.gs.word_space = n[0];
            frame.gs.char_space = n[1];
        }
        if let Some(Object::String(s, _)) = operands.last() {
            self.show(s, &frame.gs, &mut frame.tm);
        }
    }

    /// `TJ`: strings shown, numbers move back by thousandths of the font size.
    fn show_array(&mut self, items: &[Object], frame: &mut Frame) {
        for item in items {
            match item {
                Object::String(string, _) => self.show(string, &frame.gs, &mut frame.tm),
                other => {
                    if let Some(adj) = num(other) {
                        let gs = &frame.gs;
                        let shift = -adj / GLYPH_SPACE_UNITS * gs.size;
                        // vertical writing moves down the column, horizontal along the line
                        let vertical = self.font_for(gs).is_some_and(|f| self.fonts[&f].vertical);
                        let (tx, ty) = if vertical { (0.0, shift) } else { (shift * gs.h_scale, 0.0) };
                        frame.tm = Matrix::translate(tx, ty).mul(frame.tm);
                    }
                }
            }
        }
    }

    /// A painting operator: the path's horizontal and vertical segments become rules.
    fn paint(&mut self, path: &mut Path) {
        for &(x0, y0, x1, y1) in &path.segs {
            let r = Rule { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) };
            if (r.horizontal() || r.vertical()) && self.page.rules.len() < MAX_RULES {
                self.page.rules.push(r);
            }
        }
        path.segs.clear();
    }

    /// `Do` of a Form `XObject`: its content runs with its matrix and resources.
    fn xobject(&mut self, res: Option<&Dictionary>, key: &[u8], gs: &GState, depth: usize) {
        let Some(res) = res else { return };
        let Some(xo) = dict_get(self.doc, res, b"XObject").and_then(as_dict) else { return };
        let entry = xo.get(key).ok();
        let Some(Object::Stream(s)) = entry.map(|o| deref(self.doc, o)) else { return };
        if dict_get(self.doc, &s.dict, b"Subtype").and_then(name_of) != Some(b"Form") {
            return;
        }
        // a form drawn again is not decompressed again
        let data = match entry {
            Some(Object::Reference(id)) => objects::stream_by_id(self.doc, *id),
            _ => stream_data(s).map(std::rc::Rc::from),
        };
        let Some(data) = data else { return };
        let own_res = dict_get(self.doc, &s.dict, b"Resources").and_then(as_dict).cloned();
        let mut g = gs.clone();
        if let Some(Object::Array(m)) = dict_get(self.doc, &s.dict, b"Matrix")
            && let Some(m) = Matrix::from_slice(&numbers(self.doc, m))
        {
            g.ctm = m.mul(g.ctm);
        }
        let r = own_res.as_ref().or(Some(res));
        self.run(&data, r, g, depth + 1);
    }

    /// Loads the font of the graphics state on first use; its id, if it has one.
    fn font_for(&mut self, gs: &GState) -> Option<ObjectId> {
        let fid = gs.font?;
        if !self.fonts.contains_key(&fid) {
            let dict = self.doc.get_object(fid).ok().and_then(as_dict)?;
            let font = load_font(self.doc, dict, &String::from_utf8_lossy(&gs.font_key), self.diags);
            self.fonts.insert(fid, font);
        }
        Some(fid)
    }

    /// Shows a string: one glyph per code, the text matrix advanced past each.
    fn show(&mut self, string: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(fid) = self.font_for(gs) else { return };
        let font = &self.fonts[&fid];
        for (code, bytes) in font.codes(string) {
            let text = font.unicode(code, &bytes);
            let glyph_width = font.width(code, text.as_deref()) / GLYPH_SPACE_UNITS;
            let render = Matrix([gs.size * gs.h_scale, 0.0, 0.0, gs.size, 0.0, gs.rise]).mul(*tm).mul(gs.ctm);
            let (x, y) = (render.0[4], render.0[5]);
            let size = (render.0[2] * render.0[2] + render.0[3] * render.0[3]).sqrt();
            let space = bytes == [0x20];
            let advance = glyph_width * gs.size + gs.char_space + if space { gs.word_space } else { 0.0 };
            let (tx, ty) = if font.vertical { (0.0, -advance) } else { (advance * gs.h_scale, 0.0) };
            let end = Matrix::translate(tx, ty).mul(*tm).mul(gs.ctm);
            let width = ((end.0[4] - x).powi(2) + (end.0[5] - y).powi(2)).sqrt();
            match text {
                Some(text) if !text.is_empty() => {
                    if self.page.glyphs.len() < MAX_GLYPHS {
                        self.page.glyphs.push(Glyph { text, x, y, w: width, size, font: font.name.clone() });
                    }
                }
                _ => self.page.unmapped += 1,
            }
            *tm = Matrix::translate(tx, ty).mul(*tm);
        }
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{Document, Object, Stream, dictionary};

    /// A one-page PDF drawing `content` with font `F1` = `font`.
    fn pdf(font: impl FnOnce(&mut Document) -> lopdf::Dictionary, content: &str) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = font(&mut doc);
        let font_id = doc.add_object(font);
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let page = dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        };
        let page_id = doc.add_object(page);
        doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn glyphs(bytes: &[u8]) -> Vec<(String, f64, f64)> {
        let pages = crate::pdf::read(bytes).unwrap().take(&mut Vec::new());
        pages[0].glyphs.iter().map(|g| (g.text.clone(), (g.x * 100.0).round() / 100.0, (g.y * 100.0).round() / 100.0)).collect()
    }

    /// Text drawn glyph by glyph: each kerning number of a `TJ` array moves the next glyph.
    #[test]
    fn tj_kerning_positions_each_glyph() {
        let font = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "FirstChar" => 65, "Widths" => vec![600.into(), 500.into(), 700.into()] };
        let g = glyphs(&pdf(|_| font, "BT /F1 10 Tf 100 700 Td [(A) -500 (B) 200 (C)] TJ ET"));
        assert_eq!(g, [("A".into(), 100.0, 700.0), ("B".into(), 111.0, 700.0), ("C".into(), 114.0, 700.0)]);
    }

    /// Vertical writing (Identity-V): glyphs go down the column; a kerning number moves along
    /// it (a positive one down, so -500 takes back half an em of the 1 em advance).
    #[test]
    fn vertical_font_advances_down() {
        let font = |doc: &mut Document| {
            let cmap = b"begincmap 2 beginbfchar <0001> <5E02> <0002> <9577> endbfchar endcmap".to_vec();
            let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap));
            let cid = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "V", "DW" => 1000 });
            dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "V", "Encoding" => "Identity-V",
            "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => to_unicode }
        };
        let g = glyphs(&pdf(font, "BT /F1 10 Tf 100 700 Td [<0001> -500 <0002>] TJ ET"));
        assert_eq!(g, [("市".into(), 100.0, 700.0), ("長".into(), 100.0, 695.0)]);
    }
}
