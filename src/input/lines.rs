//! Stage 2: decoded text → pages of lines (with provenance). Text and markdown/HTML
//! conversions meet here; everything after this stage is shared.
//!
//! A markdown/HTML line is cut into its tab-separated cells (each a `Line` with the same
//! input line number), tags are removed, `<input checked>` becomes `[ ○ ]`, entities are
//! decoded. Page furniture (`-9-`, `1 / 72`) sets the page and is dropped.

use crate::diag::Diag;
use crate::input::html::html_cells;
use crate::normalize::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Pdf,
}

impl Format {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Pdf => "pdf",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based input line.
    pub no: usize,
    /// Position in the text without page furniture (headers, footers): distances between
    /// lines are measured on this, so inserted furniture does not move anything apart.
    pub pos: usize,
    pub page: Option<u32>,
    /// The text as read (tags removed for HTML), paragraph breaks as '\n'.
    pub raw: String,
    /// `fold(raw)`: spaces collapsed, widths and look-alikes folded.
    pub text: String,
    /// `text` without any white space: the matching key.
    pub key: String,
    /// PDF input: the row's box in user space `[x0, y0, x1, y1]`.
    pub bbox: Option<[f64; 4]>,
    /// PDF input: no ruling line separates this row's first cell from the row above (the
    /// two share a merged cell on the left).
    pub open_above: bool,
}

impl Line {
    #[must_use]
    pub fn new(no: usize, page: Option<u32>, raw: String) -> Line {
        let text = fold(&raw);
        // the key is the folded text without white space (fold once, not twice)
        let key: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        Line { no, pos: no, page, raw, text, key, bbox: None, open_above: false }
    }
}

#[derive(Debug, Clone)]
pub struct Pages {
    pub format: Format,
    pub lines: Vec<Line>,
    pub pages: Option<u32>,
    pub flavour: crate::input::flavour::Flavour,
}

#[must_use]
pub fn detect_format(text: &str) -> Format {
    let sample: String = text.chars().take(200_000).collect();
    let html = ["<input", "<p>", "<li>", "&lt;", "<b>", "<table", "<br"].iter().filter(|p| sample.contains(*p)).count();
    let md_heads = sample.lines().filter(|l| l.starts_with("# ") || l.starts_with("## ")).count();
    if html >= 2 || (html >= 1 && md_heads >= 1) || md_heads >= 3 { Format::Markdown } else { Format::Text }
}

/// Page footers and running furniture: `-9-`, `- 9 -`, `1 / 72`, `1/69`.
#[must_use]
pub fn page_number(line: &str) -> Option<u32> {
    // a footer is short: most lines are rejected before folding
    if line.len() > 48 || !line.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return None;
    }
    let f: String = fold(line).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(inner) = f.strip_prefix('-').and_then(|s| s.strip_suffix('-')) {
        return inner.parse().ok();
    }
    if let Some((a, b)) = f.split_once('/')
        && !a.is_empty()
        && !b.is_empty()
        && a.chars().all(|c| c.is_ascii_digit())
        && b.chars().all(|c| c.is_ascii_digit())
    {
        return a.parse().ok();
    }
    None
}

#[must_use]
pub fn to_lines(text: &str) -> (Pages, Vec<Diag>) {
    let format = detect_format(text);
    let diags = Vec::new();
    let mut flavour = if format == Format::Text { crate::input::flavour::detect(text) } else { crate::input::flavour::Flavour::default() };
    let mut lines = Vec::new();
    let mut page: Option<u32> = None;
    let mut max_page: Option<u32> = None;
    let has_ff = text.contains('\u{0C}');
    if has_ff {
        page = Some(1);
        max_page = Some(1);
    }
    let running = running_headers(text);
    let repeats = repeated_after_page_break(text);
    let mut furniture = 0usize;
    for (i, raw) in text.split('\n').enumerate() {
        let no = i + 1;
        let mut raw = raw;
        if running.contains(raw.trim()) || repeats.contains(&i) {
            furniture += 1;
            continue;
        }
        let first_new = lines.len();
        if has_ff {
            let ffs = raw.matches('\u{0C}').count() as u32;
            if ffs > 0 {
                page = page.map(|p| p + ffs);
                max_page = page;
                raw = raw.trim_start_matches('\u{0C}');
            }
        }
        if let Some(p) = page_number(raw) {
            if !has_ff {
                // a footer closes page p; what follows is on p + 1
                page = Some(p + 1);
                max_page = Some(max_page.unwrap_or(0).max(p));
            }
            furniture += 1;
            continue;
        }
        match format {
            Format::Text => {
                if raw.trim().is_empty() {
                    continue;
                }
                let mut owned = if flavour.spaced { crate::input::flavour::unspace(raw) } else { raw.to_string() };
                if let Some(u) = crate::input::flavour::undouble(&owned) {
                    flavour.doubled_lines += 1;
                    owned = u;
                }
                if flavour.flattened && owned.chars().count() > 100 {
                    for cell in crate::input::flavour::unflatten(&owned) {
                        lines.push(Line::new(no, page, cell));
                    }
                } else {
                    lines.push(Line::new(no, page, owned));
                }
            }
            Format::Markdown | Format::Pdf => {
                for cell in html_cells(raw) {
                    if !cell.trim().is_empty() {
                        lines.push(Line::new(no, page, cell));
                    }
                }
            }
        }
        for l in &mut lines[first_new..] {
            l.pos = no - furniture;
        }
    }
    if format == Format::Text {
        lines = join_split_headings(lines);
    }
    // a page counter set by footers points one past the last footer
    let pages = max_page;
    (Pages { format, lines, pages, flavour }, diags)
}

/// A section numeral printed in a cell of its own (`Ⅰ` / `基本情報`, `（別添２）` / `変更箇所`)
/// comes out of pdftotext on two lines: join it with the title below.
fn join_split_headings(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut it = lines.into_iter().peekable();
    while let Some(l) = it.next() {
        let k = l.key.as_str();
        let risk_head = k.strip_prefix("リスク").is_some_and(|r| {
            let r = r.trim_end_matches(':');
            r.len() < k.len() && r.chars().all(|c| c.is_ascii_digit()) && k.ends_with(':')
        });
        let lone = matches!(k, "Ⅰ" | "Ⅱ" | "Ⅲ" | "Ⅳ" | "Ⅴ" | "Ⅵ")
            || (k.starts_with("(別添") && k.ends_with(')') && k.chars().count() <= 6)
            || risk_head;
        if lone && let Some(n) = it.peek() {
            let short_title = n.key.chars().count() <= 40
                && n.no <= l.no + 3
                && !n.key.starts_with('[')
                && n.key.chars().next().is_some_and(crate::normalize::is_cjk);
            if short_title {
                let n = it.next().expect("peeked");
                let mut j = Line::new(l.no, l.page, format!("{}　{}", l.raw.trim(), n.raw.trim()));
                j.pos = l.pos;
                out.push(j);
                continue;
            }
        }
        out.push(l);
    }
    out
}

/// A cell cut by a page break is printed again at the top of the next page: the first lines
/// after a page footer that repeat a line printed just before it (indices of the repeats).
fn repeated_after_page_break(text: &str) -> std::collections::HashSet<usize> {
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let mut out = std::collections::HashSet::new();
    for (i, l) in lines.iter().enumerate() {
        if page_number(l).is_none() {
            continue;
        }
        let before: Vec<&str> = lines[..i].iter().rev().filter(|x| !x.is_empty()).take(12).copied().collect();
        for (j, x) in lines.iter().enumerate().skip(i + 1).filter(|(_, x)| !x.is_empty()).take(4) {
            if x.chars().count() >= 4 && page_number(x).is_none() && before.contains(x) {
                out.insert(j);
            }
        }
    }
    out
}

/// Running headers: a short line repeated on at least three pages, each time next to a
/// page footer.
fn running_headers(text: &str) -> std::collections::HashSet<String> {
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let footer: Vec<bool> = lines.iter().map(|l| page_number(l).is_some()).collect();
    let near_footer = |i: usize| (i.saturating_sub(2)..=(i + 2).min(lines.len() - 1)).any(|j| footer[j]);
    let mut counts: std::collections::HashMap<&str, (usize, usize)> = std::collections::HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() || l.chars().count() > 80 || footer[i] {
            continue;
        }
        let e = counts.entry(l).or_default();
        e.0 += 1;
        if near_footer(i) {
            e.1 += 1;
        }
    }
    counts.into_iter().filter(|(_, (n, near))| *n >= 3 && *near * 10 >= *n * 8).map(|(l, _)| l.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footers_set_pages() {
        let (p, _) = to_lines("a\n-1-\nb\n2 / 3\nc\n");
        assert_eq!(p.lines.len(), 3);
        assert_eq!(p.lines[1].page, Some(2));
        assert_eq!(p.lines[1].no, 3);
        let (p, _) = to_lines("a\n\u{0C}b\n");
        assert_eq!(p.lines[1].page, Some(2));
    }

    #[test]
    fn format_detection() {
        assert_eq!(detect_format("# 見出し\n<p>x</p>\n"), Format::Markdown);
        assert_eq!(detect_format(" 評価書番号\n1\n"), Format::Text);
    }
}
