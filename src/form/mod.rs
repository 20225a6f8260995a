//! The form in the text: the templates (forms as data), section and group headings, the
//! label scan and the owners (group instances, parents) of the labels found.

pub mod body;
pub mod headings;
pub mod owners;
pub mod scan;
pub mod template;
pub mod tuning;

pub use body::{AnnexKind, Body, Headings, choose_form, locate};
pub use headings::Sections;
pub use template::{Template, Templates, templates};

use crate::diag::Loc;
use crate::input::Line;

#[must_use]
pub fn loc(l: &Line) -> Loc {
    Loc { page: l.page, line: l.no, bbox: l.bbox }
}

/// `to - from` in positions, signed (positive: `to` is below `from`).
#[must_use]
pub fn pos_delta(from: usize, to: usize) -> i64 {
    let d = i64::try_from(from.abs_diff(to)).unwrap_or(i64::MAX);
    if to >= from { d } else { -d }
}
