//! Pages of a scrambled text dump, read as a person reads them.
//!
//! In a pdftotext dump of an Excel-made PDF the cells of a page come out in an order that is
//! neither row nor column order, and the grid of a repeated group (システム2's 他のシステムとの
//! 接続, 移転先3's 移転方法) is cut into runs of `[`, `○`, `] label` spread over the page. A
//! reader still tells the grids apart: a grid prints every option of its list once, so the
//! run of a list's pieces read in order falls into *pages* — stretches in which every option
//! has been printed the same number of times k (k grids of the same shape on one page). A
//! page with k = 1 is one grid, given whole to the one label of the list on it. A page with
//! k ≥ 2 holds k grids whose pieces cannot be told apart; an option is settled for all of
//! them when every box of it on the page says the same (all marked, or all empty), else left
//! null. A stretch that never balances, or whose k differs from the number of the list's
//! labels on it, is not modelled (`page_unmodelled`) and keeps the nearest-label reading.

use super::checkbox::{BoxHit, BoxOut, BoxResult, Work, match_opt, settle};
use super::marks::{BodyPieces, Piece, lone_marks, pieces};
use super::{Certainty, Doc, Layout};
use crate::diag::{Code, Diag};
use crate::form::pos_delta;
use crate::form::template::{ListId, OptionList};
use crate::form::tuning::{BOX_REACH, PAGE_HIT_SLACK, PAGE_LEAD, PAGE_MAX_GRIDS};
use std::borrow::Cow;
use std::collections::HashSet;

/// The heading of a numbered group instance (`移転先3`).
#[derive(Debug, Clone, Copy)]
pub struct GroupHeading {
    /// index into `Template::groups`
    pub group: usize,
    pub n: u32,
    pub line: usize,
}

/// How the run's first page prints its group heading beside its grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Before,
    After,
}

/// A one-grid page whose label matched: its first and last line and its label (hit index).
struct Matched {
    first: usize,
    last: usize,
    hit: usize,
}

/// A line of a list's run: what it adds.
struct RunLine {
    /// the line prints a label of another list
    foreign: bool,
    /// options whose box or close (`] label`) the line prints
    labelled: Vec<usize>,
}

/// One modelled page of a list: its lines and how many grids it holds.
struct Page {
    lines: Vec<usize>,
    k: usize,
}

/// What the page model settled: per hit (index into the hits), its group's result, and the
/// pages it could not model (with the hit they are told on).
pub(super) struct Settled {
    pub results: Vec<Option<BoxResult>>,
    pub unmodelled: Vec<(usize, Diag)>,
}

/// Read the grids of every list that two or more labels share, page by page (lists in the
/// order of their first label; a page of one list is not read again for a later list).
/// `stray[h]`: an unplaced mark stands near hit `h` (as the nearest-label reading found).
pub(super) fn model_pages(
    doc: &Doc,
    hits: &[&BoxHit],
    label_lines: &HashSet<usize>,
    body: &BodyPieces,
    stray: &[bool],
    group_headings: &[GroupHeading],
) -> Settled {
    let mut out = Settled { results: hits.iter().map(|_| None).collect(), unmodelled: Vec::new() };
    if doc.layout != Layout::Lines || doc.flattened || doc.lines.first().is_some_and(|l| l.bbox.is_some()) {
        return out;
    }
    let mut lists: Vec<(usize, ListId)> = hits.iter().map(|h| (h.at.line, h.list)).collect();
    lists.sort_by_key(|&(line, _)| line);
    let mut seen: HashSet<ListId> = HashSet::new();
    let mut used: HashSet<usize> = HashSet::new();
    for (_, list) in lists {
        if !seen.insert(list) {
            continue;
        }
        let of_list: Vec<usize> = (0..hits.len()).filter(|&k| hits[k].list == list).collect();
        log::debug!("page model of {}: {} labels", doc.tpls.list(list).id, of_list.len());
        let ctx = ListCtx { doc, list_id: list, list: doc.tpls.list(list), hits, of_list: &of_list, label_lines, body, group_headings };
        ctx.model(&mut out, stray, &mut used);
    }
    out
}

/// One list's labels and where its pieces are read.
struct ListCtx<'c, 'a> {
    doc: &'c Doc<'a>,
    list_id: ListId,
    list: &'c OptionList,
    hits: &'c [&'c BoxHit],
    /// the hits of this list (indices into `hits`)
    of_list: &'c [usize],
    label_lines: &'c HashSet<usize>,
    body: &'c BodyPieces,
    group_headings: &'c [GroupHeading],
}

impl ListCtx<'_, '_> {
    /// Cut the list's run into pages and settle the grids of those whose labels match. Only
    /// a list of two or more labels takes the results, and only when its whole run reads
    /// consistently (every page matched by as many labels as it holds grids, every label on
    /// a page, nothing left over); a single grid keeps its reading, but its pages are not
    /// read again for another list.
    fn model(&self, out: &mut Settled, stray: &[bool], used: &mut HashSet<usize>) {
        let apply = self.of_list.len() >= 2;
        let (pages, rest) = self.pages(used);
        let mut taken: Vec<usize> = Vec::new();
        let mut placed: Vec<(Vec<usize>, &Page)> = Vec::new();
        let mut trouble: Option<(usize, String)> = None;
        for page in &pages {
            log::debug!(
                "page of {}: k={} lines {:?}",
                self.list.id,
                page.k,
                page.lines.iter().map(|&i| self.doc.lines[i].no).collect::<Vec<_>>()
            );
            let on_page: Vec<usize> =
                self.of_list.iter().copied().filter(|&h| !taken.contains(&h) && self.near(page, self.hits[h].at.line)).collect();
            if on_page.len() != page.k || page.k > PAGE_MAX_GRIDS {
                let why = if page.k > PAGE_MAX_GRIDS {
                    format!("{} grids in one run, more than a page holds", page.k)
                } else {
                    format!("{} grid(s) but {} label(s) of the list", page.k, on_page.len())
                };
                let h = on_page.first().copied().unwrap_or_else(|| self.nearest_hit(page.lines[0]));
                trouble.get_or_insert((h, self.unmodelled(page, &why).message));
                continue;
            }
            taken.extend(on_page.iter().copied());
            used.extend(page.lines.iter().copied());
            placed.push((on_page, page));
        }
        if let Some(&i) = rest.first() {
            let page = Page { lines: rest, k: 0 };
            trouble
                .get_or_insert((self.nearest_hit(i), self.unmodelled(&page, "the pieces never print every option equally often").message));
        }
        if let Some(&h) = self.of_list.iter().find(|h| !taken.contains(h)) {
            let line = self.doc.lines[self.hits[h].at.line].no;
            trouble.get_or_insert((
                h,
                format!("the {} label on line {line} stands on no page of its grids; read by the nearest label", self.list.id),
            ));
        }
        if !apply {
            return;
        }
        if let Some((h, msg)) = trouble {
            out.unmodelled.push((h, Diag::new(Code::PageUnmodelled, msg)));
            return;
        }
        self.settle_pages(&placed, out, stray);
    }

    /// The grids of a consistently read run: a one-grid page settled as one group, a shared
    /// page by agreement; then the owners checked against the group headings.
    fn settle_pages(&self, placed: &[(Vec<usize>, &Page)], out: &mut Settled, stray: &[bool]) {
        let mut matched: Vec<Matched> = Vec::new();
        for (on_page, page) in placed {
            if page.k == 1 {
                let h = on_page[0];
                matched.push(Matched { first: page.lines[0], last: page.lines[page.lines.len() - 1], hit: h });
                // placed by the page's order, not by a box on its label's lines: never exact
                out.results[h] = Some(settle(self.list, &self.work(page), &HashSet::new(), stray[h], false, self.doc.lines));
            } else {
                for (&h, r) in on_page.iter().zip(self.agree(page, on_page)) {
                    out.results[h] = Some(r);
                }
            }
        }
        if matched.len() == placed.len() && matched.len() >= 2 {
            self.check_owners(&matched, out);
        }
    }

    /// The run's first page tells on which side of its grid a group heading stands (the
    /// heading just before the grid, or just after it, names the page's own instance). A
    /// page whose label's owner breaks that: when that side names every page once, the
    /// grids go to the instances it names; else the page's boxes are unknown.
    fn check_owners(&self, matched: &[Matched], out: &mut Settled) {
        let Some((g, _)) = self.hits[matched[0].hit].group else { return };
        let owners: Vec<u32> = matched.iter().filter_map(|m| self.hits[m.hit].group.filter(|x| x.0 == g).map(|x| x.1)).collect();
        if owners.len() != matched.len() {
            return;
        }
        let heads: Vec<&GroupHeading> = self.group_headings.iter().filter(|h| h.group == g).collect();
        let beside = |m: &Matched, side: Side| match side {
            Side::Before => heads.iter().filter(|h| h.line < m.first).max_by_key(|h| h.line).map(|h| h.n),
            Side::After => heads.iter().filter(|h| h.line > m.last).min_by_key(|h| h.line).map(|h| h.n),
        };
        let side = if beside(&matched[0], Side::Before) == Some(owners[0]) {
            Side::Before
        } else if beside(&matched[0], Side::After) == Some(owners[0]) {
            Side::After
        } else {
            return;
        };
        let raw: Vec<Option<u32>> = matched.iter().map(|m| beside(m, side)).collect();
        let named = named_once(raw.clone(), &owners);
        if named.iter().zip(&owners).all(|(n, o)| *n == Some(*o)) {
            return;
        }
        if named.iter().all(Option::is_some) {
            let old: Vec<Option<BoxResult>> = matched.iter().map(|m| out.results[m.hit].take()).collect();
            for (j, r) in old.into_iter().enumerate() {
                let k = owners.iter().position(|&o| Some(o) == named[j]).unwrap_or(j);
                log::debug!("page model: the grid on line {} goes to instance {:?}", self.doc.lines[matched[j].first].no, named[j]);
                out.results[matched[k].hit] = r.map(order_placed);
            }
            return;
        }
        for (j, m) in matched.iter().enumerate() {
            if raw[j] != Some(owners[j]) {
                let why = "its label's owner and the group headings beside the page disagree";
                let page = Page { lines: vec![m.first, m.last], k: 1 };
                out.results[m.hit] = Some(unknown_result(self.list, self.unmodelled(&page, why)));
            }
        }
    }

    /// The list's label nearest to line `i`.
    fn nearest_hit(&self, i: usize) -> usize {
        let p = self.doc.lines[i].pos;
        self.of_list.iter().copied().min_by_key(|&h| self.doc.lines[self.hits[h].at.line].pos.abs_diff(p)).unwrap_or(self.of_list[0])
    }

    /// The diagnostic for a page that could not be modelled.
    fn unmodelled(&self, page: &Page, why: &str) -> Diag {
        let first = page.lines.first().map_or(0, |&i| self.doc.lines[i].no);
        let last = page.lines.last().map_or(0, |&i| self.doc.lines[i].no);
        Diag::new(Code::PageUnmodelled, format!("the {} pieces on lines {first}–{last}: {why}; read by the nearest label", self.list.id))
    }

    /// A hit at `line` belongs to a page when it stands among its lines (or just by them).
    fn near(&self, page: &Page, line: usize) -> bool {
        let lines = self.doc.lines;
        let (Some(&a), Some(&b)) = (page.lines.first(), page.lines.last()) else { return false };
        let p = lines[line].pos;
        p + PAGE_HIT_SLACK >= lines[a].pos && p <= lines[b].pos + PAGE_HIT_SLACK
    }

    /// The run of the list's piece lines around its labels, cut into balanced pages; the
    /// lines left after the last page.
    fn pages(&self, used: &HashSet<usize>) -> (Vec<Page>, Vec<usize>) {
        let lines = self.doc.lines;
        let hit_lines: Vec<usize> = self.of_list.iter().map(|&h| self.hits[h].at.line).collect();
        let lo = hit_lines.iter().map(|&l| lines[l].pos).min().unwrap_or(0);
        let hi = hit_lines.iter().map(|&l| lines[l].pos).max().unwrap_or(0);
        let own_ends: HashSet<usize> = self.of_list.iter().map(|&h| self.hits[h].at.end_line).collect();
        let other_ends: HashSet<usize> = self.hits.iter().map(|h| h.at.end_line).filter(|i| !own_ends.contains(i)).collect();
        let n = self.list.options.len();
        let mut pages = Vec::new();
        let mut counts = vec![0usize; n];
        let mut cur: Vec<usize> = Vec::new();
        let mut open = false;
        for i in self.doc.body.clone() {
            let d = pos_delta(lo, lines[i].pos);
            let own = own_ends.contains(&i);
            if d < -BOX_REACH
                || pos_delta(hi, lines[i].pos) > BOX_REACH
                || used.contains(&i)
                || other_ends.contains(&i)
                || (!own && self.label_lines.contains(&i))
            {
                continue;
            }
            let Some(rl) = self.run_line(i) else { continue };
            log::trace!("run {} line {}: foreign {} labelled {:?}", self.list.id, lines[i].no, rl.foreign, rl.labelled);
            if rl.foreign {
                // another list's grid: a page of this list cannot run through it
                cur.clear();
                counts.fill(0);
                open = false;
                continue;
            }
            if rl.labelled.is_empty() {
                cur.push(i);
                continue;
            }
            if !open {
                // bare brackets and marks just before a page are its own
                let start = lines[i].pos.saturating_sub(PAGE_LEAD);
                cur.retain(|&j| lines[j].pos >= start);
                open = true;
            }
            cur.push(i);
            for o in rl.labelled {
                counts[o] += 1;
            }
            if counts[0] > 0 && counts.iter().all(|&c| c == counts[0]) {
                pages.push(Page { lines: std::mem::take(&mut cur), k: counts[0] });
                counts.fill(0);
                open = false;
            }
        }
        // bare lines after the last page are not leftovers
        let rest = if open { cur } else { Vec::new() };
        (pages, rest)
    }

    /// The pieces of line `i`: after the label on a label's own line, else all of them; a
    /// box label that wraps onto the next line (`] フラッシュメモ` / `リ`) is joined.
    fn line_pieces(&self, i: usize) -> Cow<'_, [Piece]> {
        let mut ps = match self.of_list.iter().find(|&&h| self.hits[h].at.end_line == i) {
            Some(&h) => {
                let tail: String = self.doc.lines[i].text.chars().skip(self.hits[h].at.end_off).collect();
                Cow::Owned(pieces(&tail))
            }
            None => Cow::Borrowed(self.body.of(i)),
        };
        if let Some(Piece::Box { label, .. } | Piece::Close { label }) = ps.last()
            && !label.is_empty()
            && match_opt(self.list, label).is_none()
            && let Some(next) = self.doc.lines.get(i + 1).filter(|n| self.doc.body.contains(&(i + 1)) && !n.text.contains(['[', ']']))
        {
            let joined = format!("{label}{}", next.text.trim());
            if match_opt(self.list, &joined).is_some()
                && let Some(Piece::Box { label, .. } | Piece::Close { label }) = ps.to_mut().last_mut()
            {
                *label = joined;
            }
        }
        ps
    }

    /// Line `i` as a line of the list's run: bare brackets, lone marks, or labels all of the
    /// list's options.
    fn run_line(&self, i: usize) -> Option<RunLine> {
        if lone_marks(&self.doc.lines[i].text) > 0 {
            return Some(RunLine { foreign: false, labelled: Vec::new() });
        }
        let ps = self.line_pieces(i);
        let mut labelled = Vec::new();
        let mut bare = !ps.is_empty();
        for p in ps.iter() {
            match p {
                Piece::Box { label, .. } | Piece::Close { label } => {
                    if label.is_empty() {
                        continue;
                    }
                    bare = false;
                    match match_opt(self.list, label) {
                        Some(o) => labelled.push(o),
                        // a box of another grid ends the run; other text is passed over
                        None => return self.other_box(label).then_some(RunLine { foreign: true, labelled: Vec::new() }),
                    }
                }
                Piece::Open { .. } => {}
                Piece::OpenText { .. } | Piece::Text(_) => bare = false,
            }
        }
        (bare || !labelled.is_empty()).then_some(RunLine { foreign: false, labelled })
    }

    /// `label` names an option of another grid of the document.
    fn other_box(&self, label: &str) -> bool {
        self.hits.iter().any(|h| h.list != self.list_id && match_opt(self.doc.tpls.list(h.list), label).is_some())
    }

    /// A one-grid page as the checkbox reader's work.
    fn work(&self, page: &Page) -> Vec<Work> {
        let mut w = Vec::new();
        for &i in &page.lines {
            let lone = lone_marks(&self.doc.lines[i].text);
            if lone > 0 {
                w.push(Work::Lone(lone));
            } else {
                w.extend(self.line_pieces(i).iter().map(|p| Work::Piece(i, p.clone())));
            }
        }
        w
    }

    /// The boxes of a page of k ≥ 2 grids: an option is settled when all its boxes agree.
    fn agree(&self, page: &Page, on_page: &[usize]) -> Vec<BoxResult> {
        let t = self.tally(page);
        let mut per_label: Vec<Vec<BoxOut>> = vec![Vec::new(); on_page.len()];
        let mut diags = Vec::new();
        for (o, opt) in self.list.options.iter().enumerate() {
            let checked: Vec<Option<bool>> = match t.agreed(o, page.k) {
                Some(m) => vec![Some(m); on_page.len()],
                None => self.by_label_rows(page, on_page, o, &t),
            };
            if checked.iter().any(Option::is_none) {
                diags.push(Diag::new(
                    Code::AmbiguousCheckbox,
                    format!("{} grids of {} share a page and their boxes of {} differ or are split", page.k, self.list.id, opt.label),
                ));
            }
            for (boxes, c) in per_label.iter_mut().zip(checked) {
                let certainty = if c.is_some() { Certainty::Inferred } else { Certainty::Unknown };
                // which grid's box is whose is not known: no location
                boxes.push(BoxOut { label: opt.label.clone(), checked: c, detail: None, certainty, at: None });
            }
        }
        per_label
            .into_iter()
            .map(|boxes| {
                let certainty = if boxes.iter().any(|b| b.checked.is_none()) { Certainty::Unknown } else { Certainty::Inferred };
                BoxResult { boxes, certainty, other_text: None, diags: diags.clone() }
            })
            .collect()
    }

    /// Two grids of one shape told apart by their labels: a whole box of option `o` on the
    /// first piece line just below a label is that label's; the one box left is the other
    /// label's. `None` for a label this does not settle.
    fn by_label_rows(&self, page: &Page, on_page: &[usize], o: usize, t: &Tally) -> Vec<Option<bool>> {
        let unsettled = vec![None; on_page.len()];
        let Some(mut left) = t.seen(o, page.k) else { return unsettled };
        let mut got: Vec<Option<bool>> = on_page.iter().map(|&h| self.row_below(page, h, o)).collect();
        for m in got.iter().flatten() {
            let Some(at) = left.iter().position(|x| x == m) else { return unsettled };
            left.remove(at);
        }
        let open: Vec<usize> = (0..got.len()).filter(|&j| got[j].is_none()).collect();
        if let ([j], [m]) = (open.as_slice(), left.as_slice()) {
            got[*j] = Some(*m);
        }
        got
    }

    /// The mark of the whole box of option `o` on the first line of the page just below the
    /// label of hit `h`.
    fn row_below(&self, page: &Page, h: usize, o: usize) -> Option<bool> {
        let lines = self.doc.lines;
        let p = lines[self.hits[h].at.line].pos;
        let i = page.lines.iter().copied().find(|&i| lines[i].pos > p)?;
        if lines[i].pos > p + PAGE_HIT_SLACK {
            return None;
        }
        self.line_pieces(i).iter().find_map(|piece| match piece {
            Piece::Box { label, mark } if match_opt(self.list, label) == Some(o) => Some(*mark),
            _ => None,
        })
    }

    /// What the pieces of a page say, option by option.
    fn tally(&self, page: &Page) -> Tally {
        let n = self.list.options.len();
        let mut t = Tally { marks: vec![Vec::new(); n], closes: vec![0; n], attached: vec![Vec::new(); n], free_marks: 0 };
        for &i in &page.lines {
            let lone = lone_marks(&self.doc.lines[i].text);
            if lone > 0 {
                t.free_marks += lone;
                continue;
            }
            let mut prev: Option<usize> = None;
            for p in self.line_pieces(i).iter() {
                match p {
                    Piece::Box { label, mark } => {
                        prev = match_opt(self.list, label);
                        if let Some(o) = prev {
                            t.marks[o].push(*mark);
                        }
                    }
                    Piece::Close { label } => {
                        prev = match_opt(self.list, label);
                        if let Some(o) = prev {
                            t.closes[o] += 1;
                        }
                    }
                    Piece::Open { mark } => match prev {
                        Some(k) if k + 1 < n => t.attached[k + 1].push(*mark),
                        _ => t.free_marks += usize::from(*mark),
                    },
                    Piece::OpenText { .. } | Piece::Text(_) => {}
                }
            }
        }
        t
    }
}

/// The pieces of a page of several grids, option by option.
struct Tally {
    /// marks of whole boxes
    marks: Vec<Vec<bool>>,
    /// closes (`] label`) whose opens stand elsewhere
    closes: Vec<usize>,
    /// opens following the option before on their line: the opens of this option's closes
    attached: Vec<Vec<bool>>,
    /// lone marks and marked opens that follow no option
    free_marks: usize,
}

impl Tally {
    /// The mark every one of the k boxes of option `o` shows, when they agree.
    fn agreed(&self, o: usize, k: usize) -> Option<bool> {
        let seen = self.seen(o, k)?;
        let first = *seen.first()?;
        seen.iter().all(|&m| m == first).then_some(first)
    }

    /// The marks of the k boxes of option `o`, when every one is known.
    fn seen(&self, o: usize, k: usize) -> Option<Vec<bool>> {
        if self.marks[o].len() + self.closes[o] != k || self.attached[o].len() > self.closes[o] {
            return None;
        }
        let mut seen: Vec<bool> = self.marks[o].iter().chain(&self.attached[o]).copied().collect();
        let missing = self.closes[o] - self.attached[o].len();
        if missing > 0 {
            // a close whose open is not by its neighbour: empty only when no mark is free
            if self.free_marks > 0 {
                return None;
            }
            seen.extend(std::iter::repeat_n(false, missing));
        }
        Some(seen)
    }
}

/// The instances a side names, page by page; one page naming none takes the one instance no
/// page names. `None` everywhere when some instance would be named twice.
fn named_once(mut named: Vec<Option<u32>>, owners: &[u32]) -> Vec<Option<u32>> {
    let unnamed: Vec<u32> = owners.iter().copied().filter(|o| !named.contains(&Some(*o))).collect();
    let blanks: Vec<usize> = (0..named.len()).filter(|&j| named[j].is_none()).collect();
    if let ([j], [o]) = (blanks.as_slice(), unnamed.as_slice()) {
        named[*j] = Some(*o);
    }
    let mut seen = HashSet::new();
    let once = named.iter().all(|n| n.is_some_and(|n| owners.contains(&n) && seen.insert(n)));
    if once { named } else { vec![None; named.len()] }
}

/// A group whose boxes are all unknown, with why.
fn unknown_result(list: &OptionList, why: Diag) -> BoxResult {
    let boxes = list
        .options
        .iter()
        .map(|o| BoxOut { label: o.label.clone(), checked: None, detail: None, certainty: Certainty::Unknown, at: None })
        .collect();
    BoxResult { boxes, certainty: Certainty::Unknown, other_text: None, diags: vec![why] }
}

/// A grid given to its instance by the order of the pages: none of its marks is exact.
fn order_placed(mut r: BoxResult) -> BoxResult {
    for b in &mut r.boxes {
        if b.certainty == Certainty::Exact {
            b.certainty = Certainty::Inferred;
        }
    }
    if r.certainty == Certainty::Exact {
        r.certainty = Certainty::Inferred;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(marks: Vec<Vec<bool>>, closes: Vec<usize>, attached: Vec<Vec<bool>>, free_marks: usize) -> Tally {
        Tally { marks, closes, attached, free_marks }
    }

    #[test]
    fn shared_page_settles_only_agreeing_options() {
        // option 0: two whole boxes, both marked; option 1: a box and a close whose open
        // follows option 0 elsewhere, marked and empty; option 2: two closes, no open, no
        // free mark on the page
        let t = tally(vec![vec![true, true], vec![true], vec![]], vec![0, 1, 2], vec![vec![], vec![false], vec![]], 0);
        assert_eq!(t.agreed(0, 2), Some(true));
        assert_eq!(t.agreed(1, 2), None, "a marked and an empty box of one option: which grid is which is not known");
        assert_eq!(t.agreed(2, 2), Some(false));
        // a free mark on the page: a close without its open may be the marked one
        let t = tally(vec![vec![], vec![], vec![]], vec![0, 0, 2], vec![vec![], vec![], vec![]], 1);
        assert_eq!(t.agreed(2, 2), None);
        // more boxes than grids: not settled
        let t = tally(vec![vec![false, false, false], vec![], vec![]], vec![0, 0, 0], vec![vec![], vec![], vec![]], 0);
        assert_eq!(t.agreed(0, 2), None);
    }

    #[test]
    fn marks_of_a_shared_option() {
        // a whole box marked, a close whose open follows its neighbour empty: both known
        let t = tally(vec![vec![true]], vec![1], vec![vec![false]], 0);
        assert_eq!(t.seen(0, 2), Some(vec![true, false]));
        assert_eq!(t.agreed(0, 2), None);
    }

    #[test]
    fn headings_name_each_page_once() {
        // the last page has no heading after it: it takes the one instance left
        assert_eq!(named_once(vec![Some(1), Some(4), Some(3), None], &[1, 2, 3, 4]), vec![Some(1), Some(4), Some(3), Some(2)]);
        // an instance named twice: nothing is named
        assert_eq!(named_once(vec![Some(1), Some(1), Some(3)], &[1, 2, 3]), vec![None, None, None]);
        // two pages without a heading: the leftovers cannot be told apart
        assert_eq!(named_once(vec![Some(1), None, None], &[1, 2, 3]), vec![None, None, None]);
    }

    /// Two systems whose grids are cut into runs: one page each, the second system's
    /// heading standing after its grid.
    const TWO_SYSTEMS: &str = "Ⅰ 基本情報
２．特定個人情報ファイルを取り扱う事務において使用するシステム

] 税務システム

[ ] 住民基本台帳ネットワークシステム [ ○ ] 既存住民基本台帳システム
 ③他のシステムとの接続

[ ○ ] 情報提供ネットワークシステム [ ○
[ ] 宛名システム等 [
] 庁内連携システム
[ ] その他 （ ）

 システム1
 ①システムの名称 住民記録システム

] 税務システム

[ ] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム
 ③他のシステムとの接続

[ ] 情報提供ネットワークシステム [ ○
[ ○ ] 宛名システム等 [
] 庁内連携システム
[ ] その他 （ ）

 システム2
 ①システムの名称 宛名システム
";

    #[test]
    fn each_page_gives_its_grid_to_its_label() {
        let ex = crate::fields::read_test_text(TWO_SYSTEMS);
        let grid = |n: u32| -> Vec<Option<bool>> {
            let id = format!("I/2/システム{n}/3");
            let f = ex
                .value
                .iter()
                .find(|f| f.id() == id)
                .unwrap_or_else(|| panic!("{id}: {:?}", ex.value.iter().map(FieldOutId::id).collect::<Vec<_>>()));
            let crate::fields::Options::Boxes(b) = &f.options else { panic!("{:?}", f.options) };
            b.iter().map(|b| b.checked).collect()
        };
        // 情報提供, 庁内連携, 住基NW, 既存住基, 宛名, 税務, その他
        assert_eq!(grid(1), vec![Some(true), Some(true), Some(false), Some(true), Some(false), Some(false), Some(false)]);
        assert_eq!(grid(2), vec![Some(false), Some(true), Some(false), Some(false), Some(true), Some(false), Some(false)]);
    }

    trait FieldOutId {
        fn id(&self) -> String;
    }
    impl FieldOutId for crate::fields::FieldOut {
        fn id(&self) -> String {
            self.path.join("/")
        }
    }
}
