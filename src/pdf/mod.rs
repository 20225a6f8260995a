//! PDF input: per page, every glyph with its Unicode text, position, advance width, size and
//! font, and the ruling lines drawn by paths; then laid out as the shared "pages of lines".
//!
//! Written on lopdf's object model. Fonts: simple fonts (Widths/FirstChar, standard
//! encodings, Differences), Type0/CID fonts with Identity-H/V or a predefined Japanese `CMap`
//! (UniJIS-UCS2-H, UniJIS-UTF16-H, 90ms-RKSJ-H, EUC-H …), both forms of the CID `/W` array
//! and `/DW`; `ToUnicode` `CMaps` (bfchar, bfrange with and without arrays); Form `XObjects`.
//! A glyph that cannot be mapped to Unicode is counted, never guessed: a page whose text
//! cannot be read yields `no_text_layer`. Malformed input gives errors, not panics.
//!
//! Read top-down: [`read`] (objects → interp, which uses lexer, font and cmap) gives
//! [`Page`]s; [`pages_to_lines`] (layout) turns them into lines.

mod cmap;
mod font;
mod interp;
mod layout;
mod lexer;
mod objects;

use crate::diag::{Code, Diag, Warned};
use lopdf::Document;
use std::collections::HashMap;

pub use layout::pages_to_lines;

/// The `CMap` parser on raw bytes, for the fuzz target: the number of codes it maps.
#[doc(hidden)]
#[must_use]
pub fn fuzz_cmap(data: &[u8]) -> usize {
    cmap::parse_cmap(data).map.len()
}

/// Largest stroke thickness (user space) of a path segment that is still a ruling line.
const RULE_MAX_THICKNESS: f64 = 1.5;
/// Shortest ruling line; shorter strokes are marks or glyph parts.
const RULE_MIN_LENGTH: f64 = 3.0;

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
        (self.y1 - self.y0).abs() <= RULE_MAX_THICKNESS && (self.x1 - self.x0).abs() > RULE_MIN_LENGTH
    }
    #[must_use]
    pub fn vertical(&self) -> bool {
        (self.x1 - self.x0).abs() <= RULE_MAX_THICKNESS && (self.y1 - self.y0).abs() > RULE_MIN_LENGTH
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
    /// over one of the document's budgets (named in the message); reading stopped
    TooLarge(String),
}

/// Reads every page's glyphs and rules. A page that cannot be read is an empty page plus a
/// diagnostic.
///
/// # Errors
/// `PdfError::Encrypted` when the PDF needs a password other than the empty one,
/// `PdfError::Unreadable` when its structure cannot be read.
pub fn read(bytes: &[u8]) -> Result<Warned<Vec<Page>>, PdfError> {
    let doc = open(bytes)?;
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(PdfError::Unreadable("no page can be found (the page tree is missing, empty or cyclic)".into()));
    }
    if page_ids.values().all(|id| doc.get_dictionary(*id).is_err()) {
        return Err(PdfError::Unreadable("no page object can be read (the page tree names no page dictionary)".into()));
    }
    if page_ids.len() > objects::MAX_PAGES {
        return Err(PdfError::TooLarge(format!("it has {} pages, more than {}", page_ids.len(), objects::MAX_PAGES)));
    }
    objects::begin();
    let mut diags = Vec::new();
    let mut pages = Vec::new();
    let mut fonts = HashMap::new();
    for (number, page_id) in page_ids {
        let mut page = Page { number, media: objects::media_box(&doc, page_id), ..Default::default() };
        let (content, whole) = objects::page_content(&doc, page_id);
        if !whole {
            diags.push(Diag::new(
                Code::PdfPageUnreadable,
                format!("page {number}: a content stream is damaged or over the budget; it is skipped"),
            ));
        }
        let resources = objects::page_resources(&doc, page_id);
        let mut interp = interp::Interp { doc: &doc, fonts: &mut fonts, page: &mut page, ops: 0, diags: &mut diags };
        interp.run(&content, resources.as_ref(), interp::GState::default(), 0);
        pages.push(page);
        if objects::over_budget().is_some() {
            break;
        }
    }
    match objects::end() {
        Some(over) => Err(PdfError::TooLarge(over)),
        None => Ok(Warned::new(pages, diags)),
    }
}

/// Loads the document and opens it with the empty password if it is encrypted.
fn open(bytes: &[u8]) -> Result<Document, PdfError> {
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
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read(b"%PDF-1.4\n garbage").is_err());
        assert!(read(b"").is_err());
    }

    #[test]
    fn rule_orientation() {
        assert!(Rule { x0: 0.0, y0: 10.0, x1: 100.0, y1: 10.5 }.horizontal());
        assert!(Rule { x0: 5.0, y0: 0.0, x1: 5.0, y1: 50.0 }.vertical());
        assert!(!Rule { x0: 0.0, y0: 0.0, x1: 2.0, y1: 0.0 }.horizontal());
    }
}
