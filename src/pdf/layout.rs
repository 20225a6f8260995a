//! PDF input, stage 2: glyphs → segments → cells → rows → the same "pages of lines" the
//! text path produces. From here on every stage is shared.
//!
//! - segment: glyphs on one baseline, split at wide gaps and at vertical ruling lines;
//! - cell: segments stacked at the same left edge with line spacing, no rule between them
//!   and no structural start (①, １．, `[`, Ⅲ) on the lower one: a wrapped cell;
//! - row: cells whose tops align; read left to right, so a label comes before its value;
//! - bracket pieces split into cells (`[` | `○` | `] label`) are joined back within a row.
//!
//! Each row becomes one `Line` (cells joined by a tab) with the page and the bbox of the
//! row; its `no` is the row's index in reading order, `pos` the same.

use super::{Glyph, Page, Rule};
use crate::input::Line;
use crate::normalize::{join_wrapped, key};
use std::cmp::Ordering;

// Tolerances are in font sizes (em) unless they say points.

/// Glyphs smaller than this (points) are invisible text (hidden layers, clipped marks).
const MIN_GLYPH_SIZE: f64 = 0.5;
/// Glyphs whose baselines differ by at most this (em) share a line: sub/superscripts do.
const SAME_BASELINE: f64 = 0.25;
/// A glyph repeated within this distance (em) is an overprint (bold by overprint).
const OVERPRINT: f64 = 0.2;
/// Smallest font size (points) used to scale the overprint distance.
const MIN_OVERPRINT_SIZE: f64 = 0.1;
/// A gap wider than this (em) between glyphs starts a new segment: cells are farther apart.
const CELL_GAP: f64 = 1.2;
/// A gap wider than this (em) between glyphs is a word space.
const WORD_GAP: f64 = 0.25;
/// A rule must lie this far (points) inside a gap or a cell to part it (not touch its edge).
const RULE_INSET: f64 = 0.5;
/// A vertical rule reaching within this (points) of a baseline parts glyphs on it.
const RULE_REACH: f64 = 1.0;
/// A horizontal rule must lie this far (points) from both baselines to be between them.
const RULE_CLEARANCE: f64 = 0.3;
/// A horizontal rule must overlap a cell's x-range by more than this (points).
const RULE_OVERLAP: f64 = 1.0;
/// With at least this many horizontal rules the page is a ruled table.
const RULED_PAGE_RULES: usize = 4;
/// How many of the latest cells a segment may continue (a row holds far fewer).
const CELL_LOOKBACK: usize = 40;
/// Wrapped lines of one cell start within this (em) of the same left edge.
const SAME_LEFT: f64 = 0.6;
/// The next line of a cell is at least this far (em) below the last one …
const MIN_LINE_STEP: f64 = 0.2;
/// … and at most this far (em): more is a paragraph gap or another cell.
const MAX_LINE_STEP: f64 = 1.7;
/// Lines of one cell share their size within this (em).
const SAME_SIZE: f64 = 0.2;
/// A glyph box rises this far (em) above the baseline …
const ASCENT: f64 = 0.8;
/// … and falls this far (em) below it.
const DESCENT: f64 = 0.2;
/// Cells whose tops differ by at most this (em) are in one row.
const ROW_ALIGN: f64 = 0.45;
/// Only the first rows of a page can repeat a cell cut by the page break …
const REPEAT_ROWS: usize = 2;
/// … and they repeat one of the last rows of the previous page.
const REPEAT_SOURCE_ROWS: usize = 3;
/// A rule above a row is looked for this far (points) inside its first cell's left edge.
const OPEN_ABOVE_PROBE: f64 = 2.0;

/// Orders floats, NaN as equal.
fn order(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

#[derive(Debug, Clone)]
struct Seg {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
}

#[derive(Debug, Clone)]
struct Cell {
    segs: Vec<Seg>,
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
}

impl Cell {
    fn text(&self) -> String {
        let parts: Vec<&str> = self.segs.iter().map(|s| s.text.as_str()).collect();
        join_wrapped(&parts)
    }
}

/// A page's vertical rules sorted by x: the rules between two glyphs are found by a binary
/// search, not by a scan of every rule for every glyph.
struct VerticalRules<'r>(Vec<&'r Rule>);

impl<'r> VerticalRules<'r> {
    fn new(rules: &'r [Rule]) -> VerticalRules<'r> {
        // (a rule without a number for x lies between no glyphs)
        let mut v: Vec<&Rule> = rules.iter().filter(|r| r.vertical() && !r.x0.is_nan()).collect();
        v.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        VerticalRules(v)
    }
}

/// A vertical rule crosses the baseline `y` strictly between `xa` and `xb`.
fn rule_between_x(rules: &VerticalRules, y: f64, xa: f64, xb: f64) -> bool {
    let from = rules.0.partition_point(|r| r.x0 <= xa + RULE_INSET);
    rules.0[from..].iter().take_while(|r| r.x0 < xb - RULE_INSET).any(|r| r.y0 <= y + RULE_REACH && r.y1 >= y - RULE_REACH)
}

/// A horizontal rule lies strictly between two baselines, overlapping the cell's x-range.
fn rule_between_y(rules: &[Rule], x0: f64, x1: f64, ya: f64, yb: f64) -> bool {
    let (lo, hi) = (ya.min(yb), ya.max(yb));
    rules.iter().any(|r| {
        r.horizontal() && r.y0 > lo + RULE_CLEARANCE && r.y0 < hi - RULE_CLEARANCE && r.x0 < x1 - RULE_OVERLAP && r.x1 > x0 + RULE_OVERLAP
    })
}

/// The text starts like a label or a list item (①, １．, `[`, Ⅲ, リスク…), not like prose.
fn is_structural_start(t: &str) -> bool {
    let k = key(t);
    let first = k.chars().next().unwrap_or(' ');
    if ('\u{2460}'..='\u{2473}').contains(&first) || matches!(first, '[' | ']' | '<' | '○' | 'Ⅰ' | 'Ⅱ' | 'Ⅲ' | 'Ⅳ' | 'Ⅴ' | 'Ⅵ' | '(' | '・')
    {
        return true;
    }
    // item headings print full-width numbers (`１．`); `1.` inside a value is prose
    let raw = t.trim_start();
    if raw.starts_with(|c: char| ('０'..='９').contains(&c)) {
        let rest: String = raw.chars().skip_while(|c| ('０'..='９').contains(c)).take(1).collect();
        return rest == "．";
    }
    ["リスク", "システム", "委託事項", "提供先", "移転先"].iter().any(|p| k.starts_with(p))
}

/// The glyph is drawn on the page: its box meets the media box (a cell cut by a page break
/// is drawn past the page's edge and clipped; the next page prints it again). A media box
/// without area does not filter.
fn on_page(g: &Glyph, media: [f64; 4]) -> bool {
    let (lo, hi) = (media[1].min(media[3]), media[1].max(media[3]));
    let (left, right) = (media[0].min(media[2]), media[0].max(media[2]));
    if hi - lo <= 0.0 || right - left <= 0.0 {
        return true;
    }
    g.y + ASCENT * g.size > lo && g.y - DESCENT * g.size < hi && g.x + g.w > left && g.x < right
}

/// Visible glyphs grouped by baseline, top to bottom, each line left to right.
fn baselines(glyphs: &[Glyph], media: [f64; 4]) -> Vec<Vec<&Glyph>> {
    let mut sorted: Vec<&Glyph> = glyphs.iter().filter(|g| g.size > MIN_GLYPH_SIZE && on_page(g, media)).collect();
    sorted.sort_by(|a, b| order(b.y, a.y).then(order(a.x, b.x)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(l) if (l[0].y - g.y).abs() <= SAME_BASELINE * l[0].size.max(g.size) => l.push(g),
            _ => lines.push(vec![g]),
        }
    }
    for l in &mut lines {
        l.sort_by(|a, b| order(a.x, b.x));
        // overprinted duplicates (bold by overprint) at the same spot are one glyph
        l.dedup_by(|later, kept| {
            let near = OVERPRINT * kept.size.max(MIN_OVERPRINT_SIZE);
            kept.text == later.text && (kept.x - later.x).abs() < near && (kept.y - later.y).abs() < near
        });
    }
    lines
}

/// Glyphs on one baseline cut into segments at wide gaps and at vertical rules.
fn line_segments(line: Vec<&Glyph>, rules: &VerticalRules, out: &mut Vec<Seg>) {
    let mut cur: Option<Seg> = None;
    for g in line {
        let gap_break = cur.as_ref().is_some_and(|s| {
            let gap = g.x - s.x1;
            gap > CELL_GAP * g.size.max(s.size) || rule_between_x(rules, g.y, s.x1 - RULE_INSET, g.x + RULE_INSET)
        });
        if gap_break && let Some(s) = cur.take() {
            out.push(s);
        }
        match cur.as_mut() {
            Some(s) => {
                let gap = g.x - s.x1;
                if gap > WORD_GAP * g.size && !s.text.ends_with(' ') && g.text != " " {
                    s.text.push(' ');
                }
                s.text.push_str(&g.text);
                s.x1 = s.x1.max(g.x + g.w);
                s.size = s.size.max(g.size);
            }
            None => cur = Some(Seg { text: g.text.clone(), x0: g.x, x1: g.x + g.w, y: g.y, size: g.size }),
        }
    }
    if let Some(s) = cur {
        out.push(s);
    }
}

/// The page's segments, top to bottom, trimmed, blank ones dropped.
fn segments(glyphs: &[Glyph], rules: &[Rule], media: [f64; 4]) -> Vec<Seg> {
    let mut out = Vec::new();
    let verticals = VerticalRules::new(rules);
    for line in baselines(glyphs, media) {
        line_segments(line, &verticals, &mut out);
    }
    out.retain(|s| !s.text.trim().is_empty());
    for s in &mut out {
        s.text = s.text.trim().to_string();
    }
    out
}

/// The segment `s` continues cell `c` on its next line (a wrapped cell).
fn continues(c: &Cell, s: &Seg, rules: &[Rule], table: bool) -> bool {
    let last = c.segs.last().expect("a cell has a segment");
    let dy = last.y - s.y;
    let same_left = (last.x0 - s.x0).abs() <= SAME_LEFT * s.size;
    let overlap = s.x0 < c.x1 && s.x1 > c.x0;
    dy > MIN_LINE_STEP * s.size
        && dy <= MAX_LINE_STEP * s.size.max(last.size)
        && same_left
        && overlap
        && (s.size - last.size).abs() < SAME_SIZE * s.size
        && !rule_between_y(rules, s.x0, s.x1, last.y, s.y)
        // with ruling lines the rules part the cells; without, a line that starts
        // like a label (①, １．, [) starts a new one
        && !(is_structural_start(&s.text) && (!table || key(&s.text).starts_with(['[', ']', '<', '○'])))
}

/// Segments joined into cells: each continues a recent cell, else starts one.
fn cells(segs: Vec<Seg>, rules: &[Rule]) -> Vec<Cell> {
    let table = rules.iter().filter(|r| r.horizontal()).count() >= RULED_PAGE_RULES;
    let mut out: Vec<Cell> = Vec::new();
    for seg in segs {
        if let Some(cell) = out.iter_mut().rev().take(CELL_LOOKBACK).find(|c| continues(c, &seg, rules, table)) {
            cell.x0 = cell.x0.min(seg.x0);
            cell.x1 = cell.x1.max(seg.x1);
            cell.bottom = seg.y - DESCENT * seg.size;
            cell.segs.push(seg);
        } else {
            let top = seg.y + ASCENT * seg.size;
            let bottom = seg.y - DESCENT * seg.size;
            out.push(Cell { x0: seg.x0, x1: seg.x1, top, bottom, segs: vec![seg] });
        }
    }
    out
}

/// Cells grouped into rows (tops aligned), top to bottom, each row left to right.
fn rows(mut cells: Vec<Cell>) -> Vec<Vec<Cell>> {
    cells.sort_by(|a, b| order(b.top, a.top));
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for c in cells {
        let size = c.segs[0].size;
        match rows.last_mut() {
            Some(r) if (r[0].top - c.top).abs() <= ROW_ALIGN * size.max(r[0].segs[0].size) => r.push(c),
            _ => rows.push(vec![c]),
        }
    }
    for r in &mut rows {
        r.sort_by(|a, b| order(a.x0, b.x0));
    }
    rows
}

/// Bracket pieces split into cells (`[` | `○` | `] label`) joined back.
fn join_brackets(row: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in row {
        let join = out.last().is_some_and(|prev| {
            let pk = key(prev);
            let tk = key(&t);
            let prev_open = pk.ends_with('[') || (pk.ends_with('○') && pk.contains('['));
            prev_open || tk.starts_with(']') || tk == "○"
        });
        match out.last_mut() {
            Some(last) if join => {
                last.push(' ');
                last.push_str(&t);
            }
            _ => out.push(t),
        }
    }
    out
}

/// The row repeats cells of the last rows of the previous page (a cell cut by the page break
/// is printed again at the top of the next page).
fn repeats_previous_page(out: &[Line], page: u32, joined: &str) -> bool {
    let prev_cells: Vec<&str> = out
        .iter()
        .rev()
        .take_while(|l| l.page.is_some_and(|pg| pg + 1 == page))
        .take(REPEAT_SOURCE_ROWS)
        .flat_map(|l| l.raw.split('\t'))
        .collect();
    !prev_cells.is_empty() && joined.split('\t').all(|c| prev_cells.contains(&c))
}

/// The bounding box `[x0, y0, x1, y1]` of a row's cells.
fn row_bbox(row: &[Cell]) -> [f64; 4] {
    let x0 = row.iter().map(|c| c.x0).fold(f64::MAX, f64::min);
    let x1 = row.iter().map(|c| c.x1).fold(f64::MIN, f64::max);
    let y0 = row.iter().map(|c| c.bottom).fold(f64::MAX, f64::min);
    let y1 = row.iter().map(|c| c.top).fold(f64::MIN, f64::max);
    [x0, y0, x1, y1]
}

/// No horizontal rule runs between the row above (box `above`) and this row (first cell
/// starting at `x0`, top `top`).
fn open_above(rules: &[Rule], above: [f64; 4], x0: f64, top: f64) -> bool {
    let x = x0 + OPEN_ABOVE_PROBE;
    !rules.iter().any(|ru| ru.horizontal() && ru.x0 <= x && ru.x1 >= x && ru.y0 < above[1] + RULE_INSET && ru.y0 > top - RULE_INSET)
}

/// A ruled page: enough horizontal rules to be a table.
fn ruled(p: &Page) -> bool {
    p.rules.iter().filter(|r| r.horizontal()).count() >= RULED_PAGE_RULES
}

/// The first cell of a page's first row goes on the first cell of the previous page's last
/// row: a row cut by the page break (browsers split a tall row over two pages, without a rule
/// under the first part or over the second). Both pages are ruled tables, the cells start at
/// the same left edge, and the text does not start like a label.
fn continues_cut_row(prev: &Page, p: &Page, last: &Line, cell: &Cell) -> bool {
    let Some(b) = last.bbox else { return false };
    let size = cell.segs[0].size;
    let x = cell.x0 + OPEN_ABOVE_PROBE;
    let covers = |ru: &Rule| ru.horizontal() && ru.x0 <= x && ru.x1 >= x;
    last.page == Some(prev.number)
        && ruled(prev)
        && ruled(p)
        && (cell.x0 - b[0]).abs() <= SAME_LEFT * size
        && !is_structural_start(&cell.text())
        && !prev.rules.iter().any(|ru| covers(ru) && ru.y0 < b[1] + RULE_INSET)
        && !p.rules.iter().any(|ru| covers(ru) && ru.y0 > cell.top - RULE_INSET)
}

/// Appends `cont` to the first cell of line `l` (a row cut by a page break).
fn extend_first_cell(l: &mut Line, cont: &str) {
    let (first, rest) = l.raw.split_once('\t').map_or((l.raw.as_str(), None), |(a, b)| (a, Some(b)));
    let mut raw = join_wrapped(&[first, cont]);
    if let Some(rest) = rest {
        raw.push('\t');
        raw.push_str(rest);
    }
    let mut n = Line::new(l.no, l.page, raw);
    n.pos = l.pos;
    n.bbox = l.bbox;
    n.open_above = l.open_above;
    *l = n;
}

/// Lays out one page, appending its rows to `out`; `row_no` counts rows over all pages.
fn page_lines(prev: Option<&Page>, p: &Page, row_no: &mut usize, out: &mut Vec<Line>) {
    let mut first_rows = 0;
    for (k, mut r) in rows(cells(segments(&p.glyphs, &p.rules, p.media), &p.rules)).into_iter().enumerate() {
        // a cut cell printed again in full (LibreOffice) is dropped below, not joined
        let repeated = || repeats_previous_page(out, p.number, &join_brackets(r.iter().map(Cell::text).collect()).join("\t"));
        if k == 0
            && !repeated()
            && let (Some(prev), Some(last)) = (prev, out.last_mut())
            && continues_cut_row(prev, p, last, &r[0])
        {
            extend_first_cell(last, &r[0].text());
            r.remove(0);
            if r.is_empty() {
                continue;
            }
        }
        let texts: Vec<String> = r.iter().map(Cell::text).collect();
        // cells are kept apart by a tab (white space to every later stage; the cover
        // reader cuts rows back into cells)
        let joined = join_brackets(texts).join("\t");
        if crate::input::page_number(&joined).is_some() {
            continue;
        }
        if first_rows < REPEAT_ROWS {
            first_rows += 1;
            if repeats_previous_page(out, p.number, &joined) {
                continue;
            }
        }
        *row_no += 1;
        let bbox = row_bbox(&r);
        let mut l = Line::new(*row_no, Some(p.number), joined);
        l.bbox = Some(bbox);
        if let Some(above) = out.last().filter(|pl| pl.page == Some(p.number)).and_then(|pl| pl.bbox) {
            l.open_above = open_above(&p.rules, above, r[0].x0, bbox[3]);
        }
        out.push(l);
    }
}

/// Lays out the pages: one line per row, in reading order.
#[must_use]
pub fn pages_to_lines(pages: &[Page]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut row_no = 0usize;
    let mut prev = None;
    for p in pages {
        page_lines(prev, p, &mut row_no, &mut out);
        prev = Some(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: f64 = 10.0;

    /// One glyph per character, each a full em wide, starting at (x, y).
    fn text_at(text: &str, x: f64, y: f64) -> Vec<Glyph> {
        let step = (0..).map(|k| x + SIZE * f64::from(k));
        text.chars().zip(step).map(|(c, x)| Glyph { text: c.to_string(), x, y, w: SIZE, size: SIZE, font: "F".into() }).collect()
    }

    fn page(glyphs: Vec<Vec<Glyph>>, rules: Vec<Rule>) -> Page {
        Page { number: 1, glyphs: glyphs.concat(), rules, ..Default::default() }
    }

    fn raws(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.raw.as_str()).collect()
    }

    #[test]
    fn a_vertical_rule_splits_a_row_into_cells() {
        let glyphs = vec![text_at("氏名", 50.0, 100.0), text_at("山田", 80.0, 100.0)];
        // without the rule the gap (one em) is a word space inside one cell
        let lines = pages_to_lines(&[page(glyphs.clone(), vec![])]);
        assert_eq!(raws(&lines), ["氏名 山田"]);
        let rule = Rule { x0: 75.0, y0: 90.0, x1: 75.0, y1: 110.0 };
        let lines = pages_to_lines(&[page(glyphs, vec![rule])]);
        assert_eq!(raws(&lines), ["氏名\t山田"]);
        assert_eq!(lines[0].page, Some(1));
        assert_eq!(lines[0].bbox, Some([50.0, 98.0, 100.0, 108.0]));
    }

    #[test]
    fn a_wrapped_cell_is_one_line() {
        let glyphs = vec![text_at("個人番号", 50.0, 100.0), text_at("を利用する", 50.0, 88.0), text_at("備考", 200.0, 100.0)];
        let lines = pages_to_lines(&[page(glyphs, vec![])]);
        assert_eq!(raws(&lines), ["個人番号を利用する\t備考"]);
        assert_eq!(lines[0].bbox, Some([50.0, 86.0, 220.0, 108.0]));
    }

    #[test]
    fn a_structural_start_begins_a_new_cell() {
        let glyphs = vec![text_at("利用目的", 50.0, 100.0), text_at("①税務", 50.0, 88.0)];
        let lines = pages_to_lines(&[page(glyphs, vec![])]);
        assert_eq!(raws(&lines), ["利用目的", "①税務"]);
    }

    #[test]
    fn two_rows_in_reading_order_with_the_rule_between() {
        let glyphs = vec![text_at("次", 50.0, 70.0), text_at("値", 200.0, 100.0), text_at("項目", 50.0, 100.0)];
        let lines = pages_to_lines(&[page(glyphs.clone(), vec![])]);
        assert_eq!(raws(&lines), ["項目\t値", "次"]);
        assert_eq!(lines.iter().map(|l| l.no).collect::<Vec<_>>(), [1, 2]);
        assert!(lines[1].open_above);
        let rule = Rule { x0: 40.0, y0: 85.0, x1: 300.0, y1: 85.0 };
        let lines = pages_to_lines(&[page(glyphs, vec![rule])]);
        assert_eq!(raws(&lines), ["項目\t値", "次"]);
        assert!(!lines[1].open_above);
    }

    #[test]
    fn a_page_number_row_is_dropped() {
        let glyphs = vec![text_at("本文", 50.0, 700.0), text_at("- 3 -", 280.0, 30.0)];
        let lines = pages_to_lines(&[page(glyphs, vec![])]);
        assert_eq!(raws(&lines), ["本文"]);
    }

    fn hrules(ys: &[f64]) -> Vec<Rule> {
        ys.iter().map(|&y| Rule { x0: 40.0, y0: y, x1: 300.0, y1: y }).collect()
    }

    #[test]
    fn a_row_cut_by_the_page_break_is_joined() {
        let p1 = Page {
            number: 1,
            glyphs: [text_at("過去に", 50.0, 60.0), text_at("[ 有 ]", 200.0, 60.0)].concat(),
            rules: hrules(&[100.0, 120.0, 140.0, 160.0]),
            ..Default::default()
        };
        let p2 = Page {
            number: 2,
            glyphs: [text_at("発生したか", 50.0, 780.0), text_at("1) 有", 200.0, 780.0)].concat(),
            rules: hrules(&[700.0, 720.0, 740.0, 760.0]),
            ..Default::default()
        };
        let lines = pages_to_lines(&[p1.clone(), p2.clone()]);
        assert_eq!(raws(&lines), ["過去に発生したか\t[ 有 ]", "1) 有"]);
        // a rule under the row on the first page: the rows are apart
        let mut closed = p1;
        closed.rules.push(Rule { x0: 40.0, y0: 50.0, x1: 300.0, y1: 50.0 });
        assert_eq!(raws(&pages_to_lines(&[closed, p2.clone()])), ["過去に\t[ 有 ]", "発生したか\t1) 有"]);
        // an unruled page is running text: never joined across pages
        let plain = Page { number: 1, glyphs: text_at("過去に", 50.0, 60.0), ..Default::default() };
        assert_eq!(raws(&pages_to_lines(&[plain, p2])), ["過去に", "発生したか\t1) 有"]);
    }

    #[test]
    fn glyphs_off_the_page_are_not_read() {
        let mut p = page(vec![text_at("本文", 50.0, 700.0), text_at("切れ", 50.0, -30.0)], vec![]);
        p.media = [0.0, 0.0, 595.0, 842.0];
        assert_eq!(raws(&pages_to_lines(&[p])), ["本文"]);
    }
}
