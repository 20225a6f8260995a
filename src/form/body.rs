//! Which form a document is, and where its body lies: the section headings of every form
//! (found once), the form choice (printed kind, form tag, else the headings), and the body's
//! bounds (after the cover or the 項目一覧, before the 別添 変更箇所 table).

use super::headings::{Sections, find_sections, section_at, toc_end};
use super::template::{Template, Templates};
use crate::cover::{Cover, KINDS, era_to_iso};
use crate::diag::{Code, Diag, Warned};
use crate::input::Line;
use crate::normalize::roman;

/// A cover stands in the first lines when no section heading says where it ends.
const COVER_LINES_WITHOUT_HEADING: usize = 80;
/// The first row of the 変更箇所 table: a date, then its item (`Ⅲ …`) within this many lines.
const CHANGE_ROW_ITEM_REACH: usize = 4;

/// The section headings each form's template finds in the text.
pub struct Headings {
    per_form: Vec<Sections>,
    cover_end: usize,
}

impl Headings {
    #[must_use]
    pub fn find(tpls: &Templates, lines: &[Line]) -> Headings {
        let per_form: Vec<Sections> = tpls.forms.iter().map(|t| find_sections(t, lines)).collect();
        let cover_end =
            per_form.iter().filter_map(|s| s.first().map(|s| s.line)).min().unwrap_or(lines.len().min(COVER_LINES_WITHOUT_HEADING));
        Headings { per_form, cover_end }
    }

    /// The form's section headings.
    #[must_use]
    pub fn of(&self, form: usize) -> &Sections {
        &self.per_form[form]
    }

    /// Where the cover ends: the first section heading of any form.
    #[must_use]
    pub fn cover_end(&self) -> usize {
        self.cover_end
    }
}

/// Pick the form (its index in `tpls.forms`): by the printed kind, else the form tag, else
/// the one whose section headings the text shows best (with `kind_inferred`).
#[must_use]
pub fn choose_form(tpls: &Templates, cover: &Cover, lines: &[Line], headings: &Headings) -> Warned<Option<usize>> {
    if let Some(k) = &cover.kind
        && let Some(i) = tpls.forms.iter().position(|t| &t.kind == k)
    {
        return Warned::new(Some(i), vec![]);
    }
    if let Some(form) = &cover.form {
        let tag = format!("様式{}", form.chars().last().unwrap_or('0'));
        if let Some(i) = tpls.forms.iter().position(|t| t.form == tag) {
            return Warned::new(Some(i), vec![]);
        }
    }
    let Some(i) = best_by_headings(tpls, lines, headings) else { return Warned::new(None, vec![]) };
    let t = &tpls.forms[i];
    let msg = format!("the document does not print its kind; its section headings are those of {} ({})", t.form, t.kind);
    Warned::new(Some(i), vec![Diag::new(Code::KindInferred, msg)])
}

/// The form whose section headings the text shows best: headings found (weighted), then
/// section titles seen after a Roman numeral anywhere.
fn best_by_headings(tpls: &Templates, lines: &[Line], headings: &Headings) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None; // (score, form)
    for (i, (t, found)) in tpls.forms.iter().zip(&headings.per_form).enumerate() {
        let titled = |key: &str| lines.iter().any(|l| l.key.contains(key) && l.key.chars().next().is_some_and(|c| roman(c).is_some()));
        let unique = t.sections.iter().filter(|s| titled(&s.key)).count();
        let score = found.len() * 10 + unique;
        if score > 0 && best.is_none_or(|b| score > b.0) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

/// An 別添 found after the body's start: which one, and its heading line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnexKind {
    /// 別添 特定個人情報ファイル記録項目
    RecordItems,
    /// 別添 変更箇所
    Changes,
    /// 別添 事務の内容
    Work,
}

/// Where the form's body lies, and the annexes after it.
#[derive(Debug, Clone)]
pub struct Body {
    pub range: std::ops::Range<usize>,
    pub annexes: Vec<(AnnexKind, usize)>,
}

/// The body: from its first section heading (or right after the 項目一覧 where a scrambled
/// page printed some of section Ⅰ above its heading; or line 0 for a fragment that begins
/// mid-form) to the 変更箇所 table, found by its heading, its column header or its first row.
#[must_use]
pub fn locate(t: &Template, lines: &[Line], sections: &Sections, cover_end: usize, printed_kind: bool) -> Body {
    let first = sections.first().map_or(cover_end, |s| s.line);
    let start = match toc_end(t, lines) {
        Some(te) if te < first && sections.first().is_some_and(|s| s.section == 0) => te,
        _ => first,
    };
    let annexes = find_annexes(lines, start);
    let changes_at = annexes.iter().filter(|(k, _)| *k == AnnexKind::Changes).map(|&(_, i)| i).max();
    let last_section = sections.iter().map(|s| s.line).max().unwrap_or(start);
    let row = first_change_row(t, lines, last_section);
    let header = (last_section..lines.len()).find(|&i| lines[i].key.contains("変更前の記載") && lines[i].key.contains("変更後の記載"));
    let end = [changes_at, row, header].into_iter().flatten().min().unwrap_or(lines.len());
    let fragment = sections.first().is_some_and(|s| s.section > 0) && !printed_kind;
    Body { range: if fragment { 0 } else { start }..end, annexes }
}

/// A 別添 heading is short; a longer line only mentions one.
const ANNEX_HEADING_MAX_CHARS: usize = 24;

/// The 別添 headings from `from` on (変更箇所, 記録項目, 事務の内容), outside the 項目一覧.
fn find_annexes(lines: &[Line], from: usize) -> Vec<(AnnexKind, usize)> {
    let kind_of = |k: &str| {
        if k.contains("変更箇所") {
            Some(AnnexKind::Changes)
        } else if k.contains("記録項目") {
            Some(AnnexKind::RecordItems)
        } else if k.contains("事務の内容") {
            Some(AnnexKind::Work)
        } else {
            None
        }
    };
    let heading = |k: &str| (k.starts_with("(別添") || k.starts_with("別添")) && k.chars().count() <= ANNEX_HEADING_MAX_CHARS;
    lines
        .iter()
        .enumerate()
        .skip(from)
        .filter_map(|(i, l)| {
            let k = l.key.trim_start_matches('#');
            if heading(k) { kind_of(k).map(|kind| (kind, i)) } else { None }
        })
        .collect()
}

/// The 変更箇所 table even where its 別添 heading was lost: its first row, a line that starts
/// with a date (and is no cover line), followed within a few lines by an item `Ⅲ …` that is
/// not a section heading.
fn first_change_row(t: &Template, lines: &[Line], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| {
        let k = &lines[i].key;
        let dated = era_to_iso(k).is_some() && KINDS.iter().all(|kd| !k.contains(kd)) && k.starts_with(['令', '平']);
        dated
            && lines[i + 1..lines.len().min(i + 1 + CHANGE_ROW_ITEM_REACH)]
                .iter()
                .any(|l| l.key.chars().next().and_then(roman).is_some() && section_at(t, l).is_none())
    })
}
