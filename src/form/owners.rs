//! Owners of the labels found: the group instance (システム2, リスク3) or parent field,
//! nearest in the text that does not have that field yet.

use super::scan::{Heading, Hit};
use super::template::{FieldRole, FieldType, Template};
use super::tuning::{OWNER_ABOVE, OWNER_BELOW_PENALTY, OWNER_FAR_ABOVE_PENALTY};
use super::{loc, pos_delta};
use crate::diag::{Code, Diag};
use crate::input::Line;
use std::collections::HashSet;

/// (group, number, label key) or (field, number, label key): an owner that holds a label.
type Taken = HashSet<(usize, Option<u32>, String)>;

/// Give each hit its group instance and parent: the nearest heading (preferring the
/// preceding one) that does not hold that field yet. Hits that no group can own are dropped
/// (with `group_unplaced` for a repeated group).
#[must_use]
pub fn resolve_owners(t: &Template, hits: Vec<Hit>, headings: &[Heading], lines: &[Line], diags: &mut Vec<Diag>) -> Vec<Hit> {
    let mut owners = Owners { t, lines, headings, taken: HashSet::new() };
    // group heading hits are owned already
    for h in &hits {
        let fs = &t.fields[h.field];
        if fs.role == FieldRole::GroupHeading
            && let Some(g) = fs.group
        {
            owners.taken.insert((g, h.group_n, fs.keys[0].clone()));
        }
    }
    let mut kept = Vec::with_capacity(hits.len());
    for mut h in hits {
        if owners.place_in_group(&mut h, diags) {
            kept.push(h);
        } else {
            log::debug!("dropped {}", lines[h.at.line].no);
        }
    }
    owners.place_under_parents(&mut kept);
    // a repeated group whose headings stand out of order (移転先1, 4, 3, 2…) is on a page
    // read in scrambled order: which instance holds a label there is a guess by proximity
    let scrambled = scrambled_groups(headings);
    for h in &mut kept {
        if h.group_n.is_some() && t.fields[h.field].group.is_some_and(|g| scrambled.contains(&g)) {
            h.inferred = true;
        }
    }
    kept
}

/// The groups whose numbered headings do not appear in increasing order.
fn scrambled_groups(headings: &[Heading]) -> HashSet<usize> {
    let mut last: std::collections::HashMap<usize, u32> = std::collections::HashMap::new();
    let mut out = HashSet::new();
    let mut order: Vec<&Heading> = headings.iter().collect();
    order.sort_by_key(|h| h.line);
    for hd in order {
        let Some(n) = hd.n else { continue };
        if last.get(&hd.group).is_some_and(|&p| n < p) {
            out.insert(hd.group);
        }
        last.insert(hd.group, n);
    }
    out
}

/// The cost of an owner `d` positions above a label (negative: below): the nearest above
/// wins when it is near; one below only when none is above.
fn owner_cost(d: i64) -> i64 {
    if (0..=OWNER_ABOVE).contains(&d) {
        d
    } else if d < 0 {
        OWNER_BELOW_PENALTY - d
    } else {
        OWNER_FAR_ABOVE_PENALTY + d
    }
}

struct Owners<'a> {
    t: &'a Template,
    lines: &'a [Line],
    headings: &'a [Heading],
    taken: Taken,
}

impl Owners<'_> {
    /// Give `h` its group instance; false when no group can own it.
    fn place_in_group(&mut self, h: &mut Hit, diags: &mut Vec<Diag>) -> bool {
        let t = self.t;
        let fs = &t.fields[h.field];
        if fs.role == FieldRole::GroupHeading {
            return true;
        }
        let Some(g) = fs.group else { return true };
        // candidate groups: every group of the item holding a field with this label
        let label = fs.keys[0].clone();
        let parent_key = fs.parent.map(|p| &t.fields[p].keys[0]);
        let cand_groups: Vec<(usize, usize)> = t
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.item == fs.item && f.keys[0] == label && f.parent.map(|p| &t.fields[p].keys[0]) == parent_key)
            .filter_map(|(i, f)| Some((f.group?, i)))
            .collect();
        if let Some((cost, grp, n, f)) = self.nearest_heading(h, &cand_groups, &label) {
            h.field = f;
            h.group_n = n;
            if cost > 0 && (t.groups[grp].repeated || cand_groups.len() > 1) {
                // placed by proximity, not by a heading directly above; or by elimination,
                // a nearer heading having this label already
                h.inferred = h.inferred || cost > OWNER_ABOVE || self.nearer_taken(h, &cand_groups, cost);
            }
            self.taken.insert((grp, n, label));
            return true;
        }
        // no heading found: the group itself when it is the only one
        if cand_groups.len() == 1 && !t.groups[g].repeated {
            self.taken.insert((g, None, label));
            true
        } else if t.groups[g].repeated {
            diags.push(
                Diag::new(Code::GroupUnplaced, format!("{} found outside any {}N", fs.labels[0], t.groups[g].name))
                    .at(loc(&self.lines[h.at.line])),
            );
            false
        } else {
            // several fixed groups, none seen: first without this field
            let free = cand_groups.iter().find(|(g2, _)| !self.taken.contains(&(*g2, None, label.clone())));
            let Some(&(g2, f)) = free else { return false };
            h.field = f;
            h.inferred = true;
            self.taken.insert((g2, None, label));
            true
        }
    }

    /// The nearest heading of a candidate group that lacks this label: (cost, group,
    /// number, field).
    fn nearest_heading(&self, h: &Hit, cand_groups: &[(usize, usize)], label: &str) -> Option<(i64, usize, Option<u32>, usize)> {
        let mut best: Option<(i64, usize, Option<u32>, usize)> = None;
        for hd in self.headings {
            let Some(&(_, f)) = cand_groups.iter().find(|(g2, _)| *g2 == hd.group) else { continue };
            if self.taken.contains(&(hd.group, hd.n, label.to_string())) {
                continue;
            }
            let cost = owner_cost(pos_delta(self.lines[hd.line].pos, self.lines[h.at.line].pos));
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, hd.group, hd.n, f));
            }
        }
        best
    }

    /// A heading of a candidate group nearer than `cost` whose instance has the label already.
    fn nearer_taken(&self, h: &Hit, cand_groups: &[(usize, usize)], cost: i64) -> bool {
        self.headings.iter().any(|hd| {
            cand_groups.iter().any(|(g2, _)| *g2 == hd.group)
                && owner_cost(pos_delta(self.lines[hd.line].pos, self.lines[h.at.line].pos)) < cost
        })
    }

    /// A nested field goes under the nearest parent reading lacking it.
    fn place_under_parents(&self, hits: &mut [Hit]) {
        let t = self.t;
        let parent_hits: Vec<(usize, usize, Option<u32>)> = hits.iter().map(|h| (h.field, h.at.line, h.group_n)).collect();
        let mut taken_child: Taken = HashSet::new();
        for h in hits.iter_mut() {
            let fs = &t.fields[h.field];
            let Some(p) = fs.parent else { continue };
            if t.fields[p].ty() == FieldType::None {
                continue;
            }
            let label = fs.keys[0].clone();
            // siblings with the same label under other parents of the same group
            let alts: Vec<usize> = t
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.group == fs.group && f.item == fs.item && f.keys[0] == label && f.parent.is_some())
                .map(|(i, _)| i)
                .collect();
            if alts.len() <= 1 {
                continue;
            }
            let mut best: Option<(i64, usize)> = None;
            for &(pf, pl, pn) in &parent_hits {
                if pn != h.group_n {
                    continue;
                }
                let Some(&alt) = alts.iter().find(|&&a| t.fields[a].parent == Some(pf)) else { continue };
                if taken_child.contains(&(alt, pn, label.clone())) {
                    continue;
                }
                let cost = owner_cost(pos_delta(self.lines[pl].pos, self.lines[h.at.line].pos));
                if best.is_none_or(|b| cost < b.0) {
                    best = Some((cost, alt));
                }
            }
            if let Some((_, alt)) = best {
                h.field = alt;
                taken_child.insert((alt, h.group_n, label));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::headings::find_sections;
    use crate::form::scan::scan;
    use crate::form::templates;

    #[test]
    fn each_system_owns_its_fields() {
        let tpls = templates();
        let t = tpls.by_form("様式4").unwrap();
        let text = "Ⅰ 基本情報\n2. 特定個人情報ファイルを取り扱う事務において使用するシステム\nシステム1\n①システムの名称 住基システム\nシステム2\n①システムの名称 税務システム\n";
        let lines = crate::input::to_lines(text).value.lines;
        let sections = find_sections(t, &lines);
        let s = scan(tpls, t, &lines, 0..lines.len(), &sections);
        assert_eq!(s.headings.len(), 2);
        let mut diags = Vec::new();
        let hits = resolve_owners(t, s.hits, &s.headings, &lines, &mut diags);
        let paths: Vec<Vec<String>> = hits.iter().map(|h| t.path(h.field, h.group_n)).collect();
        assert_eq!(paths, [["I", "2", "システム1", "1"], ["I", "2", "システム2", "1"]]);
        assert!(hits.iter().all(|h| !h.inferred));
        assert!(diags.is_empty());
    }

    #[test]
    fn owner_cost_prefers_above() {
        assert!(owner_cost(10) < owner_cost(-1));
        assert!(owner_cost(-1) < owner_cost(OWNER_ABOVE + 1));
    }
}
