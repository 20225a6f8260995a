//! Completeness: which of its form's sections and items a document was found to hold, and
//! a warning when it is cut: `truncated` (it ends before its form does: a file or download
//! cut short) or `fragment` (sections before the first one read are missing too: an excerpt).
//!
//! A section counts as found by its heading or by a field read in it (a conversion may lose
//! a heading, not the section); items by the fields read in them. A text that lost its
//! ideographs (`glyphs_lost`) loses headings too, so it gets no cut warning. A record can
//! then tell a whole document from a part of one.

use crate::diag::{Code, Diag, Warned};
use crate::fields::FieldOut;
use crate::form::Sections;
use crate::form::template::Template;
use crate::input::Flavour;
use std::collections::BTreeSet;

/// What of its form a document holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Completeness {
    /// the form's sections, in order (`I`, `II`, …)
    pub sections: Vec<String>,
    /// the sections whose heading was read, in form order
    pub found: Vec<String>,
    /// the form's items
    pub items: usize,
    /// the items at least one field was read in
    pub items_found: usize,
}

/// The sections and items found; `truncated` or `fragment` when the document is cut.
#[must_use]
pub fn check(t: &Template, sections: &Sections, fields: &[FieldOut], flavour: &Flavour) -> Warned<Completeness> {
    let mut found: BTreeSet<usize> = sections.iter().map(|s| s.section).collect();
    let read_in = |f: &FieldOut| t.sections.iter().position(|s| f.path.first() == Some(&s.roman));
    found.extend(fields.iter().filter_map(read_in));
    let items: BTreeSet<(&str, &str)> = fields.iter().filter_map(|f| Some((f.path.first()?.as_str(), f.path.get(1)?.as_str()))).collect();
    let roman = |i: usize| t.sections[i].roman.clone();
    let c = Completeness {
        sections: (0..t.sections.len()).map(roman).collect(),
        found: found.iter().map(|&i| roman(i)).collect(),
        items: t.items.len(),
        items_found: items.len(),
    };
    let mut diags = Vec::new();
    if flavour.glyphs_lost {
        return Warned::new(c, diags);
    }
    if let (Some(&first), Some(&last)) = (found.first(), found.last()) {
        let end = t.sections.len() - 1;
        let list = c.found.join(", ");
        if first > 0 {
            let missing_end = if last < end { format!(" and after {}", roman(last)) } else { String::new() };
            diags.push(Diag::new(
                Code::Fragment,
                format!("a fragment of the form: it holds section(s) {list} only; those before {}{missing_end} are missing", roman(first)),
            ));
        } else if last < end {
            diags.push(Diag::new(
                Code::Truncated,
                format!(
                    "the document ends in section {} (last section read); {}–{} of the form are missing",
                    roman(last),
                    roman(last + 1),
                    roman(end)
                ),
            ));
        }
    }
    Warned::new(c, diags)
}
