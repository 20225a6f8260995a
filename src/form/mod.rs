//! The form in the text: the templates (forms as data), section and group headings, the
//! label scan and the owners (group instances, parents) of the labels found.

pub mod headings;
pub mod owners;
pub mod scan;
pub mod template;

pub use headings::{Sections, find_annexes, find_sections, section_at, toc_end};
pub use template::{Template, Templates, templates};

use crate::diag::Loc;
use crate::lines::Line;

#[must_use]
pub fn loc(l: &Line) -> Loc {
    Loc { page: l.page, line: l.no, bbox: l.bbox }
}
