//! The cover page: kind, form tag, number, title, organization, 公表日, declaration,
//! 特記事項. Found by label and by the shape of values wherever the cells landed.
//!
//! The six fields datasets join on (kind, form, number, title, organization, 公表日) are
//! read from the cover's cells as one stream: their text is joined without white space, so
//! a label, a date or the tag cut into cells, spaced out or wrapped is whole again; labels,
//! the tag, page furniture and dates are found in it, and what lies between are values, cut
//! at cell borders. Each run of labels claims the values after it by shape (digits for the
//! 評価書番号, the cells up to the kind name for the 評価書名, an issuer's name, dates in
//! the order of their labels); values no label claims (Excel cell order) go by shape to the
//! label still empty. Digits are a 評価書番号 only under that label (or beside a title where
//! no label is printed): never a page number. Labels that lost characters mark the cover
//! damaged: title and organization are then null, with a `glyphs_missing` diagnostic.

use crate::diag::{Code, Diag, Warned};
use crate::input::Line;
use crate::normalize::{fold, join_wrapped};
use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cover {
    pub kind: Option<String>,
    pub form: Option<String>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub organization: Option<String>,
    pub published: Option<String>,
    pub published_raw: Option<String>,
    pub declaration: Option<String>,
    pub special_notes: Option<String>,
}

pub const KINDS: [&str; 3] = ["全項目評価書", "重点項目評価書", "基礎項目評価書"];

fn re_tag() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(令和|平成)(元|\d{1,2})年(\d{1,2})月様式([234])").unwrap())
}

fn re_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(令和|平成)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日").unwrap())
}

fn re_org() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(長|知事|大臣|委員会|機構|基金|連合|組合|庁|省|公社|公庫|法人|協会|センター|事務所|大学|病院|局|本部|団|市|町|村|区|県|都|府|道|会)$").unwrap()
    })
}

/// Convert a Japanese-era date (令和/平成, 元年, any width) to ISO 8601.
#[must_use]
pub fn era_to_iso(s: &str) -> Option<String> {
    let key: String = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    let caps = re_date().captures(&key)?;
    let base = if &caps[1] == "令和" { 2018 } else { 1988 };
    let year: i32 = if &caps[2] == "元" { 1 } else { caps[2].parse().ok()? };
    let month: u32 = caps[3].parse().ok()?;
    let day: u32 = caps[4].parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{:04}-{:02}-{:02}", base + year, month, day))
}

/// The form tag as printed, normalized: `令和6年10月 様式4`.
#[must_use]
pub fn form_tag(key: &str) -> Option<(String, char)> {
    let c = re_tag().captures(key)?;
    let n = c[4].chars().next()?;
    Some((format!("{}{}年{}月 様式{}", &c[1], &c[2], &c[3], &c[4]), n))
}

const LABELS: [&str; 8] = [
    "評価書番号",
    "評価書名",
    "個人のプライバシー等の権利利益の保護の宣言",
    "特記事項",
    "評価実施機関名",
    "公表日",
    "個人情報保護委員会承認日",
    "項目一覧",
];

fn is_label(key: &str) -> bool {
    LABELS.iter().any(|l| key.starts_with(l))
        || key.contains("承認日【行政機関等のみ】")
        || key.starts_with("特定個人情報保護評価書(")
        // the 承認日 label cut into its cells: 個人情報保護委員会 / 承認日 / 【行政機関等のみ】
        || matches!(key, "個人情報保護委員会" | "特定個人情報保護委員会" | "承認日")
        || key.starts_with("【行政機関等")
}

/// Local governments are not 行政機関等: their covers have no 承認日.
fn local_government(org: &str) -> bool {
    let k: String = org.chars().filter(|c| !c.is_whitespace()).collect();
    ["市長", "町長", "村長", "区長", "知事", "広域連合長", "市", "町", "村", "教育委員会"].iter().any(|s| k.ends_with(s))
}

/// The printed heading of the form (特定個人情報保護評価書(…)) stands near the start of
/// the document: the lines searched for it and for the form tag.
const HEADING_SCAN_LINES: usize = 400;
/// A line of the declaration's prose: shorter lines above it are labels or values.
const DECL_LINE_MIN_CHARS: usize = 12;
/// The wrapped rest of the declaration's last sentence below it is this short at most.
const DECL_REST_MAX_CHARS: usize = 4;
/// A flattened cover prints at least this many label cells on one physical line.
const LABEL_RUN_MIN: usize = 4;

/// Read the cover from the lines before the body starts.
pub fn read_cover(lines: &[Line], all: &[Line]) -> Warned<Cover> {
    let (kind, form) = heading_and_tag(all);
    let mut c = Cover {
        kind: kind.or_else(|| kind_of_title(lines)),
        form,
        declaration: declaration(lines),
        special_notes: special_notes(lines).or_else(|| labels_first_notes(lines)),
        ..Cover::default()
    };
    let diags = by_stream(lines, &mut c).into_iter().collect();
    Warned::new(c, diags)
}

/// The kind from the printed title of the form, and the form tag, in the first lines.
fn heading_and_tag(all: &[Line]) -> (Option<String>, Option<String>) {
    let (mut kind, mut form) = (None, None);
    for l in all.iter().take(HEADING_SCAN_LINES) {
        for k in KINDS {
            if l.key.contains(&format!("特定個人情報保護評価書({k})")) {
                kind.get_or_insert_with(|| k.to_string());
            }
        }
        if form.is_none()
            && let Some((tag, _)) = form_tag(&l.key)
        {
            form = Some(tag);
        }
    }
    (kind, form)
}

/// The kind named at the end of the first line shaped like a title (not a label).
fn kind_of_title(lines: &[Line]) -> Option<String> {
    lines
        .iter()
        .filter(|l| !is_label(&l.key))
        .find_map(|l| KINDS.iter().find(|k| l.key.ends_with(*k) || l.key.ends_with(&format!("{k}(案)"))).map(|k| (*k).to_string()))
}

/// The declaration: the block of prose that contains 宣言 (the word may wrap: `…宣` /
/// `言する。`).
fn declaration(lines: &[Line]) -> Option<String> {
    let ends_decl = |i: usize| {
        let k = &lines[i].key;
        k.contains("宣言す") || (i > 0 && lines[i - 1].key.ends_with('宣') && k.starts_with("言す"))
    };
    let end = (0..lines.len()).find(|&i| !is_label(&lines[i].key) && ends_decl(i))?;
    let mut start = end;
    while start > 0 {
        let p = &lines[start - 1];
        if p.no + 1 < lines[start].no
            || is_label(&p.key)
            || p.key.chars().count() < DECL_LINE_MIN_CHARS
            || KINDS.iter().any(|k| p.key.ends_with(k))
        {
            break;
        }
        start -= 1;
    }
    let mut stop = end + 1;
    while stop < lines.len() && decl_rest(&lines[stop - 1], &lines[stop]) {
        stop += 1;
    }
    let parts: Vec<&str> = lines[start..stop].iter().map(|l| l.raw.as_str()).collect();
    Some(join_wrapped(&parts).replace('\u{2029}', "\n"))
}

/// `l` is a short rest of the declaration's last sentence, wrapped below `prev`.
fn decl_rest(prev: &Line, l: &Line) -> bool {
    !is_label(&l.key) && l.key.chars().count() < DECL_REST_MAX_CHARS && (l.no == prev.no + 1 || (l.no == prev.no && l.key.ends_with('。')))
}

/// 特記事項: on the label's line (with its wrapped rest right below), or the block right
/// below the label.
fn special_notes(lines: &[Line]) -> Option<String> {
    let pos = lines.iter().position(|l| l.key.starts_with("特記事項"))?;
    let inline = lines[pos].text.trim_start_matches("特記事項").trim();
    if inline.is_empty() {
        let parts = lines_below(lines, pos, false);
        (!parts.is_empty()).then(|| join_wrapped(&parts))
    } else {
        let mut parts = vec![inline];
        parts.extend(lines_below(lines, pos, true));
        Some(join_wrapped(&parts))
    }
}

/// The lines right below `lines[pos]` up to a label, the form tag or a gap; `wrapped_rest`:
/// only lines that directly follow each other, none blank.
fn lines_below(lines: &[Line], pos: usize, wrapped_rest: bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut prev = lines[pos].no;
    for n in &lines[pos + 1..] {
        let apart = if wrapped_rest { n.no != prev + 1 || n.key.is_empty() } else { n.no > prev + 1 };
        if apart || is_label(&n.key) || form_tag(&n.key).is_some() {
            break;
        }
        parts.push(n.raw.as_str());
        prev = n.no;
    }
    parts
}

fn re_heading() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"評価書\((全項目評価書|重点項目評価書|基礎項目評価書)\)").unwrap())
}

/// The six fields every dataset joins on, from the stream of cover cells (kind and form
/// where the stream prints them). A damaged cover gives its warning.
fn by_stream(lines: &[Line], c: &mut Cover) -> Option<Diag> {
    let toks = tokens(lines);
    let k: String = lines.iter().map(|l| l.key.as_str()).collect();
    if let Some(m) = re_heading().captures(&k) {
        c.kind = Some(m[1].to_string());
    }
    if let Some(Tok::Tag(t)) = toks.iter().find(|t| matches!(t, Tok::Tag(_))) {
        let bare: String = t.chars().filter(|&ch| ch != '[' && ch != ']').collect();
        if let Some((tag, _)) = form_tag(&bare) {
            c.form = Some(tag);
        }
    }
    let r = read_stream(&toks);
    c.number = r.number;
    c.title = r.title;
    c.organization = r.organization;
    c.published = r.published_raw.as_deref().and_then(era_to_iso);
    c.published_raw = r.published_raw;
    if c.special_notes.is_none() {
        c.special_notes = r.notes;
    }
    if r.damaged {
        let what = if r.dropped.is_empty() { "no value".to_string() } else { r.dropped.join(" and ") };
        return Some(Diag::new(
            Code::GlyphsMissing,
            format!("the cover's labels are damaged (characters missing): {what} survived only in part and is left null"),
        ));
    }
    None
}

/// The first run of label cells on one physical line long enough to be a flattened cover.
fn label_run(lines: &[Line]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && lines[j].no == lines[i].no && is_label(&lines[j].key) {
            j += 1;
        }
        if j - i >= LABEL_RUN_MIN {
            return Some((i, j));
        }
        i = j.max(i + 1);
    }
    None
}

/// `v` is shaped like a value of `label`.
fn fits(label: &str, v: &Line) -> bool {
    let k = v.key.as_str();
    let is_date = re_date().is_match(k);
    let is_num = !k.is_empty() && k.chars().all(|ch| ch.is_ascii_digit());
    let is_title = KINDS.iter().any(|kd| k.ends_with(kd) || k.ends_with(&format!("{kd}(案)")));
    let is_decl = k.contains("宣言す");
    if label.starts_with("評価書番号") {
        is_num
    } else if label.starts_with("評価書名") {
        is_title
    } else if label.starts_with("個人のプライバシー") {
        is_decl
    } else if label.starts_with("評価実施機関名") {
        re_org().is_match(k) && !is_date && !is_title && !is_decl
    } else if label.contains("承認日") || label.starts_with("公表日") {
        is_date
    } else if label.starts_with("特記事項") {
        !is_date && !is_num && !is_title && !is_decl
    } else {
        false
    }
}

/// A flattened cover prints its labels first, then the values in the same order (empty
/// ones left out). Align them by shape (two pointers: a value that fits the next label is
/// its value, else the label is empty); the value 特記事項 gets.
fn labels_first_notes(lines: &[Line]) -> Option<String> {
    let (a, b) = label_run(lines)?;
    let labels = lines[a..b].iter().map(|l| l.key.as_str()).filter(|k| !k.starts_with("特定個人情報保護評価書("));
    let values: Vec<&Line> = lines[b..].iter().take_while(|l| !is_label(&l.key) && form_tag(&l.key).is_none()).collect();
    let mut vi = 0;
    for lab in labels {
        let notes = lab.starts_with("特記事項");
        // 特記事項 must not swallow the organization when 特記事項 is empty
        let steal = notes && vi + 1 < values.len() && !fits("評価実施機関名", values[vi + 1]) && fits("評価実施機関名", values[vi]);
        let got = (vi < values.len() && fits(lab, values[vi]) && !steal).then(|| values[vi]);
        if notes {
            return got.map(|v| v.text.clone());
        }
        vi += usize::from(got.is_some());
    }
    None
}

/// The cover's lines cell by cell: a PDF row holds several cells (tab-separated).
#[must_use]
pub fn cells(lines: &[Line]) -> Vec<Line> {
    lines
        .iter()
        .flat_map(|l| {
            l.raw.split('\t').map(move |c| {
                let mut x = Line::new(l.no, l.page, c.to_string());
                x.pos = l.pos;
                x.bbox = l.bbox;
                x
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reading the cover as one stream of cells: labels and values found by their shape in the
// text of all cover cells joined without white space, whatever the cells' order, wraps,
// spacing and furniture.

/// The labels of the cover (and its heading, its end marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Lab {
    Heading,
    Number,
    Title,
    Decl,
    Notes,
    Org,
    Published,
    Approved,
    Items,
}

/// The printed text of each label: a piece of one of these (never a whole value) is a
/// label cut apart or damaged.
const LABEL_TEXTS: [(&str, Lab); 10] = [
    ("特定個人情報保護評価書(全項目評価書)", Lab::Heading),
    ("特定個人情報保護評価書(重点項目評価書)", Lab::Heading),
    ("特定個人情報保護評価書(基礎項目評価書)", Lab::Heading),
    ("評価書番号", Lab::Number),
    ("評価書名", Lab::Title),
    ("個人のプライバシー等の権利利益の保護の宣言", Lab::Decl),
    ("特記事項", Lab::Notes),
    ("評価実施機関名", Lab::Org),
    ("公表日", Lab::Published),
    ("特定個人情報保護委員会承認日【行政機関等のみ】", Lab::Approved),
];

fn re_labels() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"(?P<h>特定個人情報保護評価書(?:\((?:全|重点|基礎)項目評価書\))?)",
            r"|(?P<num>評価書番号)|(?P<title>評価書名)|(?P<decl>個人のプライバシー等の権利利益の保護の宣言)",
            r"|(?P<notes>特記事項)|(?P<org>評価実施機関名)|(?P<pub>公表日)",
            r"|(?P<appr>(?:特定)?個人情報保護委員会承認日(?:【?行政機関等のみ】?)?|承認日(?:【?行政機関等のみ】?)?|特定個人情報保護委員会|【?行政機関等のみ】?)",
            r"|(?P<items>項目一覧)"
        ))
        .unwrap()
    })
}

fn re_tag_loose() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\[?(令和|平成)(元|\d{1,2})年(\d{1,2})月\]?\[?様式([234])\]?").unwrap())
}

fn re_furniture() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"-\d{1,4}-|\d{1,4}/\d{1,4}(?:ページ|頁)?|\d{1,4}(?:ページ|頁)|\(\d{1,3}\)|ページ|頁|/").unwrap())
}

fn re_kind_end() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(全項目評価書|重点項目評価書|基礎項目評価書)(\((素)?案\))?$").unwrap())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Label(Lab),
    /// A piece of a label: the labels it can be a piece of; `gapped` when characters
    /// inside it are missing (glyph loss).
    Frag {
        labs: Vec<Lab>,
        gapped: bool,
    },
    Tag(String),
    /// A date; `hard` when it fills its cell (not a date inside a sentence).
    Date {
        raw: String,
        hard: bool,
    },
    Num(String),
    Furniture,
    Value {
        text: String,
        key: String,
    },
}

/// One character of the joined key: where it came from.
struct Ch {
    c: char,
    /// The raw characters this folded character stands for (empty for the rest of an
    /// expansion).
    raw: String,
    /// First character of a cell.
    cell_start: bool,
    /// White space stood before it (inside its cell).
    space_before: bool,
}

fn joined(lines: &[Line]) -> Vec<Ch> {
    let mut out = Vec::new();
    for l in lines {
        let mut first = true;
        let mut space = false;
        for rc in l.raw.chars() {
            let f = fold(&rc.to_string());
            if f.is_empty() || rc.is_whitespace() {
                space = true;
                continue;
            }
            for (i, c) in f.chars().filter(|c| !c.is_whitespace()).enumerate() {
                out.push(Ch {
                    c,
                    raw: if i == 0 { rc.to_string() } else { String::new() },
                    cell_start: first,
                    space_before: space && !first,
                });
                first = false;
                space = false;
            }
        }
    }
    out
}

/// A cell spaced out character by character (`評 価 書 名`) has at least this many
/// ideograph pairs with white space between them.
const SPACED_PAIRS_MIN: usize = 3;
/// A 評価書番号 has at most this many digits; longer runs of digits are other numbers.
const NUMBER_MAX_DIGITS: usize = 6;
/// A text listing with 、 longer than this is a sentence, not a name.
const PROSE_LIST_MIN_CHARS: usize = 30;

/// Text of a span: spaces where the cell had them, dropped between ideographs when the
/// span is spaced out character by character.
fn span_text(chs: &[Ch]) -> String {
    let cjk_pairs = chs.windows(2).filter(|w| crate::normalize::is_cjk(w[0].c) && crate::normalize::is_cjk(w[1].c)).count();
    let spaced_pairs =
        chs.windows(2).filter(|w| crate::normalize::is_cjk(w[0].c) && crate::normalize::is_cjk(w[1].c) && w[1].space_before).count();
    let spaced = spaced_pairs >= SPACED_PAIRS_MIN && spaced_pairs * 2 >= cjk_pairs;
    let mut s = String::new();
    for (i, ch) in chs.iter().enumerate() {
        if i > 0 && (ch.space_before || ch.cell_start) {
            let both_cjk = crate::normalize::is_cjk(chs[i - 1].c) && crate::normalize::is_cjk(ch.c);
            if !(both_cjk && (spaced || ch.cell_start)) {
                s.push(' ');
            }
        }
        s.push(ch.c);
    }
    s
}

/// A token and the span of joined characters it covers.
type Span = (usize, usize, Tok);

/// The regex group of each label in `re_labels` (the rest is 項目一覧).
const LABEL_GROUPS: [(&str, Lab); 8] = [
    ("h", Lab::Heading),
    ("num", Lab::Number),
    ("title", Lab::Title),
    ("decl", Lab::Decl),
    ("notes", Lab::Notes),
    ("org", Lab::Org),
    ("pub", Lab::Published),
    ("appr", Lab::Approved),
];

/// The joined characters of the cover's cells, their key, and the char index of each
/// byte offset of the key.
struct Stream {
    chs: Vec<Ch>,
    ks: String,
    b2c: Vec<usize>,
}

fn overlaps(spans: &[Span], a: usize, b: usize) -> bool {
    spans.iter().any(|s| a < s.1 && s.0 < b)
}

impl Stream {
    fn new(lines: &[Line]) -> Self {
        let chs = joined(lines);
        let ks: String = chs.iter().map(|c| c.c).collect();
        let mut b2c = vec![0usize; ks.len() + 1];
        let mut ci = 0;
        for (b, _) in ks.char_indices() {
            b2c[b] = ci;
            ci += 1;
        }
        b2c[ks.len()] = ci;
        Stream { chs, ks, b2c }
    }

    /// The char span of a match in the key.
    fn span(&self, m: &regex::Match) -> (usize, usize) {
        (self.b2c[m.start()], self.b2c[m.end()])
    }

    /// A token may begin or end at `i`: an end of the stream, a cell start or a border of
    /// a span found before.
    fn hard(&self, spans: &[Span], i: usize) -> bool {
        i == 0 || i >= self.chs.len() || self.chs[i].cell_start || spans.iter().any(|s| s.0 == i || s.1 == i)
    }

    /// White space stands before `i` inside its cell.
    fn soft(&self, i: usize) -> bool {
        i < self.chs.len() && self.chs[i].space_before
    }

    fn labels(&self) -> Vec<Span> {
        re_labels()
            .captures_iter(&self.ks)
            .map(|c| {
                let lab = LABEL_GROUPS.iter().find(|(name, _)| c.name(name).is_some()).map_or(Lab::Items, |(_, l)| *l);
                let (a, b) = self.span(&c.get(0).unwrap());
                (a, b, Tok::Label(lab))
            })
            .collect()
    }

    fn add_tags(&self, spans: &mut Vec<Span>) {
        for m in re_tag_loose().find_iter(&self.ks) {
            let (a, b) = self.span(&m);
            if !overlaps(spans, a, b) {
                spans.push((a, b, Tok::Tag(m.as_str().to_string())));
            }
        }
    }

    /// Page numbers and the like, only where they fill their cell.
    fn add_furniture(&self, spans: &mut Vec<Span>) {
        for m in re_furniture().find_iter(&self.ks) {
            let (a, b) = self.span(&m);
            if !overlaps(spans, a, b) && self.hard(spans, a) && self.hard(spans, b) {
                spans.push((a, b, Tok::Furniture));
            }
        }
    }

    /// Dates standing apart (at cell borders or set off by white space).
    fn add_dates(&self, spans: &mut Vec<Span>) {
        for m in re_date().find_iter(&self.ks) {
            let (a, b) = self.span(&m);
            if overlaps(spans, a, b) {
                continue;
            }
            let is_hard = self.hard(spans, a) && self.hard(spans, b);
            if is_hard || ((self.hard(spans, a) || self.soft(a)) && (self.hard(spans, b) || self.soft(b))) {
                let raw: String = self.chs[a..b].iter().map(|c| c.raw.as_str()).collect();
                spans.push((a, b, Tok::Date { raw, hard: is_hard }));
            }
        }
    }

    /// The spans (sorted) in order, and the gaps between them as values.
    fn with_values(&self, spans: Vec<Span>) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut at = 0;
        for (a, b, t) in spans {
            if a > at {
                self.push_gap(&mut out, at, a);
            }
            out.push(t);
            at = b;
        }
        if at < self.chs.len() {
            self.push_gap(&mut out, at, self.chs.len());
        }
        out
    }

    /// A gap between spans: values, cut at cell starts.
    fn push_gap(&self, out: &mut Vec<Tok>, a: usize, b: usize) {
        let mut start = a;
        for i in a..=b {
            if i == b || (i > start && self.chs[i].cell_start) {
                if i > start {
                    push_cell(&self.chs[start..i], out);
                }
                start = i;
            }
        }
    }
}

/// One cell of a gap. A title wrapped inside its kind name (`…基礎項目評` / `価書`): the
/// rest is no piece of a label but joins the title.
fn push_cell(chs: &[Ch], out: &mut Vec<Tok>) {
    let pk: String = chs.iter().map(|c| c.c).collect();
    match out.last_mut() {
        Some(Tok::Value { text, key })
            if label_piece(&pk).is_some() && !re_kind_end().is_match(key) && re_kind_end().is_match(&format!("{key}{pk}")) =>
        {
            text.push_str(&span_text(chs));
            key.push_str(&pk);
        }
        _ => value_pieces(chs, out),
    }
}

/// The cover's cells as tokens, in order.
fn tokens(lines: &[Line]) -> Vec<Tok> {
    let s = Stream::new(lines);
    let mut spans = s.labels();
    s.add_tags(&mut spans);
    s.add_furniture(&mut spans);
    s.add_dates(&mut spans);
    spans.sort_by_key(|s| s.0);
    s.with_values(spans)
}

/// One cell's worth of value text: a number glued before a title (`2個人住民税…`) or after
/// one (`…基礎項目評価書 1`) is cut off; pieces of labels are told apart from values.
fn value_pieces(chs: &[Ch], out: &mut Vec<Tok>) {
    let key: String = chs.iter().map(|c| c.c).collect();
    if key.is_empty() {
        return;
    }
    let digits = key.chars().take_while(char::is_ascii_digit).count();
    let total = chs.len();
    if (1..=NUMBER_MAX_DIGITS).contains(&digits) && digits < total {
        let next = chs[digits].c;
        let unit = "年月日人件万億号条項回歳か階部課箇所つ";
        if crate::normalize::is_cjk(next) && !unit.contains(next) && total - digits >= 2 {
            out.push(Tok::Num(key.chars().take(digits).collect()));
            value_pieces(&chs[digits..], out);
            return;
        }
    }
    let tail = key.chars().rev().take_while(char::is_ascii_digit).count();
    if (1..=NUMBER_MAX_DIGITS).contains(&tail)
        && tail < total
        && re_kind_end().is_match(&key.chars().take(total - tail).collect::<String>())
    {
        value_pieces(&chs[..total - tail], out);
        out.push(Tok::Num(key.chars().skip(total - tail).collect()));
        return;
    }
    if digits == total && total <= NUMBER_MAX_DIGITS {
        out.push(Tok::Num(key));
        return;
    }
    if let Some(f) = label_piece(&key) {
        out.push(f);
        return;
    }
    // a label that lost characters, on its value's line: `評施関 海見市長`
    if let Some(sp) = (1..chs.len()).find(|&i| chs[i].space_before) {
        let head: String = chs[..sp].iter().map(|c| c.c).collect();
        if let Some(f @ Tok::Frag { gapped: true, .. }) = label_piece(&head) {
            out.push(f);
            value_pieces(&chs[sp..], out);
            return;
        }
    }
    out.push(Tok::Value { text: span_text(chs), key });
}

/// `sub`'s characters appear in `s` in order.
fn subsequence(sub: &str, s: &str) -> bool {
    let mut it = s.chars();
    sub.chars().all(|c| it.any(|x| x == c))
}

/// A piece of a label (cut by a cell border or a doubled print), or a label that lost
/// characters (`評書号` for 評価書番号: `gapped`). A kind name alone is a value (a title's
/// last cell), not a piece of the heading.
fn label_piece(key: &str) -> Option<Tok> {
    let find = |test: &dyn Fn(&str, &str) -> bool| -> Vec<Lab> {
        LABEL_TEXTS
            .iter()
            .filter(|(t, l)| test(key, t) && !(*l == Lab::Heading && KINDS.iter().any(|k| test(key, k))))
            .map(|(_, l)| *l)
            .collect()
    };
    let whole = find(&|a, b| b.contains(a));
    if !whole.is_empty() {
        return Some(Tok::Frag { labs: whole, gapped: false });
    }
    if key.chars().count() < 2 {
        return None;
    }
    let gapped = find(&|a, b| subsequence(a, b));
    if gapped.is_empty() { None } else { Some(Tok::Frag { labs: gapped, gapped: true }) }
}

fn is_prose(k: &str) -> bool {
    k.contains('。') || k.contains("宣言") || (k.contains('、') && k.chars().count() > PROSE_LIST_MIN_CHARS)
}

/// What the stream says.
#[derive(Debug, Default)]
struct Read {
    number: Option<String>,
    title: Option<String>,
    organization: Option<String>,
    published_raw: Option<String>,
    damaged: bool,
    /// 特記事項 where its label shares a run of labels with others (column by column).
    notes: Option<String>,
    /// Title or organization seen but not trusted (labels damaged).
    dropped: Vec<&'static str>,
}

/// A one-character cell is no issuer's name.
const ORG_MIN_CHARS: usize = 2;
/// An issuer's name is at most this long; a longer cell is a sentence.
const ORG_MAX_CHARS: usize = 60;
/// An issuer's name wrapped in its cell spans at most this many cells.
const ORG_MAX_CELLS: usize = 3;
/// A cell longer than this belongs to the long texts (declaration, 特記事項), where the
/// issuer's name is spelled out.
const PROSE_CELL_MIN_CHARS: usize = 20;
/// A title that does not end with its kind name spans at most this many cells.
const TITLE_MAX_CELLS: usize = 3;
/// A title found by shape alone (no 評価書名 printed) reaches this many cells above its last
/// at most.
const TITLE_WRAP_CELLS: usize = 2;
/// Without the heading, this many pieces of labels are no chance cut: the labels are damaged.
const HEADLESS_FRAGS_DAMAGED: usize = 2;
/// With fewer whole field labels than this ...
const FEW_FIELD_LABELS: usize = 3;
/// ... this many pieces of labels mark the cover damaged.
const FEW_LABELS_FRAGS_DAMAGED: usize = 3;

fn org_shaped(k: &str) -> bool {
    let n = k.chars().count();
    (ORG_MIN_CHARS..=ORG_MAX_CHARS).contains(&n) && re_org().is_match(k) && !is_prose(k) && !k.contains('、') && !re_kind_end().is_match(k)
}

/// A value that ends with the title of a head (市長, 知事, 大臣, 理事長…) is a whole name.
fn ends_with_head(toks: &[Tok], j: usize) -> bool {
    matches!(&toks[j], Tok::Value { key, .. } if ["長", "知事", "大臣", "長官"].iter().any(|h| key.ends_with(h)))
}

fn is_label_tok(t: &Tok) -> bool {
    matches!(t, Tok::Label(_) | Tok::Frag { .. })
}

/// The field labels printed whole (not the heading, not 項目一覧).
fn field_labels(toks: &[Tok]) -> HashSet<Lab> {
    toks.iter()
        .filter_map(|t| if let Tok::Label(l) = t { Some(*l) } else { None })
        .filter(|l| !matches!(l, Lab::Heading | Lab::Items))
        .collect()
}

/// Labels that lost characters, or too many pieces of labels for a cover cut into cells.
fn damaged(toks: &[Tok], field_labels: &HashSet<Lab>) -> bool {
    let frags = toks.iter().filter(|t| matches!(t, Tok::Frag { .. })).count();
    let heading = toks.contains(&Tok::Label(Lab::Heading));
    let gapped = toks.iter().any(|t| matches!(t, Tok::Frag { gapped: true, .. }));
    gapped || (!heading && frags >= HEADLESS_FRAGS_DAMAGED) || (field_labels.len() < FEW_FIELD_LABELS && frags >= FEW_LABELS_FRAGS_DAMAGED)
}

/// The cover ends at the 項目一覧 once a field label was seen.
fn cover_end(toks: &[Tok]) -> usize {
    toks.iter()
        .enumerate()
        .find(|(i, t)| **t == Tok::Label(Lab::Items) && toks[..*i].iter().any(|x| matches!(x, Tok::Label(l) if *l != Lab::Heading)))
        .map_or(toks.len(), |(i, _)| i)
}

/// A run of labels, then the values (token indices) up to the next label.
struct Group<'a> {
    labs: Vec<&'a Tok>,
    vals: Vec<usize>,
}

impl Group<'_> {
    fn has(&self, l: Lab) -> bool {
        self.labs.iter().any(|t| **t == Tok::Label(l))
    }

    /// The label is printed, or a piece of it.
    fn can_be(&self, l: Lab) -> bool {
        self.has(l) || self.labs.iter().any(|t| matches!(t, Tok::Frag { labs, .. } if labs.contains(&l)))
    }
}

/// The tokens as groups; the first has no label (values before any label).
fn groups(toks: &[Tok]) -> Vec<Group<'_>> {
    let mut groups = Vec::new();
    let mut i = 0;
    let mut lead = Vec::new();
    while i < toks.len() && !is_label_tok(&toks[i]) {
        lead.push(i);
        i += 1;
    }
    groups.push(Group { labs: vec![], vals: lead });
    while i < toks.len() {
        let mut labs = Vec::new();
        while i < toks.len() && is_label_tok(&toks[i]) {
            labs.push(&toks[i]);
            i += 1;
        }
        let mut vals = Vec::new();
        while i < toks.len() && !is_label_tok(&toks[i]) {
            vals.push(i);
            i += 1;
        }
        groups.push(Group { labs, vals });
    }
    groups
}

/// The stream being read: which tokens are taken, what is read, the dates placed so far.
struct Reader<'a> {
    toks: &'a [Tok],
    field_labels: HashSet<Lab>,
    used: Vec<bool>,
    /// The long texts (declaration, 特記事項) joined: where the issuer's name is spelled out.
    prose: String,
    r: Read,
    published: Option<usize>,
    approved_taken: bool,
    /// One date under both date labels: decided once the issuer is known.
    pending: Option<usize>,
}

fn read_stream(toks: &[Tok]) -> Read {
    let field_labels = field_labels(toks);
    let damaged = damaged(toks, &field_labels);
    let toks = &toks[..cover_end(toks)];
    let groups = groups(toks);
    let mut rd = Reader::new(toks, field_labels, damaged);
    for g in &groups {
        rd.take_number(g);
        rd.take_title(g);
        rd.take_organization(g);
        rd.take_dates(g);
    }
    for g in &groups {
        rd.take_notes(g);
    }
    rd.org_by_shape(&groups);
    rd.resolve_published();
    rd.title_by_shape();
    rd.finish()
}

impl<'a> Reader<'a> {
    fn new(toks: &'a [Tok], field_labels: HashSet<Lab>, damaged: bool) -> Self {
        let prose: String = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Value { key, .. } if key.chars().count() > PROSE_CELL_MIN_CHARS => Some(key.as_str()),
                _ => None,
            })
            .collect();
        Reader {
            toks,
            field_labels,
            used: vec![false; toks.len()],
            prose,
            r: Read { damaged, ..Read::default() },
            published: None,
            approved_taken: false,
            pending: None,
        }
    }

    fn key(&self, j: usize) -> Option<&'a str> {
        let toks = self.toks;
        if let Tok::Value { key, .. } = &toks[j] { Some(key.as_str()) } else { None }
    }

    fn text(&self, j: usize) -> Option<&'a str> {
        let toks = self.toks;
        if let Tok::Value { text, .. } = &toks[j] { Some(text.as_str()) } else { None }
    }

    fn take(&mut self, run: &[usize]) {
        for &j in run {
            self.used[j] = true;
        }
    }

    /// The digits of a group labelled 評価書番号.
    fn take_number(&mut self, g: &Group) {
        let labelled = g.has(Lab::Number) || (self.r.damaged && g.can_be(Lab::Number));
        if self.r.number.is_some() || !labelled {
            return;
        }
        let toks = self.toks;
        if let Some(j) = g.vals.iter().copied().find(|&j| matches!(toks[j], Tok::Num(_))) {
            if let Tok::Num(d) = &toks[j] {
                self.r.number = Some(d.clone());
            }
            self.used[j] = true;
        }
    }

    /// The value cells after 評価書名, joined, up to the kind name.
    fn take_title(&mut self, g: &Group) {
        if self.r.title.is_some() || !g.has(Lab::Title) {
            return;
        }
        let (parts, took) = self.title_cells(g);
        if parts.is_empty() {
            return;
        }
        self.take(&took);
        if self.r.damaged {
            self.r.dropped.push("title");
        } else {
            self.r.title = Some(join_wrapped(&parts));
        }
    }

    /// The title's cells and their indices: none when no kind name ends them and other
    /// labels share the run, or they are too many.
    fn title_cells(&self, g: &Group) -> (Vec<&'a str>, Vec<usize>) {
        let mut parts = Vec::new();
        let mut keys = String::new();
        let mut took = Vec::new();
        for &j in &g.vals {
            match &self.toks[j] {
                Tok::Num(_) | Tok::Furniture => {}
                Tok::Value { key, .. } if !(is_prose(key) || (g.has(Lab::Org) && org_shaped(key) && !parts.is_empty())) => {
                    parts.extend(self.text(j));
                    keys.push_str(key);
                    took.push(j);
                    if re_kind_end().is_match(&keys) {
                        break;
                    }
                }
                _ => break,
            }
        }
        let others = g.labs.iter().any(|t| matches!(t, Tok::Label(Lab::Decl | Lab::Notes | Lab::Org)));
        if !re_kind_end().is_match(&keys) && (others || parts.len() > TITLE_MAX_CELLS) {
            return (Vec::new(), Vec::new());
        }
        (parts, took)
    }

    /// The value after 評価実施機関名 (the one shaped like an issuer when the label shares
    /// its run with others).
    fn take_organization(&mut self, g: &Group) {
        if self.r.organization.is_some() || !g.has(Lab::Org) {
            return;
        }
        let cands = self.org_candidates(g);
        let alone = g.labs.iter().all(|t| matches!(t, Tok::Label(Lab::Org) | Tok::Frag { .. }));
        if alone {
            self.org_wrapped(g, &cands);
        }
        if self.r.organization.is_none() && !alone && !self.r.damaged {
            self.org_named_in_prose(g, &cands);
        }
        if self.r.organization.is_none() && !self.r.dropped.contains(&"organization") {
            self.org_first_shaped(&cands);
        }
    }

    fn org_candidates(&self, g: &Group) -> Vec<usize> {
        g.vals
            .iter()
            .copied()
            .filter(|&j| {
                !self.used[j]
                    && self.key(j).is_some_and(|key| {
                        !is_prose(key) && !re_kind_end().is_match(key) && (ORG_MIN_CHARS..=ORG_MAX_CHARS).contains(&key.chars().count())
                    })
            })
            .collect()
    }

    /// A long name wrapped in its cell: the label's own cells, joined, when together they
    /// are shaped like an issuer.
    fn org_wrapped(&mut self, g: &Group, cands: &[usize]) {
        let run: Vec<usize> = g.vals.iter().copied().take_while(|j| cands.contains(j)).take(ORG_MAX_CELLS).collect();
        let joined_key: String = run.iter().filter_map(|&j| self.key(j)).collect();
        if run.len() > 1 && org_shaped(&joined_key) && !ends_with_head(self.toks, run[0]) {
            self.take(&run);
            if self.r.damaged {
                self.r.dropped.push("organization");
            } else {
                let parts: Vec<&str> = run.iter().filter_map(|&j| self.text(j)).collect();
                self.r.organization = Some(join_wrapped(&parts));
            }
        }
    }

    /// Labels first (`特記事項 評価実施機関名` then the values): the last cells of the run,
    /// joined, when the declaration names the issuer so.
    fn org_named_in_prose(&mut self, g: &Group, cands: &[usize]) {
        let tail: Vec<usize> = g.vals.iter().rev().copied().take_while(|j| cands.contains(j)).take(ORG_MAX_CELLS).collect();
        for k in (2..=tail.len()).rev() {
            let mut run: Vec<usize> = tail[..k].to_vec();
            run.reverse();
            let jk: String = run.iter().filter_map(|&j| self.key(j)).collect();
            if org_shaped(&jk) && self.prose.contains(&jk) {
                let parts: Vec<&str> = run.iter().filter_map(|&j| self.text(j)).collect();
                self.take(&run);
                self.r.organization = Some(join_wrapped(&parts));
                return;
            }
        }
    }

    /// The first candidate shaped like an issuer.
    fn org_first_shaped(&mut self, cands: &[usize]) {
        let Some(j) = cands.iter().copied().find(|&j| self.key(j).is_some_and(org_shaped)) else { return };
        self.used[j] = true;
        if self.r.damaged {
            self.r.dropped.push("organization");
        } else if let Some(text) = self.text(j) {
            self.r.organization = Some(text.to_string());
        }
    }

    /// Dates right after their labels.
    fn take_dates(&mut self, g: &Group) {
        let toks = self.toks;
        let dates: Vec<usize> = g.vals.iter().copied().filter(|&j| matches!(toks[j], Tok::Date { .. })).collect();
        let (p, a) = (g.has(Lab::Published), g.has(Lab::Approved));
        if dates.is_empty() || !(p || a) {
            return;
        }
        if p && !a {
            self.published.get_or_insert(dates[0]);
            self.used[dates[0]] = true;
        } else if a && !p {
            self.approved_taken = true;
            self.used[dates[0]] = true;
        } else if dates.len() >= 2 {
            // the order of the labels is the order of the dates
            let lab_order: Vec<Lab> = g
                .labs
                .iter()
                .filter_map(|t| match t {
                    Tok::Label(l @ (Lab::Published | Lab::Approved)) => Some(*l),
                    _ => None,
                })
                .collect();
            let k = lab_order.iter().position(|l| *l == Lab::Published).unwrap_or(0).min(dates.len() - 1);
            self.published.get_or_insert(dates[k]);
            self.approved_taken = true;
            self.take(&dates);
        } else {
            // one date under both labels: decided once the issuer is known
            self.used[dates[0]] = true;
            self.pending.get_or_insert(dates[0]);
        }
    }

    /// 特記事項 in a run of labels: the one value no other label of the run claims.
    fn take_notes(&mut self, g: &Group) {
        if !g.has(Lab::Notes) || g.labs.len() <= 1 || self.r.damaged {
            return;
        }
        if let [one] = self.notes_left(g)[..] {
            self.r.notes = Some(one.to_string());
        }
    }

    /// The values of the group not taken and not in the declaration (its lines up to the
    /// one that says 宣言).
    fn notes_left(&self, g: &Group) -> Vec<&'a str> {
        let vals = &g.vals;
        let decl_end = vals.iter().rposition(|&j| self.key(j).is_some_and(|key| key.contains("宣言") || key.starts_with("言す")));
        let decl_start = decl_end.and_then(|e| vals[..=e].iter().position(|&j| self.key(j).is_some_and(is_prose)));
        let in_decl = |i: usize| matches!((decl_start, decl_end), (Some(a), Some(b)) if (a..=b).contains(&i));
        vals.iter()
            .enumerate()
            .filter(|&(i, &j)| !in_decl(i) && !self.used[j])
            .filter_map(|(_, &j)| self.key(j).filter(|key| !is_prose(key) && !re_kind_end().is_match(key)).and(self.text(j)))
            .collect()
    }

    /// Values away from their labels (Excel cell order), where 評価実施機関名 is printed: the
    /// one value shaped like an issuer in no labelled group that claims it.
    fn org_by_shape(&mut self, groups: &[Group]) {
        if self.r.organization.is_some() || self.r.damaged || !self.field_labels.contains(&Lab::Org) {
            return;
        }
        let claimed: HashSet<usize> = groups
            .iter()
            .filter(|g| g.has(Lab::Notes) || g.has(Lab::Title) || g.has(Lab::Decl))
            .flat_map(|g| g.vals.iter().copied())
            .collect();
        let cands: Vec<usize> =
            (0..self.toks.len()).filter(|&j| !self.used[j] && !claimed.contains(&j) && self.key(j).is_some_and(org_shaped)).collect();
        if let [j] = cands[..]
            && let Some(text) = self.text(j)
        {
            self.r.organization = Some(text.to_string());
        }
    }

    /// The 公表日 not placed by its label: a pending date of a local government (no 承認日),
    /// else the one loose date.
    fn resolve_published(&mut self) {
        let is_local = self.r.organization.as_deref().is_some_and(local_government);
        if let Some(d) = self.pending
            && self.published.is_none()
            && is_local
        {
            self.published = Some(d);
        }
        if self.published.is_none() && !self.approved_taken && self.pending.is_none() {
            self.published = self.loose_date(is_local);
        }
    }

    /// The one date filling its cell that no label took: the 公表日 when that label alone
    /// is printed, or stands nearer, or the issuer has no 承認日.
    fn loose_date(&self, is_local: bool) -> Option<usize> {
        let toks = self.toks;
        let loose: Vec<usize> = (0..toks.len()).filter(|&j| !self.used[j] && matches!(toks[j], Tok::Date { hard: true, .. })).collect();
        let [d] = loose[..] else { return None };
        let pos_of = |l: Lab| toks.iter().position(|t| *t == Tok::Label(l));
        match (pos_of(Lab::Published), pos_of(Lab::Approved)) {
            (Some(_), None) => Some(d),
            (Some(p), Some(a)) => (d.abs_diff(p) < d.abs_diff(a) || is_local).then_some(d),
            _ => None,
        }
    }

    /// No 評価書名 printed: the one value ending with a kind name, with the cells of its
    /// wrapped start right above it.
    fn title_by_shape(&mut self) {
        if self.r.title.is_some() || self.r.damaged || self.field_labels.contains(&Lab::Title) {
            return;
        }
        let toks = self.toks;
        let ends: Vec<usize> = (0..toks.len())
            .filter(|&j| !self.used[j] && self.key(j).is_some_and(|key| re_kind_end().is_match(key) && !is_prose(key)))
            .collect();
        let [j] = ends[..] else { return };
        let mut start = j;
        while start > 0
            && j - start < TITLE_WRAP_CELLS
            && !self.used[start - 1]
            && self.key(start - 1).is_some_and(|key| !is_prose(key) && !org_shaped(key) && !re_kind_end().is_match(key))
        {
            start -= 1;
        }
        let parts: Vec<&str> = (start..=j).filter_map(|i| self.text(i)).collect();
        self.r.title = Some(join_wrapped(&parts));
        if self.r.number.is_none() && !self.field_labels.contains(&Lab::Number) {
            self.number_beside(start, j);
        }
    }

    /// No 評価書番号 printed either: the digits standing right before or after the title.
    fn number_beside(&mut self, start: usize, end: usize) {
        let near = [start.checked_sub(1), Some(end + 1)];
        if let Some(Tok::Num(d)) = near.into_iter().flatten().filter_map(|i| self.toks.get(i)).find(|t| matches!(t, Tok::Num(_))) {
            self.r.number = Some(d.clone());
        }
    }

    fn finish(mut self) -> Read {
        if let Some(d) = self.published
            && let Tok::Date { raw, .. } = &self.toks[d]
        {
            self.r.published_raw = Some(raw.clone());
        }
        self.r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_dates() {
        assert_eq!(era_to_iso("令和3年12月17日").as_deref(), Some("2021-12-17"));
        assert_eq!(era_to_iso("令和元年５月１日").as_deref(), Some("2019-05-01"));
        assert_eq!(era_to_iso("平成２７年 ６月 ４日").as_deref(), Some("2015-06-04"));
        assert_eq!(era_to_iso("平成27年13月4日"), None);
    }

    fn cells(v: &[&str]) -> Vec<Line> {
        v.iter().enumerate().map(|(i, t)| Line::new(i + 1, None, (*t).to_string())).collect()
    }

    #[test]
    fn tag_and_date_cut_into_cells() {
        let l = cells(&[
            "評価実施機関名",
            "東大阪市長",
            "公表日",
            "平成",
            "27",
            "年",
            "5",
            "月",
            "28",
            "日",
            "平成",
            "26",
            "年",
            "4",
            "月様式",
            "4",
            "1",
        ]);
        let c = read_cover(&l, &l).value;
        assert_eq!(c.form.as_deref(), Some("平成26年4月 様式4"));
        assert_eq!(c.published.as_deref(), Some("2015-05-28"));
        assert_eq!(c.organization.as_deref(), Some("東大阪市長"));
        assert_eq!(c.number, None, "a page number after the tag");
    }

    #[test]
    fn page_numbers_are_no_number_and_wrapped_titles_join() {
        let l = cells(&[
            "1",
            "特定個人情報保護評価書（全項目評価書）",
            "評価書番号",
            "評価書名",
            "国民年金に関する事務 全",
            "項目評価書",
            "- 2 -",
        ]);
        let c = read_cover(&l, &l).value;
        assert_eq!(c.number, None);
        assert_eq!(c.kind.as_deref(), Some("全項目評価書"));
        assert_eq!(crate::normalize::key(c.title.as_deref().unwrap()), "国民年金に関する事務全項目評価書");
    }

    #[test]
    fn title_wrapped_inside_its_kind_name() {
        let l =
            cells(&["評価書番号", "7", "評価書名", "生活保護関係事務 基礎項目評", "価書", "個人のプライバシー等の権利利益の保護の宣言"]);
        let c = read_cover(&l, &l).value;
        assert_eq!(c.number.as_deref(), Some("7"));
        assert_eq!(crate::normalize::key(c.title.as_deref().unwrap()), "生活保護関係事務基礎項目評価書");
    }

    #[test]
    fn damaged_labels_give_no_fragment() {
        let l = cells(&["特定個情報保護評書(全評価書)", "評書号", "4", "評書名", "相原 国民年事 全評価書", "評施関 倉市長"]);
        let w = read_cover(&l, &l);
        let c = w.value;
        assert_eq!(c.number.as_deref(), Some("4"));
        assert_eq!((c.title, c.organization), (None, None));
        assert!(w.diags.iter().any(|d| d.code == Code::GlyphsMissing));
    }

    #[test]
    fn tags() {
        assert_eq!(form_tag(&crate::normalize::key("[令和６年10月　様式４]")).unwrap().0, "令和6年10月 様式4");
        assert_eq!(form_tag(&crate::normalize::key("[ 平 成 26 年 4 月 様 式 4]")).unwrap().0, "平成26年4月 様式4");
    }
}
