//! Stage 2: decoded text → pages of lines (with provenance), applying the flavour repairs
//! to text dumps and the cell handling to markdown/HTML; everything after this is shared.
//!
//! A markdown/HTML line is cut into its tab-separated cells (each a `Line` with the same
//! input line number; see [`html`](crate::input::html)). Page furniture (`-9-`, `1 / 72`,
//! running headers, rows repeated after a page break) sets the page and is dropped.

use std::collections::{HashMap, HashSet};

use crate::diag::Warned;
use crate::input::flavour::{self, Flavour};
use crate::input::html::html_cells;
use crate::normalize::{fold, is_cjk, key, key_of_folded};

/// Characters of the text sampled to tell markdown/HTML from plain text.
const FORMAT_SAMPLE_CHARS: usize = 200_000;
/// HTML hints (`<p>`, `&lt;`, …) that alone make a text markdown/HTML.
const MIN_HTML_HINTS: usize = 2;
/// Markdown headings (`# `, `## `) that alone make a text markdown.
const MIN_MD_HEADINGS: usize = 3;
/// Longest page footer in bytes: longer lines are rejected before folding.
const FOOTER_MAX_BYTES: usize = 48;
/// A flattened dump's line is cut into cells only when it is at least this long (chars).
const UNFLATTEN_MIN_CHARS: usize = 100;
/// Longest title (chars of key) joined to a section numeral printed on its own line.
const SPLIT_TITLE_MAX_CHARS: usize = 40;
/// The title of a split heading follows its numeral within this many input lines.
const SPLIT_TITLE_MAX_GAP: usize = 3;
/// Longest annex mark (`(別添2)`) in chars of key.
const ANNEX_MARK_MAX_CHARS: usize = 6;
/// Non-empty lines before a page footer searched for a row that is printed again after it.
const REPEAT_LOOKBACK: usize = 12;
/// Non-empty lines after a page footer that may repeat a row from before it.
const REPEAT_LOOKAHEAD: usize = 4;
/// Shorter repeated lines (chars) are ordinary values (`なし`), not rows cut by a break.
const REPEAT_MIN_CHARS: usize = 4;
/// Longest running header in chars: longer repeated lines are content.
const RUNNING_HEADER_MAX_CHARS: usize = 80;
/// A running header is printed on at least this many pages.
const RUNNING_HEADER_MIN_PAGES: usize = 3;
/// Lines within this distance of a footer count as next to it.
const FOOTER_NEIGHBOURHOOD: usize = 2;
/// Tenths of a running header's copies that must stand next to a page footer.
const RUNNING_HEADER_NEAR_TENTHS: usize = 8;

/// The kind of input a document came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Pdf,
}

impl Format {
    /// The name written in the record's `source.format`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Pdf => "pdf",
        }
    }
}

/// One line (text) or cell (markdown/HTML) or row (PDF) of the input, with provenance.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based input line.
    pub no: usize,
    /// Position in the text without page furniture (headers, footers): distances between
    /// lines are measured on this, so inserted furniture does not move anything apart.
    pub pos: usize,
    pub page: Option<u32>,
    /// The text as read (tags removed for HTML), paragraph breaks as U+2029.
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
    /// A line read at input line `no` (also its `pos`), folded and keyed.
    #[must_use]
    pub fn new(no: usize, page: Option<u32>, raw: String) -> Line {
        let text = fold(&raw);
        let key = key_of_folded(&text);
        Line { no, pos: no, page, raw, text, key, bbox: None, open_above: false }
    }
}

/// A document as pages of lines: the meeting point of text and PDF input.
#[derive(Debug, Clone)]
pub struct Pages {
    pub format: Format,
    pub lines: Vec<Line>,
    /// Number of pages, when footers or form feeds tell it.
    pub pages: Option<u32>,
    pub flavour: Flavour,
}

/// Markdown/HTML when the text shows enough tags, entities or markdown headings.
#[must_use]
pub fn detect_format(text: &str) -> Format {
    let sample = text.char_indices().nth(FORMAT_SAMPLE_CHARS).map_or(text, |(end, _)| &text[..end]);
    let html = ["<input", "<p>", "<li>", "&lt;", "<b>", "<table", "<br"].iter().filter(|p| sample.contains(*p)).count();
    let md_heads = sample.lines().filter(|l| l.starts_with("# ") || l.starts_with("## ")).count();
    if html >= MIN_HTML_HINTS || (html >= 1 && md_heads >= 1) || md_heads >= MIN_MD_HEADINGS { Format::Markdown } else { Format::Text }
}

/// Page footers and running furniture: `-9-`, `- 9 -`, `1 / 72`, `1/69`.
#[must_use]
pub fn page_number(line: &str) -> Option<u32> {
    // a footer is short: most lines are rejected before folding
    if line.len() > FOOTER_MAX_BYTES || !line.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return None;
    }
    let f = key(line);
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

/// Stage 2: text → pages of lines, plus the diagnostics of the flavours found (in the
/// order spaced, doubled, flattened, marks, glyphs).
#[must_use]
pub fn to_lines(text: &str) -> Warned<Pages> {
    let format = detect_format(text);
    let mut flavour = if format == Format::Text { flavour::detect(text) } else { Flavour::default() };
    let furniture = Furniture::new(text);
    let mut pager = Pager::new(text);
    let mut lines = Vec::new();
    // furniture lines dropped so far: `pos` does not count them
    let mut dropped = 0usize;
    for (i, raw) in text.split('\n').enumerate() {
        let no = i + 1;
        if furniture.drops(i, raw) {
            dropped += 1;
            continue;
        }
        let raw = pager.form_feeds(raw);
        if let Some(p) = page_number(raw) {
            pager.footer(p);
            dropped += 1;
            continue;
        }
        let cells = match format {
            Format::Text => repair_text_line(raw, &mut flavour),
            Format::Markdown | Format::Pdf => html_cells(raw).into_iter().filter(|c| !c.trim().is_empty()).collect(),
        };
        lines.extend(cells.into_iter().map(|cell| Line { pos: no - dropped, ..Line::new(no, pager.page, cell) }));
    }
    if format == Format::Text {
        lines = join_split_headings(lines);
    }
    let diags = flavour::diags(&flavour);
    Warned::new(Pages { format, lines, pages: pager.last, flavour }, diags)
}

/// The page counter: form feeds, when the text has any, else page footers.
struct Pager {
    by_form_feed: bool,
    /// The page of the lines being read.
    page: Option<u32>,
    /// The last page seen (a footer closes its page; the counter points one past it).
    last: Option<u32>,
}

impl Pager {
    fn new(text: &str) -> Pager {
        let by_form_feed = text.contains('\u{0C}');
        let first = by_form_feed.then_some(1);
        Pager { by_form_feed, page: first, last: first }
    }

    /// Count the line's form feeds and return it without the leading ones.
    fn form_feeds<'a>(&mut self, raw: &'a str) -> &'a str {
        if !self.by_form_feed {
            return raw;
        }
        let n = raw.matches('\u{0C}').count();
        if n == 0 {
            return raw;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.page = self.page.map(|p| p.saturating_add(n));
        self.last = self.page;
        raw.trim_start_matches('\u{0C}')
    }

    /// A footer closes page `p`; what follows is on `p + 1` (unless form feeds count).
    fn footer(&mut self, p: u32) {
        if !self.by_form_feed {
            self.page = Some(p.saturating_add(1));
            self.last = Some(self.last.unwrap_or(0).max(p));
        }
    }
}

/// Text dumps: undo the document's flavours on one input line → its cells.
fn repair_text_line(raw: &str, flavour: &mut Flavour) -> Vec<String> {
    if raw.trim().is_empty() {
        return Vec::new();
    }
    let mut line = if flavour.spaced { flavour::unspace(raw) } else { raw.to_string() };
    if let Some(u) = flavour::undouble(&line) {
        flavour.doubled_lines += 1;
        line = u;
    }
    if flavour.flattened && line.chars().count() > UNFLATTEN_MIN_CHARS { flavour::unflatten(&line) } else { vec![line] }
}

/// Input lines that are page furniture besides footers: running headers and rows printed
/// again after a page break.
struct Furniture {
    running: HashSet<String>,
    repeats: HashSet<usize>,
}

impl Furniture {
    fn new(text: &str) -> Furniture {
        let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
        // which lines are page footers, decided once for both kinds of furniture
        let footer: Vec<bool> = lines.iter().map(|l| page_number(l).is_some()).collect();
        Furniture { running: running_headers(&lines, &footer), repeats: repeated_after_page_break(&lines, &footer) }
    }

    /// Whether input line `i` (0-based) is furniture.
    fn drops(&self, i: usize, raw: &str) -> bool {
        self.running.contains(raw.trim()) || self.repeats.contains(&i)
    }
}

/// A section numeral printed in a cell of its own (`Ⅰ` / `基本情報`, `（別添２）` / `変更箇所`)
/// comes out of pdftotext on two lines: join it with the title below.
fn join_split_headings(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut it = lines.into_iter().peekable();
    while let Some(l) = it.next() {
        if is_lone_numeral(&l.key)
            && let Some(n) = it.next_if(|n| is_split_title(&l, n))
        {
            out.push(Line { pos: l.pos, ..Line::new(l.no, l.page, format!("{}　{}", l.raw.trim(), n.raw.trim())) });
            continue;
        }
        out.push(l);
    }
    out
}

/// `Ⅰ`…`Ⅵ`, `(別添2)` or `リスク1:` standing alone on its line.
fn is_lone_numeral(k: &str) -> bool {
    let risk_head = k.strip_prefix("リスク").is_some_and(|r| {
        let r = r.trim_end_matches(':');
        r.len() < k.len() && r.chars().all(|c| c.is_ascii_digit()) && k.ends_with(':')
    });
    matches!(k, "Ⅰ" | "Ⅱ" | "Ⅲ" | "Ⅳ" | "Ⅴ" | "Ⅵ")
        || (k.starts_with("(別添") && k.ends_with(')') && k.chars().count() <= ANNEX_MARK_MAX_CHARS)
        || risk_head
}

/// Whether `n` is the short Japanese title that belongs to the numeral line `l`.
fn is_split_title(l: &Line, n: &Line) -> bool {
    n.key.chars().count() <= SPLIT_TITLE_MAX_CHARS
        && n.no <= l.no + SPLIT_TITLE_MAX_GAP
        && !n.key.starts_with('[')
        && n.key.chars().next().is_some_and(is_cjk)
}

/// A cell cut by a page break is printed again at the top of the next page: the first lines
/// after a page footer that repeat a line printed just before it (indices of the repeats).
fn repeated_after_page_break(lines: &[&str], footer: &[bool]) -> HashSet<usize> {
    let mut out = HashSet::new();
    for i in footer.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i) {
        let before: Vec<&str> = lines[..i].iter().rev().filter(|x| !x.is_empty()).take(REPEAT_LOOKBACK).copied().collect();
        for (j, x) in lines.iter().enumerate().skip(i + 1).filter(|(_, x)| !x.is_empty()).take(REPEAT_LOOKAHEAD) {
            if x.chars().count() >= REPEAT_MIN_CHARS && !footer[j] && before.contains(x) {
                out.insert(j);
            }
        }
    }
    out
}

/// Running headers: a short line repeated on at least three pages, each time next to a
/// page footer.
fn running_headers(lines: &[&str], footer: &[bool]) -> HashSet<String> {
    let near_footer =
        |i: usize| (i.saturating_sub(FOOTER_NEIGHBOURHOOD)..=(i + FOOTER_NEIGHBOURHOOD).min(lines.len() - 1)).any(|j| footer[j]);
    // per line: (copies, copies next to a footer)
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() || l.chars().count() > RUNNING_HEADER_MAX_CHARS || footer[i] {
            continue;
        }
        let e = counts.entry(l).or_default();
        e.0 += 1;
        if near_footer(i) {
            e.1 += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, (n, near))| *n >= RUNNING_HEADER_MIN_PAGES && *near * 10 >= *n * RUNNING_HEADER_NEAR_TENTHS)
        .map(|(l, _)| l.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn footers_set_pages() {
        let p = to_lines("a\n-1-\nb\n2 / 3\nc\n").value;
        assert_eq!(p.lines.len(), 3);
        assert_eq!(p.lines[1].page, Some(2));
        assert_eq!(p.lines[1].no, 3);
        assert_eq!(p.lines[1].pos, 2, "the footer is not counted");
        assert_eq!(p.pages, Some(2));
        let p = to_lines("a\n\u{0C}b\n").value;
        assert_eq!(p.lines[1].page, Some(2));
        assert_eq!(p.pages, Some(2));
    }

    #[test]
    fn furniture_is_dropped() {
        let page = |n: u32| format!("評価書ヘッダー\n本文{n}の行\n- {n} -\n");
        let text: String = (1..=3).map(page).collect();
        let p = to_lines(&text).value;
        let raws: Vec<&str> = p.lines.iter().map(|l| l.raw.as_str()).collect();
        assert_eq!(raws, ["本文1の行", "本文2の行", "本文3の行"]);
        // a row cut by the page break is printed again after the footer
        let p = to_lines("前の行\n切れた行です\n-1-\n切れた行です\n次の行\n").value;
        let raws: Vec<&str> = p.lines.iter().map(|l| l.raw.as_str()).collect();
        assert_eq!(raws, ["前の行", "切れた行です", "次の行"]);
    }

    #[test]
    fn split_headings_are_joined() {
        let p = to_lines("Ⅰ\n基本情報\nリスク1：\n目的外の入手が行われるリスク\nⅡ\n[ ○ ] 評価\n").value;
        let raws: Vec<&str> = p.lines.iter().map(|l| l.raw.as_str()).collect();
        assert_eq!(raws, ["Ⅰ　基本情報", "リスク1：　目的外の入手が行われるリスク", "Ⅱ", "[ ○ ] 評価"]);
        assert_eq!(p.lines[1].no, 3);
        assert_eq!(p.lines[1].key, "リスク1:目的外の入手が行われるリスク");
    }

    #[test]
    fn markdown_cells_share_a_line_number() {
        let p = to_lines("# 見出し\n<p>a</p>\t<p>b</p>\n").value;
        assert_eq!(p.format, Format::Markdown);
        let cells: Vec<(usize, &str)> = p.lines.iter().map(|l| (l.no, l.raw.as_str())).collect();
        assert_eq!(cells, [(1, "見出し"), (2, "a"), (2, "b")]);
    }

    #[test]
    fn flavour_diagnostics_come_last() {
        let w = to_lines(&"特 定 個 人 情 報 保 護 評 価 書\n".repeat(20));
        assert!(w.value.flavour.spaced);
        assert_eq!(w.value.lines[0].raw, "特定個人情報保護評価書");
        let codes: Vec<Code> = w.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::SpacedText]);
        let w = to_lines("特定個人情報保護評価書( 特定個人情報保護評価書(全項目評価書) 全項目評価書)\n");
        assert_eq!(w.value.lines[0].raw, "特定個人情報保護評価書(全項目評価書)");
        assert_eq!(w.diags[0].message, "1 line(s) printed twice (bold by overprint) were read once");
    }

    #[test]
    fn format_detection() {
        assert_eq!(detect_format("# 見出し\n<p>x</p>\n"), Format::Markdown);
        assert_eq!(detect_format(" 評価書番号\n1\n"), Format::Text);
    }
}
