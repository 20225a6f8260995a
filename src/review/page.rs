//! One document's review page: the evidence (a PDF's pages as SVG from the glyph layer, or a
//! text dump's source lines) with every located field marked, and the record as JSON for
//! `review.js`.

use super::{esc, script_json};
use crate::pdf::{Glyph, Page};
use crate::record::{BoxOption, Field, OptionOut, Record};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Gap (in units of the font size) between one glyph's advance end and the next glyph's
/// origin beyond which a new text run starts (a cell border, a column).
const RUN_GAP: f64 = 0.3;
/// Characters of a value drawn beside its box (the panel shows all of it).
const VALUE_CHARS: usize = 24;
/// CSS pixels per PDF point of a drawn page.
const PAGE_SCALE: f64 = 1.5;
/// Characters of an option's label drawn beside its box.
const OPTION_CHARS: usize = 8;
/// Points between the marks of options read on one row (drawn one under the other).
const OPTION_STEP: f64 = 5.5;

/// A checkbox option with a location: its field, its index among the field's options, itself.
type Located<'r> = (&'r Field, usize, &'r BoxOption);

/// The checkbox options of `rec` that say where they were read.
fn located_options(rec: &Record) -> impl Iterator<Item = Located<'_>> {
    rec.fields.iter().flat_map(|f| {
        f.options.iter().enumerate().filter_map(move |(k, o)| match o {
            OptionOut::Box(b) if b.at.is_some() => Some((f, k, b)),
            _ => None,
        })
    })
}

/// `c-exact`, `c-inferred` or `c-null`: an option's certainty.
fn option_class(b: &BoxOption) -> &'static str {
    match b.certainty.as_str() {
        "exact" if b.checked.is_some() => "c-exact",
        "inferred" if b.checked.is_some() => "c-inferred",
        _ => "c-null",
    }
}

/// ✓ checked, ✗ not checked, ? unknown; and the start of the option's label.
fn option_mark(b: &BoxOption) -> String {
    let m = match b.checked {
        Some(true) => '✓',
        Some(false) => '✗',
        None => '?',
    };
    let label: String = b.label.chars().take(OPTION_CHARS).collect();
    let more = if b.label.chars().count() > OPTION_CHARS { "…" } else { "" };
    format!("{m} {label}{more}")
}

fn short(s: &str) -> String {
    let one = s.replace(['\n', '\u{2029}'], " ");
    if one.chars().count() > VALUE_CHARS { one.chars().take(VALUE_CHARS).collect::<String>() + "…" } else { one }
}

/// What a field shows beside its box: the value, or the checked options.
fn shown(f: &Field) -> String {
    use crate::record::OptionOut;
    let checked: Vec<&str> = f
        .options
        .iter()
        .filter_map(|o| match o {
            OptionOut::Box(b) if b.checked == Some(true) => Some(b.label.as_str()),
            _ => None,
        })
        .collect();
    match (&f.value, f.ty.as_str()) {
        (_, "checkboxes") if !checked.is_empty() => short(&checked.join("・")),
        (Some(v), _) => short(v),
        (None, _) => "null".into(),
    }
}

/// A coordinate with two decimals (a damaged PDF's NaN or infinity is drawn at 0: SVG has
/// no such number).
fn f2(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() { format!("{r:.0}") } else { format!("{r}") }
}

/// The glyphs as runs of text: `(x, y, size, text)` in user space.
fn runs(glyphs: &[Glyph]) -> Vec<(f64, f64, f64, String)> {
    let mut out: Vec<(f64, f64, f64, String)> = Vec::new();
    let mut end = f64::NAN;
    for g in glyphs {
        let joins =
            out.last().is_some_and(|r| (r.1 - g.y).abs() < 0.01 && (r.2 - g.size).abs() < 0.01 && (g.x - end).abs() <= g.size * RUN_GAP);
        if joins {
            out.last_mut().expect("a run").3.push_str(&g.text);
        } else {
            out.push((g.x, g.y, g.size, g.text.clone()));
        }
        end = g.x + g.w;
    }
    out
}

/// A horizontal or vertical ruling line as one path segment (its centre line).
fn rule_path(d: &mut String, r: &crate::pdf::Rule, x0: f64, top: f64) {
    let (ax, ay, bx, by) = if r.horizontal() {
        let y = (r.y0 + r.y1) / 2.0;
        (r.x0, y, r.x1, y)
    } else if r.vertical() {
        let x = (r.x0 + r.x1) / 2.0;
        (x, r.y0, x, r.y1)
    } else {
        (r.x0, r.y0, r.x1, r.y1)
    };
    let _ = write!(d, "M{} {}L{} {}", f2(ax - x0), f2(top - ay), f2(bx - x0), f2(top - by));
}

/// One PDF page as SVG, with the boxes of the fields and options located on it.
fn pdf_page(p: &Page, fields: &[&Field], options: &[Located]) -> String {
    let [x0, y0, x1, y1] = p.media;
    let (w, h) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let mut s = format!(
        "<div class=\"pdfpage\" id=\"p{n}\"><div class=\"pno\">page {n}</div><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" data-page=\"{n}\" data-x0=\"{}\" data-top=\"{}\">",
        f2(w),
        f2(h),
        f2(w * PAGE_SCALE),
        f2(h * PAGE_SCALE),
        f2(x0),
        f2(y1),
        n = p.number
    );
    let mut d = String::new();
    for r in &p.rules {
        rule_path(&mut d, r, x0, y1);
    }
    let _ = write!(s, "<path class=\"rules\" d=\"{d}\"/><g class=\"glyphs\">");
    for (x, y, size, text) in runs(&p.glyphs) {
        let _ = write!(s, "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>", f2(x - x0), f2(y1 - y), f2(size), esc(&text));
    }
    s.push_str("</g><g class=\"boxes\">");
    for f in fields {
        let Some([bx0, by0, bx1, by1]) = f.at.bbox else { continue };
        let cls = certainty_class(f);
        let _ = write!(
            s,
            "<rect class=\"box {cls}\" data-field=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>\
             <text class=\"val {cls}\" x=\"{}\" y=\"{}\">{}</text>",
            esc(&f.id),
            f2(bx0 - x0),
            f2(y1 - by1),
            f2((bx1 - bx0).max(0.0)),
            f2((by1 - by0).max(0.0)),
            esc(&f.label),
            f2(bx1 - x0 + 1.0),
            f2(y1 - by1 + 5.0),
            esc(&shown(f))
        );
    }
    // options read on one row share its bbox: their marks stand one under the other
    let mut on_row: BTreeMap<String, usize> = BTreeMap::new();
    for &(f, k, b) in options {
        let Some([bx0, by0, bx1, by1]) = b.at.as_ref().and_then(|a| a.bbox) else { continue };
        let (cls, id) = (option_class(b), esc(&f.id));
        let row = on_row.entry(format!("{bx0} {by0} {bx1} {by1}")).or_default();
        #[allow(clippy::cast_precision_loss)] // a row holds a handful of options
        let dy = *row as f64 * OPTION_STEP;
        *row += 1;
        let _ = write!(
            s,
            "<rect class=\"box opt {cls}\" data-field=\"{id}\" data-option=\"{k}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title></rect>\
             <text class=\"val opt optmark {cls}\" data-field=\"{id}\" data-option=\"{k}\" x=\"{}\" y=\"{}\">{}</text>",
            f2(bx0 - x0),
            f2(y1 - by1),
            f2((bx1 - bx0).max(0.0)),
            f2((by1 - by0).max(0.0)),
            esc(&f.label),
            esc(&b.label),
            f2(bx1 - x0 + 1.0),
            f2(y1 - by1 + 5.0 + dy),
            esc(&option_mark(b))
        );
    }
    s.push_str("</g></svg></div>");
    s
}

/// `c-exact`, `c-inferred`, or `c-null` (unknown certainty or a null value).
fn certainty_class(f: &Field) -> &'static str {
    match f.certainty.as_str() {
        "exact" if f.value.is_some() || f.ty == "checkboxes" => "c-exact",
        "exact" => "c-empty",
        "inferred" => "c-inferred",
        _ => "c-null",
    }
}

fn pdf_evidence(rec: &Record, bytes: &[u8]) -> String {
    let pages = match crate::pdf::read(bytes) {
        Ok(w) => w.value,
        Err(e) => return format!("<p class=\"nosource\">The PDF's glyph layer cannot be read: {}</p>", esc(&format!("{e:?}"))),
    };
    let mut on_page: BTreeMap<u32, Vec<&Field>> = BTreeMap::new();
    for f in &rec.fields {
        if let (Some(p), Some(_)) = (f.at.page, f.at.bbox) {
            on_page.entry(p).or_default().push(f);
        }
    }
    let mut opts_on_page: BTreeMap<u32, Vec<Located>> = BTreeMap::new();
    for o in located_options(rec) {
        if let Some(at) = o.2.at.as_ref()
            && let (Some(p), Some(_)) = (at.page, at.bbox)
        {
            opts_on_page.entry(p).or_default().push(o);
        }
    }
    pages
        .iter()
        .map(|p| {
            let fields = on_page.get(&p.number).map_or(&[][..], Vec::as_slice);
            pdf_page(p, fields, opts_on_page.get(&p.number).map_or(&[][..], Vec::as_slice))
        })
        .collect()
}

fn text_evidence(rec: &Record, bytes: &[u8]) -> String {
    let text = crate::input::decode(bytes).value.text;
    let mut on_line: BTreeMap<usize, Vec<&Field>> = BTreeMap::new();
    for f in &rec.fields {
        if let Some(l) = f.at.line {
            on_line.entry(l).or_default().push(f);
        }
    }
    let mut opts_on_line: BTreeMap<usize, Vec<Located>> = BTreeMap::new();
    for o in located_options(rec) {
        if let Some(l) = o.2.at.as_ref().and_then(|a| a.line) {
            opts_on_line.entry(l).or_default().push(o);
        }
    }
    let mut s = String::with_capacity(text.len() * 2);
    s.push_str("<div id=\"lines\">");
    let mut page = 1;
    for (i, raw) in text.split('\n').enumerate() {
        let no = i + 1;
        for _ in 0..raw.matches('\u{0C}').count() {
            page += 1;
            let _ = write!(s, "<div class=\"pg\">page {page}</div>");
        }
        let line = raw.trim_end_matches('\r').replace('\u{0C}', "");
        let here = on_line.get(&no);
        let opts = opts_on_line.get(&no);
        let cls = if here.is_some() || opts.is_some() { "ln hl" } else { "ln" };
        let _ = write!(s, "<div class=\"{cls}\" id=\"L{no}\"><span class=\"no\">{no}</span><span class=\"t\">{}</span>", esc(&line));
        for f in here.into_iter().flatten() {
            let _ = write!(
                s,
                "<span class=\"box {}\" data-field=\"{}\">{}: {}</span>",
                certainty_class(f),
                esc(&f.id),
                esc(&f.label),
                esc(&shown(f))
            );
        }
        for &(f, k, b) in opts.into_iter().flatten() {
            let _ = write!(
                s,
                "<span class=\"box opt optmark {}\" data-field=\"{}\" data-option=\"{k}\" title=\"{}: {}\">{}</span>",
                option_class(b),
                esc(&f.id),
                esc(&f.label),
                esc(&b.label),
                esc(&option_mark(b))
            );
        }
        s.push_str("</div>");
    }
    s.push_str("</div>");
    s
}

/// The whole page of one document (`bytes`: its source, when it could be read; `diff`: the
/// changes from its earlier version, when `--against` gave one).
#[must_use]
pub fn document(rec: &Record, bytes: Option<&[u8]>, diff: Option<&crate::diff::Diff>) -> String {
    let evidence = match bytes {
        Some(b) if rec.source.format == "pdf" => pdf_evidence(rec, b),
        Some(b) if !rec.has_error() => text_evidence(rec, b),
        _ => "<p class=\"nosource\">The source could not be read; see the diagnostics.</p>".into(),
    };
    let d = &rec.document;
    let title: Vec<&str> = [&d.kind, &d.organization, &d.number].iter().filter_map(|v| v.as_deref()).collect();
    format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{file}</title>\
         <link rel=\"stylesheet\" href=\"../review.css\"></head><body class=\"doc\">\
         <header><a href=\"../index.html\">← index</a> <b>{file}</b> <span>{title}</span>\
         <span class=\"tools\"><button id=\"prev\" title=\"previous null or inferred field (p)\">◀</button>\
         <button id=\"next\" title=\"next null or inferred field (n)\">next uncertain ▶</button>\
         <label><input type=\"checkbox\" id=\"showvals\" checked> values</label>\
         <button id=\"download\">Download key</button> <span id=\"status\"></span></span></header>\
         <main><nav id=\"side\"><ul id=\"fields\"></ul></nav><section id=\"evidence\" class=\"{fmt}\">{evidence}</section>\
         <aside id=\"panel\"><p>Click a field (or press n).</p></aside></main>\
         <script type=\"application/json\" id=\"record\">{json}</script>{diff}<script src=\"../review.js\"></script></body></html>\n",
        file = esc(&rec.source.file),
        title = esc(&title.join(" · ")),
        fmt = esc(&rec.source.format),
        json = script_json(rec),
        diff = diff.map(|d| format!("<script type=\"application/json\" id=\"diff\">{}</script>", script_json(d))).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f64, w: f64) -> Glyph {
        Glyph { text: text.into(), x, y: 700.0, w, size: 10.0, font: "F".into() }
    }

    #[test]
    fn glyphs_join_into_runs_until_a_gap() {
        let r = runs(&[g("个", 10.0, 10.0), g("人", 20.0, 10.0), g("番", 60.0, 10.0)]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].3, "个人");
        assert_eq!(r[1].3, "番");
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(script_json(&"</script>"), "\"<\\/script>\"");
    }
}
