//! Every proximity threshold of the scan, the owners, the choices and the checkbox grids, in
//! one place, with the unit it counts: `pos` (lines without page furniture, see
//! `Line::pos`) or slice indices (entries of the lines slice; PDF rows and HTML cells make
//! several entries of one printed line).

// ---- scan (labels)

/// A label wraps over at most this many following entries (slice indices): the longest
/// label of the forms wraps three times in a narrow column.
pub const LABEL_WRAP_MAX_LINES: usize = 3;
/// A wrapped label continues only on an entry at most this many `pos` below (one blank line
/// between cells in pdftotext dumps).
pub const LABEL_WRAP_GAP: usize = 2;
/// A label of the next section within this many `pos` above its heading belongs to that
/// section (scrambled pages print a few of its rows before the heading).
pub const SECTION_PRELUDE: usize = 12;

// ---- owners (group instances and parents)

/// A group heading or parent up to this many `pos` above a label owns it outright: the
/// longest group (a リスク with its sub-items) spans about 150 lines.
pub const OWNER_ABOVE: i64 = 150;
/// Cost added for an owner below the label (only when none is above).
pub const OWNER_BELOW_PENALTY: i64 = 1000;
/// Cost added for an owner further above than `OWNER_ABOVE`.
pub const OWNER_FAR_ABOVE_PENALTY: i64 = 2000;

// ---- text values

/// A text value is read over at most this many entries below its label (slice indices, not
/// `pos`): a long 事務の内容 runs about 60 lines.
pub const TEXT_MAX_LINES: usize = 60;
/// A dump: the next cell's prose is looked for this many entries after a value (blank
/// entries and ※ notes stand between them).
pub const STRAY_PROSE_LOOKAHEAD: usize = 8;
/// PDF: a value above a centred label stands at least this far right of it (points).
pub const CENTRED_VALUE_INDENT: f64 = 20.0;

// ---- choices

/// A value printed up to this many `pos` above its section's heading still belongs to the
/// section (scrambled pages).
pub const CHOICE_PRELUDE: usize = 40;
/// How far below its label (`pos`) a value of a list shared with other lists is looked for.
pub const CHOICE_REACH: u32 = 120;
/// How far below its label (`pos`) a value of a list no other list shares is looked for:
/// it cannot be mistaken, so it may reach a whole grid further.
pub const CHOICE_REACH_DISTINCTIVE: u32 = 250;
/// How far above its label (`pos`) a value is looked for.
pub const CHOICE_REACH_ABOVE: u32 = 100;
/// Flattened pages: a value must stand within this many entries after its label (slice
/// indices: the cells of one flattened line share their `pos`).
pub const CHOICE_FLATTENED_CELLS: usize = 2;
/// Two fields of one list placed by proximity within this many `pos` of each other may
/// have swapped their values.
pub const CHOICE_SWAP_WINDOW: usize = 40;

// ---- checkbox grids

/// Pieces further than this many `pos` from a label never belong to it (the longest grid,
/// 記録項目, spans about 90 lines).
pub const BOX_REACH: i64 = 90;
/// Pieces up to this many `pos` above a label are a row of its grid split off above it.
pub const BOX_SPLIT_ABOVE: i64 = 3;
/// Pieces up to this many `pos` below a label are its grid; further ones pay this as cost.
pub const BOX_BELOW: i64 = 45;
/// Piece lines at most this many `pos` apart (without a label between) form one grid.
pub const BOX_GRID_GAP: usize = 4;
/// A bare bracket or mark (no label) is given to a label at most this many `pos` away.
pub const BOX_BARE_REACH: i64 = 40;
/// A lone mark no group took, within this many `pos` of a label, may be that group's.
pub const BOX_STRAY_MARK: usize = 60;

// ---- pages of scrambled dumps (fields/pages.rs)

/// Bare brackets and lone marks up to this many `pos` before a page's first labelled piece
/// are that page's (a mark printed just above its row).
pub const PAGE_LEAD: usize = 4;
/// A label up to this many `pos` before or after a page's pieces stands on that page (the
/// label is printed beside its grid, a row or two off).
pub const PAGE_HIT_SLACK: usize = 4;
/// A page of the form holds at most this many grids of one list (two systems, two
/// 移転先): a longer balanced run is several pages that cannot be cut apart.
pub const PAGE_MAX_GRIDS: usize = 2;
