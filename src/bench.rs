//! Each stage of the pipeline on its own, for the benchmarks (`benches/stages.rs`) and the
//! floor (`examples/floor.rs`): not a stable API. Every function returns a small number
//! (a count) so the work cannot be optimised away.

use crate::cover;
use crate::fields::{self, Doc, Layout, marks::BodyPieces};
use crate::form::{self, Headings, scan, templates};
use crate::input::{self, Format, Pages};

/// Stage 1: bytes → text (the detected encoding, line ends folded).
#[must_use]
pub fn decode(bytes: &[u8]) -> String {
    input::decode(bytes).value.text
}

/// The floor of the text path: the key of every line of `text` (what any reader of the
/// text must at least do: look at each char once and fold it). Returns the keys' bytes.
#[must_use]
pub fn fold_floor(text: &str) -> usize {
    text.split('\n')
        .map(|l| {
            let f = crate::normalize::fold(l);
            f.len() + crate::normalize::key_of_folded(&f).len()
        })
        .sum()
}

/// The document-wide flavour detection.
#[must_use]
pub fn flavour(text: &str) -> usize {
    input::flavour::detect(text).names().len()
}

/// Stage 2: text → pages of lines (furniture, flavour repairs).
#[must_use]
pub fn lines(text: &str) -> Lines {
    Lines(input::to_lines(text).value)
}

/// A document read up to its body: lines, section headings, its form and body bounds.
pub struct Lines(Pages);

/// The document's form and body, found once so the field stages can run alone.
pub struct Body {
    lines: Lines,
    headings: Headings,
    form: usize,
    range: std::ops::Range<usize>,
}

impl Lines {
    /// How many lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.lines.len()
    }
    /// No lines.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.lines.is_empty()
    }
    /// Cover, form and body bounds (None: no form found).
    #[must_use]
    pub fn body(self) -> Option<Body> {
        let tpls = templates();
        let lines = &self.0.lines;
        let headings = Headings::find(tpls, lines);
        let cover = cover::read_cover(&cover::cells(&lines[..headings.cover_end()]), lines).value;
        let form = form::choose_form(tpls, &cover, lines, &headings).value?;
        let t = &tpls.forms[form];
        let range = form::locate(t, lines, headings.of(form), headings.cover_end(), cover.kind.is_some()).range;
        Some(Body { lines: self, headings, form, range })
    }
}

impl Body {
    fn doc(&self) -> Doc<'_> {
        let tpls = templates();
        let pages = &self.lines.0;
        Doc {
            tpls,
            form: &tpls.forms[self.form],
            lines: &pages.lines,
            sections: self.headings.of(self.form),
            body: self.range.clone(),
            layout: if pages.format == Format::Text { Layout::Lines } else { Layout::Cells },
            flattened: pages.flavour.flattened,
        }
    }
    /// The label scan of the body: how many labels it found.
    #[must_use]
    pub fn scan(&self) -> usize {
        let d = self.doc();
        scan::scan(d.tpls, d.form, d.lines, d.body.clone(), d.sections).hits.len()
    }
    /// The bracket pieces of every body line (shared by the choice and checkbox readers).
    #[must_use]
    pub fn pieces(&self) -> usize {
        let d = self.doc();
        let p = BodyPieces::new(d.lines, d.body.clone());
        d.body.clone().map(|i| p.of(i).len()).sum()
    }
    /// Every field reader (scan, owners, texts, choices, checkboxes): how many fields.
    #[must_use]
    pub fn fields(&self) -> usize {
        fields::read_fields(&self.doc()).value.len()
    }
}

/// The PDF reader (glyphs and rules per page); None for a PDF it cannot open.
#[must_use]
pub fn pdf_read(bytes: &[u8]) -> Option<Vec<crate::pdf::Page>> {
    crate::pdf::read(bytes).ok().map(|w| w.value)
}

/// The PDF layout: glyphs and rules → rows as lines.
#[must_use]
pub fn layout(pages: &[crate::pdf::Page]) -> usize {
    crate::pdf::pages_to_lines(pages).len()
}
