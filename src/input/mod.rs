//! Input stages for text dumps: bytes → text (`decode`) → pages of lines (`lines`, with the
//! `flavour` repairs and the `html` cell handling). PDF input meets them at [`Pages`].

pub mod decode;
pub mod flavour;
pub mod html;
pub mod lines;

pub use decode::decode;
pub use flavour::Flavour;
pub use lines::{Format, Line, Pages, page_number, to_lines};
