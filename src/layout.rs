//! PDF input, stage 2: glyphs → segments → cells → rows → the same "pages of lines" the
//! text path produces. From here on every stage is shared.
//!
//! - segment: glyphs on one baseline, split at wide gaps and at vertical ruling lines;
//! - cell: segments stacked at the same left edge with line spacing, no rule between them
//!   and no structural start (①, １．, `[`, Ⅲ) on the lower one: a wrapped cell;
//! - row: cells whose tops align; read left to right, so a label comes before its value;
//! - bracket pieces split into cells (`[` | `○` | `] label`) are joined back within a row.
//!
//! Each row becomes one `Line` (cells joined by a space) with the page and the bbox of the
//! row; its `no` is the row's index in reading order, `pos` the same.

use crate::input::Line;
use crate::normalize::{join_wrapped, key};
use crate::pdf::{Glyph, Page, Rule};

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

fn rule_between_x(rules: &[Rule], y: f64, xa: f64, xb: f64) -> bool {
    rules.iter().any(|r| r.vertical() && r.x0 > xa + 0.5 && r.x0 < xb - 0.5 && r.y0 <= y + 1.0 && r.y1 >= y - 1.0)
}

fn rule_between_y(rules: &[Rule], x0: f64, x1: f64, ya: f64, yb: f64) -> bool {
    // a horizontal rule strictly between two baselines, overlapping the cell's x-range
    let (lo, hi) = (ya.min(yb), ya.max(yb));
    rules.iter().any(|r| r.horizontal() && r.y0 > lo + 0.3 && r.y0 < hi - 0.3 && r.x0 < x1 - 1.0 && r.x1 > x0 + 1.0)
}

fn is_structural_start(t: &str) -> bool {
    let k = key(t);
    let mut it = k.chars();
    let c = it.next().unwrap_or(' ');
    if ('\u{2460}'..='\u{2473}').contains(&c) || matches!(c, '[' | ']' | '<' | '○' | 'Ⅰ' | 'Ⅱ' | 'Ⅲ' | 'Ⅳ' | 'Ⅴ' | 'Ⅵ' | '(' | '・')
    {
        return true;
    }
    // item headings print full-width numbers (`１．`); `1.` inside a value is prose
    let raw = t.trim_start();
    if raw.starts_with(|c: char| ('０'..='９').contains(&c)) {
        let rest: String = raw.chars().skip_while(|c| ('０'..='９').contains(c)).take(1).collect();
        return rest == "．";
    }
    k.starts_with("リスク") || k.starts_with("システム") || k.starts_with("委託事項") || k.starts_with("提供先") || k.starts_with("移転先")
}

fn segments(glyphs: &[Glyph], rules: &[Rule]) -> Vec<Seg> {
    let mut gs: Vec<&Glyph> = glyphs.iter().filter(|g| g.size > 0.5).collect();
    // baselines top to bottom, then left to right
    gs.sort_by(|a, b| {
        b.y.partial_cmp(&a.y).unwrap_or(std::cmp::Ordering::Equal).then(a.x.partial_cmp(&b.x).unwrap_or(std::cmp::Ordering::Equal))
    });
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in gs {
        match lines.last_mut() {
            Some(l) if (l[0].y - g.y).abs() <= 0.25 * l[0].size.max(g.size) => l.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut l in lines {
        l.sort_by(|a, b| a.x.partial_cmp(&b.x).unwrap_or(std::cmp::Ordering::Equal));
        // overprinted duplicates (bold by overprint) at the same spot are one glyph
        l.dedup_by(|b, a| a.text == b.text && (a.x - b.x).abs() < 0.2 * a.size.max(0.1) && (a.y - b.y).abs() < 0.2 * a.size.max(0.1));
        let mut cur: Option<Seg> = None;
        for g in l {
            let gap_break = cur.as_ref().is_some_and(|s| {
                let gap = g.x - s.x1;
                gap > 1.2 * g.size.max(s.size) || rule_between_x(rules, g.y, s.x1 - 0.5, g.x + 0.5)
            });
            if gap_break && let Some(s) = cur.take() {
                out.push(s);
            }
            match cur.as_mut() {
                Some(s) => {
                    let gap = g.x - s.x1;
                    if gap > 0.25 * g.size && !s.text.ends_with(' ') && g.text != " " {
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
    out.retain(|s| !s.text.trim().is_empty());
    for s in &mut out {
        s.text = s.text.trim().to_string();
    }
    out
}

fn cells(segs: Vec<Seg>, rules: &[Rule]) -> Vec<Cell> {
    let ruled = rules.iter().filter(|r| r.horizontal()).count() >= 4;
    let mut cells: Vec<Cell> = Vec::new();
    for s in segs {
        // the cell this segment continues: same left edge, the next baseline down
        let cont = cells.iter_mut().rev().take(40).find(|c| {
            let last = c.segs.last().expect("a cell has a segment");
            let dy = last.y - s.y;
            let same_left = (last.x0 - s.x0).abs() <= 0.6 * s.size;
            let overlap = s.x0 < c.x1 && s.x1 > c.x0;
            dy > 0.2 * s.size
                && dy <= 1.7 * s.size.max(last.size)
                && same_left
                && overlap
                && (s.size - last.size).abs() < 0.2 * s.size
                && !rule_between_y(rules, s.x0, s.x1, last.y, s.y)
                // with ruling lines the rules part the cells; without, a line that starts
                // like a label (①, １．, [) starts a new one
                && !(is_structural_start(&s.text) && (!ruled || key(&s.text).starts_with(['[', ']', '<', '○'])))
        });
        if let Some(c) = cont {
            c.x0 = c.x0.min(s.x0);
            c.x1 = c.x1.max(s.x1);
            c.bottom = s.y - 0.2 * s.size;
            c.segs.push(s);
        } else {
            let top = s.y + 0.8 * s.size;
            let bottom = s.y - 0.2 * s.size;
            cells.push(Cell { x0: s.x0, x1: s.x1, top, bottom, segs: vec![s] });
        }
    }
    cells
}

fn join_brackets(row: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in row {
        let join = out.last().is_some_and(|prev| {
            let pk = key(prev);
            let tk = key(&t);
            let prev_open = pk.ends_with('[') || (pk.ends_with('○') && pk.contains('['));
            prev_open || tk.starts_with(']') || tk == "○"
        });
        if join {
            let last = out.last_mut().expect("checked");
            last.push(' ');
            last.push_str(&t);
        } else {
            out.push(t);
        }
    }
    out
}

/// Lay out the pages; returns the lines and the number of pages.
pub fn pages_to_lines(pages: &[Page]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut row_no = 0usize;
    for p in pages {
        let segs = segments(&p.glyphs, &p.rules);
        let mut cs = cells(segs, &p.rules);
        // rows: cells whose tops align, top to bottom
        cs.sort_by(|a, b| b.top.partial_cmp(&a.top).unwrap_or(std::cmp::Ordering::Equal));
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        for c in cs {
            let size = c.segs[0].size;
            match rows.last_mut() {
                Some(r) if (r[0].top - c.top).abs() <= 0.45 * size.max(r[0].segs[0].size) => r.push(c),
                _ => rows.push(vec![c]),
            }
        }
        let mut first_rows = 0;
        for mut r in rows {
            r.sort_by(|a, b| a.x0.partial_cmp(&b.x0).unwrap_or(std::cmp::Ordering::Equal));
            let texts: Vec<String> = r.iter().map(Cell::text).collect();
            // cells are kept apart by a tab (white space to every later stage; the cover
            // reader cuts rows back into cells)
            let joined = join_brackets(texts).join("\t");
            if crate::input::page_number(&joined).is_some() {
                continue;
            }
            // a cell cut by a page break is printed again at the top of the next page
            if first_rows < 2 {
                first_rows += 1;
                let prev_cells: Vec<&str> = out
                    .iter()
                    .rev()
                    .take_while(|l: &&Line| l.page.is_some_and(|pg| pg + 1 == p.number))
                    .take(3)
                    .flat_map(|l| l.raw.split('\t'))
                    .collect();
                if !prev_cells.is_empty() && joined.split('\t').all(|c| prev_cells.contains(&c)) {
                    continue;
                }
            }
            row_no += 1;
            let x0 = r.iter().map(|c| c.x0).fold(f64::MAX, f64::min);
            let x1 = r.iter().map(|c| c.x1).fold(f64::MIN, f64::max);
            let y0 = r.iter().map(|c| c.bottom).fold(f64::MAX, f64::min);
            let y1 = r.iter().map(|c| c.top).fold(f64::MIN, f64::max);
            let mut l = Line::new(row_no, Some(p.number), joined);
            l.bbox = Some([x0, y0, x1, y1]);
            if let Some(prev) = out.last().filter(|pl: &&Line| pl.page == Some(p.number)) {
                let pb = prev.bbox.expect("PDF rows have a box");
                let x = r[0].x0 + 2.0;
                l.open_above =
                    !p.rules.iter().any(|ru| ru.horizontal() && ru.x0 <= x && ru.x1 >= x && ru.y0 < pb[1] + 0.5 && ru.y0 > y1 - 0.5);
            }
            out.push(l);
        }
    }
    out
}
